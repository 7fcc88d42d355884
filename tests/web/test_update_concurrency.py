"""Writers and readers at once, through waitress, over an on-disk store of the project's build: ``/update`` requests from several threads,
each inserting 3 triples into the same graph, while other threads count that graph's
triples with ``/sparql`` in a loop.

* every count a reader sees is a whole number of committed updates (a multiple of 3: never
  part of one), and never smaller than the one it saw before (a reader never goes back to
  an older generation);
* every update is acknowledged (200: the writer's lock queues them, none times out), and at
  the end all of them are in the graph;
* ``kgg:history`` records one change per acknowledged update, each naming its own entry;
  the log's entries are numbered 1..N, without gaps or repeats.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

from sco_kg.store.disk import log_entries

TOKEN = "concurrency-token-0123456789"
GRAPH = "https://example.org/concurrent"
EX = "https://example.org/c/"
SKG = "https://w3id.org/sco-kg/ontology#"
HISTORY = "https://w3id.org/sco-kg/graph/history"
WRITERS, EACH, READERS = 3, 2, 2


def _update(url: str, text: str) -> tuple[int, dict]:
    req = urllib.request.Request(url + "/update", data=text.encode(), method="POST", headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {"error": exc.read().decode("utf-8", "replace")}


def _select(url: str, query: str) -> list[dict]:
    req = urllib.request.Request(url + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return [{k: v["value"] for k, v in row.items()} for row in json.loads(resp.read())["results"]["bindings"]]


def _insert(writer: int, n: int) -> str:
    s = f"<{EX}w{writer}-{n}>"
    return (f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {s} <{EX}p> 1 . {s} <{EX}p> 2 . {s} <{EX}p> 3 . }} }}")


def test_concurrent_writers_and_readers(built_dumps, tmp_path, live_server):
    from sco_kg.store.served import open_store
    from sco_kg.web import create_app

    store = tmp_path / "store"
    loaded = open_store(dumps_dir=built_dumps, key="test", store_path=store)
    app = create_app({"TESTING": True, "SCO_KG_LOADED": loaded, "SCO_KG_UPDATE_TOKEN": f"writer {TOKEN}"})
    try:
        url = live_server(app, threads=WRITERS + READERS + 2)
        answers: dict = {}
        seen: dict = {r: [] for r in range(READERS)}
        errors: list = []
        writing = threading.Event()
        writing.set()
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"

        def write(w):
            for n in range(EACH):
                answers[w, n] = _update(url, _insert(w, n))

        def read(r):
            while writing.is_set():
                try:
                    seen[r].append(int(_select(url, count)[0]["n"]))
                except (OSError, ValueError) as exc:
                    errors.append(repr(exc))

        readers = [threading.Thread(target=read, args=(r,), daemon=True) for r in range(READERS)]
        writers = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(WRITERS)]
        for t in readers + writers:
            t.start()
        for t in writers:
            t.join(600)
        writing.clear()
        for t in readers:
            t.join(60)

        assert not errors, errors[:3]
        refused = {k: v for k, v in answers.items() if v[0] != 200}
        assert len(answers) == WRITERS * EACH and not refused, refused
        for r, counts in seen.items():
            assert counts and all(c % 3 == 0 for c in counts), f"reader {r} saw part of an update: {counts}"
            assert counts == sorted(counts), f"reader {r} went back to an older state: {counts}"
        assert any(len(set(c)) > 1 for c in seen.values()), "no reader saw the graph change"

        rows = _select(url, f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} GROUP BY ?s")
        assert {r["s"]: int(r["n"]) for r in rows} == {f"{EX}w{w}-{n}": 3 for w, n in answers}
        ids = {a["change"] for _, a in answers.values()}
        assert len(ids) == WRITERS * EACH
        history = _select(url, f"SELECT ?c ?entry WHERE {{ GRAPH <{HISTORY}> {{ ?c a <{SKG}Change> ; "
                               f"<{SKG}logEntry> ?entry }} }}")
        assert {h["c"].rsplit("/", 1)[1] for h in history} == ids and len(history) == len(ids)
        entries = log_entries(store)
        numbers = [int(p.name.split("-", 1)[0]) for p in entries]
        assert numbers == list(range(1, len(ids) + 1)), numbers
        assert sorted(h["entry"] for h in history) == [p.name.split("-", 1)[0] for p in entries]
        assert {p.stem.split("-", 1)[1] for p in entries} == ids
    finally:
        app.extensions["sco_kg"].close()
