"""``/search?q=``: the entities whose ``rdfs:label``, ``skos:prefLabel`` or ``skos:altLabel``
(any language) contains every word of ``q``, ignoring case and accents (the label index's
normalised labels). Without ``q``: browse, the entities of the dataset by their class."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, jsonify, render_template, request

from .. import conneg
from ..app import current_kg
from .label_index import current_index, normalise
from .terms import compact, local_href
from .vocabulary import INFERRED, RDF_TYPE, SKG

bp = Blueprint("search", __name__)

MAX_SEARCH_RESULTS = 50
BROWSE_PER_TYPE = 200


@dataclass
class Hit:
    iri: str
    href: str
    label: str
    label_fr: str
    matches: list[tuple[str, str]]
    score: tuple


def search_labels(text: str, limit: int = MAX_SEARCH_RESULTS) -> list[Hit]:
    """Entities with a label containing every word of ``text`` (case- and accent-insensitive)."""
    words = normalise(text).split()
    if not words:
        return []
    index = current_index()
    hits: dict[str, Hit] = {}
    wanted = " ".join(words)
    for norm, value, lang, iri in index.search:
        if not all(w in norm for w in words):
            continue
        rank = 0 if norm == wanted else 1 if norm.startswith(wanted) else 2 if wanted in norm else 3
        hit = hits.get(iri)
        if hit is None:
            hit = hits[iri] = Hit(iri, local_href(iri, index.base), index.label(iri) or iri,
                                  index.label(iri, "fr"), [], (rank, len(norm)))
        hit.score = min(hit.score, (rank, len(norm)))
        if (value, lang) not in hit.matches:
            hit.matches.append((value, lang))
    ordered = sorted(hits.values(), key=lambda h: (h.score, not h.iri.startswith(index.base + "id/"),
                                                   h.label.casefold()))
    return ordered[:limit]


def browse() -> list[dict]:
    """The entities of the dataset by their asserted class of the ontology (skg:), labelled."""
    kg = current_kg()
    index = current_index()
    ids = kg.base + "id/"
    groups: dict[str, set[str]] = {}
    for q in kg.store.quads_for_pattern(None, RDF_TYPE, None, None):
        if (q.subject.value.startswith(ids) and q.object.value.startswith(SKG)
                and getattr(q.graph_name, "value", "") != kg.base + INFERRED):
            groups.setdefault(q.object.value, set()).add(q.subject.value)
    out = []
    for cls, members in groups.items():
        items = sorted(((index.label(m) or compact(m), index.label(m, "fr"), local_href(m, index.base))
                        for m in members), key=lambda t: t[0].casefold())
        out.append({"class": cls, "label": index.label(cls) or compact(cls), "href": local_href(cls, index.base),
                    "count": len(items), "items": items[:BROWSE_PER_TYPE]})
    return sorted(out, key=lambda g: g["label"].casefold())


@bp.route("/search")
def search():
    """HTML, or JSON (``Accept: application/json``): ``{"q", "results": [{"iri", "href",
    "label", "label_fr", "matches": [{"value", "lang"}]}]}``."""
    text = request.args.get("q", "")[:200]
    hits = search_labels(text) if text.strip() else []
    if conneg.best_of(request.headers.get("Accept"), ("text/html", "application/json")) == "application/json":
        resp = jsonify({"q": text, "results": [
            {"iri": h.iri, "href": h.href, "label": h.label, "label_fr": h.label_fr,
             "matches": [{"value": v, "lang": lang} for v, lang in h.matches]} for h in hits]})
        resp.headers["Vary"] = "Accept"
        return resp
    groups = [] if text.strip() else browse()
    return render_template("search.html", q=text, search_q=text, hits=hits, limit=MAX_SEARCH_RESULTS,
                           groups=groups, per_type=BROWSE_PER_TYPE)
