"""A real waitress server on a free loopback port: SPARQLWrapper as a client in JSON, XML,
CSV and TSV; the timeout while another client is answered; latency over HTTP."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from urllib.parse import quote, urlsplit

import pytest

KG = "https://w3id.org/sco-kg/id/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ACCENT_IRI = KG + "coopération-de-shanghaï"
SELECT = f"SELECT ?s ?l WHERE {{ ?s <{RDFS_LABEL}> ?l FILTER(lang(?l) = 'fr') }} ORDER BY ?s"
RUNAWAY = ("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . "
           "?p ?q ?r . ?t ?u ?v . ?w ?x ?y }")


@pytest.fixture(scope="module")
def server_url(app, request):
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    server.task_dispatcher.shutdown()


def wrapper(url: str, fmt: str, method: str = "GET"):
    from SPARQLWrapper import GET, POST, SPARQLWrapper

    sparql = SPARQLWrapper(url + "/sparql")
    sparql.setReturnFormat(fmt)
    sparql.setMethod(POST if method == "POST" else GET)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(server_url, method):
    from SPARQLWrapper import JSON

    sparql = wrapper(server_url, JSON, method)
    sparql.setQuery(SELECT)
    result = sparql.query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    rows = result.convert()["results"]["bindings"]
    labels = {r["l"]["value"] for r in rows}
    assert "Organisation de coopération de Shanghaï" in labels and "Russie" in labels


def test_sparqlwrapper_xml(server_url):
    from SPARQLWrapper import XML

    sparql = wrapper(server_url, XML)
    sparql.setQuery(SELECT)
    doc = sparql.query().convert()
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert "Organisation de coopération de Shanghaï" in literals


def test_sparqlwrapper_csv(server_url):
    import csv
    import io

    from SPARQLWrapper import CSV

    sparql = wrapper(server_url, CSV)
    sparql.setQuery(SELECT)
    text = sparql.query().convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["s", "l"] and [KG + "sco", "Organisation de coopération de Shanghaï"] in rows


def test_sparqlwrapper_tsv(server_url):
    from SPARQLWrapper import TSV

    sparql = wrapper(server_url, TSV)
    sparql.setQuery(SELECT)
    lines = sparql.query().convert().decode("utf-8").splitlines()
    assert lines[0] == "?s\t?l" and f'<{KG}sco>\t"Organisation de coopération de Shanghaï"@fr' in lines


def test_sparqlwrapper_ask_and_accent_post(server_url):
    from SPARQLWrapper import JSON

    for method in ("GET", "POST"):
        sparql = wrapper(server_url, JSON, method)
        sparql.setQuery(f"ASK {{ <{ACCENT_IRI}> ?p ?o }}")
        assert sparql.query().convert()["boolean"] is True, method


def test_sparqlwrapper_sees_errors(server_url):
    from SPARQLWrapper import JSON
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sparql = wrapper(server_url, JSON)
    sparql.setQuery("SELECT * WHERE { ?s ")
    with pytest.raises(QueryBadFormed, match="error at 1:"):
        sparql.query()


def _get(url: str, path: str, timeout: float = 10):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def test_timeout_over_http_while_another_client_is_answered(make_app, live_server):
    url = live_server(make_app(SCO_KG_TIMEOUT=1.5, SCO_KG_WORKERS=2))
    result = {}

    def runaway():
        result["status"], result["body"] = _get(url, "/sparql?query=" + quote(RUNAWAY, safe=""))

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    answered = []
    while thread.is_alive():
        started = time.monotonic()
        status, _ = _get(url, "/sparql?query=" + quote("ASK { ?s ?p ?o }", safe=""))
        answered.append((status, time.monotonic() - started))
        time.sleep(0.1)
    thread.join()
    assert result["status"] == 503
    assert "did not finish within 1.5 s" in json.loads(result["body"])["error"]
    assert answered and all(s == 200 and t < 1.0 for s, t in answered), answered


def test_latency_over_http(server_url, app):
    """Median latency of a small query over HTTP (keep-alive), and the in-process time."""
    from sco_kg.web.executor import run_job

    query = f"SELECT ?l WHERE {{ <{KG}sco> <{RDFS_LABEL}> ?l }}"
    path = "/sparql?query=" + quote(query, safe="")
    parts = urlsplit(server_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    times = []
    for _ in range(200):
        t = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        times.append(time.perf_counter() - t)
        assert resp.status == 200
    conn.close()
    kg = app.extensions["sco_kg"]
    job = {"op": "query", "query": query, "results_format": "json", "graph_format": "turtle", "max_rows": 10_000}
    direct = []
    for _ in range(200):
        t = time.perf_counter()
        run_job(kg.store, job)
        direct.append(time.perf_counter() - t)
    p50 = statistics.median(times)
    print(f"HTTP p50 {p50 * 1e3:.2f} ms, in-process {statistics.median(direct) * 1e3:.3f} ms")
    assert p50 < 0.05


def test_latency_of_the_competency_questions(real_app, live_server):
    """Median latency over HTTP of every queries/*.rq against the real build (printed)."""
    from sco_kg.pipeline.sources import queries_dir

    files = sorted(queries_dir().glob("*.rq")) if queries_dir().is_dir() else []
    assert files, "no competency questions in queries/"
    url = live_server(real_app)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    medians = {}
    for path in files:
        body = "query=" + quote(path.read_text(encoding="utf-8"), safe="")
        times = []
        for _ in range(20):
            t = time.perf_counter()
            conn.request("POST", "/sparql", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            resp.read()
            times.append(time.perf_counter() - t)
            assert resp.status == 200, (path.name, resp.status)
        medians[path.name] = statistics.median(times)
    conn.close()
    for name, median in medians.items():
        print(f"{name}: {median * 1e3:.2f} ms")
    print(f"median over the competency questions: {statistics.median(medians.values()) * 1e3:.2f} ms")
    assert statistics.median(medians.values()) < 1.0
