"""The SPARQL Service Description (``GET /sparql`` without a query) with a VoID
description of the dataset: triples, entities (distinct IRI subjects), classes, properties,
distinct subjects and objects, for the union default graph and for each named graph; the
dumps and each graph's Graph Store URL as ``void:dataDump``. The dataset's counts are the
union default graph's, which leaves ``kgg:proofs`` out; that graph is described as in the
dumps' void.ttl (:data:`sco_kg.store.export.PROOFS_DESCRIPTION`).

Served in every graph format by content negotiation; a browser (``text/html`` preferred)
is sent to the UI at ``/`` (303). ``/.well-known/void`` answers the same description.
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request

from ..rdf.namespaces import PROOFS_GRAPH
from ..store.export import PROOFS_DESCRIPTION
from . import conneg, queries
from .app import current_kg
from .errors import ApiError
from .params import url_params

bp = Blueprint("service_description", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCTERMS = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


#: the VoID counts (queries/void-*.rq), run by this process on its own store: trusted, no timeout
VOID_GRAPHS = queries.load("void-graphs")
VOID_GRAPH_ENTITIES = queries.load("void-graph-entities")
VOID_GRAPH_CLASSES = queries.load("void-graph-classes")
VOID_UNION = queries.load("void-union")
VOID_UNION_ENTITIES = queries.load("void-union-entities")
VOID_UNION_CLASSES = queries.load("void-union-classes")


def compute_stats(store: ox.Store) -> dict:
    """VoID counts: {"union": {...}, "graphs": {iri: {...}}} (the app's own trusted queries)."""
    graphs: dict[str, dict] = {}
    for row in store.query(VOID_GRAPHS):
        if isinstance(row["g"], ox.NamedNode):
            graphs[row["g"].value] = {k: int(row[k].value) for k in ("triples", "subjects", "properties", "objects")}
    for query, key in ((VOID_GRAPH_ENTITIES, "entities"), (VOID_GRAPH_CLASSES, "classes")):
        for row in store.query(query):
            if isinstance(row["g"], ox.NamedNode) and row["g"].value in graphs:
                graphs[row["g"].value][key] = int(row["n"].value)
    for g in graphs.values():
        g.setdefault("entities", 0)
        g.setdefault("classes", 0)
    row = next(iter(store.query(VOID_UNION)))
    union = {k: int(row[k].value) for k in ("triples", "subjects", "properties", "objects")}
    union["entities"] = int(next(iter(store.query(VOID_UNION_ENTITIES)))["n"].value)
    union["classes"] = int(next(iter(store.query(VOID_UNION_CLASSES)))["n"].value)
    return {"union": union, "graphs": dict(sorted(graphs.items()))}


def _void_counts(node, stats: dict):
    for key, prop in (("triples", "triples"), ("entities", "entities"), ("classes", "classes"),
                      ("properties", "properties"), ("subjects", "distinctSubjects"),
                      ("objects", "distinctObjects")):
        yield ox.Triple(node, _n(VOID + prop), _int(stats.get(key, 0)))


def description_triples(root: str, stats: dict, dumps: list[str], base: str) -> list[ox.Triple]:
    """The description of the service at ``root`` (e.g. ``http://host/``)."""
    endpoint = _n(root + "sparql")
    dataset = _n(root + "sparql#dataset")
    default = _n(root + "sparql#default-graph")
    t = ox.Triple
    out = [
        t(endpoint, RDF_TYPE, _n(SD + "Service")),
        t(endpoint, _n(SD + "endpoint"), endpoint),
        t(endpoint, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        t(endpoint, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        t(endpoint, _n(SD + "defaultDataset"), dataset),
        t(endpoint, _n(DCTERMS + "description"), ox.Literal(
            "Read-only SPARQL 1.1 endpoint: no SERVICE, no update, FROM only with graphs of this dataset; "
            "queries are stopped at the time limit and results cut at the row limit (marked as truncated).",
            language="en")),
    ]
    for fmt in conneg.RESULT_FORMATS:
        out.append(t(endpoint, _n(SD + "resultFormat"), _n(_format_iri(fmt))))
    for fmt in conneg.GRAPH_FORMATS:
        out.append(t(endpoint, _n(SD + "resultFormat"), _n(fmt.oxigraph.iri)))
    out += [
        t(dataset, RDF_TYPE, _n(SD + "Dataset")),
        t(dataset, RDF_TYPE, _n(VOID + "Dataset")),
        t(dataset, _n(VOID + "sparqlEndpoint"), endpoint),
        t(dataset, _n(VOID + "uriSpace"), ox.Literal(base + "id/")),
        t(dataset, _n(SD + "defaultGraph"), default),
        t(default, RDF_TYPE, _n(SD + "Graph")),
        t(default, RDF_TYPE, _n(VOID + "Dataset")),
        t(default, _n(VOID + "dataDump"), _n(root + "graph?default")),
        t(default, _n(DCTERMS + "description"),
          ox.Literal("the union of every named graph but kgg:proofs, the proofs of kgg:inferred", language="en")),
    ]
    out += _void_counts(dataset, stats["union"])
    out += _void_counts(default, stats["union"])
    for name in dumps:
        out.append(t(dataset, _n(VOID + "dataDump"), _n(root + "dumps/" + name)))
    for iri, gstats in stats["graphs"].items():
        named = ox.BlankNode()
        gsp = _n(root + "graph?graph=" + quote(iri, safe=""))
        out += [
            t(dataset, _n(SD + "namedGraph"), named),
            t(named, RDF_TYPE, _n(SD + "NamedGraph")),
            t(named, _n(SD + "name"), _n(iri)),
            t(named, _n(SD + "graph"), gsp),
            t(gsp, RDF_TYPE, _n(SD + "Graph")),
            t(gsp, RDF_TYPE, _n(VOID + "Dataset")),
            t(gsp, _n(VOID + "dataDump"), gsp),
            t(dataset, _n(VOID + "subset"), gsp),
        ]
        out += _void_counts(gsp, gstats)
        if iri == str(PROOFS_GRAPH):
            out.append(t(gsp, _n(DCTERMS + "description"), ox.Literal(PROOFS_DESCRIPTION, language="en")))
    return out


def _format_iri(fmt) -> str:
    return {"json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
            "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
            "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
            "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV"}[fmt.key]


def dump_files(kg) -> list[str]:
    if not kg.dumps_dir or not kg.dumps_dir.is_dir():
        return []
    return sorted(p.name for p in kg.dumps_dir.iterdir() if p.is_file() and p.name.startswith("sco-kg."))


def respond() -> Response:
    kg = current_kg()
    params = url_params()
    override = next((v for k, v in reversed(params) if k == "format"), None)
    try:
        fmt = conneg.negotiate(request.headers.get("Accept"), "graph", override, extra=("text/html",))
    except conneg.NotAcceptable as exc:
        raise ApiError(406, str(exc), available=exc.offered) from None
    except conneg.UnknownFormat as exc:
        raise ApiError(400, str(exc)) from None
    if fmt == "text/html":
        resp = redirect("/", code=303)
        resp.headers["Vary"] = "Accept"
        return resp
    root = request.url_root
    stats = kg.cached("void-stats", lambda: compute_stats(kg.store))
    roots = kg.cached("sd-roots", set)  # the Host header picks the root: cache a few only

    def make():
        return conneg.serialize_graph(fmt, description_triples(root, stats, dump_files(kg), kg.base))

    if root in roots or len(roots) < 8:
        roots.add(root)
        body = kg.cached(("sd", root, fmt.key), make)
    else:
        body = make()
    resp = Response(body, content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    return resp


@bp.route("/.well-known/void")
def well_known_void():
    return respond()
