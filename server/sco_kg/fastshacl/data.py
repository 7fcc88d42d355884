"""The data graph a fast validation reads: triples indexed by predicate, the RDFS closure
pySHACL would compute, and (only when a shape needs SPARQL) a pyoxigraph store.

Why not rdflib: pySHACL walks an rdflib Graph node by node; here every triple is read
once into plain dicts keyed by rdflib terms (so value checks see the same ``Literal``
objects, with the same ``.value`` and ``.ill_typed``, as pySHACL), and the SPARQL parts
(SPARQL targets, SHACL-SPARQL constraints) run in Oxigraph, once for all focus nodes.

The RDFS closure is owlrl's ``RDFS_Semantics`` as pySHACL runs it (``inference="rdfs"``:
no axiomatic triples, no datatype axioms, no literal "same as" one-time rule), computed by
strata instead of owlrl's naive rounds: property and class hierarchies (transitive, and
reflexive for what is typed rdf:Property / rdfs:Class), sub-property expansion, rdfs:domain
and rdfs:range types, type expansion over rdfs:subClassOf, ``p a rdf:Property`` for every
predicate, and ``x a rdfs:Resource`` for the subject and object of every *input* triple
(owlrl applies that rule in its first round only). Rounds repeat while they derive a new
triple about the schema itself.

Literal subjects: RDFS types literals too (``"x" a rdfs:Resource``, a range applied to a
literal). They are kept here (targets see them, as pySHACL's do) but cannot enter the
Oxigraph store, whose subjects are IRIs or blank nodes: SHACL-SPARQL queries do not see them.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from operator import itemgetter
from typing import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

TYPE, SUBCLASS, SUBPROP, DOMAIN, RANGE = RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range
META_PREDICATES = frozenset({SUBCLASS, SUBPROP, DOMAIN, RANGE})
INTEGER_TYPES = frozenset(
    XSD[n]
    for n in (
        "integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger long int short byte "
        "unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
)
META_TYPES = frozenset({RDF.Property, RDFS.Class, RDFS.Datatype, RDFS.ContainerMembershipProperty})


@contextmanager
def gc_paused():
    """Run a block with Python's cyclic garbage collector off (as it was, after).

    Why: indexing a million triples makes millions of tuples and sets that live until
    the validation ends; each full collection walks all of them again, so the collector
    took 6 of the 9 s of the RDFS closure at 1M triples. What is built here holds no
    reference cycles worth collecting (reference counting frees it), so nothing waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _transitive(edges: dict) -> dict:
    """node -> every node reachable by one or more edges."""
    out = {}
    for start in edges:
        seen, stack = set(), list(edges[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        out[start] = seen
    return out


def rdfs_closure(triples: Iterable[tuple]) -> dict:
    """owlrl's RDFS closure (as pySHACL runs it) of ``triples``: predicate -> set of (s, o).

    Types are kept as class -> set of instances while closing (set unions in C instead of
    a Python loop per triple); a round repeats only while the schema itself grows."""
    by_p: dict = defaultdict(set)
    for s, p, o in triples:
        by_p[p].add((s, o))
    instances: dict = defaultdict(set)  # class -> instances (rdf:type, as it grows)
    for x, c in by_p.pop(TYPE, ()):
        instances[c].add(x)
    nodes = _input_nodes(by_p, instances)
    instances[RDFS.Resource] |= nodes  # rdf1-style, first round only
    while True:
        before = _schema_size(by_p, instances)
        instances[RDF.Property].update(p for p, pairs in by_p.items() if pairs)
        instances[RDF.Property].add(TYPE)
        meta = _meta_instances(instances, by_p[SUBCLASS])
        by_p[SUBPROP].update((prop, RDFS.member) for prop in meta[RDFS.ContainerMembershipProperty])
        by_p[SUBPROP].update((prop, prop) for prop in meta[RDF.Property])
        for cls in meta[RDFS.Class]:
            by_p[SUBCLASS].add((cls, RDFS.Resource))
            by_p[SUBCLASS].add((cls, cls))
        by_p[SUBCLASS].update((dt, RDFS.Literal) for dt in meta[RDFS.Datatype])
        for rel in (SUBPROP, SUBCLASS):
            edges = defaultdict(set)
            for a, b in by_p[rel]:
                edges[a].add(b)
            for a, reach in _transitive(edges).items():
                by_p[rel].update((a, b) for b in reach)
        supers = defaultdict(set)
        for a, b in by_p[SUBPROP]:
            if a != b:
                supers[a].add(b)
        for p, ups in supers.items():
            if p == TYPE:
                pairs = {(x, c) for c, xs in instances.items() for x in xs}
                for q in ups:
                    if q != TYPE:
                        by_p[q].update(pairs)
                continue
            pairs = by_p.get(p)
            if pairs:
                for q in ups:
                    if q == TYPE:
                        for x, c in pairs:
                            instances[c].add(x)
                    else:
                        by_p[q].update(pairs)
        for p, c in by_p[DOMAIN]:
            if p == TYPE:
                instances[c].update(x for xs in instances.values() for x in xs)
            elif by_p.get(p):
                instances[c].update(map(itemgetter(0), by_p[p]))
        for p, c in by_p[RANGE]:
            if p == TYPE:
                instances[c].update(list(instances))
            elif by_p.get(p):
                instances[c].update(map(itemgetter(1), by_p[p]))
        class_supers = defaultdict(set)
        for a, b in by_p[SUBCLASS]:
            if a != b:
                class_supers[a].add(b)
        for c, ups in list(class_supers.items()):
            members = instances.get(c)
            if members:
                for d in ups:
                    instances[d] |= members
        instances[RDF.Property].update(p for p, pairs in by_p.items() if pairs)
        if _schema_size(by_p, instances) == before:
            out = {p: pairs for p, pairs in by_p.items() if pairs}
            out[TYPE] = {(x, c) for c, xs in instances.items() for x in xs}
            return out


def _input_nodes(by_p: dict, instances: dict) -> set:
    """Subjects and objects of the input triples."""
    nodes = set()
    for pairs in by_p.values():
        nodes.update(map(itemgetter(0), pairs))
        nodes.update(map(itemgetter(1), pairs))
    for c, xs in instances.items():
        nodes.add(c)
        nodes.update(xs)
    return nodes


def _schema_size(by_p: dict, instances: dict) -> tuple:
    meta = tuple(len(instances.get(c, ())) for c in sorted(META_TYPES))
    return (len(by_p), sum(map(len, instances.values()))) + meta + tuple(
        len(by_p.get(p, ())) for p in sorted(META_PREDICATES)
    )


def _meta_instances(instances: dict, subclass_pairs) -> dict:
    """meta class -> its instances over rdfs:subClassOf* (rdf:Property, rdfs:Class, ...)."""
    subs = defaultdict(set)
    for a, b in subclass_pairs:
        subs[b].add(a)
    out = {}
    for meta in META_TYPES:
        classes, stack = {meta}, [meta]
        while stack:
            for sub in subs.get(stack.pop(), ()):
                if sub not in classes:
                    classes.add(sub)
                    stack.append(sub)
        found = set()
        for c in classes:
            found |= instances.get(c, set())
        out[meta] = found
    return out


class DataGraph:
    """Triples by predicate, with forward/inverse indexes built on demand."""

    def __init__(self, by_p: dict) -> None:
        self.by_p = by_p
        self._fwd: dict = {}
        self._inv: dict = {}
        self._class_members: dict = {}
        self._subclasses: dict | None = None
        self._store = None
        self._types_closed: bool | None = None

    @classmethod
    def from_triples(cls, triples: Iterable[tuple], inference: str) -> "DataGraph":
        if inference == "rdfs":
            with gc_paused():
                return cls(rdfs_closure(triples))
        if inference != "none":
            from ..errors import ConfigError

            raise ConfigError(f"fastshacl: inference {inference!r} is not implemented (only 'rdfs' and 'none')")
        by_p: dict = defaultdict(set)
        with gc_paused():
            for s, p, o in triples:
                by_p[p].add((s, o))
        return cls(dict(by_p))

    def __len__(self) -> int:
        return sum(len(pairs) for pairs in self.by_p.values())

    def triples(self):
        for p, pairs in self.by_p.items():
            for s, o in pairs:
                yield s, p, o

    def fwd(self, p) -> dict:
        index = self._fwd.get(p)
        if index is None:
            index = defaultdict(list)
            for s, o in self.by_p.get(p, ()):
                index[s].append(o)
            self._fwd[p] = index = dict(index)
        return index

    def inv(self, p) -> dict:
        index = self._inv.get(p)
        if index is None:
            index = defaultdict(list)
            for s, o in self.by_p.get(p, ()):
                index[o].append(s)
            self._inv[p] = index = dict(index)
        return index

    def objects(self, s, p) -> list:
        return self.fwd(p).get(s, [])

    def subjects_of(self, p) -> set:
        return {s for s, _ in self.by_p.get(p, ())}

    def objects_of(self, p) -> set:
        return {o for _, o in self.by_p.get(p, ())}

    def class_members(self, cls) -> set:
        """SHACL instances of ``cls``: ``?x rdf:type/rdfs:subClassOf* cls`` (literal subjects too)."""
        members = self._class_members.get(cls)
        if members is None:
            if self._subclasses is None:
                self._subclasses = defaultdict(set)
                for a, b in self.by_p.get(SUBCLASS, ()):
                    self._subclasses[b].add(a)
            classes, stack = {cls}, [cls]
            while stack:
                for sub in self._subclasses.get(stack.pop(), ()):
                    if sub not in classes:
                        classes.add(sub)
                        stack.append(sub)
            by_class = self.inv(TYPE)
            members = set()
            for c in classes:
                members.update(by_class.get(c, ()))
            self._class_members[cls] = members
        return members

    def types_closed_under_subclass(self) -> bool:
        """Is every instance of a class an instance of its superclasses (``rdf:type`` closed
        under ``rdfs:subClassOf``, as in an RDFS or OWL RL closure)? Then
        ``rdf:type/rdfs:subClassOf*`` and ``rdf:type`` give the same pairs."""
        if self._types_closed is None:
            direct = defaultdict(set)
            for x, c in self.by_p.get(TYPE, ()):
                direct[c].add(x)
            empty: set = set()
            self._types_closed = all(
                direct.get(a, empty) <= direct.get(b, empty) for a, b in self.by_p.get(SUBCLASS, ()) if a != b
            )
        return self._types_closed

    # -- SPARQL ---------------------------------------------------------------------

    def store(self, predicates: set | None = None, classes: set | None = None):
        """A pyoxigraph Store of the triples with an IRI or blank-node subject (built once):
        every one, or those of ``predicates`` (what the queries to come can read), and of
        rdf:type those whose class is in ``classes`` (None: every class)."""
        if self._store is None:
            self._store = OxigraphView(self, predicates, classes)
        return self._store


class OxigraphView:
    """The data in a pyoxigraph Store, with the term mapping both ways."""

    def __init__(self, data: DataGraph, predicates: set | None = None, classes: set | None = None) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self._to_ox: dict = {}
        self._from_ox: dict = {}
        self._literals: dict = defaultdict(list)  # lexical form -> the data's literals
        self.store = ox.Store()
        for p, pairs in data.by_p.items():
            if predicates is not None and p not in predicates:
                continue
            if p == TYPE and classes is not None:
                pairs = [(s, o) for s, o in pairs if o in classes]
            self.store.bulk_extend(self._quads(p, pairs))

    def _quads(self, p, pairs):
        """Oxigraph quads (default graph) of ``p``'s pairs; literal subjects left out."""
        to_ox, get, Quad, dg = self.to_ox, self._to_ox.get, self.ox.Quad, self.ox.DefaultGraph()
        op = to_ox(p)
        for s, o in pairs:
            if isinstance(s, Literal):
                continue
            yield Quad(get(s) or to_ox(s), op, get(o) or to_ox(o), dg)

    def to_ox(self, term):
        found = self._to_ox.get(term)
        if found is not None:
            return found
        ox = self.ox
        if isinstance(term, URIRef):
            found = ox.NamedNode(str(term))
        elif isinstance(term, BNode):
            found = ox.BlankNode()
        elif isinstance(term, Literal):
            if term.language:
                found = ox.Literal(str(term), language=term.language)
            elif term.datatype is not None:
                found = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            else:
                found = ox.Literal(str(term))
        else:  # pragma: no cover - a variable or graph term in data
            raise TypeError(f"cannot store {term!r}")
        self._to_ox[term] = found
        self._from_ox[found] = term
        if isinstance(term, Literal):
            self._literals[str(term)].append(term)
        return found

    def from_ox(self, term, from_data: bool = False):
        if term is None:
            return None
        found = self._from_ox.get(term)
        if found is not None:
            return found
        ox = self.ox
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.Literal):
            # Oxigraph gives xsd:integer for the integer types derived from it (a stored
            # "3"^^xsd:nonNegativeInteger comes back as "3"^^xsd:integer): for a variable
            # bound to a data term (from_data), the data's own term
            if from_data and term.datatype.value == str(XSD.integer):
                for original in self._literals.get(term.value, ()):
                    if original.datatype in INTEGER_TYPES:
                        return original
            if term.language:
                return Literal(term.value, lang=term.language)
            if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        raise TypeError(f"unexpected SPARQL result term {term!r}")

    def select(self, query: str, data_vars=("this", "path", "value")) -> list[dict]:
        """Rows of a SELECT query as dicts of rdflib terms (unbound variables left out)."""
        try:
            result = self.store.query(query)
        except SyntaxError as exc:
            from ..errors import ConfigError

            raise ConfigError(f"a SHACL-SPARQL query does not parse: {exc}\n{query}") from exc
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = self.from_ox(value, name in data_vars)
            rows.append(row)
        return rows
