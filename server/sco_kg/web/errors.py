"""One error shape, made here and only here.

JSON (``application/json``) unless the client prefers plain text::

    {"ok": false, "status": 400, "title": "Bad Request",
     "error": "error at 1:6: expected ...", "line": 1, "column": 6}

As text: ``400 Bad Request: <error>`` and one ``key: value`` line per detail. Every
``HTTPException`` Flask raises (404, 405, 413...) and every unexpected exception (500,
its text logged, not shown) goes through :func:`error_response`.
"""

from __future__ import annotations

import json

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


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, _from_api_error)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(Exception, _from_exception)
