"""Graph Store Protocol writes on ``/graph?graph=IRI``, behind a token that may update.

* ``PUT``: the graph becomes the body's triples (201 when it is new, else 200);
  ``POST``: the body's triples are added to it (201 when it is new); ``DELETE``: the graph
  is emptied and gone (404 when it does not exist). The body is any triple syntax the
  server reads (Content-Type; a dataset that names graphs is refused: that is ``POST /data``).
* ``?default``: 400. The default graph here is the union of the named graphs (read-only);
  every fact is written into a named graph.
* Each write is a change like an update (:mod:`sco_kg.store.change_job`): checked by the one
  pipeline, committed atomically or refused (422 with the report), recorded in
  ``kgg:history`` with the token's name and ``X-Change-Reason``. ``GET``/``HEAD`` stay open
  (:mod:`.graph_store`).
"""

from __future__ import annotations

from flask import Blueprint, request

from ..rdf.untrusted import ACCEPTED, UntrustedInputError, syntax_for
from .app import current_kg
from .change_response import change_reason, run_change
from .errors import ApiError
from .ingest_route import writer
from .params import iri_param, url_params
from .tokens import authorize

bp = Blueprint("graph_writes", __name__)


@bp.route("/graph", methods=["PUT", "POST", "DELETE"])
def write_graph():
    method = request.method
    agent = authorize("update", f"{method} /graph")
    ingestor = writer()
    params = url_params()
    names = [v for k, v in params if k == "graph"]
    if any(k == "default" for k, _ in params):
        raise ApiError(400, "the default graph of this store is the union of its named graphs (read-only): "
                            "write a named graph, ?graph=IRI")
    if len(names) != 1:
        raise ApiError(400, "give exactly one ?graph=IRI")
    graph = iri_param("graph", names[0])
    body = media_type = None
    if method in ("PUT", "POST"):
        media_type = request.headers.get("Content-Type")
        try:
            syntax_for(media_type)
        except UntrustedInputError as exc:
            raise ApiError(exc.status, exc.message, headers={"Accept-Post": ACCEPTED}) from None
        limit = current_kg().settings["max_request_bytes"]
        body = request.get_data(cache=False)
        if len(body) > limit:
            raise ApiError(413, f"the body is {len(body)} bytes, over the limit of {limit} bytes")
    return run_change(ingestor, method.lower(), agent=agent, graph=graph, body=body, media_type=media_type,
                      reason=change_reason(params), request=f"{method} <{graph}>")
