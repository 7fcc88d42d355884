"""The documents about a resource and their negotiation: ``<path>.html`` for browsers,
``.ttl``, ``.jsonld``, ``.nt``, ``.rdf`` (the triples) and ``.trig``, ``.nq`` (with their
graph names) for RDF clients, the graph formats of :mod:`..conneg`. A document chosen by
Accept names itself in ``Content-Location``; every one lists the others in ``Link``."""

from __future__ import annotations

from itertools import islice
from typing import Callable

import pyoxigraph as ox
from flask import Response, render_template, request

from ...rdf import formats
from .. import conneg
from ..app import current_kg
from ..errors import ApiError
from ..params import NOT_IN_IRI

#: document extension -> media type (HTML) or a graph format key of the conneg registry
EXTENSIONS: dict[str, str] = {"html": "text/html",
                              **{formats.BY_KEY[f.key].extension: f.key for f in conneg.GRAPH_FORMATS}}
EXTENSION_OF = {v: k for k, v in EXTENSIONS.items()}
QUAD_FORMATS = ("trig", "nquads")  # documents with their graph names (JSON-LD ones hold the triples)
NAMES = {"html": "HTML", "ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML",
         "trig": "TriG", "nq": "N-Quads"}
#: the header of an RDF document cut at its statement limit (its text says so in a comment too)
TRUNCATED_HEADER = "SCO-KG-Truncated"


def wants_html() -> bool:
    best = conneg.best_of(request.headers.get("Accept"), ("application/json", "text/html", "text/plain"))
    return best == "text/html"


def not_found(what: str):
    """404: an HTML page for browsers, the one error shape for others."""
    if wants_html():
        return render_template("not_found.html", message=what), 404
    raise ApiError(404, what)


def choose(extra_html: bool = True) -> str:
    """The extension of the document to answer with, by Accept (406 when nothing fits)."""
    override = request.args.get("format")
    try:
        fmt = conneg.negotiate(request.headers.get("Accept"), "graph", override,
                               extra=("text/html", "application/xhtml+xml") if extra_html else ())
    except conneg.NotAcceptable as exc:
        raise ApiError(406, str(exc) + ", text/html", available=exc.offered + ["text/html"]) from None
    except conneg.UnknownFormat as exc:
        raise ApiError(400, str(exc)) from None
    if isinstance(fmt, str):
        return "html"
    return EXTENSION_OF[fmt.key]


def capped(pattern, cap: int) -> tuple[list, bool]:
    """The first ``cap`` items of ``pattern``, and whether there were more."""
    items = list(islice(pattern, cap + 1))
    return items[:cap], len(items) > cap


def rdf_response(quads, ext: str, truncated: int = 0) -> Response:
    """``quads`` in the syntax of ``ext`` (triple syntaxes: the distinct triples); ``truncated``,
    when not 0, is the limit they were cut at."""
    fmt = conneg.BY_KEY[EXTENSIONS[ext]]
    quads = list(dict.fromkeys(quads))
    if fmt.key in QUAD_FORMATS:
        items = quads
    else:
        items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    body = conneg.serialize_graph(fmt, items, bool(truncated), truncated)
    resp = Response(body, content_type=fmt.content_type)
    if truncated:
        resp.headers[TRUNCATED_HEADER] = f"true; max-statements={truncated}"
    return resp


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(href, media type, name) of each document about the resource at ``path``."""
    out = []
    for ext, target in EXTENSIONS.items():
        mt = target if ext == "html" else conneg.BY_KEY[target].media_type
        out.append((f"{path}.{ext}", mt, NAMES[ext]))
    return out


def link_header(path: str) -> str:
    return ", ".join(f'<{href}>; rel="alternate"; type="{mt}"' for href, mt, _ in alternates(path))


def split_ext(rest: str) -> tuple[str, str | None]:
    """``russia.ttl`` -> (``russia``, ``ttl``); a name without a document extension -> (name, None)."""
    stem, dot, ext = rest.rpartition(".")
    if dot and ext in EXTENSIONS and stem:
        return stem, ext
    return rest, None


def iri_or_none(iri: str) -> ox.NamedNode | None:
    """The node named ``iri``, or None when a request path cannot be an IRI: it names
    nothing here (a 404, not an engine error)."""
    if NOT_IN_IRI.search(iri) or "\ufffd" in iri:
        return None
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def graph_rdf(graph_iri: str, ext: str) -> Response:
    """A whole named graph in RDF, serialised by a query worker (as the Graph Store does);
    the worker's failures answer as :data:`..errors.FAILURES` says."""
    kg = current_kg()
    fmt = conneg.BY_KEY[EXTENSIONS[ext]]
    reply = kg.executor.query({"op": "graph", "graph": graph_iri, "graph_format": fmt.key}, kg.settings["timeout"])
    return Response(reply.body, content_type=fmt.content_type)


def negotiated_document(path: str, ext: str | None, html: Callable[[], str], graph_iri: str) -> Response:
    """A document by conneg (``ext`` None) with Content-Location, or in the format of ``ext``."""
    negotiated = ext is None
    if negotiated:
        ext = choose()
    if ext == "html":
        resp = Response(html())
    else:
        resp = graph_rdf(graph_iri, ext)
    if negotiated:
        resp.headers["Content-Location"] = f"{path}.{ext}"
        resp.headers["Vary"] = "Accept"
    resp.headers["Link"] = link_header(path)
    return resp
