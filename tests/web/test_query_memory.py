"""The query workers' memory cap (``query_max_memory_mb``): a query that needs more memory
is stopped with 413 ``reason: "memory"`` while other clients are answered, its worker is
replaced and the next query works; the cap covers the serialisation of the result too; it
counts above what a worker holds when it starts (the store it shares with the server).

Without the cap, the nested REPLACE below asks for ~48 GB: the server once grew to
14.5 GiB on such a query before its time limit stopped it."""

from __future__ import annotations

import os
import threading
import time

import pytest

CAP_MB = 256
TEXT = "Une phrase. " * 40  # 480 characters
TEXT_IRI = "https://schema.org/text"
GUARD = 120  # seconds: the time limit, far past what reaching the cap takes; only a guard


def nested_replace(depth: int, width: int) -> str:
    """REPLACE(...REPLACE(?t, ".", "<width dots>")...): "." matches every character, so each
    level multiplies the text's length by ``width``."""
    expr = "?t"
    for _ in range(depth):
        expr = f'REPLACE({expr}, ".", "{"." * width}")'
    return expr


#: 480 x 100^4 characters: ~48 GB, far past the cap
HOG = f"SELECT (STRLEN({nested_replace(4, 100)}) AS ?n) WHERE {{ ?a <{TEXT_IRI}> ?t }}"
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture
def capped_app(make_app, tmp_path):
    path = tmp_path / "text.ttl"
    path.write_text(f'<urn:x:article> <{TEXT_IRI}> "{TEXT}" .\n', encoding="utf-8")
    return make_app(SCO_KG_FILES=[path], SCO_KG_DATA=[], SCO_KG_QUERY_MAX_MEMORY_MB=CAP_MB,
                    SCO_KG_TIMEOUT=GUARD, SCO_KG_WORKERS=2)


def sparql(app, query: str, accept: str = "application/sparql-results+json"):
    return app.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": accept})


def test_a_query_past_the_cap_is_413_while_others_are_answered(capped_app, check_error):
    executor = capped_app.extensions["sco_kg"].executor
    spawned = executor.spawned
    result = {}
    hog = threading.Thread(target=lambda: result.setdefault("resp", sparql(capped_app, HOG)))
    hog.start()
    deadline = time.monotonic() + GUARD
    while executor._idle.qsize() == executor.size and hog.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)  # until the hog holds a worker
    answered = []  # (status, the hog still running when the answer came)
    while hog.is_alive():
        resp = sparql(capped_app, ASK)
        answered.append((resp.status_code, resp.get_json()["boolean"] if resp.status_code == 200 else None,
                         hog.is_alive()))
    hog.join()
    body = check_error(result["resp"], 413, contains=f"{CAP_MB} MiB")
    assert body["reason"] == "memory"
    assert answered and all(status == 200 and value is True for status, value, _ in answered), answered
    assert any(running for _, _, running in answered), "no query was answered while the hog ran"
    assert executor.spawned == spawned + 1  # its worker was replaced
    resp = sparql(capped_app, f"SELECT (STRLEN(?t) AS ?n) WHERE {{ ?a <{TEXT_IRI}> ?t }}")
    assert resp.status_code == 200
    assert resp.get_json()["results"]["bindings"][0]["n"]["value"] == str(len(TEXT))


def test_the_cap_covers_the_serialisation_of_the_result(capped_app, check_error):
    """A 96 MB string fits under the cap while the engine builds and measures it (~160 MB at
    the peak), not once it is also copied out of the engine into the result and serialised
    (a Python string, the JSON text, its bytes, the pickle: ~500 MB), whichever copy fails."""
    expr = f'REPLACE({nested_replace(2, 100)}, ".", "{"." * 20}")'  # 480 x 100 x 100 x 20
    measured = sparql(capped_app, f"SELECT (STRLEN({expr}) AS ?n) WHERE {{ ?a <{TEXT_IRI}> ?t }}")
    assert measured.status_code == 200, measured.get_data(as_text=True)
    assert measured.get_json()["results"]["bindings"][0]["n"]["value"] == str(len(TEXT) * 100 * 100 * 20)
    body = check_error(sparql(capped_app, f"SELECT ({expr} AS ?s) WHERE {{ ?a <{TEXT_IRI}> ?t }}"), 413)
    assert body["reason"] == "memory"
    assert sparql(capped_app, ASK).status_code == 200


def _address_space_and_cap(pid: int) -> tuple[int, int]:
    with open(f"/proc/{pid}/statm") as f:
        address_space = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    with open(f"/proc/{pid}/limits") as f:
        line = next(line for line in f if line.startswith("Max address space"))
    return address_space, int(line.split()[3])


def test_the_cap_counts_above_what_a_worker_holds_when_it_starts(capped_app):
    """A worker holds more than the cap before its first query (the interpreter, the store
    shared with the server, its 256 MiB stack): the setting is the room a query has above
    that, so it means the same whatever the size of the store."""
    executor = capped_app.extensions["sco_kg"].executor
    assert sparql(capped_app, ASK).status_code == 200
    for pid in executor._all:
        address_space, cap = _address_space_and_cap(pid)
        assert address_space > CAP_MB << 20  # an absolute cap of 256 MiB could not even start it
        assert 0 < cap - address_space <= CAP_MB << 20
