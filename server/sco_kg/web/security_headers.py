"""Headers of every response: ``X-Content-Type-Options: nosniff``, and for every HTML page
``Content-Security-Policy`` (scripts and styles from this host only, no inline script,
requests to this host only) and ``Referrer-Policy``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("security_headers", __name__)

#: the policy of every HTML page (YASGUI needs no eval; CodeMirror and YASR set inline styles)
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")


@bp.after_app_request
def security_headers(resp):
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    if resp.mimetype in ("text/html", "application/xhtml+xml"):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp
