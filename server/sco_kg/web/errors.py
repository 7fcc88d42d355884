"""One error shape, made here and only here.

JSON (``application/json``) unless the client prefers plain text::

    {"ok": false, "status": 400, "title": "Bad Request",
     "error": "error at 1:6: expected ...", "line": 1, "column": 6}

As text: ``400 Bad Request: <error>`` and one ``key: value`` line per detail. Every
``HTTPException`` Flask raises (404, 405, 413...) and every unexpected exception (500,
its text logged, not shown) goes through :func:`error_response`.

Before any view (and before routing errors), :func:`reject_invalid_utf8` checks the parts of
the request every route may read: the path, the query string (raw bytes and %-escapes) and
the header values must be UTF-8, else 400 naming the part. Werkzeug would otherwise replace
bad bytes with U+FFFD, silently, and a view would look up or match something else. Bodies
are checked by the views that read them (:func:`.sparql.decode_params`, the RDF parsers).
"""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from .conneg import best_of

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
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(Exception, _from_exception)
