"""Graph Store Protocol, read side, and the build's dumps.

* ``GET /graph?graph=IRI``: that named graph; ``GET /graph?default``: the default graph,
  which on this endpoint is the union of every graph but ``kgg:proofs`` (as in SPARQL;
  ``?graph=`` that IRI reads the proofs). Every graph syntax by conneg or ``format=``; 404
  for a graph the dataset does not hold; 400 for both or neither parameter, or a ``graph``
  that is not an IRI. No other method: the store is read-only (405). A worker serialises
  the graph under the timeout; its failures answer as :data:`.errors.FAILURES` says (503
  timeout or busy, 502 the backend store...).
* ``GET /dumps/<file>``: ``sco-kg.trig`` and ``sco-kg.nq`` (named graphs kept),
  ``sco-kg.ttl`` (the union), ``summary.json``, as written by the build's export.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, send_from_directory

from ..rdf import formats
from . import conneg
from .app import current_kg
from .errors import ApiError
from .params import iri_param, url_params
from .service_description import dump_files

bp = Blueprint("graph_store", __name__)


@bp.route("/graph", methods=["GET"])
def graph():
    kg = current_kg()
    params = url_params()
    names = [v for k, v in params if k == "graph"]
    default = any(k == "default" for k, _ in params)
    if len(names) + int(default) != 1:
        raise ApiError(400, "give exactly one of ?graph=IRI or ?default")
    if names and iri_param("graph", names[0]) not in kg.graphs:
        raise ApiError(404, f"no graph <{names[0]}> in this dataset")
    override = next((v for k, v in reversed(params) if k == "format"), None)
    try:
        fmt = conneg.negotiate(request.headers.get("Accept"), "graph", override)
    except conneg.NotAcceptable as exc:
        raise ApiError(406, str(exc), available=exc.offered) from None
    except conneg.UnknownFormat as exc:
        raise ApiError(400, str(exc)) from None
    job = {"op": "graph", "graph": names[0] if names else None, "graph_format": fmt.key}
    reply = kg.executor.query(job, kg.settings["timeout"])
    resp = Response(reply.body, content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    return resp


def _media_type(name: str) -> str:
    """A dump's media type: its RDF syntax's (:mod:`sco_kg.rdf.formats`), or JSON for summary.json."""
    if name.endswith(".json") and not name.endswith(".jsonld"):
        return "application/json; charset=utf-8"
    try:
        syntax = formats.by_extension(name)
    except formats.UnknownSyntax:
        return "application/octet-stream"
    return syntax.media_type + ("" if syntax.key == "jsonld" else "; charset=utf-8")


@bp.route("/dumps/")
def dumps_index():
    kg = current_kg()
    return {"dumps": [{"name": n, "url": f"/dumps/{n}"} for n in dump_files(kg)]}


@bp.route("/dumps/<name>")
def dump(name: str):
    kg = current_kg()
    if not kg.dumps_dir or (name not in dump_files(kg) and name != "summary.json"):
        abort(404)
    if not (kg.dumps_dir / name).is_file():
        abort(404)
    resp = send_from_directory(kg.dumps_dir, name, mimetype=_media_type(name))
    return resp
