"""``/history``: the accepted changes of the graph, newest first, and their reverts.

* ``GET /history``: JSON ``{"changes": [...]}`` (:class:`sco_kg.store.change_record.ChangeSummary`:
  id, time, the token's name, the request, the reason, counts, graphs), ``?limit=`` (100 by
  default, 1,000 at most). The same records are ``GRAPH kgg:history`` over ``/sparql``.
* ``GET /history/ID``: one change; with ``Accept: application/rdf-patch`` its RDF Patch
  (what it removed and added, then its record).
* ``POST /history/ID/revert``: :mod:`.update_route` (a route that writes).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, json, request

from ..rdf.namespaces import HISTORY_GRAPH
from ..rdf.patch import MEDIA_TYPE
from ..store.change_record import summaries
from ..store.disk import log_entries
from .app import current_kg
from .conneg import best_of
from .errors import ApiError
from .params import url_params

bp = Blueprint("history", __name__)

_ID = re.compile(r"^[0-9a-f]{32}$")
_HISTORY = ox.NamedNode(str(HISTORY_GRAPH))


def _changes():
    return summaries(current_kg().store.quads_for_pattern(None, None, None, _HISTORY))


@bp.route("/history", methods=["GET"])
def history():
    params = url_params()
    limits = [v for k, v in params if k == "limit"]
    try:
        limit = int(limits[-1]) if limits else 100
    except ValueError:
        raise ApiError(400, f"limit={limits[-1]!r}: give a number") from None
    if not 1 <= limit <= 1000:
        raise ApiError(400, "limit must be 1 to 1000")
    changes = _changes()
    body = {"changes": [c.as_json() for c in changes[:limit]], "total": len(changes)}
    return Response(json.dumps(body) + "\n", content_type="application/json; charset=utf-8")


def change_entry(change_id: str):
    if not _ID.match(change_id):
        raise ApiError(404, f"no change {change_id[:40]!r}: a change is named by 32 hexadecimal digits")
    root = getattr(current_kg().loaded, "store_root", None)
    found = [p for p in (log_entries(root) if root else []) if p.stem.endswith(change_id) and p.suffix == ".rdfp"]
    if not found:
        raise ApiError(404, f"no change {change_id} in this store's history")
    return found[0]


@bp.route("/history/<change_id>", methods=["GET"])
def change(change_id: str):
    entry = change_entry(change_id)
    if best_of(request.headers.get("Accept"), ("application/json", MEDIA_TYPE)) == MEDIA_TYPE:
        return Response(entry.read_bytes(), content_type=f"{MEDIA_TYPE}; charset=utf-8")
    summary = next((c for c in _changes() if c.id == change_id), None)
    if summary is None:
        raise ApiError(404, f"no change {change_id} in this store's history")
    return Response(json.dumps(summary.as_json()) + "\n", content_type="application/json; charset=utf-8")
