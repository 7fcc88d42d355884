"""The store of one closure computation: interned terms, the triples by predicate and by
class, the indexes the joins need, and the delta each round hands on.

How it works
------------
* Every term is interned to an int. Triples live in two stores: ``P[p]`` (a set of
  ``(s, o)`` pairs per predicate) and ``T[c]`` (the set of instances of class ``c``:
  the ``rdf:type`` triples). ``owl:sameAs`` lives in neither: it is a union-find
  (:class:`.equality.UnionFind`), and the stores hold canonical representatives only.
* The TBox is closed first with the scm-* rules, then *compiled* into rule tables keyed
  by predicate and by class (:mod:`.schema`).
* The data rules then run to a fixpoint semi-naively (:mod:`.rounds`), using set
  operations and indexes (``SO[p]``: s -> {o}, ``OS[p]``: o -> {s}) built only for the
  predicates a join needs; :meth:`Engine.commit` adds a round's conclusions and keeps the
  new ones as the next delta. prp-trp, like scm-sco and scm-spo in the TBox, makes the
  whole closure of its relation at once (:mod:`.transitive`).
* Every triple added is counted (:mod:`.budget`); with a bound
  (:class:`~sco_kg.pipeline.reasoning_limits.ReasoningLimits`), the count stops the
  closure as soon as it passes it.
* Equality (:mod:`.equality`): rules that conclude ``owl:sameAs`` union two classes; the
  store is then rewritten to the representatives and the rewritten triples are the next
  delta. Individuals are merged only when one of those rules fires.
* When a round derives a schema triple (a new subClassOf, a new TransitiveProperty...)
  or merges a schema term, the TBox is closed and compiled again and every triple is
  run through the new rules once.
* Inconsistencies are checked on the final closure and reported with owlrl's own wording
  (:mod:`.consistency`).
* The closure is expanded back to every member of each sameAs class, as owlrl
  materialises it (:func:`.equality.inferred`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from rdflib import Literal

from ...rdf.namespaces import PREFIXES
from ..reasoning_limits import ReasoningLimits
from . import consistency, equality, rounds
from . import vocab as V
from .budget import Budget
from .equality import UnionFind
from .schema import Rules
from .vocab import OWL, RDF, RDFS

Triple = tuple  # (s, p, o) of rdflib terms


class Engine:
    """One closure computation. Use :func:`sco_kg.pipeline.fastrl.closure` rather than this class."""

    def __init__(self, limits: ReasoningLimits | None = None) -> None:
        self.limits = limits
        self.budget = Budget()  # counts; bounded once the input is read (snapshot_input)
        # what the rules whose tables are closed made last round, not to be made again
        self.trp_added: dict = {}  # transitive property -> the pairs prp-trp added (its closure)
        self.spo_made: dict = {}  # property -> the delta sets prp-spo1 carried to it
        self.sco_made: dict = {}  # class -> the delta sets cax-sco carried to it
        self.ids: dict = {}
        self.terms: list = []
        self.P: dict[int, set] = defaultdict(set)
        self.T: dict[int, set] = defaultdict(set)
        self.SO: dict[int, dict] = {}
        self.OS: dict[int, dict] = {}
        self.uf = UnionFind()
        self.pending_same: list[tuple[int, int]] = []
        self.input_same: set = set()
        self.moved: set = set()  # the terms the last apply_equalities merged away
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
        # sorted: the same ids in every process (the prover keeps them, :mod:`.canonical`)
        self.schema_pred_ids = frozenset(i(t) for t in sorted(V.SCHEMA_PREDICATES))
        self.schema_type_ids = frozenset(i(t) for t in sorted(V.SCHEMA_TYPES))
        self.own_terms = len(self.terms)  # ids given here, before any input

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
        self.budget = Budget(self.limits, self.asserted(), self.explain)

    def asserted(self) -> int:
        """How many distinct triples were read (the sameAs ones included)."""
        return sum(map(len, self.input_P.values())) + sum(map(len, self.input_T.values())) + len(self.input_same)

    def add_one_time(self) -> None:
        """cls-thing, cls-nothing1, prp-ap, dt-type1, dt-type2 and the datatype disjointness."""
        i, T, P = self.intern, self.T, self.P
        before = self.sizes()
        T[i(OWL.Class)].update((self.THING, self.NOTHING))
        ap = i(OWL.AnnotationProperty)
        T[ap].update(i(a) for a in sorted(V.ANNOTATION_PROPERTIES))
        dtype = i(RDFS.Datatype)
        used = set()
        for n, term in enumerate(self.terms):
            if isinstance(term, Literal) and term.datatype in V.OWL_RL_DATATYPES:
                dt = term.datatype
                used.add(dt)
                T[i(dt)].add(n)
                for sup in sorted(V.DATATYPE_SUBSUMPTIONS.get(dt, ())):
                    T[i(sup)].add(n)
                    T[dtype].add(i(sup))
                    used.add(sup)
        for cls in list(T):
            term = self.terms[cls]
            if term in V.OWL_RL_DATATYPES:
                used.add(term)
        T[dtype].update(i(dt) for dt in sorted(V.OWL_RL_DATATYPES))
        disj = i(OWL.disjointWith)
        for left, _p, right in sorted(V.DATATYPE_DISJOINTNESS):
            if left in used and right in used:
                P[disj].add((i(left), i(right)))
        self.count_growth(before)

    # ------------------------------------------------------------------ lists
    def rdf_list(self, head: int) -> list[int]:
        """The members of the RDF list at ``head`` (the first value of each rdf:first)."""
        first = self.SO.get(self.FIRST) or self.index_so(self.FIRST)
        rest = self.SO.get(self.REST) or self.index_so(self.REST)
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

    # ------------------------------------------------------------------ indexes
    def index_so(self, p: int) -> dict:
        """(Re)build ``SO[p]``: subject -> objects of ``p``."""
        idx: dict = defaultdict(set)
        for s, o in self.P.get(p, ()):
            idx[s].add(o)
        self.SO[p] = idx
        return idx

    def index_os(self, p: int) -> dict:
        """(Re)build ``OS[p]``: object -> subjects of ``p``."""
        idx: dict = defaultdict(set)
        for s, o in self.P.get(p, ()):
            idx[o].add(s)
        self.OS[p] = idx
        return idx

    # ------------------------------------------------------------------ adding
    def commit(self, nP: dict, nT: dict) -> tuple[dict, dict]:
        """Add the round's conclusions; return those that were new (the next delta)."""
        P, T, SO, OS = self.P, self.T, self.SO, self.OS
        budget, TYPE = self.budget, self.TYPE
        budget.settle()
        dP, dT = {}, {}
        for p, pairs in nP.items():
            old = P[p]
            new = pairs - old if old else pairs
            if not new:
                continue
            old |= new
            dP[p] = new
            budget.grew(p, len(new))
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
            budget.grew((TYPE, c), len(new))
            if c in self.schema_type_ids:
                self.schema_dirty = True
        return dP, dT

    # ------------------------------------------------------------------ the bound
    def sizes(self) -> tuple[dict, dict]:
        """How many pairs each predicate and instances each class has (to count growth)."""
        return {p: len(s) for p, s in self.P.items()}, {c: len(s) for c, s in self.T.items()}

    def count_growth(self, before: tuple[dict, dict]) -> None:
        """Count what was added to the store since :meth:`sizes` gave ``before``, other than
        by :meth:`commit` (the TBox closure, the one-time triples)."""
        budget = self.budget
        budget.settle()
        sizes_P, sizes_T = before
        for p, s in list(self.P.items()):
            grown = len(s) - sizes_P.get(p, 0)
            if grown > 0:
                budget.grew(p, grown)
        for c, s in list(self.T.items()):
            grown = len(s) - sizes_T.get(c, 0)
            if grown > 0:
                budget.grew((self.TYPE, c), grown)

    def explain(self, key) -> tuple[str, str]:
        """A budget key (a property, or ``(rdf:type, class)``) as words: its name, and what
        the ontology says of it that makes it grow (or "")."""
        R = self.rules
        if isinstance(key, tuple):
            return f"rdf:type {self.short(key[1])}", ""
        if key in R.transitive:
            rule = "owl:TransitiveProperty"
        elif key in R.symmetric:
            rule = "owl:SymmetricProperty"
        elif any(head == key for head, _chain in R.chains):
            rule = "owl:propertyChainAxiom"
        elif key in self.schema_pred_ids:
            rule = "the ontology's closure"
        elif key in R.inverses:
            rule = "owl:inverseOf"
        elif any(key in sups for sups in R.sup_props.values()):
            rule = "rdfs:subPropertyOf"
        else:
            rule = ""
        return self.short(key), rule

    def short(self, n: int) -> str:
        """A term's name, with a prefix of the project's where one fits."""
        term = self.terms[n]
        text = str(term)
        fits = [(len(ns), prefix) for prefix, ns in PREFIXES.items() if text.startswith(ns) and len(text) > len(ns)]
        if fits:
            size, prefix = max(fits)
            return f"{prefix}:{text[size:]}"
        return term.n3()

    # ------------------------------------------------------------------ the steps
    def run(self) -> None:
        """Close the graph (:func:`.rounds.run`)."""
        rounds.run(self)

    def errors(self) -> list[str]:
        """The inconsistencies of the closure, in owlrl's words (:func:`.consistency.errors`)."""
        return consistency.errors(self)

    def inconsistencies(self) -> list[consistency.Inconsistency]:
        """The inconsistencies of the closure, each with its rule, axiom and clashing triples."""
        return consistency.inconsistencies(self)

    def inferred(self, keep_noise: bool = False) -> Iterator[Triple]:
        """The inferred triples in rdflib terms (:func:`.equality.inferred`)."""
        return equality.inferred(self, keep_noise)
