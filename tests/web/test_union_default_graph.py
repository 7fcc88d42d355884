"""The endpoint's default graph is the union of the graphs, as a set of triples.

pyoxigraph 0.5's ``use_default_graph_as_union`` matches a triple once per graph holding
it (oxigraph#1919); the store materialises the union instead. A fact stated by two
sentences (Iran's observer status, in s15 and s19) must come back once.
"""

import pyoxigraph as ox
from sco_kg.store.served import open_store

TWO_GRAPHS = """
<http://example.org/a> <http://example.org/p> <http://example.org/b> <http://example.org/g1> .
<http://example.org/a> <http://example.org/p> <http://example.org/b> <http://example.org/g2> .
<http://example.org/a> <http://example.org/p> <http://example.org/c> <http://example.org/g2> .
"""


def _count(store, query):
    return int(next(iter(store.query(query)))["n"].value)


def test_a_triple_in_two_graphs_is_one_triple_of_the_default_graph(tmp_path):
    path = tmp_path / "two.nq"
    path.write_text(TWO_GRAPHS, encoding="utf-8")
    store = open_store(files=[path]).store
    assert _count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == 2
    assert _count(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }") == 3
    # the union is not itself a named graph
    graphs = {str(q.graph_name.value) for q in store.quads_for_pattern(None, None, None)
              if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == {"http://example.org/g1", "http://example.org/g2"}


def test_the_same_holds_on_disk_and_after_reopening(tmp_path):
    path = tmp_path / "two.nq"
    path.write_text(TWO_GRAPHS, encoding="utf-8")
    first = open_store(files=[path], store_path=tmp_path / "store")
    assert _count(first.store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == 2
    del first
    again = open_store(files=[path], store_path=tmp_path / "store")
    assert _count(again.store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == 2


def test_the_endpoint_returns_a_fact_of_two_sentences_once(real_client):
    query = """PREFIX org: <http://www.w3.org/ns/org#>
    SELECT ?m WHERE { ?m org:member <https://w3id.org/sco-kg/id/iran> ;
                         org:role <https://w3id.org/sco-kg/id/role-observer> }"""
    response = real_client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    rows = response.get_json()["results"]["bindings"]
    assert [r["m"]["value"] for r in rows] == ["https://w3id.org/sco-kg/id/membership-iran-sco-observer"]


def test_pages_cite_the_sentence_graphs_not_the_union_copy(real_client):
    response = real_client.get("/id/sco.html")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/s01" in page  # a fact about the SCO quoted from its sentence
    assert "default graph" not in page


def test_source_quads_keep_triples_only_the_default_graph_holds(tmp_path):
    from sco_kg.store.memory import source_quads

    two = tmp_path / "two.nq"
    two.write_text(TWO_GRAPHS, encoding="utf-8")
    plain = tmp_path / "plain.nt"
    plain.write_text("<http://example.org/x> <http://example.org/p> <http://example.org/y> .\n", encoding="utf-8")
    store = open_store(files=[two], extra=[plain]).store
    graphs = sorted(str(q.graph_name) for q in source_quads(store))
    assert graphs == ["<http://example.org/g1>", "<http://example.org/g2>", "<http://example.org/g2>", "DEFAULT"]
