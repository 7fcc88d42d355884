"""The bound on a closure, checked while it grows: :class:`Budget` counts the inferred
triples as the engine adds them and raises
:class:`~sco_kg.core.errors.ReasoningLimitExceeded` as soon as they pass the bound of
:class:`~sco_kg.pipeline.reasoning_limits.ReasoningLimits`.

The count is what the engine holds beyond what it read: every triple
:meth:`.engine.Engine.commit` adds, the TBox closure, the one-time triples (a literal's
datatype), minus the triples that sameAs merged away; on the way out, the expansion of
sameAs classes counts each triple written. A rule whose one firing can make a closure
(prp-trp, scm-sco: :mod:`.transitive`) announces its new triples as it makes them
(:meth:`Budget.expect`), so that a round that would produce 500k triples stops at the
bound, not after the round. Counting costs one addition per predicate or class a round
touches.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from ...core.errors import ReasoningLimitExceeded
from ..reasoning_limits import PER_TRIPLE, ReasoningLimits

__all__ = ["Budget"]

#: a key -> (its name, what made it grow); a key is a property's id, or (rdf:type's id, a class's id)
Explain = Callable[[object], "tuple[str, str]"]


class Budget:
    """The running count of inferred triples of one closure, per property and per class."""

    def __init__(self, limits: ReasoningLimits | None = None, asserted: int = 0, explain: Explain | None = None):
        found = limits.bound(asserted) if limits is not None else None
        self.bound: int | None = found[0] if found else None
        self.limit: str = found[1] if found else ""
        self.per_triple = limits.max_inferred_per_triple if found and found[1] == PER_TRIPLE else None
        self.asserted = asserted
        self.explain = explain
        self.held = 0  # inferred triples in the store
        self.pending = 0  # announced by a rule, not in the store yet
        self.peak = 0  # the most held (+ pending) at any time
        self.by_key: dict = defaultdict(int)  # key -> triples it produced (held or announced)
        self.pending_by_key: dict = defaultdict(int)

    def grew(self, key, n: int) -> None:
        """``n`` triples of ``key`` were added to the store."""
        self.held += n
        self.by_key[key] += n
        self._check()

    def shrank(self, n: int) -> None:
        """``n`` triples left the store (rewritten to a sameAs representative)."""
        self.held -= n

    def expect(self, key, n: int) -> None:
        """A rule made ``n`` triples of ``key`` new to the store, to be added at the commit."""
        self.pending += n
        self.pending_by_key[key] += n
        self.by_key[key] += n
        self._check()

    def settle(self) -> None:
        """The announced triples are about to be added and counted by :meth:`grew`."""
        if self.pending:
            for key, n in self.pending_by_key.items():
                self.by_key[key] -= n
            self.pending_by_key.clear()
            self.pending = 0

    def _check(self) -> None:
        total = self.held + self.pending
        if total > self.peak:
            self.peak = total
            if self.bound is not None and total > self.bound:
                self.exceeded(total)

    def exceeded(self, inferred: int, by_key: dict | None = None) -> None:
        """Raise :class:`ReasoningLimitExceeded` after ``inferred`` triples, naming the key
        that produced the most of them (of ``by_key``, else of the store's)."""
        counts = by_key if by_key is not None else self.by_key
        key, count = max(counts.items(), key=lambda kv: kv[1]) if counts else (None, 0)
        name, rule = self.explain(key) if (self.explain and key is not None) else ("nothing", "")
        raise ReasoningLimitExceeded(
            self.limit, self.bound, inferred, self.asserted, (name, count), per_triple=self.per_triple, rule=rule
        )
