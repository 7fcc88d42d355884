"""``/shapes``: the published contract, the SHACL shapes every door validates with
(ontology/shapes.ttl, found by :func:`sco_kg.pipeline.sources.shapes_path`), read once per
app. The shapes' IRI ``https://w3id.org/sco-kg/shapes`` is under the base, so it is served
at the same path, and ``skgsh:Name`` dereferences to ``/shapes#Name``.

* ``/shapes`` by content negotiation (``Content-Location``, ``Vary: Accept``), or
  ``/shapes.<ext>``: the HTML page (:mod:`.shapes_doc`: every node shape with its targets,
  messages, constraints, property shapes and SPARQL constraints), the file itself as Turtle
  (byte for byte, with its comments), or the same triples in the other RDF syntaxes;
* ``/shapes/<Name>.ttl``: the Turtle of one shape (or property shape, or SPARQL
  constraint) alone, with the blank nodes and ``skgsh:`` terms it uses.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template
from rdflib import URIRef

from ...pipeline.sources import shapes_path
from .. import conneg
from ..app import current_kg
from .documents import EXTENSIONS, alternates, choose, link_header, not_found, rdf_response
from .shapes_doc import SKGSH, read_shapes, shape_turtle

bp = Blueprint("shapes", __name__)

TURTLE = conneg.BY_KEY["turtle"].content_type
#: the local names of skgsh: terms (anything else names no shape)
LOCAL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def current_shapes() -> dict:
    """The page's model of the shapes file, read once per app."""
    kg = current_kg()
    return kg.cached("shapes:page", lambda: read_shapes(shapes_path()), per_store=False)


@bp.route("/shapes")
@bp.route("/shapes.<ext>")
def shapes(ext: str | None = None):
    if ext is not None and ext not in EXTENSIONS:
        abort(404)
    path = shapes_path()
    if not path.is_file():
        return not_found("this server has no shapes: ontology/shapes.ttl is missing")
    negotiated = ext is None
    if negotiated:
        ext = choose()
    if ext == "html":
        resp = Response(render_template("shapes.html", s=current_shapes(), alternates=alternates("/shapes")))
    elif ext == "ttl":
        resp = Response(path.read_bytes(), content_type=TURTLE)
    else:
        resp = rdf_response(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), ext)
    if negotiated:
        resp.headers["Content-Location"] = f"/shapes.{ext}"
        resp.headers["Vary"] = "Accept"
    resp.headers["Link"] = link_header("/shapes")
    return resp


@bp.route("/shapes/<name>.ttl")
def shape(name: str):
    if not shapes_path().is_file():
        return not_found("this server has no shapes: ontology/shapes.ttl is missing")
    g = current_shapes()["graph"]
    node = URIRef(SKGSH + name) if LOCAL_NAME.match(name) else None
    if node is None or (node, None, None) not in g:
        return not_found(f"no shape skgsh:{name} in the shapes")
    return Response(shape_turtle(g, node), content_type=TURTLE)
