"""Equality: ``owl:sameAs`` as a union-find, the store rewritten to representatives, and
the closure expanded back to every member of each class on the way out.

Rules that conclude ``owl:sameAs`` (prp-fp, prp-ifp, prp-key, cls-maxc2, cls-maxqc3/4,
asserted or derived sameAs) only queue the pair; :func:`apply_equalities` unions them,
moves every triple naming a merged term to the representative (the smallest id) and hands
the moved triples back as new. The rules thus see one name per individual, and
:func:`inferred` writes the closure out for every name, as owlrl materialises it
(eq-rep-s/p/o, eq-sym, eq-trans).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Iterator

from . import vocab as V

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine

__all__ = ["UnionFind", "apply_equalities", "inferred"]

Triple = tuple  # (s, p, o) of rdflib terms


class UnionFind:
    """Equality classes of term ids; the representative is the smallest id."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while root in parent:
            root = parent[root]
        while x in parent and parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True

    def classes(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for x in list(self.parent):
            out[self.find(x)].append(x)
        for rep, members in out.items():
            members.append(rep)
        return out



def apply_equalities(eng: Engine) -> tuple[dict, dict]:
    """Union the pending sameAs pairs, rewrite the store to representatives.

    Returns the rewritten triples that were new (added to the next delta).
    """
    changed = set()
    for a, b in eng.pending_same:
        ra, rb = eng.c(a), eng.c(b)
        if ra != rb:
            eng.uf.union(ra, rb)
            changed.add(ra)
            changed.add(rb)
    eng.pending_same = []
    eng.moved = set()
    if not changed:
        return {}, {}
    moved = {x for x in changed if eng.c(x) != x}  # no longer representatives
    eng.moved = moved
    c = eng.c
    nP: dict = defaultdict(set)
    nT: dict = defaultdict(set)
    for p in list(eng.P):
        pairs = eng.P[p]
        bad = {(s, o) for s, o in pairs if s in moved or o in moved}
        if p in moved:
            bad = set(pairs)
        if bad:
            pairs -= bad
            eng.budget.shrank(len(bad))
            nP[c(p)].update((c(s), c(o)) for s, o in bad)
    for cl in list(eng.T):
        xs = eng.T[cl]
        bad = set(xs) if cl in moved else (xs & moved)
        if bad:
            xs -= bad
            eng.budget.shrank(len(bad))
            nT[c(cl)].update(c(x) for x in bad)
    if moved & _schema_terms(eng):
        eng.schema_dirty = True
    # indexes hold old ids: rebuild the ones in use
    for p in list(eng.SO):
        eng.index_so(p)
    for p in list(eng.OS):
        eng.index_os(p)
    return eng.commit(nP, nT)



def _schema_terms(eng: Engine) -> set:
    """Every term that appears in an axiom (classes, properties, restrictions, lists)."""
    out = set()
    for p in eng.schema_pred_ids:
        for s, o in eng.P.get(p, ()):
            out.add(s)
            out.add(o)
        out.add(p)
    for cl in eng.schema_type_ids:
        out.update(eng.T.get(cl, ()))
    for r in eng.rules.sup_props:
        out.add(r)
    return out


def inferred(eng: Engine, keep_noise: bool = False) -> Iterator[Triple]:
    """The inferred triples in rdflib terms: the closure, expanded over sameAs classes
    (eq-rep-s/p/o, eq-sym, eq-trans, as owlrl materialises it), minus the asserted
    triples and, unless ``keep_noise``, minus :func:`~sco_kg.pipeline.fastrl.vocab.is_noise`.

    The expansion multiplies: a class of n names writes n * n sameAs triples, and a triple
    about it n times. With sameAs classes, the triples written are counted against the
    budget's bound, each property and class apart."""
    terms = eng.terms
    members = eng.uf.classes()
    if keep_noise:
        bad_s = bad_p = bytes(len(terms))
    else:
        bad_s = bytes(V.noisy_subject(t) for t in terms)
        bad_p = bytes(V.noisy_predicate(t) for t in terms)
    TYPE, SAME = eng.TYPE, eng.SAME
    empty = frozenset()
    allm = (lambda x: members.get(x, (x,))) if members else (lambda x: (x,))  # noqa: E731
    written = _Written(eng) if members else None
    for p, pairs in eng.P.items():
        for pm in allm(p):
            if bad_p[pm]:
                continue
            if written:
                written.key = pm
            pt = terms[pm]
            asserted = eng.input_P.get(pm, empty)
            if not members:
                for s, o in pairs - asserted if asserted else pairs:
                    if not bad_s[s]:
                        yield terms[s], pt, terms[o]
                continue
            for s, o in pairs:
                for sm in allm(s):
                    if bad_s[sm]:
                        continue
                    for om in allm(o):
                        if (sm, om) not in asserted:
                            yield terms[sm], pt, terms[om]
                            written.one()
    tt = terms[TYPE]
    for cl, xs in eng.T.items():
        for cm in allm(cl):
            ct = terms[cm]
            if written:
                written.key = (TYPE, cm)
            asserted = eng.input_T.get(cm, empty)
            if not members:
                for x in xs - asserted if asserted else xs:
                    if not bad_s[x]:
                        yield terms[x], tt, ct
                continue
            for x in xs:
                for xm in allm(x):
                    if not bad_s[xm] and xm not in asserted:
                        yield terms[xm], tt, ct
                        written.one()
    st = terms[SAME]
    if written:
        written.key = SAME
    for ms in members.values():
        for a in ms:
            if bad_s[a]:
                continue
            for b in ms:
                if a != b and (a, b) not in eng.input_same:
                    yield terms[a], st, terms[b]
                    written.one()


class _Written:
    """The triples the sameAs expansion wrote, by key, against the budget's bound."""

    __slots__ = ("budget", "bound", "total", "by_key", "key")

    def __init__(self, eng: Engine) -> None:
        self.budget = eng.budget
        self.bound = eng.budget.bound
        self.total = 0
        self.by_key: dict = defaultdict(int)
        self.key = None

    def one(self) -> None:
        self.total += 1
        self.by_key[self.key] += 1
        if self.bound is not None and self.total > self.bound:
            self.budget.exceeded(self.total, self.by_key)

