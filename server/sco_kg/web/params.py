"""The request's parameters, decoded once and strictly: the query string (and form bodies)
must be UTF-8 in their raw bytes and in their %-escapes (else 400), and no longer than the
request limit (else 413)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import request

from .app import current_kg
from .errors import ApiError


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


def url_params() -> list[tuple[str, str]]:
    limit = current_kg().settings["max_request_bytes"]
    if len(request.query_string) > limit:
        raise ApiError(413, f"the query string is larger than the limit of {limit} bytes")
    return decode_params(request.query_string, "query string")
