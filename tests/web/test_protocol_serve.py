"""Serving: the build cache (reused while inputs are unchanged), the on-disk store
(survives restarts), ``--data`` files beside the graph, ``sco-kg serve --get``."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "tiny"
DATA1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"


def count(client, query="SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") -> int:
    resp = client.get("/sparql?query=" + quote(query, safe=""))
    return int(json.loads(resp.data)["results"]["bindings"][0]["n"]["value"])


def test_build_is_cached_by_inputs(tmp_path, monkeypatch):
    from sco_kg.pipeline.sources import Sources
    from sco_kg.store import served
    from sco_kg.store.served import DUMP_FILES, cached_build

    sources = Sources.from_dirs(TINY / "ontology", [TINY / "data"])
    first, key = cached_build(sources, cache_dir=tmp_path)
    assert all((first / name).is_file() for name in DUMP_FILES)

    def no_build(*args, **kwargs):
        raise AssertionError("the inputs did not change: no build expected")

    monkeypatch.setattr(served, "build", no_build)  # the pipeline, as the cache calls it
    again, key2 = cached_build(sources, cache_dir=tmp_path)
    assert (again, key2) == (first, key)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(AssertionError, match="no build expected"):
        cached_build(sources.with_extra(extra), cache_dir=tmp_path)  # new inputs: a new build


def test_on_disk_store(make_app, fixture_files, tmp_path):
    store = tmp_path / "store"
    app = make_app(SCO_KG_STORE=store)
    n = count(app.test_client())
    assert n > 10 and (store / "oxigraph").is_dir() and (store / "build.json").is_file()
    generation = app.extensions["sco_kg"].loaded.path  # a generation folder (sco_kg.store.disk)
    app.extensions["sco_kg"].close()
    marker = (store / "build.json").stat().st_mtime_ns
    again = make_app(SCO_KG_STORE=store)  # a restart: the same content, reopened as is
    assert count(again.test_client()) == n
    assert (store / "build.json").stat().st_mtime_ns == marker
    assert again.extensions["sco_kg"].loaded.path == generation and generation.parent == store / "oxigraph"
    again.extensions["sco_kg"].close()
    extra = tmp_path / "more.nt"
    extra.write_text("<urn:a> <urn:b> <urn:c> .\n")
    data = again.config["SCO_KG_DATA"]
    changed = make_app(SCO_KG_STORE=store, SCO_KG_DATA=[*data, extra])  # other inputs: reloaded
    assert count(changed.test_client()) == n + 1


def test_data_files_keep_their_graphs(client):
    resp = client.get("/sparql?query=" + quote(f"ASK {{ GRAPH <{DATA1}> {{ ?s ?p ?o }} }}", safe=""))
    assert json.loads(resp.data)["boolean"] is True


def test_triple_files_go_to_the_default_graph_inside_the_union(make_app, tmp_path):
    extra = tmp_path / "mine.ttl"
    extra.write_text("<urn:x:me> <urn:x:says> \"bonjour\"@fr .\n")
    client = make_app(SCO_KG_DATA=[extra]).test_client()
    assert count(client, "SELECT (COUNT(*) AS ?n) { <urn:x:me> ?p ?o }") == 1


def test_serve_get_smoke(fixture_files, tmp_path):
    from click.testing import CliRunner
    from sco_kg.cli import main

    runner = CliRunner()
    query = quote("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", safe="")
    result = runner.invoke(main, ["serve", "--no-build", "--data", str(fixture_files[0]),
                                  "--get", f"/sparql?query={query}", "-q"])
    assert result.exit_code == 0, result.output
    assert int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"]) > 10
    bad = runner.invoke(main, ["serve", "--no-build", "--data", str(fixture_files[0]), "--get", "/nope", "-q"])
    assert bad.exit_code == 1


def test_serve_help_lists_the_limits():
    from click.testing import CliRunner
    from sco_kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    for option in ("--host", "--port", "--store", "--data", "--timeout", "--max-rows", "--max-request-bytes"):
        assert option in result.output
