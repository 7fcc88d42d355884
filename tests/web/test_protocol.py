"""SPARQL 1.1 Protocol at /sparql: every request form, every error status, the content
negotiation table, the service description, the Graph Store (read) and the dumps."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from rdflib import Dataset, Graph, URIRef

KG = "https://w3id.org/sco-kg/id/"
KGG = "https://w3id.org/sco-kg/graph/"
ACCENT_IRI = KG + "coopération-de-shanghaï"
DATA1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"
SRX = "{http://www.w3.org/2005/sparql-results#}"

SELECT_LABELS = f"SELECT ?l WHERE {{ <{KG}sco> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} ORDER BY ?l"
FORM = "application/x-www-form-urlencoded"


def q(query: str) -> str:
    return "/sparql?query=" + quote(query, safe="")


def bindings(resp) -> list[dict]:
    return json.loads(resp.data)["results"]["bindings"]


# --- request forms ----------------------------------------------------------------------


def test_get(client):
    resp = client.get(q(SELECT_LABELS))
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert [b["l"]["value"] for b in bindings(resp)] == [
        "Organisation de coopération de Shanghaï", "Shanghai Cooperation Organisation"]


def test_post_form(client):
    resp = client.post("/sparql", data="query=" + quote(SELECT_LABELS, safe=""), content_type=FORM)
    assert resp.status_code == 200 and len(bindings(resp)) == 2


def test_post_direct(client):
    resp = client.post("/sparql", data=SELECT_LABELS.encode(), content_type="application/sparql-query")
    assert resp.status_code == 200 and len(bindings(resp)) == 2


def test_post_direct_with_utf8_charset(client):
    resp = client.post("/sparql", data=SELECT_LABELS.encode(), content_type="application/sparql-query; charset=UTF-8")
    assert resp.status_code == 200


def test_trailing_slash_is_the_same_endpoint(client):
    assert client.get("/sparql/?query=ASK%7B%7D").status_code == 200


def test_head(client):
    resp = client.head(q("ASK {}"))
    assert resp.status_code == 200 and resp.data == b""


ACCENT_QUERY = f"SELECT ?l WHERE {{ <{ACCENT_IRI}> ?p ?l FILTER(isLiteral(?l)) }}"


@pytest.mark.parametrize("how", ["get", "get-raw-utf8", "form", "form-plus", "direct"])
def test_accented_iri_names_the_same_resource_in_every_form(client, how):
    """Percent-decoding happens exactly once: GET, POST form and POST direct agree."""
    if how == "get":
        resp = client.get(q(ACCENT_QUERY))
    elif how == "get-raw-utf8":  # a client that sends the UTF-8 bytes unescaped
        raw = b"query=" + quote(ACCENT_QUERY, safe="éï").encode()
        resp = client.get("/sparql", environ_overrides={"QUERY_STRING": raw.decode("latin-1")})
    elif how == "form":
        resp = client.post("/sparql", data="query=" + quote(ACCENT_QUERY, safe=""), content_type=FORM)
    elif how == "form-plus":
        resp = client.post("/sparql", data="query=" + quote(ACCENT_QUERY, safe="").replace("%20", "+"),
                           content_type=FORM)
    else:
        resp = client.post("/sparql", data=ACCENT_QUERY.encode(), content_type="application/sparql-query")
    assert resp.status_code == 200, resp.data
    assert [b["l"]["value"] for b in bindings(resp)] == ["accent"]


def test_escaped_percent_is_not_decoded_twice(client):
    # "%2541" is "%41" after one decoding (and "A" after two): the literal must stay "%41"
    resp = client.get("/sparql?query=" + quote('SELECT ("%41" AS ?x) {}', safe="").replace("%2541", "%252541"))
    resp = client.get("/sparql?query=SELECT%20(%22%2541%22%20AS%20%3Fx)%20%7B%7D")
    assert bindings(resp)[0]["x"]["value"] == "%41"
    resp = client.post("/sparql", data="query=SELECT%20(%22%2541%22%20AS%20%3Fx)%20%7B%7D", content_type=FORM)
    assert bindings(resp)[0]["x"]["value"] == "%41"


# --- datasets ---------------------------------------------------------------------------


def test_default_graph_is_the_union(client):
    resp = client.get(q("SELECT (COUNT(*) AS ?n) { ?s a <https://schema.org/Country> }"))
    assert bindings(resp)[0]["n"]["value"] == "2"


def test_named_graphs_by_graph(client):
    resp = client.get(q(f"SELECT DISTINCT ?g {{ GRAPH ?g {{ <{KG}russia> ?p ?o }} }}"))
    assert [b["g"]["value"] for b in bindings(resp)] == [KGG + "test/s02"]


def test_default_graph_uri(client):
    query = f"ASK {{ <{KG}sco> ?p ?o }}"
    yes = client.get(q(query) + "&default-graph-uri=" + quote(KGG + "test/s01", safe=""))
    no = client.get(q(query) + "&default-graph-uri=" + quote(KGG + "test/s02", safe=""))
    assert json.loads(yes.data)["boolean"] is True and json.loads(no.data)["boolean"] is False


def test_unknown_protocol_graph_is_empty_and_not_fetched(client, listener):
    resp = client.get(q("ASK { ?s ?p ?o }") + "&default-graph-uri=" + quote(listener.url + "g", safe=""))
    assert resp.status_code == 200 and json.loads(resp.data)["boolean"] is False
    assert listener.connections == 0


def test_named_graph_uri_restricts_graph(client):
    resp = client.get(q("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }") + "&named-graph-uri=" + quote(DATA1, safe=""))
    assert [b["g"]["value"] for b in bindings(resp)] == [DATA1]


def test_from_a_graph_of_the_dataset(client):
    resp = client.get(q(f"SELECT ?s FROM <{DATA1}> {{ ?s ?p ?o }}"))
    assert [b["s"]["value"] for b in bindings(resp)] == [DATA1]


def test_relative_iris_resolve_against_the_endpoint(client):
    resp = client.get(q("SELECT (<x> AS ?x) {}"))
    assert bindings(resp)[0]["x"]["value"] == "http://localhost/x"


# --- errors -----------------------------------------------------------------------------


def test_syntax_error_has_message_and_position(client, check_error):
    body = check_error(client.get(q("SELECT * WHERE {\n  ?s ?p ")), 400)
    assert body["reason"] == "syntax" and body["line"] == 2 and body["column"] >= 5
    assert "error at 2:" in body["error"]


def test_error_as_text_when_asked(client, check_error):
    resp = client.get("/graph?graph=urn:x:nope", headers={"Accept": "text/plain"})
    check_error(resp, 404)
    assert resp.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_405_other_methods(client, check_error, method):
    resp = client.open(q("ASK {}"), method=method)
    check_error(resp, 405)
    assert "GET" in resp.headers["Allow"] and "POST" in resp.headers["Allow"]


@pytest.mark.parametrize("ctype", ["text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_415_wrong_media_type(client, check_error, ctype):
    check_error(client.post("/sparql", data=b"ASK {}", content_type=ctype), 415)


def test_415_missing_media_type(client, check_error):
    check_error(client.post("/sparql", data=b"query=ASK%20%7B%7D"), 415)


def test_415_non_utf8_charset(client, check_error):
    resp = client.post("/sparql", data="ASK {}".encode("utf-16"), content_type="application/sparql-query; charset=UTF-16")
    check_error(resp, 415, contains="UTF-8")


@pytest.mark.parametrize("where", ["query", "percent", "form", "body"])
def test_400_invalid_utf8(client, check_error, where):
    if where == "query":
        resp = client.get("/sparql", environ_overrides={"QUERY_STRING": "query=ASK%7B%7D&x=\xff"})
    elif where == "percent":
        resp = client.get("/sparql?query=SELECT%20(%22%FF%22%20AS%20?x)%20%7B%7D")
    elif where == "form":
        resp = client.post("/sparql", data=b"query=ASK%20%7B%7D%C3", content_type=FORM)
    else:
        resp = client.post("/sparql", data=b"ASK { FILTER(\"\xff\") }", content_type="application/sparql-query")
    check_error(resp, 400, contains="UTF-8")


def test_400_two_queries(client, check_error):
    check_error(client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400, contains="queries")
    check_error(client.post("/sparql?query=ASK%7B%7D", data=b"query=ASK%7B%7D", content_type=FORM), 400)
    check_error(client.post("/sparql?query=ASK%7B%7D", data=b"ASK{}", content_type="application/sparql-query"), 400)


@pytest.mark.parametrize("request_kind", ["get-update", "form-update", "direct-update", "query-param-update"])
def test_400_update_refused(client, check_error, request_kind):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    if request_kind == "get-update":
        resp = client.get("/sparql?update=" + quote(update))
    elif request_kind == "form-update":
        resp = client.post("/sparql", data="update=" + quote(update), content_type=FORM)
    elif request_kind == "direct-update":
        resp = client.post("/sparql", data=update.encode(), content_type="application/sparql-update")
    else:
        resp = client.get(q(update))
    check_error(resp, 400, contains="read-only")
    assert json.loads(client.get(q("ASK { <urn:a> ?p ?o }")).data)["boolean"] is False


def test_400_no_query_in_post(client, check_error):
    check_error(client.post("/sparql", data=b"x=1", content_type=FORM), 400, contains="no query")


def test_400_bad_dataset_iri(client, check_error):
    check_error(client.get(q("ASK {}") + "&default-graph-uri=not%20an%20iri"), 400, contains="IRI")


def test_406_nothing_acceptable(client, check_error):
    resp = client.get(q("ASK {}"), headers={"Accept": "image/png"})
    body = check_error(resp, 406)
    assert "application/sparql-results+json" in body["available"]
    check_error(client.get(q("CONSTRUCT WHERE { ?s ?p ?o }"), headers={"Accept": "text/csv"}), 406)
    check_error(client.get(q("SELECT * {}"), headers={"Accept": "text/turtle"}), 406)


def test_400_unknown_format_parameter(client, check_error):
    check_error(client.get(q("ASK {}") + "&format=yaml"), 400, contains="unknown format")


def test_404_error_shape(client, check_error):
    check_error(client.get("/no/such/page"), 404)


# --- content negotiation ----------------------------------------------------------------

SELECT = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = 'en') } ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{KGG}test/s02> {{ ?s ?p ?o }} }}"

#: (query, Accept, format=, expected media type)
TABLE = [
    (SELECT, None, None, "application/sparql-results+json"),
    (SELECT, "*/*", None, "application/sparql-results+json"),
    (SELECT, "application/sparql-results+json", None, "application/sparql-results+json"),
    (SELECT, "application/json", None, "application/sparql-results+json"),
    (SELECT, "application/sparql-results+xml", None, "application/sparql-results+xml"),
    (SELECT, "application/xml", None, "application/sparql-results+xml"),
    (SELECT, "text/csv", None, "text/csv"),
    (SELECT, "text/tab-separated-values", None, "text/tab-separated-values"),
    (SELECT, "text/csv;q=0.5, text/tab-separated-values", None, "text/tab-separated-values"),
    (SELECT, "text/*", None, "text/csv"),
    (SELECT, "text/html, application/sparql-results+xml;q=0.9, */*;q=0.1", None, "application/sparql-results+xml"),
    (SELECT, "application/sparql-results+json;q=0, */*", None, "application/sparql-results+xml"),
    (SELECT, "text/csv", "json", "application/sparql-results+json"),
    (SELECT, None, "tsv", "text/tab-separated-values"),
    (SELECT, None, "application/sparql-results+xml", "application/sparql-results+xml"),
    ("ASK {}", "text/csv, application/sparql-results+xml;q=0.1", None, "application/sparql-results+xml"),
    (CONSTRUCT, None, None, "text/turtle"),
    (CONSTRUCT, "*/*", None, "text/turtle"),
    (CONSTRUCT, "text/turtle", None, "text/turtle"),
    (CONSTRUCT, "application/n-triples", None, "application/n-triples"),
    (CONSTRUCT, "application/n-quads", None, "application/n-quads"),
    (CONSTRUCT, "application/trig", None, "application/trig"),
    (CONSTRUCT, "application/ld+json", None, "application/ld+json"),
    (CONSTRUCT, "application/json", None, "application/ld+json"),
    (CONSTRUCT, "application/rdf+xml", None, "application/rdf+xml"),
    (CONSTRUCT, "application/xml", None, "application/rdf+xml"),
    (CONSTRUCT, "application/rdf+xml;q=0.4, text/turtle;q=0.8", None, "text/turtle"),
    (CONSTRUCT, "text/turtle", "jsonld", "application/ld+json"),
    (CONSTRUCT, None, "nt", "application/n-triples"),
    (f"DESCRIBE <{KG}russia>", "application/rdf+xml", None, "application/rdf+xml"),
]


@pytest.mark.parametrize("query,accept,fmt,expected", TABLE)
def test_conneg_table(client, query, accept, fmt, expected):
    url = q(query) + (f"&format={quote(fmt, safe='')}" if fmt else "")
    resp = client.get(url, headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200, resp.data
    assert resp.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert resp.headers["Vary"] == "Accept"


def test_results_parse_in_every_format(client):
    rows = bindings(client.get(q(SELECT)))
    assert len(rows) == 3
    xml = ET.fromstring(client.get(q(SELECT), headers={"Accept": "application/sparql-results+xml"}).data)
    assert len(xml.findall(f"{SRX}results/{SRX}result")) == 3
    assert xml.find(f".//{SRX}literal").get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    text = client.get(q(SELECT), headers={"Accept": "text/csv"}).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["s", "l"] and len(table) == 4 and text.endswith("\r\n")
    tsv = client.get(q(SELECT), headers={"Accept": "text/tab-separated-values"}).get_data(as_text=True)
    lines = tsv.splitlines()
    assert lines[0] == "?s\t?l" and lines[1].startswith(f"<{KG}") and '"@en' in lines[1].replace('"@', '"@')


def test_csv_and_tsv_escape(client):
    query = f"SELECT ?c WHERE {{ <{KG}note> ?p ?c }}"
    text = client.get(q(query), headers={"Accept": "text/csv"}).get_data(as_text=True)
    assert list(csv.reader(io.StringIO(text)))[1] == ['tab\there, comma, "quote"\nnewline']
    tsv = client.get(q(query), headers={"Accept": "text/tab-separated-values"}).get_data(as_text=True)
    assert tsv.splitlines()[1] == '"tab\\there, comma, \\"quote\\"\\nnewline"'


@pytest.mark.parametrize("fmt,rdflib_format", [("turtle", "turtle"), ("nt", "nt"), ("nq", "nquads"),
                                              ("trig", "trig"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_graph_formats_parse(client, fmt, rdflib_format):
    body = client.get(q(CONSTRUCT) + f"&format={fmt}").get_data(as_text=True)
    if rdflib_format in ("nquads", "trig"):
        g = Dataset()
        g.parse(data=body, format=rdflib_format)
        n = len(list(g.quads((None, None, None, None))))
    else:
        g = Graph()
        g.parse(data=body, format=rdflib_format)
        n = len(g)
    assert n == 9


# --- service description ----------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


def test_service_description(client):
    resp = client.get("/sparql")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/turtle; charset=utf-8"
    g = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, URIRef(SD + "endpoint"), endpoint) in g
    names = {str(o) for o in g.objects(None, URIRef(SD + "name"))}
    assert {KGG + "test/s01", KGG + "test/s02", DATA1} <= names
    dataset = URIRef("http://localhost/sparql#dataset")
    assert int(g.value(dataset, URIRef(VOID + "triples"))) > 10
    for prop in ("entities", "classes", "properties"):
        assert int(g.value(dataset, URIRef(VOID + prop))) >= 1, prop
    per_graph = {int(o) for s, o in g.subject_objects(URIRef(VOID + "triples"))}
    assert 1 in per_graph  # data1.rdf holds one triple


@pytest.mark.parametrize("accept,expected", [("application/ld+json", "application/ld+json"),
                                             ("application/rdf+xml", "application/rdf+xml"),
                                             ("application/n-triples", "application/n-triples")])
def test_service_description_conneg(client, accept, expected):
    resp = client.get("/sparql", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(expected)


def test_service_description_sends_browsers_to_the_ui(client):
    resp = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/")


# --- graph store and dumps --------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/n-quads",
                                    "application/trig", "application/ld+json", "application/rdf+xml"])
def test_graph_store_named_graph(client, accept):
    resp = client.get("/graph?graph=" + quote(KGG + "test/s01", safe=""), headers={"Accept": accept})
    assert resp.status_code == 200 and resp.headers["Content-Type"] == f"{accept}; charset=utf-8"
    assert "coop" in resp.get_data(as_text=True)


def test_graph_store_default_is_the_union(client):
    body = client.get("/graph?default", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    lines = [line for line in body.splitlines() if line.strip()]
    assert len(lines) == len(set(lines)) and any(DATA1 in line for line in lines) and any("russia" in line for line in lines)


def test_graph_store_errors(client, check_error):
    check_error(client.get("/graph?graph=" + quote("http://example.org/unknown", safe="")), 404)
    check_error(client.get("/graph"), 400)
    check_error(client.get("/graph?default&graph=" + quote(DATA1, safe="")), 400)
    # writes need a token that may update (tests/web/test_graph_writes.py): none here
    check_error(client.put("/graph?default", data=b""), 403, contains="read-only")
    check_error(client.delete("/graph?graph=" + quote(DATA1, safe="")), 403, contains="read-only")
    check_error(client.get("/graph?default", headers={"Accept": "image/png"}), 406)


def test_dumps(real_client, check_error):
    index = real_client.get("/dumps/").get_json()
    names = {d["name"] for d in index["dumps"]}
    assert {"sco-kg.trig", "sco-kg.nq", "sco-kg.ttl"} <= names
    resp = real_client.get("/dumps/sco-kg.nq")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/n-quads")
    assert resp.get_data()
    resp.close()
    check_error(real_client.get("/dumps/nope.txt"), 404)
    check_error(real_client.get("/dumps/..%2Fsecret"), 404)


def test_void_links_the_dumps(real_client):
    g = Graph().parse(data=real_client.get("/sparql").get_data(as_text=True), format="turtle")
    dumps = {str(o) for o in g.objects(URIRef("http://localhost/sparql#dataset"), URIRef(VOID + "dataDump"))}
    assert "http://localhost/dumps/sco-kg.trig" in dumps


def test_real_graph_answers(real_client):
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert int(bindings(real_client.get(q(query)))[0]["n"]["value"]) > 5
