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
    key = lambda d: run.endpoint_rows.answer_key(json.dumps(d).encode(), "application/sparql-results+json")  # noqa: E731
    assert key(a) == key(b)
    assert key(a) != key(c)
    assert key({"head": {}, "boolean": True}) is True


def test_graph_answers_ignore_blank_node_labels(run):
    one = b"_:x1 <http://p> <http://o> .\n<http://s> <http://p> _:x1 .\n"
    two = b"<http://s> <http://p> _:b9 .\n_:b9 <http://p> <http://o> .\n"
    assert run.endpoint_rows.answer_key(one, "application/n-triples") == run.endpoint_rows.answer_key(two, "application/n-triples")
    assert run.endpoint_rows.answer_key(one, "application/n-triples") != run.endpoint_rows.answer_key(one[:30], "application/n-triples")


def test_every_competency_question_is_found_with_its_answer_syntax(run):
    cqs = run.endpoint_rows.competency_questions()
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
    s = run.endpoint_rows.endpoint_summary(ep)["summary"]
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
    s = run.endpoint_rows.endpoint_summary(ep)["summary"]
    assert s["join_heavy"] == ["join"]
    assert s["c8_join_heavy_throughput_ratio_median"] == 1.25
    assert s["c8_light_throughput_ratio_median"] == round(1100 / 16000, 3)


def _sample(seconds, peak, before=40.0, **extra):
    return {"seconds": seconds, "peak_rss_mib": peak, "rss_before_mib": before, "asserted": 10, "inferred": 5,
            "same_as_classes": 0, **extra}


def test_proof_rows_ratios_are_medians_with_over_without(run):
    rows = run.proof_rows
    samples = {"off": [_sample(1.0, 100), _sample(1.2, 104), _sample(5.0, 100)],
               "on": [_sample(2.1, 150, proofs=7), _sample(1.8, 160, proofs=7), _sample(2.0, 150, proofs=7)]}
    r = rows.summary(samples)
    assert r["without"]["seconds"] == 1.2 and r["with"]["seconds"] == 2.0
    assert r["time_ratio"] == round(2.0 / 1.2, 2) and r["time_met"]
    assert r["peak_ratio"] == 1.5 and r["peak_met"]
    assert r["growth_ratio"] == round(110 / 60, 2)  # growth: peak minus the RSS before the closure
    assert r["proofs"] == 7 and r["unproven"] == 0


def test_proof_rows_say_a_missed_target_and_a_failed_sample(run):
    rows = run.proof_rows
    over = rows.summary({"off": [_sample(1.0, 100)], "on": [_sample(2.5, 150)]})
    assert over["time_ratio"] == 2.5 and not over["time_met"] and over["peak_met"]
    killed = rows.summary({"off": [_sample(1.0, 100)], "on": [{"timeout": True, "limit_s": 300, "peak_rss_mib": 9}]})
    assert killed == {"error": "killed after 300 s"}
    section = {"repeat": 1, "target_ratio": rows.TARGET, "date": "d", "load_average_before": [0],
               "load_average_after": [0],
               "rows": [{"name": "synth 100,000", "target": True, **over},
                        {"name": "synth 100,000, same-as 0.5", "target": False, **over},
                        {"name": "synth 1,000,000", "target": True, **killed}]}
    text = "\n".join(rows.markdown(section))
    assert "| not met (time) |" in text and "| none (over 2x in time) |" in text and "killed after 300 s" in text


def test_proof_samples_alternate_which_side_goes_first(run):
    seen = []
    row = run.proof_rows.measure({"name": "x", "triples": 1, "same_as": 0.0}, "/f.trig", 3,
                                 lambda flag, path: seen.append(flag) or _sample(1.0, 100))
    assert seen == ["off", "on", "on", "off", "off", "on"]
    assert row["file"] == "f.trig" and row["with"]["samples"] == 3
