"""The build's dataset: named graphs held as Python sets of rdflib-term triples.

Why not ``rdflib.Dataset``: the build only ever reads its graphs whole (validation,
reasoning, statistics and export iterate them) and writes them whole (loading, reasoning
adds ``kgg:inferred``). rdflib's Memory store keeps six indexes and a context map per
triple for lookups the build never makes: 1M synthetic triples took 47 s and 3.1 GiB to
load into it, and the build could not stay under 4 GB with the closure on top. Here a
graph is one ``set`` of ``(s, p, o)`` tuples (about 0.1 KiB per triple), filled in C by
``set.update``.

:class:`QuadSet` answers the part of rdflib's Dataset API the pipeline uses
(``graphs()``, ``graph(name)``, ``remove_graph``, ``default_graph``, ``quads(pattern)``,
``namespaces()``/``bind``/``namespace_manager``, ``len``), and :class:`TripleSet` the part
of rdflib's Graph API (``identifier``, iteration, ``len``, ``in``, ``add``, ``triples``,
``subjects``/``objects``/``value`` ...), so code written against rdflib reads either.
Pattern lookups scan the graph: fine for the small graphs they are asked of, not for
querying (``to_dataset()`` gives a real rdflib Dataset, the store gives SPARQL).
"""

from __future__ import annotations

from typing import Iterable, Iterator

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import NamespaceManager

from .namespaces import bind_prefixes

Triple = tuple


def is_dataset(obj) -> bool:
    """Whether ``obj`` holds named graphs: an rdflib Dataset or a :class:`QuadSet` (not a Graph)."""
    return isinstance(obj, (Dataset, QuadSet))


def _matches(triple: Triple, pattern: tuple) -> bool:
    return all(want is None or want == have for want, have in zip(pattern, triple))


class TripleSet:
    """One named graph: a set of ``(s, p, o)`` rdflib terms with rdflib Graph's reading API."""

    __slots__ = ("identifier", "_triples")

    def __init__(self, identifier, triples: Iterable[Triple] = ()) -> None:
        self.identifier = identifier
        self._triples: set = set(triples)

    # -- writing
    def add(self, triple: Triple) -> "TripleSet":
        self._triples.add(triple)
        return self

    def update(self, triples: Iterable[Triple]) -> "TripleSet":
        """Add many triples (a TripleSet, an rdflib Graph or any iterable of triples)."""
        self._triples.update(triples._triples if isinstance(triples, TripleSet) else triples)
        return self

    addN_triples = update

    def remove(self, pattern: tuple) -> "TripleSet":
        if None in pattern:
            self._triples.difference_update([t for t in self._triples if _matches(t, pattern)])
        else:
            self._triples.discard(tuple(pattern))
        return self

    def __iadd__(self, other: Iterable[Triple]) -> "TripleSet":
        return self.update(other)

    # -- reading
    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple) -> bool:
        """A triple, or a pattern with None for any term (as rdflib's Graph)."""
        triple = tuple(triple)
        if None in triple:
            return next(self.triples(triple), None) is not None
        return triple in self._triples

    def __repr__(self) -> str:
        return f"<TripleSet {self.identifier} ({len(self)} triples)>"

    def triples(self, pattern: tuple = (None, None, None)) -> Iterator[Triple]:
        if pattern == (None, None, None):
            return iter(self._triples)
        if None not in pattern:
            return iter([tuple(pattern)] if tuple(pattern) in self._triples else [])
        return (t for t in self._triples if _matches(t, pattern))

    def subjects(self, predicate=None, object=None, unique: bool = False):
        found = (s for s, _, _ in self.triples((None, predicate, object)))
        return iter(set(found)) if unique else found

    def predicates(self, subject=None, object=None, unique: bool = False):
        found = (p for _, p, _ in self.triples((subject, None, object)))
        return iter(set(found)) if unique else found

    def objects(self, subject=None, predicate=None, unique: bool = False):
        found = (o for _, _, o in self.triples((subject, predicate, None)))
        return iter(set(found)) if unique else found

    def predicate_objects(self, subject=None, unique: bool = False):
        return ((p, o) for _, p, o in self.triples((subject, None, None)))

    def subject_objects(self, predicate=None, unique: bool = False):
        return ((s, o) for s, _, o in self.triples((None, predicate, None)))

    def subject_predicates(self, object=None, unique: bool = False):
        return ((s, p) for s, p, _ in self.triples((None, None, object)))

    def value(self, subject=None, predicate=None, object=None, default=None):
        """The one unknown term of the pattern (the first found), as rdflib's Graph.value."""
        for s, p, o in self.triples((subject, predicate, object)):
            return o if object is None else (s if subject is None else p)
        return default

    def to_graph(self) -> Graph:
        graph = Graph(identifier=self.identifier)
        bind_prefixes(graph)
        for triple in self._triples:
            graph.add(triple)
        return graph


class QuadSet:
    """Named graphs (name -> :class:`TripleSet`) and a default graph, with the prefixes to write them."""

    def __init__(self) -> None:
        self._graphs: dict = {}
        self.default_graph = TripleSet(DATASET_DEFAULT_GRAPH_ID)
        self.namespace_manager = NamespaceManager(Graph(bind_namespaces="none"))
        bind_prefixes(self.namespace_manager)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> "QuadSet":
        """The graphs of an rdflib Dataset (or of another QuadSet), prefixes included."""
        out = cls()
        default = dataset.default_graph.identifier
        for graph in dataset.graphs():
            target = out.default_graph if graph.identifier == default else out.graph(graph.identifier)
            target.update(graph.triples((None, None, None)))
        for prefix, namespace in dataset.namespaces():
            out.bind(prefix, namespace, override=False)
        return out

    # -- graphs
    def graph(self, identifier=None) -> TripleSet:
        """The named graph ``identifier``, made empty if new (None: the default graph)."""
        if identifier is None or identifier == DATASET_DEFAULT_GRAPH_ID:
            return self.default_graph
        graph = self._graphs.get(identifier)
        if graph is None:
            graph = self._graphs[identifier] = TripleSet(identifier)
        return graph

    def get_graph(self, identifier) -> TripleSet | None:
        return self._graphs.get(identifier)

    def remove_graph(self, identifier) -> "QuadSet":
        self._graphs.pop(getattr(identifier, "identifier", identifier), None)
        return self

    def graphs(self, triple=None) -> Iterator[TripleSet]:
        """The default graph, then every named graph (as rdflib's Dataset.graphs())."""
        yield self.default_graph
        for graph in list(self._graphs.values()):
            if triple is None or triple in graph:
                yield graph

    def contexts(self, triple=None) -> Iterator[TripleSet]:
        return self.graphs(triple)

    def merge(self, other: "QuadSet") -> "QuadSet":
        """Add every graph of ``other`` (and its prefixes, where a prefix is not taken)."""
        self.default_graph.update(other.default_graph)
        for graph in other._graphs.values():
            self.graph(graph.identifier).update(graph)
        for prefix, namespace in other.namespaces():
            self.bind(prefix, namespace, override=False)
        return self

    # -- quads
    def quads(self, pattern: tuple = (None, None, None, None)) -> Iterator[tuple]:
        """``(s, p, o, graph name)`` for every quad matching ``pattern`` (graph: a name or None)."""
        s, p, o, g = (tuple(pattern) + (None,))[:4]
        g = getattr(g, "identifier", g)
        for graph in self.graphs():
            if g is not None and graph.identifier != g:
                continue
            for triple in graph.triples((s, p, o)):
                yield (*triple, graph.identifier)

    def __len__(self) -> int:
        """Quads in every graph, the default graph included (rdflib's Dataset counts its
        default graph only: here, a stranger's body of triples has them all there, the
        build has none there)."""
        return len(self.default_graph) + sum(len(g) for g in self._graphs.values())

    # -- prefixes
    def bind(self, prefix: str, namespace, override: bool = True, replace: bool = False) -> None:
        self.namespace_manager.bind(prefix, URIRef(str(namespace)), override=override, replace=replace)

    def namespaces(self):
        return self.namespace_manager.namespaces()

    # -- rdflib
    def to_dataset(self) -> Dataset:
        """An rdflib Dataset with the same graphs and prefixes (for queries and rdflib's tools)."""
        ds = Dataset(default_union=False)
        for prefix, namespace in self.namespaces():
            ds.bind(prefix, namespace, override=True, replace=True)
        for triple in self.default_graph:
            ds.default_graph.add(triple)
        for graph in self._graphs.values():
            target = ds.graph(graph.identifier)
            for triple in graph:
                target.add(triple)
        return ds
