"""A semi-naive OWL 2 RL forward chainer over integer-coded triples.

How it works
------------
* Every term is interned to an int. Triples live in two stores: ``P[p]`` (a set of
  ``(s, o)`` pairs per predicate) and ``T[c]`` (the set of instances of class ``c``:
  the ``rdf:type`` triples). ``owl:sameAs`` lives in neither: it is a union-find
  (:class:`UnionFind`), and the stores hold canonical representatives only.
* The TBox is closed first with the scm-* rules (a small naive fixpoint over the schema
  triples, which are few), then *compiled* into rule tables keyed by predicate and by
  class: super-classes, super-properties, domains, ranges, inverses, transitive,
  symmetric, functional and inverse-functional properties, chains, keys, restrictions.
* The data rules then run to a fixpoint semi-naively: each round applies every rule
  with one premise taken from the last round's new triples (``dP``/``dT``) and the
  others from the whole store, using set operations and indexes (``SO[p]``: s -> {o},
  ``OS[p]``: o -> {s}) built only for the predicates a join needs.
* Equality: rules that conclude ``owl:sameAs`` (prp-fp, prp-ifp, prp-key, cls-maxc2,
  cls-maxqc3/4, asserted or derived sameAs) union two classes; the store is then
  rewritten to the representatives and the rewritten triples are the next delta.
  Individuals are merged only when one of those rules fires.
* When a round derives a schema triple (a new subClassOf, a new TransitiveProperty...)
  or merges a schema term, the TBox is closed and compiled again and every triple is
  run through the new rules once.
* Inconsistencies (cax-dw, cax-adc, cls-nothing2, cls-com, cls-maxc1, cls-maxqc1/2,
  prp-irp, prp-asyp, prp-pdw, prp-adp, prp-npa1/2, eq-diff1-3, dt-not-type) are checked
  on the final closure and reported with owlrl's own wording.
* The closure is expanded back to every member of each sameAs class, as owlrl
  materialises it (eq-rep-s/p/o, eq-sym, eq-trans).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from owlrl.DatatypeHandling import AltXSDToPYTHON
from rdflib import Literal

from . import vocab as V
from .vocab import OWL, RDF, RDFS

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


class Engine:
    """One closure computation. Use :func:`sco_kg.pipeline.fastrl.closure` rather than this class."""

    def __init__(self) -> None:
        self.ids: dict = {}
        self.terms: list = []
        self.P: dict[int, set] = defaultdict(set)
        self.T: dict[int, set] = defaultdict(set)
        self.SO: dict[int, dict] = {}
        self.OS: dict[int, dict] = {}
        self.uf = UnionFind()
        self.pending_same: list[tuple[int, int]] = []
        self.input_same: set = set()
        self._moved: set = set()
        self.input_P: dict = {}
        self.input_T: dict = {}
        self.rules = Rules()
        self.schema_dirty = True
        self.rounds = 0
        self.compiles = 0
        i = self.intern
        self.TYPE = i(RDF.type)
        self.SAME = i(OWL.sameAs)
        self.FIRST, self.REST, self.NIL = i(RDF.first), i(RDF.rest), i(RDF.nil)
        self.THING, self.NOTHING = i(OWL.Thing), i(OWL.Nothing)
        self.schema_pred_ids = frozenset(i(t) for t in V.SCHEMA_PREDICATES)
        self.schema_type_ids = frozenset(i(t) for t in V.SCHEMA_TYPES)

    # ------------------------------------------------------------------ terms
    def intern(self, term) -> int:
        ids = self.ids
        n = ids.get(term)
        if n is None:
            n = ids[term] = len(self.terms)
            self.terms.append(term)
        return n

    def c(self, x: int) -> int:
        """Canonical representative."""
        return self.uf.find(x) if x in self.uf.parent else x

    # ------------------------------------------------------------------ loading
    def load(self, triples: Iterable[Triple]) -> None:
        ids, terms = self.ids, self.terms
        P, T = self.P, self.T
        TYPE, SAME = self.TYPE, self.SAME
        for s, p, o in triples:
            si = ids.get(s)
            if si is None:
                si = ids[s] = len(terms)
                terms.append(s)
            pi = ids.get(p)
            if pi is None:
                pi = ids[p] = len(terms)
                terms.append(p)
            oi = ids.get(o)
            if oi is None:
                oi = ids[o] = len(terms)
                terms.append(o)
            if pi == TYPE:
                T[oi].add(si)
            elif pi == SAME:
                self.input_same.add((si, oi))
                if si != oi:
                    self.pending_same.append((si, oi))
            else:
                P[pi].add((si, oi))

    def snapshot_input(self) -> None:
        """Remember the asserted triples (ids), to tell the inferred ones apart."""
        self.input_P = {p: frozenset(pairs) for p, pairs in self.P.items()}
        self.input_T = {c: frozenset(xs) for c, xs in self.T.items()}

    def add_one_time(self) -> None:
        """cls-thing, cls-nothing1, prp-ap, dt-type1, dt-type2 and the datatype disjointness."""
        i, T, P = self.intern, self.T, self.P
        T[i(OWL.Class)].update((self.THING, self.NOTHING))
        ap = i(OWL.AnnotationProperty)
        T[ap].update(i(a) for a in V.ANNOTATION_PROPERTIES)
        dtype = i(RDFS.Datatype)
        used = set()
        for n, term in enumerate(self.terms):
            if isinstance(term, Literal) and term.datatype in V.OWL_RL_DATATYPES:
                dt = term.datatype
                used.add(dt)
                T[i(dt)].add(n)
                for sup in V.DATATYPE_SUBSUMPTIONS.get(dt, ()):
                    T[i(sup)].add(n)
                    T[dtype].add(i(sup))
                    used.add(sup)
        for cls in list(T):
            term = self.terms[cls]
            if term in V.OWL_RL_DATATYPES:
                used.add(term)
        T[dtype].update(i(dt) for dt in V.OWL_RL_DATATYPES)
        disj = i(OWL.disjointWith)
        for left, _p, right in V.DATATYPE_DISJOINTNESS:
            if left in used and right in used:
                P[disj].add((i(left), i(right)))

    # ------------------------------------------------------------------ lists
    def _list(self, head: int) -> list[int]:
        first = self.SO.get(self.FIRST) or self._index_so(self.FIRST)
        rest = self.SO.get(self.REST) or self._index_so(self.REST)
        out, seen = [], set()
        while head != self.NIL and head not in seen:
            seen.add(head)
            f = first.get(head)
            if not f:
                break
            out.append(min(f))
            r = rest.get(head)
            if not r:
                break
            head = min(r)
        return out

    def _index_so(self, p: int) -> dict:
        idx: dict = defaultdict(set)
        for s, o in self.P.get(p, ()):
            idx[s].add(o)
        self.SO[p] = idx
        return idx

    def _index_os(self, p: int) -> dict:
        idx: dict = defaultdict(set)
        for s, o in self.P.get(p, ()):
            idx[o].add(s)
        self.OS[p] = idx
        return idx

    # ------------------------------------------------------------------ TBox
    def close_schema(self) -> None:
        """The scm-* rules to a fixpoint over the schema triples (owlrl's exact conditions)."""
        i, P, T = self.intern, self.P, self.T
        SUB, EQC = i(RDFS.subClassOf), i(OWL.equivalentClass)
        SUBP, EQP = i(RDFS.subPropertyOf), i(OWL.equivalentProperty)
        DOM, RNG = i(RDFS.domain), i(RDFS.range)
        ONP, HV = i(OWL.onProperty), i(OWL.hasValue)
        SVF, AVF = i(OWL.someValuesFrom), i(OWL.allValuesFrom)
        INT, UNI = i(OWL.intersectionOf), i(OWL.unionOf)
        THING, NOTHING = self.THING, self.NOTHING
        sub, eqc, subp, eqp = P[SUB], P[EQC], P[SUBP], P[EQP]
        dom, rng = P[DOM], P[RNG]
        # scm-cls, scm-op, scm-dp (and rdf:Property, as owlrl does)
        for cl in list(T.get(i(OWL.Class), ())):
            sub.update(((cl, cl), (cl, THING), (NOTHING, cl)))
            eqc.add((cl, cl))
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property):
            for pr in list(T.get(i(kind), ())):
                subp.add((pr, pr))
                eqp.add((pr, pr))
        self.SO.pop(self.FIRST, None)
        self.SO.pop(self.REST, None)
        onp: dict = defaultdict(set)
        for s, o in P.get(ONP, ()):
            onp[s].add(o)
        for c, lst in list(P.get(INT, ())):  # scm-int
            sub.update((c, ci) for ci in self._list(lst))
        for c, lst in list(P.get(UNI, ())):  # scm-uni
            sub.update((ci, c) for ci in self._list(lst))
        hv = list(P.get(HV, ()))
        svf = list(P.get(SVF, ()))
        avf = list(P.get(AVF, ()))
        # a representative of several names: ``a rel a`` stands for ``a1 rel a2`` between two
        # of its names, which owlrl's c1 != c2 guards do not skip
        multi = {rep for rep, names in self.uf.classes().items() if len(names) > 1}
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
            # scm-sco, scm-eqc2 (transitive closure, owlrl skips c1 == c3)
            sup = defaultdict(set)
            for a, b in sub:
                sup[a].add(b)
            for a, b in list(sub):
                if a != b or a in multi:
                    for c in sup.get(b, ()):
                        if c != a or a in multi:
                            sub.add((a, c))
                if a in sup.get(b, ()):  # scm-eqc2, also for c sub c (as owlrl)
                    eqc.add((a, b))
            supp = defaultdict(set)
            for a, b in subp:
                supp[a].add(b)
            subs_of = defaultdict(set)
            for a, b in subp:
                subs_of[b].add(a)
            for a, b in list(subp):
                if a != b or a in multi:
                    for c in supp.get(b, ()):
                        if c != a or a in multi:
                            subp.add((a, c))
                    if a in supp.get(b, ()):
                        eqp.add((a, b))
            # scm-dom1/2, scm-rng1/2
            for store in (dom, rng):
                for pr, c1 in list(store):
                    for c2 in sup.get(c1, ()):
                        if c1 != c2:
                            store.add((pr, c2))
                    for p1 in subs_of.get(pr, ()):
                        if p1 != pr:
                            store.add((p1, c1))
            # scm-hv
            for c1, v in hv:
                for p1 in onp.get(c1, ()):
                    for c2, v2 in hv:
                        if v2 == v:
                            for p2 in onp.get(c2, ()):
                                if p2 in supp.get(p1, ()):
                                    sub.add((c1, c2))
            # scm-svf1/2, scm-avf1/2
            for table, is_svf in ((svf, True), (avf, False)):
                for c1, y1 in table:
                    for p1 in onp.get(c1, ()):
                        for c2, y2 in table:
                            for p2 in onp.get(c2, ()):
                                if p1 == p2 and y2 in sup.get(y1, ()):
                                    sub.add((c1, c2))  # svf1, avf1
                                if y1 == y2 and p2 in supp.get(p1, ()):
                                    sub.add((c1, c2) if is_svf else (c2, c1))  # svf2, avf2
            after = len(sub) + len(eqc) + len(subp) + len(eqp) + len(dom) + len(rng)
            if after == before:
                break

    def compile(self) -> None:
        """Close the TBox, then build the rule tables and the indexes they need."""
        self.compiles += 1
        self.close_schema()
        i, P, T = self.intern, self.P, self.T
        R = Rules()
        tup = lambda d: {k: tuple(v) for k, v in d.items() if v}  # noqa: E731

        def pairs(term):
            return P.get(i(term), ())

        def instances(term):
            return T.get(i(term), ())

        sup = defaultdict(set)
        for a, b in pairs(RDFS.subClassOf):
            if a != b:
                sup[a].add(b)
        R.sup_classes = tup(sup)
        supp = defaultdict(set)
        for a, b in pairs(RDFS.subPropertyOf):
            if a != b:
                supp[a].add(b)
        for a, b in pairs(OWL.equivalentProperty):  # prp-eqp1/2 (also via scm-eqp)
            if a != b:
                supp[a].add(b)
                supp[b].add(a)
        R.sup_props = tup(supp)
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
            chain = tuple(self._list(lst))
            if chain:
                n = len(R.chains)
                R.chains.append((pr, chain))
                for k, pk in enumerate(chain):
                    R.chains_by_prop.setdefault(pk, []).append((n, k))
                    R.index_so.add(pk)
                    R.index_os.add(pk)
        for c, lst in pairs(OWL.hasKey):
            keys = tuple(self._list(lst))
            if keys:
                n = len(R.keys)
                R.keys.append((c, keys))
                R.keys_by_class.setdefault(c, []).append(n)
                for pk in keys:
                    R.keys_by_prop.setdefault(pk, []).append(n)
                    R.index_so.add(pk)
        for c, lst in pairs(OWL.intersectionOf):
            members = tuple(self._list(lst))
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
                if _int_value(self.terms[n]) != 1:
                    continue  # 0 is an error check (cls-maxc1, cls-maxqc1/2)
                for pr in onp.get(r, ()):
                    ccs = on_class.get(r, ()) if qualified else (None,)
                    for cc in ccs:
                        if cc == self.THING:
                            cc = None
                        R.maxc_by_class.setdefault(r, []).append((pr, cc))
                        R.maxc_by_prop.setdefault(pr, []).append((r, cc))
                        if cc is not None:
                            R.maxc_by_onclass.setdefault(cc, []).append((r, pr))
                        R.index_so.add(pr)
                        R.index_os.add(pr)
        for c, lst in pairs(OWL.oneOf):
            R.one_of.append((c, tuple(self._list(lst))))
        self.rules = R
        # (re)build the indexes the joins need
        self.SO = {}
        self.OS = {}
        for pr in R.index_so:
            self._index_so(pr)
        for pr in R.index_os:
            self._index_os(pr)
        self.schema_dirty = False

    # ------------------------------------------------------------------ fixpoint
    def run(self) -> None:
        """Close the graph: compile, run the rules to a fixpoint, repeat if the TBox grew."""
        self.add_one_time()
        self._apply_equalities()
        while True:
            self.compile()
            for c, members in self.rules.one_of:  # cls-oo
                self.T[c].update(self.c(m) for m in members)
            # every triple is new to freshly compiled rules
            dP = {p: set(s) for p, s in self.P.items() if s}
            dT = {c: set(s) for c, s in self.T.items() if s}
            self._fixpoint(dP, dT)
            if not self.schema_dirty:
                break

    def _fixpoint(self, dP: dict, dT: dict) -> None:
        while (dP or dT) and not self.schema_dirty:
            self.rounds += 1
            nP: dict = defaultdict(set)
            nT: dict = defaultdict(set)
            self._round(dP, dT, nP, nT)
            dP, dT = self._commit(nP, nT)
            if self.pending_same:
                extra_P, extra_T = self._apply_equalities()
                if self._moved:  # the delta may name merged terms: keep representatives only
                    moved = self._moved
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

    def _round(self, dP: dict, dT: dict, nP: dict, nT: dict) -> None:
        R, P, T, SO, OS = self.rules, self.P, self.T, self.SO, self.OS
        same = self.pending_same
        TYPE = self.TYPE
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
            # prp-spo1, prp-eqp1/2
            for q in R.sup_props.get(p, ()):
                nP[q] |= new
            # prp-inv1/2, prp-symp
            inv = R.inverses.get(p, ())
            if inv or p in R.symmetric:
                swapped = {(o, s) for s, o in new}
                for q in inv:
                    nP[q] |= swapped
                if p in R.symmetric:
                    nP[p] |= swapped
            # prp-trp
            if p in R.transitive:
                so, os_, out = SO[p], OS[p], nP[p]
                for x, y in new:
                    for z in so.get(y, ()):
                        out.add((x, z))
                    for w in os_.get(x, ()):
                        out.add((w, y))
            # prp-fp
            if p in R.functional:
                so = SO[p]
                for x, y in new:
                    for y2 in so.get(x, ()):
                        if y2 != y:
                            same.append((y, y2))
            # prp-ifp
            if p in R.inv_functional:
                os_ = OS[p]
                for x, y in new:
                    for x2 in os_.get(y, ()):
                        if x2 != x:
                            same.append((x, x2))
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
                if y == self.THING:
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
            # cls-maxc2, cls-maxqc3/4
            for r, cc in R.maxc_by_prop.get(p, ()):
                tr, so = T.get(r, ()), SO[p]
                tcc = T.get(cc, ()) if cc is not None else None
                for u, y1 in new:
                    if u in tr and (tcc is None or y1 in tcc):
                        for y2 in so.get(u, ()):
                            if y2 != y1 and (tcc is None or y2 in tcc):
                                same.append((y1, y2))
            # prp-key (a new key value of an instance)
            for n in R.keys_by_prop.get(p, ()):
                tc = T.get(R.keys[n][0], ())
                if any(s in tc for s, _ in new):
                    keys_dirty.add(n)
        for c, new in dT.items():
            # cax-sco, cax-eqc (cls-int2, cls-uni through scm-int, scm-uni)
            for d in R.sup_classes.get(c, ()):
                nT[d] |= new
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
                for y in new:
                    for u in os_.get(y, ()):
                        if u in tr:
                            for y2 in so.get(u, ()):
                                if y2 != y and y2 in tcc:
                                    same.append((y, y2))
            # prp-key (a new instance of a keyed class)
            keys_dirty.update(R.keys_by_class.get(c, ()))
        for n in keys_dirty:
            self._keys(n)
        # a rule concluding rdf:type or owl:sameAs as a property
        tp = nP.pop(TYPE, None)
        if tp:
            for x, c in tp:
                nT[c].add(x)
        sp = nP.pop(self.SAME, None)
        if sp:
            same.extend(sp)

    def _keys(self, n: int) -> None:
        """prp-key: instances of the class with the same values for every key property."""
        c, keys = self.rules.keys[n]
        SO = self.SO
        tc = self.T.get(c, ())
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
                    self.pending_same.append((members[0], other))

    def _commit(self, nP: dict, nT: dict) -> tuple[dict, dict]:
        """Add the round's conclusions; return those that were new (the next delta)."""
        P, T, SO, OS = self.P, self.T, self.SO, self.OS
        dP, dT = {}, {}
        for p, pairs in nP.items():
            old = P[p]
            new = pairs - old if old else pairs
            if not new:
                continue
            old |= new
            dP[p] = new
            if p in SO:
                so = SO[p]
                for s, o in new:
                    so[s].add(o)
            if p in OS:
                os_ = OS[p]
                for s, o in new:
                    os_[o].add(s)
            if p in self.schema_pred_ids:
                self.schema_dirty = True
        for c, xs in nT.items():
            old = T[c]
            new = xs - old if old else xs
            if not new:
                continue
            old |= new
            dT[c] = new
            if c in self.schema_type_ids:
                self.schema_dirty = True
        return dP, dT

    # ------------------------------------------------------------------ equality
    def _apply_equalities(self) -> tuple[dict, dict]:
        """Union the pending sameAs pairs, rewrite the store to representatives.

        Returns the rewritten triples that were new (added to the next delta).
        """
        changed = set()
        for a, b in self.pending_same:
            ra, rb = self.c(a), self.c(b)
            if ra != rb:
                self.uf.union(ra, rb)
                changed.add(ra)
                changed.add(rb)
        self.pending_same = []
        self._moved = set()
        if not changed:
            return {}, {}
        moved = {x for x in changed if self.c(x) != x}  # no longer representatives
        self._moved = moved
        c = self.c
        nP: dict = defaultdict(set)
        nT: dict = defaultdict(set)
        for p in list(self.P):
            pairs = self.P[p]
            bad = {(s, o) for s, o in pairs if s in moved or o in moved}
            if p in moved:
                bad = set(pairs)
            if bad:
                pairs -= bad
                nP[c(p)].update((c(s), c(o)) for s, o in bad)
        for cl in list(self.T):
            xs = self.T[cl]
            bad = set(xs) if cl in moved else (xs & moved)
            if bad:
                xs -= bad
                nT[c(cl)].update(c(x) for x in bad)
        if moved & self._schema_terms():
            self.schema_dirty = True
        # indexes hold old ids: rebuild the ones in use
        for p in list(self.SO):
            self._index_so(p)
        for p in list(self.OS):
            self._index_os(p)
        return self._commit(nP, nT)

    def _schema_terms(self) -> set:
        """Every term that appears in an axiom (classes, properties, restrictions, lists)."""
        out = set()
        for p in self.schema_pred_ids:
            for s, o in self.P.get(p, ()):
                out.add(s)
                out.add(o)
            out.add(p)
        for cl in self.schema_type_ids:
            out.update(self.T.get(cl, ()))
        for r in self.rules.sup_props:
            out.add(r)
        return out

    # ------------------------------------------------------------------ checks
    def errors(self) -> list[str]:
        """The inconsistencies of the closure, in owlrl's words."""
        i, P, T, terms = self.intern, self.P, self.T, self.terms
        members = self.uf.classes()

        def all_of(x):
            return members.get(x, (x,))

        def pairs(term):
            return P.get(i(term), ())

        def lst(head):
            return self._list(head)

        self.SO.pop(self.FIRST, None)
        self.SO.pop(self.REST, None)
        out: list[str] = []
        # lists as asserted: the store holds representatives only, owlrl reads the names given
        first0 = {s: o for s, o in self.input_P.get(self.FIRST, ())}
        rest0 = {s: o for s, o in self.input_P.get(self.REST, ())}

        def asserted_list(head):
            if head not in first0:
                return lst(head)
            items, seen = [], set()
            while head in first0 and head not in seen:
                seen.add(head)
                items.append(first0[head])
                head = rest0.get(head, self.NIL)
            return items

        c = self.c

        def err(msg):
            if msg not in out:
                out.append(msg)

        # cls-nothing2
        for x in sorted(T.get(self.NOTHING, ())):
            for m in all_of(x):
                err("%s is defined of type 'Nothing'" % terms[m])
        # cax-dw
        for c1, c2 in pairs(OWL.disjointWith):
            for x in T.get(c1, set()) & T.get(c2, set()):
                for m1 in all_of(c1):  # owlrl names every pair of names of the two classes
                    for m2 in all_of(c2):
                        for m in all_of(x):
                            err("Disjoint classes %s and %s have a common individual %s" % (terms[m1], terms[m2], terms[m]))
        # cax-adc
        adc = i(OWL.AllDisjointClasses)
        for x in T.get(adc, ()):
            for _x, y in [(s, o) for s, o in pairs(OWL.members) if s == x]:
                classes = asserted_list(y)
                for k, cl1 in enumerate(classes):
                    for cl2 in classes[k + 1 :]:
                        for z in T.get(c(cl1), set()) & T.get(c(cl2), set()):
                            for m in all_of(z):
                                err(
                                    "Disjoint classes %s and %s have a common individual %s"
                                    % (terms[cl1], terms[cl2], terms[m])
                                )
        # cls-com
        for c1, c2 in pairs(OWL.complementOf):
            for x in T.get(c1, set()) & T.get(c2, set()):
                for m1 in all_of(c1):
                    for m2 in all_of(c2):
                        for m in all_of(x):
                            err(
                                "Violation of complementarity for classes %s and %s on element %s"
                                % (terms[m1], terms[m2], terms[m])
                            )
        # cls-maxc1, cls-maxqc1/2
        onp = defaultdict(set)
        for r, pr in pairs(OWL.onProperty):
            onp[r].add(pr)
        on_class = defaultdict(set)
        for r, cc in pairs(OWL.onClass):
            on_class[r].add(cc)
        for r, n in pairs(OWL.maxCardinality):
            if _int_value(terms[n]) == 0:
                tr = T.get(r, ())
                for pr in onp.get(r, ()):
                    for u, y in P.get(pr, ()):
                        if u in tr:
                            for ym in all_of(y):
                                err("Erroneous usage of maximum cardinality with %s and %s" % (terms[r], terms[ym]))
        for r, n in pairs(OWL.maxQualifiedCardinality):
            if _int_value(terms[n]) == 0:
                tr = T.get(r, ())
                for pr in onp.get(r, ()):
                    for cc in on_class.get(r, ()):
                        tcc = T.get(cc, ())
                        for u, y in P.get(pr, ()):
                            if u in tr and (cc == self.THING or y in tcc):
                                for ym in all_of(y):
                                    err(
                                        "Erroneous usage of maximum qualified cardinality with %s, %s and %s"
                                        % (terms[r], terms[cc], terms[ym])
                                    )
        # prp-irp, prp-asyp
        for pr in T.get(i(OWL.IrreflexiveProperty), ()):
            for x, y in P.get(pr, ()):
                if x == y:
                    for m in all_of(x):
                        err("Irreflexive property used on %s with %s" % (terms[m], terms[pr]))
        for pr in T.get(i(OWL.AsymmetricProperty), ()):
            pairs_p = P.get(pr, set())
            for x, y in pairs_p:
                if (y, x) in pairs_p:
                    for xm in all_of(x):
                        for ym in all_of(y):
                            err("Erroneous usage of asymmetric property %s on %s and %s" % (terms[pr], terms[xm], terms[ym]))
        # prp-pdw, prp-adp
        def disjoint_props(p1, p2, fmt):
            common = P.get(p1, set()) & P.get(p2, set())
            for x, y in common:
                for xm in all_of(x):
                    for ym in all_of(y):
                        err(fmt(xm, ym))

        for p1, p2 in pairs(OWL.propertyDisjointWith):
            disjoint_props(
                p1,
                p2,
                lambda x, y, p1=p1, p2=p2: "Erroneous usage of disjoint properties %s and %s on %s and %s"
                % (terms[p1], terms[p2], terms[x], terms[y]),
            )
        for x in T.get(i(OWL.AllDisjointProperties), ()):
            for _x, y in [(s, o) for s, o in pairs(OWL.members) if s == x]:
                props = asserted_list(y)
                for k, pi in enumerate(props):
                    for pj in props[k + 1 :]:
                        disjoint_props(
                            c(pi),
                            c(pj),
                            lambda a, b, pi=pi, pj=pj: "Disjoint properties in an 'AllDisjointProperties' are not "
                            "really disjoint: (%s, %s,%s) and (%s,%s,%s)"
                            % (terms[a], terms[pi], terms[b], terms[a], terms[pj], terms[b]),
                        )
        # prp-npa1/2
        ap = defaultdict(set)
        for x, pr in pairs(OWL.assertionProperty):
            ap[x].add(pr)
        tgt = defaultdict(set)
        for x, t in pairs(OWL.targetIndividual):
            tgt[x].add(("object", t))
        for x, t in pairs(OWL.targetValue):
            tgt[x].add(("datatype", t))
        for x, i1 in pairs(OWL.sourceIndividual):
            for pr in ap.get(x, ()):
                for kind, i2 in tgt.get(x, ()):
                    if (i1, i2) in P.get(pr, ()):
                        err(
                            "Negative (%s) property assertion violated for: (%s, %s, %s)"
                            % (kind, terms[i1], terms[pr], terms[i2])
                        )
        # eq-diff1
        for x, y in pairs(OWL.differentFrom):
            if x == y:  # canonical: the same individual; owlrl names every pair of its class
                for a in all_of(x):
                    for b in all_of(x):
                        err(
                            "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: (%s, %s)"
                            % (terms[a], terms[b])
                        )
        # eq-diff2/3
        for x in T.get(i(OWL.AllDifferent), ()):
            for kind in (OWL.members, OWL.distinctMembers):
                for _x, y in [(s, o) for s, o in pairs(kind) if s == x]:
                    zs = asserted_list(y)
                    for k, zi in enumerate(zs):
                        for zj in zs[k + 1 :]:
                            if c(zi) == c(zj) and zi != zj:
                                err(
                                    "'sameAs' and 'AllDifferent' cannot be used on the same subject-object "
                                    "pair: (%s, %s)" % (terms[zi], terms[zj])
                                )
        # dt-not-type
        for term in terms:
            if isinstance(term, Literal) and term.datatype in V.OWL_RL_DATATYPES:
                conv = AltXSDToPYTHON.get(term.datatype)
                if conv is not None:
                    try:
                        conv(str(term))
                    except ValueError:
                        err("Lexical value of the literal '%s' does not match its datatype (%s)" % (term, term.datatype))
        return out

    # ------------------------------------------------------------------ output
    def inferred(self, keep_noise: bool = False) -> Iterator[Triple]:
        """The inferred triples in rdflib terms: the closure, expanded over sameAs classes
        (eq-rep-s/p/o, eq-sym, eq-trans, as owlrl materialises it), minus the asserted
        triples and, unless ``keep_noise``, minus :func:`~sco_kg.pipeline.fastrl.vocab.is_noise`."""
        terms = self.terms
        members = self.uf.classes()
        if keep_noise:
            bad_s = bad_p = bytes(len(terms))
        else:
            bad_s = bytes(V.noisy_subject(t) for t in terms)
            bad_p = bytes(V.noisy_predicate(t) for t in terms)
        TYPE, SAME = self.TYPE, self.SAME
        empty = frozenset()
        allm = (lambda x: members.get(x, (x,))) if members else (lambda x: (x,))  # noqa: E731
        for p, pairs in self.P.items():
            for pm in allm(p):
                if bad_p[pm]:
                    continue
                pt = terms[pm]
                asserted = self.input_P.get(pm, empty)
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
        tt = terms[TYPE]
        for cl, xs in self.T.items():
            for cm in allm(cl):
                ct = terms[cm]
                asserted = self.input_T.get(cm, empty)
                if not members:
                    for x in xs - asserted if asserted else xs:
                        if not bad_s[x]:
                            yield terms[x], tt, ct
                    continue
                for x in xs:
                    for xm in allm(x):
                        if not bad_s[xm] and xm not in asserted:
                            yield terms[xm], tt, ct
        st = terms[SAME]
        for ms in members.values():
            for a in ms:
                if bad_s[a]:
                    continue
                for b in ms:
                    if a != b and (a, b) not in self.input_same:
                        yield terms[a], st, terms[b]


def _int_value(term) -> int | None:
    if isinstance(term, Literal):
        try:
            return int(term.toPython())
        except (TypeError, ValueError):
            return None
    return None


