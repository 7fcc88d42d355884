"""Fill a pyoxigraph store with RDF files, and read it back as the files gave it.

The endpoint's default graph is the union of every graph but ``kgg:proofs`` (PROFILE.md).
It is materialised once, at load time, into the store's default graph
(:func:`materialise_union`) rather than asked of pyoxigraph with
``use_default_graph_as_union``: pyoxigraph 0.5 matches a triple held by several graphs once
per graph there (oxigraph#1919), so a fact stated by two sentences came back twice and
counts were wrong.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..core.errors import InputError
from ..rdf import formats
from ..rdf.namespaces import HISTORY_GRAPH, PROOFS_GRAPH
from ..rdf.terms import to_oxigraph


def parse_format(path: Path) -> ox.RdfFormat:
    """pyoxigraph's format of a file, by its extension (:mod:`sco_kg.rdf.formats`)."""
    try:
        syntax = formats.by_extension(path)
    except formats.UnknownSyntax as exc:
        raise InputError(path, str(exc)) from None
    if syntax.oxigraph is None:
        raise InputError(path, f"{syntax.label} cannot be loaded into the store: convert it to N-Quads or TriG")
    return syntax.oxigraph


def load_file(store: ox.Store, path: Path) -> None:
    """Load one RDF file into ``store`` (graphs kept; triples into the default graph)."""
    path = Path(path)
    try:
        store.bulk_load(path=str(path), format=parse_format(path), base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        raise InputError(path, str(exc)) from exc
    except OSError as exc:
        raise InputError(path, f"unreadable: {exc}") from exc


_PROOFS = ox.NamedNode(str(PROOFS_GRAPH))
_HISTORY = ox.NamedNode(str(HISTORY_GRAPH))

UNION_LAYOUT = "union-materialised-2"  # part of the on-disk store's content key


def in_union(graph_name) -> bool:
    """Whether the triples of a named graph are copied into the union default graph
    (:func:`materialise_union`'s rule)."""
    return graph_name != _PROOFS and graph_name != _HISTORY


def materialise_union(store: ox.Store) -> None:
    """Copy every distinct triple of every named graph but ``kgg:proofs`` and ``kgg:history``
    into the default graph: they are about the graph (one statement node per triple of a
    proof, many times the data; the triples each change added and removed), reached by
    ``GRAPH kgg:proofs`` and ``GRAPH kgg:history``, not facts of the union."""
    store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                 f"FILTER(?g != <{PROOFS_GRAPH}> && ?g != <{HISTORY_GRAPH}>) }}")


def source_quads(store: ox.Store, subject=None, predicate=None, obj=None, graph=None):
    """The store's quads as the sources gave them, without the union's copies.

    The default graph holds a copy of every triple of the named graphs
    (:func:`materialise_union`); across all graphs (``graph=None``) those copies are left
    out, except for triples that only the default graph holds (plain-triple ``--data`` files);
    so is ``kgg:proofs`` (about the graph, not a source of it: ask for it by name).
    """
    if graph is not None:
        yield from store.quads_for_pattern(subject, predicate, obj, graph)
        return
    named, default = [], []
    for quad in store.quads_for_pattern(subject, predicate, obj, None):
        if quad.graph_name == _PROOFS or quad.graph_name == _HISTORY:
            continue
        (default if isinstance(quad.graph_name, ox.DefaultGraph) else named).append(quad)
    in_named = {(q.subject, q.predicate, q.object) for q in named}
    yield from named
    yield from (q for q in default if (q.subject, q.predicate, q.object) not in in_named)


def quads_of(dataset):
    """pyoxigraph quads of every named graph of a :class:`~sco_kg.rdf.quadset.QuadSet` (or
    rdflib Dataset), through the term bridge (blank nodes keep their labels)."""
    default = dataset.default_graph.identifier
    for graph in dataset.graphs():
        if graph.identifier == default:
            continue
        name = to_oxigraph(graph.identifier)
        for s, p, o in graph.triples((None, None, None)):
            yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)
