"""The proving rules of many premises, for :mod:`.prover`: restrictions (cls-svf1/2,
cls-avf, cls-hv1/2, cls-maxc2, cls-maxqc3/4), lists (cls-int1, cls-oo, prp-spo2, prp-key,
scm-int, scm-uni) and the scm-* rules over restrictions (scm-hv, scm-svf1/2, scm-avf1/2).

Each runs in full (every instance whose premises are all known) in a round whose new
triples touch one of its premises' predicates or classes: the axioms are few, and a full
run only concludes from triples known at the end of the last round, so the guarantees of
:mod:`.prover` (well-founded, least height) hold. Premises are in the order of the OWL 2 RL
tables, a list spelt out as its ``rdf:first``/``rdf:rest`` triples right after the axiom
that names it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .schema import int_value

if TYPE_CHECKING:  # pragma: no cover
    from .prover import _Prover

__all__ = ["restriction_rules"]


def restriction_rules(pv: _Prover, preds: set, classes: set, full: bool) -> None:
    """The rules of many premises, in a round whose new triples have the predicates ``preds``
    and (rdf:type) the classes ``classes``; every instance in full if ``full``."""

    def touched(ps=(), cs=()) -> bool:
        return full or not preds.isdisjoint(ps) or not classes.isdisjoint(cs)

    _values(pv, touched)
    _cardinalities(pv, touched)
    _lists(pv, touched)
    if full or not preds.isdisjoint((pv.SCO, pv.SPO)):
        _schema_restrictions(pv)


def _onp(pv: _Prover, x: int):
    return pv.objs(x, pv.ONP)


def _values(pv: _Prover, touched) -> None:
    """cls-svf1, cls-svf2, cls-avf, cls-hv1, cls-hv2."""
    T, emit = pv.TYPE, pv.emit
    for x, ys in list(pv.so_of(pv.SVF).items()):
        for y in list(ys):
            for p in list(_onp(pv, x)):
                if not touched((p,), (y,)):
                    continue
                head = ((x, pv.SVF, y), (x, pv.ONP, p))
                for u, vs in list(pv.so_of(p).items()):
                    for v in list(vs):
                        if y == pv.THING:
                            emit((u, T, x), "cls-svf2", (*head, (u, p, v)))
                        if pv.has(v, T, y):
                            emit((u, T, x), "cls-svf1", (*head, (u, p, v), (v, T, y)))
    for x, ys in list(pv.so_of(pv.AVF).items()):
        for y in list(ys):
            for p in list(_onp(pv, x)):
                if not touched((p,), (x,)):
                    continue
                head = ((x, pv.AVF, y), (x, pv.ONP, p))
                for u in list(pv.subjs(T, x)):
                    for v in list(pv.objs(u, p)):
                        emit((v, T, y), "cls-avf", (*head, (u, T, x), (u, p, v)))
    for x, ys in list(pv.so_of(pv.HV).items()):
        for y in list(ys):
            for p in list(_onp(pv, x)):
                head = ((x, pv.HV, y), (x, pv.ONP, p))
                if touched((), (x,)):
                    for u in list(pv.subjs(T, x)):
                        emit((u, p, y), "cls-hv1", (*head, (u, T, x)))
                if touched((p,), ()):
                    for u in list(pv.subjs(p, y)):
                        emit((u, T, x), "cls-hv2", (*head, (u, p, y)))


def _cardinalities(pv: _Prover, touched) -> None:
    """cls-maxc2, cls-maxqc3, cls-maxqc4 (a maximum of 1)."""
    T, SAME, emit, terms = pv.TYPE, pv.SAME, pv.emit, pv.terms
    for kind in (pv.MAXC, pv.MAXQC):
        for x, ns in list(pv.so_of(kind).items()):
            for n in list(ns):
                if int_value(terms[n]) != 1:
                    continue
                for p in list(_onp(pv, x)):
                    ccs = list(pv.objs(x, pv.ONCLASS)) if kind == pv.MAXQC else [None]
                    for cc in ccs:
                        if not touched((p,), (x, cc)):
                            continue
                        head = ((x, kind, n), (x, pv.ONP, p))
                        if cc is not None:
                            head += ((x, pv.ONCLASS, cc),)
                        for u in list(pv.subjs(T, x)):
                            ys = sorted(pv.objs(u, p))
                            for y1, y2 in itertools.permutations(ys, 2):
                                if cc is None:
                                    emit((y1, SAME, y2), "cls-maxc2", (*head, (u, T, x), (u, p, y1), (u, p, y2)))
                                elif cc == pv.THING:
                                    emit((y1, SAME, y2), "cls-maxqc4", (*head, (u, T, x), (u, p, y1), (u, p, y2)))
                                if cc is not None and pv.has(y1, T, cc) and pv.has(y2, T, cc):
                                    emit(
                                        (y1, SAME, y2),
                                        "cls-maxqc3",
                                        (*head, (u, T, x), (u, p, y1), (y1, T, cc), (u, p, y2), (y2, T, cc)),
                                    )


def _lists(pv: _Prover, touched) -> None:
    """cls-int1, scm-int, scm-uni, cls-oo, prp-spo2, prp-key."""
    T, SCO, emit = pv.TYPE, pv.SCO, pv.emit
    for c, lst in list(pv.so_of(pv.INT).items()):
        for head in list(lst):
            spelt = pv.rdf_list(head)
            if not spelt:
                continue
            members, cells = spelt
            axiom = ((c, pv.INT, head), *cells)
            if touched((pv.INT, pv.FIRST, pv.REST), ()):
                for ci in members:
                    emit((c, SCO, ci), "scm-int", axiom)
            if members and touched((), members):
                cand = set(pv.subjs(T, members[0]))
                for ci in members[1:]:
                    cand &= pv.subjs(T, ci)
                for y in cand:
                    emit((y, T, c), "cls-int1", (*axiom, *((y, T, ci) for ci in members)))
    for c, lst in list(pv.so_of(pv.UNI).items()):
        for head in list(lst):
            spelt = pv.rdf_list(head)
            if spelt and touched((pv.UNI, pv.FIRST, pv.REST), ()):
                for ci in spelt[0]:
                    emit((ci, SCO, c), "scm-uni", ((c, pv.UNI, head), *spelt[1]))
    for c, lst in list(pv.so_of(pv.ONEOF).items()):
        for head in list(lst):
            spelt = pv.rdf_list(head)
            if spelt and touched((pv.ONEOF, pv.FIRST, pv.REST), ()):
                for y in spelt[0]:
                    emit((y, T, c), "cls-oo", ((c, pv.ONEOF, head), *spelt[1]))
    for p, lst in list(pv.so_of(pv.CHAIN).items()):
        for head in list(lst):
            spelt = pv.rdf_list(head)
            if not spelt or not spelt[0] or not touched(spelt[0], ()):
                continue
            chain, cells = spelt
            axiom = ((p, pv.CHAIN, head), *cells)
            paths = [(u, v, ((u, chain[0], v),)) for u, vs in list(pv.so_of(chain[0]).items()) for v in vs]
            for pk in chain[1:]:
                paths = [(u, w, (*steps, (v, pk, w))) for u, v, steps in paths for w in pv.objs(v, pk)]
            for u, w, steps in paths:
                emit((u, p, w), "prp-spo2", (*axiom, *steps))
    for c, lst in list(pv.so_of(pv.KEY).items()):
        for head in list(lst):
            spelt = pv.rdf_list(head)
            if not spelt or not spelt[0] or not touched(spelt[0], (c,)):
                continue
            keys, cells = spelt
            axiom = ((c, pv.KEY, head), *cells)
            by_values: dict = {}
            for x in list(pv.subjs(T, c)):
                for combo in itertools.product(*(sorted(pv.objs(x, k)) for k in keys)):
                    by_values.setdefault(combo, []).append(x)
            for combo, xs in by_values.items():
                for x, y in itertools.permutations(xs, 2):
                    emit(
                        (x, pv.SAME, y),
                        "prp-key",
                        (*axiom, (x, T, c), *((x, k, z) for k, z in zip(keys, combo)),
                         (y, T, c), *((y, k, z) for k, z in zip(keys, combo))),
                    )


def _schema_restrictions(pv: _Prover) -> None:
    """scm-hv, scm-svf1/2, scm-avf1/2."""
    SCO, SPO, emit = pv.SCO, pv.SPO, pv.emit
    for kind, rule in ((pv.HV, "scm-hv"), (pv.SVF, "scm-svf"), (pv.AVF, "scm-avf")):
        described = [
            (c, y, p) for c, ys in list(pv.so_of(kind).items()) for y in ys for p in _onp(pv, c)
        ]
        for (c1, y1, p1), (c2, y2, p2) in itertools.product(described, repeat=2):
            premises = ((c1, kind, y1), (c1, pv.ONP, p1), (c2, kind, y2), (c2, pv.ONP, p2))
            if rule == "scm-hv":
                if y1 == y2 and pv.has(p1, SPO, p2):
                    emit((c1, SCO, c2), rule, (*premises, (p1, SPO, p2)))
                continue
            if p1 == p2 and pv.has(y1, SCO, y2):
                emit((c1, SCO, c2), rule + "1", (*premises, (y1, SCO, y2)))
            if y1 == y2 and pv.has(p1, SPO, p2):
                conclusion = (c1, SCO, c2) if rule == "scm-svf" else (c2, SCO, c1)
                emit(conclusion, rule + "2", (*premises, (p1, SPO, p2)))
