"""kgg:proofs on the served build: a named graph like the others (GRAPH, the Graph Store,
its page), never part of the union default graph, its counts or its statistics; and the
query of docs/profile.md that walks from an inferred triple to its words."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib
from rdflib.namespace import RDF

PROOFS = "https://w3id.org/sco-kg/graph/proofs"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SKG = "https://w3id.org/sco-kg/ontology#"
PROFILE = Path(__file__).resolve().parents[2] / "docs" / "profile.md"
RESULTS = {"Accept": "application/sparql-results+json"}


def _select(client, query: str) -> list[dict]:
    resp = client.get("/sparql", query_string={"query": query}, headers=RESULTS)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    return [{k: v["value"] for k, v in row.items()} for row in resp.get_json()["results"]["bindings"]]


def _count(client, where: str) -> int:
    return int(_select(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"])


def test_the_proofs_are_a_named_graph_outside_the_default_graph(real_client, built_dataset, union):
    proofs = len(built_dataset.graph(rdflib.URIRef(PROOFS)))
    assert proofs > 10_000
    assert _count(real_client, f"GRAPH <{PROOFS}> {{ ?s ?p ?o }}") == proofs
    assert _count(real_client, "?s ?p ?o") == len(union)
    assert _count(real_client, f"?s <{SKG}assertedIn> ?g") == 0
    assert _count(real_client, f"?s a <{RDF.Statement}>") == 0


def test_the_graph_store_serves_the_proofs_by_name_and_not_in_the_default_graph(real_client, built_dataset, union):
    default = real_client.get("/graph?default", headers={"Accept": "application/n-triples"})
    assert default.status_code == 200
    triples = rdflib.Graph().parse(data=default.get_data(as_text=True), format="nt")
    assert len(triples) == len(union)
    assert not any(str(s).startswith("https://w3id.org/sco-kg/proof/") for s in triples.subjects())
    named = real_client.get("/graph", query_string={"graph": PROOFS}, headers={"Accept": "application/n-triples"})
    assert named.status_code == 200
    proofs = rdflib.Graph().parse(data=named.get_data(as_text=True), format="nt")
    assert len(proofs) == len(built_dataset.graph(rdflib.URIRef(PROOFS)))


def test_the_service_description_counts_the_union_and_describes_the_proofs(real_client, built_dataset, union):
    resp = real_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    sd = rdflib.Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    (dataset,) = sd.subjects(RDF.type, SD.Dataset)
    assert sd.value(dataset, VOID.triples).toPython() == len(union)
    (named,) = sd.subjects(SD.name, rdflib.URIRef(PROOFS))
    subset = sd.value(named, SD.graph)
    assert sd.value(subset, VOID.triples).toPython() == len(built_dataset.graph(rdflib.URIRef(PROOFS)))
    assert "kgg:inferred" in str(sd.value(subset, DCTERMS.description))
    default = sd.value(dataset, SD.defaultGraph)
    assert "but kgg:proofs" in str(sd.value(default, DCTERMS.description))


def test_the_home_page_counts_the_union(real_client, union):
    html = real_client.get("/").get_data(as_text=True)
    assert f"{len(union):,}" in html or str(len(union)) in html


def test_the_page_of_the_proofs_graph_says_what_it_is_and_stays_bounded(real_client, built_dataset, monkeypatch):
    from sco_kg.store import memory
    from sco_kg.web.pages import describe

    monkeypatch.setattr(describe, "MAX_HTML_STATEMENTS", 50)
    read = []
    real = memory.source_quads

    def counting(*args, **kwargs):
        for quad in real(*args, **kwargs):
            read.append(quad)
            yield quad

    monkeypatch.setattr("sco_kg.web.pages.named_graph.source_quads", counting)
    resp = real_client.get("/graph/proofs", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    total = len(built_dataset.graph(rdflib.URIRef(PROOFS)))
    assert f"{total} triples (the first 50)" in html
    assert "proofs of the inferred triples" in html and "Not part of the default graph" in html
    assert "Why each triple of kgg:inferred holds" in html  # the graph's own rdfs:comment
    assert len(read) <= 51  # the page reads what it shows, not the 11,000 triples


def _profile_example() -> str:
    section = PROFILE.read_text(encoding="utf-8").split("## Proofs:", 1)[1]
    (query,) = re.findall(r"^```sparql\n(.*?)^```", section, re.M | re.S)
    return query


def test_the_example_of_the_profile_walks_from_the_inferred_triple_to_its_words(real_client):
    rows = _select(real_client, _profile_example())
    assert len(rows) == 1
    (row,) = rows
    assert row["rule"] == "prp-spo1"
    assert row["premise"] == SKG + "chairedBy"
    assert row["graph"] == "https://w3id.org/sco-kg/graph/000_1cb7668562977704/s01"
    assert row["words"].endswith("présidée par le ministre russe de la Défense, Sergueï Choïgou.")
