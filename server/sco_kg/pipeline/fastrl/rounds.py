"""The data rules, run semi-naively to a fixpoint over the store of :class:`.engine.Engine`.

Each round applies every rule with one premise taken from the last round's new triples
(``dP``: predicate -> new pairs, ``dT``: class -> new instances) and the others from the
whole store, through set operations and the indexes ``SO``/``OS`` that :mod:`.schema`
asked for; :meth:`.engine.Engine.commit` keeps what is new as the next delta. A sameAs
concluded in a round is applied (:func:`.equality.apply_equalities`) before the next one,
and a schema triple concluded in a round sends :func:`run` back to :mod:`.schema`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import TYPE_CHECKING

from .equality import apply_equalities
from .schema import compile_rules
from .transitive import reaches

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine

__all__ = ["run", "fixpoint"]

_NONE: frozenset = frozenset()


def run(eng: Engine) -> None:
    """Close the graph: compile, run the rules to a fixpoint, repeat if the TBox grew."""
    eng.add_one_time()
    apply_equalities(eng)
    while True:
        compile_rules(eng)
        eng.trp_added, eng.spo_made, eng.sco_made = {}, {}, {}  # new tables: every triple goes through
        grown = eng.sizes()
        for c, members in eng.rules.one_of:  # cls-oo
            eng.T[c].update(eng.c(m) for m in members)
        eng.count_growth(grown)
        # every triple is new to freshly compiled rules
        dP = {p: set(s) for p, s in eng.P.items() if s}
        dT = {c: set(s) for c, s in eng.T.items() if s}
        fixpoint(eng, dP, dT)
        if not eng.schema_dirty:
            break


def fixpoint(eng: Engine, dP: dict, dT: dict) -> None:
    """Rounds from the delta ``dP``/``dT`` until nothing is new or a schema triple is."""
    while (dP or dT) and not eng.schema_dirty:
        eng.rounds += 1
        nP: dict = defaultdict(set)
        nT: dict = defaultdict(set)
        _round(eng, dP, dT, nP, nT)
        dP, dT = eng.commit(nP, nT)
        if eng.pending_same:
            extra_P, extra_T = apply_equalities(eng)
            if eng.moved:  # the delta may name merged terms: keep representatives only
                moved = eng.moved
                dP = {
                    p: {(s, o) for s, o in pairs if s not in moved and o not in moved}
                    for p, pairs in dP.items()
                    if p not in moved
                }
                dT = {c: xs - moved for c, xs in dT.items() if c not in moved}
            for p, s in extra_P.items():
                dP.setdefault(p, set()).update(s)
            for c, s in extra_T.items():
                dT.setdefault(c, set()).update(s)
            dP = {p: s for p, s in dP.items() if s}
            dT = {c: s for c, s in dT.items() if s}


def _round(eng: Engine, dP: dict, dT: dict, nP: dict, nT: dict) -> None:
    R, P, T, SO, OS = eng.rules, eng.P, eng.T, eng.SO, eng.OS
    same = eng.pending_same
    TYPE = eng.TYPE
    trp_last, eng.trp_added = eng.trp_added, {}
    spo_last, spo_made = eng.spo_made, defaultdict(list)
    sco_last, sco_made = eng.sco_made, defaultdict(list)
    eng.spo_made, eng.sco_made = spo_made, sco_made
    keys_dirty: set = set()
    if TYPE in R.sup_props or TYPE in R.domains or TYPE in R.ranges or TYPE in R.inverses:
        # property axioms on rdf:type itself: see type triples as pairs
        tp = dP.setdefault(TYPE, set())
        for c, xs in dT.items():
            tp.update((x, c) for x in xs)
    for p, new in dP.items():
        # prp-dom, prp-rng
        for c in R.domains.get(p, ()):
            nT[c].update(s for s, _ in new)
        for c in R.ranges.get(p, ()):
            nT[c].update(o for _, o in new)
        # prp-spo1, prp-eqp1/2 (the table is closed: not again for the pairs it made last round)
        sups = R.sup_props.get(p)
        if sups:
            made = spo_last.get(p)
            fresh = new.difference(*made) if made else new
            if fresh:
                for q in sups:
                    nP[q] |= fresh
                    spo_made[q].append(new)
        # prp-inv1/2, prp-symp
        inv = R.inverses.get(p, ())
        if inv or p in R.symmetric:
            swapped = {(o, s) for s, o in new}
            for q in inv:
                nP[q] |= swapped
            if p in R.symmetric:
                nP[p] |= swapped
        # prp-trp: the closure at once, unless the new pairs are those it made last round
        if p in R.transitive and p != TYPE:  # (rdf:type's triples are classes, not pairs)
            last = trp_last.get(p)
            if not last or not new <= last:
                added = _transitive(eng, p)
                if added:
                    nP[p] |= added
                    eng.trp_added[p] = added
        # prp-fp: the values of a subject with a new one are one individual
        if p in R.functional:
            so = SO[p]
            for x in {x for x, _ in new}:
                _one_class(same, so.get(x, ()))
        # prp-ifp: the subjects of a value with a new one are one individual
        if p in R.inv_functional:
            os_ = OS[p]
            for y in {y for _, y in new}:
                _one_class(same, os_.get(y, ()))
        # prp-spo2
        for n, k in R.chains_by_prop.get(p, ()):
            head, chain = R.chains[n]
            cur = new
            for pj in chain[k + 1 :]:
                so = SO[pj]
                cur = {(a, c) for a, b in cur for c in so.get(b, ())}
                if not cur:
                    break
            if cur:
                for pj in reversed(chain[:k]):
                    os_ = OS[pj]
                    cur = {(a, c) for b, c in cur for a in os_.get(b, ())}
                    if not cur:
                        break
            if cur:
                nP[head] |= cur
        # cls-svf1/2
        for r, y in R.svf_by_prop.get(p, ()):
            if y == eng.THING:
                nT[r].update(s for s, _ in new)
            else:
                ty = T.get(y, ())
                nT[r].update(s for s, o in new if o in ty)
        # cls-avf
        for r, y in R.avf_by_prop.get(p, ()):
            tr = T.get(r, ())
            nT[y].update(o for s, o in new if s in tr)
        # cls-hv2
        hv = R.hv_by_prop.get(p)
        if hv:
            for s, o in new:
                for r in hv.get(o, ()):
                    nT[r].add(s)
        # cls-maxc2, cls-maxqc3/4 (a new value of an instance of the restriction)
        for r, cc in R.maxc_by_prop.get(p, ()):
            tr, so = T.get(r, ()), SO[p]
            tcc = T.get(cc, ()) if cc is not None else None
            for u in {u for u, y1 in new if u in tr and (tcc is None or y1 in tcc)}:
                values = so.get(u, ())
                _one_class(same, values if tcc is None else [y for y in values if y in tcc])
        # prp-key (a new key value of an instance)
        for n in R.keys_by_prop.get(p, ()):
            tc = T.get(R.keys[n][0], ())
            if any(s in tc for s, _ in new):
                keys_dirty.add(n)
    for c, new in dT.items():
        # cax-sco, cax-eqc (cls-int2, cls-uni through scm-int, scm-uni); the table is
        # closed: not again for the instances it made last round
        sups = R.sup_classes.get(c)
        if sups:
            made = sco_last.get(c)
            fresh = new.difference(*made) if made else new
            if fresh:
                for d in sups:
                    nT[d] |= fresh
                    sco_made[d].append(new)
        # cls-int1
        for cls, members in R.intersections.get(c, ()):
            cand = new
            for m in members:
                if m != c:
                    cand = cand & T.get(m, set())
                    if not cand:
                        break
            if cand:
                nT[cls] |= cand
        # cls-svf1 (a new typed filler)
        for r, pr in R.svf_by_class.get(c, ()):
            os_ = OS[pr]
            out = nT[r]
            for v in new:
                out.update(os_.get(v, ()))
        # cls-avf (a new instance of the restriction)
        for pr, y in R.avf_by_class.get(c, ()):
            so, out = SO[pr], nT[y]
            for u in new:
                out.update(so.get(u, ()))
        # cls-hv1
        for pr, v in R.hv_by_class.get(c, ()):
            nP[pr].update((u, v) for u in new)
        # cls-maxc2, cls-maxqc3/4 (a new instance of the restriction)
        for pr, cc in R.maxc_by_class.get(c, ()):
            so = SO[pr]
            tcc = T.get(cc, ()) if cc is not None else None
            for u in new:
                vals = [y for y in so.get(u, ()) if tcc is None or y in tcc]
                for y in vals[1:]:
                    same.append((vals[0], y))
        # cls-maxqc3 (a value newly of the qualifying class)
        for r, pr in R.maxc_by_onclass.get(c, ()):
            so, os_, tr, tcc = SO[pr], OS[pr], T.get(r, ()), T.get(c, ())
            for u in {u for y in new for u in os_.get(y, ()) if u in tr}:
                _one_class(same, [y for y in so.get(u, ()) if y in tcc])
        # prp-key (a new instance of a keyed class)
        keys_dirty.update(R.keys_by_class.get(c, ()))
    for n in keys_dirty:
        _keys(eng, n)
    # a rule concluding rdf:type or owl:sameAs as a property
    tp = nP.pop(TYPE, None)
    if tp:
        for x, c in tp:
            nT[c].add(x)
    sp = nP.pop(eng.SAME, None)
    if sp:
        same.extend(sp)


def _one_class(same: list, values) -> None:
    """Queue the sameAs pairs that make distinct ``values`` one individual: each with the
    first, not every two. Pairing every two, a subject with 2,000 values of a functional
    property queued 4M pairs (3.5 s), with 10,000 values 100M (gigabytes), before the bound
    could see one merge. The classes, and so the closure, are the same: the values known
    before are one class already."""
    it = iter(values)
    first = next(it, None)
    same.extend((first, v) for v in it)


def _transitive(eng: Engine, p: int) -> set:
    """prp-trp: the pairs of the transitive closure of ``p`` not in the store yet
    (:mod:`.transitive`), announced to the budget as they are made.

    Once a round has made the whole closure, the next round's new pairs of ``p`` are those
    pairs (nothing to do) unless another rule added some: :func:`_round` runs this only then.
    """
    succ = eng.SO[p]
    expect = eng.budget.expect
    added: set = set()
    for members, reach in reaches(succ):
        for a in members:
            new = reach - succ.get(a, _NONE)
            if new:
                added.update([(a, b) for b in new])
                expect(p, len(new))
    return added


def _keys(eng: Engine, n: int) -> None:
    """prp-key: instances of the class with the same values for every key property."""
    c, keys = eng.rules.keys[n]
    SO = eng.SO
    tc = eng.T.get(c, ())
    idx: dict = {}
    # index every instance with a full key (kept small: keyed classes are few)
    for x in tc:
        vals = [SO[k].get(x) for k in keys]
        if all(vals):
            for combo in itertools.product(*vals):
                idx.setdefault(combo, []).append(x)
    for members in idx.values():
        for other in members[1:]:
            if other != members[0]:
                eng.pending_same.append((members[0], other))

