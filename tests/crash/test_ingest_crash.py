"""kill -9 during ingests, many times: after each restart every acknowledged ingest is there,
and the store is as before or as after each ingest, never between.

A real ``sco-kg serve --store`` process; a client thread ingests in a loop (one new
membership per ingest, each in its own named graph); the server is killed with SIGKILL at a
random moment (seeded), or, in some rounds, at an exact instant of the commit
(``SCO_KG_CRASH_AT``: entry fsynced but not in the log, in the log but not recorded,
recorded but not yet served); in some rounds it is killed once more while it starts again
(while it rebuilds the store from the log). Then it is started over the same folder and checked:

* every graph acknowledged with 201 is present, with all its triples;
* a graph whose ingest was cut short is present in full or absent (at most one per round);
* ``kgg:inferred`` holds the superclass of every present membership and of no absent one;
* the union default graph is the union of the named graphs (distinct triples);
* the log holds one entry per present ingested graph.

Rounds (``SCO_KG_CRASH_ROUNDS``, 30) and seed (``SCO_KG_CRASH_SEED``) are settings; the
run stops early past ``SCO_KG_CRASH_BUDGET`` seconds (600) but must complete 10 rounds.
Marked ``crash``: CI runs it in its own step (.ci/run).
"""

from __future__ import annotations

import os
import random
import threading
import time

import pytest
from crash_support import TOKEN, body_for
from sco_kg.store.disk import log_entries

pytestmark = pytest.mark.crash

KG = "https://w3id.org/sco-kg/id/"
INFERRED = "https://w3id.org/sco-kg/graph/inferred"
PROOFS = "https://w3id.org/sco-kg/graph/proofs"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKG = "https://w3id.org/sco-kg/ontology#"
ORG = "http://www.w3.org/ns/org#"
GRAPHS = "https://example.org/crash/"
ROUNDS = int(os.environ.get("SCO_KG_CRASH_ROUNDS", "30"))
SEED = int(os.environ.get("SCO_KG_CRASH_SEED", "20261128"))
BUDGET = float(os.environ.get("SCO_KG_CRASH_BUDGET", "600"))
CRASH_POINTS = ("before-commit", "after-commit", "after-record")
ASSERTED = 7 + 2  # the body's triples, and the graph's provenance (type, time)


class Client(threading.Thread):
    """Ingests one graph after another until the server dies."""

    def __init__(self, server, round_no: int):
        super().__init__(daemon=True)
        self.server, self.round_no = server, round_no
        self.attempted: list[str] = []
        self.acknowledged: list[str] = []
        self.refused: list[tuple[int, dict]] = []

    def run(self):
        i = 0
        while True:
            tag = f"r{self.round_no}-{i}"
            graph = GRAPHS + tag
            self.attempted.append(graph)
            try:
                status, answer = self.server.ingest(body_for(tag), graph)
            except OSError:
                return  # the server died under us
            if status == 201:
                self.acknowledged.append(graph)
            else:
                self.refused.append((status, answer))
                return
            i += 1


def check_state(server, store_dir, acknowledged: set[str], attempted: set[str]) -> set[str]:
    """The store's ingested graphs, each complete, its inferences there; returns them."""
    rows = server.select(f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?g), "{GRAPHS}")) }} GROUP BY ?g""")
    present = {row["g"]: int(row["n"]) for row in rows}
    missing = acknowledged - set(present)
    assert not missing, f"acknowledged ingests lost: {sorted(missing)}"
    assert set(present) <= attempted, f"graphs nobody sent: {sorted(set(present) - attempted)}"
    partial = {g: n for g, n in present.items() if n != ASSERTED}
    assert not partial, f"graphs half-written: {partial}"
    for graph in attempted:
        tag = graph[len(GRAPHS):]
        inferred = server.ask(f"ASK {{ GRAPH <{INFERRED}> {{ <{KG}membership-{tag}> a <{ORG}Membership> }} }}")
        assert inferred == (graph in present), f"kgg:inferred out of step for {graph} (present: {graph in present})"
        in_union = server.ask(f"ASK {{ <{KG}membership-{tag}> <{ORG}member> <{KG}country-{tag}> }}")
        assert in_union == (graph in present), f"the union default graph out of step for {graph}"
        proven = server.ask(f"ASK {{ GRAPH <{PROOFS}> {{ ?leaf <{RDF}subject> <{KG}membership-{tag}> ; "
                            f"<{SKG}assertedIn> <{graph}> }} }}")
        assert proven == (graph in present), f"kgg:proofs out of step for {graph} (present: {graph in present})"
    union = server.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    # the union default graph is every graph's but kgg:proofs (docs/profile.md, "Proofs")
    distinct = server.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                             f"FILTER(?g != <{PROOFS}>) }} }}")[0]["n"]
    assert union == distinct, f"the default graph holds {union} triples, the named graphs {distinct} distinct ones"
    assert len(log_entries(store_dir)) == len(present), "the log and the store disagree"
    return set(present)


def test_kill_9_during_ingests(server):
    rng = random.Random(SEED)
    started = time.monotonic()
    acknowledged: set[str] = set()
    attempted: set[str] = set()
    present: set[str] = set()
    rounds = cut_short = 0
    server.start()
    for round_no in range(ROUNDS):
        if time.monotonic() - started > BUDGET:
            break
        point = CRASH_POINTS[round_no // 3 % 3] if round_no % 3 == 2 else None
        if point:  # restart with the fault injected at an exact instant of the commit
            server.kill()
            server.start(env={"SCO_KG_CRASH_AT": point})
        client = Client(server, round_no)
        client.start()
        if point:
            client.join(300)  # the server kills itself at the crash point
            server.kill()
        else:
            time.sleep(rng.uniform(0.5, 12.0))  # an ingest takes 1-3 s: several acknowledged per round
            server.kill()
            client.join(60)
        assert not client.is_alive()
        assert not client.refused, f"round {round_no}: ingest refused: {client.refused}"
        acknowledged |= set(client.acknowledged)
        attempted |= set(client.attempted)
        if round_no % 4 == 1:  # killed again while starting (maybe rebuilding the store)
            server.launch()
            time.sleep(rng.uniform(0.1, 2.5))
            server.kill()
        server.start()
        now = check_state(server, server.store, acknowledged, attempted)
        new = now - present
        assert present <= now, f"round {round_no}: graphs vanished: {sorted(present - now)}"
        assert new <= set(client.attempted) and len(new - set(client.acknowledged)) <= 1, (round_no, new)
        cut_short += len(new - set(client.acknowledged))
        if point == "before-commit":
            assert not new - set(client.acknowledged), "an ingest killed before its commit point survived"
        if point in ("after-commit", "after-record"):
            assert len(new - set(client.acknowledged)) == 1, f"an ingest past its commit point ({point}) was lost"
        present = now
        rounds += 1
    assert rounds >= min(10, ROUNDS), f"only {rounds} rounds within the budget of {BUDGET:g} s"
    assert TOKEN not in server.log.read_text(errors="replace"), "the token is in the server's output"
    print(f"\n{rounds} rounds in {time.monotonic() - started:.0f} s: {len(acknowledged)} acknowledged, "
          f"{cut_short} committed but unacknowledged, {len(attempted - present)} cut before their commit")
