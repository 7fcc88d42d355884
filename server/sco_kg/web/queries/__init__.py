"""The SPARQL the web app runs itself, one ``.rq`` file per query, beside this module.

:func:`load` reads a file (once: the queries are module constants of the code that runs
them). A query about one resource names it as a ``$`` variable (``$org``), which SPARQL
reads as a variable like ``?org``, so every file parses as it stands; :func:`bind` writes
a checked IRI in its place. Substituted, not bound by a ``VALUES`` clause: on 602k quads
(50 organisations of 2,000 memberships each, pyoxigraph 0.5) the timeline query took
0.76 s with the IRI written in, 1.07 s with ``VALUES`` at the start of the pattern and
2.2 s with ``VALUES`` after it. A graph named by a request is never written into a query:
it goes as the protocol's ``default-graph-uri`` (:mod:`..backend`).
"""

from __future__ import annotations

import re
from importlib import resources
from string import Template

import pyoxigraph as ox

#: what an IRIREF of SPARQL cannot hold, and the backslash, which would start a \\u escape
#: that the parser decodes before it reads the IRI (``\\u003E`` would close it)
_NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def load(name: str) -> str:
    """The text of ``<name>.rq`` of this package."""
    return resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query, or ValueError when ``iri`` could break out of the brackets or
    is no IRI at all (pyoxigraph's parser decides)."""
    if _NOT_IN_IRIREF.search(iri):
        raise ValueError(f"{iri!r} cannot be written into a query: not an IRI")
    ox.NamedNode(iri)  # ValueError if it is not an absolute IRI
    return f"<{iri}>"


def bind(query: str, **iris: str) -> str:
    """``query`` with each ``$name`` replaced by the IRI given for it (checked by :func:`iri_ref`);
    a ``$name`` not given is a KeyError, never left for the engine to read as a variable."""
    return Template(query).substitute({name: iri_ref(iri) for name, iri in iris.items()})
