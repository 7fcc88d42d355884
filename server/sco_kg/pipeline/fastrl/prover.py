"""Proofs: one derivation of every inferred triple, from the asserted triples up.

The fast rounds of :mod:`.rounds` work on sets and on representatives of ``owl:sameAs``
classes, and close transitive relations at once (:mod:`.transitive`): they do not see
the triple-by-triple steps a proof is made of. So when :func:`sco_kg.pipeline.fastrl.closure`
is asked for proofs (``proofs=True``), :func:`prove` runs the OWL 2 RL rules again, one
rule instance per conclusion, over the engine's asserted triples (in its own numbering of
the terms, :mod:`.canonical`), semi-naively, and records for each triple the first rule
instance that concludes it.
Without proofs this module is not run at all: it costs nothing.

It is made to cost less than the fast rounds again (benchmarks/run.py, the whole closure
with proofs against without, medians of 5 on a shared 2-core machine, load average about 2:
at 100k synthetic triples 1.07 s and 144 MiB of peak RSS against 0.67 s and 124 MiB (1.61x);
at 1M 15.1 s and 1,012 MiB against 7.8 s and 812 MiB (1.94x; runs under more load gave
1.9x to 2.2x); benchmarks/results/run.md): the terms are numbered for the prover alone
(:mod:`.canonical`, not the engine's store again) and the asserted triples made in sorted
order, so that they lie in memory in the order the rounds read them; each
round's new triples are grouped by predicate and class so that a rule looks its schema
premise up once per group; rdf:type conclusions are a set difference with the class's known
instances; a derivation is one flat tuple, its premises the very tuples already stored; the
known triples are the asserted set and the proofs (no copy), kept per predicate in lists,
and a predicate is indexed only once a join asks for it; the first round's groups come from
the engine's input, grouped already; eq-rep-* reads an index by subject and by object of the
terms of sameAs triples only.

What is guaranteed
------------------
* Round 0 holds the asserted triples. A triple first concluded in round ``k`` is recorded
  with a rule instance whose premises were all known at the end of round ``k - 1``, at
  least one of them new in that round (semi-naive evaluation). Every premise is thus
  asserted or recorded in an earlier round: proofs are well-founded, never circular.
* The round of a triple is its *rank*: the least height of any proof tree of it under
  these rules (semi-naive rounds make the same sets as naive ones, and naive round ``k``
  holds exactly the triples with a proof of height at most ``k``). The recorded
  derivation's tree has that least height: height = rank. It need not have the fewest
  nodes (a tree of least height can be wider than another).
* The rules are those of the OWL 2 RL tables (W3C, OWL 2 Profiles, section 4.3), named as
  there: eq-sym, eq-trans, eq-rep-s/p/o; prp-dom, prp-rng, prp-symp, prp-trp, prp-fp,
  prp-ifp, prp-spo1, prp-spo2, prp-eqp1/2, prp-inv1/2, prp-key, prp-ap; cls-thing, cls-nothing1,
  cls-int1, cls-svf1/2, cls-avf, cls-hv1/2, cls-maxc2, cls-maxqc3/4, cls-oo; cax-sco,
  cax-eqc1/2; scm-cls, scm-sco, scm-eqc1/2, scm-op, scm-dp, scm-spo, scm-eqp1/2,
  scm-dom1/2, scm-rng1/2, scm-hv, scm-svf1/2, scm-avf1/2, scm-int, scm-uni; dt-type2 for
  a literal's datatype and the datatypes that hold it (``"1"^^xsd:int a xsd:integer``).
  cls-int2 and cls-uni are reached as fastrl reaches them, through scm-int / scm-uni and
  cax-sco. Reflexive ``owl:sameAs`` (eq-ref) is never recorded: it proves nothing new.
  One extension of owlrl's, named ``owlrl-prop``: an ``rdf:Property`` is a sub-property
  and an equivalent property of itself (fastrl concludes it as owlrl does).
* Conclusions are kept with their premises in the order of the rule's ``If`` column, lists
  spelt out as their ``rdf:first``/``rdf:rest`` triples.

Proofs are ints here (ids of :class:`.canonical.CanonicalIds`: the engine's terms numbered
again in one order, so that the same input gives the same proofs under any hash seed);
:class:`.derivation.Proofs` turns them into rdflib terms on demand.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef

from . import vocab as V
from .canonical import CanonicalIds
from .prover_properties import characteristics, transitive
from .prover_restrictions import restriction_rules
from .vocab import OWL, RDF, RDFS

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine

__all__ = ["prove"]

_NONE: frozenset = frozenset()
_EMPTY: dict = {}
_NOT_LITERAL = (URIRef, BNode)  # the types of most terms, surely not literals

#: predicates whose new triples make the restriction / list rules run again in full
_RESTRICTION_PREDICATES = (
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.onProperty, OWL.onClass,
    OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.intersectionOf, OWL.unionOf,
    OWL.oneOf, OWL.propertyChainAxiom, OWL.hasKey, RDF.first, RDF.rest,
)


class _Prover:
    """The store of the proving rounds: known triples, their indexes, and the derivations."""

    def __init__(self, eng: Engine, ids: CanonicalIds) -> None:
        self.ids, self.terms = ids, ids.terms  # the prover's numbering (the engine's vocabulary kept)
        i = ids.intern
        self.TYPE, self.SAME = eng.TYPE, eng.SAME
        self.SCO, self.EQC = i(RDFS.subClassOf), i(OWL.equivalentClass)
        self.SPO, self.EQP = i(RDFS.subPropertyOf), i(OWL.equivalentProperty)
        self.DOM, self.RNG, self.INV = i(RDFS.domain), i(RDFS.range), i(OWL.inverseOf)
        self.FIRST, self.REST, self.NIL = eng.FIRST, eng.REST, eng.NIL
        self.CLASS, self.THING, self.NOTHING = i(OWL.Class), eng.THING, eng.NOTHING
        self.OBJP, self.DATAP, self.RDFP = i(OWL.ObjectProperty), i(OWL.DatatypeProperty), i(RDF.Property)
        self.TRANS, self.SYMP = i(OWL.TransitiveProperty), i(OWL.SymmetricProperty)
        self.FUNC, self.IFP = i(OWL.FunctionalProperty), i(OWL.InverseFunctionalProperty)
        self.ONP, self.SVF, self.AVF, self.HV = i(OWL.onProperty), i(OWL.someValuesFrom), i(OWL.allValuesFrom), i(OWL.hasValue)
        self.MAXC, self.MAXQC, self.ONCLASS = i(OWL.maxCardinality), i(OWL.maxQualifiedCardinality), i(OWL.onClass)
        self.INT, self.UNI, self.ONEOF = i(OWL.intersectionOf), i(OWL.unionOf), i(OWL.oneOf)
        self.CHAIN, self.KEY = i(OWL.propertyChainAxiom), i(OWL.hasKey)
        self.schema_preds = frozenset(i(t) for t in _RESTRICTION_PREDICATES)
        # the known triples are the asserted ones and those proven (no set of their own)
        self.asserted: set = set()
        # the store: the known triples of each predicate, in a list (the tuples are those
        # of the asserted set and of the proofs); the instances of each class; and indexes
        # made on first use (most predicates are never joined on), then kept
        self.by_pred: dict = {}  # p -> [triples of p]
        self.so: dict = {}  # p -> s -> {o}
        self.os: dict = {self.TYPE: {}}  # p -> o -> {s}
        self.by_s: dict | None = None  # s -> {(p, o)}, made once a sameAs triple is known,
        self.by_o: dict | None = None  # o -> {(s, p)}, both of the terms of ``equal`` only
        self.equal: set = set()  # the terms of the known sameAs triples
        self.proofs: dict = {}  # triple -> (rule, *premises): one flat tuple
        self.new: dict = {}  # this round's conclusions
        self.rounds = 0
        self.delta_p: dict = {}  # p -> this round's new triples of p
        self.delta_c: dict = {}  # class -> this round's new rdf:type triples of it
        self.keyed_made: dict = {}  # (id(triples), side) -> (triples, term -> a triple): :meth:`keyed`

    # ----------------------------------------------------------------- the store
    def so_of(self, p: int) -> dict:
        """s -> {o} of ``p`` (empty if none)."""
        idx = self.so.get(p)
        if idx is None:
            if p not in self.by_pred:
                return _EMPTY
            idx = self.so[p] = {}
            for s, _p, o in self.by_pred[p]:
                idx.setdefault(s, set()).add(o)
        return idx

    def os_of(self, p: int) -> dict:
        """o -> {s} of ``p`` (empty if none)."""
        idx = self.os.get(p)
        if idx is None:
            if p not in self.by_pred:
                return _EMPTY
            idx = self.os[p] = {}
            for s, _p, o in self.by_pred[p]:
                idx.setdefault(o, set()).add(s)
        return idx

    def objs(self, s: int, p: int):
        return self.so_of(p).get(s, _NONE)

    def subjs(self, p: int, o: int):
        return self.os_of(p).get(o, _NONE)

    def has(self, s: int, p: int, o: int) -> bool:
        t = (s, p, o)
        return t in self.asserted or t in self.proofs

    def add_groups(self, by_p: dict, by_c: dict) -> None:
        """Know the triples ``by_p`` (predicate -> triples; ``by_c``: class -> its rdf:type
        triples among them) and index them where an index is kept."""
        so, os, by_pred, T = self.so, self.os, self.by_pred, self.TYPE
        for p, ts in by_p.items():
            old = by_pred.get(p)
            if old is None:
                by_pred[p] = list(ts)
            else:
                old += ts
            idx = so.get(p)
            if idx is not None:
                for s, _p, o in ts:
                    idx.setdefault(s, set()).add(o)
            if p != T:
                idx = os.get(p)
                if idx is not None:
                    for s, _p, o in ts:
                        idx.setdefault(o, set()).add(s)
        instances = os[T]
        for c, ts in by_c.items():
            xs = instances.get(c)
            if xs is None:
                instances[c] = {t[0] for t in ts}
            else:
                xs.update([t[0] for t in ts])
        same = by_p.get(self.SAME)
        if same is None and self.by_s is None:
            return
        if self.by_s is None:
            self.by_s, self.by_o = {}, {}
        # by_s and by_o hold the triples about the terms of sameAs triples only (the rules
        # that read them start from one): the new triples about the terms known so, then
        # every known triple about the terms new to sameAs triples (this delta included)
        equal = self.equal
        if equal:
            self.index_about(by_p, equal)
        fresh = {x for a, _q, b in same for x in (a, b)} - equal if same else _NONE
        if fresh:
            equal |= fresh
            self.index_about(by_pred, fresh)

    def index_about(self, groups: dict, terms: set) -> None:
        """Index by subject and by object the triples of ``groups`` about ``terms``."""
        by_s, by_o = self.by_s, self.by_o
        for ts in groups.values():
            for a, q, b in ts:
                if a in terms:
                    by_s.setdefault(a, set()).add((q, b))
                if b in terms:
                    by_o.setdefault(b, set()).add((a, q))

    def emit(self, t: tuple, rule: str, premises: tuple) -> None:
        if t not in self.asserted and t not in self.proofs and t not in self.new:
            if t[1] == self.SAME and t[0] == t[2]:
                return  # eq-ref: true of every term, proves nothing
            self.new[t] = (rule, *premises)

    def rdf_list(self, head: int) -> tuple[list, list] | None:
        """(members, the list's triples) of a complete list known now, or None."""
        members, cells, seen = [], [], set()
        while head != self.NIL:
            if head in seen:
                return None
            seen.add(head)
            firsts, rests = self.objs(head, self.FIRST), self.objs(head, self.REST)
            if not firsts or not rests:
                return None
            f, r = min(firsts), min(rests)
            members.append(f)
            cells += [(head, self.FIRST, f), (head, self.REST, r)]
            head = r
        return members, cells

    # ----------------------------------------------------------------- rounds
    def run(self, asserted: set, by_p: dict, by_c: dict) -> dict:
        """The rounds, from the asserted triples (``by_p``, ``by_c``: them grouped as
        :meth:`commit` groups, made from the engine's input, which is grouped already)."""
        self.asserted = asserted
        self.axioms()
        axioms_p, axioms_c = self.group(list(self.new))
        for groups, more in ((by_p, axioms_p), (by_c, axioms_c)):
            for key, ts in more.items():
                groups.setdefault(key, []).extend(ts)
        self.proofs.update(self.new)
        self.new = {}
        self.add_groups(by_p, by_c)
        trigger = (self.TRANS, self.SYMP, self.FUNC, self.IFP)
        while by_p:
            self.rounds += 1
            full = not self.schema_preds.isdisjoint(by_p) or any(c in by_c for c in trigger)
            self.delta_p, self.delta_c, self.keyed_made = by_p, by_c, {}
            self.step(by_p, by_c)
            restriction_rules(self, set(by_p), set(by_c), full)
            by_p, by_c = self.commit(list(self.new))
        return self.proofs

    def commit(self, delta: list) -> tuple[dict, dict]:
        """Know ``delta`` (the asserted triples, then each round's conclusions) and return
        it grouped by predicate and, rdf:type triples, by class: the next round's delta."""
        self.proofs.update(self.new)
        self.new = {}
        by_p, by_c = self.group(delta)
        self.add_groups(by_p, by_c)
        return by_p, by_c

    def group(self, delta: list) -> tuple[dict, dict]:
        """``delta`` by predicate and, its rdf:type triples, by class."""
        by_p: dict = {}
        for t in delta:
            ts = by_p.get(t[1])
            if ts is None:
                by_p[t[1]] = [t]
            else:
                ts.append(t)
        by_c: dict = {}
        for t in by_p.get(self.TYPE, ()):
            ts = by_c.get(t[2])
            if ts is None:
                by_c[t[2]] = [t]
            else:
                ts.append(t)
        return by_p, by_c

    def axioms(self) -> None:
        """cls-thing, cls-nothing1, prp-ap and dt-type2, the rules without premises."""
        T = self.TYPE
        self.emit((self.THING, T, self.CLASS), "cls-thing", ())
        self.emit((self.NOTHING, T, self.CLASS), "cls-nothing1", ())
        intern = self.ids.intern
        annotation = intern(OWL.AnnotationProperty)
        for ap in sorted(V.ANNOTATION_PROPERTIES):
            self.emit((intern(ap), T, annotation), "prp-ap", ())
        for n, term in enumerate(list(self.terms)):
            if type(term) in _NOT_LITERAL:  # most terms: isinstance goes through ABCMeta
                continue
            if isinstance(term, Literal) and term.datatype in V.OWL_RL_DATATYPES:
                for dt in (term.datatype, *sorted(V.DATATYPE_SUBSUMPTIONS.get(term.datatype, ()))):
                    self.emit((n, T, intern(dt)), "dt-type2", ())

    # ----------------------------------------------------------------- one premise new
    def step(self, by_p: dict, by_c: dict) -> None:
        """The rules of one or two premises (and prp-trp), with each new triple in each
        place: the new triples come grouped by predicate (``by_p``) and, rdf:type ones, by
        class (``by_c``), so that a rule's schema premise is looked up once per group."""
        T, objs, subjs = self.TYPE, self.objs, self.subjs
        declared = (self.CLASS, self.OBJP, self.DATAP, self.RDFP, self.TRANS, self.SYMP, self.FUNC, self.IFP)
        for c, ts in by_c.items():
            # (c sco c), (c eqc c), (p spo p)...: the conclusion would be the premise itself
            for c2 in objs(c, self.SCO) - {c}:
                self.emit_each(ts, 0, T, c2, "cax-sco", (c, self.SCO, c2), True)
            for c2 in objs(c, self.EQC) - {c}:
                self.emit_each(ts, 0, T, c2, "cax-eqc1", (c, self.EQC, c2), True)
            for c1 in subjs(self.EQC, c) - {c}:
                self.emit_each(ts, 0, T, c1, "cax-eqc2", (c1, self.EQC, c), True)
            if c in declared:
                for t in ts:
                    self.declarations(t)
        schema_rules = (self.SCO, self.EQC, self.SPO, self.EQP, self.DOM, self.RNG, self.INV)
        for p, ts in by_p.items():
            if p == self.SAME:
                for t in ts:
                    self.equality(t)
            elif self.by_s is not None:
                self.replace_equals(p, ts)
            # rules on a data triple (any predicate, rdf:type included)
            for c in objs(p, self.DOM):
                self.emit_each(ts, 0, T, c, "prp-dom", (p, self.DOM, c), True)
            for c in objs(p, self.RNG):
                self.emit_each(ts, 2, T, c, "prp-rng", (p, self.RNG, c), True)
            for q in objs(p, self.SPO) - {p}:
                self.emit_each(ts, 0, q, None, "prp-spo1", (p, self.SPO, q), True)
            for q in objs(p, self.EQP) - {p}:
                self.emit_each(ts, 0, q, None, "prp-eqp1", (p, self.EQP, q), True)
            for q in subjs(self.EQP, p) - {p}:
                self.emit_each(ts, 0, q, None, "prp-eqp2", (q, self.EQP, p), True)
            for q in objs(p, self.INV):
                self.emit_each(ts, 2, q, None, "prp-inv1", (p, self.INV, q), True)
            for q in subjs(self.INV, p):
                self.emit_each(ts, 2, q, None, "prp-inv2", (q, self.INV, p), True)
            if self.has(p, T, self.SYMP):
                self.emit_each(ts, 2, p, None, "prp-symp", (p, T, self.SYMP), True)
            if self.has(p, T, self.TRANS):
                transitive(self, p, ts)
            if self.has(p, T, self.FUNC) or self.has(p, T, self.IFP):
                for t in ts:
                    characteristics(self, t)
            if p in schema_rules:
                for t in ts:
                    self.schema(t)

    def emit_each(self, ts, side: int, q: int, c, rule: str, axiom: tuple, axiom_first: bool) -> None:
        """For each ``t`` of ``ts``, conclude ``(t[side], q, c)`` (a class ``c``) or, with
        ``c`` None, ``(t[side], q, t[2 - side])``, from ``axiom`` and ``t`` (in that order if
        ``axiom_first``)."""
        new = self.new
        if c is not None and axiom_first:
            # rdf:type conclusions: the known instances of c are a set (os[rdf:type][c]), so
            # the terms not yet of c are one set difference; one premise per term suffices
            keyed = self.keyed(ts, side)
            known = self.os[self.TYPE].get(c)
            T = self.TYPE
            for x in keyed.keys() - known if known else keyed:
                u = (x, T, c)
                if u not in new:
                    new[u] = (rule, axiom, keyed[x])
            return
        asserted, proofs = self.asserted, self.proofs
        for t in ts:
            x = t[side]
            u = (x, q, c if c is not None else t[2 - side])
            if u not in asserted and u not in proofs and u not in new:
                if q == self.SAME and u[0] == u[2]:
                    continue  # eq-ref
                new[u] = (rule, axiom, t) if axiom_first else (rule, t, axiom)

    def keyed(self, ts, side: int) -> dict:
        """``t[side] -> t`` over ``ts`` (one ``t`` a term), made once a round."""
        made = self.keyed_made.get((id(ts), side))
        if made is None:
            # ts kept: ids stay unique; dict(zip()) keeps the last t of a term, as {t[side]: t for t in ts}
            made = self.keyed_made[id(ts), side] = (ts, dict(zip(map(itemgetter(side), ts), ts)))
        return made[1]

    def equality(self, t: tuple) -> None:
        """eq-sym, eq-trans and eq-rep-s/p/o, with ``t`` in each place."""
        s, p, o = t
        emit, objs, subjs = self.emit, self.objs, self.subjs
        if p == self.SAME:
            emit((o, p, s), "eq-sym", (t,))
            for z in objs(o, p):
                emit((s, p, z), "eq-trans", (t, (o, p, z)))
            for x in subjs(p, s):
                emit((x, p, o), "eq-trans", ((x, p, s), t))
            for q, v in self.by_s.get(s, ()):
                emit((o, q, v), "eq-rep-s", (t, (s, q, v)))
            for q_s, q_o in self.so_of(s).items():
                for v in q_o:
                    emit((q_s, o, v), "eq-rep-p", (t, (q_s, s, v)))
            for u, q in self.by_o.get(s, ()):
                emit((u, q, o), "eq-rep-o", (t, (u, q, s)))
        for s2 in objs(s, self.SAME):
            emit((s2, p, o), "eq-rep-s", ((s, self.SAME, s2), t))
        for p2 in objs(p, self.SAME):
            emit((s, p2, o), "eq-rep-p", ((p, self.SAME, p2), t))
        for o2 in objs(o, self.SAME):
            emit((s, p, o2), "eq-rep-o", ((o, self.SAME, o2), t))

    def replace_equals(self, p: int, ts) -> None:
        """eq-rep-s/p/o with each of ``ts`` (triples of ``p``, not owl:sameAs) as the triple
        whose term is replaced: :meth:`equality`'s last three rules, the sameAs index looked
        up once for the group instead of three calls a triple."""
        emit, SAME = self.emit, self.SAME
        same = self.so_of(SAME)
        p_equals = same.get(p)
        for t in ts:
            s, _p, o = t
            s_equals = same.get(s)
            if s_equals:
                for s2 in s_equals:
                    emit((s2, p, o), "eq-rep-s", ((s, SAME, s2), t))
            if p_equals:
                for p2 in p_equals:
                    emit((s, p2, o), "eq-rep-p", ((p, SAME, p2), t))
            o_equals = same.get(o)
            if o_equals:
                for o2 in o_equals:
                    emit((s, p, o2), "eq-rep-o", ((o, SAME, o2), t))

    def declarations(self, t: tuple) -> None:
        """scm-cls, scm-op, scm-dp (and owlrl's rdf:Property); prp-trp/symp/fp/ifp on a new
        characteristic run over every pair of the property."""
        x, T, c = t
        emit = self.emit
        if c == self.CLASS:
            emit((x, self.SCO, x), "scm-cls", (t,))
            emit((x, self.EQC, x), "scm-cls", (t,))
            emit((x, self.SCO, self.THING), "scm-cls", (t,))
            emit((self.NOTHING, self.SCO, x), "scm-cls", (t,))
        elif c in (self.OBJP, self.DATAP, self.RDFP):
            rule = {self.OBJP: "scm-op", self.DATAP: "scm-dp", self.RDFP: "owlrl-prop"}[c]
            emit((x, self.SPO, x), rule, (t,))
            emit((x, self.EQP, x), rule, (t,))
        elif c == self.TRANS:
            transitive(self, x, [(a, x, b) for a, bs in self.so_of(x).items() for b in bs])
        elif c in (self.SYMP, self.FUNC, self.IFP):
            p = x
            for a, bs in list(self.so_of(p).items()):
                for b in bs:
                    if c == self.SYMP:
                        emit((b, p, a), "prp-symp", (t, (a, p, b)))
                    elif c == self.FUNC:
                        for y in self.objs(a, p):
                            emit((b, self.SAME, y), "prp-fp", (t, (a, p, b), (a, p, y)))
                    else:
                        for x2 in self.subjs(p, b):
                            emit((a, self.SAME, x2), "prp-ifp", (t, (a, p, b), (x2, p, b)))

    def schema(self, t: tuple) -> None:
        """The two-premise rules with a schema triple ``t`` as the first premise, over the
        data known, and the scm-* rules of two premises."""
        s, p, o = t
        emit, objs, subjs = self.emit, self.objs, self.subjs
        T = self.TYPE
        loop = s != o  # (c sco c), (p spo p)...: the data rules would conclude their premise
        if p == self.SCO:
            for x in self.old_instances(s, o) if loop else ():
                emit((x, T, o), "cax-sco", (t, (x, T, s)))
            for c3 in objs(o, self.SCO):
                emit((s, self.SCO, c3), "scm-sco", (t, (o, self.SCO, c3)))
            for c0 in subjs(self.SCO, s):
                emit((c0, self.SCO, o), "scm-sco", ((c0, self.SCO, s), t))
            if self.has(o, self.SCO, s):
                emit((s, self.EQC, o), "scm-eqc2", (t, (o, self.SCO, s)))
                emit((o, self.EQC, s), "scm-eqc2", ((o, self.SCO, s), t))
            for pr in subjs(self.DOM, s):
                emit((pr, self.DOM, o), "scm-dom1", ((pr, self.DOM, s), t))
            for pr in subjs(self.RNG, s):
                emit((pr, self.RNG, o), "scm-rng1", ((pr, self.RNG, s), t))
        elif p == self.EQC:
            for x in self.old_instances(s, o) if loop else ():
                emit((x, T, o), "cax-eqc1", (t, (x, T, s)))
            for x in self.old_instances(o, s) if loop else ():
                emit((x, T, s), "cax-eqc2", (t, (x, T, o)))
            emit((s, self.SCO, o), "scm-eqc1", (t,))
            emit((o, self.SCO, s), "scm-eqc1", (t,))
        elif p == self.SPO:
            if loop:
                self.emit_each(self.old_triples(s), 0, o, None, "prp-spo1", t, True)
            for p3 in objs(o, self.SPO):
                emit((s, self.SPO, p3), "scm-spo", (t, (o, self.SPO, p3)))
            for p0 in subjs(self.SPO, s):
                emit((p0, self.SPO, o), "scm-spo", ((p0, self.SPO, s), t))
            if self.has(o, self.SPO, s):
                emit((s, self.EQP, o), "scm-eqp2", (t, (o, self.SPO, s)))
                emit((o, self.EQP, s), "scm-eqp2", ((o, self.SPO, s), t))
            for c in objs(o, self.DOM):
                emit((s, self.DOM, c), "scm-dom2", ((o, self.DOM, c), t))
            for c in objs(o, self.RNG):
                emit((s, self.RNG, c), "scm-rng2", ((o, self.RNG, c), t))
        elif p == self.EQP:
            if loop:
                self.emit_each(self.old_triples(s), 0, o, None, "prp-eqp1", t, True)
                self.emit_each(self.old_triples(o), 0, s, None, "prp-eqp2", t, True)
            emit((s, self.SPO, o), "scm-eqp1", (t,))
            emit((o, self.SPO, s), "scm-eqp1", (t,))
        elif p in (self.DOM, self.RNG):
            rule, side = ("prp-dom", 0) if p == self.DOM else ("prp-rng", 2)
            self.emit_each(self.old_triples(s), side, T, o, rule, t, True)
            n = "scm-dom" if p == self.DOM else "scm-rng"
            for c2 in objs(o, self.SCO):
                emit((s, p, c2), n + "1", (t, (o, self.SCO, c2)))
            for p1 in subjs(self.SPO, s):
                emit((p1, p, o), n + "2", (t, (p1, self.SPO, s)))
        elif p == self.INV:
            self.emit_each(self.old_triples(s), 2, o, None, "prp-inv1", t, True)
            self.emit_each(self.old_triples(o), 2, s, None, "prp-inv2", t, True)

    def old_instances(self, c: int, not_of: int):
        """The instances of ``c`` not known to be of ``not_of``, for a rule whose other
        premise is a new schema triple: none if every one is new this round (:meth:`step`
        joins those with the schema). Those known to be of ``not_of`` are left out here, in
        C, rather than by :meth:`emit` (at 100k synthetic triples, 38,624 of 38,630 cax-sco
        instances from a new subClassOf concluded what was known)."""
        xs = self.subjs(self.TYPE, c)
        if len(self.delta_c.get(c, ())) == len(xs):
            return ()
        known = self.os[self.TYPE].get(not_of)
        return [x for x in xs if x not in known] if known else xs  # in the order of xs

    def old_triples(self, p: int):
        """The known triples of ``p``, for a rule whose other premise is a new schema
        triple; none if every one is new this round (:meth:`step` joins those)."""
        ts = self.by_pred.get(p, ())
        return () if len(self.delta_p.get(p, ())) == len(ts) else ts


def prove(eng: Engine) -> tuple[dict, int, set, CanonicalIds]:
    """``triple -> (rule, *premises)`` (one flat tuple: a tuple fewer a derivation) for every
    triple the rules conclude from the engine's asserted triples, the number of rounds it
    took, the asserted triples, and the numbering of the terms all of them are in (ids of
    :class:`.canonical.CanonicalIds`, not the engine's)."""
    # which derivation is recorded first follows the order the triples are met in, and the
    # order of sets and dicts follows the order things were put in and the ids: numbered in
    # one order of the terms (.canonical) and sorted by those ids, the input is met in the
    # same order in every process, and so are the proofs the same
    ids = CanonicalIds(eng.ids, eng.terms, eng.own_terms)
    new, T, SAME = ids.new, eng.TYPE, eng.SAME
    # the engine's input is grouped by class and predicate already: the first round's delta
    # is made from it (one tuple a triple, shared by the groups and the asserted set). The
    # engine's copy is let go as it is read: its tuples would only be more for the cyclic
    # garbage collector to walk once it runs again (at 1M triples, a million pairs)
    input_T, input_P, input_same = eng.input_T, eng.input_P, eng.input_same
    eng.input_T, eng.input_P, eng.input_same = {}, {}, set()
    by_c = {}
    for c, xs in sorted([(new[c], xs) for c, xs in input_T.items() if xs]):
        by_c[c] = [(s, T, c) for s in sorted([new[x] for x in xs])]
    del input_T
    # a pair sorted as one int, and its triple made in that order: the tuples lie in memory
    # in the order the rounds read them (made in the sets' order, then sorted, they cost
    # the rounds cache misses: at 1M triples, seconds)
    by_p, bits = {}, len(new).bit_length()
    mask = (1 << bits) - 1
    for p, pairs in sorted([(new[p], pairs) for p, pairs in input_P.items() if pairs]):
        keys = [new[s] << bits | new[o] for s, o in pairs]
        keys.sort()
        by_p[p] = [(k >> bits, p, k & mask) for k in keys]
    del input_P
    if input_same:
        by_p.setdefault(SAME, []).extend(sorted([(new[a], SAME, new[b]) for a, b in input_same]))
    del input_same
    if by_c:
        by_p.setdefault(T, []).extend(t for ts in by_c.values() for t in ts)
    asserted: set = set()
    for ts in by_p.values():
        asserted.update(ts)
    prover = _Prover(eng, ids)
    proofs = prover.run(asserted, by_p, by_c)
    return proofs, prover.rounds, asserted, ids
