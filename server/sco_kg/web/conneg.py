"""The media-type registry: one table for result sets (SELECT, ASK), one for graphs
(CONSTRUCT, DESCRIBE, the Graph Store, the service description), each mapping a media type
to a serialiser. Content negotiation picks from a table by Accept (q-values, wildcards),
or by ``format=`` (a short name or a media type), which wins over Accept.

Result sets are serialised here, not by pyoxigraph, so that a result cut at the row cap
can say so (JSON: a top-level ``"truncated"`` member next to ``head`` and ``results``; XML:
a ``<link href="urn:sco-kg:truncated"/>`` in the head; every format: the
``SPARQL-Results-Truncated`` header set by the protocol layer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..rdf import formats
from ..rdf.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
TRUNCATED_LINK = "urn:sco-kg:truncated"
SERIALIZER_PREFIXES = {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#",
                       "void": "http://rdfs.org/ns/void#"}


class NotAcceptable(Exception):
    def __init__(self, kind: str, offered: list[str]):
        super().__init__(f"no acceptable media type for {kind}; available: {', '.join(offered)}")
        self.offered = offered


class UnknownFormat(Exception):
    pass


@dataclass(frozen=True)
class Format:
    key: str  # stable name, passed to the worker
    media_type: str
    kind: str  # "results" or "graph"
    names: tuple[str, ...] = ()  # values of format=
    aliases: tuple[str, ...] = ()  # further media types that select it
    charset: bool = True
    boolean: bool = True  # results formats: can carry an ASK answer
    oxigraph: object = None  # graph formats: the pyoxigraph RdfFormat

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


# --- result-set serialisers ---------------------------------------------------------


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _json_term(t.subject), "predicate": _json_term(t.predicate), "object": _json_term(t.object)}}
    raise TypeError(type(t))


def results_json(variables, rows, truncated, max_rows) -> bytes:
    out = {"head": {"vars": variables}, "results": {"bindings": [
        {v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]}}
    if truncated:
        out["truncated"] = {"max_rows": max_rows,
                            "message": f"the result has more than {max_rows} rows; only the first {max_rows} are given"}
    return json.dumps(out, ensure_ascii=False).encode()


def boolean_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode()


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}"
                f"</predicate><object>{_xml_term(t.object)}</object></triple>")
    raise TypeError(type(t))


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def results_xml(variables, rows, truncated, max_rows) -> bytes:
    out = [_XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    if truncated:
        out.append(f"<link href={quoteattr(TRUNCATED_LINK)}/>")
    out.append("</head>\n<results>\n")
    for row in rows:
        out.append("<result>")
        for v, t in zip(variables, row):
            if t is not None:
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


def boolean_xml(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n".encode()


def _csv_field(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        s = "_:" + t.value
    elif isinstance(t, (ox.NamedNode, ox.Literal)):
        s = t.value
    else:
        s = str(t)
    if any(c in s for c in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def results_csv(variables, rows, truncated, max_rows) -> bytes:
    lines = [",".join(variables)]
    lines += [",".join(_csv_field(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _tsv_field(t) -> str:
    if t is None:
        return ""
    return str(t).replace("\t", "\\t")  # pyoxigraph's str() is the N-Triples form


def results_tsv(variables, rows, truncated, max_rows) -> bytes:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(_tsv_field(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


# --- graph serialiser ---------------------------------------------------------------


def serialize_graph(fmt: "Format", triples, truncated: bool = False, max_rows: int = 0) -> bytes:
    kwargs = {}
    if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        kwargs["prefixes"] = SERIALIZER_PREFIXES
    body = ox.serialize(triples, format=fmt.oxigraph, **kwargs) or b""
    if truncated and fmt.key in ("turtle", "ntriples", "nquads", "trig"):
        body = f"# truncated: more than {max_rows} triples; only the first {max_rows} are given\n".encode() + body
    return body


# --- the registry -------------------------------------------------------------------

RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "results", ("json", "srj"), ("application/json",)),
    Format("xml", "application/sparql-results+xml", "results", ("xml", "srx"), ("application/xml", "text/xml")),
    Format("csv", "text/csv", "results", ("csv",), (), boolean=False),
    Format("tsv", "text/tab-separated-values", "results", ("tsv",), (), boolean=False),
)

#: the RDF syntaxes a graph is answered in (the first is the default), from the one registry
GRAPH_FORMATS: tuple[Format, ...] = tuple(
    Format(s.key, s.media_type, "graph", s.names, s.aliases + s.answers_to, oxigraph=s.oxigraph)
    for s in map(formats.BY_KEY.get, ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"))
)

RESULT_SERIALIZERS: dict[str, Callable] = {"json": results_json, "xml": results_xml, "csv": results_csv, "tsv": results_tsv}
BOOLEAN_SERIALIZERS: dict[str, Callable] = {"json": boolean_json, "xml": boolean_xml}

BY_KEY: dict[str, Format] = {f.key: f for f in RESULT_FORMATS + GRAPH_FORMATS}


def table(kind: str, *, boolean: bool = False) -> tuple[Format, ...]:
    formats = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
    return tuple(f for f in formats if f.boolean) if boolean else formats


def best_of(accept: str | None, media_types) -> str | None:
    """The media type of ``media_types`` the client prefers (ties: the first), or None."""
    ranges = _parse_ranges(accept)
    best, best_q = None, 0.0
    for mt in media_types:
        q = _quality(mt, ranges)
        if q > best_q:
            best, best_q = mt, q
    return best


def negotiate(accept: str | None, kind: str, override: str | None = None, *, boolean: bool = False,
              extra: tuple[str, ...] = ()) -> Format | str:
    """The format to answer with. ``extra`` media types (e.g. text/html) are returned as a
    string when they win. Raises :class:`NotAcceptable` (406) or :class:`UnknownFormat` (400)."""
    formats = table(kind, boolean=boolean)
    if override:
        wanted = override.strip().lower()
        for f in formats:
            if wanted in f.names or wanted == f.media_type or wanted in f.aliases:
                return f
        if any(wanted in f.names or wanted == f.media_type for f in RESULT_FORMATS + GRAPH_FORMATS):
            raise NotAcceptable(kind, [f.media_type for f in formats])
        raise UnknownFormat(f"unknown format {override!r}; known: "
                            + ", ".join(n for f in formats for n in f.names[:1]))
    offered: list[tuple[str, Format | str]] = [(f.media_type, f) for f in formats]  # first: the default
    offered += [(mt, f) for f in formats for mt in f.aliases]
    offered += [(mt, mt) for mt in extra]
    best, best_q = None, 0.0
    ranges = _parse_ranges(accept)
    for media_type, target in offered:
        q = _quality(media_type, ranges)
        if q > best_q:
            best, best_q = target, q
    if best is None:
        raise NotAcceptable(kind, [f.media_type for f in formats])
    return best


def _parse_ranges(accept: str | None) -> list[tuple[str, str, float]]:
    """``text/*;q=0.5, */*`` -> [("text", "*", 0.5), ("*", "*", 1.0)]; no header: ``*/*``."""
    if not accept or not accept.strip():
        return [("*", "*", 1.0)]
    ranges = []
    for part in accept.split(","):
        items = [p.strip() for p in part.split(";")]
        media = items[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        main, sub = media.split("/", 1)
        q = 1.0
        for param in items[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((main, sub, q))
    return ranges


def _quality(media_type: str, ranges) -> float:
    """The q of the most specific range matching ``media_type`` (0 if none)."""
    main, sub = media_type.split("/", 1)
    best_specificity, q = -1, 0.0
    for rmain, rsub, rq in ranges:
        if rmain == main and rsub == sub:
            specificity = 2
        elif rmain == main and rsub == "*":
            specificity = 1
        elif rmain == "*" and rsub == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, q = specificity, rq
    return q


def triples_body(triples, fmt: Format) -> bytes:
    return serialize_graph(fmt, list(triples))


__all__ = [
    "Format", "RESULT_FORMATS", "GRAPH_FORMATS", "BY_KEY", "negotiate", "NotAcceptable", "UnknownFormat",
    "RESULT_SERIALIZERS", "BOOLEAN_SERIALIZERS", "serialize_graph", "table",
]
