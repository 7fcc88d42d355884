"""Graph Store Protocol writes (``PUT``/``POST``/``DELETE /graph?graph=IRI``): the statuses,
what they write, and what they refuse with the store unchanged.

One app per module over an on-disk store of the project's build; each test names graphs of
its own (see tests/web/test_update.py).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from writes_support import (HISTORY, INFERRED, KG, KGG, PROOFS, Writer, assert_unchanged, open_write_app,
                            snapshot)

COMMENT = f'<{KG}sco> <http://www.w3.org/2000/01/rdf-schema#comment> "{{}}"@en .\n'


@pytest.fixture(scope="module")
def app(built_dumps, tmp_path_factory):
    app = open_write_app(built_dumps, tmp_path_factory.mktemp("graph-writes") / "store")
    yield app
    app.extensions["sco_kg"].close()


@pytest.fixture
def w(app):
    return Writer(app)


def triples_of(w, graph: str) -> set[str]:
    resp = w.client.get("/graph", query_string={"graph": graph}, headers={"Accept": "application/n-triples"})
    if resp.status_code == 404:
        return set()
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {line for line in resp.get_data(as_text=True).splitlines() if line.strip()}


def test_put_post_delete_of_a_graph(w, check_error):
    graph = "https://example.org/g/gsp-cycle"
    assert triples_of(w, graph) == set()
    # PUT of a new graph: 201, Location
    resp = w.graph("PUT", graph, COMMENT.format("one"), reason="a new graph")
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.headers["Location"] == "/graph?graph=" + quote(graph, safe="")
    assert resp.get_json()["added"] == 1
    assert triples_of(w, graph) == {COMMENT.format("one").strip()}
    first = w.history()[0]
    assert (first["request"], first["reason"], first["agent"]) == (f"PUT <{graph}>", "a new graph", "alice")
    # PUT again: replaced, 200
    resp = w.graph("PUT", graph, COMMENT.format("two"))
    assert resp.status_code == 200 and "Location" not in resp.headers
    assert (resp.get_json()["added"], resp.get_json()["removed"]) == (1, 1)
    assert triples_of(w, graph) == {COMMENT.format("two").strip()}
    # POST: added to it, 200
    resp = w.graph("POST", graph, COMMENT.format("three"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert triples_of(w, graph) == {COMMENT.format("two").strip(), COMMENT.format("three").strip()}
    # DELETE: gone, 200; again: 404, nothing written
    resp = w.graph("DELETE", graph)
    assert resp.status_code == 200 and resp.get_json()["removed"] == 2
    assert triples_of(w, graph) == set()
    assert graph not in w.app.extensions["sco_kg"].graphs
    before = snapshot(w.app)
    check_error(w.graph("DELETE", graph), 404)
    assert_unchanged(w.app, before)


def test_post_to_a_new_graph_is_201(w):
    graph = "https://example.org/g/gsp-post-new"
    resp = w.graph("POST", graph, COMMENT.format("posted"))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.headers["Location"] == "/graph?graph=" + quote(graph, safe="")
    # the same triple again changes nothing: 200, no record
    resp = w.graph("POST", graph, COMMENT.format("posted"))
    assert resp.status_code == 200 and resp.get_json()["change"] is None


BIG_IRI = "https://example.org/g/" + "a" * 3000


@pytest.mark.parametrize("query, ctype, body, status, words", [
    ("default", "text/turtle", COMMENT.format("x"), 400, "default graph"),
    ("default&graph=https%3A%2F%2Fexample.org%2Fg%2Fd", "text/turtle", COMMENT.format("x"), 400, "default graph"),
    ("", "text/turtle", COMMENT.format("x"), 400, "exactly one"),
    ("graph=https%3A%2F%2Fexample.org%2Fg%2Fa&graph=https%3A%2F%2Fexample.org%2Fg%2Fb", "text/turtle",
     COMMENT.format("x"), 400, "exactly one"),
    ("graph=https%3A%2F%2Fexample.org%2Fg%20space", "text/turtle", COMMENT.format("x"), 400, "IRI"),
    ("graph=%3Chttps%3A%2F%2Fexample.org%2Fg%2Fangle%3E", "text/turtle", COMMENT.format("x"), 400, "IRI"),
    ("graph=relative%2Fgraph", "text/turtle", COMMENT.format("x"), 400, "IRI"),
    ("graph=", "text/turtle", COMMENT.format("x"), 400, "IRI"),
    ("graph=_%3Ab0", "text/turtle", COMMENT.format("x"), 400, "IRI"),
    ("graph=" + quote(BIG_IRI, safe=""), "text/turtle", COMMENT.format("x"), 400, "at most 2000"),
    ("graph=https%3A%2F%2Fexample.org%2Fg%2Ftrig", "application/trig",
     "<https://example.org/g/other> { " + COMMENT.format("x") + " }", 400, "names graphs"),
    ("graph=https%3A%2F%2Fexample.org%2Fg%2Fbad", "text/turtle", "<https://example.org/a> <https://example.org/b> .\n",
     400, "turtle"),
    ("graph=https%3A%2F%2Fexample.org%2Fg%2Fctype", "application/x-nonsense", COMMENT.format("x"), 415, "media type"),
    ("graph=https%3A%2F%2Fexample.org%2Fg%2Fnoctype", None, COMMENT.format("x"), 415, ""),
], ids=["default", "default-and-graph", "no-graph", "two-graphs", "space", "angle-brackets", "relative", "empty",
        "blank-node", "3000-characters", "trig-naming-graphs", "bad-turtle", "unknown-type", "no-type"])
@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_graph_writes_refused(w, check_error, method, query, ctype, body, status, words):
    before = snapshot(w.app)
    resp = w.client.open("/graph?" + query, method=method, data=body.encode("utf-8"),
                         headers={**w.headers(), **({"Content-Type": ctype} if ctype else {})})
    found = check_error(resp, status, contains=words or None)
    if words == "turtle":
        assert (found["line"], found["column"]) == (1, 49), found  # the "." where an object goes
    assert_unchanged(w.app, before)


@pytest.mark.parametrize("query, status", [("default", 400), ("graph=relative", 400), ("", 400),
                                           ("graph=" + quote(BIG_IRI, safe=""), 404)],
                         ids=["default", "relative", "no-graph", "3000-characters"])
def test_delete_refused(w, check_error, query, status):
    before = snapshot(w.app)
    check_error(w.client.delete("/graph?" + query, headers=w.headers()), status)
    assert_unchanged(w.app, before)


@pytest.mark.parametrize("graph", [INFERRED, PROOFS, HISTORY])
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_the_graphs_the_store_makes_are_403(w, check_error, graph, method):
    before = snapshot(w.app)
    body = COMMENT.format("x") if method != "DELETE" else None
    check_error(w.graph(method, graph, body), 403, contains="made by the reasoner")
    assert_unchanged(w.app, before)


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_the_build_graphs_are_409_unless_curated(w, check_error, method):
    before = snapshot(w.app)
    body = COMMENT.format("curated") if method != "DELETE" else None
    check_error(w.graph(method, KGG + "ontology", body), 409, contains="curate-build-graphs")
    assert_unchanged(w.app, before)


def test_an_invalid_graph_is_422_and_nothing_written(w):
    body = (f"<{KG}membership-bad> a <https://w3id.org/sco-kg/ontology#Membership> ; "
            f"<http://www.w3.org/ns/org#member> <{KG}russia> ; "
            f"<http://www.w3.org/ns/org#organization> <{KG}sco> , <{KG}csto> ; "
            f"<http://www.w3.org/ns/org#role> <{KG}role-member> .")
    before = snapshot(w.app)
    resp = w.graph("PUT", "https://example.org/g/gsp-invalid", body)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:500]
    assert resp.get_json()["conforms"] is False
    assert_unchanged(w.app, before)


def test_an_oversized_body_is_413(w, check_error):
    limit = w.app.extensions["sco_kg"].settings["max_request_bytes"]
    before = snapshot(w.app)
    check_error(w.graph("PUT", "https://example.org/g/big", COMMENT.format("x") + "#" * limit), 413)
    assert_unchanged(w.app, before)


def test_a_server_that_curates_the_build_graphs_changes_them(built_dumps, tmp_path):
    app = open_write_app(built_dumps, tmp_path / "store", SCO_KG_CURATE_BUILD_GRAPHS="true")
    try:
        w = Writer(app)
        resp = w.graph("POST", KGG + "vocabulary", COMMENT.format("curated"))
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.get_json()["graphs"] == [KGG + "vocabulary"]
        assert COMMENT.format("curated").strip() in triples_of(w, KGG + "vocabulary")
        before = snapshot(app)
        resp = w.graph("DELETE", INFERRED)  # the store's own graphs stay out of reach
        assert resp.status_code == 403, resp.get_data(as_text=True)
        assert_unchanged(app, before)
    finally:
        app.extensions["sco_kg"].close()
