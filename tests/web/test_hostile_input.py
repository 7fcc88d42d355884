"""Hostile requests through the app (the Flask test client; tests/web/test_hostile_serve.py
sends the same over the wire to a real server):

* invalid UTF-8, raw or percent-encoded, in any parameter of any route, in the path, in a
  header, in a urlencoded body: 400 naming the part, never a 500;
* paths that cannot be IRIs on the linked-data routes: 404, never a 500;
* no outbound connection whatever names an outside IRI: the dataset parameters, the graph
  store, the linked-data routes, DESCRIBE (a local listener records every connection);
* updates refused on every route and method (4xx);
* HTML pages, error pages included, carry the Content-Security-Policy; every response, errors
  included, ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

FORM = "application/x-www-form-urlencoded"
ASK = "query=" + quote("ASK {}")
GRAPH = quote("https://w3id.org/sco-kg/graph/test/s01", safe="")

#: every route that reads a parameter, and a harmless value for it
PARAMETERS = [
    ("/sparql", ASK + "&query="),
    ("/sparql", ASK + "&default-graph-uri="),
    ("/sparql", ASK + "&named-graph-uri="),
    ("/sparql", ASK + "&format="),
    ("/graph", "graph="),
    ("/graph", "default&format="),
    ("/id/sco", "format="),
    ("/graph/test/s01", "format="),
    ("/ontology", "format="),
    ("/search", "q="),
    ("/", "x="),
    ("/questions/", "x="),
    ("/.well-known/void", "format="),
    ("/dumps/", "x="),
]
BAD_ESCAPES = ["%FF", "%C3%28", "%E2%82", "%ED%A0%80", "%F8%88%80%80%80", "%C0%AF"]


@pytest.mark.parametrize("escape", BAD_ESCAPES)
@pytest.mark.parametrize("path,prefix", PARAMETERS)
def test_invalid_percent_encoded_utf8_in_any_parameter_is_400(client, check_error, path, prefix, escape):
    body = check_error(client.get(f"{path}?{prefix}{escape}"), 400, contains="not valid UTF-8")
    assert body["where"] == "query string"


@pytest.mark.parametrize("raw", ["\xff", "\xc3(", "\xe9t\xe9"])
@pytest.mark.parametrize("path,prefix", PARAMETERS[::3])
def test_raw_invalid_utf8_in_the_query_string_is_400(client, check_error, path, prefix, raw):
    """As a server hands raw bytes over to WSGI: latin-1 characters in QUERY_STRING."""
    resp = client.get(path, environ_overrides={"QUERY_STRING": prefix + raw})
    check_error(resp, 400, contains="not valid UTF-8")


@pytest.mark.parametrize("path", ["/id/%FF", "/id/sco%C3", "/graph/test/%E2%82", "/questions/%FF", "/static/%FF.js",
                                  "/nowhere/%FF", "/sparql/%FF"])
def test_invalid_utf8_in_the_path_is_400_before_routing(client, check_error, path):
    body = check_error(client.get(path), 400, contains="path is not valid UTF-8")
    assert body["where"] == "path"


@pytest.mark.parametrize("header", ["Accept", "Content-Type", "Origin", "Authorization", "Accept-Language",
                                    "Access-Control-Request-Method"])
@pytest.mark.parametrize("path", ["/sparql?" + ASK, "/id/sco", "/", "/graph?default"])
def test_invalid_utf8_in_a_header_is_400(client, check_error, header, path):
    check_error(client.get(path, headers={header: "text/\xc3("}), 400, contains=f"{header} header is not valid UTF-8")


def test_a_valid_utf8_header_is_accepted(client):
    # header values travel as latin-1 in WSGI: "é" in UTF-8 arrives as "Ã©" and is fine
    assert client.get("/sparql?" + ASK, headers={"Accept-Language": "fr-\xc3\xa9"}).status_code == 200


@pytest.mark.parametrize("body", [b"query=ASK%20%7B%7D&format=\xff", b"query=ASK%20%7B%7D%FF",
                                  b"query=ASK%20%7B%7D&default-graph-uri=urn:%C3%28", b"\xc3(=1"])
def test_invalid_utf8_in_a_form_body_is_400(client, check_error, body):
    check_error(client.post("/sparql", data=body, content_type=FORM), 400, contains="not valid UTF-8")


def test_invalid_utf8_in_a_query_body_is_400(client, check_error):
    check_error(client.post("/sparql", data=b"ASK { ?s ?p \"\xff\" }", content_type="application/sparql-query"),
                400, contains="not valid UTF-8")


@pytest.mark.parametrize("path", ["/id/a%20b", "/id/%3Cscript%3E", "/id/a%22b", "/id/%7Bx%7D", "/id/a%5Cb",
                                  "/graph/a%20b", "/graph/%3C%3E", "/id/%EF%BF%BD", "/id/%00", "/id/%25",
                                  "/id/a%25zz", "/graph/%25", "/graph/test/s01%25"])
def test_paths_that_cannot_be_iris_are_404_not_500(client, check_error, path):
    check_error(client.get(path, headers={"Accept": "application/json"}), 404)
    resp = client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 404 and resp.mimetype == "text/html"


# --- no outbound connection ---------------------------------------------------------------


def test_dataset_parameters_naming_an_outside_graph_never_connect(client, listener):
    for param in ("default-graph-uri", "named-graph-uri"):
        resp = client.get(f"/sparql?query={quote('SELECT * { ?s ?p ?o }')}&{param}={quote(listener.url + 'g.ttl')}",
                          headers={"Accept": "application/sparql-results+json"})
        assert resp.status_code == 200 and resp.json["results"]["bindings"] == []  # an empty graph
    # the protocol's dataset replaces a FROM of the query: nothing is fetched for either
    query = f"SELECT * FROM <{listener.url}a.ttl> FROM NAMED <{listener.url}b.ttl> {{ ?s ?p ?o }}"
    resp = client.post("/sparql", data=f"query={quote(query)}&default-graph-uri={quote(listener.url)}",
                       content_type=FORM)
    assert resp.status_code == 200
    time.sleep(0.05)
    assert listener.connections == 0


def test_describe_and_construct_of_an_outside_iri_never_connect(client, listener):
    for query in (f"DESCRIBE <{listener.url}x>", f"CONSTRUCT {{ <{listener.url}> ?p ?o }} WHERE {{ <{listener.url}> ?p ?o }}",
                  f"SELECT * {{ GRAPH <{listener.url}> {{ ?s ?p ?o }} }}"):
        assert client.get("/sparql?query=" + quote(query)).status_code == 200, query
    time.sleep(0.05)
    assert listener.connections == 0


def test_graph_store_and_linked_data_routes_never_connect(client, check_error, listener):
    check_error(client.get("/graph?graph=" + quote(listener.url, safe="")), 404)
    for path in (f"/id/{quote(listener.url, safe='')}", f"/id/x?format={quote(listener.url, safe='')}",
                 f"/graph/{quote(listener.url)}", f"/search?q={quote(listener.url)}"):
        assert client.get(path).status_code in (200, 400, 404), path
    for accept in (listener.url, f"application/ld+json; profile=\"{listener.url}\""):
        assert client.get("/id/sco", headers={"Accept": accept}).status_code < 500
    time.sleep(0.05)
    assert listener.connections == 0


# --- read-only on every route -------------------------------------------------------------

WRITES = [
    ("POST", "/sparql", "application/sparql-update", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ("POST", "/sparql", FORM, b"update=" + quote("CLEAR ALL").encode()),
    ("POST", "/sparql", FORM, b"query=" + quote("ASK {}").encode() + b"&using-graph-uri=urn%3Ag"),
    ("POST", "/sparql", FORM, b"query=" + quote("DROP ALL").encode()),
    ("POST", "/sparql", "application/sparql-query", b"WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"),
    ("GET", "/sparql?update=" + quote("CLEAR ALL"), None, None),
    ("GET", "/sparql?query=" + quote("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), None, None),
    ("PATCH", "/sparql", "application/sparql-update", b"CLEAR ALL"),
    ("DELETE", "/sparql", None, None),
    ("PATCH", "/graph?default", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("PUT", f"/graph?graph={GRAPH}", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("POST", f"/graph?graph={GRAPH}", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("DELETE", f"/graph?graph={GRAPH}", None, None),
    ("PUT", "/graph/test/s01", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("POST", "/graph/test/s01", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("DELETE", "/graph/test/s01", None, None),
    ("PUT", "/id/sco", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("DELETE", "/id/sco", None, None),
    ("POST", "/id/sco", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("PUT", "/ontology", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("DELETE", "/dumps/sco-kg.ttl", None, None),
    ("POST", "/", FORM, b"query=x"),
    ("POST", "/search", FORM, b"q=x"),
    ("PUT", "/data", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),
    ("DELETE", "/data", None, None),
    ("POST", "/data", "text/turtle", b"<urn:a> <urn:b> <urn:c> ."),  # no ingest token configured: 403
]


def _count(client) -> int:
    resp = client.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"),
                      headers={"Accept": "application/sparql-results+json"})
    return int(resp.json["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("method,path,ctype,body", WRITES)
def test_updates_are_refused_on_every_route(client, check_error, method, path, ctype, body):
    before = _count(client)
    resp = client.open(path, method=method, data=body, content_type=ctype)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.get_data(as_text=True)[:300])
    check_error(resp, resp.status_code)
    assert _count(client) == before


# --- security headers on errors and HTML error pages --------------------------------------


@pytest.mark.parametrize("path,accept", [("/id/nothing-here", "text/html"), ("/graph/nothing", "text/html"),
                                         ("/questions/nothing", "text/html"), ("/id/a%20b", "text/html")])
def test_html_error_pages_carry_the_csp(client, path, accept):
    resp = client.get(path, headers={"Accept": accept})
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/sparql?query=%FF", "/id/%FF", "/sparql?query=" + quote("SELECT {"),
                                  "/nowhere"])
def test_error_responses_carry_nosniff(client, path):
    resp = client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code >= 400
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.mimetype != "text/html" or "Content-Security-Policy" in resp.headers
