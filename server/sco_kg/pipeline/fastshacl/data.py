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

import re
from collections import defaultdict
from operator import itemgetter
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ...core.errors import ConfigError
from ...core.gc_pause import gc_paused
from ...rdf.terms import to_oxigraph

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
_XSD_STRING, _XSD_INTEGER, _LANG_STRING = str(XSD.string), str(XSD.integer), str(RDF.langString)
#: what N-Triples refuses in an IRI (IRIREF), and the language tags it takes (LANGTAG)
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANGUAGE = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")
_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


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
    """owlrl's RDFS closure (as pySHACL runs it) of ``triples``: predicate -> set of (s, o)."""
    return _rdfs_closure(triples)[0]


def _rdfs_closure(triples: Iterable[tuple]) -> tuple:
    """The closure (predicate -> set of pairs), and its rdf:type as class -> instances.

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
            return out, {c: xs for c, xs in instances.items() if xs}


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
        self._instances: dict | None = None  # class -> set of its direct instances (rdf:type)
        self._subclasses: dict | None = None
        self._store = None
        self._types_closed: bool | None = None

    @classmethod
    def from_triples(cls, triples: Iterable[tuple], inference: str) -> "DataGraph":
        if inference == "rdfs":
            with gc_paused():
                by_p, instances = _rdfs_closure(triples)
                data = cls(by_p)
                data._instances = instances  # the same pairs as by_p[rdf:type], by class
                return data
        if inference != "none":

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
            by_class = self.instances()
            members = set()
            for c in classes:
                members.update(by_class.get(c, ()))
            self._class_members[cls] = members
        return members

    def instances(self) -> dict:
        """class -> the set of nodes typed with it (rdf:type as given, no subclass)."""
        if self._instances is None:
            by_class: dict = defaultdict(set)
            for x, c in self.by_p.get(TYPE, ()):
                by_class[c].add(x)
            self._instances = dict(by_class)
        return self._instances

    def types_closed_under_subclass(self) -> bool:
        """Is every instance of a class an instance of its superclasses (``rdf:type`` closed
        under ``rdfs:subClassOf``, as in an RDFS or OWL RL closure)? Then
        ``rdf:type/rdfs:subClassOf*`` and ``rdf:type`` give the same pairs."""
        if self._types_closed is None:
            direct, empty = self.instances(), frozenset()
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
    """The data in a pyoxigraph Store, with the term mapping both ways.

    Triples go in as N-Triples text parsed by Oxigraph: building a pyoxigraph ``Quad`` per
    triple cost more than Oxigraph's parser and insertion together (about 4 us a quad).
    Oxigraph renames the blank nodes of a document it parses, so a triple with a blank node
    (or a term N-Triples cannot spell as it is) goes in as ``Quad`` objects, with one
    ``BlankNode`` per data blank node: the answers map back to the data's own terms."""

    def __init__(self, data: DataGraph, predicates: set | None = None, classes: set | None = None) -> None:

        self.ox = ox
        self._to_ox: dict = {}  # the data's term -> its pyoxigraph term (the Quad path)
        self._blank_nodes: dict = {}  # pyoxigraph BlankNode -> the data's BNode
        self._texts: dict = {}  # the data's term -> its N-Triples text, or None: not spelled
        self._by_key: dict = {}  # (lexical form, language, datatype IRI) -> the data's literal
        self._literals: dict = defaultdict(list)  # lexical form -> the data's literals
        self.store = ox.Store()
        as_quads = []
        for p, pairs in data.by_p.items():
            if predicates is not None and p not in predicates:
                continue
            if p == TYPE and classes is not None:  # read from the class index, not 1.2M pairs at 1M
                by_class = data.instances()
                pairs = [(x, c) for c in classes for x in by_class.get(c, ())]
            text = self._ntriples(p, pairs, as_quads)
            if text:
                self.store.load(text.encode(), ox.RdfFormat.N_TRIPLES)
        if as_quads:
            dg = ox.DefaultGraph()
            self.store.extend([ox.Quad(self.to_ox(s), self.to_ox(p), self.to_ox(o), dg) for s, p, o in as_quads])

    def _ntriples(self, p, pairs, as_quads: list) -> str:
        """N-Triples of ``p``'s pairs; literal subjects left out, and the triples N-Triples
        cannot carry as they are added to ``as_quads``."""
        texts, spell = self._texts, self._spell
        pt = texts.get(p) or spell(p)
        lines = []
        for s, o in pairs:
            if isinstance(s, Literal):
                continue
            st = texts.get(s) or spell(s)
            ot = texts.get(o) or spell(o)
            if st is None or ot is None or pt is None:
                as_quads.append((s, p, o))
            else:
                lines.append(f"{st} {pt} {ot} .\n")
        return "".join(lines)

    def _spell(self, term):
        """The N-Triples text of ``term`` (remembered), or None for a blank node or a term
        whose IRI or language tag N-Triples would refuse (the Quad path reports those)."""
        text = None
        if isinstance(term, URIRef):
            if not _BAD_IRI.search(term):
                text = f"<{term}>"
        elif isinstance(term, Literal):
            lexical, language, datatype = str(term), term.language, term.datatype
            if language:
                if _LANGUAGE.fullmatch(language):
                    text = f'"{lexical.translate(_NT_ESCAPES)}"@{language}'
            elif datatype is not None:
                if not _BAD_IRI.search(datatype):
                    text = f'"{lexical.translate(_NT_ESCAPES)}"^^<{datatype}>'
            else:
                text = f'"{lexical.translate(_NT_ESCAPES)}"'
            if text is not None:
                self._remember(term)
        self._texts[term] = text
        return text

    def _remember(self, literal: Literal) -> None:
        language = literal.language.lower() if literal.language else None
        datatype = str(literal.datatype) if literal.datatype else (_LANG_STRING if language else _XSD_STRING)
        self._by_key[(str(literal), language, datatype)] = literal
        self._literals[str(literal)].append(literal)

    def to_ox(self, term):
        found = self._to_ox.get(term)
        if found is not None:
            return found
        ox = self.ox
        if isinstance(term, BNode):  # a label of its own: blank nodes of rdflib are not Oxigraph's
            found = ox.BlankNode()
            self._blank_nodes[found] = term
        else:
            found = to_oxigraph(term)
            if isinstance(term, Literal):
                self._remember(term)
        self._to_ox[term] = found
        return found

    def from_ox(self, term, from_data: bool = False):
        if term is None:
            return None
        ox = self.ox
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            found = self._blank_nodes.get(term)
            return found if found is not None else BNode(term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            # Oxigraph gives xsd:integer for the integer types derived from it (a stored
            # "3"^^xsd:nonNegativeInteger comes back as "3"^^xsd:integer): for a variable
            # bound to a data term (from_data), the data's own term
            if from_data and datatype == _XSD_INTEGER:
                for original in self._literals.get(term.value, ()):
                    if original.datatype in INTEGER_TYPES:
                        return original
            found = self._by_key.get((term.value, term.language, datatype))
            if found is not None:
                return found
            if term.language:
                return Literal(term.value, lang=term.language)
            if datatype == _XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(datatype))
        raise TypeError(f"unexpected SPARQL result term {term!r}")

    def select(self, query: str, data_vars=("this", "path", "value")) -> list[dict]:
        """Rows of a SELECT query as dicts of rdflib terms (unbound variables left out)."""
        try:
            result = self.store.query(query)
        except SyntaxError as exc:

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
