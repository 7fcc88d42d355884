"""``GET /validate``: the page of ``POST /validate`` (:mod:`..validate_route`), for people
who want to check their own data: how to send it, what comes back, the limits, and where
the rules are written (``/shapes``, and docs/profile.md in the repository), so that the
rules are learnt by reading, not from violations. A blueprint of its own: the POST route's
blueprint takes data and is closed to cross-origin pages (:mod:`..cors`); this page is not."""

from __future__ import annotations

from flask import Blueprint, render_template

from ...pipeline.refusal_proofs import MAX_PROOFS
from ...pipeline.report_formats import REPORT_MEDIA_TYPES
from ...rdf.untrusted import ACCEPTED
from ..app import current_kg

bp = Blueprint("validate_page", __name__)


@bp.route("/validate", methods=["GET"])
def validate_page():
    settings = current_kg().settings
    return render_template("validate.html", accepted=ACCEPTED.split(", "), reports=list(REPORT_MEDIA_TYPES),
                           max_bytes=settings["validate_max_bytes"], max_triples=settings["validate_max_triples"],
                           timeout=settings["validate_timeout"], max_proofs=MAX_PROOFS)
