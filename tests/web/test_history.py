"""``/history``: the record of the changes, their RDF Patch, reverts that restore the exact
state before, and a restart (the same folder again, and ``--rebuild``) that serves the same.

Each test has its own on-disk store of the project's build: a revert is compared with the
state before the change it undoes, and a restart needs the folder to itself.
"""

from __future__ import annotations

import pytest
from writes_support import (HISTORY, KG, KGC, RDFS, UPDATE_TOKEN, Writer, assert_unchanged, grep_tree, insert_data,
                            log_files, open_write_app, quads, snapshot, without_run_time)

GRAPH = "https://example.org/g/notes"
#: a note on the SCO with a blank node (a structured value), in a curated graph
NOTE = insert_data(GRAPH, 'kg:sco rdfs:seeAlso [ rdfs:label "note on the SCO"@en ; rdfs:comment "first"@en ] .')
DELETE_COMMENT = (f"PREFIX rdfs: <{RDFS}>\nDELETE {{ GRAPH <{GRAPH}> {{ ?note rdfs:comment ?c }} }}\n"
                  f"WHERE {{ GRAPH <{GRAPH}> {{ <{KG}sco> rdfs:seeAlso ?note . ?note rdfs:comment ?c }} }}")


@pytest.fixture
def open_app(built_dumps, tmp_path):
    """``open_app(**kw)``: an app over this test's store folder (call again: a restart)."""
    made = []

    def make(**kw):
        made.append(open_write_app(built_dumps, tmp_path / "store", **kw))
        return made[-1]

    yield make
    for app in made:
        app.extensions["sco_kg"].close()


def state(app) -> list[str]:
    """What a revert restores: every quad but kgg:history (which grows) and the reasoning
    run's time (every change reasons again, and says when)."""
    return without_run_time(quads(app, without=[HISTORY]))


def test_a_revert_restores_the_exact_state_before_blank_nodes_too(open_app):
    app = open_app()
    w = Writer(app)
    s0 = state(app)
    inserted = w.update(NOTE, reason="a note")
    assert inserted.status_code == 200, inserted.get_data(as_text=True)
    s1 = state(app)
    assert len(s1) > len(s0)
    removed = w.update(DELETE_COMMENT)
    assert removed.status_code == 200 and removed.get_json()["removed"] == 1, removed.get_data(as_text=True)
    change = removed.get_json()["change"]
    # its patch: the removed row names the blank node by the label it has in the store
    patch = w.client.get(f"/history/{change}", headers={"Accept": "application/rdf-patch"})
    assert patch.status_code == 200 and patch.headers["Content-Type"].startswith("application/rdf-patch")
    (row,) = [r for r in patch.get_data(as_text=True).splitlines() if r.startswith("D ")]
    assert row.startswith("D _:") and row.endswith(f'<{RDFS}comment> "first"@en <{GRAPH}> .')
    assert any(line.startswith(row[2:].split(" ", 1)[0]) for line in quads(app))  # the same label, served
    # undone: the exact state after the insert, kgg:inferred and kgg:proofs included
    reverted = w.revert(change, reason="the comment was right")
    assert reverted.status_code == 200, reverted.get_data(as_text=True)
    assert (reverted.get_json()["added"], reverted.get_json()["removed"]) == (1, 0)
    assert state(app) == s1
    first = w.history()[0]
    assert (first["reverts"], first["reason"], first["request"]) == (change, "the comment was right",
                                                                      f"REVERT {change}")
    # the insert undone too: the state of the build
    assert w.revert(inserted.get_json()["change"]).status_code == 200
    assert state(app) == s0
    assert [c["reverts"] for c in w.history()] == [inserted.get_json()["change"], change, None, None]

    # a restart serves the same quads, kgg:history included; so does a rebuild from the log
    served = quads(app)
    logs = log_files(app)
    app.extensions["sco_kg"].close()
    again = open_app()
    assert quads(again) == served and log_files(again) == logs
    assert [c["id"] for c in Writer(again).history()] == [c["id"] for c in w.history()]
    again.extensions["sco_kg"].close()
    rebuilt = open_app(rebuild=True)
    assert without_run_time(quads(rebuilt)) == without_run_time(served)
    assert log_files(rebuilt) == logs


def _two_changes(open_app) -> list[dict]:
    """Two changes (an update, a Graph Store PUT) in a new store, the app closed: the history."""
    app = open_app()
    w = Writer(app)
    assert w.update(NOTE, reason="for the restart").status_code == 200
    assert w.graph("PUT", "https://example.org/g/put", f'<{KG}csto> <{RDFS}comment> "put"@en .').status_code == 201
    changes = w.history()
    app.extensions["sco_kg"].close()
    return changes


def test_a_restart_serves_the_changes(open_app, tmp_path):
    changes = _two_changes(open_app)
    again = Writer(open_app(update=None, ingest=None))  # read-only now
    assert again.history() == changes
    assert again.ask(f'ASK {{ GRAPH <{GRAPH}> {{ kg:sco rdfs:seeAlso ?n . ?n rdfs:label "note on the SCO"@en }} }}')
    assert again.ask(f'ASK {{ GRAPH <https://example.org/g/put> {{ kg:csto rdfs:comment "put"@en }} }}')
    assert again.ask(f'ASK {{ GRAPH <{HISTORY}> {{ <{KGC}{changes[0]["id"]}> ?p ?o }} }}')
    assert grep_tree(tmp_path / "store", UPDATE_TOKEN) == []


def test_the_command_line_lists_the_changes(open_app, runner, tmp_path):
    from sco_kg.cli import main

    changes = _two_changes(open_app)
    result = runner.invoke(main, ["history", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert [line.split()[1] for line in lines] == [c["id"] for c in changes]
    assert "reason: for the restart" in result.output and "alice" in result.output


def test_history_listing_and_lookups(open_app, check_error):
    app = open_app()
    w = Writer(app)
    assert w.history() == [] and w.client.get("/history").get_json()["total"] == 0
    ids = []
    for i in range(3):
        resp = w.update(insert_data(f"{GRAPH}/{i}", f'kg:sco rdfs:comment "note {i}"@en .'), reason=f"note {i}")
        assert resp.status_code == 200, resp.get_data(as_text=True)
        ids.append(resp.get_json()["change"])
    listed = w.client.get("/history", query_string={"limit": "2"}).get_json()
    assert [c["id"] for c in listed["changes"]] == ids[:0:-1] and listed["total"] == 3
    assert [c["entry"] for c in w.history()] == ["000003", "000002", "000001"]
    one = w.client.get(f"/history/{ids[0]}")
    assert one.status_code == 200
    assert (one.get_json()["reason"], one.get_json()["graphs"]) == ("note 0", [f"{GRAPH}/0"])
    for limit in ("0", "1001", "ten"):
        check_error(w.client.get("/history", query_string={"limit": limit}), 400)
    check_error(w.client.get("/history/" + "0" * 32), 404)
    check_error(w.client.get("/history/../build.json"), 404)
    check_error(w.client.get("/history/not-a-change"), 404)
    before = snapshot(app)
    check_error(w.revert("0" * 32), 404)
    check_error(w.revert("ZZ"), 404)
    check_error(w.revert(ids[0], token=None), 401)
    assert_unchanged(app, before)


def test_a_revert_with_nothing_left_to_undo_changes_nothing(open_app):
    """A change whose triples a later change removed again: its revert has nothing to do."""
    app = open_app()
    w = Writer(app)
    added = w.update(insert_data(GRAPH, 'kg:sco rdfs:comment "short-lived"@en .'))
    assert added.status_code == 200
    assert w.update(f'DELETE DATA {{ GRAPH <{GRAPH}> {{ <{KG}sco> <{RDFS}comment> "short-lived"@en }} }}'
                    ).status_code == 200
    before = snapshot(app)
    resp = w.revert(added.get_json()["change"])
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["change"] is None
    assert_unchanged(app, before)
