"""The bearer tokens of the doors that write, and what each may do.

Two settings, one per right: ``SCO_KG_INGEST_TOKEN`` (``POST /data``) and
``SCO_KG_UPDATE_TOKEN`` (``/update``, Graph Store writes, reverts), from the app's config or
the environment; ``serve --ingest-token-file`` / ``--update-token-file`` read them from files
so that they never show in ``ps``. Each holds one token per line: ``NAME TOKEN`` (the name is
what the history records: never the token), or a bare ``TOKEN``, named after its right
(``ingest``, ``update``). A token in both may ingest and update. Blank lines and lines that
begin with ``#`` are comments.

:func:`authorize` answers 403 when no token is configured for the right (the server is
read-only for it), 401 with ``WWW-Authenticate: Bearer`` when the header is missing or the
token unknown, 403 when the token is known but lacks the right. Compared with
:func:`hmac.compare_digest`, every configured token each time (no early exit that a timing
would show); never logged, never put in a response.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass

from flask import current_app, request

from .errors import ApiError

RIGHTS = {"ingest": "SCO_KG_INGEST_TOKEN", "update": "SCO_KG_UPDATE_TOKEN"}
CHALLENGE = 'Bearer realm="sco-kg"'


@dataclass(frozen=True)
class Token:
    name: str
    secret: str
    rights: frozenset


def parse_tokens(text: str, right: str) -> list[Token]:
    """The tokens of a setting's text (see the module's docstring)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) > 2:
            raise ValueError(f"a token line is NAME TOKEN or TOKEN, not {len(parts)} words")
        name, secret = (parts if len(parts) == 2 else (right, parts[0]))
        out.append(Token(name, secret, frozenset({right})))
    return out


def configured_tokens(config) -> list[Token]:
    """Every configured token, with all its rights (a token given for both has both)."""
    by_secret: dict[str, Token] = {}
    for right, key in RIGHTS.items():
        text = config.get(key) or os.environ.get(key) or ""
        for token in parse_tokens(text, right):
            known = by_secret.get(token.secret)
            name = known.name if known and known.name not in RIGHTS else token.name
            rights = (known.rights if known else frozenset()) | token.rights
            by_secret[token.secret] = Token(name, token.secret, rights)
    return list(by_secret.values())


def has_right(config, right: str) -> bool:
    return any(right in t.rights for t in configured_tokens(config))


def authorize(right: str, door: str) -> str:
    """The name of the request's token if it has ``right``; else the refusal (see the module)."""
    tokens = configured_tokens(current_app.config)
    if not any(right in t.rights for t in tokens):
        raise ApiError(403, f"this server is read-only: no {right} token is configured ({door})")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        raise ApiError(401, f"{door} needs an Authorization: Bearer token", headers={"WWW-Authenticate": CHALLENGE})
    found = None
    for token in tokens:  # every one compared: the time does not tell which matched
        if hmac.compare_digest(given.encode("utf-8"), token.secret.encode("utf-8")):
            found = token
    if found is None:
        raise ApiError(401, "the bearer token was not accepted",
                       headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
    if right not in found.rights:
        raise ApiError(403, f"the token {found.name!r} may not {right} ({door})",
                       headers={"WWW-Authenticate": CHALLENGE + ', error="insufficient_scope"'})
    return found.name
