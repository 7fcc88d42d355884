"""``/``: YASGUI (from npm, served from ``static/vendor/yasgui/``, see tools/vendor-ui.sh)
pointed at ``/sparql``, with one tab per competency question (:mod:`.questions`); the list of
questions; the search box; the counts of the dataset. Without the vendor files (a checkout
where tools/vendor-ui.sh has not run), a plain query form instead."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template

from ..app import current_kg
from ..service_description import compute_stats, dump_files
from .label_index import current_index
from .questions import questions

bp = Blueprint("home", __name__)

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "yasgui"


@bp.route("/")
def index():
    qs = questions()
    examples = {
        "endpoint": "/sparql",
        "base": current_index().base,
        "examples": [{"name": q.name, "title": q.title, "query": q.query} for q in qs],
    }
    return render_template("index.html", questions=qs, examples=examples, yasgui=(VENDOR / "yasgui.min.js").is_file(),
                           stats=dataset_stats())


def dataset_stats() -> dict:
    """Counts of the served dataset (the service description's VoID statistics) and the dumps."""
    kg = current_kg()
    stats = kg.cached("void-stats", lambda: compute_stats(kg.store))
    return {"triples": stats["union"]["triples"], "entities": stats["union"]["entities"],
            "graphs": len(stats["graphs"]), "dumps": dump_files(kg)}
