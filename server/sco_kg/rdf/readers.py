"""Read the project's own RDF files (trusted: the ontology, data/, ``--data`` files) into
rdflib terms, with errors that name the file, line and column.

Turtle, TriG, N-Triples and N-Quads go through pyoxigraph's parser
(:mod:`sco_kg.rdf.fastparse`, the same rdflib terms, about 2x faster loads); rdflib parses
the other syntaxes, and any file pyoxigraph refuses, so that the error is rdflib's with its
position. Strangers' files go through :mod:`sco_kg.rdf.untrusted` instead.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from rdflib import Dataset, Graph

from ..core.errors import InputError
from . import formats
from .fastparse import parse_into
from .namespaces import BASE, bind_prefixes
from .quadset import QuadSet


def syntax_of(path: Path, name: str | None = None) -> formats.RdfSyntax:
    """The syntax of a file: the one ``name`` names when given, else by the file's extension."""
    try:
        return formats.by_name(name) if name else formats.by_extension(path)
    except formats.UnknownSyntax as exc:
        raise InputError(path, str(exc)) from None


def rdf_format(path: Path) -> str:
    """rdflib's format name for a file, from its extension."""
    return syntax_of(path).rdflib


def read_dataset(path: Path, fmt: str | None = None) -> Dataset:
    """Any RDF file (syntax from ``fmt``, a name of :mod:`.formats`, or the extension) by
    rdflib, its graphs kept (a triple syntax fills the default graph)."""
    path = Path(path)
    ds = Dataset(default_union=False)
    _parse(ds, path, syntax_of(path, fmt).rdflib)
    return ds


def read_any(path: Path, fmt: str | None = None) -> Graph:
    """Any RDF file, plain graph or dataset: the union of its graphs, default graph included."""
    ds = read_dataset(path, fmt)
    union = Graph()
    bind_prefixes(union)
    for prefix, ns in ds.namespaces():
        union.bind(prefix, ns, override=False)
    for graph in ds.graphs():
        for triple in graph:
            union.add(triple)
    return union


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


def read_quads(path: Path, fmt: str | None = None, *, default_graph: bool = False,
               keep_blank_labels: bool = False) -> QuadSet:
    """Parse a file of any syntax pyoxigraph or rdflib reads, graphs kept; its default graph
    must be empty (facts sit in named graphs) unless ``default_graph``. ``keep_blank_labels``
    (N-Quads and TriG that pyoxigraph reads): blank nodes keep their labels."""
    path = Path(path)
    fmt = fmt or rdf_format(path)
    ds = QuadSet()
    if not parse_into(ds, read_text(path), fmt, BASE, keep_blank_labels=keep_blank_labels):
        parsed = Dataset()  # rdflib parses it (and reports any error) into a fresh dataset
        _parse(parsed, path, fmt)
        ds = QuadSet.from_dataset(parsed)
    stray = [] if default_graph else sorted(ds.default_graph, key=lambda t: tuple(str(x) for x in t))
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
