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


def test_every_competency_question_is_found_and_join_heavy_ones_named(run):
    cqs = run.competency_questions()
    assert len(cqs) == len(list((ROOT / "queries").glob("*.rq")))
    by_name = {c["name"]: c for c in cqs}
    assert by_name["26-membership-timeline"]["patterns"] >= run.JOIN_HEAVY
    assert by_name["26-membership-timeline"]["accept"] == "application/n-triples"
    assert by_name["21-is-iran-a-full-member"]["accept"] == "application/sparql-results+json"
    assert 0 < sum(c["patterns"] >= run.JOIN_HEAVY for c in cqs) < len(cqs)


def test_endpoint_summary_ratios_and_overhead(run):
    def r(server, c, cq, rps, p50, p99, errors=0):
        return {"server": server, "concurrency": c, "cq": cq, "rps": rps, "p50_ms": p50, "p99_ms": p99,
                "errors": errors, "client_cpu_cores": 0.1}

    ep = {"runs": [r("sco-kg", 1, "q", 500, 1.5, 4), r("oxigraph", 1, "q", 800, 1.0, 2),
                   r("sco-kg", 8, "q", 400, 10, 30, errors=2), r("oxigraph", 8, "q", 500, 8, 20)]}
    s = run.endpoint_summary(ep)["summary"]
    assert s["c1_overhead_p50_ms_median"] == 0.5
    assert s["c8_join_heavy_throughput_ratio_median"] == 0.8
    assert s["c8_join_heavy_p99_ratio_max"] == 1.5
    assert s["errors_ours"] == 2 and s["errors_oxigraph"] == 0
