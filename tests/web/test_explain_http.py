"""``/explain?s=&p=&o=`` over the project's build: the proof read from ``kgg:proofs`` as JSON,
Turtle and HTML; the entity pages' "why" links to it; the proofs stay out of the union
default graph and of the pages; bad questions get the one error shape."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import rdflib
from rdflib.namespace import PROV, RDF
from sco_kg.pipeline.proof_graph import statement_node

from test_linked_data import HTML, KG, KGG, Links

SKG = "https://w3id.org/sco-kg/ontology#"
MEETING = KG + "event-defence-ministers-meeting-patriot-park"
ATTENDEE = "https://schema.org/attendee"
SHOIGU = KG + "sergei-shoigu"


def explain(client, s, p, o, **headers):
    return client.get("/explain?" + urlencode({"s": s, "p": p, "o": o}), headers=headers)


def test_explain_answers_json_with_the_rule_the_premises_and_the_words(real_client):
    resp = explain(real_client, MEETING, ATTENDEE, SHOIGU)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    proof = resp.get_json()["proof"]
    assert proof["rule"] == "prp-spo1" and "subPropertyOf" in proof["rule_says"]
    leaves = [p for p in proof["premises"] if "asserted_in" in p]
    words = [s["words"] for leaf in leaves for s in leaf["asserted_in"] if s["words"]]
    assert any("présidée par le ministre russe de la Défense" in w for w in words)


@pytest.mark.parametrize("s,p,o", [
    ("kg:event-defence-ministers-meeting-patriot-park", "schema:attendee", "kg:sergei-shoigu"),
    (f"<{MEETING}>", f"<{ATTENDEE}>", f"<{SHOIGU}>"),
])
def test_terms_may_be_prefixed_names_or_n_triples(real_client, s, p, o):
    assert explain(real_client, s, p, o).get_json()["proof"]["rule"] == "prp-spo1"


def test_explain_answers_turtle_with_the_proofs_own_triples(real_client):
    resp = explain(real_client, MEETING, ATTENDEE, SHOIGU, Accept="text/turtle")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    node = statement_node((rdflib.URIRef(MEETING), rdflib.URIRef(ATTENDEE), rdflib.URIRef(SHOIGU)))
    assert (node, RDF.subject, rdflib.URIRef(MEETING)) in graph
    step = graph.value(node, PROV.wasGeneratedBy)
    assert graph.value(step, rdflib.URIRef(SKG + "rule")) is not None
    assert len(list(graph.objects(node, PROV.wasDerivedFrom))) == 2
    leaf_graphs = set(graph.objects(None, rdflib.URIRef(SKG + "assertedIn")))
    assert leaf_graphs and any(graph.objects(g, PROV.wasDerivedFrom) for g in leaf_graphs)
    quotes = [str(o) for o in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#exact"))]
    assert any("présidée par" in q for q in quotes)


def test_explain_page_shows_the_rule_and_marks_the_words(real_client):
    resp = explain(real_client, MEETING, ATTENDEE, SHOIGU, Accept=HTML)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert "prp-spo1" in page and "super-properties" in page
    assert "<mark>" in page and "présidée par" in page


def test_an_asserted_triple_is_its_own_proof(real_client):
    body = explain(real_client, MEETING, SKG + "chairedBy", SHOIGU).get_json()
    assert "rule" not in body["proof"] and body["proof"]["asserted_in"]


@pytest.mark.parametrize("params,status", [
    ({"s": MEETING, "p": ATTENDEE}, 400),                              # no object
    ({"s": "?x", "p": ATTENDEE, "o": SHOIGU}, 400),                    # a variable
    ({"s": "<relative>", "p": ATTENDEE, "o": SHOIGU}, 400),            # a relative IRI
    ({"s": '"lit"', "p": ATTENDEE, "o": SHOIGU}, 400),                 # a literal subject
    ({"s": "nope:x", "p": ATTENDEE, "o": SHOIGU}, 400),                # an unknown prefix
    ({"s": KG + "nobody", "p": ATTENDEE, "o": SHOIGU}, 404),          # not entailed
    ({"s": MEETING, "p": ATTENDEE, "o": SHOIGU, "format": "xml"}, 400),
    ({"s": "x" * 20_000, "p": ATTENDEE, "o": SHOIGU}, 400),
    ({"s": "@prefix x: <file:///etc/passwd> . x:a", "p": "x:b", "o": "x:c"}, 400),  # one term each
    ({"s": MEETING, "p": ATTENDEE, "o": "kg:a ; schema:attendee kg:b"}, 400),
    ({"s": "_:b", "p": ATTENDEE, "o": SHOIGU}, 400),
    ({"s": MEETING, "p": ATTENDEE, "o": '"unclosed'}, 400),
    ({"s": MEETING, "p": ATTENDEE, "o": '"x"@fr . <a> <b> "y"'}, 400),
])
def test_bad_questions_get_the_one_error_shape(real_client, check_error, params, status):
    resp = real_client.get("/explain?" + urlencode(params))
    check_error(resp, status)


def test_nothing_acceptable_is_406(real_client, check_error):
    check_error(explain(real_client, MEETING, ATTENDEE, SHOIGU, Accept="image/png"), 406)


def test_entity_pages_link_each_inferred_statement_to_its_proof(real_client):
    page = real_client.get("/id/event-defence-ministers-meeting-patriot-park.html").get_data(as_text=True)
    links = Links()
    links.feed(page)
    whys = [h for h in links.hrefs if h.startswith("/explain?")]
    assert whys
    for href in whys[:40]:
        resp = real_client.get(href, headers={"Accept": "application/json"})
        assert resp.status_code == 200, (href, resp.get_data(as_text=True)[:300])
        assert "rule" in resp.get_json()["proof"]


def test_proofs_stay_out_of_the_union_and_the_pages(real_client):
    query = "ASK { ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?o }"
    resp = real_client.get("/sparql?" + urlencode({"query": query}), headers={"Accept": "application/sparql-results+json"})
    assert resp.get_json()["boolean"] is False
    query = f"ASK {{ GRAPH <{KGG}proofs> {{ ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?o }} }}"
    resp = real_client.get("/sparql?" + urlencode({"query": query}), headers={"Accept": "application/sparql-results+json"})
    assert resp.get_json()["boolean"] is True
    page = real_client.get("/id/china.html").get_data(as_text=True)
    assert "rdf:subject" not in page and "/proof/" not in page


def test_a_proof_too_deep_to_nest_is_413_and_says_how_to_read_it(tmp_path, check_error, make_app):
    """Properties p0..p250, each the inverse of the next: the proof of the last is 250 steps deep."""
    from dataclasses import replace

    from pipeline_support import FIXED_NOW
    from sco_kg.pipeline.build import build
    from sco_kg.pipeline.sources import Input, Sources
    from sco_kg.store.export import export
    from sco_kg.store.served import open_store

    lines = ["@prefix owl: <http://www.w3.org/2002/07/owl#> .", "@prefix ex: <https://example.org/> ."]
    lines += [f"ex:p{i} a owl:ObjectProperty ; owl:inverseOf ex:p{i + 1} ." for i in range(250)]
    lines.append("ex:x ex:p0 ex:y .")
    path = tmp_path / "chain.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = Sources.default()
    result = build(replace(sources, extra=(*sources.extra, Input(path))), now=FIXED_NOW, proofs=True)
    export(result, tmp_path / "dist")
    app = make_app(SCO_KG_LOADED=open_store(dumps_dir=tmp_path / "dist", key="deep"))
    client = app.test_client()
    near = explain(client, "https://example.org/y", "https://example.org/p3", "https://example.org/x")
    assert near.status_code == 200 and near.get_json()["proof"]["rule"].startswith("prp-inv")
    resp = explain(client, "https://example.org/x", "https://example.org/p250", "https://example.org/y")
    body = check_error(resp, 413)
    assert "250 steps deep" in body["error"] and "kgg:proofs" in body["error"]


def test_a_build_without_proofs_says_so(client, check_error):
    """The fixture app serves files without kgg:proofs (as a --no-proofs build would)."""
    body = check_error(client.get("/explain?" + urlencode({"s": KG + "sco", "p": RDF.type, "o": "https://schema.org/Thing"})), 404)
    assert "no proofs" in body["error"] and "--no-proofs" in body["error"]
