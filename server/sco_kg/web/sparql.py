"""The SPARQL 1.1 Protocol, query operation, at ``/sparql`` (read-only).

* ``GET /sparql?query=...``, ``POST`` ``application/x-www-form-urlencoded`` (``query=`` in
  the body; dataset parameters in the body or the URL), ``POST application/sparql-query``
  (the body is the query; dataset parameters in the URL). ``GET /sparql`` without a query:
  the service description (:mod:`.service_description`).
* Parameters are percent-decoded exactly once, here (:func:`decode_params`), as strict UTF-8:
  invalid UTF-8, raw or percent-encoded, is a 400.
* ``default-graph-uri``/``named-graph-uri`` replace the dataset (and any FROM of the query);
  a graph not in the store is an empty graph, never fetched. Without them, the default
  graph is the union of every graph but ``kgg:proofs``, unless the query has FROM/FROM
  NAMED (graphs of the store only: see :mod:`.limits`).
* Errors: 400 two queries, an update, a dataset parameter that is not an IRI; 405 other
  methods; 413 too large; 415 other media types or charsets; 406 no acceptable format. The
  query runs through :func:`.query_runner.run_query`, whose failures answer as
  :data:`.errors.FAILURES` says (400 refused or syntax with line and column, 503 timeout or
  busy workers, 500 the engine, 502 the backend store of ``serve --backend``).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from . import conneg, service_description
from .app import current_kg
from .errors import ApiError
from .params import decode_params, iri_param, require_utf8_charset, url_params
from .query_runner import run_query

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
TRUNCATED_HEADER = "SPARQL-Results-Truncated"


UPDATE_ELSEWHERE = ("SPARQL Update is not accepted here: /sparql is read-only; send updates to /update "
                    "(POST, with a token that may update)")


def read_request() -> tuple[list[str], list[tuple[str, str]]]:
    """The queries given and every other parameter, whatever the request form."""
    params = url_params()
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            require_utf8_charset()
            params += decode_params(request.get_data(cache=False), "form body")
        elif mimetype == QUERY:
            require_utf8_charset()
            try:
                body = request.get_data(cache=False).decode("utf-8")
            except UnicodeDecodeError:
                raise ApiError(400, "the query is not valid UTF-8") from None
            if any(k == "query" for k, _ in params):
                raise ApiError(400, "two queries: the body is the query, and the URL has a query= parameter too")
            params.append(("query", body))
        elif mimetype == UPDATE:
            raise ApiError(400, UPDATE_ELSEWHERE)
        elif not mimetype:
            raise ApiError(415, f"a POST needs a Content-Type: {FORM} or {QUERY}",
                           headers={"Accept-Post": f"{FORM}, {QUERY}"})
        else:
            raise ApiError(415, f"unsupported media type {mimetype!r}: use {FORM} or {QUERY}",
                           headers={"Accept-Post": f"{FORM}, {QUERY}"})
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise ApiError(400, UPDATE_ELSEWHERE)
    queries = [v for k, v in params if k == "query"]
    return queries, params


def _graph_list(params, name: str) -> list[str]:
    return [iri_param(name, v) for k, v in params if k == name]


def _negotiate(form: str | None, override: str | None):
    accept = request.headers.get("Accept")
    results_fmt = graph_fmt = None
    try:
        if form in ("SELECT", "ASK"):
            results_fmt = conneg.negotiate(accept, "results", override, boolean=form == "ASK")
        elif form in ("CONSTRUCT", "DESCRIBE"):
            graph_fmt = conneg.negotiate(accept, "graph", override)
    except conneg.NotAcceptable as exc:
        raise ApiError(406, str(exc), available=exc.offered) from None
    except conneg.UnknownFormat as exc:
        raise ApiError(400, str(exc)) from None
    for kind in ("results", "graph"):  # the other kind, in case the engine disagrees on the form
        if (results_fmt if kind == "results" else graph_fmt) is None:
            try:
                fmt = conneg.negotiate(accept, kind, override)
            except (conneg.NotAcceptable, conneg.UnknownFormat):
                fmt = conneg.table(kind)[0]
            if kind == "results":
                results_fmt = fmt
            else:
                graph_fmt = fmt
    return results_fmt, graph_fmt


def respond(query: str, params: list[tuple[str, str]], *, base_iri: str | None = None) -> Response:
    """Run one query with the request's dataset and format parameters, and answer it."""
    default_graphs = _graph_list(params, "default-graph-uri")
    named_graphs = _graph_list(params, "named-graph-uri")
    protocol_dataset = bool(default_graphs or named_graphs)
    formats = [v for k, v in params if k == "format"]
    override = formats[-1] if formats else None

    def choose(form: str | None) -> tuple[str, str]:
        results_fmt, graph_fmt = _negotiate(form, override)
        return results_fmt.key, graph_fmt.key

    max_rows = current_kg().settings["max_rows"]
    reply = run_query(query, formats=choose, base_iri=base_iri, max_rows=max_rows,
                      default_graphs=default_graphs if protocol_dataset else None,
                      named_graphs=named_graphs if protocol_dataset else None)
    fmt = conneg.BY_KEY[reply.format_key]
    resp = Response(reply.body, content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    if reply.truncated:
        resp.headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
    return resp


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def endpoint():
    queries, params = read_request()
    if len(queries) > 1:
        raise ApiError(400, f"{len(queries)} queries: send one query per request")
    if not queries:
        if request.method in ("GET", "HEAD"):
            return service_description.respond()
        raise ApiError(400, "no query: give a query= parameter (or POST application/sparql-query)")
    return respond(queries[0], params, base_iri=request.base_url)
