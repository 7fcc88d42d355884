"""Proofs as results: :class:`Derivation` (the rule and the premises of one step, as Jena's
``RuleDerivation``), :class:`ProofTree` (a tree whose leaves are asserted triples, as
Stardog's ``Proof``) and :class:`Proofs`, the derivations of one closure, read in rdflib
terms. The derivations are found by :mod:`.prover`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterator

__all__ = ["Derivation", "ProofTree", "Proofs"]

Triple = tuple  # (s, p, o) of rdflib terms


@dataclass(frozen=True)
class Derivation:
    """One step: ``rule`` (an OWL 2 RL rule name, such as ``cax-sco``) concludes the triple
    from ``premises``, each asserted or concluded by an earlier step."""

    rule: str
    premises: tuple[Triple, ...]


@dataclass(frozen=True)
class ProofTree:
    """Why ``triple`` holds: ``rule`` is None for an asserted triple (a leaf), else the rule
    of its derivation and one tree per premise."""

    triple: Triple
    rule: str | None = None
    premises: tuple["ProofTree", ...] = ()

    @property
    def asserted(self) -> bool:
        return self.rule is None

    @property
    def height(self) -> int:
        """0 for an asserted triple, else one more than the highest premise."""
        return 1 + max((p.height for p in self.premises), default=0) if self.rule else 0

    def lines(self, name=str, indent: str = "") -> Iterator[str]:
        """The tree as indented lines, ``name`` turning a term into text."""
        s, p, o = (name(t) for t in self.triple)
        why = "asserted" if self.rule is None else self.rule
        yield f"{indent}{s} {p} {o}  [{why}]"
        for premise in self.premises:
            yield from premise.lines(name, indent + "  ")


class Proofs:
    """The derivation of every triple the reasoner concluded (noise included: a triple left
    out of the closure's output may be the premise of one in it), in rdflib terms.

    ``proofs[triple]`` (or :meth:`derivation`) is its :class:`Derivation`; asserted triples
    have none (:meth:`is_asserted`). :meth:`tree` unfolds it down to asserted triples.
    """

    def __init__(self, by_id: dict, terms: list, ids: dict, asserted: set) -> None:
        self._by_id = by_id  # (s, p, o) ids -> (rule, *premises as id triples), one flat tuple
        self._terms = terms
        self._ids = ids
        self._asserted = asserted  # id triples

    def _key(self, triple: Triple) -> tuple | None:
        ids = self._ids
        try:
            key = tuple(ids[t] for t in triple)
        except (KeyError, TypeError):
            return None
        return key

    def _terms_of(self, key: tuple) -> Triple:
        terms = self._terms
        return terms[key[0]], terms[key[1]], terms[key[2]]

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, triple) -> bool:
        return self._key(triple) in self._by_id

    def __iter__(self) -> Iterator[Triple]:
        return (self._terms_of(k) for k in self._by_id)

    def __getitem__(self, triple: Triple) -> Derivation:
        found = self.derivation(triple)
        if found is None:
            raise KeyError(triple)
        return found

    def items(self) -> Iterator[tuple[Triple, Derivation]]:
        for key, found in self._by_id.items():
            yield self._terms_of(key), Derivation(found[0], tuple(self._terms_of(p) for p in found[1:]))

    def is_asserted(self, triple: Triple) -> bool:
        return self._key(triple) in self._asserted

    def derivation(self, triple: Triple) -> Derivation | None:
        """The rule and premises that concluded ``triple``; None if it was not concluded."""
        key = self._key(triple)
        found = self._by_id.get(key) if key else None
        if found is None:
            return None
        return Derivation(found[0], tuple(self._terms_of(p) for p in found[1:]))

    def tree(self, triple: Triple) -> ProofTree | None:
        """The proof of ``triple`` down to asserted triples; None if it neither was asserted
        nor concluded. Shared sub-proofs are built once."""
        key = self._key(triple)
        if key is None or (key not in self._by_id and key not in self._asserted):
            return None
        made: dict = {}
        # iterative post-order: proofs can be deep (a long transitive chain)
        stack = [key]
        while stack:
            k = stack[-1]
            if k in made:
                stack.pop()
                continue
            found = self._by_id.get(k) if k not in self._asserted else None
            if found is None:
                made[k] = ProofTree(self._terms_of(k))
                stack.pop()
                continue
            waiting = [p for p in found[1:] if p not in made]
            if waiting:
                stack.extend(waiting)
                continue
            made[k] = ProofTree(self._terms_of(k), found[0], tuple(made[p] for p in found[1:]))
            stack.pop()
        return made[key]

    def heights(self) -> dict:
        """id triple -> the height of its proof tree (0 for asserted), for every derivation."""
        height: dict = {}
        for key in self._by_id:
            stack = [key]
            while stack:
                k = stack[-1]
                if k in height:
                    stack.pop()
                    continue
                found = self._by_id.get(k) if k not in self._asserted else None
                if found is None:
                    height[k] = 0
                    stack.pop()
                    continue
                waiting = [p for p in found[1:] if p not in height]
                if waiting:
                    stack.extend(waiting)
                    continue
                height[k] = 1 + max((height[p] for p in found[1:]), default=0)
                stack.pop()
        return height

    def height_histogram(self, triples=None) -> Counter:
        """How many of ``triples`` (default: every derived one) have a proof of each height."""
        height = self.heights()
        if triples is None:
            return Counter(height[k] for k in self._by_id)
        return Counter(height.get(self._key(t), -1) for t in triples)
