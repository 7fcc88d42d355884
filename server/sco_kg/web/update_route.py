"""``/update``: the SPARQL 1.1 Update protocol, behind a token that may update (:mod:`.tokens`).

* ``POST`` with ``application/sparql-update`` (the body is the update; UTF-8) or
  ``application/x-www-form-urlencoded`` (``update=``, exactly one); ``using-graph-uri`` and
  ``using-named-graph-uri`` in the URL (or the form) are the dataset of every operation that
  has a ``WHERE``, as ``USING``/``USING NAMED`` would be: given with a ``USING`` or ``WITH``
  in the text, 400 (SPARQL 1.1 Protocol, 2.2.3). ``GET`` is 405: an update changes state.
* The update is inspected before anything runs (:func:`.limits.inspect_query`): ``LOAD``
  and ``SERVICE`` are refused (400), as on the query side: nothing is ever fetched; the
  same bounds on size, nesting and operators.
* Then it is a change like any other (:mod:`sco_kg.store.change_job`): run on a copy of the
  served data, checked by the one pipeline, committed atomically or refused with 422 and the
  report; recorded in ``kgg:history`` with the token's name and the reason
  (:mod:`.change_response`).
* ``POST /history/ID/revert``: the change undone (its inverse patch, the data rows only),
  itself a checked change (``skg:reverts`` ID), refused like any other when the state it
  would make is invalid; nothing left to undo: 200 with ``"change": null``.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, request

from ..rdf.namespaces import HISTORY_GRAPH
from ..rdf.patch import Patch, read_patch, write_patch
from .app import current_kg
from .change_response import change_reason, run_change
from .errors import ApiError
from .history_route import change_entry
from .ingest_route import writer
from .limits import QueryRefused, inspect_query
from .params import decode_params, iri_param, require_utf8_charset, url_params
from .tokens import authorize

bp = Blueprint("update", __name__)

_HISTORY = ox.NamedNode(str(HISTORY_GRAPH))

FORM = "application/x-www-form-urlencoded"
UPDATE = "application/sparql-update"


@bp.route("/update", methods=["GET"])
def update_get():
    raise ApiError(405, "an update is sent with POST (application/sparql-update, or a form with update=)",
                   headers={"Allow": "POST"})


@bp.route("/update", methods=["POST"])
def update():
    agent = authorize("update", "POST /update")
    ingestor = writer()
    text, params = _read_update()
    using = [iri_param("using-graph-uri", v) for k, v in params if k == "using-graph-uri"]
    using_named = [iri_param("using-named-graph-uri", v) for k, v in params if k == "using-named-graph-uri"]
    settings = current_kg().settings
    try:
        info = inspect_query(text, base_iri=request.base_url, max_depth=settings["max_depth"],
                             max_operators=settings["max_operators"], allow_update=True)
    except QueryRefused as exc:
        line, column = exc.position or (None, None)
        raise ApiError(400, exc.message, reason=exc.kind, line=line, column=column) from None
    runnable = with_dataset(text, info, using, using_named)
    return run_change(ingestor, "update", agent=agent, update=runnable, reason=change_reason(params),
                      request=text, update_base=request.base_url)


def _read_update() -> tuple[str, list[tuple[str, str]]]:
    params = url_params()
    mimetype = request.mimetype
    require_utf8_charset()
    if mimetype == UPDATE:
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "the update is not valid UTF-8") from None
        if any(k == "update" for k, _ in params):
            raise ApiError(400, "two updates: the body is the update, and the URL has an update= parameter too")
        updates = [text]
    elif mimetype == FORM:
        params += decode_params(request.get_data(cache=False), "form body")
        updates = [v for k, v in params if k == "update"]
    else:
        raise ApiError(415, f"unsupported media type {mimetype or 'none'!r}: send {UPDATE}, or {FORM} with update=",
                       headers={"Accept-Post": f"{UPDATE}, {FORM}"})
    if any(k == "query" for k, _ in params):
        raise ApiError(400, "a query= parameter: queries go to /sparql")
    if len(updates) != 1:
        raise ApiError(400, f"{len(updates)} update= parameters: send exactly one")
    if not updates[0].strip():
        raise ApiError(400, "the update is empty")
    return updates[0], params


def with_dataset(text: str, info, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's dataset written as ``USING`` clauses before each
    ``WHERE`` of a ``DELETE``/``INSERT`` operation."""
    if not using and not using_named:
        return text
    if info.dataset_keywords:
        raise ApiError(400, "using-graph-uri / using-named-graph-uri given with USING or WITH in the update: "
                            "give the dataset one way (SPARQL 1.1 Protocol, 2.2.3)")
    if info.delete_where:
        raise ApiError(400, "using-graph-uri cannot apply to DELETE WHERE (it has no USING): write "
                            "DELETE { ... } WHERE { ... }")
    clause = " ".join([*(f"USING <{g}>" for g in using), *(f"USING NAMED <{g}>" for g in using_named)]) + " "
    out, last = [], 0
    for offset in info.where_offsets:
        out += [text[last:offset], clause]
        last = offset
    out.append(text[last:])
    return "".join(out)


@bp.route("/history/<change_id>/revert", methods=["POST"])
def revert(change_id: str):
    agent = authorize("update", "POST /history/ID/revert")
    ingestor = writer()
    entry = change_entry(change_id)
    patch = read_patch(entry)
    data = Patch([q for q in patch.removed if q.graph_name != _HISTORY],
                 [q for q in patch.added if q.graph_name != _HISTORY]).inverse()
    inverse = ingestor.work / f"revert-{change_id}.rdfp"
    inverse.write_bytes(write_patch(data))
    try:
        return run_change(ingestor, "patch", agent=agent, patch=str(inverse), reverts=change_id,
                          reason=change_reason(url_params()), request=f"REVERT {change_id}")
    finally:
        inverse.unlink(missing_ok=True)
