"""Limits and safety: timeout (503, others served meanwhile), row cap (says truncated),
request-size cap (413), nesting and complexity bounds (400, the server lives), no outbound
request (SERVICE, LOAD, FROM: a local listener sees no connection), read-only everywhere,
and the per-request overhead of the worker processes."""

from __future__ import annotations

import json
import statistics
import threading
import time
from urllib.parse import quote

import pytest

KG = "https://w3id.org/sco-kg/id/"
FORM = "application/x-www-form-urlencoded"
#: a cartesian product over the whole graph: ~10^10 rows, minutes of CPU
RUNAWAY = ("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . "
           "?p ?q ?r . ?t ?u ?v . ?w ?x ?y }")


def q(query: str) -> str:
    return "/sparql?query=" + quote(query, safe="")


# --- timeout ----------------------------------------------------------------------------


def test_timeout_503_while_another_client_is_answered(make_app, check_error):
    app = make_app(SCO_KG_TIMEOUT=1.5, SCO_KG_WORKERS=2)
    kg = app.extensions["sco_kg"]
    result = {}

    def runaway():
        started = time.monotonic()
        result["resp"] = app.test_client().get(q(RUNAWAY))
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    answered = []
    while thread.is_alive():  # meanwhile, another client is answered, quickly
        started = time.monotonic()
        resp = app.test_client().get(q("ASK { ?s ?p ?o }"))
        answered.append((resp.status_code, time.monotonic() - started))
        time.sleep(0.1)
    thread.join()
    body = check_error(result["resp"], 503, contains="did not finish within 1.5 s")
    assert body["reason"] == "timeout"
    assert 1.4 < result["seconds"] < 5
    assert answered and all(status == 200 and seconds < 1.0 for status, seconds in answered), answered
    spawned = kg.executor.spawned
    assert app.test_client().get(q("ASK {}")).status_code == 200  # a fresh worker took its place
    assert spawned == 3


def test_timed_out_worker_is_killed(make_app):
    import os

    app = make_app(SCO_KG_TIMEOUT=0.5, SCO_KG_WORKERS=1)
    executor = app.extensions["sco_kg"].executor
    (pid,) = executor._all.keys()
    assert app.test_client().get(q(RUNAWAY)).status_code == 503
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone: its CPU is freed


def test_all_workers_busy_is_503(make_app, check_error):
    app = make_app(SCO_KG_TIMEOUT=0.5, SCO_KG_WORKERS=1)
    executor = app.extensions["sco_kg"].executor
    worker = executor._idle.get()  # hold the only worker
    try:
        body = check_error(app.test_client().get(q("ASK {}")), 503, contains="busy")
        assert body["reason"] == "busy"
    finally:
        executor._idle.put(worker)


# --- row cap ----------------------------------------------------------------------------

FOUR_ROWS = "SELECT ?x { VALUES ?x { 1 2 3 4 } }"


def test_row_cap_says_truncated_in_json(make_app):
    client = make_app(SCO_KG_MAX_ROWS=3).test_client()
    resp = client.get(q(FOUR_ROWS))
    body = json.loads(resp.data)
    assert len(body["results"]["bindings"]) == 3
    assert body["truncated"]["max_rows"] == 3 and "more than 3 rows" in body["truncated"]["message"]
    assert resp.headers["SPARQL-Results-Truncated"] == "true; max-rows=3"


def test_row_cap_exactly_reached_is_not_truncated(make_app):
    client = make_app(SCO_KG_MAX_ROWS=4).test_client()
    resp = client.get(q(FOUR_ROWS))
    assert "truncated" not in json.loads(resp.data) and "SPARQL-Results-Truncated" not in resp.headers


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_row_cap_in_other_formats(make_app, accept):
    client = make_app(SCO_KG_MAX_ROWS=2).test_client()
    resp = client.get(q(FOUR_ROWS), headers={"Accept": accept})
    assert resp.headers["SPARQL-Results-Truncated"] == "true; max-rows=2"
    text = resp.get_data(as_text=True)
    if accept.endswith("xml"):
        assert 'urn:sco-kg:truncated' in text and text.count("<result>") == 2
    else:
        assert len(text.strip().splitlines()) == 3


def test_row_cap_on_graphs(make_app):
    client = make_app(SCO_KG_MAX_ROWS=2).test_client()
    resp = client.get(q("CONSTRUCT { ?x <urn:p> 1 } WHERE { VALUES ?x { <urn:a> <urn:b> <urn:c> } }"),
                      headers={"Accept": "application/n-triples"})
    text = resp.get_data(as_text=True)
    assert resp.headers["SPARQL-Results-Truncated"] == "true; max-rows=2"
    assert text.startswith("# truncated") and text.count("<urn:p>") == 2


# --- request size -----------------------------------------------------------------------


def test_413_request_too_large(make_app, check_error):
    client = make_app(SCO_KG_MAX_REQUEST_BYTES=2000).test_client()
    big = "ASK {} # " + "x" * 3000
    check_error(client.post("/sparql", data=big.encode(), content_type="application/sparql-query"), 413)
    check_error(client.post("/sparql", data="query=" + quote(big), content_type=FORM), 413)
    check_error(client.get(q(big)), 413)
    assert client.get(q("ASK {} # small")).status_code == 200


def test_5mb_query_is_413(client, check_error):
    big = b"ASK {} #" + b"x" * 5_000_000
    check_error(client.post("/sparql", data=big, content_type="application/sparql-query"), 413)


# --- hostile shapes ---------------------------------------------------------------------


def test_deep_nesting_is_refused_before_the_engine(client, check_error):
    deep = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
    body = check_error(client.get(q(deep)), 400, contains="nests deeper")
    assert body["reason"] == "too-deep" and body["line"] == 1
    parens = "SELECT (" + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) {}"
    check_error(client.post("/sparql", data=parens.encode(), content_type="application/sparql-query"), 400)
    assert client.get(q("ASK {}")).status_code == 200  # alive


def test_long_operator_chain_is_refused(client, check_error):
    chain = "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) {}"
    body = check_error(client.post("/sparql", data=chain.encode(), content_type="application/sparql-query"), 400)
    assert body["reason"] == "too-complex"


def test_engine_crash_kills_only_a_worker(make_app, check_error):
    """With the bounds lifted, the engine's stack overflow takes one worker, not the server."""
    app = make_app(SCO_KG_MAX_DEPTH=10**6, SCO_KG_MAX_OPERATORS=10**7, SCO_KG_MAX_REQUEST_BYTES=10**6)
    client = app.test_client()
    deep = "SELECT * WHERE " + "{" * 150_000 + "}" * 150_000
    body = check_error(client.post("/sparql", data=deep.encode(), content_type="application/sparql-query"), 500)
    assert body["reason"] == "engine-crash"
    assert client.get(q("ASK {}")).status_code == 200


def test_nothing_hides_in_strings_iris_and_comments(client):
    query = ('PREFIX schema: <https://schema.org/> SELECT * { ?s ?p "SERVICE <http://x> {}" . '
             '?s a schema:Service } # SERVICE <http://y> {}')
    assert client.get(q(query)).status_code == 200


# --- no outbound request ----------------------------------------------------------------


@pytest.mark.parametrize("template", [
    "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
    "SELECT * {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
    "SELECT * {{ VALUES (?a ?b) {{ (<a> <x'y>) }} SERVICE <{url}> {{}} FILTER('') }}",
])
def test_service_is_refused_and_never_connects(client, check_error, listener, template):
    body = check_error(client.get(q(template.format(url=listener.url))), 400)
    assert body["reason"] in ("service", "ambiguous")
    time.sleep(0.05)
    assert listener.connections == 0


def test_load_is_refused_and_never_connects(client, check_error, listener):
    check_error(client.post("/sparql", data=f"LOAD <{listener.url}>".encode(),
                            content_type="application/sparql-update"), 400, contains="read-only")
    check_error(client.post("/sparql", data="update=" + quote(f"LOAD <{listener.url}>"), content_type=FORM), 400)
    body = check_error(client.get(q(f"LOAD <{listener.url}>")), 400)
    assert body["reason"] == "update"
    assert listener.connections == 0


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_an_outside_graph_is_refused_and_never_connects(client, check_error, listener, clause):
    body = check_error(client.get(q(f"SELECT * {clause} <{listener.url}data.ttl> {{ ?s ?p ?o }}")), 400,
                       contains="not a graph of this dataset")
    assert body["reason"] == "unknown-graph"
    assert listener.connections == 0


def test_workers_cannot_reach_the_network(app, listener):
    """Defence in depth: even a SERVICE that reached the engine could not connect."""
    executor = app.extensions["sco_kg"].executor
    if not executor.isolated:
        pytest.skip("this OS does not allow a network namespace for the workers")
    from sco_kg.web.executor import EngineError

    job = {"op": "query", "query": f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
           "results_format": "json", "graph_format": "turtle", "max_rows": 10}
    with pytest.raises(EngineError, match="unreachable|refused|error"):
        executor.query(job, 5)
    time.sleep(0.05)
    assert listener.connections == 0


# --- read-only on every route -----------------------------------------------------------


@pytest.mark.parametrize("method,path,status", [
    ("POST", "/graph?default", 403), ("PUT", "/graph?default", 403), ("DELETE", "/graph?default", 403),
    ("POST", "/update", 403), ("PUT", "/sparql", 405), ("POST", "/dumps/sco-kg.trig", 405)])
def test_no_write_route(client, check_error, method, path, status):
    """No route writes without a token: the write routes say the server is read-only (no
    token configured, tests/web/test_update.py), the others have no such method."""
    check_error(client.open(path, method=method, data=b"<urn:a> <urn:b> <urn:c> .", content_type="text/turtle"),
                status)


# --- overhead ---------------------------------------------------------------------------


def test_overhead_of_the_worker_round_trip_is_under_1ms(app):
    """Median cost of a query through a worker, over the same job run in this process."""
    from sco_kg.web.executor import run_job

    kg = app.extensions["sco_kg"]
    job = {"op": "query", "query": f"SELECT ?l {{ <{KG}sco> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}",
           "results_format": "json", "graph_format": "turtle", "max_rows": 10_000}
    direct, pooled = [], []
    for _ in range(200):
        t = time.perf_counter()
        run_job(kg.store, job)
        direct.append(time.perf_counter() - t)
        t = time.perf_counter()
        kg.executor.query(job, 5)
        pooled.append(time.perf_counter() - t)
    overhead = statistics.median(pooled) - statistics.median(direct)
    print(f"median in-process {statistics.median(direct) * 1e6:.0f} us, via worker "
          f"{statistics.median(pooled) * 1e6:.0f} us, overhead {overhead * 1e6:.0f} us")
    assert overhead < 0.001
