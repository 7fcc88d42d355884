"""The TBox, closed and compiled: the scm-* rules over the schema triples, then the rule
tables (:class:`Rules`) the data rules of :mod:`.rounds` look up by predicate and by class.

The schema is small (hundreds of axioms against millions of data triples), so it is closed
naively and compiled again from scratch whenever a round derives a schema triple; the data
rules then never search for the axioms that apply to a triple, they read them from a dict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal

from .transitive import reaches, successors
from .vocab import OWL, RDF, RDFS

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine

__all__ = ["Rules", "close_schema", "compile_rules", "int_value"]


@dataclass
class Rules:
    """The TBox compiled into rule tables (ids throughout)."""

    sup_classes: dict[int, tuple[int, ...]] = field(default_factory=dict)  # cax-sco, cax-eqc
    sup_props: dict[int, tuple[int, ...]] = field(default_factory=dict)  # prp-spo1, prp-eqp
    domains: dict[int, tuple[int, ...]] = field(default_factory=dict)  # prp-dom
    ranges: dict[int, tuple[int, ...]] = field(default_factory=dict)  # prp-rng
    inverses: dict[int, tuple[int, ...]] = field(default_factory=dict)  # prp-inv1/2
    symmetric: frozenset = frozenset()  # prp-symp
    transitive: frozenset = frozenset()  # prp-trp
    functional: frozenset = frozenset()  # prp-fp
    inv_functional: frozenset = frozenset()  # prp-ifp
    chains: list = field(default_factory=list)  # prp-spo2: (p, (p1, ..., pn))
    chains_by_prop: dict = field(default_factory=dict)  # pi -> [(chain index, i)]
    keys: list = field(default_factory=list)  # prp-key: (c, (p1, ..., pn))
    keys_by_class: dict = field(default_factory=dict)
    keys_by_prop: dict = field(default_factory=dict)
    intersections: dict = field(default_factory=dict)  # cls-int1: ci -> [(c, (c1..cn))]
    svf_by_prop: dict = field(default_factory=dict)  # cls-svf1/2: p -> [(r, y)]
    svf_by_class: dict = field(default_factory=dict)  # y -> [(r, p)]
    avf_by_class: dict = field(default_factory=dict)  # cls-avf: r -> [(p, y)]
    avf_by_prop: dict = field(default_factory=dict)  # p -> [(r, y)]
    hv_by_class: dict = field(default_factory=dict)  # cls-hv1: r -> [(p, v)]
    hv_by_prop: dict = field(default_factory=dict)  # cls-hv2: p -> {v: [r]}
    maxc_by_class: dict = field(default_factory=dict)  # cls-maxc2/maxqc3/4: r -> [(p, cc|None)]
    maxc_by_prop: dict = field(default_factory=dict)  # p -> [(r, cc|None)]
    maxc_by_onclass: dict = field(default_factory=dict)  # cc -> [(r, p)]
    one_of: list = field(default_factory=list)  # cls-oo: (c, members)
    index_so: set = field(default_factory=set)  # predicates that need s -> {o}
    index_os: set = field(default_factory=set)  # predicates that need o -> {s}


def close_schema(eng: Engine) -> tuple[dict, dict]:
    """The scm-* rules to a fixpoint over the schema triples (owlrl's exact conditions).

    Returns the closed rdfs:subClassOf and rdfs:subPropertyOf as node -> super-nodes."""
    i, P, T = eng.intern, eng.P, eng.T
    SUB, EQC = i(RDFS.subClassOf), i(OWL.equivalentClass)
    SUBP, EQP = i(RDFS.subPropertyOf), i(OWL.equivalentProperty)
    DOM, RNG = i(RDFS.domain), i(RDFS.range)
    ONP, HV = i(OWL.onProperty), i(OWL.hasValue)
    SVF, AVF = i(OWL.someValuesFrom), i(OWL.allValuesFrom)
    INT, UNI = i(OWL.intersectionOf), i(OWL.unionOf)
    THING, NOTHING = eng.THING, eng.NOTHING
    sub, eqc, subp, eqp = P[SUB], P[EQC], P[SUBP], P[EQP]
    dom, rng = P[DOM], P[RNG]
    grown = eng.sizes()  # what close_schema adds is counted against the budget
    # scm-cls, scm-op, scm-dp (and rdf:Property, as owlrl does)
    for cl in list(T.get(i(OWL.Class), ())):
        sub.update(((cl, cl), (cl, THING), (NOTHING, cl)))
        eqc.add((cl, cl))
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property):
        for pr in list(T.get(i(kind), ())):
            subp.add((pr, pr))
            eqp.add((pr, pr))
    eng.SO.pop(eng.FIRST, None)
    eng.SO.pop(eng.REST, None)
    onp: dict = defaultdict(set)
    for s, o in P.get(ONP, ()):
        onp[s].add(o)
    for c, lst in list(P.get(INT, ())):  # scm-int
        sub.update((c, ci) for ci in eng.rdf_list(lst))
    for c, lst in list(P.get(UNI, ())):  # scm-uni
        sub.update((ci, c) for ci in eng.rdf_list(lst))
    hv = list(P.get(HV, ()))
    svf = list(P.get(SVF, ()))
    avf = list(P.get(AVF, ()))
    # a representative of several names: ``a rel a`` stands for ``a1 rel a2`` between two
    # of its names, which owlrl's c1 != c2 guards do not skip
    multi = {rep for rep, names in eng.uf.classes().items() if len(names) > 1}
    expect = eng.budget.expect
    closed_sub = closed_subp = -1  # their sizes when last closed
    while True:
        before = len(sub) + len(eqc) + len(subp) + len(eqp) + len(dom) + len(rng)
        # scm-eqc1 / scm-eqp1
        for a, b in list(eqc):
            if a != b or a in multi:
                sub.add((a, b))
                sub.add((b, a))
        for a, b in list(eqp):
            if a != b or a in multi:
                subp.add((a, b))
                subp.add((b, a))
        # scm-sco and scm-eqc2 (also for c sub c, as owlrl), when sub grew since
        if len(sub) != closed_sub:
            sup = _close(eng, SUB, sub, multi)
            for a, b in sub:
                if a in sup.get(b, ()):
                    eqc.add((a, b))
            closed_sub = len(sub)
        # scm-spo and scm-eqp2
        if len(subp) != closed_subp:
            supp = _close(eng, SUBP, subp, multi)
            subs_of = successors((b, a) for a, b in subp)
            for a, b in subp:
                if (a != b or a in multi) and a in supp.get(b, ()):
                    eqp.add((a, b))
            closed_subp = len(subp)
        # scm-dom1/2, scm-rng1/2
        for key, store in ((DOM, dom), (RNG, rng)):
            for pr, c1 in list(store):
                n = len(store)
                for c2 in sup.get(c1, ()):
                    if c1 != c2:
                        store.add((pr, c2))
                for p1 in subs_of.get(pr, ()):
                    if p1 != pr:
                        store.add((p1, c1))
                expect(key, len(store) - n)
        # scm-hv
        for c1, v in hv:
            n = len(sub)
            for p1 in onp.get(c1, ()):
                for c2, v2 in hv:
                    if v2 == v:
                        for p2 in onp.get(c2, ()):
                            if p2 in supp.get(p1, ()):
                                sub.add((c1, c2))
            expect(SUB, len(sub) - n)
        # scm-svf1/2, scm-avf1/2
        for table, is_svf in ((svf, True), (avf, False)):
            for c1, y1 in table:
                n = len(sub)
                for p1 in onp.get(c1, ()):
                    for c2, y2 in table:
                        for p2 in onp.get(c2, ()):
                            if p1 == p2 and y2 in sup.get(y1, ()):
                                sub.add((c1, c2))  # svf1, avf1
                            if y1 == y2 and p2 in supp.get(p1, ()):
                                sub.add((c1, c2) if is_svf else (c2, c1))  # svf2, avf2
                expect(SUB, len(sub) - n)
        eng.count_growth(grown)
        grown = eng.sizes()
        after = len(sub) + len(eqc) + len(subp) + len(eqp) + len(dom) + len(rng)
        if after == before:
            return sup, supp


def _close(eng: Engine, key: int, pairs: set, multi: set) -> dict:
    """Add to ``pairs`` its transitive closure (:mod:`.transitive`); return it as
    node -> successors. As owlrl's scm-sco (which skips c1 == c3), no reflexive pair is
    made, but for a representative of several names; the new pairs are announced to the
    budget as they are made."""
    succ = successors(pairs)
    expect = eng.budget.expect
    for members, reach in reaches(succ):
        for a in members:
            mine = succ.get(a)
            new = reach - mine if mine else set(reach)
            if a in new and a not in multi:
                new.discard(a)
            if new:
                pairs.update([(a, b) for b in new])
                expect(key, len(new))
                if mine:
                    mine |= new  # a's component is done: reaches() reads it no more
                else:
                    succ[a] = new
    return succ


def compile_rules(eng: Engine) -> None:
    """Close the TBox, then build the rule tables and the indexes they need."""
    eng.compiles += 1
    sup, supp = close_schema(eng)
    i, P, T = eng.intern, eng.P, eng.T
    R = Rules()
    tup = lambda d: {k: tuple(v) for k, v in d.items() if v}  # noqa: E731

    def pairs(term):
        return P.get(i(term), ())

    def instances(term):
        return T.get(i(term), ())

    # cax-sco, cax-eqc; prp-spo1, prp-eqp1/2 (equivalent properties are sub-properties
    # both ways after scm-eqp1): the closed tables, without the reflexive pairs
    R.sup_classes = {a: tuple(bs - {a}) for a, bs in sup.items() if bs - {a}}
    R.sup_props = {a: tuple(bs - {a}) for a, bs in supp.items() if bs - {a}}
    d = defaultdict(set)
    for pr, c in pairs(RDFS.domain):
        d[pr].add(c)
    R.domains = tup(d)
    d = defaultdict(set)
    for pr, c in pairs(RDFS.range):
        d[pr].add(c)
    R.ranges = tup(d)
    d = defaultdict(set)
    for a, b in pairs(OWL.inverseOf):
        d[a].add(b)
        d[b].add(a)
    R.inverses = tup(d)
    R.symmetric = frozenset(instances(OWL.SymmetricProperty))
    R.transitive = frozenset(instances(OWL.TransitiveProperty))
    R.functional = frozenset(instances(OWL.FunctionalProperty))
    R.inv_functional = frozenset(instances(OWL.InverseFunctionalProperty))
    R.index_so |= R.transitive | R.functional
    R.index_os |= R.transitive | R.inv_functional
    for pr, lst in pairs(OWL.propertyChainAxiom):
        chain = tuple(eng.rdf_list(lst))
        if chain:
            n = len(R.chains)
            R.chains.append((pr, chain))
            for k, pk in enumerate(chain):
                R.chains_by_prop.setdefault(pk, []).append((n, k))
                R.index_so.add(pk)
                R.index_os.add(pk)
    for c, lst in pairs(OWL.hasKey):
        keys = tuple(eng.rdf_list(lst))
        if keys:
            n = len(R.keys)
            R.keys.append((c, keys))
            R.keys_by_class.setdefault(c, []).append(n)
            for pk in keys:
                R.keys_by_prop.setdefault(pk, []).append(n)
                R.index_so.add(pk)
    for c, lst in pairs(OWL.intersectionOf):
        members = tuple(eng.rdf_list(lst))
        if members:
            for ci in set(members):
                R.intersections.setdefault(ci, []).append((c, members))
    onp = defaultdict(set)
    for r, pr in pairs(OWL.onProperty):
        onp[r].add(pr)
    for r, y in pairs(OWL.someValuesFrom):
        for pr in onp.get(r, ()):
            R.svf_by_prop.setdefault(pr, []).append((r, y))
            R.svf_by_class.setdefault(y, []).append((r, pr))
            R.index_os.add(pr)
    for r, y in pairs(OWL.allValuesFrom):
        for pr in onp.get(r, ()):
            R.avf_by_class.setdefault(r, []).append((pr, y))
            R.avf_by_prop.setdefault(pr, []).append((r, y))
            R.index_so.add(pr)
    for r, v in pairs(OWL.hasValue):
        for pr in onp.get(r, ()):
            R.hv_by_class.setdefault(r, []).append((pr, v))
            R.hv_by_prop.setdefault(pr, {}).setdefault(v, []).append(r)
    on_class = defaultdict(set)
    for r, cc in pairs(OWL.onClass):
        on_class[r].add(cc)
    for kind, qualified in ((OWL.maxCardinality, False), (OWL.maxQualifiedCardinality, True)):
        for r, n in pairs(kind):
            if int_value(eng.terms[n]) != 1:
                continue  # 0 is an error check (cls-maxc1, cls-maxqc1/2)
            for pr in onp.get(r, ()):
                ccs = on_class.get(r, ()) if qualified else (None,)
                for cc in ccs:
                    if cc == eng.THING:
                        cc = None
                    R.maxc_by_class.setdefault(r, []).append((pr, cc))
                    R.maxc_by_prop.setdefault(pr, []).append((r, cc))
                    if cc is not None:
                        R.maxc_by_onclass.setdefault(cc, []).append((r, pr))
                    R.index_so.add(pr)
                    R.index_os.add(pr)
    for c, lst in pairs(OWL.oneOf):
        R.one_of.append((c, tuple(eng.rdf_list(lst))))
    eng.rules = R
    # (re)build the indexes the joins need
    eng.SO = {}
    eng.OS = {}
    for pr in R.index_so:
        eng.index_so(pr)
    for pr in R.index_os:
        eng.index_os(pr)
    eng.schema_dirty = False



def int_value(term) -> int | None:
    if isinstance(term, Literal):
        try:
            return int(term.toPython())
        except (TypeError, ValueError):
            return None
    return None


