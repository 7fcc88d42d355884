"""``/id/<slug>``: an entity is a thing, not a document: ``303 See Other`` to the document
about it that Accept asks for (``Vary: Accept``, the others in ``Link``), and the documents
themselves, ``/id/<slug>.<ext>``: the HTML page (:mod:`.describe`, with the timeline of an
organisation and the text of an article), or the statements about it in RDF, at most
:data:`MAX_RDF_STATEMENTS` per direction (beyond it the document says so in a comment and
in the ``SCO-KG-Truncated`` header)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template

from ...store.memory import source_quads
from ..app import current_kg
from ..errors import KNOWN_FAILURES, as_api_error, page_status
from .article import article_text
from .describe import describe, exists
from .documents import alternates, capped, choose, iri_or_none, link_header, not_found, rdf_response, split_ext
from .label_index import current_index
from .terms import local_href
from .timeline import timeline
from .vocabulary import ORG

bp = Blueprint("entity", __name__)

MAX_RDF_STATEMENTS = 20000


@bp.route("/id/<path:rest>")
def entity(rest: str):
    kg = current_kg()
    node = iri_or_none(kg.base + "id/" + rest)
    if node is None:
        return not_found(f"not an IRI of this dataset: {kg.base}id/{rest}")
    if exists(node):
        ext = choose()
        path = local_href(node.value, kg.base)
        resp = redirect(f"{path}.{ext}", code=303)
        resp.headers["Vary"] = "Accept"
        resp.headers["Link"] = link_header(path)
        return resp
    stem, ext = split_ext(rest)
    if ext:
        node = ox.NamedNode(kg.base + "id/" + stem)
        if exists(node):
            return entity_document(node, ext)
    return not_found(f"nothing is known about {kg.base}id/{rest}")


def entity_document(node: ox.NamedNode, ext: str) -> Response:
    kg = current_kg()
    path = local_href(node.value, kg.base)
    if ext == "html":
        resp = _page(node, path)
    else:
        store = kg.store
        out, cut_out = capped(source_quads(store, node, None, None, None), MAX_RDF_STATEMENTS)
        into, cut_in = capped(source_quads(store, None, None, node, None), MAX_RDF_STATEMENTS)
        resp = rdf_response(out + into, ext, MAX_RDF_STATEMENTS if cut_out or cut_in else 0)
    resp.headers["Link"] = link_header(path)
    return resp


def _page(node: ox.NamedNode, path: str) -> Response:
    """The HTML page; an organisation's timeline that could not be drawn is said on the page,
    with the failure's status when the server failed (:func:`..errors.page_status`)."""
    data = describe(node)
    index = current_index()
    org_timeline, failed = None, None
    if any(f.predicate.value == ORG + "organization" for f in data["in_asserted"]):
        try:
            org_timeline = timeline(node.value, index)
        except KNOWN_FAILURES as exc:
            failed = as_api_error(exc)
    html = render_template("resource.html", r=data, path=path, alternates=alternates(path),
                           timeline=org_timeline, timeline_error=failed.message if failed else None,
                           article=article_text(node, index))
    if failed is None:
        return Response(html)
    return Response(html, status=page_status(failed), headers=failed.headers)
