"""``sco-kg push`` against a fake store (tests/http_stores.py: a Graph Store and SPARQL
endpoint over an in-memory pyoxigraph store, on loopback): every graph and the union PUT,
the counts checked; the remote made equal to the build (a graph an earlier push wrote and
the build no longer has is dropped, nothing else is); the plan said before any write and
``--dry-run`` changing nothing; failures half-way naming the graph, with the record still
naming every graph a push may have written. The same against Oxigraph server and Virtuoso:
tests/interop/test_push_backend.py."""

from __future__ import annotations

import socket

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from http_stores import FakeStore, Server
from sco_kg.cli import main
from sco_kg.store.push import PUSHED_GRAPH, SD
from sco_kg.store.remote import UNION_GRAPH

KGG = "https://w3id.org/sco-kg/graph/"
A, B, C = KGG + "a", KGG + "b", KGG + "c"
VIRTUOSO_SYSTEM = "http://www.openlinksw.com/schemas/virtrdf#"
HAND_LOADED = KGG + "hand-loaded"
S, P = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")


@pytest.fixture
def fake():
    server = Server()
    yield FakeStore(server)
    server.close()


def build(tmp_path, *graphs: str, name: str = "export", extra: str = ""):
    """An export folder whose sco-kg.nq holds ``<urn:s> <urn:p> "1"`` in each graph, and a
    second triple in B (so the union has 2 triples when B is there)."""
    out = tmp_path / name
    out.mkdir()
    lines = [f'<urn:s> <urn:p> "1" <{g}> .' for g in graphs]
    lines += [f'<urn:s> <urn:p> "2" <{B}> .'] if B in graphs else []
    (out / "sco-kg.nq").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return out


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_push(fake, dumps, *extra):
    return CliRunner().invoke(main, ["push", "--endpoint", fake.query_url, "--dumps", str(dumps), *extra])


def record(fake) -> set[str]:
    rows = fake.store.query(f"SELECT ?g WHERE {{ GRAPH <{PUSHED_GRAPH}> {{ <{PUSHED_GRAPH}> a <{SD}Dataset> ; "
                            f"<{SD}namedGraph> ?n . ?n a <{SD}NamedGraph> ; <{SD}name> ?g }} }}")
    return {row["g"].value for row in rows}


def foreign_graphs(fake):
    """What another user or the store itself keeps there: Virtuoso's system graph, and a graph
    under the project's namespace that no push recorded (a hand load)."""
    fake.load(VIRTUOSO_SYSTEM, ox.Triple(S, P, ox.Literal("system")))
    fake.load(HAND_LOADED, ox.Triple(S, P, ox.Literal("by hand")))


# --- PUT and count ----------------------------------------------------------------------------


def test_push_puts_each_graph_and_the_union_then_counts_and_records(fake, tmp_path):
    result = cli_push(fake, build(tmp_path, A, B))
    assert result.exit_code == 0, result.output
    assert fake.graphs() == {A, B, UNION_GRAPH, PUSHED_GRAPH}
    assert fake.triples(UNION_GRAPH) == 2  # the distinct union: the triple of two graphs once
    assert record(fake) == {A, B, UNION_GRAPH}  # in SPARQL Service Description terms
    # the record is written first (everything that may be written), then the graphs, then again
    assert fake.writes() == [("PUT", PUSHED_GRAPH), ("PUT", A), ("PUT", B), ("PUT", UNION_GRAPH), ("PUT", PUSHED_GRAPH)]


def test_push_puts_the_proofs_as_their_graph_and_not_into_the_union(fake, tmp_path):
    """kgg:proofs is outside the endpoint's default graph: PUT as a graph of its own, left
    out of the union graph and of its expected count."""
    proofs = KGG + "proofs"
    dumps = build(tmp_path, A, B, extra=f'<urn:s> <urn:p> "1" <{proofs}> .\n<urn:st> <urn:rule> "prp-spo1" <{proofs}> .\n')
    result = cli_push(fake, dumps)
    assert result.exit_code == 0, result.output
    assert fake.triples(proofs) == 2
    assert fake.triples(UNION_GRAPH) == 2
    assert not list(fake.store.quads_for_pattern(ox.NamedNode("urn:st"), None, None, ox.NamedNode(UNION_GRAPH)))


def test_push_names_the_graph_whose_count_differs(fake, tmp_path):
    fake.extra[B] = ox.Triple(S, P, ox.Literal("stray"))
    result = cli_push(fake, build(tmp_path, A, B))
    assert result.exit_code == 1, result.output
    assert f"graph <{B}>: 3 triples in the store, 2 in the build" in result.output
    assert f"graph <{A}>" not in result.output.split("does not hold")[1]


def test_push_names_the_graph_whose_count_fails(fake, tmp_path):
    fake.fail[("POST", B)] = 500
    result = cli_push(fake, build(tmp_path, A, B))
    assert result.exit_code == 2, result.output
    assert f"counting the triples of graph <{B}> failed" in result.output
    assert "HTTP 500" in result.output and "storage failure" in result.output


# --- the remote made equal to the build --------------------------------------------------------


def test_push_drops_what_an_earlier_push_wrote_and_nothing_else(fake, tmp_path):
    foreign_graphs(fake)
    assert cli_push(fake, build(tmp_path, A, B, C, name="before")).exit_code == 0
    written = len(fake.writes())
    result = cli_push(fake, build(tmp_path, A, B, name="after"))  # C's article was removed
    assert result.exit_code == 0, result.output
    assert fake.graphs() == {A, B, UNION_GRAPH, PUSHED_GRAPH, VIRTUOSO_SYSTEM, HAND_LOADED}
    assert record(fake) == {A, B, UNION_GRAPH}
    assert fake.writes()[written:] == [("PUT", PUSHED_GRAPH), ("PUT", A), ("PUT", B), ("PUT", UNION_GRAPH),
                                       ("DELETE", C), ("PUT", PUSHED_GRAPH)]
    said = result.output
    assert said.index(f"will DROP <{C}>") < said.index(f"PUT  {A}")  # said before it is done
    assert f"will KEEP <{HAND_LOADED}>" in said and "no push recorded it" in said
    assert VIRTUOSO_SYSTEM not in said
    assert f"DROP {C}" in said and "dropped 1 graph in" in said


def test_dry_run_prints_the_plan_and_changes_nothing(fake, tmp_path):
    foreign_graphs(fake)
    assert cli_push(fake, build(tmp_path, A, B, C, name="before")).exit_code == 0
    written, before = len(fake.writes()), set(fake.store)
    result = CliRunner().invoke(main, ["push", "--endpoint", fake.query_url, "--dry-run", "--dumps",
                                       str(build(tmp_path, A, B, name="after"))])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"plan for {fake.graph_store_url} (graphs listed over {fake.query_url}):",
        f"  PUT  <{A}>  1 triples",
        f"  PUT  <{B}>  2 triples",
        f"  PUT  <{UNION_GRAPH}>  2 triples  (the union)",
        f"  DROP <{C}>  (written by an earlier push, not in this build)",
        f"  KEEP <{HAND_LOADED}>  (under https://w3id.org/sco-kg/ but no push recorded it: drop it by hand if stale)",
        f"  record the 3 graphs written in <{PUSHED_GRAPH}>; leave 1 other graph of the store alone",
        "dry run: nothing changed",
    ]
    assert len(fake.writes()) == written and set(fake.store) == before  # not even the record
    assert {r["method"] for r in fake.server.requests[-2:]} == {"POST"}


def test_dry_run_against_a_store_that_is_down(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/query"
    result = CliRunner().invoke(main, ["push", "--endpoint", url, "--dry-run", "--dumps", str(build(tmp_path, A))])
    assert result.exit_code == 2, result.output
    assert f"cannot list the graphs of the store at {url}" in result.output
    assert "cannot reach the store" in result.output and "Traceback" not in result.output


def test_a_graph_already_gone_is_no_error(fake, tmp_path):
    """The record names a graph someone else dropped since: its DELETE answers 404, fine."""
    assert cli_push(fake, build(tmp_path, A, B, C, name="before")).exit_code == 0
    fake.store.remove_graph(ox.NamedNode(C))
    result = cli_push(fake, build(tmp_path, A, B, name="after"))
    assert result.exit_code == 0, result.output
    assert ("DELETE", C) in fake.writes() and record(fake) == {A, B, UNION_GRAPH}


def test_a_dropped_graph_still_there_is_a_count_difference(fake, tmp_path):
    assert cli_push(fake, build(tmp_path, A, B, C, name="before")).exit_code == 0
    fake.keep_on_delete.add(C)  # answers 204 and keeps it
    result = cli_push(fake, build(tmp_path, A, B, name="after"))
    assert result.exit_code == 1, result.output
    assert f"graph <{C}>: 1 triples in the store, dropped by this push" in result.output


def test_another_union_graph_drops_the_old_one(fake, tmp_path):
    dumps = build(tmp_path, A, B)
    assert cli_push(fake, dumps).exit_code == 0
    result = cli_push(fake, dumps, "--union-graph", "urn:x-elsewhere:union")
    assert result.exit_code == 0, result.output
    assert fake.graphs() == {A, B, "urn:x-elsewhere:union", PUSHED_GRAPH}


# --- failures half-way ----------------------------------------------------------------------------


@pytest.mark.parametrize("failing", [("PUT", B), ("DELETE", C), ("PUT", PUSHED_GRAPH)],
                         ids=["put", "delete", "record"])
def test_a_store_failing_half_way_names_the_graph_and_the_next_push_mends(failing, fake, tmp_path):
    assert cli_push(fake, build(tmp_path, A, B, C, name="before")).exit_code == 0
    after = build(tmp_path, A, B, name="after")
    fake.fail[failing] = 500
    result = cli_push(fake, after)
    assert result.exit_code == 2, result.output
    method, graph = failing
    if graph == PUSHED_GRAPH:
        assert f"recording the pushed graphs in <{PUSHED_GRAPH}> failed" in result.output
    else:
        assert f"{method} of graph <{graph}> " in result.output
    assert "HTTP 500" in result.output and "Traceback" not in result.output
    assert C in fake.graphs() and C in record(fake)  # not dropped, and still recorded as ours
    del fake.fail[failing]
    result = cli_push(fake, after)
    assert result.exit_code == 0, result.output
    assert C not in fake.graphs() and record(fake) == {A, B, UNION_GRAPH}


def test_a_graph_written_by_a_failed_push_is_recorded_all_the_same(fake, tmp_path):
    """B is PUT, then the push fails (the union's PUT): B was recorded before it was written,
    so a later push of a build without B drops it."""
    assert cli_push(fake, build(tmp_path, A, name="first")).exit_code == 0
    fake.fail[("PUT", UNION_GRAPH)] = 503
    result = cli_push(fake, build(tmp_path, A, B, name="second"))
    assert result.exit_code == 2 and f"PUT of graph <{UNION_GRAPH}> " in result.output, result.output
    assert B in fake.graphs() and B in record(fake)
    del fake.fail[("PUT", UNION_GRAPH)]
    result = cli_push(fake, build(tmp_path, A, name="third"))
    assert result.exit_code == 0, result.output
    assert fake.graphs() == {A, UNION_GRAPH, PUSHED_GRAPH}


def test_graph_iris_with_odd_characters(fake, tmp_path):
    """A query string, a fragment, an accent and a percent-escape in graph IRIs: each PUT,
    counted, recorded and later dropped under its own name."""
    odd = [KGG + "a?b=c&d#e", KGG + "été", KGG + "x%20y"]
    assert cli_push(fake, build(tmp_path, A, *odd, name="before")).exit_code == 0
    assert fake.graphs() == {A, *odd, UNION_GRAPH, PUSHED_GRAPH}
    assert record(fake) == {A, *odd, UNION_GRAPH}
    paths = [r["path"] for r in fake.server.requests if r["method"] == "PUT"]
    assert "/store?graph=https%3A%2F%2Fw3id.org%2Fsco-kg%2Fgraph%2Fa%3Fb%3Dc%26d%23e" in paths
    assert "/store?graph=https%3A%2F%2Fw3id.org%2Fsco-kg%2Fgraph%2Fx%2520y" in paths
    result = cli_push(fake, build(tmp_path, A, name="after"))
    assert result.exit_code == 0, result.output
    assert fake.graphs() == {A, UNION_GRAPH, PUSHED_GRAPH}
    assert sorted(g for m, g in fake.writes() if m == "DELETE")[-3:] == sorted(odd)


@pytest.mark.parametrize("args, message", [
    (["--union-graph", "not an iri"], "--union-graph: 'not an iri' is not an absolute IRI"),
    (["--union-graph", PUSHED_GRAPH], f"--union-graph: <{PUSHED_GRAPH}> is the graph push keeps for its record"),
], ids=["not-an-iri", "the-record"])
def test_a_bad_union_graph_is_refused_before_any_request(args, message, fake, tmp_path):
    result = cli_push(fake, build(tmp_path, A), *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert fake.writes() == []


def test_a_build_graph_named_as_the_record_is_refused(fake, tmp_path):
    result = cli_push(fake, build(tmp_path, A, PUSHED_GRAPH))
    assert result.exit_code == 2, result.output
    assert f"the build has a graph named <{PUSHED_GRAPH}>, the graph push keeps for its record" in result.output
    assert fake.writes() == []
