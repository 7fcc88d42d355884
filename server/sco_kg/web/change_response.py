"""What every door that changes the graph answers (``/update``, Graph Store writes, reverts):
the change committed, a change that changed nothing, or the refusal, in one shape.

* committed: 200 (201 when a Graph Store write made a new graph, with ``Location``), JSON
  ``{"ok": true, "change": ID, "history": "/history/ID", "added", "removed", "graphs",
  "seconds"}`` and ``Location`` / ``Link`` to the change's record;
* nothing changed: 200, ``"change": null``, nothing recorded;
* the one pipeline refused the state it would make: 422 with its report (JSON, Turtle or
  JSON-LD by Accept, as ``POST /data`` and ``POST /validate``), nothing written;
* the writer refused before (a graph of the build, the default graph, a bad update...): the
  status and message of :class:`sco_kg.store.ingest_job.IngestRefused`, in the one error shape.

The reason of a change: the ``X-Change-Reason`` header (UTF-8), or a ``reason`` parameter;
at most 2,000 characters.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, json, request

from ..pipeline.report_formats import CONTENT_TYPES, REPORT_MEDIA_TYPES
from ..store.ingest import Changed, IngestRefused, Ingestor, Rejected
from .conneg import best_of
from .errors import ApiError

MAX_REASON = 2000


def report_format() -> str:
    best = best_of(request.headers.get("Accept"), tuple(REPORT_MEDIA_TYPES))
    if best is None:
        raise ApiError(406, "no acceptable media type for a validation report; available: "
                       + ", ".join(REPORT_MEDIA_TYPES), available=list(REPORT_MEDIA_TYPES))
    return REPORT_MEDIA_TYPES[best]


def change_reason(params) -> str | None:
    """The client's reason for the change (header first, then a ``reason`` parameter)."""
    header = request.headers.get("X-Change-Reason")
    if header is not None:
        try:
            header = header.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            raise ApiError(400, "X-Change-Reason is not valid UTF-8") from None
    values = [v for k, v in params if k == "reason"]
    reason = header if header is not None else (values[-1] if values else None)
    if reason is not None and (len(reason) > MAX_REASON or not reason.strip()):
        raise ApiError(400, f"the reason must be 1 to {MAX_REASON} characters")
    return reason.strip() if reason else None


def run_change(ingestor: Ingestor, kind: str, **kwargs) -> Response:
    fmt = report_format()
    try:
        outcome = ingestor.change(kind, report_format=fmt, **kwargs)
    except IngestRefused as exc:
        headers = {"Retry-After": "5"} if exc.status == 503 else None
        raise ApiError(exc.status, exc.message, headers=headers, **exc.detail) from None
    if isinstance(outcome, Rejected):
        resp = Response(outcome.body, status=422, content_type=CONTENT_TYPES[outcome.report_format])
        resp.headers["Vary"] = "Accept"
        return resp
    return changed_response(outcome, kwargs.get("graph"))


def changed_response(outcome: Changed, graph: str | None) -> Response:
    history = f"/history/{outcome.id}" if outcome.id else None
    payload = {"ok": True, "status": 201 if outcome.created else 200, "change": outcome.id, "history": history,
               "added": outcome.added, "removed": outcome.removed, "graphs": outcome.graphs,
               "seconds": outcome.seconds, "warnings": outcome.warnings}
    resp = Response(json.dumps(payload) + "\n", status=payload["status"],
                    content_type="application/json; charset=utf-8")
    if outcome.created and graph:
        resp.headers["Location"] = "/graph?graph=" + quote(graph, safe="")
    if history:
        resp.headers["Link"] = f'<{history}>; rel="related"; title="the record of this change"'
    return resp
