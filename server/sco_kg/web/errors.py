"""One error shape, made here and only here, and one table of the failures it answers.

JSON (``application/json``) unless the client prefers plain text::

    {"ok": false, "status": 400, "title": "Bad Request",
     "error": "error at 1:6: expected ...", "reason": "syntax", "line": 1, "column": 6}

As text: ``400 Bad Request: <error>`` and one ``key: value`` line per detail. Every
``HTTPException`` Flask raises (404, 405, 413...) and every unexpected exception (500,
its text logged, not shown) goes through :func:`error_response`.

:data:`FAILURES` maps each exception of running a query or a validation (the inspection's
refusal, the engine's, the workers', the backend store's) to its status, ``reason`` and
``Retry-After``; :func:`register` installs one handler for all of them, so a view lets them
rise and every route answers the same failure the same way: a timeout or busy workers
503 with Retry-After, a failing backend 502. A page that runs a query of its own shows the
failure in the page instead (:func:`as_api_error`, :func:`page_status`).

Before any view (and before routing errors), :func:`reject_invalid_utf8` checks the parts of
the request every route may read: the path, the query string (raw bytes and %-escapes) and
the header values must be UTF-8, else 400 naming the part. Werkzeug would otherwise replace
bad bytes with U+FFFD, silently, and a view would look up or match something else. Bodies
are checked by the views that read them (:func:`.params.decode_params`, the RDF parsers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..store.http_client import RemoteError, RemoteTimeout
from .conneg import best_of
from .executor import (BackendFailed, EngineError, QueryError, QueryOutOfMemory, QueryTimeout, WorkerCrashed,
                       WorkersBusy)
from .limits import QueryRefused
from .validate_worker import ValidationTimeout, ValidatorBusy, ValidatorCrashed, ValidatorOutOfMemory

JSON_TYPES = ("application/json", "application/problem+json", "application/sparql-results+json",
              "application/ld+json")
TEXT_TYPES = ("text/plain", "text/html", "text/csv", "text/tab-separated-values", "text/turtle")


class ApiError(Exception):
    """Raise anywhere in a view: becomes the one error shape with ``status``."""

    def __init__(self, status: int, message: str, headers: dict | None = None, **detail):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.detail = detail


def error_body(status: int, message: str, **detail) -> dict:
    body = {"ok": False, "status": status, "title": HTTP_STATUS_CODES.get(status, "Error"), "error": message}
    body.update({k: v for k, v in detail.items() if v is not None})
    return body


def wants_json() -> bool:
    try:
        accept = request.headers.get("Accept")
    except RuntimeError:  # no request
        return True
    best = best_of(accept, JSON_TYPES + TEXT_TYPES)
    return best is None or best in JSON_TYPES


def error_response(status: int, message: str, headers: dict | None = None, **detail) -> Response:
    body = error_body(status, message, **detail)
    if wants_json():
        resp = Response(json.dumps(body, ensure_ascii=False) + "\n", status=status,
                        content_type="application/json; charset=utf-8")
    else:
        lines = [f"{status} {body['title']}: {message}"]
        lines += [f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                  for k, v in body.items() if k not in ("ok", "status", "title", "error")]
        resp = Response("\n".join(lines) + "\n", status=status, content_type="text/plain; charset=utf-8")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    resp.headers.setdefault("Vary", "Accept")
    return resp


def _from_api_error(exc: ApiError):
    return error_response(exc.status, exc.message, exc.headers, **exc.detail)


# --- the failures of running a query or a validation ----------------------------------------


@dataclass(frozen=True)
class Failure:
    """How one kind of failure answers."""

    status: int
    reason: str
    retry_after: str | None = None  # seconds, for the Retry-After header
    hint: str = ""  # what the client can do, after the exception's own words
    detail: Callable[[Exception], dict] | None = None  # fields read from the exception


_POSITION = re.compile(r"error at (\d+):(\d+)")


def _refusal(exc: QueryRefused) -> dict:
    line, column = exc.position or (None, None)
    return {"reason": exc.kind, "line": line, "column": column}


def _syntax(exc: QueryError) -> dict:
    m = _POSITION.search(exc.message)
    return {"line": int(m.group(1)), "column": int(m.group(2))} if m else {}


#: exception -> its answer; a subclass not listed answers as its nearest listed base
#: (BackendFailed is an EngineError, ValidatorOutOfMemory a ValidatorCrashed)
FAILURES: dict[type[Exception], Failure] = {
    # the query: the client's to change (the same query would fail again)
    QueryRefused: Failure(400, "refused", detail=_refusal),  # reason: what was refused (service, too-deep...)
    QueryError: Failure(400, "syntax", detail=_syntax),
    QueryOutOfMemory: Failure(413, "memory"),  # past query_max_memory_mb
    # the service: try again later
    QueryTimeout: Failure(503, "timeout", retry_after="1"),
    WorkersBusy: Failure(503, "busy", retry_after="1"),
    # the engine, or the store that answers for it (serve --backend; the pages read it too)
    WorkerCrashed: Failure(500, "engine-crash"),
    EngineError: Failure(500, "engine-error"),
    BackendFailed: Failure(502, "backend"),
    RemoteTimeout: Failure(503, "timeout", retry_after="1"),
    RemoteError: Failure(502, "backend"),
    # POST /validate, POST /data
    ValidationTimeout: Failure(503, "timeout", retry_after="5", hint="send less data"),
    ValidatorBusy: Failure(503, "busy", retry_after="5"),
    ValidatorOutOfMemory: Failure(413, "memory", hint="send less data"),
    ValidatorCrashed: Failure(500, "validator-crash"),
}

#: every exception of :data:`FAILURES`, for an ``except`` clause
KNOWN_FAILURES: tuple[type[Exception], ...] = tuple(FAILURES)


def failure_of(exc: Exception) -> Failure | None:
    """The row of :data:`FAILURES` for ``exc`` (its class, else its nearest base), or None."""
    for cls in type(exc).__mro__:
        if cls in FAILURES:
            return FAILURES[cls]
    return None


def as_api_error(exc: Exception) -> ApiError:
    """``exc``, one of :data:`KNOWN_FAILURES`, as the error a route answers."""
    failure = failure_of(exc)
    if failure is None:
        raise TypeError(f"{type(exc).__name__} is not in the table of failures") from exc
    message = getattr(exc, "message", None) or str(exc)
    if failure.hint:
        message = f"{message}: {failure.hint}"
    detail = {"reason": failure.reason, **(failure.detail(exc) if failure.detail else {})}
    headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
    return ApiError(failure.status, message, headers, **detail)


def page_status(error: ApiError) -> int:
    """The status of a page that shows ``error`` in place of a part it could not make (a
    question's answer, the timeline). The server's failures keep their status and headers,
    so that no cache keeps the page and a client knows to retry; a query refused or
    malformed is the page's own content (a question file with a typo), not a fault of the
    request: 200."""
    return error.status if error.status >= 500 else 200


def _from_failure(exc: Exception):
    return _from_api_error(as_api_error(exc))


def _from_http_exception(exc: HTTPException):
    headers = {}
    for k, v in exc.get_headers():
        if k.lower() not in ("content-type", "content-length"):
            headers[k] = v
    message = exc.description or exc.name
    if exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"the request is larger than the limit of {limit} bytes" if limit else message
    return error_response(exc.code or 500, message, headers)


def _from_exception(exc: Exception):
    if isinstance(exc, HTTPException):
        return _from_http_exception(exc)
    current_app.logger.exception("unexpected error")
    return error_response(500, "internal error (logged on the server)")


def _utf8_problem(raw: bytes) -> str | None:
    """Why ``raw`` (bytes as sent, %-escapes not yet decoded) is not UTF-8, or None."""
    for what, data in (("", raw), ("percent-encoded ", unquote_to_bytes(raw))):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"{what}bytes at offset {exc.start} are not valid UTF-8"
    return None


def reject_invalid_utf8():
    """400 when the path, the query string or a header value is not UTF-8 (see the docstring)."""
    environ = request.environ
    # WSGI hands the path (already %-decoded by the server) and headers over as latin-1 strings;
    # the raw request line, when the server keeps it, is checked too (%-escapes decoded here)
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI") or ""
    for path in (environ.get("PATH_INFO", "").encode("latin-1", "replace"),
                 unquote_to_bytes(raw_uri.split("?", 1)[0].encode("latin-1", "replace"))):
        try:
            path.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApiError(400, f"the path is not valid UTF-8 (byte {exc.start})", where="path") from None
    problem = _utf8_problem(environ.get("QUERY_STRING", "").encode("latin-1", "replace"))
    if problem:
        raise ApiError(400, f"the query string is not valid UTF-8: {problem}", where="query string")
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE",):
            try:
                value.encode("latin-1").decode("utf-8")
            except UnicodeError:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                raise ApiError(400, f"the {name} header is not valid UTF-8", where="header " + name) from None


def register(app: Flask) -> None:
    app.before_request(reject_invalid_utf8)
    app.register_error_handler(ApiError, _from_api_error)
    for cls in FAILURES:
        app.register_error_handler(cls, _from_failure)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(Exception, _from_exception)
