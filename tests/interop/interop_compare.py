"""Answers of SPARQL queries, read from any engine and compared as the project compares them.

* SELECT: an unordered multiset of rows (a row: its bound variables and their terms;
  unbound variables are left out); blank nodes all compare equal (their labels are
  local to a result); a simple literal and an ``xsd:string`` are the same term (RDF 1.1);
  language tags compare case-insensitively (BCP 47).
* ASK: the boolean.
* CONSTRUCT / DESCRIBE: the graphs are isomorphic (``rdflib.compare.isomorphic``).

Results come as SPARQL 1.1 Query Results JSON (``.srj``, what arq, Oxigraph and
Virtuoso answer; Virtuoso still writes the SPARQL 1.0 ``"typed-literal"`` type) or as
RDF (Turtle / N-Triples) for graph results.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Term = tuple  # ("uri", iri) | ("bnode",) | ("literal", lexical, datatype, lang)


@dataclass(frozen=True)
class Answer:
    """A query's answer in comparable form."""

    kind: str  # "select" | "ask" | "graph"
    rows: Counter | None = None
    boolean: bool | None = None
    graph: Graph | None = None

    def same_as(self, other: "Answer") -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "select":
            return self.rows == other.rows
        if self.kind == "ask":
            return self.boolean == other.boolean
        return isomorphic(self.graph, other.graph)

    def canonical(self, only_datetime: bool = False) -> "Answer":
        """The answer with typed literals in canonical form (:func:`canonical_term`);
        ``only_datetime``: UTC dateTimes only (``+00:00`` written ``Z``)."""
        if self.kind == "select":
            rows = Counter()
            for row, n in self.rows.items():
                rows[frozenset((v, canonical_term(t, only_datetime)) for v, t in row)] += n
            return Answer("select", rows=rows)
        if self.kind == "graph":
            graph = Graph()
            for s, p, o in self.graph:
                if isinstance(o, Literal) and o.datatype is not None:
                    _, lexical, datatype, _ = canonical_term(("literal", str(o), str(o.datatype), None), only_datetime)
                    o = Literal(lexical, datatype=URIRef(datatype))
                graph.add((s, p, o))
            return Answer("graph", graph=graph)
        return self

    def describe(self, limit: int = 40) -> str:
        """A readable dump of the answer, for assertion messages."""
        if self.kind == "ask":
            return f"ASK {self.boolean}"
        if self.kind == "graph":
            lines = sorted(to_isomorphic(self.graph).serialize(format="nt").splitlines())
            return f"{len(self.graph)} triples:\n" + "\n".join(lines[:limit])
        rows = sorted(
            (" ".join(f"?{v}={_show(t)}" for v, t in sorted(row)), n) for row, n in self.rows.items()
        )
        text = "\n".join(f"{n} x {row}" if n > 1 else row for row, n in rows[:limit])
        more = f"\n... {len(rows) - limit} more" if len(rows) > limit else ""
        return f"{sum(self.rows.values())} rows:\n{text}{more}"


def diff(expected: Answer, actual: Answer, limit: int = 20) -> str:
    """What differs, for assertion messages."""
    if expected.kind != actual.kind:
        return f"expected a {expected.kind} answer, got a {actual.kind} answer"
    if expected.kind == "select":
        missing = expected.rows - actual.rows
        extra = actual.rows - expected.rows
        out = []
        for title, rows in (("missing", missing), ("unexpected", extra)):
            for row, n in sorted(rows.items(), key=lambda item: sorted(item[0]))[:limit]:
                shown = " ".join(f"?{v}={_show(t)}" for v, t in sorted(row))
                out.append(f"{title}: {n} x {shown}")
        return "\n".join(out)
    if expected.kind == "graph":
        e = set(to_isomorphic(expected.graph).serialize(format="nt").splitlines())
        a = set(to_isomorphic(actual.graph).serialize(format="nt").splitlines())
        lines = [f"missing: {t}" for t in sorted(e - a)[:limit]]
        lines += [f"unexpected: {t}" for t in sorted(a - e)[:limit]]
        return "\n".join(lines) or "(differ only in blank node structure)"
    return f"expected {expected.describe()}, got {actual.describe()}"


INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
        "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}


def canonical_term(term: Term, only_datetime: bool = False) -> Term:
    """What Oxigraph 0.5 stores for a typed literal: the integer types become xsd:integer,
    and integers, decimals, booleans and UTC dateTimes take their canonical lexical form
    (``"015"^^xsd:nonNegativeInteger`` is given back as ``"15"^^xsd:integer``). Comparing
    canonical forms checks the values where Oxigraph keeps no more than them."""
    if term[0] != "literal" or term[3]:
        return term
    _, lexical, datatype, lang = term
    if datatype == XSD + "dateTime" and lexical.endswith(("+00:00", "-00:00")):
        return ("literal", lexical[:-6] + "Z", datatype, None)
    if only_datetime:
        return term
    try:
        if datatype in INTEGER_TYPES:
            return ("literal", str(int(lexical.strip())), XSD + "integer", None)
        if datatype == XSD + "decimal":
            from decimal import Decimal

            value = Decimal(lexical.strip()).normalize()
            text = format(value, "f")
            return ("literal", text if "." in text else text + ".0", datatype, None)
        if datatype == XSD + "boolean":
            return ("literal", "true" if lexical.strip() in ("true", "1") else "false", datatype, None)
    except ValueError:
        return term
    return term


def _show(term: Term) -> str:
    if term[0] == "uri":
        return f"<{term[1]}>"
    if term[0] == "bnode":
        return "_:b"
    _, lexical, datatype, lang = term
    text = json.dumps(lexical, ensure_ascii=False)
    if lang:
        return f"{text}@{lang}"
    if datatype != XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def json_term(binding: dict) -> Term:
    """A term of SPARQL JSON results (1.1, or 1.0's ``typed-literal``)."""
    kind = binding["type"]
    if kind == "uri":
        return ("uri", binding["value"])
    if kind == "bnode":
        return ("bnode",)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang") or binding.get("lang")
        if lang:
            return ("literal", binding["value"], RDF_LANGSTRING, lang.lower())
        return ("literal", binding["value"], binding.get("datatype") or XSD_STRING, None)
    raise ValueError(f"unknown term type in SPARQL JSON results: {binding!r}")


def from_json(data: dict | str | bytes) -> Answer:
    """An Answer from SPARQL JSON results (a SELECT's or an ASK's)."""
    if not isinstance(data, dict):
        data = json.loads(data)
    if "boolean" in data:
        return Answer("ask", boolean=bool(data["boolean"]))
    rows = Counter()
    for binding in data["results"]["bindings"]:
        rows[frozenset((var, json_term(value)) for var, value in binding.items())] += 1
    return Answer("select", rows=rows)


def from_rdf(text: str | bytes, fmt: str = "turtle") -> Answer:
    graph = Graph()
    graph.parse(data=text, format=fmt)
    return Answer("graph", graph=graph)


def expected_answer(query: Path) -> Answer:
    """The expected answer of ``NN-name.rq``: ``NN-name.srj`` or ``NN-name.ttl`` beside it."""
    srj, ttl = query.with_suffix(".srj"), query.with_suffix(".ttl")
    if srj.is_file():
        return from_json(srj.read_text(encoding="utf-8"))
    if ttl.is_file():
        graph = Graph()
        graph.parse(ttl, format="turtle")
        return Answer("graph", graph=graph)
    raise FileNotFoundError(f"{query.name}: no expected answer ({srj.name} or {ttl.name})")


_NOISE = re.compile(r"#[^\n]*|<[^>]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", re.S)


def query_kind(text: str) -> str:
    """"select", "ask", "construct" or "describe": the query form (prologue skipped)."""
    stripped = _NOISE.sub(" ", text)  # comments, IRIs and strings cannot hide a keyword
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", stripped, re.I)
    if not match:
        raise ValueError("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return match.group(1).lower()


def rdflib_term(binding: dict, bnodes: dict):
    """An rdflib term of SPARQL JSON results (blank node labels kept within one result)."""
    from rdflib import BNode

    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return bnodes.setdefault(binding["value"], BNode())
    lang = binding.get("xml:lang") or binding.get("lang")
    if lang:
        return Literal(binding["value"], lang=lang)
    datatype = binding.get("datatype")
    return Literal(binding["value"], datatype=URIRef(datatype) if datatype and datatype != XSD_STRING else None)


def graphs_from_json(data: dict | str | bytes) -> dict[str, Graph]:
    """The graphs of a ``SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }`` answer."""
    if not isinstance(data, dict):
        data = json.loads(data)
    graphs: dict[str, Graph] = {}
    bnodes: dict = {}
    for b in data["results"]["bindings"]:
        graph = graphs.setdefault(b["g"]["value"], Graph())
        graph.add(tuple(rdflib_term(b[v], bnodes) for v in ("s", "p", "o")))
    return graphs


def canonical_graph(graph: Graph, only_datetime: bool = False) -> Graph:
    """The graph with its typed literals in canonical form (:func:`canonical_term`)."""
    return Answer("graph", graph=graph).canonical(only_datetime).graph


def named_graphs(dataset: Dataset) -> dict[str, Graph]:
    """The named graphs of an rdflib dataset, by name (the default graph left out)."""
    graphs: dict[str, Graph] = {}
    for s, p, o, c in dataset.quads((None, None, None, None)):
        name = getattr(c, "identifier", c)
        if isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID:
            graphs.setdefault(str(name), Graph()).add((s, p, o))
    return graphs


def graphs_differ(expected: dict[str, Graph], actual: dict[str, Graph], limit: int = 10) -> list[str]:
    """What differs between two sets of named graphs (empty: the same graphs, each isomorphic)."""
    problems = []
    for name in sorted(expected.keys() - actual.keys()):
        problems.append(f"graph missing: <{name}>")
    for name in sorted(actual.keys() - expected.keys()):
        problems.append(f"graph not expected: <{name}>")
    for name in sorted(expected.keys() & actual.keys()):
        if not isomorphic(expected[name], actual[name]):
            detail = diff(Answer("graph", graph=expected[name]), Answer("graph", graph=actual[name]), limit)
            problems.append(f"graph <{name}> differs:\n{detail}")
    return problems
