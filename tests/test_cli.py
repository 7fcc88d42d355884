"""The sco-kg command: output and exit codes (0 fine, 1 data problem, 2 could not run).

Runs on the tiny fixture (``tiny_env`` points the resources at tests/fixtures/tiny/).
"""

from __future__ import annotations

import json

import pytest
from pipeline_support import PREFIXES, write
from sco_kg.cli import main
from sco_kg.store.export import FILES


def test_build_writes_dist_and_shows_progress(runner, tiny_env, tmp_path):
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for step in ("load", "validate", "reason", "validate closure", "write"):
        assert any(line.strip().startswith(step) and " s" in line for line in result.stderr.splitlines()), step
    assert "built 9 graphs" in result.stderr and " in kgg:proofs)" in result.stderr  # the proofs graph too
    assert result.stdout == ""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["inferred"] > 0


def test_build_twice_gives_the_same_bytes(runner, tiny_env, tmp_path):
    for name in ("a", "b"):
        assert runner.invoke(main, ["build", "-q", "--out", str(tmp_path / name)]).exit_code == 0
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_build_data_replaces_the_projects_data(runner, tiny_env, tmp_path):
    # --data FILE: the ontology and FILE only; --also-data FILE: the project's data and FILE
    mine = write(tmp_path / "mine.trig", PREFIXES + 'kgg:mine { kgg:mine a skg:EditorialGraph . '
                 'kg:carol a skg:Person ; rdfs:label "Carol"@en, "Carol"@fr . }\n')
    for option, expected in (("--data", {"kgg:mine"}), ("--also-data", {"kgg:mine", "kgg:vocabulary"})):
        out = tmp_path / option.strip("-")
        result = runner.invoke(main, ["build", "-q", "--out", str(out), option, str(mine)])
        assert result.exit_code == 0, result.output
        graphs = json.loads((out / "summary.json").read_text(encoding="utf-8"))["graphs"]
        data_graphs = {g.replace("https://w3id.org/sco-kg/graph/", "kgg:") for g in graphs
                       if "/imports/" not in g and not g.endswith(("/ontology", "/inferred"))}
        assert expected <= data_graphs
        has_articles = any(g.startswith("kgg:") and g.endswith("/provenance") for g in data_graphs)
        assert has_articles is (option == "--also-data"), data_graphs


def test_parse_error_exits_1_with_path_line_column(runner, tiny_env, tmp_path):
    bad = write(tmp_path / "bad.trig", PREFIXES + "kgg:x { kg:a kg:b }\n")
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "dist"), "--also-data", str(bad)])
    assert result.exit_code == 1
    assert f"error: {bad}:7:" in result.stderr
    assert "load" in result.stderr and "FAILED" in result.stderr
    assert not (tmp_path / "dist").exists()


def test_default_graph_triple_of_a_dataset_exits_1(runner, tiny_env, tmp_path):
    """A dataset that names graphs leaves no fact outside them (the provenance rules, as
    ``sco-kg validate`` says); a dataset that names none is a plain graph of facts."""
    bad = write(tmp_path / "stray.nq", "<http://a> <http://b> <http://c> .\n"
                '<http://g> <http://b> <http://c> <http://g> .\n'
                '<http://g> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Entity> <http://g> .\n')
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "dist"), "--also-data", str(bad)])
    assert result.exit_code == 1
    assert "1 triple(s) of stray.nq sit in no named graph" in result.stderr
    assert "(ProvenanceConstraint; shape" in result.stderr
    plain = write(tmp_path / "plain.nq", "<http://a> <http://b> <http://c> .\n")
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "dist"), "--also-data", str(plain)])
    assert result.exit_code == 0, result.output


def test_shacl_violation_exits_1_with_the_report(runner, tiny_env, tmp_path):
    bad = write(tmp_path / "bad.ttl", PREFIXES + "kg:bob a skg:Person .\n")
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "dist"), "--also-data", str(bad)])
    assert result.exit_code == 1
    assert "kg:bob\n  - Violation rdfs:label: A person has a label." in result.stderr
    assert "asserted: DOES NOT CONFORM: 1 violation(s) on 1 focus node(s)" in result.stderr
    assert not (tmp_path / "dist").exists()


def test_inconsistency_exits_1_with_the_message(runner, tiny_env, tmp_path):
    bad = write(tmp_path / "bad.ttl", PREFIXES + "kg:alice a skg:Organisation .\n")
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "dist"), "--also-data", str(bad)])
    assert result.exit_code == 1
    assert "is inconsistent" in result.stderr and "alice" in result.stderr


def test_unknown_reasoner_exits_2(runner, tiny_env, tmp_path):
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "dist"), "--reasoner", "nope"])
    assert result.exit_code == 2
    assert "unknown reasoner 'nope'" in result.stderr


def test_missing_resources_exit_2(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("SCO_KG_RESOURCES", str(tmp_path))
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2
    assert "cannot find the ontology" in result.stderr


def test_bad_usage_exits_2(runner, tiny_env, tmp_path):
    assert runner.invoke(main, ["build", "--data", str(tmp_path / "missing.trig")]).exit_code == 2
    assert runner.invoke(main, ["nope"]).exit_code == 2


def test_validate_prints_the_verdict(runner, tiny_env):
    result = runner.invoke(main, ["validate", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "closure: conforms to the shapes"
    result = runner.invoke(main, ["validate", "-q", "--no-closure"])
    assert result.stdout.strip() == "asserted: conforms to the shapes"


def test_validate_exits_1_on_violation(runner, tiny_env, tmp_path):
    bad = write(tmp_path / "bad.ttl", PREFIXES + "kg:bob a skg:Person .\n")
    result = runner.invoke(main, ["validate", "--also-data", str(bad)])
    assert result.exit_code == 1
    assert result.stdout.startswith("kg:bob\n  - Violation rdfs:label: A person has a label.")
    assert result.stdout.splitlines()[-1] == "asserted: DOES NOT CONFORM: 1 violation(s) on 1 focus node(s)"


@pytest.mark.parametrize("fmt, needle", [("ntriples", "<https://w3id.org/sco-kg/id/alice>"), ("jsonld", '"@id"')])
def test_export_to_stdout(runner, tiny_env, fmt, needle):
    result = runner.invoke(main, ["export", "-q", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert needle in result.stdout


def test_export_to_a_file(runner, tiny_env, tmp_path):
    out = tmp_path / "kg.trig"
    result = runner.invoke(main, ["export", "-q", "-o", str(out)])
    assert result.exit_code == 0
    from rdflib import Dataset, URIRef

    back = Dataset()
    back.parse(out, format="trig")
    assert len(back.graph(URIRef("https://w3id.org/sco-kg/graph/inferred"))) > 0


def test_version_and_help(runner):
    assert runner.invoke(main, ["--version"]).exit_code == 0
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "validate", "export"):
        assert command in result.stdout


def test_synth_command_writes_the_same_file_for_the_same_seed(tmp_path):
    from click.testing import CliRunner
    from sco_kg.cli import main

    runner = CliRunner()
    outs = []
    for name in ("a.trig", "b.trig"):
        out = tmp_path / name
        result = runner.invoke(main, ["synth", "--triples", "2000", "--seed", "7", "--out", str(out)])
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and len(outs[0]) > 10_000


def test_an_unexpected_failure_prints_one_line_not_a_traceback(runner, tiny_env, tmp_path, monkeypatch):
    """No command prints a Python traceback, even for a bug: one line naming the exception
    and where; SCO_KG_DEBUG=1 adds the traceback for whoever debugs."""
    import sco_kg.cli.pipeline_commands as build_command

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a stage")

    monkeypatch.setattr(build_command, "run_pipeline", broken)
    result = runner.invoke(main, ["build", "-q", "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "RuntimeError: a bug in a stage (in test_cli.py:" in result.stderr
    monkeypatch.setenv("SCO_KG_DEBUG", "1")
    result = runner.invoke(main, ["build", "-q", "--out", str(tmp_path / "dist")])
    assert "Traceback" in result.stderr
