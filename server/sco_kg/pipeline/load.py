"""Read the sources of a build into one dataset (a :class:`~sco_kg.rdf.quadset.QuadSet`: the
rdflib Dataset API the pipeline uses, over plain sets), every fact in a named graph.

* ``ontology/sco-kg.ttl``       -> ``kgg:ontology``
* ``ontology/imports/<x>.ttl``  -> ``kgg:imports/<x>``
* ``data/*.trig``               -> their own named graphs (``kgg:vocabulary``)
* ``data/articles/<id>/*.trig`` -> their own named graphs (``kgg:<id>/sNN``, ...)
* ``data/articles/<id>/article.txt`` -> ``kga:<id> schema:text "..."`` in ``kgg:<id>/provenance``
* served datasets (a build's dump, the ingest log): every graph as it is, but ``kgg:inferred``
  and ``kgg:proofs``, blank nodes with their labels (the changes of the log name them)
* the store's changes (RDF Patch, :func:`~sco_kg.pipeline.sources.log_input`): their
  removals and additions applied in log order, after the inputs before them; the rows of
  ``kgg:history`` are the store's record of the change, not data
* inputs from outside (``--data``, ``--also-data``, ``validate FILE``, POST bodies), read by
  the one reader of strangers' RDF (:mod:`sco_kg.rdf.untrusted`: nothing fetched, limits
  counted while parsing): the named graphs of a dataset syntax keep their names; triples
  outside any named graph go into the input's own graph (``kgg:extra/<file stem>``, or the
  name the door gives). Each input that names graphs is described by a
  :class:`DeclaredGraphs`: the provenance rules check those graphs, and report its triples
  outside them (PROFILE.md, "What is checked where": a plain graph is checked for its facts,
  a dataset for its facts and their provenance).

The project's own files (data/, ontology/) are trusted: a triple outside any named graph
there is an :class:`~sco_kg.core.errors.InputError`, and they are read by
:mod:`sco_kg.rdf.readers` (pyoxigraph's parser, rdflib where terms would differ). Errors are
InputErrors with the path, and line and column when the parser gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import Literal, URIRef

from ..core.errors import InputError
from ..core.gc_pause import gc_paused
from ..rdf.namespaces import (HISTORY_GRAPH, KGG, MADE_GRAPHS, ONTOLOGY_GRAPH, SCHEMA, article,
                              article_graph, import_graph)
from ..rdf.patch import EXTENSION as PATCH_EXTENSION
from ..rdf.patch import PatchError, read_patch
from ..rdf.quadset import QuadSet
from ..rdf.readers import read_quads, read_text, read_triple_set
from ..rdf.terms import rdflib_converter
from ..rdf.untrusted import read_untrusted_file
from .literal_rules import quiet_conversions
from .sources import PATCH_SYNTAX, Input, Sources

UNBOUNDED = 1 << 40  # the project's own --data files: no limit but the machine's


@dataclass(frozen=True)
class DeclaredGraphs:
    """What one input of a dataset syntax named: the graphs holding its triples (the
    provenance rules check each), and the triples it left outside them."""

    where: str
    graphs: tuple
    stray: tuple = ()


def new_dataset() -> QuadSet:
    """An empty dataset with the project's prefixes; the default graph is not the union."""
    return QuadSet()


def read_sources(sources: Sources | None = None) -> tuple[QuadSet, list[DeclaredGraphs]]:
    """The dataset of ``sources`` (default: the packaged ones), and what each input declared."""
    sources = sources or Sources.default()
    quiet_conversions()  # an ill-typed literal is a result of the report, not a traceback on stderr
    ds = new_dataset()
    declared: list[DeclaredGraphs] = []
    with gc_paused():  # millions of terms and tuples, no cycles (1M triples: 9.7 s -> 8.5 s)
        if sources.ontology is not None:
            add_graph(ds, ONTOLOGY_GRAPH, read_triple_set(sources.ontology, "turtle"))
        for path in sources.imports:
            add_graph(ds, import_graph(path.stem), read_triple_set(path, "turtle"))
        for path in sources.served:
            load_served(ds, path)
        for data_dir in sources.data_dirs:
            load_data_dir(ds, data_dir)
        for item in sources.extra:
            found = load_input(ds, item)
            if found is not None:
                declared.append(found)
    return ds, declared


def load(sources: Sources | None = None) -> QuadSet:
    """Load the ontology, its imports and every data file of ``sources`` (default: the packaged ones)."""
    return read_sources(sources)[0]


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


def load_served(ds: QuadSet, path: Path) -> None:
    """A dataset a build wrote (N-Quads or TriG): every graph but ``kgg:inferred`` and
    ``kgg:proofs`` (the pipeline makes them again); triples
    outside the named graphs (a file served as it is, ``serve --no-build --data``) in
    ``kgg:served/default``, as the store serves them in its default graph."""
    if Path(path).suffix == PATCH_EXTENSION:  # a change of the store's log, in log order
        apply_patch(ds, Path(path))
        return
    served = read_quads(Path(path), default_graph=True, keep_blank_labels=True)
    for made in MADE_GRAPHS:
        served.remove_graph(made)
    add_quads(ds, served)
    if len(served.default_graph):
        add_graph(ds, KGG["served/default"], served.default_graph)


def load_input(ds: QuadSet, item: Input) -> DeclaredGraphs | None:
    """One input from outside (see the module's docstring); what it declared, if it names graphs."""
    path = Path(item.path)
    if item.syntax == PATCH_SYNTAX:
        apply_patch(ds, path)
        return None
    parsed = read_untrusted_file(path, item.syntax, max_triples=item.max_triples or UNBOUNDED,
                                 keep_blank_labels=item.keep_blank_labels)
    for prefix, namespace in parsed.namespaces():
        ds.bind(prefix, namespace, override=False)
    named = [g for g in parsed.graphs() if g.identifier != parsed.default_graph.identifier and len(g)]
    for graph in named:
        if graph.identifier in MADE_GRAPHS:
            raise InputError(path, f"the graph <{graph.identifier}> is made by the reasoner and the store: "
                                   "it cannot be an input")
        ds.graph(graph.identifier).update(graph)
    stray = parsed.default_graph
    if len(stray):
        ds.graph(URIRef(item.graph) if item.graph else KGG[f"extra/{path.stem}"]).update(stray)
    if not named:
        return None
    return DeclaredGraphs(item.where, tuple(sorted((g.identifier for g in named), key=str)),
                          tuple(sorted(stray, key=lambda t: tuple(map(str, t)))))


def apply_patch(ds: QuadSet, path: Path) -> None:
    """One change of the store's log: its removals, then its additions (the record of the
    change, in ``kgg:history``, is the store's, not data)."""
    try:
        patch = read_patch(path)
    except PatchError as exc:
        raise InputError(path, str(exc)) from None
    term = rdflib_converter(fresh_blank_nodes=False)
    for quads, write in ((patch.removed, "remove"), (patch.added, "add")):
        for q in quads:
            graph = term(q.graph_name)
            if graph == HISTORY_GRAPH:
                continue
            getattr(ds.graph(graph), write)((term(q.subject), term(q.predicate), term(q.object)))


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
