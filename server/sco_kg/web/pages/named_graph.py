"""``/graph/<name>``: a named graph is a document already: ``200`` by content negotiation
(:func:`.documents.negotiated_document`), or ``/graph/<name>.<ext>`` in one format. The HTML
page lists its first :data:`.describe.MAX_HTML_STATEMENTS` triples and says where they come
from (the sentence quoted, an editorial graph, the closure, the proofs of the closure). Its
count is the service description's (counted once per store): the page reads no more than
it shows, even of ``kgg:proofs``, several times the size of the data."""

from __future__ import annotations

from flask import Blueprint, render_template

from ...store.memory import source_quads
from ..app import current_kg
from ..service_description import compute_stats
from . import describe
from .documents import alternates, capped, iri_or_none, negotiated_document, not_found, split_ext
from .label_index import current_index
from .terms import local_href, term

bp = Blueprint("named_graph", __name__)


@bp.route("/graph/<path:rest>")
def named_graph(rest: str):
    kg = current_kg()
    node = iri_or_none(kg.base + "graph/" + rest)
    if node is None:
        return not_found(f"not an IRI of this dataset: {kg.base}graph/{rest}")
    ext = None
    if node.value not in kg.graphs:
        stem, ext = split_ext(rest)
        node = iri_or_none(kg.base + "graph/" + stem)
        if ext is None or node is None or node.value not in kg.graphs:
            return not_found(f"this dataset has no graph {kg.base}graph/{rest}")
    path = local_href(node.value, kg.base)

    def html():
        index = current_index()
        quads, _ = capped(source_quads(kg.store, None, None, None, node), describe.MAX_HTML_STATEMENTS)
        triples = [(term(q.subject, index), term(q.predicate, index), term(q.object, index)) for q in quads]
        triples.sort(key=lambda t: (t[0].value, t[1].value, t[2].value))
        stats = kg.cached("void-stats", lambda: compute_stats(kg.store))
        count = stats["graphs"].get(node.value, {}).get("triples", len(quads))
        return render_template("graph.html", g=describe.describe(node), triples=triples, count=count,
                               source=index.source(node), path=path, alternates=alternates(path))

    return negotiated_document(path, ext, html, node.value)
