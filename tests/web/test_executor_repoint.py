"""Executor.repoint: after an ingest the query workers serve the new store generation."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
from sco_kg.web.executor import Executor

ASK = "ASK { <urn:x:s> <urn:x:p> ?o }"


def _store(path, value: str) -> str:
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal(value)))
    store.flush()
    del store
    return str(path)


def _value(executor) -> str:
    reply = executor.run({"op": "query", "query": "SELECT ?o { <urn:x:s> <urn:x:p> ?o }",
                          "results_format": "tsv"}, 10)
    return reply[1].decode().splitlines()[1]


def test_repoint_replaces_idle_and_busy_workers(tmp_path):
    old, new = _store(tmp_path / "a", "old"), _store(tmp_path / "b", "new")
    executor = Executor(path=old, workers=2, isolate_network=False)
    try:
        assert _value(executor) == '"old"'
        before = set(executor._all)
        busy = threading.Thread(target=executor.run, args=({"op": "sleep", "seconds": 1.0}, 10))
        busy.start()  # one worker is busy while the store changes
        executor.repoint(new)
        busy.join()
        for _ in range(4):  # whichever worker answers, it opened the new store
            assert _value(executor) == '"new"'
        assert not before & set(executor._all), "a worker of the old store is still in the pool"
        assert len(executor._all) == 2
    finally:
        executor.close()


def test_repoint_refused_for_a_memory_store():
    executor = Executor(store=ox.Store(), workers=1, isolate_network=False)
    try:
        with pytest.raises(ValueError, match="on-disk"):
            executor.repoint("/nowhere")
    finally:
        executor.close()
