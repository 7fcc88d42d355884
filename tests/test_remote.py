"""sco_kg.store.http_client, sco_kg.store.remote and the backend executor against a small local HTTP server
(no triple store needed): Basic and bearer credentials (Digest is exercised by Virtuoso in
tests/interop/test_push_backend.py), credentials only on a challenge, no redirect followed,
no other origin contacted, the deadline while an answer streams in, the row cap. ``sco-kg
push`` against a fake store: tests/test_push.py."""

from __future__ import annotations

import base64
import json
import time

import pytest
from http_stores import Server
from sco_kg.core.errors import ConfigError
from sco_kg.store.http_client import Credentials, HttpClient, RemoteError, RemoteTimeout, _challenge
from sco_kg.store.remote import UNION_GRAPH, RemoteStore, Target, guess_graph_store


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def require_basic(user: str, password: str):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()

    def answer(handler, req):
        if req["headers"].get("Authorization") == f"Basic {token}":
            return 204, {}, b""
        return 401, {"WWW-Authenticate": 'Basic realm="kg"'}, b"who are you?"

    return answer


def test_basic_credentials_are_sent_only_when_asked(server):
    server.answer = require_basic("u", "p:w")
    target = Target(server.url + "/query", server.url + "/store", Credentials.parse("u:p:w"), timeout=10)
    target.put_graph("https://w3id.org/sco-kg/graph/x", b"")
    first, second = server.requests
    assert "Authorization" not in first["headers"]
    assert second["headers"]["Authorization"].startswith("Basic ")
    assert second["path"] == "/store?graph=https%3A%2F%2Fw3id.org%2Fsco-kg%2Fgraph%2Fx"
    target.put_graph("https://w3id.org/sco-kg/graph/y", b"")
    assert len(server.requests) == 3  # the scheme is remembered: no second challenge


def test_wrong_basic_password_names_the_graph(server):
    server.answer = require_basic("u", "right")
    target = Target(server.url + "/query", server.url + "/store", Credentials.parse("u:wrong"), timeout=10)
    with pytest.raises(RemoteError, match=r"PUT of graph <urn:g> .* not authorised") as info:
        target.put_graph("urn:g", b"")
    assert info.value.status == 401
    assert len(server.requests) == 2  # one retry with credentials, not a loop


def test_bearer_token_on_every_request(server):
    server.answer = lambda h, req: (204, {}, b"") if req["headers"].get("Authorization") == "Bearer T0k" else (401, {}, b"")
    target = Target(server.url + "/query", server.url + "/store", Credentials.parse(token="T0k"), timeout=10)
    target.put_graph("urn:g", b"")
    assert [r["headers"].get("Authorization") for r in server.requests] == ["Bearer T0k"]


def test_redirects_are_not_followed(server):
    other = Server()
    try:
        server.answer = lambda h, req: (307, {"Location": other.url + "/store?graph=urn%3Ag"}, b"")
        target = Target(server.url + "/query", server.url + "/store", timeout=10)
        with pytest.raises(RemoteError, match="HTTP 307"):
            target.put_graph("urn:g", b"")
        assert other.requests == []
    finally:
        other.close()


def test_only_the_configured_origins(server):
    client = HttpClient([server.url + "/query"])
    with pytest.raises(RemoteError, match="not the configured store"):
        client.request("GET", "http://127.0.0.2:1/elsewhere", timeout=5)
    with pytest.raises(RemoteError, match="not the configured store"):
        client.request("GET", server.url.replace("127.0.0.1", "localhost") + "/query", timeout=5)


def test_no_answer_within_the_deadline(server):
    def slow(handler, req):
        time.sleep(2)
        return 200, {}, b""

    server.answer = slow
    client = HttpClient([server.url])
    started = time.monotonic()
    with pytest.raises(RemoteTimeout):
        client.request("GET", server.url + "/query", timeout=0.3)
    assert time.monotonic() - started < 2  # gave up before the server answered


def _results(rows: int) -> bytes:
    bindings = [{"s": {"type": "uri", "value": f"http://example.org/{i}"}} for i in range(rows)]
    return json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": bindings}}).encode()


def _executor(server, **store_kw):
    from sco_kg.web.backend import BackendExecutor

    store = RemoteStore(Target(server.url + "/query", timeout=10), ["urn:g1", "urn:g2"], **store_kw)
    return BackendExecutor(store, workers=1)


def _job(query: str, **kw) -> dict:
    return {"op": "query", "query": query, "base_iri": None, "default_graph": None, "named_graphs": None,
            "has_from": False, "results_format": "json", "graph_format": "turtle", "max_rows": 0, **kw}


def test_backend_names_the_dataset_and_cuts_at_the_row_cap(server):
    from urllib.parse import parse_qsl

    server.answer = lambda h, req: (200, {"Content-Type": "application/sparql-results+json"}, _results(10))
    reply = _executor(server).query(_job("SELECT ?s WHERE { ?s ?p ?o }", max_rows=3), timeout=10)
    assert reply.truncated and reply.count == 3
    assert len(json.loads(reply.body)["results"]["bindings"]) == 3
    sent = parse_qsl(server.requests[0]["body"].decode())
    assert ("default-graph-uri", UNION_GRAPH) in sent
    assert [v for k, v in sent if k == "named-graph-uri"] == ["urn:g1", "urn:g2"]
    # a protocol dataset naming graphs outside the build: an empty graph instead
    _executor(server).query(_job("SELECT ?s WHERE { ?s ?p ?o }", default_graph=["urn:other"], named_graphs=["urn:g2"]), 10)
    sent = parse_qsl(server.requests[1]["body"].decode())
    assert [v for k, v in sent if k == "default-graph-uri"] == ["urn:x-sco-kg:empty"]
    assert [v for k, v in sent if k == "named-graph-uri"] == ["urn:g2"]


def test_backend_timeout_while_the_answer_streams(server):
    """Headers at once, then a row every 0.2 s: the watchdog stops it at the deadline."""
    from sco_kg.web.executor import QueryTimeout

    def drip(handler, req):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.end_headers()
        handler.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [')
        try:
            for i in range(50):
                handler.wfile.write(b'{"s": {"type": "uri", "value": "http://example.org/%d"}},' % i)
                handler.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass
        return None, None, None

    server.answer = drip
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        _executor(server).query(_job("SELECT ?s WHERE { ?s ?p ?o }"), timeout=1.0)
    assert time.monotonic() - started < 5  # not the 10 s the whole answer would take


def test_backend_refuses_before_sending(server):
    from sco_kg.web.executor import QueryError

    executor = _executor(server)
    for query in ("SELECT * WHERE { ?s ?p }", 'DEFINE input:grab-all "yes" SELECT * WHERE { ?s ?p ?o }',
                  "SELECT * WHERE { ?s ?p ?o FILTER(<bif:contains>(?o, 'x')) }",
                  "SELECT * WHERE { ?s ?p ?o FILTER(<\\u0062if:contains>(?o, 'x')) }"):
        with pytest.raises(QueryError):
            executor.query(_job(query), timeout=5)
    assert server.requests == []


def test_backend_error_status_is_a_backend_failure(server):
    from sco_kg.web.executor import BackendFailed

    server.answer = lambda h, req: (500, {"Content-Type": "text/html"}, b"<h1>Error</h1><p>out of memory</p>")
    with pytest.raises(BackendFailed, match="HTTP 500: Error out of memory"):
        _executor(server).query(_job("SELECT * WHERE { ?s ?p ?o }"), timeout=5)


def test_credentials_parsing():
    assert Credentials.parse("dba:p:w") == Credentials("dba", "p:w")
    for bad in ("nopassword", ":p"):
        with pytest.raises(ConfigError):
            Credentials.parse(bad)
    with pytest.raises(ConfigError):
        Credentials.parse("u:p", "token")
    assert "secret" not in repr(Credentials.parse("u:secret")) and "T0k" not in repr(Credentials.parse(token="T0k"))


def test_digest_challenge_parsing():
    scheme, params = _challenge('Digest realm="SPARQL", domain="/sparql-graph-crud-auth", nonce="30a9", '
                                'opaque="5e", stale="false", qop="auth", algorithm="MD5"')
    assert scheme == "digest"
    assert params == {"realm": "SPARQL", "domain": "/sparql-graph-crud-auth", "nonce": "30a9", "opaque": "5e",
                      "stale": "false", "qop": "auth", "algorithm": "MD5"}


def test_graph_store_guesses():
    assert guess_graph_store("http://h:7878/query", False) == "http://h:7878/store"
    assert guess_graph_store("http://h:8890/sparql", True) == "http://h:8890/sparql-graph-crud-auth"
    assert guess_graph_store("http://h:8890/sparql", False) == "http://h:8890/sparql-graph-crud"
    assert guess_graph_store("http://h:3030/ds/query", False) is None
    with pytest.raises(ConfigError):
        Target("file:///etc/passwd")


def test_a_whole_answer_is_read_up_to_a_limit(server):
    server.answer = lambda h, req: (200, {"Content-Type": "text/plain"}, b"x" * 5000)
    client = HttpClient([server.url])
    assert len(client.request("GET", server.url + "/q", timeout=5, max_bytes=5000).body) == 5000
    with pytest.raises(RemoteError, match="larger than 4999 bytes"):
        client.request("GET", server.url + "/q", timeout=5, max_bytes=4999)


def test_a_deeply_nested_query_is_parsed_without_crashing_the_server(server):
    """With max_depth raised past what a request thread's stack holds (6,000 brackets: a
    SIGSEGV on an 8 MiB stack), the backend mode's parse survives and the query goes out."""
    server.answer = lambda h, req: (200, {"Content-Type": "application/sparql-results+json"}, _results(1))
    deep = "SELECT ?s WHERE { " + "{ " * 6000 + "?s ?p ?o " + "} " * 6000 + "}"
    reply = _executor(server).query(_job(deep), timeout=30)
    assert reply.count == 1 and len(server.requests) == 1


def test_delete_graph_answers_and_errors(server):
    """204 and 200: dropped; 404: the store had no such graph (no error); anything else names
    the graph. The IRI goes percent-encoded in ?graph=."""
    target = Target(server.url + "/query", server.url + "/store?x=1", timeout=10)
    for status, dropped in ((204, True), (200, True), (404, False)):
        server.answer = lambda h, req, status=status: (status, {}, b"")
        assert target.delete_graph("urn:g#é&") is dropped
    assert server.requests[0]["method"] == "DELETE"
    assert server.requests[0]["path"] == "/store?x=1&graph=urn%3Ag%23%C3%A9%26"
    server.answer = lambda h, req: (403, {"Content-Type": "text/plain"}, b"read-only dataset")
    with pytest.raises(RemoteError, match=r"DELETE of graph <urn:g> .* forbidden .*read-only dataset") as info:
        target.delete_graph("urn:g")
    assert info.value.status == 403


def test_graph_names_asks_again_when_a_row_has_no_graph(server):
    """``GRAPH ?g {}`` first; Virtuoso 7.2 answers it with one row, ?g unbound: then the
    graphs of the quads, grouped. No dataset in either request (all the store's graphs)."""
    from urllib.parse import parse_qsl

    from sco_kg.store.remote import GRAPH_NAMES_QUERIES

    def results(*rows):
        return json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": list(rows)}}).encode()

    answers = {GRAPH_NAMES_QUERIES[0]: results({}),
               GRAPH_NAMES_QUERIES[1]: results({"g": {"type": "uri", "value": "urn:g1"}},
                                               {"g": {"type": "uri", "value": "urn:g2"}})}
    server.answer = lambda h, req: (200, {"Content-Type": "application/sparql-results+json"},
                                    answers[dict(parse_qsl(req["body"].decode()))["query"]])
    target = Target(server.url + "/query", timeout=10)
    assert target.graph_names() == {"urn:g1", "urn:g2"}
    assert [parse_qsl(r["body"].decode()) for r in server.requests] == [[("query", q)] for q in GRAPH_NAMES_QUERIES]
    answers[GRAPH_NAMES_QUERIES[0]] = results({"g": {"type": "uri", "value": "urn:g3"}})
    assert target.graph_names() == {"urn:g3"} and len(server.requests) == 3  # answered: no second query
