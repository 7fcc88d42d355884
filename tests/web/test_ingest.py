"""POST /data, the guarded ingest: accepted, rejected, token, restart, 409, secrets, recovery.

Each test gets its own on-disk store (``--store``) over the project's build, exported once.
An ingest costs 1-3 s (a child process: parse, SHACL over the whole graph, the next store).
"""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from sco_kg.core.errors import ConfigError
from sco_kg.store.disk import GENERATIONS_DIR, LOG_DIR, StoreCorrupted, log_entries, read_record
from sco_kg.store.ingest import INGESTED_BASE

TOKEN = "s3cret-Ingest-T0ken-1234567890"
KG = "https://w3id.org/sco-kg/id/"
KGG = "https://w3id.org/sco-kg/graph/"
INFERRED = KGG + "inferred"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

GOOD = """
@prefix kg: <https://w3id.org/sco-kg/id/> .
@prefix skg: <https://w3id.org/sco-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:turkmenistan a skg:Country ; rdfs:label "Turkménistan"@fr , "Turkmenistan"@en .
kg:membership-turkmenistan-sco-observer a skg:Membership ;
    org:member kg:turkmenistan ; org:organization kg:sco ; org:role kg:role-observer .
"""

#: a membership with two organisations (the shapes allow one)
BAD = """
@prefix kg: <https://w3id.org/sco-kg/id/> .
@prefix skg: <https://w3id.org/sco-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
kg:membership-bad a skg:Membership ;
    org:member kg:russia ; org:organization kg:sco , kg:csto ; org:role kg:role-member .
"""

SECOND = """
<https://w3id.org/sco-kg/id/membership-mongolia-csto-observer> a <https://w3id.org/sco-kg/ontology#Membership> ;
    <http://www.w3.org/ns/org#member> <https://w3id.org/sco-kg/id/mongolia> ;
    <http://www.w3.org/ns/org#organization> <https://w3id.org/sco-kg/id/csto> ;
    <http://www.w3.org/ns/org#role> <https://w3id.org/sco-kg/id/role-observer> .
"""


@pytest.fixture(scope="session")
def dumps(built, tmp_path_factory):
    from sco_kg.store.export import export

    out = tmp_path_factory.mktemp("ingest") / "dist"
    export(built, out)
    return out


@pytest.fixture
def store_dir(tmp_path):
    return tmp_path / "store"


@pytest.fixture
def open_app(dumps, store_dir):
    """``open_app(token=TOKEN, **config)``: an app over the on-disk store (a restart: call again)."""
    from sco_kg.store.served import open_store
    from sco_kg.web import create_app

    made = []

    def make(token=TOKEN, rebuild=False, **config):
        loaded = open_store(dumps_dir=dumps, key="test", store_path=store_dir, rebuild=rebuild)
        cfg = {"TESTING": True, "SCO_KG_LOADED": loaded, **config}
        if token:
            cfg["SCO_KG_INGEST_TOKEN"] = token
        made.append(create_app(cfg))
        return made[-1]

    yield make
    for app in made:
        app.extensions["sco_kg"].close()


def post(client, body=GOOD, *, token=TOKEN, ctype="text/turtle", query="", accept=None):
    headers = {"Content-Type": ctype}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if accept:
        headers["Accept"] = accept
    return client.post("/data" + query, data=body.encode("utf-8"), headers=headers)


def select(client, query):
    resp = client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return [{k: v["value"] for k, v in row.items()} for row in resp.get_json()["results"]["bindings"]]


def ask(client, query) -> bool:
    resp = client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["boolean"]


def canonical_app(store):
    """Something ``inferred()`` of a test can read like an app: ``extensions["sco_kg"].store``."""
    class Holder:
        extensions = {"sco_kg": type("KG", (), {"store": store})}

    return Holder


def quads_of(app):
    return {(q.subject, q.predicate, q.object, q.graph_name)
            for q in app.extensions["sco_kg"].store.quads_for_pattern(None, None, None, None)}


# -- accepted -------------------------------------------------------------------------------


def test_accepted_is_queryable_at_once_with_its_inferences(open_app, store_dir, check_error):
    app = open_app()
    client = app.test_client()
    assert not ask(client, f"ASK {{ <{KG}turkmenistan> ?p ?o }}")
    assert client.get("/id/turkmenistan", headers={"Accept": "text/html"}).status_code == 404
    resp = post(client, query="?source=" + quote("https://example.org/news/1"))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    graph = body["graph"]
    assert graph.startswith(INGESTED_BASE)
    assert resp.headers["Location"] == "/graph?graph=" + quote(graph, safe="")
    assert body["triples"] == 7 + 3  # the client's, and the graph's provenance (type, time, source)
    # the new facts, in their graph and in the union default graph, through the workers
    assert ask(client, f"ASK {{ GRAPH <{graph}> {{ <{KG}membership-turkmenistan-sco-observer> <{ORG}member> <{KG}turkmenistan> }} }}")
    assert ask(client, f"ASK {{ <{KG}membership-turkmenistan-sco-observer> <{ORG}organization> <{KG}sco> }}")
    # reasoning brought up to date: the subclass's superclass, in kgg:inferred
    assert ask(client, f"ASK {{ GRAPH <{INFERRED}> {{ <{KG}membership-turkmenistan-sco-observer> a <{ORG}Membership> }} }}")
    assert ask(client, f"ASK {{ GRAPH <{INFERRED}> {{ <{KG}turkmenistan> a <https://schema.org/Country> }} }}")
    # provenance: the client's source and the time
    rows = select(client, f"""SELECT ?source ?time WHERE {{ GRAPH <{graph}> {{
        <{graph}> <http://purl.org/dc/terms/source> ?source ; <http://www.w3.org/ns/prov#generatedAtTime> ?time }} }}""")
    assert rows and rows[0]["source"] == "https://example.org/news/1" and rows[0]["time"].endswith("Z")
    # the graph through the Location, and listed among the graphs
    got = client.get(resp.headers["Location"], headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and f"<{KG}turkmenistan>" in got.get_data(as_text=True)
    assert graph in app.extensions["sco_kg"].graphs
    page = client.get("/id/turkmenistan", headers={"Accept": "text/html"}, follow_redirects=True)  # its page
    assert page.status_code == 200 and "Turkmenistan" in page.get_data(as_text=True)
    # written down: the log holds it, the record names the served generation
    assert len(log_entries(store_dir)) == 1
    assert read_record(store_dir)["log"] == [log_entries(store_dir)[0].name]


def test_inferred_graph_equals_a_full_rebuild(open_app, store_dir):
    """kgg:inferred after an ingest is the one a rebuild from the build + the log makes."""
    app = open_app()
    client = app.test_client()
    assert post(client).status_code == 201

    def inferred(a):
        """kgg:inferred but the description of the run (its time, its engine differ)."""
        store, graph = a.extensions["sco_kg"].store, ox.NamedNode(INFERRED)
        run = ox.NamedNode(KG + "reasoning-run")
        engines = {q.object for q in store.quads_for_pattern(
            run, ox.NamedNode("http://www.w3.org/ns/prov#wasAssociatedWith"), None, graph)}
        return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)
                if q.subject != run and q.subject not in engines}

    after_ingest = inferred(app)
    rebuilt = open_app(rebuild=True)
    assert inferred(rebuilt) == after_ingest
    # and the one owlrl (the reference engine) makes over the build's asserted graphs + the log
    from sco_kg.pipeline.load import load
    from sco_kg.pipeline.reason import reason
    from sco_kg.pipeline.sources import Sources

    loaded = app.extensions["sco_kg"].loaded
    reference = reason(load(Sources.of_served([*loaded.sources, *log_entries(store_dir)])), "owlrl")
    canonical = ox.Store()  # through a store, so literals are in pyoxigraph's canonical form
    canonical.load(reference.to_graph().serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(INFERRED))
    assert inferred(canonical_app(canonical)) == after_ingest
    assert (ox.NamedNode(KG + "membership-turkmenistan-sco-observer"), ox.NamedNode(RDF_TYPE),
            ox.NamedNode(ORG + "Membership")) in after_ingest


def test_second_ingest_validates_with_the_first(open_app):
    app = open_app()
    client = app.test_client()
    first = post(client, query="?graph=" + quote("https://example.org/graph/one"))
    assert first.status_code == 201, first.get_data(as_text=True)
    second = post(client, SECOND, ctype="text/turtle", query="?source=" + quote("a colleague's notes"))
    assert second.status_code == 201, second.get_data(as_text=True)
    assert ask(client, f"ASK {{ GRAPH <{INFERRED}> {{ <{KG}membership-mongolia-csto-observer> a <{ORG}Membership> }} }}")
    assert ask(client, f"ASK {{ GRAPH <{INFERRED}> {{ <{KG}membership-turkmenistan-sco-observer> a <{ORG}Membership> }} }}")
    assert ask(client, f"""ASK {{ GRAPH <{second.get_json()["graph"]}> {{
        ?g <http://purl.org/dc/terms/source> "a colleague's notes" }} }}""")


# -- rejected --------------------------------------------------------------------------------


@pytest.mark.parametrize("accept, media", [("application/json", "application/json"),
                                           ("text/turtle", "text/turtle"),
                                           ("application/ld+json", "application/ld+json")])
def test_rejected_422_with_the_report_and_nothing_written(open_app, store_dir, accept, media):
    app = open_app()
    client = app.test_client()
    before = quads_of(app)
    record = read_record(store_dir)
    resp = post(client, BAD, accept=accept)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert resp.headers["Content-Type"].startswith(media)
    text = resp.get_data(as_text=True)
    if media == "application/json":
        report = json.loads(text)
        assert report["conforms"] is False and report["counts"]["violations"] >= 1
        assert any(r["component"] == "sh:MaxCountConstraintComponent" and r["path"] == "org:organization"
                   and group["focus"] == KG + "membership-bad"
                   for group in report["focus_nodes"] for r in group["results"]), report
    else:
        assert "MaxCountConstraintComponent" in text and "membership-bad" in text
    assert quads_of(app) == before
    assert log_entries(store_dir) == [] and read_record(store_dir) == record
    assert not ask(client, f"ASK {{ <{KG}membership-bad> ?p ?o }}")
    # nothing left behind: one generation, no work files
    assert len(list((store_dir / GENERATIONS_DIR).iterdir())) == 1
    assert list((store_dir / ".ingest").iterdir()) == []


def test_inconsistent_data_is_rejected(open_app, store_dir):
    """Shapes pass, the axioms do not (a person who is also an organisation): 422."""
    body = f"""<{KG}sergei-shoigu> a <https://w3id.org/sco-kg/ontology#Organisation> ;
        <http://www.w3.org/2000/01/rdf-schema#label> "Choïgou SARL"@fr, "Shoigu Ltd"@en ."""
    resp = post(open_app().test_client(), body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert log_entries(store_dir) == []


def test_unparseable_body_is_a_400_with_the_position(open_app, store_dir, check_error):
    client = open_app().test_client()
    body = check_error(post(client, "<a> <b> .\n<c> <d> <e> <f> <g> .", ctype="application/n-triples"), 400)
    assert body.get("line") == 1
    check_error(post(client, ctype="application/x-nonsense"), 415)
    check_error(post(client, ctype=""), 415)
    check_error(post(client, "", ctype="text/turtle"), 400, contains="no triples")
    check_error(post(client, query="?graph=not%20an%20iri"), 400)
    check_error(post(client, accept="image/png"), 406)
    assert log_entries(store_dir) == []


# -- the token ------------------------------------------------------------------------------


def test_no_token_configured_403_read_only(open_app, check_error, monkeypatch):
    monkeypatch.delenv("SCO_KG_INGEST_TOKEN", raising=False)
    client = open_app(token=None).test_client()
    check_error(post(client), 403, contains="read-only")
    check_error(post(client, token=None), 403)
    # and no other route writes
    resp = client.post("/sparql", data={"update": f"INSERT DATA {{ <{KG}x> <{KG}p> <{KG}y> }}"})
    assert resp.status_code in (400, 403, 405, 415)


def test_wrong_or_missing_token_401(open_app, store_dir, check_error):
    client = open_app().test_client()
    resp = post(client, token=None)
    check_error(resp, 401)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    resp = post(client, token=TOKEN + "x")
    check_error(resp, 401)
    assert 'error="invalid_token"' in resp.headers["WWW-Authenticate"]
    resp = client.post("/data", data=GOOD, headers={"Content-Type": "text/turtle", "Authorization": f"Basic {TOKEN}"})
    check_error(resp, 401)
    assert log_entries(store_dir) == []


def test_token_from_the_environment(open_app, monkeypatch):
    monkeypatch.setenv("SCO_KG_INGEST_TOKEN", TOKEN)
    client = open_app(token=None).test_client()
    assert post(client, token="nope").status_code == 401
    assert post(client).status_code == 201


def test_token_never_echoed_nor_logged(open_app, caplog):
    app = open_app()
    client = app.test_client()
    caplog.set_level(logging.DEBUG)
    responses = [post(client, token=TOKEN[:-1]), post(client, token=TOKEN + TOKEN), post(client, BAD),
                 post(client, "<a> <b>", ctype="application/n-triples"), post(client),
                 post(client, query="?graph=" + quote(KGG + "inferred"))]
    assert [r.status_code for r in responses] == [401, 401, 422, 400, 201, 409]
    texts = [r.get_data(as_text=True) + "".join(f"{k}: {v}" for k, v in r.headers.items()) for r in responses]
    everything = "\n".join(texts) + caplog.text
    assert TOKEN not in everything and TOKEN[:-1] not in everything


def test_in_memory_store_with_a_token_refuses_to_start(fixture_files):
    from sco_kg.web import create_app

    with pytest.raises(ConfigError, match="--store"):
        create_app({"TESTING": True, "SCO_KG_FILES": fixture_files, "SCO_KG_INGEST_TOKEN": TOKEN})


# -- 409 ------------------------------------------------------------------------------------


def test_existing_graph_name_409(open_app, store_dir, check_error):
    client = open_app().test_client()
    check_error(post(client, query="?graph=" + quote(INFERRED)), 409)
    check_error(post(client, query="?graph=" + quote(KGG + "ontology")), 409)
    check_error(post(client, query="?graph=" + quote(KGG + "000_x/s99")), 409, contains="namespace")
    name = "https://example.org/graph/mine"
    assert post(client, query="?graph=" + quote(name)).status_code == 201
    check_error(post(client, SECOND, query="?graph=" + quote(name)), 409, contains="already exists")
    assert len(log_entries(store_dir)) == 1


# -- restart and recovery ---------------------------------------------------------------------


def test_restart_keeps_it(open_app, store_dir):
    app = open_app()
    resp = post(app.test_client())
    assert resp.status_code == 201
    graph = resp.get_json()["graph"]
    before = quads_of(app)
    app.extensions["sco_kg"].close()
    again = open_app()
    assert quads_of(again) == before
    client = again.test_client()
    assert ask(client, f"ASK {{ GRAPH <{graph}> {{ <{KG}turkmenistan> ?p ?o }} }}")
    assert ask(client, f"ASK {{ GRAPH <{INFERRED}> {{ <{KG}membership-turkmenistan-sco-observer> a <{ORG}Membership> }} }}")


def test_committed_but_unrecorded_ingest_is_replayed(open_app, store_dir):
    """A crash after the log's commit point, before build.json: the next start rebuilds."""
    app = open_app()
    assert post(app.test_client()).status_code == 201
    after = quads_of(app)
    app.extensions["sco_kg"].close()
    record = read_record(store_dir)
    record["content_key"] = "from-before-the-ingest"
    (store_dir / "build.json").write_text(json.dumps(record))
    again = open_app()
    assert read_record(store_dir)["content_key"] != "from-before-the-ingest"
    run = ox.NamedNode(KG + "reasoning-run")
    subject = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")

    def strip(qs):  # the run's time differs, and so do the proof nodes of the triples about the run
        about_run = {q[0] for q in qs if q[1] == subject and q[2] == run}
        return {q for q in qs if q[0] != run and q[0] not in about_run and q[2] not in about_run}
    assert strip(quads_of(again)) == strip(after)


def _corrupt(store_dir):
    db = store_dir / GENERATIONS_DIR / read_record(store_dir)["generation"]
    for path in db.iterdir():
        if path.name.startswith(("CURRENT", "MANIFEST")):
            path.write_bytes(b"garbage\n")
    return db


def test_corrupted_store_refuses_to_start_and_rebuild_recovers(open_app, store_dir):
    app = open_app()
    resp = post(app.test_client())
    assert resp.status_code == 201
    graph = resp.get_json()["graph"]
    app.extensions["sco_kg"].close()
    _corrupt(store_dir)
    with pytest.raises(StoreCorrupted) as caught:
        open_app()
    message = str(caught.value)
    assert str(store_dir) in message and "--rebuild" in message
    again = open_app(rebuild=True)
    assert ask(again.test_client(), f"ASK {{ GRAPH <{graph}> {{ <{KG}turkmenistan> ?p ?o }} }}")
    assert log_entries(store_dir) and (store_dir / LOG_DIR).is_dir()


def test_store_whose_content_differs_from_its_record_refuses_to_start(open_app, store_dir):
    open_app().extensions["sco_kg"].close()
    db = store_dir / GENERATIONS_DIR / read_record(store_dir)["generation"]
    store = ox.Store(str(db))
    store.remove(next(iter(store.quads_for_pattern(None, None, None, ox.NamedNode(KGG + "ontology")))))
    store.flush()
    del store
    with pytest.raises(StoreCorrupted, match="quads"):
        open_app()


# -- limits and concurrency ----------------------------------------------------------------


def test_oversized_body_413_and_triple_limit(open_app, store_dir, check_error):
    client = open_app(SCO_KG_MAX_REQUEST_BYTES=2000, SCO_KG_INGEST_MAX_TRIPLES=5).test_client()
    check_error(post(client, GOOD + "#" * 3000), 413)
    check_error(post(client), 413)  # 7 triples, over the limit of 5
    assert log_entries(store_dir) == []


def test_concurrent_ingests_are_serialised(open_app, store_dir):
    import threading

    app = open_app()
    statuses = {}

    def send(name, body):
        statuses[name] = post(app.test_client(), body, query="?graph=" + quote(name)).status_code

    threads = [threading.Thread(target=send, args=(f"https://example.org/graph/{i}", text))
               for i, text in enumerate((GOOD, SECOND))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert set(statuses.values()) == {201}, statuses
    assert len(log_entries(store_dir)) == 2
    client = app.test_client()
    for name in statuses:
        assert ask(client, f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
    for membership in ("membership-turkmenistan-sco-observer", "membership-mongolia-csto-observer"):
        assert ask(client, f"ASK {{ GRAPH <{INFERRED}> {{ <{KG}{membership}> a <{ORG}Membership> }} }}")


def test_memory_cap_of_the_ingest_process(open_app, store_dir, check_error):
    """The child's address space is capped: past it, a clear 413 and nothing written."""
    client = open_app(SCO_KG_INGEST_MAX_MEMORY_MB=40).test_client()
    check_error(post(client), 413, contains="MiB")
    assert log_entries(store_dir) == []
    assert len(list((store_dir / GENERATIONS_DIR).iterdir())) == 1


def test_validate_with_kg_sees_the_ingest_and_keeps_its_pool(open_app):
    """After an ingest, POST /validate?with-kg=true checks against the new data, and the
    app-long values (the validation pool) survive the change of store."""
    app = open_app()
    client = app.test_client()
    kg = app.extensions["sco_kg"]
    second_organisation = f"<{KG}membership-turkmenistan-sco-observer> <{ORG}organization> <{KG}csto> ."

    def validate():
        resp = client.post("/validate?with-kg=true", data=second_organisation.encode(),
                           headers={"Content-Type": "text/turtle", "Accept": "application/json"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return {(r["path"], r["component"]) for group in resp.get_json()["focus_nodes"] for r in group["results"]}

    before = validate()  # the membership is unknown: no member, no role
    assert ("org:member", "sh:MinCountConstraintComponent") in before, before
    assert ("org:organization", "sh:MaxCountConstraintComponent") not in before, before
    pool = kg._cache["validate:pool"]
    kg.cached("probe", object)
    assert post(client).status_code == 201
    after = validate()  # now it is known, and this would give it a second organisation
    assert ("org:organization", "sh:MaxCountConstraintComponent") in after, after
    assert ("org:member", "sh:MinCountConstraintComponent") not in after, after
    assert kg._cache["validate:pool"] is pool  # kept
    assert "probe" not in kg._cache  # values of the old store are made again


# -- a dataset keeps its graphs -------------------------------------------------------------

DATASET = """
@prefix kg: <https://w3id.org/sco-kg/id/> .
@prefix skg: <https://w3id.org/sco-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/graph/notes> {
    <https://example.org/graph/notes> a prov:Entity .
    kg:membership-turkmenistan-sco-observer a skg:Membership ;
        org:member kg:turkmenistan ; org:organization kg:sco ; org:role kg:role-observer .
    kg:turkmenistan a skg:Country ; rdfs:label "Turkménistan"@fr , "Turkmenistan"@en .
}
"""


def test_a_dataset_keeps_its_graphs_and_the_ingest_lists_them(open_app, store_dir):
    app = open_app()
    client = app.test_client()
    resp = post(client, DATASET, ctype="application/trig", query="?source=" + quote("https://example.org/n/2"))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["graphs"] == ["https://example.org/graph/notes"] and body["graph"].startswith(INGESTED_BASE)
    assert ask(client, f"ASK {{ GRAPH <https://example.org/graph/notes> {{ <{KG}turkmenistan> ?p ?o }} }}")
    assert ask(client, f"ASK {{ GRAPH <{body['graph']}> {{ <{body['graph']}> "
                       f"<http://purl.org/dc/terms/hasPart> <https://example.org/graph/notes> }} }}")
    assert len(log_entries(store_dir)) == 1


@pytest.mark.parametrize("body, query, status, words", [
    # the same graph again: it exists
    (None, "", 409, "already exists"),
    # a graph in the build's namespace, the data being fine
    (DATASET.replace("https://example.org/graph/notes", "https://w3id.org/sco-kg/graph/mine"), "", 409,
     "the build's namespace"),
    # a graph named by a blank node cannot be found again
    (DATASET.replace("<https://example.org/graph/notes>", "_:g"), "", 400, "blank node"),
    # ?graph= is for a body of triples
    (DATASET, "?graph=" + quote("https://example.org/graph/other"), 400, "names its own graphs"),
    # the reasoner's graph is no input
    (DATASET.replace("https://example.org/graph/notes", "https://w3id.org/sco-kg/graph/inferred"), "", 400,
     "made by the reasoner"),
])
def test_dataset_graph_names_a_client_may_not_use(open_app, store_dir, check_error, body, query, status, words):
    client = open_app().test_client()
    if body is None:
        assert post(client, DATASET, ctype="application/trig").status_code == 201
        body = DATASET
    before = log_entries(store_dir)
    check_error(post(client, body, ctype="application/trig", query=query), status, contains=words)
    assert log_entries(store_dir) == before


def test_a_dataset_whose_graph_is_not_derived_is_refused_for_its_provenance(open_app, store_dir):
    """The ingest's own description does not vouch for the graphs a client names: a graph
    of facts neither derived from a span nor described is refused, as sco-kg validate says."""
    bare = DATASET.replace("    <https://example.org/graph/notes> a prov:Entity .\n", "")
    resp = post(open_app().test_client(), bare, ctype="application/trig")
    assert resp.status_code == 422, resp.get_data(as_text=True)
    focus = [g["focus"] for g in resp.get_json()["focus_nodes"]]
    results = [r for g in resp.get_json()["focus_nodes"] for r in g["results"]]
    assert focus == ["https://example.org/graph/notes"]
    assert [r["component"] for r in results] == ["skgsh:ProvenanceConstraint"]
    assert log_entries(store_dir) == []


def test_an_accepted_ingest_explains_what_it_made_inferable(open_app):
    """The ingest's build makes the proofs of the new closure: the new member's type is
    explained down to the triple of the ingested graph."""
    app = open_app()
    client = app.test_client()
    accepted = post(client)
    assert accepted.status_code == 201
    graph = accepted.get_json()["graph"]
    resp = client.get("/explain", query_string={"s": KG + "turkmenistan", "p": RDF_TYPE,
                                                "o": "http://xmlns.com/foaf/0.1/Agent"},
                      headers={"Accept": "application/json"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    graphs, stack = set(), [resp.get_json()["proof"]]
    while stack:
        node = stack.pop()
        graphs.update(s["graph"] for s in node.get("asserted_in", ()))
        stack.extend(node.get("premises", ()))
    assert graph in graphs, (graph, graphs)
