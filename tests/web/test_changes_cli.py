"""``sco-kg history``, ``sco-kg changes export`` and ``sco-kg revert`` over a store that took
changes through the server (``POST /update`` with a named token)."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Literal, URIRef
from sco_kg.cli import main

TOKEN = "curator-T0ken-0123456789abcdef"
EX = "http://example.org/curated/"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def served(built, tmp_path_factory):
    """An app over an on-disk store of the project's build, with two changes made."""
    from sco_kg.store.export import export
    from sco_kg.store.served import open_store
    from sco_kg.web import create_app

    root = tmp_path_factory.mktemp("changes-cli")
    export(built, root / "dist")
    loaded = open_store(dumps_dir=root / "dist", key="test", store_path=root / "store")
    app = create_app({"TESTING": True, "SCO_KG_LOADED": loaded, "SCO_KG_UPDATE_TOKEN": f"carol {TOKEN}"})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    first = client.post("/update", headers={**headers, "X-Change-Reason": "a label from a second source"},
                        data=f'INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}x> <{RDFS_LABEL}> "x"@en , "y"@en }} }}')
    assert first.status_code == 200, first.get_data(as_text=True)
    second = client.post("/update", headers=headers,
                         data=f'DELETE DATA {{ GRAPH <{EX}g1> {{ <{EX}x> <{RDFS_LABEL}> "y"@en }} }}')
    assert second.status_code == 200, second.get_data(as_text=True)
    yield app, root / "store", first.get_json()["change"], second.get_json()["change"]
    app.extensions["sco_kg"].close()


def test_history_lists_the_changes_newest_first_with_who_and_why(runner, served):
    _, store, first, second = served
    result = runner.invoke(main, ["history", "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    assert [c["id"] for c in changes] == [second, first]
    assert changes[1]["agent"] == "carol" and changes[1]["reason"] == "a label from a second source"
    assert (changes[1]["added"], changes[0]["removed"]) == (2, 1)
    assert TOKEN not in result.stdout
    text = runner.invoke(main, ["history", "--store", str(store)])
    assert text.exit_code == 0 and f"{first}" in text.stdout and "reason: a label from a second source" in text.stdout


def test_changes_export_writes_the_changed_graphs_as_trig_with_comments(runner, served, tmp_path):
    _, store, first, _ = served
    out = tmp_path / "curated.trig"
    result = runner.invoke(main, ["changes", "export", "--store", str(store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"({first}) by carol" in text and "because: a label from a second source" in text
    ds = Dataset()
    ds.parse(data=text, format="trig")
    graph = ds.graph(URIRef(f"{EX}g1"))
    assert set(graph) == {(URIRef(f"{EX}x"), RDFS_LABEL, Literal("x", lang="en"))}  # as the changes left it


def test_history_of_a_folder_that_is_not_a_store_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(main, ["changes", "export", "--store", str(tmp_path)])
    assert result.exit_code == 0 and "no curated changes" in result.stdout
    (tmp_path / "ingest-log").mkdir()
    (tmp_path / "ingest-log" / ("000001-" + "0" * 32 + ".rdfp")).write_text("TX .\nA nonsense\n", encoding="utf-8")
    result = runner.invoke(main, ["history", "--store", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "000001-" in result.output


def test_revert_through_the_server(runner, served, live_server, tmp_path):
    app, store, first, _ = served
    url = live_server(app)
    token_file = tmp_path / "token"
    token_file.write_text(f"carol {TOKEN}\n", encoding="utf-8")
    result = runner.invoke(main, ["revert", first, "--server", url, "--token-file", str(token_file),
                                  "--reason", "the source was wrong"])
    assert result.exit_code == 0, result.output
    changes = json.loads(runner.invoke(main, ["history", "--store", str(store), "--json"]).stdout)["changes"]
    assert changes[0]["reverts"] == first and changes[0]["reason"] == "the source was wrong"
    ask = app.test_client().get("/sparql", query_string={"query": f"ASK {{ GRAPH <{EX}g1> {{ ?s ?p ?o }} }}"},
                                headers={"Accept": "application/sparql-results+json"})
    assert ask.get_json()["boolean"] is False
    bad = runner.invoke(main, ["revert", "not-an-id", "--server", url, "--token-file", str(token_file)])
    assert bad.exit_code == 2 and "not a change id" in bad.output
    wrong = tmp_path / "wrong"
    wrong.write_text("nobody wrong-token\n", encoding="utf-8")
    refused = runner.invoke(main, ["revert", first, "--server", url, "--token-file", str(wrong)])
    assert refused.exit_code == 2 and "401" in refused.output and "Traceback" not in refused.output
