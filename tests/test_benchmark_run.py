"""benchmarks/run.py's own arithmetic (the benchmark itself is not part of the test run):
answers compared across servers, the join-heavy CQs, ratios and target checks of the endpoint."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_select_answers_compare_as_multisets(run):
    a = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "http://a"}},
                                                           {"x": {"type": "literal", "value": "b", "xml:lang": "fr"}}]}}
    b = {"head": {"vars": ["x"]}, "results": {"bindings": list(reversed(a["results"]["bindings"]))}}
    c = {"head": {"vars": ["x"]}, "results": {"bindings": a["results"]["bindings"][:1] * 2}}
    key = lambda d: run.answer_key(json.dumps(d).encode(), "application/sparql-results+json")  # noqa: E731
    assert key(a) == key(b)
    assert key(a) != key(c)
    assert key({"head": {}, "boolean": True}) is True


def test_graph_answers_ignore_blank_node_labels(run):
    one = b"_:x1 <http://p> <http://o> .\n<http://s> <http://p> _:x1 .\n"
    two = b"<http://s> <http://p> _:b9 .\n_:b9 <http://p> <http://o> .\n"
    assert run.answer_key(one, "application/n-triples") == run.answer_key(two, "application/n-triples")
    assert run.answer_key(one, "application/n-triples") != run.answer_key(one[:30], "application/n-triples")


def test_every_competency_question_is_found_with_its_answer_syntax(run):
    cqs = run.competency_questions()
    assert len(cqs) == len(list((ROOT / "queries").glob("*.rq")))
    by_name = {c["name"]: c for c in cqs}
    assert by_name["26-membership-timeline"]["accept"] == "application/n-triples"
    assert by_name["21-is-iran-a-full-member"]["accept"] == "application/sparql-results+json"


def _run(server, c, cq, rps, p50, p99, errors=0):
    return {"server": server, "concurrency": c, "cq": cq, "rps": rps, "p50_ms": p50, "p99_ms": p99,
            "errors": errors, "client_cpu_cores": 0.1}


def test_endpoint_summary_ratios_and_overhead(run):
    ep = {"runs": [_run("sco-kg", 1, "q", 500, 1.5, 4), _run("oxigraph", 1, "q", 800, 1.0, 2),
                   _run("sco-kg", 8, "q", 400, 10, 30, errors=2), _run("oxigraph", 8, "q", 500, 8, 20)]}
    s = run.endpoint_summary(ep)["summary"]
    assert s["c1_overhead_p50_ms_median"] == 0.5
    assert s["c8_join_heavy_throughput_ratio_median"] == 0.8
    assert s["c8_join_heavy_p99_ratio_max"] == 1.5
    assert s["errors_ours"] == 2 and s["errors_oxigraph"] == 0


def test_join_heavy_is_what_oxigraph_itself_takes_time_to_answer(run):
    """A CQ Oxigraph answers under JOIN_HEAVY_MS at c=1 is a lookup: its c=8 ratio is reported
    apart, not in the join-heavy target."""
    ep = {"join_heavy_ms": 1.0,
          "runs": [_run("sco-kg", 1, "join", 90, 11, 15), _run("oxigraph", 1, "join", 60, 15, 18),
                   _run("sco-kg", 8, "join", 100, 70, 90), _run("oxigraph", 8, "join", 80, 90, 120),
                   _run("sco-kg", 1, "lookup", 1200, 0.8, 1.1), _run("oxigraph", 1, "lookup", 6000, 0.17, 0.25),
                   _run("sco-kg", 8, "lookup", 1100, 7, 18), _run("oxigraph", 8, "lookup", 16000, 0.5, 1.3)]}
    s = run.endpoint_summary(ep)["summary"]
    assert s["join_heavy"] == ["join"]
    assert s["c8_join_heavy_throughput_ratio_median"] == 1.25
    assert s["c8_light_throughput_ratio_median"] == round(1100 / 16000, 3)
