"""Read the hand-written files into one dataset (a :class:`~sco_kg.quadset.QuadSet`: the
rdflib Dataset API the pipeline uses, over plain sets), every fact in a named graph.

* ``ontology/sco-kg.ttl``       -> ``kgg:ontology``
* ``ontology/imports/<x>.ttl``  -> ``kgg:imports/<x>``
* ``data/*.trig``               -> their own named graphs (``kgg:vocabulary``)
* ``data/articles/<id>/*.trig`` -> their own named graphs (``kgg:<id>/sNN``, ...)
* ``data/articles/<id>/article.txt`` -> ``kga:<id> schema:text "..."`` in ``kgg:<id>/provenance``
* extra files (``--data``, ``--also-data``): quad syntaxes keep their graphs; a triple syntax (Turtle,
  N-Triples, RDF/XML) goes into ``kgg:extra/<file stem>``.

A triple in the default graph of a data file is an error: facts sit in named graphs.
Errors are :class:`~sco_kg.errors.InputError` with the path, and line and column when the
parser gives them. The build's Turtle/TriG/N-Triples/N-Quads files are parsed by pyoxigraph
(:mod:`sco_kg.fastparse`, the same rdflib terms, about 2x faster loads); rdflib parses
the rest, strangers' files (:func:`read_any`) and anything with an error.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.util import guess_format

from .errors import InputError
from .fastparse import parse_into
from .gc_pause import gc_paused
from .quadset import QuadSet
from .namespaces import (
    BASE,
    KGG,
    ONTOLOGY_GRAPH,
    SCHEMA,
    article,
    article_graph,
    bind_prefixes,
    import_graph,
)
from .resources import Sources

QUAD_FORMATS = {"trig", "nquads", "trix", "json-ld"}
#: extensions rdflib's guess_format does not know
_EXTRA_FORMATS = {".jsonld": "json-ld", ".json": "json-ld", ".nq": "nquads", ".nt": "nt"}


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
    fmt = rdf_format(path)
    if fmt in QUAD_FORMATS:
        add_quads(ds, read_quads(path, fmt))
    else:
        add_graph(ds, KGG[f"extra/{path.stem}"], read_triple_set(path, fmt))


# -- reading ------------------------------------------------------------------------

#: names people give a syntax (``--format``) -> rdflib's
FORMAT_NAMES = {
    "turtle": "turtle", "ttl": "turtle", "n3": "n3",
    "trig": "trig",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "nq": "nquads", "nquads": "nquads", "n-quads": "nquads",
    "xml": "xml", "rdf": "xml", "rdfxml": "xml", "rdf/xml": "xml", "owl": "xml",
    "jsonld": "json-ld", "json-ld": "json-ld", "json": "json-ld",
    "trix": "trix",
}


def read_any(path: Path, fmt: str | None = None) -> Graph:
    """Any RDF file (syntax from ``fmt`` or the extension), plain graph or dataset: the
    union of its graphs, default graph included (a stranger's file, not one of ours)."""
    path = Path(path)
    if fmt is not None:
        if fmt.lower() not in FORMAT_NAMES:
            raise InputError(path, f"unknown RDF syntax {fmt!r} (known: {', '.join(sorted(FORMAT_NAMES))})")
        fmt = FORMAT_NAMES[fmt.lower()]
    fmt = fmt or rdf_format(path)
    ds = Dataset(default_union=False)
    _parse(ds, path, fmt)
    union = Graph()
    bind_prefixes(union)
    for prefix, ns in ds.namespaces():
        union.bind(prefix, ns, override=False)
    for graph in ds.graphs():
        for triple in graph:
            union.add(triple)
    return union



def rdf_format(path: Path) -> str:
    """rdflib's format name for a file, from its extension."""
    fmt = _EXTRA_FORMATS.get(path.suffix.lower()) or guess_format(str(path))
    if fmt is None:
        raise InputError(path, f"unknown RDF syntax for extension {path.suffix!r}")
    return fmt


def read_text(path: Path) -> str:
    """The exact text of a UTF-8 file (no newline translation)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise InputError(path, f"not UTF-8: {exc.reason}", line, column) from exc


def read_triples(path: Path, fmt: str | None = None) -> Graph:
    """Parse a triple syntax file (Turtle...) into a Graph."""
    path = Path(path)
    fmt = fmt or rdf_format(path)
    graph = Graph()
    if not parse_into(graph, read_text(path), fmt, BASE):
        graph = Graph()  # rdflib parses it (and reports any error) into a fresh graph
        _parse(graph, path, fmt)
    return graph


def read_triple_set(path: Path, fmt: str | None = None) -> QuadSet:
    """Parse a triple syntax file (Turtle...) into the default graph of a QuadSet (its
    prefixes kept): what the build loads, without the cost of an rdflib Graph."""
    path = Path(path)
    fmt = fmt or rdf_format(path)
    parsed = QuadSet()
    if not parse_into(parsed, read_text(path), fmt, BASE):
        graph = Graph()  # rdflib parses it (and reports any error)
        _parse(graph, path, fmt)
        parsed = QuadSet()
        parsed.default_graph.update(graph)
        for prefix, namespace in graph.namespaces():
            parsed.bind(prefix, namespace, override=False)
    return parsed


def read_quads(path: Path, fmt: str | None = None) -> QuadSet:
    """Parse a quad syntax file (TriG...); its default graph must be empty."""
    path = Path(path)
    fmt = fmt or rdf_format(path)
    ds = QuadSet()
    if not parse_into(ds, read_text(path), fmt, BASE):
        parsed = Dataset()  # rdflib parses it (and reports any error) into a fresh dataset
        _parse(parsed, path, fmt)
        ds = QuadSet.from_dataset(parsed)
    stray = sorted(ds.default_graph, key=lambda t: tuple(str(x) for x in t))
    if stray:
        s, p, o = stray[0]
        raise InputError(
            path,
            f"{len(stray)} triple(s) outside any named graph (facts must sit in a named graph), "
            f"first: {s.n3()} {p.n3()} {o.n3()}",
        )
    return ds


def _parse(target: Graph, path: Path, fmt: str) -> None:
    text = read_text(path)
    try:
        with warnings.catch_warnings():
            # rdflib 7.6's own Dataset.parse uses its deprecated ConjunctiveGraph API
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
            target.parse(data=text, format=fmt, publicID=BASE)
    except Exception as exc:  # every rdflib parser has its own exception type
        line, column = _error_position(exc, text)
        why = getattr(exc, "_why", None) or getattr(exc, "msg", None) or getattr(exc, "_msg", None) or str(exc)
        raise InputError(path, f"invalid {fmt}: {str(why).splitlines()[0]}", line, column) from exc


def _error_position(exc: Exception, text: str) -> tuple[int | None, int | None]:
    """1-based line and column of a parse error, from whatever the parser left."""
    raw = getattr(exc, "_str", None)  # notation3's BadSyntax: the text (as bytes), a str offset
    if isinstance(raw, bytes) and isinstance(getattr(exc, "_i", None), int):
        before = raw.decode("utf-8", errors="replace")[: exc._i]
        return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    if isinstance(getattr(exc, "lineno", None), int):  # json
        return exc.lineno, getattr(exc, "colno", None)
    if hasattr(exc, "getLineNumber"):  # xml.sax
        return exc.getLineNumber(), exc.getColumnNumber() + 1
    match = re.search(r"'(.+)'\s*$", str(exc), re.S)  # N-Triples/N-Quads quote the line
    if match:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip() and line.strip() == match.group(1).strip():
                return number, 1
    return None, None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    return line, column


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
