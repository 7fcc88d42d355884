"""Cross-origin requests (CORS): which web pages may call this endpoint from a browser.

One allow-list, the setting ``cors_origins`` (``SCO_KG_CORS_ORIGINS``, ``serve
--cors-origin``, repeatable): origins separated by spaces or commas, ``*`` for any.

* Read routes (everything but the two below): ``*`` answers
  ``Access-Control-Allow-Origin: *``; a listed origin is answered with itself (and
  ``Vary: Origin``); another origin gets no CORS header, so the browser keeps the answer
  from the page.
* Routes that take data (``POST /data``, ``POST /validate``, ``/update``, the Graph Store
  writes, reverts): only origins listed by name; ``*`` does not open them.
* ``Access-Control-Allow-Credentials`` is never sent: no page can make a browser send its
  cookies or HTTP credentials here, and an Origin is never reflected with credentials.
* A preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered here, 204 with
  the route's methods and the request headers the routes read, or 403 for an origin the
  route does not allow, or 405 for a method the route does not have.
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from .errors import ApiError

bp = Blueprint("cors", __name__)

#: blueprints whose routes take data: not opened by ``*``
WRITE_BLUEPRINTS = frozenset({"ingest", "validate", "update", "graph_writes"})
ALLOW_HEADERS = "Accept, Content-Type"
WRITE_ALLOW_HEADERS = "Accept, Content-Type, Authorization"
EXPOSE_HEADERS = "SPARQL-Results-Truncated, Location, Link, Retry-After, Content-Disposition"
MAX_AGE = "600"
_ORIGIN = re.compile(r"^https?://(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def parse_origins(value: str) -> frozenset[str]:
    """``"https://a.example, http://localhost:3000"`` -> the set; ValueError on a bad entry."""
    origins = set()
    for item in re.split(r"[\s,]+", value.strip()):
        if not item:
            continue
        item = item.rstrip("/")
        if item != "*" and not _ORIGIN.match(item):
            raise ValueError(f"cors_origins: {item!r} is not an origin (scheme://host[:port], or *)")
        origins.add(item.lower())
    return frozenset(origins)


@bp.record_once
def _check_setting(state) -> None:
    """A bad origin in the setting stops the app from starting (ValueError naming it)."""
    kg = state.app.extensions["sco_kg"]
    try:
        parse_origins(kg.settings["cors_origins"])
    except ValueError:
        kg.close()  # the app will not serve: its query workers go now
        raise


def _origins() -> frozenset[str]:
    kg = current_app.extensions["sco_kg"]
    return kg.cached(("cors-origins",), lambda: parse_origins(kg.settings["cors_origins"]))


def _route():
    """(rule, blueprint name) of the request's route, or (None, None)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        rule, _ = adapter.match(method=request.headers.get("Access-Control-Request-Method", request.method),
                                return_rule=True)
    except MethodNotAllowed as exc:
        raise ApiError(405, f"{request.path} does not accept {request.headers.get('Access-Control-Request-Method')}",
                       headers={"Allow": ", ".join(sorted(exc.valid_methods or ()))}) from None
    except NotFound:
        return None, None
    except Exception:  # a redirect (trailing slash) or another routing answer: no CORS decision here
        return None, None
    return rule, rule.endpoint.rpartition(".")[0] or None


def allowed_origin(origin: str, write: bool) -> str | None:
    """The Access-Control-Allow-Origin value for ``origin`` on a read or write route, or None."""
    origins = _origins()
    if origin.lower() in origins:
        return origin
    if not write and "*" in origins:
        return "*"
    return None


def _is_write() -> bool:
    return (request.blueprint or "") in WRITE_BLUEPRINTS


@bp.before_app_request
def preflight():
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    origin = request.headers.get("Origin")
    if not origin:
        return None
    rule, blueprint = _route()
    if rule is None:
        raise ApiError(404, f"no route {request.path}")
    write = blueprint in WRITE_BLUEPRINTS
    value = allowed_origin(origin, write)
    if value is None:
        raise ApiError(403, f"origin {origin} may not call {request.path} from a browser "
                            "(see the cors_origins setting)")
    resp = current_app.response_class(status=204)
    resp.headers["Access-Control-Allow-Origin"] = value
    resp.headers["Access-Control-Allow-Methods"] = ", ".join(sorted(rule.methods - {"OPTIONS"}))
    resp.headers["Access-Control-Allow-Headers"] = WRITE_ALLOW_HEADERS if write else ALLOW_HEADERS
    resp.headers["Access-Control-Max-Age"] = MAX_AGE
    if value != "*":
        resp.headers["Vary"] = "Origin"
    return resp


@bp.after_app_request
def cors_headers(resp):
    if "Access-Control-Allow-Origin" in resp.headers:  # a preflight, answered above
        return resp
    origin = request.headers.get("Origin")
    resp.headers.pop("Access-Control-Allow-Credentials", None)  # never
    if not origin:
        if "*" not in _origins() or len(_origins()) > 1:
            resp.vary.add("Origin")
        return resp
    value = allowed_origin(origin, _is_write())
    if value is None:
        resp.vary.add("Origin")
        return resp
    resp.headers["Access-Control-Allow-Origin"] = value
    resp.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    if value != "*":
        resp.vary.add("Origin")
    return resp
