"""``sco-kg push`` into Oxigraph server and Virtuoso, and ``serve --backend`` over them.

* push (the CLI, over the export of the session's build) fills every named graph and the
  union graph with the build's counts, on both engines, and records them in
  urn:x-sco-kg:pushed; pushing again replaces (no duplicates, a graph's other content
  gone); a graph an earlier push wrote that the build no longer has is dropped (an odd IRI
  too), a graph no push wrote is not (Virtuoso's system graphs, a hand-loaded one);
  ``--dry-run`` says so and changes nothing; the queries push asks answer alike on Jena's
  ARQ (Fuseki's engine: no Fuseki server here);
* a wrong password, an unreachable store and a store that does not hold the build give a
  clear message naming what failed and a non-zero exit (or a ConfigError);
* the app with the store as backend answers every competency question as expected (typed
  literals compared as each engine keeps them, as in test_interop_queries.py), serves
  linked-data pages equal to the embedded store's, the UI and its question pages, and keeps
  the limits (inspection first, row cap, timeout -> 503, engine extensions refused).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from urllib.parse import quote

import pytest
from backend_engines import ENGINE_CLASSES
from click.testing import CliRunner
from interop_compare import canonical_graph, diff, expected_answer, from_json, from_rdf, graphs_differ, query_kind
from interop_dumps import dump_queries
from rdflib import Graph

pytestmark = pytest.mark.interop

ENGINES = ("oxigraph", "virtuoso")
QUESTIONS = dump_queries("build")
UNION = "urn:x-sco-kg:union"


@pytest.fixture(scope="session")
def writable(tmp_path_factory):
    """``writable(engine)``: a running, writable store of that engine (one per session)."""
    started, stores = {}, {}

    def get(engine: str):
        if engine not in stores:
            server = ENGINE_CLASSES[engine](tmp_path_factory.mktemp(f"writable-{engine}"))
            started[engine] = server
            stores[engine] = server.start()
        return stores[engine]

    yield get
    for server in started.values():
        server.stop()


def cli_push(store, dump_dir, *extra, auth: str | None = "default"):
    from sco_kg.cli import main

    args = ["push", "--endpoint", store.query_url, "--graph-store", store.graph_store_url, "--dumps", str(dump_dir)]
    auth = store.auth if auth == "default" else auth
    if auth:
        args += ["--auth", auth]
    return CliRunner().invoke(main, args + list(extra))


def target_of(store):
    from sco_kg.store.http_client import Credentials
    from sco_kg.store.remote import Target

    return Target(store.query_url, store.graph_store_url, Credentials.parse(store.auth), timeout=60)


@pytest.fixture(scope="session")
def pushed(writable, dumps):
    """``pushed(engine)``: the store after ``sco-kg push`` of the build's export (once)."""
    done = {}

    def get(engine: str):
        if engine not in done:
            store = writable(engine)
            result = cli_push(store, dumps("build").dir)
            assert result.exit_code == 0, result.output
            done[engine] = store
        return done[engine]

    return get


def expected_counts(dump) -> tuple[dict[str, int], int]:
    """Triples per graph (kgg:proofs too), and of the union (without kgg:proofs)."""
    counts = Counter()
    for _, _, _, c in dump.dataset.quads((None, None, None, None)):
        counts[str(getattr(c, "identifier", c))] += 1
    return {g: n for g, n in counts.items() if g in dump.graphs}, len(dump.union_triples)


def store_counts(store) -> tuple[dict[str, int], int]:
    """Counted over the store's own endpoint, our graphs named (Virtuoso holds others)."""
    from sco_kg.store.remote import parse_results

    target = target_of(store)
    graphs = sorted(store_graphs(target))
    resp = target.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                        target.dataset_params([UNION], graphs))
    counts = {row["g"].value: int(row["n"].value) for row in parse_results(resp.body, resp.media_type)}
    return counts, target.count("?s ?p ?o", target.dataset_params([UNION], graphs))


def store_graphs(target) -> set[str]:
    from sco_kg.store.remote import parse_results

    resp = target.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/sco-kg/')) }", [])
    return {row["g"].value for row in parse_results(resp.body, resp.media_type)}


# --- push ----------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_push_fills_every_graph_and_the_union(engine, pushed, dumps):
    dump = dumps("build")
    store = pushed(engine)
    graphs, union = expected_counts(dump)
    assert store_counts(store) == (graphs, union)
    assert store_graphs(target_of(store)) == set(dump.graphs)
    assert read_record(target_of(store)) == {*dump.graphs, UNION}


@pytest.mark.parametrize("engine", ENGINES)
def test_push_twice_replaces(engine, pushed, dumps):
    """A graph's earlier content is replaced, not added to: no duplicates, no leftovers."""
    import pyoxigraph as ox
    from sco_kg.store.remote import ntriples

    dump = dumps("build")
    store = pushed(engine)
    graph = dump.graphs[0]
    stray = ox.Triple(ox.NamedNode("http://example.org/stray"), ox.NamedNode("http://example.org/p"), ox.Literal("x"))
    target_of(store).put_graph(graph, ntriples([stray]))
    assert store_counts(store)[0][graph] == 1
    result = cli_push(store, dump.dir)
    assert result.exit_code == 0, result.output
    result = cli_push(store, dump.dir)
    assert result.exit_code == 0, result.output
    assert store_counts(store) == expected_counts(dump)
    assert target_of(store).count(f"GRAPH <{graph}> {{ <http://example.org/stray> ?p ?o }}",
                                  target_of(store).dataset_params([UNION], [graph])) == 0


def read_record(target) -> set[str]:
    from sco_kg.store.push import read_record as read

    return read(target)


def with_more_graphs(dump, tmp_path, graphs: list[str]):
    """A copy of the build's export with one more triple in each of ``graphs`` (its articles
    as of an earlier build)."""
    out = tmp_path / "earlier"
    shutil.copytree(dump.dir, out)
    with open(out / "sco-kg.nq", "a", encoding="utf-8") as nq:
        for graph in graphs:
            nq.write(f'<http://example.org/s> <http://example.org/p> "earlier" <{graph}> .\n')
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_push_drops_what_the_build_no_longer_has_and_nothing_else(engine, pushed, dumps, tmp_path):
    """An earlier build had two more graphs (one with a query string, a fragment and an accent
    in its IRI); pushing the build drops them. A graph loaded by hand under the project's
    namespace, and Virtuoso's system graphs, stay. ``--dry-run`` first: the plan, no change."""
    import pyoxigraph as ox
    from sco_kg.store.remote import ntriples

    dump = dumps("build")
    store = pushed(engine)
    target = target_of(store)
    removed = ["https://w3id.org/sco-kg/graph/999_removed/s01", "https://w3id.org/sco-kg/graph/odd?a=b&c#été"]
    hand = "https://w3id.org/sco-kg/graph/hand-loaded"
    result = cli_push(store, with_more_graphs(dump, tmp_path, removed))
    assert result.exit_code == 0, result.output
    assert set(removed) <= target.graph_names() and set(removed) <= read_record(target)
    target.put_graph(hand, ntriples([ox.Triple(ox.NamedNode("http://example.org/s"),
                                               ox.NamedNode("http://example.org/p"), ox.Literal("by hand"))]))
    try:
        others = {g for g in target.graph_names() if not g.startswith("https://w3id.org/sco-kg/")}
        before = {g: target.count_graph(g) for g in target.graph_names()}
        dry = cli_push(store, dump.dir, "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert {f"  DROP <{g}>  (written by an earlier push, not in this build)" for g in removed} <= set(dry.stdout.splitlines())
        assert f"  KEEP <{hand}>" in dry.stdout
        assert {g: target.count_graph(g) for g in target.graph_names()} == before  # nothing changed
        result = cli_push(store, dump.dir)
        assert result.exit_code == 0, result.output
        assert not set(removed) & target.graph_names()
        assert hand in target.graph_names()
        assert {g for g in target.graph_names() if not g.startswith("https://w3id.org/sco-kg/")} == others
        if engine == "virtuoso":
            assert "http://www.openlinksw.com/schemas/virtrdf#" in others
        assert read_record(target) == {*dump.graphs, UNION}
    finally:
        target.delete_graph(hand)
    assert store_counts(store) == expected_counts(dump)


def test_the_queries_push_asks_answer_alike_on_jena(jena, tmp_path):
    """Both listing queries and the record query over N-Quads holding a record, by ARQ (the
    engine of Fuseki, the third store README names), as Oxigraph and Virtuoso answer them above."""
    import pyoxigraph as ox
    from sco_kg.store.push import PUSHED_GRAPH, RECORD_QUERY, record_triples
    from sco_kg.store.remote import GRAPH_NAMES_QUERIES

    graphs = ["https://w3id.org/sco-kg/graph/a", "https://w3id.org/sco-kg/graph/odd?a=b&c#été", UNION]
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(PUSHED_GRAPH)) for t in record_triples(graphs)]
    quads += [ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("1"),
                      ox.NamedNode(g)) for g in graphs]
    data = tmp_path / "store.nq"
    data.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    cases = [(f"names-{i}", query, {*graphs, PUSHED_GRAPH}) for i, query in enumerate(GRAPH_NAMES_QUERIES)]
    for name, query, expected in [*cases, ("record", RECORD_QUERY, set(graphs))]:
        path = tmp_path / f"{name}.rq"
        path.write_text(query, encoding="utf-8")
        answer = jena.arq(path, [data])
        assert {term for row in answer.rows for _, term in row} == {("uri", g) for g in expected}, name
        assert sum(answer.rows.values()) == len(expected)


def test_wrong_password_is_a_clear_error(writable, dumps):
    store = writable("virtuoso")
    result = cli_push(store, dumps("build").dir, auth="dba:not-the-password")
    assert result.exit_code == 2, result.output
    # the first write is the record of the graphs push is about to write
    assert "not authorised" in result.output and "PUT of graph <urn:x-sco-kg:pushed>" in result.output


def test_no_credentials_where_the_store_wants_them(writable, dumps):
    store = writable("virtuoso")
    result = cli_push(store, dumps("build").dir, auth=None)
    assert result.exit_code == 2, result.output
    assert "not authorised" in result.output


def test_unreachable_store_is_a_clear_error(dumps):
    from interop_engines import free_port
    from sco_kg.cli import main

    port = free_port()  # nothing listens there
    result = CliRunner().invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{port}/query",
                                       "--dumps", str(dumps("build").dir)])
    assert result.exit_code == 2, result.output
    assert "cannot reach the store" in result.output and f"127.0.0.1:{port}/query" in result.output
    assert "cannot list the graphs of the store" in result.output and "Traceback" not in result.output


def test_a_differing_count_names_the_graph(pushed, dumps):
    """check_counts (push's last step, serve --backend's first) names a graph that differs."""
    from sco_kg.core.errors import ConfigError
    from sco_kg.store.remote import BuildContent, check_counts, connect, ntriples

    dump = dumps("build")
    store = pushed("oxigraph")
    target = target_of(store)
    content = BuildContent.read(dump.dir)
    graph = dump.graphs[-1]
    triples = content.graphs[graph][:-1]  # one triple short
    target.put_graph(graph, ntriples(triples))
    try:
        result = check_counts(target, content.counts(), len(content.union))
        assert result.differences == [f"graph <{graph}>: {len(triples)} triples in the store, {len(triples) + 1} in the build"]
        with pytest.raises(ConfigError, match=f"does not hold this build.*{graph}"):
            connect(target, dump.dir)
    finally:
        target.put_graph(graph, ntriples(content.graphs[graph]))
    assert check_counts(target, content.counts(), len(content.union)).differences == []


# --- serve --backend -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def backend_app(pushed, dumps):
    """``backend_app(engine, **config)``: the Flask app answering from that store."""
    from sco_kg.store.remote import connect
    from sco_kg.web import create_app

    apps = {}

    def get(engine: str, **config):
        key = (engine, tuple(sorted(config.items())))
        if key not in apps:
            loaded = connect(target_of(pushed(engine)), dumps("build").dir)
            apps[key] = create_app({"TESTING": True, "SCO_KG_LOADED": loaded, **config})
        return apps[key]

    yield get
    for app in apps.values():
        app.extensions["sco_kg"].close()


def endpoint_answer(client, query: str):
    kind = query_kind(query)
    accept = "application/sparql-results+json" if kind in ("select", "ask") else "text/turtle"
    resp = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    return from_json(resp.get_data()) if kind in ("select", "ask") else from_rdf(resp.get_data(), "turtle")


@pytest.mark.parametrize("query", QUESTIONS, ids=[q.stem for q in QUESTIONS])
@pytest.mark.parametrize("engine", ENGINES)
def test_competency_questions_through_the_backend(engine, query, backend_app):
    """Literals as each engine keeps them: Oxigraph by value, Virtuoso with Z for +00:00."""
    client = backend_app(engine).test_client()
    only_datetime = engine == "virtuoso"
    expected = expected_answer(query).canonical(only_datetime=only_datetime)
    actual = endpoint_answer(client, query.read_text(encoding="utf-8")).canonical(only_datetime=only_datetime)
    assert actual.same_as(expected), f"serve --backend {engine}, {query.name}:\n{diff(expected, actual)}"


@pytest.mark.parametrize("engine", ENGINES)
def test_default_graph_is_the_union_as_a_set(engine, backend_app, dumps):
    client = backend_app(engine).test_client()
    graphs, union = expected_counts(dumps("build"))
    resp = client.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                      headers={"Accept": "application/sparql-results+json"})
    assert int(json.loads(resp.get_data())["results"]["bindings"][0]["n"]["value"]) == union
    resp = client.get("/sparql?query=" + quote("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"),
                      headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(resp.get_data())["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == graphs  # no union graph, no system graph


@pytest.fixture(scope="session")
def embedded_app(dumps):
    from sco_kg.web import create_app

    app = create_app({"TESTING": True, "SCO_KG_FILES": [dumps("build").nquads]})
    yield app
    app.extensions["sco_kg"].close()


@pytest.mark.parametrize("path", ["/id/sco.ttl", "/id/sergei-shoigu.ttl", "/graph/000_1cb7668562977704/s05.ttl"])
@pytest.mark.parametrize("engine", ENGINES)
def test_linked_data_pages_as_the_embedded_store_gives_them(engine, path, backend_app, embedded_app):
    remote = backend_app(engine).test_client().get(path)
    local = embedded_app.test_client().get(path)
    assert remote.status_code == local.status_code == 200, remote.get_data(as_text=True)[:1000]
    only_datetime = engine == "virtuoso"
    one = canonical_graph(Graph().parse(data=local.get_data(as_text=True), format="turtle"), only_datetime)
    two = canonical_graph(Graph().parse(data=remote.get_data(as_text=True), format="turtle"), only_datetime)
    assert len(one) > 0
    problems = graphs_differ({path: one}, {path: two})
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("engine", ENGINES)
def test_html_pages_and_ui_over_the_backend(engine, backend_app):
    client = backend_app(engine).test_client()
    page = client.get("/id/sco", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Shanghai" in html and "/id/kazakhstan" in html
    home = client.get("/")
    assert home.status_code == 200 and "19-india-pakistan-status" in home.get_data(as_text=True)
    question = client.get("/questions/19-india-pakistan-status")
    assert question.status_code == 200
    assert "expected-same" in question.get_data(as_text=True)
    search = client.get("/search?q=shoigu", headers={"Accept": "text/html"}, follow_redirects=True)
    assert search.status_code == 200 and "/id/sergei-shoigu" in search.get_data(as_text=True)
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert sd.status_code == 200
    assert b"http://rdfs.org/ns/void#triples" in sd.get_data() or b"void:triples" in sd.get_data()


@pytest.mark.parametrize("engine", ENGINES)
def test_limits_hold_over_the_backend(engine, backend_app):
    client = backend_app(engine, SCO_KG_MAX_ROWS=5).test_client()
    resp = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"),
                      headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200
    assert resp.headers["SPARQL-Results-Truncated"] == "true; max-rows=5"
    assert len(json.loads(resp.get_data())["results"]["bindings"]) == 5
    refused = {
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }": "service",
        "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }": "unknown-graph",
        "SELECT * WHERE { ?s ?p ?o . FILTER(<bif:contains>(?o, 'x')) }": "syntax",
        'DEFINE input:grab-all "yes" SELECT * WHERE { ?s ?p ?o }': "syntax",
        "SELECT * WHERE { ?s ?p }": "syntax",
    }
    for query, reason in refused.items():
        resp = client.get("/sparql?query=" + quote(query), headers={"Accept": "application/sparql-results+json"})
        body = resp.get_json()
        assert resp.status_code == 400 and body["reason"] == reason, (query, body)
    resp = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert resp.status_code == 400


@pytest.mark.parametrize("engine", ENGINES)
def test_writes_over_the_backend_are_501_and_change_nothing(engine, backend_app, pushed, dumps):
    """serve --backend with a token that may update: the other store holds the data, and this
    server cannot guard a write there (the pipeline would not see it): 501, nothing written."""
    client = backend_app(engine, SCO_KG_UPDATE_TOKEN="carol upd-T0ken-0123456789",
                         SCO_KG_INGEST_TOKEN="ing-T0ken-0123456789").test_client()
    before = store_counts(pushed(engine))
    auth = {"Authorization": "Bearer upd-T0ken-0123456789"}
    writes = [
        client.post("/update", data=b"INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> "
                                    b"<http://example.org/b> <http://example.org/c> } }",
                    headers={**auth, "Content-Type": "application/sparql-update"}),
        client.put("/graph?graph=http%3A%2F%2Fexample.org%2Fg", data=b"<http://example.org/a> <http://example.org/b> 1 .",
                   headers={**auth, "Content-Type": "text/turtle"}),
        client.delete("/graph?graph=http%3A%2F%2Fexample.org%2Fg", headers=auth),
        client.post("/data", data=b"<http://example.org/a> <http://example.org/b> 1 .",
                    headers={"Authorization": "Bearer ing-T0ken-0123456789", "Content-Type": "text/turtle"}),
    ]
    for resp in writes:
        assert resp.status_code == 501, resp.get_data(as_text=True)
        assert "backend" in resp.get_json()["error"]
    assert store_counts(pushed(engine)) == before


def test_protocol_dataset_stays_within_the_build(backend_app):
    """named-graph-uri naming a graph the build does not hold (here Virtuoso's own) is empty."""
    client = backend_app("virtuoso").test_client()
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    resp = client.get("/sparql?query=" + quote(query) + "&named-graph-uri=" + quote("http://www.openlinksw.com/schemas/virtrdf#")
                      + "&named-graph-uri=" + quote(UNION), headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200
    assert json.loads(resp.get_data())["results"]["bindings"][0]["n"]["value"] == "0"


def test_timeout_over_the_backend_is_503(backend_app):
    client = backend_app("oxigraph", SCO_KG_TIMEOUT=1.0).test_client()
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    resp = client.get("/sparql?query=" + quote(slow), headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 503, resp.get_data(as_text=True)
    assert resp.get_json()["reason"] == "timeout"


def test_unreachable_backend_at_query_time(dumps):
    from interop_engines import free_port
    from sco_kg.store.remote import Target, connect
    from sco_kg.web import create_app

    loaded = connect(Target(f"http://127.0.0.1:{free_port()}/query", timeout=5), dumps("build").dir, check=False)
    app = create_app({"TESTING": True, "SCO_KG_LOADED": loaded})
    try:
        resp = app.test_client().get("/sparql?query=" + quote("ASK { ?s ?p ?o }"))
        assert resp.status_code == 502 and resp.get_json()["reason"] == "backend"
        assert "cannot reach the store" in resp.get_json()["error"]
    finally:
        app.extensions["sco_kg"].close()


def test_serve_backend_command(pushed, dumps, tmp_path):
    """The CLI end to end: serve --backend --get answers from the store; a store without the
    build, or none at all, is a clear error and exit 2."""
    from interop_engines import free_port
    from sco_kg.cli import main
    from sco_kg.pipeline.sources import Sources
    from sco_kg.store.served import DUMP_FILES, sources_key

    cache = tmp_path / "cache"
    build_dir = cache / "builds" / sources_key(Sources.default(), "owlrl", True)
    build_dir.mkdir(parents=True)
    for name in DUMP_FILES:  # the session's export stands for the cached build
        shutil.copy(dumps("build").dir / name, build_dir / name)
    store = pushed("oxigraph")
    get = "/sparql?format=tsv&query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "-q", "--cache-dir", str(cache), "--backend", store.query_url, "--get", get])
    assert result.exit_code == 0, result.output
    assert f'"{expected_counts(dumps("build"))[1]}"' in result.output
    result = runner.invoke(main, ["serve", "-q", "--cache-dir", str(cache), "--backend", store.query_url,
                                  "--union-graph", "urn:x-not-pushed", "--get", get])
    assert result.exit_code == 2 and "does not hold this build" in result.output and "urn:x-not-pushed" in result.output
    result = runner.invoke(main, ["serve", "-q", "--cache-dir", str(cache), "--backend",
                                  f"http://127.0.0.1:{free_port()}/query", "--get", get])
    assert result.exit_code == 2 and "cannot reach the store" in result.output, result.output


KGG = "https://w3id.org/sco-kg/graph/"
#: (query, extra URL parameters): datasets named by FROM, FROM NAMED or the protocol
DATASET_CASES = {
    "from": (f"SELECT (COUNT(*) AS ?n) FROM <{KGG}ontology> WHERE {{ ?s ?p ?o }}", ""),
    "from-two": (f"SELECT (COUNT(*) AS ?n) FROM <{KGG}ontology> FROM <{KGG}inferred> WHERE {{ ?s ?p ?o }}", ""),
    "from-no-named": (f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM <{KGG}ontology> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", ""),
    "from-named": (f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <{KGG}ontology> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", ""),
    "protocol-default": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "&default-graph-uri=" + quote(KGG + "ontology")),
    "protocol-no-named": ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                          "&default-graph-uri=" + quote(KGG + "ontology")),
    "graph-iri": (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{KGG}ontology> {{ ?s ?p ?o }} }}", ""),
    "graph-not-named": ("ASK { GRAPH <urn:x-nothing> { ?s ?p ?o } }", ""),
}
VIRTUOSO_DATASET_KNOWN = {"graph-not-named": "Virtuoso 7.2: GRAPH <iri> outside the named graphs matches once, "
                                             "as if empty (docs/interop.md)"}


def dataset_cases():
    for engine in ENGINES:
        for name in DATASET_CASES:
            reason = VIRTUOSO_DATASET_KNOWN.get(name) if engine == "virtuoso" else None
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(engine, name, id=f"{engine}-{name}", marks=marks)


@pytest.mark.parametrize("engine, case", list(dataset_cases()))
def test_datasets_as_on_the_embedded_store(engine, case, backend_app, embedded_app):
    """FROM without FROM NAMED has no named graphs on the backend too (Virtuoso alone would
    range GRAPH ?g over every graph it holds: 38 here, its system graphs among them)."""
    query, extra = DATASET_CASES[case]
    url = "/sparql?query=" + quote(query) + extra
    accept = {"Accept": "application/sparql-results+json"}
    local = embedded_app.test_client().get(url, headers=accept)
    remote = backend_app(engine).test_client().get(url, headers=accept)
    assert local.status_code == remote.status_code == 200, remote.get_data(as_text=True)
    assert from_json(remote.get_data()).same_as(from_json(local.get_data())), (
        f"{case}: embedded {local.get_data(as_text=True)} / {engine} {remote.get_data(as_text=True)}")


def test_push_and_serve_with_another_union_graph(pushed, dumps):
    """--union-graph: push puts the union there, and a backend told so serves it."""
    from sco_kg.store.remote import BuildContent, Target, check_counts, connect
    from sco_kg.web import create_app

    dump = dumps("build")
    store = pushed("oxigraph")
    result = cli_push(store, dump.dir, "--union-graph", "urn:x-elsewhere:union")
    assert result.exit_code == 0, result.output
    target = Target(store.query_url, store.graph_store_url, timeout=60, union_graph="urn:x-elsewhere:union")
    content = BuildContent.read(dump.dir)
    assert check_counts(target, content.counts(), len(content.union)).differences == []
    app = create_app({"TESTING": True, "SCO_KG_LOADED": connect(target, dump.dir)})
    try:
        resp = app.test_client().get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                                     headers={"Accept": "application/sparql-results+json"})
        assert int(resp.get_json()["results"]["bindings"][0]["n"]["value"]) == len(content.union)
    finally:
        app.extensions["sco_kg"].close()
