"""POST /data: the one route that writes, behind a bearer token (:mod:`sco_kg.store.ingest` does the work).

* A token with the right to ingest (:mod:`.tokens`: ``SCO_KG_INGEST_TOKEN``, or
  ``serve --ingest-token-file FILE``). None configured: 403, the server stays read-only.
  Missing or wrong: 401 with ``WWW-Authenticate: Bearer``; a token that may only update: 403.
* A token needs the on-disk store (``serve --store DIR``): with the in-memory store the app
  refuses to start (an ingest would be lost at the next restart). With ``serve --backend``
  (another store answers the queries) the route answers 501.
* A body of triples goes into one graph: ``?graph=IRI`` (409 if it exists), else one
  minted under ``https://w3id.org/sco-kg/graph/ingested/``; a dataset keeps the graphs it
  names (:mod:`sco_kg.store.ingest_job`). ``?source=`` (a URL or a text) is recorded with
  the time. The body's syntax comes from Content-Type.
* 201 with ``Location`` (the ingest's graph through the Graph Store Protocol) and a JSON
  summary (``graph``, ``graphs`` a dataset named, ``triples``); 422 with the report of the
  one pipeline (JSON summary, Turtle or JSON-LD by Accept: the same report as ``POST
  /validate?with-kg=true``), nothing written; 413 past a limit (the body, its triples, the
  closure, the memory of the check); 4xx from the parser with line and column.

Config keys: ``SCO_KG_INGEST_TOKEN``, ``SCO_KG_INGEST_MAX_TRIPLES`` (100,000 by default),
``SCO_KG_INGEST_TIMEOUT`` (seconds for the check and store of one ingest, 300 by default),
``SCO_KG_INGEST_MAX_MEMORY_MB`` (the address space of the ingest's child process, 4096 by
default; 0: no cap). The child runs in an empty network namespace when the OS allows it.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from flask import Blueprint, Response, current_app, json, request

from ..core.errors import ConfigError
from ..pipeline.check import strangers_limits
from ..rdf.untrusted import ACCEPTED, UntrustedInputError, syntax_for
from ..pipeline.report_formats import CONTENT_TYPES, REPORT_MEDIA_TYPES
from ..store.ingest import Accepted, Ingestor, IngestRefused
from .conneg import best_of
from .errors import ApiError
from .params import iri_param, url_params
from .tokens import authorize, has_right

bp = Blueprint("ingest", __name__)

EXTENSION = "sco_kg_ingest"
DEFAULT_MAX_TRIPLES = 100_000
DEFAULT_TIMEOUT = 300.0
DEFAULT_MAX_MEMORY_MB = 4096
CURATE_BUILD_GRAPHS = "SCO_KG_CURATE_BUILD_GRAPHS"


def _setting(config, name: str, default, kind):
    value = config.get(name, os.environ.get(name))
    return default if value in (None, "") else kind(value)


@bp.record_once
def _setup(state) -> None:
    """At registration: the store's writer (an Ingestor: ingests and changes, one at a time)
    when a token may ingest or update (and the store is on disk)."""
    app = state.app
    app.extensions[EXTENSION] = None
    if not (has_right(app.config, "ingest") or has_right(app.config, "update")):
        return
    kg = app.extensions["sco_kg"]
    if getattr(kg.loaded, "remote", False):
        return  # serve --backend: 501 at the route
    if getattr(kg.loaded, "store_root", None) is None:
        raise ConfigError("an ingest or update token is configured but the store is in memory: a write would "
                          "be lost at the next restart; serve with --store DIR (or configure no token)")
    app.extensions[EXTENSION] = Ingestor(
        kg.loaded, kg.replace_store,
        max_bytes=kg.settings["max_request_bytes"],
        max_triples=_setting(app.config, "SCO_KG_INGEST_MAX_TRIPLES", DEFAULT_MAX_TRIPLES, int),
        timeout=_setting(app.config, "SCO_KG_INGEST_TIMEOUT", DEFAULT_TIMEOUT, float),
        max_memory_mb=_setting(app.config, "SCO_KG_INGEST_MAX_MEMORY_MB", DEFAULT_MAX_MEMORY_MB, int),
        base=kg.base,
        validator=kg.settings["validator"],
        limits=strangers_limits(kg.settings),
        curate_build_graphs=str(_setting(app.config, CURATE_BUILD_GRAPHS, False, str)).lower() in ("1", "true", "yes"),
    )


def writer() -> Ingestor:
    """The store's writer, or 501 when another store holds the data (serve --backend)."""
    ingestor: Ingestor | None = current_app.extensions.get(EXTENSION)
    if ingestor is None:
        raise ApiError(501, "this server does not hold its data (serve --backend): write into the backend store")
    return ingestor


@bp.route("/data", methods=["POST"])
def ingest():
    authorize("ingest", "POST /data")
    ingestor = writer()
    params = url_params()
    graphs = [iri_param("graph", v) for k, v in params if k == "graph"]
    sources = [v for k, v in params if k == "source"]
    if len(graphs) > 1 or len(sources) > 1:
        raise ApiError(400, "give ?graph= and ?source= at most once each")
    media_type = request.headers.get("Content-Type")
    try:
        syntax_for(media_type)
    except UntrustedInputError as exc:
        raise ApiError(exc.status, exc.message, headers={"Accept-Post": ACCEPTED}) from None
    best = best_of(request.headers.get("Accept"), tuple(REPORT_MEDIA_TYPES))
    if best is None:
        raise ApiError(406, "no acceptable media type for a validation report; available: "
                       + ", ".join(REPORT_MEDIA_TYPES), available=list(REPORT_MEDIA_TYPES))
    report_format = REPORT_MEDIA_TYPES[best]
    body = request.get_data(cache=False)
    try:
        outcome = ingestor.ingest(body, media_type, graph=graphs[0] if graphs else None,
                                  source=sources[0] if sources else None, report_format=report_format)
    except IngestRefused as exc:
        headers = {"Retry-After": "5"} if exc.status == 503 else None
        raise ApiError(exc.status, exc.message, headers=headers, **exc.detail) from None
    if isinstance(outcome, Accepted):
        location = "/graph?graph=" + quote(outcome.graph, safe="")
        payload = {"ok": True, "status": 201, "graph": outcome.graph, "graphs": outcome.graphs,
                   "triples": outcome.triples, "location": location, "seconds": outcome.seconds}
        resp = Response(json.dumps(payload) + "\n", status=201, content_type="application/json; charset=utf-8")
        resp.headers["Location"] = location
        return resp
    resp = Response(outcome.body, status=422, content_type=CONTENT_TYPES[outcome.report_format])
    resp.headers["Vary"] = "Accept"
    return resp
