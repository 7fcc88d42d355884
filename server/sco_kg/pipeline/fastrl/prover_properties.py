"""The rules of property characteristics, for :mod:`.prover`: prp-trp (by sets, per round)
and prp-fp, prp-ifp (per new triple). On a characteristic declared in a round, the prover's
``declarations`` runs them over every pair of the property."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .prover import _Prover

__all__ = ["transitive", "characteristics"]

_NONE: frozenset = frozenset()


def transitive(pv: _Prover, p: int, ts) -> None:
    """prp-trp for this round's new triples ``ts`` of a transitive ``p``, by sets.

    Joining each new triple with every neighbour, as the other rules do, visits every
    rule instance: a chain of 1,000 places in a transitive property has ~1.7e8 (its
    closure ~500k triples), and the prover ran for more than 25 minutes on it (the
    project's own build is not bounded). The round's conclusions are the same set
    computed per subject ``a`` whose reach may grow (a subject of a new triple, or one
    before it): the objects of its objects, less its own objects (a pair with two old
    premises was concluded in an earlier round, so every one found here has a new
    premise, as semi-naive evaluation wants); each one's witness is the least middle
    term of both premises (``objs(a) & subjs(c)``, in C). Same conclusions in the same
    round, so the same heights; the least witness keeps the proofs deterministic."""
    head = (p, pv.TYPE, pv.TRANS)
    so, os_, emit = pv.so_of(p), pv.os_of(p), pv.emit
    starts = set()
    for s, _p, _o in ts:
        starts.add(s)
        starts.update(os_.get(s, _NONE))
    for a in sorted(starts):
        mids = so.get(a, _NONE)
        reach: set = set()
        for m in mids:
            reach |= so.get(m, _NONE)
        reach -= mids
        for c in sorted(reach):
            m = min(mids & os_.get(c, _NONE))
            emit((a, p, c), "prp-trp", (head, (a, p, m), (m, p, c)))

def characteristics(pv: _Prover, t: tuple) -> None:
    """prp-fp, prp-ifp with ``t`` in each place (prp-trp: :func:`transitive`)."""
    s, p, o = t
    emit, objs, subjs, has = pv.emit, pv.objs, pv.subjs, pv.has
    T = pv.TYPE
    if has(p, T, pv.FUNC):
        for y in objs(s, p):
            emit((o, pv.SAME, y), "prp-fp", ((p, T, pv.FUNC), t, (s, p, y)))
            emit((y, pv.SAME, o), "prp-fp", ((p, T, pv.FUNC), (s, p, y), t))
    if has(p, T, pv.IFP):
        for x in subjs(p, o):
            emit((s, pv.SAME, x), "prp-ifp", ((p, T, pv.IFP), t, (x, p, o)))
            emit((x, pv.SAME, s), "prp-ifp", ((p, T, pv.IFP), (x, p, o), t))
