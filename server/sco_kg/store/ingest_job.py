"""One ingest (POST /data), as the ingest's child process does it (:mod:`.ingest_child`
runs it, confined): read the body, name its graphs, run the one pipeline over the served
data plus the body, and, when it passes, write the log entry and the next generation.

What is stored:

* a body of triples (Turtle, N-Triples, RDF/XML, or a dataset with no named graph) goes
  into one graph: ``?graph=`` or ``<https://w3id.org/sco-kg/graph/ingested/<uuid>>``,
  described by the ingest: ``<graph> a prov:Entity ; prov:generatedAtTime now ;
  dcterms:source <url>`` (or the client's text);
* a dataset (TriG, N-Quads, JSON-LD with named graphs) keeps its graphs (each must be named
  by an IRI outside the build's namespace and new: else 400 or 409), and the ingest's own
  graph holds the description above plus ``dcterms:hasPart`` each of them. The graphs a
  dataset names are checked by the provenance rules, as ``sco-kg validate`` checks them
  (derived from a span, or described as editorial): the ingest's description does not
  vouch for them.

The pipeline is the build's (:func:`sco_kg.pipeline.check.check`, the closure bounded by
the job's limits): the same verdict as ``sco-kg validate --with-kg`` and ``POST
/validate?with-kg=true`` on the same body, and the same report. The log entry holds
exactly the graphs that were checked; the next generation is the pipeline's dataset.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from ..core.errors import InputError, ReasoningLimitExceeded
from ..pipeline.check import check
from ..pipeline.reasoning_limits import ReasoningLimits
from ..pipeline.report_formats import render
from ..pipeline.sources import Input, Sources, log_input
from ..pipeline.validate import DEFAULT_VALIDATOR
from ..rdf.terms import to_oxigraph
from ..rdf.untrusted import UntrustedInputError, parse_untrusted, syntax_for
from .disk import generation_from_dataset

INGESTED_BASE = "https://w3id.org/sco-kg/graph/ingested/"
RESERVED_BASE = "https://w3id.org/sco-kg/graph/"  # the build's graphs: not a client's to name
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


class IngestRefused(Exception):
    """The ingest is refused: ``status`` (400, 409, 413, 415, 422, 503...), a message, details."""

    def __init__(self, status: int, message: str, **detail):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail


#: the longest graph name a client may give (POST /data, and every change: updates, Graph Store writes)
MAX_GRAPH_NAME = 2000


def check_graph_name(name: str) -> str:
    """A graph a client may name: an absolute IRI outside the build's namespace (ingested/ aside)."""
    if len(name) > MAX_GRAPH_NAME or not _IRI.match(name):
        raise IngestRefused(400, f"graph {name[:200]!r} is not an absolute IRI")
    if name.startswith(RESERVED_BASE) and not name.startswith(INGESTED_BASE):
        raise IngestRefused(409 if name.rstrip("/") != RESERVED_BASE.rstrip("/") else 400,
                            f"graph <{name}> is in the build's namespace {RESERVED_BASE}: "
                            f"choose another name (or one under {INGESTED_BASE})")
    return name


def check_source(source: str | None) -> str | None:
    if source is not None and (len(source) > 2000 or not source.strip()):
        raise IngestRefused(400, "source must be a URL or a text of 1 to 2000 characters")
    return source


def prepare(job: dict) -> dict:
    """Parse, check with the served data, write the entry and the next generation: the result dict."""
    try:
        return _prepare(job)
    except IngestRefused as exc:
        return {"status": exc.status, "message": exc.message, **exc.detail}


def _prepare(job: dict) -> dict:
    seconds = {}
    t = time.perf_counter()
    body_path = Path(job["body"])
    try:  # read once here to name its graphs; the pipeline reads it again, with everything
        syntax = syntax_for(job["media_type"])
        parsed = parse_untrusted(body_path.read_bytes(), job["media_type"], base=job["base"],
                                 max_bytes=job["max_bytes"], max_triples=job["max_triples"])
    except UntrustedInputError as exc:
        return {"status": exc.status, "message": exc.message, "line": exc.line, "column": exc.column}
    named = sorted((g.identifier for g in parsed.graphs() if g.identifier != parsed.default_graph.identifier
                    and len(g)), key=str)
    triples = len(parsed)
    if not triples:
        raise IngestRefused(400, "the body holds no triples")
    graph = job["graph"]
    if named and job.get("graph_given"):
        raise IngestRefused(400, "the body is a dataset that names its own graphs: ?graph= is for a body of "
                                 "triples (Turtle, N-Triples, RDF/XML)")
    record = body_path.with_name("record.nq")
    record.write_bytes(_record(URIRef(graph), named, job))
    seconds["parse"] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    body = Input(body_path, syntax=syntax.key, graph=graph, max_triples=job["max_triples"], name="the body")
    # the log's entries are read as the inputs they were (as a rebuild reads them), the
    # ingest's own description of this body as served data (it is not the client's)
    log = [log_input(p) for p in job["log"]]
    sources = Sources.of_served([*job["sources"], record], extra=[*log, body])
    checked = check_job(sources, job)
    seconds["check"] = round(time.perf_counter() - t, 3)
    if not checked.conforms:
        return {"status": 422, "report": render(checked.report, job["report_format"]).decode("utf-8")}
    _check_names(named, job)  # what is wrong with the data first (as every door says), then where it goes

    t = time.perf_counter()
    dataset = checked.result.dataset
    added = [URIRef(graph), *named]
    entry = [q for name in added for q in quads_of_graph(dataset, name)]
    Path(job["entry"]).write_bytes(ox.serialize(entry, format=ox.RdfFormat.N_QUADS))
    quads = generation_from_dataset(Path(job["new"]), dataset, job["log"])
    seconds["store"] = round(time.perf_counter() - t, 3)
    return {"status": 201, "quads": quads, "triples": len(entry), "graphs": [str(g) for g in named],
            "seconds": seconds}


def check_job(sources: Sources, job: dict):
    """The one pipeline over ``sources`` within the job's bounds and with its validator, as
    every writer runs it (an ingest, a change): its verdict, or the refusal (400 unreadable,
    413 past the closure's bound)."""
    try:
        limits = ReasoningLimits(**job["limits"]) if job.get("limits") else None
        return check(sources, validator=job.get("validator", DEFAULT_VALIDATOR), limits=limits, proofs=True)
    except InputError as exc:
        raise IngestRefused(400, exc.message, line=exc.line, column=exc.column) from None
    except ReasoningLimitExceeded as exc:
        raise IngestRefused(413, str(exc), reason="reasoning") from None


def _check_names(named: list, job: dict) -> None:
    """The graphs a dataset body names may be stored: IRIs, outside the build's namespace, new."""
    existing = set(job.get("existing") or ())
    for name in named:
        if isinstance(name, BNode):
            raise IngestRefused(400, "a graph of the body is named by a blank node: name it with an IRI, so that "
                                     "it can be found again")
        check_graph_name(str(name))
        if str(name) in existing:
            raise IngestRefused(409, f"graph <{name}> already exists: choose another name")


def _record(graph: URIRef, named: list, job: dict) -> bytes:
    """The ingest's description of what it stored, in ``graph`` (N-Quads)."""
    triples = [(graph, RDF.type, PROV.Entity),
               (graph, PROV.generatedAtTime, Literal(job["time"], datatype=XSD.dateTime))]
    source = job.get("source")
    if source:
        triples.append((graph, DCTERMS.source, URIRef(source) if URL.match(source) else Literal(source)))
    triples += [(graph, DCTERMS.hasPart, name) for name in named]
    name = to_oxigraph(graph)
    return ox.serialize([ox.Quad(*map(to_oxigraph, t), name) for t in triples], format=ox.RdfFormat.N_QUADS)


def quads_of_graph(dataset, name) -> list:
    """The pyoxigraph quads of one graph of ``dataset``."""
    graph = to_oxigraph(name)
    return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph) for s, p, o in dataset.graph(name)]
