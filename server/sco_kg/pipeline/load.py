"""Read the hand-written files into one dataset (a :class:`~sco_kg.rdf.quadset.QuadSet`: the
rdflib Dataset API the pipeline uses, over plain sets), every fact in a named graph.

* ``ontology/sco-kg.ttl``       -> ``kgg:ontology``
* ``ontology/imports/<x>.ttl``  -> ``kgg:imports/<x>``
* ``data/*.trig``               -> their own named graphs (``kgg:vocabulary``)
* ``data/articles/<id>/*.trig`` -> their own named graphs (``kgg:<id>/sNN``, ...)
* ``data/articles/<id>/article.txt`` -> ``kga:<id> schema:text "..."`` in ``kgg:<id>/provenance``
* extra files (``--data``, ``--also-data``): quad syntaxes keep their graphs; a triple syntax (Turtle,
  N-Triples, RDF/XML) goes into ``kgg:extra/<file stem>``.

A triple in the default graph of a data file is an error: facts sit in named graphs.
Errors are :class:`~sco_kg.core.errors.InputError` with the path, and line and column when the
parser gives them. The build's Turtle/TriG/N-Triples/N-Quads files are parsed by pyoxigraph
(:mod:`sco_kg.rdf.fastparse`, the same rdflib terms, about 2x faster loads); rdflib parses
the rest and anything with an error (:mod:`sco_kg.rdf.readers`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from rdflib import Literal, URIRef

from ..core.errors import InputError
from ..core.gc_pause import gc_paused
from ..rdf.namespaces import KGG, ONTOLOGY_GRAPH, SCHEMA, article, article_graph, import_graph
from ..rdf.quadset import QuadSet
from ..rdf.readers import read_quads, read_text, read_triple_set, syntax_of
from .sources import Sources


def new_dataset() -> QuadSet:
    """An empty dataset with the project's prefixes; the default graph is not the union."""
    return QuadSet()


def load(sources: Sources | None = None) -> QuadSet:
    """Load the ontology, its imports and every data file of ``sources`` (default: the packaged ones)."""
    sources = sources or Sources.default()
    ds = new_dataset()
    with gc_paused():  # millions of terms and tuples, no cycles (1M triples: 9.7 s -> 8.5 s)
        add_graph(ds, ONTOLOGY_GRAPH, read_triple_set(sources.ontology, "turtle"))
        for path in sources.imports:
            add_graph(ds, import_graph(path.stem), read_triple_set(path, "turtle"))
        for data_dir in sources.data_dirs:
            load_data_dir(ds, data_dir)
        for path in sources.extra:
            load_extra(ds, path)
    return ds


def load_data_dir(ds: QuadSet, data_dir: Path) -> None:
    """``*.trig`` at the top of ``data_dir``, then every ``articles/<id>/``."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(data_dir, "not a directory")
    for path in sorted(data_dir.glob("*.trig")):
        add_quads(ds, read_quads(path))
    articles = data_dir / "articles"
    if articles.is_dir():
        for article_dir in sorted(p for p in articles.iterdir() if p.is_dir()):
            load_article(ds, article_dir)


def load_article(ds: QuadSet, article_dir: Path) -> None:
    """One article: its ``*.trig`` files and its text, read from article.txt."""
    article_id = article_dir.name
    text_path = article_dir / "article.txt"
    if not text_path.is_file():
        raise InputError(text_path, "missing: every article folder holds its article.txt")
    for path in sorted(article_dir.glob("*.trig")):
        add_quads(ds, read_quads(path))
    text = read_text(text_path)
    ds.graph(article_graph(article_id, "provenance")).add(
        (article(article_id), SCHEMA.text, Literal(text))
    )


def load_extra(ds: QuadSet, path: Path) -> None:
    """An extra RDF file: quads keep their graphs, triples go to ``kgg:extra/<stem>``."""
    path = Path(path)
    syntax = syntax_of(path)
    if syntax.quads:
        add_quads(ds, read_quads(path, syntax.rdflib))
    else:
        add_graph(ds, KGG[f"extra/{path.stem}"], read_triple_set(path, syntax.rdflib))


# -- merging ------------------------------------------------------------------------


def add_graph(ds: QuadSet, name: URIRef, graph: Iterable | QuadSet) -> None:
    """Add the triples of ``graph`` (a QuadSet: its default graph) to graph ``name``."""
    if isinstance(graph, QuadSet):
        graph = graph.default_graph
    ds.graph(name).update(graph)


def add_quads(ds: QuadSet, source: QuadSet) -> None:
    """Every non-empty named graph of ``source``."""
    for graph in source.graphs():
        if graph.identifier == source.default_graph.identifier or len(graph) == 0:
            continue
        ds.graph(graph.identifier).update(graph)
