"""The prover's own numbering of the terms: one order of them whatever the input's.

The engine numbers terms in the order it reads them, which follows rdflib's set order and
so the hash seed. The prover (:mod:`.prover`) records the first derivation it finds, and
what it finds first follows the ids: it therefore works on :class:`CanonicalIds`, the
engine's terms numbered again in :func:`canonical_key` order. Only the prover's copy of
the asserted triples is made in these ids (it makes its own tuples anyway); the engine's
store is left as it is, so the closure runs as it does without proofs.

Why not renumber the engine's store before the rules: that rebuilt every pair and class
set once more, 0.19 s at 100k synthetic triples and about 2 s at 1M (benchmarks/run.py),
where numbering for the prover alone costs the sort of the distinct terms only.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

__all__ = ["CanonicalIds", "canonical_key"]


def canonical_key(term) -> str:
    """One order of terms whatever the input's: IRIs, then literals (text, datatype, language),
    then blank nodes (by label: a parse's own, so proofs through them may still differ)."""
    kind = type(term)
    if kind is URIRef:
        return str.__add__("0", term)  # a plain str: "0" + term is a URIRef, compared slowly
    if kind is Literal:  # str.join of the slots: Literal's properties and str() are Python calls
        return "".join(("1", term, "\x00", term._datatype or "", "\x00", term._language or ""))
    return str.__add__("2", term)


class CanonicalIds:
    """The engine's terms numbered again: the first ``fixed`` ids (the engine's own
    vocabulary, given before any input) are kept, the others follow :func:`canonical_key`.

    ``new[n]`` is the id of the engine's term ``n``, ``terms[m]`` the term of id ``m``, and
    ``self[term]`` a term's id (``KeyError`` if it is none of them): what
    :class:`.derivation.Proofs` reads its triples with. A term interned after the numbering
    (:meth:`intern`) takes the next id in both numberings.
    """

    def __init__(self, engine_ids: dict, engine_terms: list, fixed: int) -> None:
        self._engine_ids = engine_ids  # the engine's own dict and list: interned terms go to both
        self._engine_terms = engine_terms
        keys = [canonical_key(t) for t in engine_terms[fixed:]]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        new = list(range(len(engine_terms)))
        for rank, old in enumerate(order, fixed):
            new[old + fixed] = rank
        self.new = new
        self.terms = engine_terms[:fixed] + [engine_terms[fixed + old] for old in order]

    def __getitem__(self, term) -> int:
        return self.new[self._engine_ids[term]]

    def intern(self, term) -> int:
        """The id of ``term``, given it (the next one) if it has none."""
        n = self._engine_ids.get(term)
        if n is None:
            n = self._engine_ids[term] = len(self._engine_terms)
            self._engine_terms.append(term)
            self.new.append(len(self.terms))
            self.terms.append(term)
        return self.new[n]
