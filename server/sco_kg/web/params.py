"""The request's parameters, decoded once and strictly: the query string (and form bodies)
must be UTF-8 in their raw bytes and in their %-escapes (else 400), and no longer than the
request limit (else 413). A parameter that names a graph must be an IRI (else 400 naming
the parameter): a control character or a space in it would otherwise reach the engine,
which fails on it (a 500) or, in a path, names nothing."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import request

from .app import current_kg
from .errors import ApiError

#: what no IRI holds (RFC 3987): controls (C0, DEL, C1), space, <>"{}|^`\, a % not followed
#: by two hex digits; and any Unicode space (RFC 3987 allows some, no name here holds one)
NOT_IN_IRI = re.compile(r'[\s\x00-\x20<>"{}|^`\\\x7f-\x9f]|%(?![0-9A-Fa-f]{2})')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``a=1&b=%C3%A9`` -> pairs; raw bytes and %-escapes must both be UTF-8 (else 400)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, f"the {where} is not valid UTF-8") from None
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise ApiError(400, f"a percent-encoded value in the {where} is not valid UTF-8") from None
    except ValueError as exc:
        raise ApiError(400, f"the {where} is malformed: {exc}") from None


def require_utf8_charset() -> None:
    """A body's ``charset`` parameter, when given, must name UTF-8 (else 415)."""
    charset = request.mimetype_params.get("charset")
    if charset and charset.strip().lower() not in ("utf-8", "utf8"):
        raise ApiError(415, f"charset {charset!r} is not supported: send UTF-8")


def url_params() -> list[tuple[str, str]]:
    limit = current_kg().settings["max_request_bytes"]
    if len(request.query_string) > limit:
        raise ApiError(413, f"the query string is larger than the limit of {limit} bytes")
    return decode_params(request.query_string, "query string")


def as_iri(value: str) -> ox.NamedNode | None:
    """The node named ``value``, or None when ``value`` is not an absolute IRI."""
    if NOT_IN_IRI.search(value) or not _SCHEME.match(value):
        return None
    try:
        return ox.NamedNode(value)
    except ValueError:
        return None


def iri_param(name: str, value: str) -> str:
    """``value`` of the parameter ``name``, checked to be an absolute IRI (else 400 naming it)."""
    if as_iri(value) is None:
        raise ApiError(400, f"{name}: {value!r} is not an absolute IRI", parameter=name)
    return value
