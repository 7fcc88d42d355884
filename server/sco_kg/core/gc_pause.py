"""Python's cyclic garbage collector paused around bulk work on graphs.

Why: loading, indexing or closing a million triples makes millions of tuples, sets and
terms that live until the step ends. Each full collection walks all of them again (the
collector took 6 of the 9 s of the fast validator's RDFS closure at 1M triples); what is
built holds no reference cycles worth collecting, and reference counting still frees
everything else at once.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Run a block with the cyclic collector off; it is left as it was, after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
