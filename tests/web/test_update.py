"""``POST /update`` (SPARQL 1.1 Update): who may, what is never run, what the one pipeline
refuses, what a reader sees at once, and the protocol's corners.

One app per module over an on-disk store of the project's build (a write costs 1.5-3 s):
each test that writes names graphs of its own and compares the state just before and just
after its own requests, so no test depends on another's order. Whenever a write is refused,
the served quads and the store's log are as before (``assert_unchanged``). Graph Store
writes: test_graph_writes.py; the history, reverts and restarts: test_history.py.
"""

from __future__ import annotations

import http.server
import logging
import threading
import urllib.request
from pathlib import Path

import pytest
from writes_support import (BOTH_TOKEN, GOOD_TRIPLES, HISTORY, INFERRED, INGEST_TOKEN, KG, KGC, KGG, ORG, PROV,
                            SKG, UPDATE_TOKEN, Writer, assert_unchanged, grep_tree, insert_data, log_files,
                            open_write_app, snapshot, store_root)

TESTS = Path(__file__).resolve().parents[1]
PREFIXES_FOR_ORG = f"PREFIX org: <{ORG}>\n"
CLOSURE = TESTS / "shapes" / "closure"


@pytest.fixture(scope="module")
def app(built_dumps, tmp_path_factory):
    """alice may update, bob may ingest, carol (one token in both settings) may do both."""
    store = tmp_path_factory.mktemp("update") / "store"
    app = open_write_app(built_dumps, store, update=f"alice {UPDATE_TOKEN}\ncarol {BOTH_TOKEN}",
                         ingest=f"bob {INGEST_TOKEN}\ncarol {BOTH_TOKEN}")
    yield app
    app.extensions["sco_kg"].close()


@pytest.fixture
def w(app):
    return Writer(app)


def comment(graph: str, text: str, subject: str = "sco") -> str:
    return insert_data(graph, f'kg:{subject} rdfs:comment "{text}"@en .')


# -- 1. tokens --------------------------------------------------------------------------------


def test_no_update_token_configured_is_403_and_nothing_written(built_dumps, tmp_path, check_error, monkeypatch):
    monkeypatch.delenv("SCO_KG_UPDATE_TOKEN", raising=False)
    app = open_write_app(built_dumps, tmp_path / "store", update=None)  # an ingest token only
    try:
        w = Writer(app)
        before = snapshot(app)
        check_error(w.update(comment("https://example.org/g/none", "x")), 403, contains="read-only")
        check_error(w.update(comment("https://example.org/g/none", "x"), token=None), 403)
        check_error(w.graph("PUT", "https://example.org/g/none", "<https://example.org/a> <https://example.org/b> 1 ."),
                    403)
        check_error(w.revert("0" * 32), 403)
        assert_unchanged(app, before)
    finally:
        app.extensions["sco_kg"].close()


def test_missing_or_wrong_token_is_401_with_a_challenge(w, check_error):
    before = snapshot(w.app)
    text = comment("https://example.org/g/401", "x")
    resp = w.update(text, token=None)
    check_error(resp, 401)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    for wrong in (UPDATE_TOKEN + "x", UPDATE_TOKEN[:-1], UPDATE_TOKEN.upper(), " "):
        resp = w.update(text, token=wrong)
        check_error(resp, 401)
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    resp = w.client.post("/update", data=text, content_type="application/sparql-update",
                         headers={"Authorization": f"Basic {UPDATE_TOKEN}"})
    check_error(resp, 401)
    assert_unchanged(w.app, before)


def test_a_token_is_good_only_for_its_right(w, check_error):
    before = snapshot(w.app)
    resp = w.update(comment("https://example.org/g/403", "x"), token=INGEST_TOKEN)
    check_error(resp, 403, contains="bob")
    assert 'error="insufficient_scope"' in resp.headers["WWW-Authenticate"]
    check_error(w.graph("PUT", "https://example.org/g/403", "<https://example.org/a> <https://example.org/b> 1 .",
                        token=INGEST_TOKEN), 403)
    check_error(w.revert("0" * 32, token=INGEST_TOKEN), 403)
    resp = w.client.post("/data", data=b"<https://example.org/a> <https://example.org/b> 1 .",
                         headers={"Authorization": f"Bearer {UPDATE_TOKEN}", "Content-Type": "text/turtle"})
    check_error(resp, 403, contains="alice")
    assert_unchanged(w.app, before)


def test_a_token_in_both_settings_may_update_and_ingest(w):
    graph = "https://example.org/g/carol"
    resp = w.client.post("/update", data={"update": comment(graph, "by carol"), "reason": "a form's reason"},
                         headers={"Authorization": f"Bearer {BOTH_TOKEN}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    change = resp.get_json()["change"]
    first = w.history()[0]
    assert (first["id"], first["agent"], first["reason"]) == (change, "carol", "a form's reason")
    body = (f'<{KG}sco> <http://www.w3.org/2000/01/rdf-schema#comment> "ingested by carol"@en .').encode()
    resp = w.client.post("/data?graph=https%3A%2F%2Fexample.org%2Fg%2Fcarol-ingest", data=body,
                         headers={"Authorization": f"Bearer {BOTH_TOKEN}", "Content-Type": "text/turtle"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert w.ask(f'ASK {{ GRAPH <{graph}> {{ kg:sco rdfs:comment "by carol"@en }} }}')


def test_the_token_is_never_echoed_recorded_nor_logged(w, caplog):
    """Accepted and refused writes: no response, no history record, no file of the store,
    no log line holds a token (or most of one)."""
    caplog.set_level(logging.DEBUG)
    graph = "https://example.org/g/secret"
    responses = [
        w.update(comment(graph, "kept"), reason="checking the secrets"),
        w.update(comment(graph, "x"), token=UPDATE_TOKEN[:-1]),
        w.update(comment(graph, "x"), token=INGEST_TOKEN),
        w.update("INSERT DATA { GRAPH <https://example.org/g/secret> { <a> <b> } }"),
        w.update(f"LOAD <http://127.0.0.1:9/{UPDATE_TOKEN}>", token=UPDATE_TOKEN + UPDATE_TOKEN),
        w.graph("PUT", graph + "/2", f'<{KG}sco> <http://www.w3.org/2000/01/rdf-schema#comment> "y"@en .'),
    ]
    assert [r.status_code for r in responses] == [200, 401, 403, 400, 401, 201]
    change = responses[0].get_json()["change"]
    responses += [w.client.get("/history"), w.client.get(f"/history/{change}"),
                  w.client.get(f"/history/{change}", headers={"Accept": "application/rdf-patch"}),
                  w.client.get("/graph", query_string={"graph": HISTORY}, headers={"Accept": "application/n-quads"})]
    assert all(r.status_code == 200 for r in responses[-4:])
    texts = "\n".join(r.get_data(as_text=True) + "".join(f"{k}: {v}" for k, v in r.headers.items())
                      for r in responses)
    assert "alice" in texts  # the name is what the history keeps
    for secret in (UPDATE_TOKEN, INGEST_TOKEN, BOTH_TOKEN):
        assert secret[:-1] not in texts + caplog.text
        assert grep_tree(store_root(w.app), secret[:-1]) == []


# -- 2. nothing is ever fetched --------------------------------------------------------------


@pytest.fixture
def probe():
    """An HTTP server on the loopback that counts the requests made to it (and the connections)."""
    counts = {"requests": 0, "connections": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def handle(self):
            counts["connections"] += 1
            super().handle()

        def _answer(self):
            counts["requests"] += 1
            body = b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", counts
    server.shutdown()
    server.server_close()


FETCHING = [
    ("load", "LOAD <{url}/x>"),
    ("load", "LOAD <{url}/x> INTO GRAPH <https://example.org/g/loaded>"),
    ("load", "LOAD SILENT <{url}/x>"),
    ("load", "load <{url}/x>"),
    ("load", "LoAd<{url}/x>"),
    ("load", "# a comment: LOAD\nLOAD <{url}/x>"),
    ("load", "# nothing to see here\n  \n\tLOAD <{url}/x>"),
    ("load", "CLEAR SILENT GRAPH <https://example.org/g/none> ;\nLOAD <{url}/x>"),
    ("load", 'INSERT DATA {{ GRAPH <https://example.org/g/l> {{ <https://example.org/a> <https://example.org/b> '
             '"LOAD <x>" }} }} ; LOAD <{url}/x>'),
    ("service", "INSERT {{ GRAPH <https://example.org/g/s> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}/sparql> "
                "{{ ?s ?p ?o }} }}"),
    ("service", "INSERT {{ GRAPH <https://example.org/g/s> {{ ?s ?p ?o }} }} WHERE {{ SERVICE SILENT "
                "<{url}/sparql> {{ ?s ?p ?o }} }}"),
    ("service", "INSERT {{ GRAPH <https://example.org/g/s> {{ ?s ?p ?o }} }} WHERE {{ service<{url}/sparql> "
                "{{ ?s ?p ?o }} }}"),
    ("service", "PREFIX p: <{url}/> INSERT {{ GRAPH <https://example.org/g/s> {{ ?s ?p ?o }} }} WHERE "
                "{{ SERVICE p:sparql {{ ?s ?p ?o }} }}"),
    ("service", "DELETE {{ GRAPH <https://example.org/g/s> {{ ?s ?p ?o }} }} WHERE {{ OPTIONAL {{ SERVICE "
                "SILENT <{url}/sparql> {{ ?s ?p ?o }} }} }}"),
    ("service", "CLEAR SILENT GRAPH <https://example.org/g/none> ; INSERT {{ GRAPH <https://example.org/g/s> "
                "{{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"),
]


@pytest.mark.parametrize("reason, template", FETCHING, ids=[f"{r}-{i}" for i, (r, _) in enumerate(FETCHING)])
def test_load_and_service_are_refused_before_anything_runs(w, probe, check_error, reason, template):
    url, counts = probe
    before = snapshot(w.app)
    text = template.format(url=url)
    body = check_error(w.update(text), 400)
    assert body["reason"] == reason, body
    form = w.client.post("/update", data={"update": text}, headers=w.headers())  # and as a form
    assert check_error(form, 400)["reason"] == reason
    assert counts == {"requests": 0, "connections": 0}
    assert_unchanged(w.app, before)
    with urllib.request.urlopen(url + "/x", timeout=5) as resp:  # the probe does count
        assert resp.status == 200
    assert counts["requests"] == 1


# -- 3. guarded by the one pipeline ----------------------------------------------------------


def _results(report: dict) -> list[dict]:
    return [r for group in report["focus_nodes"] for r in group["results"]]


def _proof_nodes(proof: dict):
    stack = [proof["proof"]]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.get("premises", ()))


def _turtle_body(path: Path) -> tuple[str, str]:
    """The prefixes and the triples of a Turtle file of tests/shapes/closure, as an update's
    PREFIX lines and the triples of its INSERT DATA."""
    prefixes, triples = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("@prefix"):
            _, name, iri, _ = line.split()
            prefixes.append(f"PREFIX {name} {iri}")
        else:
            triples.append(line)
    return "\n".join(prefixes), "\n".join(triples)


def test_a_violation_only_the_closure_shows_is_422_with_its_proof(w):
    """Valid as asserted; after reasoning (cax-eqc2) ex:acme is an org:Organization whose
    founding date is no date."""
    graph = "https://example.org/g/acme"
    prefixes, triples = _turtle_body(CLOSURE / "organisation-by-equivalence.ttl")
    before = snapshot(w.app)
    resp = w.update(f"{prefixes}\nINSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}", accept="application/json")
    assert resp.status_code == 422, resp.get_data(as_text=True)[:800]
    report = resp.get_json()
    assert report["conforms"] is False
    (result,) = _results(report)
    assert (result["component"], result["path"]) == ("sh:OrConstraintComponent", "schema:foundingDate")
    (proof,) = result["proofs"]
    assert proof["proof"]["triple"] == ["<https://example.org/id/acme>", "rdf:type", "org:Organization"]
    assert proof["proof"]["rule"] == "cax-eqc2"
    leaves = {tuple(n["triple"]): [s["graph"] for s in n["asserted_in"]]
              for n in _proof_nodes(proof) if "asserted_in" in n}
    assert leaves[("<https://example.org/id/acme>", "rdf:type", "foaf:Organization")] == [graph]
    assert_unchanged(w.app, before)


def test_an_inconsistency_is_422_naming_the_axiom(w):
    graph = "https://example.org/g/stances"
    prefixes, triples = _turtle_body(CLOSURE / "stance-is-event.ttl")
    before = snapshot(w.app)
    resp = w.update(f"{prefixes}\nINSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}")
    assert resp.status_code == 422, resp.get_data(as_text=True)[:800]
    results = _results(resp.get_json())
    assert {r["component"] for r in results} == {"skgsh:ConsistencyConstraint"}
    assert {r["rule"] for r in results} == {"cax-dw"}
    assert results[0]["axiom"] == [["skg:Stance", "owl:disjointWith", "schema:Event"]]
    assert_unchanged(w.app, before)


@pytest.mark.parametrize("accept, media", [("application/json", "application/json"), ("text/turtle", "text/turtle")])
def test_a_plainly_invalid_write_is_422_with_the_report(w, accept, media):
    """A membership with two organisations (the shapes allow one), as asserted."""
    text = insert_data("https://example.org/g/bad", "kg:membership-bad a skg:Membership ; org:member kg:russia ; "
                                                    "org:organization kg:sco , kg:csto ; org:role kg:role-member .")
    before = snapshot(w.app)
    resp = w.update(text, accept=accept)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:800]
    assert resp.headers["Content-Type"].startswith(media)
    if media == "application/json":
        assert any(r["component"] == "sh:MaxCountConstraintComponent" and r["path"] == "org:organization"
                   for r in _results(resp.get_json()))
    else:
        assert "MaxCountConstraintComponent" in resp.get_data(as_text=True)
    assert_unchanged(w.app, before)


@pytest.mark.parametrize("text, status, words", [
    ("INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }", 400,
     "default graph"),
    (insert_data(INFERRED, "kg:sco rdfs:comment \"inferred?\"@en ."), 403, "reasoner"),
    (insert_data(HISTORY, "kg:sco a org:Organization ."), 403, "reasoner"),
    (insert_data(KGG + "ontology", "kg:sco rdfs:comment \"x\"@en ."), 409, "build"),
    (f"DELETE WHERE {{ GRAPH <{KGG}ontology> {{ ?s ?p ?o }} }}", 409, "build"),
    ("DROP ALL", 409, "build"),
    ("INSERT DATA { GRAPH <https://example.org/g/x> { <a> <b> } }", 400, "not valid SPARQL"),
    ("CREATE GRAPH <" + KGG + "ontology>", 400, "failed"),
    (f"COPY <{KGG}vocabulary> TO <{HISTORY}>", 403, "reasoner"),
    (f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> INSERT {{ GRAPH ?g {{ ?s rdfs:comment \"x\" }} }} "
     f"WHERE {{ GRAPH ?g {{ ?s a ?t }} FILTER(?g = <{INFERRED}>) }}", 403, "reasoner"),
], ids=["default-graph", "inferred", "history", "build-graph", "build-graph-delete", "drop-all", "syntax", "create",
        "copy-to-history", "insert-where-inferred"])
def test_what_no_update_may_do(w, check_error, text, status, words):
    before = snapshot(w.app)
    check_error(w.update(text), status, contains=words)
    assert_unchanged(w.app, before)


def test_an_update_reads_the_graphs_the_store_makes(w):
    """``GRAPH kgg:inferred { ... }`` in a WHERE matches what it matches over /sparql."""
    (row,) = w.select(f"SELECT ?m {{ GRAPH <{INFERRED}> {{ ?m a org:Membership }} }} ORDER BY ?m LIMIT 1")
    graph = "https://example.org/g/from-inferred"
    resp = w.update(f"""PREFIX org: <{ORG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT {{ GRAPH <{graph}> {{ ?m rdfs:comment "a membership, as the reasoner says"@en }} }}
        WHERE {{ GRAPH <{INFERRED}> {{ ?m a org:Membership }} FILTER(?m = <{row['m']}>) }}""")
    assert resp.status_code == 200 and resp.get_json()["added"] == 1, resp.get_data(as_text=True)
    assert w.ask(f"ASK {{ GRAPH <{graph}> {{ <{row['m']}> rdfs:comment ?c }} }}")


@pytest.mark.parametrize("text", [f"DROP GRAPH <{INFERRED}>", f"CLEAR GRAPH <{KGG}proofs>",
                                  f"CLEAR SILENT GRAPH <{HISTORY}>",
                                  f"DELETE WHERE {{ GRAPH <{INFERRED}> {{ ?s a org:Membership }} }}"],
                         ids=["drop-inferred", "clear-proofs", "clear-history", "delete-inferred"])
def test_removals_from_the_graphs_the_store_makes_change_nothing_and_say_so(w, text):
    before = snapshot(w.app)
    resp = w.update(PREFIXES_FOR_ORG + text)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["change"] is None
    assert any("the reasoner and the store make that graph" in warning for warning in body["warnings"]), body
    assert_unchanged(w.app, before)


@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_sparql_refuses_updates_and_points_to_update(w, check_error, how):
    text = comment("https://example.org/g/sparql", "x")
    if how == "get":
        resp = w.client.get("/sparql", query_string={"query": text})
    elif how == "form":
        resp = w.client.post("/sparql", data={"update": text}, headers=w.headers())
    else:
        resp = w.client.post("/sparql", data=text, content_type="application/sparql-update", headers=w.headers())
    check_error(resp, 400, contains="/update")


# -- 4. visible at once ----------------------------------------------------------------------


def test_an_accepted_update_is_visible_at_once_everywhere(w):
    graph = "https://example.org/g/turkmenistan"
    assert w.client.get("/id/turkmenistan", headers={"Accept": "text/html"}).status_code == 404
    resp = w.update(insert_data(graph, GOOD_TRIPLES), reason="observer since 2026 (curator's note)")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    change = body["change"]
    assert (body["added"], body["removed"], body["graphs"], body["warnings"]) == (7, 0, [graph], [])
    assert resp.headers["Link"].startswith(f"</history/{change}>")
    # /sparql: the triples in their graph, in the union, and what they entail in kgg:inferred
    membership = "kg:membership-turkmenistan-sco-observer"
    assert w.ask(f"ASK {{ GRAPH <{graph}> {{ {membership} org:member kg:turkmenistan }} }}")
    assert w.ask(f"ASK {{ {membership} org:organization kg:sco }}")
    assert w.ask(f"ASK {{ GRAPH <{INFERRED}> {{ {membership} a org:Membership }} }}")
    assert w.ask(f"ASK {{ GRAPH <{INFERRED}> {{ kg:turkmenistan a <https://schema.org/Country> }} }}")
    # its page
    page = w.client.get("/id/turkmenistan", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and "Turkmenistan" in page.get_data(as_text=True)
    # the history: first, with the agent's name, the reason, the counts, the graphs
    first = w.history()[0]
    assert first["id"] == change and first["agent"] == "alice"
    assert first["reason"] == "observer since 2026 (curator's note)"
    assert (first["added"], first["removed"], first["graphs"]) == (7, 0, [graph])
    assert first["request"].startswith("PREFIX kg:") and first["iri"] == KGC + change
    # the record, in GRAPH kgg:history, and not in the union default graph
    assert w.ask(f"ASK {{ GRAPH <{HISTORY}> {{ <{KGC}{change}> a <{PROV}Activity> ; "
                 f"<{PROV}wasAssociatedWith>/rdfs:label \"alice\" }} }}")
    assert not w.ask(f"ASK {{ <{KGC}{change}> ?p ?o }}")
    assert not w.ask(f"ASK {{ ?change a <{SKG}Change> }}")
    assert not w.ask(f"ASK {{ ?statement <{SKG}inGraph> ?g }}")
    assert w.select(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{HISTORY}> {{ ?c <{SKG}addedStatement> ?st }} "
                    f"FILTER(?c = <{KGC}{change}>) }}") == [{"n": "7"}]


# -- 7. the protocol's corners ---------------------------------------------------------------


def test_get_update_is_405_with_allow(w, check_error):
    resp = w.client.get("/update", query_string={"update": "CLEAR ALL"}, headers=w.headers())
    check_error(resp, 405)
    assert resp.headers["Allow"] == "POST"


@pytest.mark.parametrize("case", ["two-updates", "update-in-url-too", "using-with-USING", "using-with-WITH",
                                  "non-utf8", "utf16", "empty", "blank", "deep", "query-param", "no-ctype"])
def test_malformed_update_requests(w, check_error, case):
    text = comment("https://example.org/g/malformed", "x")
    where = ("INSERT { GRAPH <https://example.org/g/malformed> { ?s rdfs:comment \"y\" } } "
             "USING <https://example.org/g/a> WHERE { ?s ?p ?o }")
    before = snapshot(w.app)
    post, status = w.client.post, 400
    if case == "two-updates":
        resp = post("/update", data={"update": [text, text]}, headers=w.headers())
    elif case == "update-in-url-too":
        resp = w.update(text, query_string={"update": text})
    elif case == "using-with-USING":
        resp = w.update("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + where,
                        query_string={"using-graph-uri": "https://example.org/g/b"})
    elif case == "using-with-WITH":
        resp = w.update("WITH <https://example.org/g/a> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                        query_string={"using-named-graph-uri": "https://example.org/g/b"})
    elif case == "non-utf8":
        resp = w.update(text.encode("utf-8").replace(b'"x"', b'"\xff\xfe"'))
    elif case == "utf16":
        resp, status = w.update(text.encode("utf-16"), ctype="application/sparql-update; charset=UTF-16"), 415
    elif case == "empty":
        resp = w.update(b"")
    elif case == "blank":
        resp = w.update(b"  \n\t \r\n")
    elif case == "deep":
        resp = w.update("INSERT DATA " + "{" * 10_000)
    elif case == "query-param":
        resp = w.client.post("/update", data={"update": text, "query": "ASK {}"}, headers=w.headers())
    else:
        resp, status = w.update(text, ctype=None), 415
    check_error(resp, status)
    assert_unchanged(w.app, before)


def test_an_update_over_the_size_limit_is_413_in_the_error_shape(w, check_error):
    limit = w.app.extensions["sco_kg"].settings["max_request_bytes"]
    big = comment("https://example.org/g/big", "x" * (limit + 10))
    before = snapshot(w.app)
    check_error(w.update(big), 413)
    check_error(w.client.post("/update", data={"update": big}, headers=w.headers()), 413)
    assert_unchanged(w.app, before)


def test_an_update_that_changes_nothing_is_200_without_a_record(w):
    graph = "https://example.org/g/idempotent"
    assert w.update(comment(graph, "once")).status_code == 200
    before = snapshot(w.app)
    for text in (comment(graph, "once"), f"CLEAR SILENT GRAPH <{graph}/never>", "# a comment alone is an empty update",
                 f"DELETE DATA {{ GRAPH <{graph}> {{ <{KG}sco> <{ORG}x> 1 }} }}"):
        resp = w.update(text)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        body = resp.get_json()
        assert (body["change"], body["history"], body["added"], body["removed"]) == (None, None, 0, 0)
        assert "Link" not in resp.headers
    assert_unchanged(w.app, before)
    assert len(log_files(w.app)) == len(before[1])


def test_removing_from_the_union_default_graph_says_where_the_triple_still_is(w):
    """The default graph is the union of the named graphs: a triple removed from it alone
    is still there; the answer names the graph that states it (and nothing is recorded)."""
    graph = "https://example.org/g/union"
    assert w.update(comment(graph, "in the union", subject="csto")).status_code == 200
    before = snapshot(w.app)
    for text in (f'DELETE DATA {{ <{KG}csto> <http://www.w3.org/2000/01/rdf-schema#comment> "in the union"@en }}',
                 f'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> DELETE WHERE {{ <{KG}csto> rdfs:comment ?c }}'):
        resp = w.update(text)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        body = resp.get_json()
        assert body["change"] is None
        (warning,) = body["warnings"]
        assert "still" in warning and f"<{graph}>" in warning, warning
    assert_unchanged(w.app, before)
