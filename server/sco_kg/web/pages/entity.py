"""``/id/<slug>``: an entity is a thing, not a document: ``303 See Other`` to the document
about it that Accept asks for (``Vary: Accept``, the others in ``Link``), and the documents
themselves, ``/id/<slug>.<ext>``: the HTML page (:mod:`.describe`, with the timeline of an
organisation and the text of an article), or the statements about it in RDF, at most
:data:`MAX_RDF_STATEMENTS` per direction (beyond it the document says so in a comment and
in the ``SCO-KG-Truncated`` header). An IRI the editors deprecated (data/replaced.trig) answers
301 to the IRI that replaced it, or 410 Gone saying why and what to read instead."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template

from ...store.memory import source_quads
from ..app import current_kg
from ...rdf.namespaces import REPLACED_GRAPH
from ..errors import KNOWN_FAILURES, ApiError, as_api_error, page_status
from .article import article_text
from .describe import describe, exists
from .documents import (alternates, capped, choose, iri_or_none, link_header, not_found, rdf_response, split_ext,
                        wants_html)
from .label_index import current_index
from .terms import local_href
from .timeline import timeline
from .vocabulary import ORG

bp = Blueprint("entity", __name__)

MAX_RDF_STATEMENTS = 20000

REPLACED = ox.NamedNode(str(REPLACED_GRAPH))
OWL_DEPRECATED = ox.NamedNode("http://www.w3.org/2002/07/owl#deprecated")
IS_REPLACED_BY = ox.NamedNode("http://purl.org/dc/terms/isReplacedBy")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")


@bp.route("/id/<path:rest>")
def entity(rest: str):
    kg = current_kg()
    node = iri_or_none(kg.base + "id/" + rest)
    if node is None:
        return not_found(f"not an IRI of this dataset: {kg.base}id/{rest}")
    stem, ext = split_ext(rest)
    for name, suffix in ((node, ""), (iri_or_none(kg.base + "id/" + stem) if ext else None, f".{ext}")):
        if name is not None and _deprecated(name):
            return _replaced(name, suffix)
    if exists(node):
        ext = choose()
        path = local_href(node.value, kg.base)
        resp = redirect(f"{path}.{ext}", code=303)
        resp.headers["Vary"] = "Accept"
        resp.headers["Link"] = link_header(path)
        return resp
    if ext:
        node = ox.NamedNode(kg.base + "id/" + stem)
        if exists(node):
            return entity_document(node, ext)
    return not_found(f"nothing is known about {kg.base}id/{rest}")


def _deprecated(node: ox.NamedNode) -> bool:
    """Whether the editors' graph of replaced IRIs (data/replaced.trig) deprecates ``node``.
    Only that graph is read: triples a client added (POST /data) cannot redirect an IRI."""
    store = current_kg().store
    return any(True for _ in store.quads_for_pattern(node, OWL_DEPRECATED, None, REPLACED))


def _replaced(node: ox.NamedNode, suffix: str) -> Response:
    """301 to the IRI that replaced ``node`` (the same document: ``suffix`` is ``.ttl``...),
    or 410 Gone with why it was withdrawn and what to read instead."""
    kg = current_kg()
    store = kg.store
    for quad in store.quads_for_pattern(node, IS_REPLACED_BY, None, REPLACED):
        new = quad.object
        if isinstance(new, ox.NamedNode) and new.value.startswith(kg.base):
            return redirect(local_href(new.value, kg.base) + suffix, code=301)
    why = next((q.object.value for q in store.quads_for_pattern(node, RDFS_COMMENT, None, REPLACED)),
               "withdrawn by the editors")
    see = [q.object.value for q in store.quads_for_pattern(node, RDFS_SEE_ALSO, None, REPLACED)
           if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(kg.base)]
    links = [local_href(iri, kg.base) for iri in see]
    headers = {"Link": ", ".join(f'<{href}>; rel="related"' for href in links)} if links else {}
    message = f"{node.value} is no longer used: {why}"
    if wants_html():
        return Response(render_template("gone.html", message=message, links=links), status=410, headers=headers)
    raise ApiError(410, message, headers=headers, see_also=links or None)


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
