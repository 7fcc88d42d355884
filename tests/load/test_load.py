"""A bounded load test (marker ``load``; not in the default run: ``pytest -m load``, which
.ci/run runs as its own step): a real ``sco-kg serve`` process over the project's build,
8 concurrent keep-alive clients on loopback for ``SCO_KG_LOAD_SECONDS`` (default 60)
mixing the competency questions (POST /sparql), linked-data pages (/id/... by conneg and
by extension), the UI (/, /questions/..., /search) and downloads (/graph/<name>.ttl,
/dumps/...).

Asserted: no 5xx and no failed connection; server memory (VmRSS of the web process and its
query workers, /proc) grows less than 10% between the end of the warm-up and the end.
Recorded (printed, and written to ``load.json`` in the test's tmp dir, or to the file named
by ``SCO_KG_LOAD_RESULTS``): requests, statuses, p50/p95/p99 latency overall and by kind,
throughput, memory. Latency is recorded, never asserted: the machine is shared.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest
from sco_kg.pipeline.sources import queries_dir
from serve_process import ServeProcess

pytestmark = pytest.mark.load

CLIENTS = 8
DURATION = float(os.environ.get("SCO_KG_LOAD_SECONDS", "60"))
WARMUP = max(3.0, DURATION * 0.15)
BASE = "https://w3id.org/sco-kg/"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def fetch(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
          headers: dict | None = None) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp.status, resp.read()


def discover(url: str) -> dict[str, list]:
    """What the clients will ask for, read from the running server."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    select = ("SELECT DISTINCT ?s { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"" + BASE + "id/\")) } "
              "ORDER BY ?s LIMIT 60")
    status, body = fetch(conn, "GET", "/sparql?query=" + quote(select), headers={"Accept": "application/json"})
    assert status == 200, body[:300]
    entities = [b["s"]["value"].removeprefix(BASE) for b in json.loads(body)["results"]["bindings"]]
    status, body = fetch(conn, "GET", "/sparql?query=" + quote("SELECT DISTINCT ?g { GRAPH ?g {} } ORDER BY ?g"),
                         headers={"Accept": "application/json"})
    graphs = [b["g"]["value"].removeprefix(BASE) for b in json.loads(body)["results"]["bindings"]
              if b["g"]["value"].startswith(BASE + "graph/")]
    status, body = fetch(conn, "GET", "/dumps/", headers={"Accept": "application/json"})
    dumps = [d["url"] for d in json.loads(body)["dumps"]]
    conn.close()
    questions = sorted(queries_dir().glob("*.rq"))
    assert entities and graphs and dumps and questions, (entities, graphs, dumps, questions)
    return {"entities": entities, "graphs": graphs, "dumps": dumps,
            "questions": [(q.stem, q.read_bytes()) for q in questions]}


def requests_for(rng: random.Random, found: dict):
    """One request of the mix: (kind, method, path, body, headers)."""
    kind = rng.choices(["question", "linked-data", "ui", "download"], weights=[45, 30, 15, 10])[0]
    if kind == "question":
        name, query = rng.choice(found["questions"])
        # a result set in JSON, XML or CSV; a graph (CONSTRUCT, DESCRIBE) in Turtle; ASK has no CSV
        accept = rng.choice(["application/sparql-results+json, text/turtle;q=0.5",
                             "application/sparql-results+xml, text/turtle;q=0.5",
                             "text/csv, application/sparql-results+json;q=0.8, text/turtle;q=0.5"])
        return kind, "POST", "/sparql", query, {"Content-Type": "application/sparql-query", "Accept": accept}
    if kind == "linked-data":
        entity = rng.choice(found["entities"])
        form = rng.choice(["", ".html", ".ttl", ".jsonld"])
        accept = rng.choice(["text/html", "text/turtle", "application/ld+json"])
        return kind, "GET", "/" + quote(entity) + form, None, {"Accept": accept}
    if kind == "ui":
        page = rng.choice(["/", "/questions/", "/questions/" + rng.choice(found["questions"])[0],
                           "/search?q=" + quote(rng.choice(["russie", "chine", "sommet", "shanghai", "inde"]))])
        return kind, "GET", page, None, {"Accept": "text/html"}
    path = rng.choice(["/" + quote(g) + ".ttl" for g in found["graphs"]] + found["dumps"])
    return "download", "GET", path, None, {}


def client_loop(url: str, found: dict, seed: int, stop: threading.Event, out: list, errors: list) -> None:
    host, port = url.removeprefix("http://").split(":")
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    while not stop.is_set():
        kind, method, path, body, headers = requests_for(rng, found)
        started = time.perf_counter()
        try:
            status, _ = fetch(conn, method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{method} {path}: {exc!r}")
            conn.close()
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            continue
        out.append((time.monotonic(), kind, status, time.perf_counter() - started, path))
    conn.close()


def test_load_8_clients(tmp_path):
    with ServeProcess("--threads", "8") as server:
        found = discover(server.url)
        stop = threading.Event()
        samples: list = []
        errors: list = []
        threads = [threading.Thread(target=client_loop, args=(server.url, found, seed, stop, samples, errors))
                   for seed in range(CLIENTS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(WARMUP)
        rss_warm = server.rss_kib()
        warm_at = time.monotonic()
        time.sleep(max(0.0, DURATION - WARMUP))
        stop.set()
        for t in threads:
            t.join(90)
        ended = time.monotonic()
        rss_end = server.rss_kib()
        alive = server.alive()
        processes = len(server.pids())

    measured = [s for s in samples if s[0] >= warm_at]
    statuses = Counter(s[2] for s in samples)
    by_kind = defaultdict(list)
    for _, kind, _, seconds, _ in measured:
        by_kind[kind].append(seconds)
    latencies = [s[3] for s in measured]
    result = {
        "clients": CLIENTS, "duration_s": round(ended - started, 1), "warmup_s": WARMUP,
        "requests": len(samples), "requests_after_warmup": len(measured),
        "throughput_rps": round(len(measured) / (ended - warm_at), 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "connection_errors": len(errors),
        "latency_ms": {"p50": round(statistics.median(latencies) * 1000, 1),
                       "p95": round(percentile(latencies, 95) * 1000, 1),
                       "p99": round(percentile(latencies, 99) * 1000, 1),
                       "max": round(max(latencies) * 1000, 1)},
        "latency_ms_by_kind": {k: {"n": len(v), "p50": round(statistics.median(v) * 1000, 1),
                                   "p99": round(percentile(v, 99) * 1000, 1)} for k, v in sorted(by_kind.items())},
        "rss_kib": {"after_warmup": rss_warm, "end": rss_end,
                    "growth_pct": round(100 * (rss_end - rss_warm) / rss_warm, 2)},
        "server_processes_at_end": processes,
        "load_average": os.getloadavg(),
    }
    text = json.dumps(result, indent=2)
    print("\n" + text)
    (tmp_path / "load.json").write_text(text + "\n", encoding="utf-8")
    if os.environ.get("SCO_KG_LOAD_RESULTS"):
        Path(os.environ["SCO_KG_LOAD_RESULTS"]).write_text(text + "\n", encoding="utf-8")

    assert alive, "the server died under load"
    assert not errors, errors[:10]
    server_errors = [s for s in samples if s[2] >= 500]
    assert not server_errors, [(s[1], s[2], s[4]) for s in server_errors[:10]]
    assert set(statuses) <= {200, 303}, statuses  # every request of the mix is a valid one
    assert set(by_kind) == {"question", "linked-data", "ui", "download"}
    assert result["rss_kib"]["growth_pct"] < 10, result["rss_kib"]
