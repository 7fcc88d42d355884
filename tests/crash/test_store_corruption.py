"""A damaged store: ``sco-kg serve --store`` refuses to start, saying where and how to recover,
and the documented recovery (``--rebuild``) brings back everything, ingests included."""

from __future__ import annotations

import subprocess

import pytest
from crash_support import TOKEN, body_for, server_env
from sco_kg.store.disk import GENERATIONS_DIR, read_record

pytestmark = pytest.mark.crash

KG = "https://w3id.org/sco-kg/id/"


def _damage(store_dir):
    db = store_dir / GENERATIONS_DIR / read_record(store_dir)["generation"]
    damaged = [p for p in db.iterdir() if p.name.startswith(("CURRENT", "MANIFEST"))]
    for path in damaged:
        path.write_bytes(b"not a RocksDB file\n")
    assert damaged
    return db


def test_damaged_store_refuses_to_start_and_rebuild_recovers(server):
    server.start()
    status, answer = server.ingest(body_for("kept"), "https://example.org/crash/kept")
    assert status == 201, answer
    server.kill()
    db = _damage(server.store)

    refused = subprocess.run(server.command(), capture_output=True, text=True, timeout=120,
                             env=server_env())
    assert refused.returncode == 2, (refused.returncode, refused.stderr[-2000:])
    message = refused.stderr
    assert str(server.store) in message and str(db.name) in message, message
    assert f"sco-kg serve --store {server.store} --rebuild" in message, message
    assert "Traceback" not in message
    assert TOKEN not in message

    server.start("--rebuild")
    assert server.ask(f"ASK {{ GRAPH <https://example.org/crash/kept> {{ <{KG}membership-kept> ?p ?o }} }}")
    assert server.ask(f"ASK {{ GRAPH <https://w3id.org/sco-kg/graph/inferred> {{ <{KG}membership-kept> a <http://www.w3.org/ns/org#Membership> }} }}")
    server.kill()
    server.start()  # and the rebuilt store is reopened as it is
    assert server.ask(f"ASK {{ <{KG}membership-kept> ?p ?o }}")
    assert TOKEN not in server.log.read_text(errors="replace")
