"""``/shapes``: the shapes every door validates with, published (pages/shapes.py), read from
ontology/shapes.ttl as it is when the test runs: every node shape with an anchor, its
messages and those of its property shapes and SPARQL constraints; the file as Turtle by
content negotiation; each shape's own Turtle; ``GET /validate`` links it."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from sco_kg.rdf.namespaces import SH

SHAPES_FILE = Path(__file__).resolve().parents[2] / "ontology" / "shapes.ttl"
SKGSH = "https://w3id.org/sco-kg/shapes#"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def page(app) -> str:
    resp = app.test_client().get("/shapes", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert resp.headers["Content-Location"] == "/shapes.html"
    return resp.get_data(as_text=True)


def local(iri) -> str:
    return str(iri)[len(SKGSH):]


def test_every_node_shape_has_an_anchor_and_its_turtle_link(page, shapes):
    node_shapes = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)]
    assert len(node_shapes) > 20
    for shape in node_shapes:
        name = local(shape)
        assert f'id="{name}"' in page, name
        assert f'href="#{name}"' in page, name  # the contents
        assert f"skgsh:{name}" in page and f'href="/shapes/{name}.ttl"' in page, name


def test_every_property_shape_and_sparql_constraint_has_an_anchor(page, shapes):
    for cls in (SH.PropertyShape, SH.SPARQLConstraint):
        for term in shapes.subjects(RDF.type, cls):
            assert f'id="{local(term)}"' in page, term


def test_every_message_is_shown_in_both_languages(page, shapes):
    messages = [m for m in shapes.objects(None, SH.message) if isinstance(m, Literal)]
    assert {m.language for m in messages} >= {"en", "fr"}
    missing = [str(m) for m in messages if str(escape(str(m))) not in page]
    assert not missing, missing[:5]


def test_targets_and_constraints_are_shown(page):
    for words in ("every instance of", "<code>org:Membership</code>", "every subject of",
                  "the ?this of the SPARQL query", "<code>sh:minCount</code>", "<code>sh:qualifiedValueShape</code>",
                  "path <code>^prov:wasDerivedFrom</code>", "<code>sh:Violation</code>"):
        assert words in page, words


@pytest.mark.parametrize("path,accept", [("/shapes", "text/turtle"), ("/shapes.ttl", None),
                                         ("/shapes?format=ttl", "text/html")])
def test_the_shapes_file_as_turtle(client, path, accept):
    resp = client.get(path, headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    served = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    assert isomorphic(served, Graph().parse(SHAPES_FILE, format="turtle"))
    if path == "/shapes":
        assert resp.headers["Content-Location"] == "/shapes.ttl" and "Accept" in resp.headers["Vary"]


def test_the_shapes_in_another_syntax(client):
    resp = client.get("/shapes.nt")
    assert resp.status_code == 200 and resp.mimetype == "application/n-triples"
    served = Graph().parse(data=resp.get_data(as_text=True), format="nt")
    assert isomorphic(served, Graph().parse(SHAPES_FILE, format="turtle"))


def test_one_shape_as_turtle(client, shapes):
    shape = URIRef(SKGSH + "MembershipShape")
    resp = client.get("/shapes/MembershipShape.ttl")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    alone = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    assert (shape, RDF.type, SH.NodeShape) in alone
    for prop in shapes.objects(shape, SH.property):
        assert isomorphic(alone.cbd(prop), shapes.cbd(prop)), prop  # with its blank nodes
    assert (URIRef(SKGSH + "NamedEntityShape"), None, None) not in alone


def test_a_shape_with_sparql_keeps_its_prefixes(client):
    alone = Graph().parse(data=client.get("/shapes/QuotationShape.ttl").get_data(as_text=True), format="turtle")
    assert (URIRef(SKGSH + "QuotationVerbatim"), SH.select, None) in alone
    assert len(list(alone.objects(URIRef("https://w3id.org/sco-kg/shapes"), SH.declare))) >= 5


@pytest.mark.parametrize("path", ["/shapes/Nothing.ttl", "/shapes/..%2Fsecret.ttl", "/shapes.exe"])
def test_no_such_shape(client, check_error, path):
    check_error(client.get(path, headers={"Accept": "application/json"}), 404)


def test_the_validate_page_links_the_shapes(client):
    resp = client.get("/validate", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert 'href="/shapes"' in html and 'href="/shapes.ttl"' in html and "docs/profile.md" in html
    assert "Access-Control-Allow-Origin" not in client.post("/validate", headers={"Origin": "https://evil.example"},
                                                            data=b"", content_type="text/turtle").headers


def test_every_page_links_the_shapes(client):
    assert 'href="/shapes"' in client.get("/search", headers={"Accept": "text/html"}).get_data(as_text=True)
