"""POST /validate (issue 5 "HTTP", issue 7 "hostile data" and "property-based tests").

* the report by Accept (JSON summary, Turtle, JSON-LD; 406 otherwise), 200 whether or not
  the data conforms, the body in every RDF syntax;
* the corpus of tests/shapes/ through HTTP: every valid file conforms, every one-defect file
  gives exactly the results its header pins (as tests/test_shapes.py checks them for
  pySHACL), and a sample gives the very results of ``sco-kg validate`` (validate_files);
* ``?with-kg=true`` resolves references to the served graph's entities;
* hostile bodies: 400 with line/column, 413 (Content-Length over the limit: nothing read;
  100 MB through waitress: refused, the server's memory does not grow by 100 MB), 413 past
  the triple limit, 415, 422 for a remote context or an XML external entity, with zero
  requests reaching a recording server (also for owl:imports), 503 at the time limit with
  the next request served;
* hypothesis: random bytes and random graphs, any media type: never a 5xx, always a report
  or the one error shape.
"""

from __future__ import annotations

import http.client
import importlib.util
import io
import json
import resource
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "shapes"
BASE = FIXTURES / "valid" / "base.trig"
VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.suffix in (".ttl", ".trig"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
SH = Namespace("http://www.w3.org/ns/shacl#")
JSON_SUMMARY_KEYS = {"conforms", "verdict", "counts", "focus_nodes"}

PREFIXES = """\
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix kg:     <https://w3id.org/sco-kg/id/> .
@prefix ex:     <https://example.org/id/> .
"""
SUMMIT = PREFIXES + """
ex:summit a schema:Event ; rdfs:label "sommet"@fr , "summit"@en ;
    schema:startDate "2021-09-17"^^xsd:date ; schema:attendee kg:sco .
"""
BAD_DATE = PREFIXES + """
ex:summit a schema:Event ; rdfs:label "sommet"@fr , "summit"@en ;
    schema:startDate "le 17 septembre"^^xsd:date .
"""


assert_error = None  # the one error shape's check: conftest's check_error fixture, set below


@pytest.fixture(autouse=True)
def _error_shape(check_error):
    global assert_error
    assert_error = check_error


def _shapes_tests():
    """tests/test_shapes.py's reading of the fixtures' pinned results (one definition)."""
    spec = importlib.util.spec_from_file_location("shapes_fixture_reading", TESTS / "test_shapes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shapes_tests = _shapes_tests()


def post(client, body: bytes | str, content_type: str = "text/turtle", accept: str | None = "application/json",
         query: str = ""):
    headers = {"Content-Type": content_type}
    if accept is not None:
        headers["Accept"] = accept
    if isinstance(body, str):
        body = body.encode("utf-8")
    return client.post("/validate" + query, data=body, headers=headers)


def summary(resp) -> dict:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:800]
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.get_json()
    assert JSON_SUMMARY_KEYS <= body.keys()
    return body


def with_base(path: Path) -> str:
    """A one-defect file with the base it is validated with, as one Turtle body (the
    triples of base.trig, then the file): ``sco-kg validate base.trig FILE`` in one body.
    (Turtle, not TriG: the provenance rules for datasets would rightly complain about a
    dataset's triples outside any named graph.)"""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=BASE)]
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE).decode("utf-8") + "\n" + path.read_text(encoding="utf-8")


# -- the report by Accept ---------------------------------------------------------------


def test_conforming_data_gives_200_and_a_json_summary(client):
    body = summary(post(client, BASE.read_bytes(), "application/trig", accept=None))
    assert body["conforms"] is True
    assert body["counts"]["violations"] == 0 and body["focus_nodes"] == []


def test_violations_give_200_grouped_by_focus_with_label_path_message_value_component_shape(client):
    body = summary(post(client, BAD_DATE))
    assert body["conforms"] is False and body["counts"]["violations"] >= 1
    (group,) = [g for g in body["focus_nodes"] if g["focus"] == "https://example.org/id/summit"]
    assert group["label"] == "summit"
    result = next(r for r in group["results"] if r["component"] == "sh:OrConstraintComponent")
    assert result["path"] == "schema:startDate" and result["severity"] == "Violation"
    assert result["value"] == '"le 17 septembre"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert result["message"] and result["shape"]
    assert "DOES NOT CONFORM" in body["verdict"]


def test_turtle_report(client):
    resp = post(client, BAD_DATE, accept="text/turtle")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/turtle")
    report = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    components = {report.value(r, SH.sourceConstraintComponent) for r in report.objects(node, SH.result)}
    assert SH.OrConstraintComponent in components


def test_json_ld_report_by_preference(client):
    resp = post(client, BASE.read_bytes(), "application/trig", accept="text/turtle;q=0.5, application/ld+json")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/ld+json")
    report = Graph().parse(data=resp.get_data(as_text=True), format="json-ld")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)
    assert resp.headers["Vary"] == "Accept"


@pytest.mark.parametrize("accept", ["image/png", "text/html", "application/sparql-results+json"])
def test_unacceptable_accept_is_406(client, accept):
    body = assert_error(post(client, BASE.read_bytes(), "application/trig", accept=accept), 406)
    for media_type in ("application/json", "text/turtle", "application/ld+json"):
        assert media_type in body["error"]


@pytest.mark.parametrize("media_type", ["application/n-quads", "application/ld+json", "application/rdf+xml",
                                        "application/n-triples", "text/turtle", "application/trig", "text/n3"])
def test_every_syntax_gives_the_same_verdict(client, media_type):
    quads = list(ox.parse(path=BASE))
    bad = list(ox.parse(BAD_DATE.encode(), ox.RdfFormat.TURTLE))
    fmt = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "text/turtle": ox.RdfFormat.TURTLE, "application/trig": ox.RdfFormat.TRIG,
           "text/n3": ox.RdfFormat.TURTLE}[media_type]  # Turtle is N3

    def body(qs):
        if not fmt.supports_datasets:
            qs = [ox.Triple(q.subject, q.predicate, q.object) for q in qs]
        return ox.serialize(qs, format=fmt)

    assert summary(post(client, body(quads), media_type))["conforms"] is True
    assert summary(post(client, body(quads + bad), media_type))["conforms"] is False


# -- the corpus, through HTTP --------------------------------------------------------------


def _http_results(client, text: str, media_type: str) -> tuple[bool, set]:
    resp = post(client, text, media_type, accept="text/turtle")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:800]
    report = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    return report.value(node, SH.conforms).toPython(), shapes_tests.results(report)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_corpus_valid_files_conform_over_http(client, path):
    media_type = "application/trig" if path.suffix == ".trig" else "text/turtle"
    conforms, results = _http_results(client, path.read_text(encoding="utf-8"), media_type)
    assert conforms and not results, results


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_corpus_one_defect_files_over_http_give_the_pinned_results(client, path):
    conforms, results = _http_results(client, with_base(path), "text/turtle")
    assert not conforms
    assert results == shapes_tests.expectations(path, pipeline=True), path.name


SAMPLE = [p for p in INVALID if p.stem in {"about-literal", "altlabel-untagged", "article-no-text"}] + \
         [p for p in INVALID if p.stem.startswith("project-terms-")][:2]


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_same_results_as_the_cli(client, path, tmp_path):
    """The CLI's function (sco-kg validate BASE FILE) and HTTP agree result by result."""
    from sco_kg.pipeline.check import validate_files
    from sco_kg.pipeline.report import component_name
    from sco_kg.pipeline.report_formats import term_text

    cli = validate_files([BASE, path])
    http = summary(post(client, with_base(path), "text/turtle"))
    assert http["conforms"] == cli.conforms is False
    cli_results = sorted(("_" if isinstance(r.focus, BNode) else term_text(r.focus), r.path or "",
                          component_name(r.component), r.message) for r in cli.results)
    http_results = sorted(("_" if g["focus"].startswith("_:") else g["focus"], r["path"] or "", r["component"],
                           r["message"]) for g in http["focus_nodes"] for r in g["results"])
    assert http_results == cli_results


# -- with the served graph -------------------------------------------------------------------


def test_with_kg_resolves_references_to_the_served_graph(real_client):
    alone = summary(post(real_client, SUMMIT))
    assert alone["conforms"] is False
    assert any(r["value"] == "https://w3id.org/sco-kg/id/sco" or g["focus"] == "https://w3id.org/sco-kg/id/sco"
               for g in alone["focus_nodes"] for r in g["results"]), alone
    assert summary(post(real_client, SUMMIT, query="?with-kg=true"))["conforms"] is True
    assert summary(post(real_client, SUMMIT, query="?with-kg=false"))["conforms"] is False
    assert_error(post(real_client, SUMMIT, query="?with-kg=perhaps"), 400, contains="with-kg")


# -- hostile input ----------------------------------------------------------------------------


def test_unparseable_input_is_400_with_line_and_column(client):
    body = assert_error(post(client, PREFIXES + 'ex:a rdfs:label "unclosed .\n'), 400)
    assert body["line"] == PREFIXES.count("\n") + 1 and body["column"] == 17
    body = assert_error(post(client, "{\n  \"@id\": ", "application/ld+json"), 400, contains="JSON")
    assert body["line"] == 2
    body = assert_error(post(client, PREFIXES.encode() + b'ex:a rdfs:label "Gen\xe8ve"@fr .\n'), 400,
                        contains="UTF-8")
    assert (body["line"], body["column"]) == (6, 21)
    body = assert_error(post(client, PREFIXES + "ex:a rdfs:seeAlso <http://exa mple/> .\n"), 400, contains="IRI")
    assert body["line"] == 6
    body = assert_error(post(client, PREFIXES + 'ex:a rdfs:label "x"@1fr .\n'), 400, contains="language")
    assert (body["line"], body["column"]) == (6, 21)
    body = assert_error(post(client, '<http://e/a> <http://e/p> "\\uD800" .', "application/n-triples"), 400)
    assert (body["line"], body["column"]) == (1, 28)


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/sparql-query", ""])
def test_unknown_content_type_is_415(client, content_type):
    resp = post(client, SUMMIT, content_type)
    assert_error(resp, 415)
    assert "text/turtle" in resp.headers["Accept-Post"]


class Bottomless(io.RawIOBase):
    """A request body of ``size`` bytes made on demand; counts what the server read."""

    def __init__(self, size: int):
        super().__init__()
        self.size, self.pos, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the stream by seeking to its end
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.pos))
        buffer[:n] = b"#" * n
        self.pos += n
        self.read_bytes += n
        return n


def test_a_100_mb_body_is_413_before_anything_is_read(client, app):
    stream = Bottomless(100 << 20)
    resp = client.post("/validate", input_stream=stream, content_length=stream.size,
                       headers={"Content-Type": "text/turtle"})
    body = assert_error(resp, 413, contains="over the validation limit")
    assert body["limit"] == app.extensions["sco_kg"].settings["validate_max_bytes"]
    assert stream.read_bytes == 0


def test_a_100_mb_body_through_waitress_is_413_and_not_held_in_memory(app):
    """waitress spools a large body to a temporary file; the route answers from the
    Content-Length. (Its own server, closed once waitress has closed the connection.)"""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    idle = len(server._map)  # the listener and waitress's own trigger: no connection yet
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=120)
    try:
        conn.putrequest("POST", "/validate")
        conn.putheader("Content-Type", "application/n-triples")
        conn.putheader("Content-Length", str(100 << 20))
        conn.putheader("Connection", "close")  # waitress closes its side after the answer
        conn.endheaders()
        chunk = b"<http://e/s> <http://e/p> <http://e/o> .\n" * 25_000  # ~1 MB
        sent = 0
        try:
            while sent < (100 << 20):
                part = chunk[: (100 << 20) - sent]
                conn.send(part)
                sent += len(part)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before the whole body is sent
        resp = conn.getresponse()
        status, text = resp.status, resp.read()
        resp.close()
    finally:
        conn.close()
        deadline = time.monotonic() + 10
        while len(server._map) > idle and time.monotonic() < deadline:  # until waitress closed the channel
            time.sleep(0.05)
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(5)
    assert status == 413, text[:300]
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"100 MB body through waitress: peak memory growth of the server process {growth_mb:.0f} MB")
    assert growth_mb < 50


def test_triple_limit_is_413(make_app):
    app = make_app(SCO_KG_VALIDATE_MAX_TRIPLES=10)
    body = "".join(f"<http://e/s{i}> <http://e/p> <http://e/o> .\n" for i in range(11))
    assert_error(post(app.test_client(), body, "application/n-triples"), 413, contains="more than 10 triples")


def test_remote_context_xxe_entities_and_owl_imports_never_reach_out(client, listener):
    assert_error(post(client, json.dumps({"@context": listener.url + "ctx.jsonld", "@id": "http://e/a"}),
                      "application/ld+json"), 422, contains=listener.url + "ctx.jsonld")
    for doctype in (f'<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "{listener.url}x">]>',
                    '<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                    f'<!DOCTYPE rdf:RDF SYSTEM "{listener.url}x.dtd">'):
        body = ('<?xml version="1.0"?>' + doctype + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                ' xmlns:e="http://e/"><rdf:Description rdf:about="http://e/a"><e:p>&xxe;</e:p></rdf:Description>'
                "</rdf:RDF>")
        resp = post(client, body, "application/rdf+xml")
        assert_error(resp, 422)
        assert "root:" not in resp.get_data(as_text=True)
    laughs = "<!DOCTYPE rdf:RDF [<!ENTITY a \"aaaaaaaaaa\">" + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    body = ('<?xml version="1.0"?>' + laughs + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns:e="http://e/"><rdf:Description rdf:about="http://e/a"><e:p>&i;</e:p></rdf:Description></rdf:RDF>')
    assert_error(post(client, body, "application/rdf+xml"), 422, contains="entity")
    imports = f"<https://e/onto> a <http://www.w3.org/2002/07/owl#Ontology> ; " \
              f"<http://www.w3.org/2002/07/owl#imports> <{listener.url}onto.ttl> ."
    assert summary(post(client, imports))["conforms"] is True
    assert listener.connections == 0


def test_the_time_limit_is_503_and_the_next_request_is_served(make_app, tmp_path):
    from sco_kg.pipeline.synth import write

    path = tmp_path / "big.trig"
    write(path, 20_000, 7)  # ~3.4 MB: several seconds of validation (5,000 triples: 2-3 s)
    app = make_app(SCO_KG_VALIDATE_TIMEOUT=1.0, SCO_KG_MAX_REQUEST_BYTES=16 << 20,
                   SCO_KG_VALIDATE_MAX_BYTES=16 << 20, SCO_KG_VALIDATE_MAX_TRIPLES=100_000)
    client = app.test_client()
    summary(post(client, SUMMIT))  # the worker is up
    resp = post(client, path.read_bytes(), "application/trig")
    body = assert_error(resp, 503, contains="did not finish within 1 s")
    assert body["reason"] == "timeout" and resp.headers["Retry-After"]
    assert summary(post(client, SUMMIT))["conforms"] is False  # a fresh worker answers


def test_past_the_memory_cap_is_413_and_the_next_request_is_served(make_app, tmp_path):
    """Measured: a worker's address space is ~260 MB with an empty body; the whole pipeline
    over 150,000 synthetic triples peaks at ~250 MB of resident memory (it fit under a cap of
    330 MB of address space once the body was parsed straight into the pipeline's sets), so
    with that cap 500,000 triples cannot fit: the margin is wide."""
    from sco_kg.pipeline.synth import write

    path = tmp_path / "big.trig"
    write(path, 500_000, 7)
    # A time limit far past what the parse needs even on a busy machine: the cap must be what stops it.
    app = make_app(SCO_KG_VALIDATE_MAX_MEMORY_MB=330, SCO_KG_MAX_REQUEST_BYTES=128 << 20,
                   SCO_KG_VALIDATE_MAX_BYTES=128 << 20, SCO_KG_VALIDATE_MAX_TRIPLES=1_000_000,
                   SCO_KG_VALIDATE_TIMEOUT=600)
    client = app.test_client()
    summary(post(client, SUMMIT))  # the worker is up, under its cap
    body = assert_error(post(client, path.read_bytes(), "application/trig"), 413, contains="330 MB")
    assert body["reason"] == "memory"
    assert summary(post(client, SUMMIT))["conforms"] is False  # a fresh worker answers


def test_the_validation_worker_is_network_isolated_like_the_query_workers(client, app):
    summary(post(client, SUMMIT))
    kg = app.extensions["sco_kg"]
    workers = list(kg.cached("validate:pool", lambda: None)._live)
    assert workers and all(w.isolated == kg.executor.isolated for w in workers)


def test_many_validations_at_once_get_503_busy_while_queries_are_answered(make_app, tmp_path):
    """One validation worker admits two requests (one running, one waiting); the others get
    503 at once instead of holding the server's threads, and SPARQL is answered meanwhile."""
    from sco_kg.pipeline.synth import write

    path = tmp_path / "slow.trig"
    write(path, 3_000, 5)  # ~1-2 s of validation each
    app = make_app(SCO_KG_VALIDATE_WORKERS=1, SCO_KG_VALIDATE_MAX_BYTES=1 << 20, SCO_KG_VALIDATE_MAX_TRIPLES=10_000)
    client = app.test_client()
    summary(post(client, SUMMIT))  # the worker is up
    body = path.read_bytes()
    responses, started = [], threading.Barrier(5)

    def one():
        started.wait()
        responses.append(post(app.test_client(), body, "application/trig"))

    threads = [threading.Thread(target=one) for _ in range(5)]
    for t in threads:
        t.start()
    query = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"})
    assert query.status_code == 200 and query.get_json()["boolean"] is True
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) >= 2 and 503 in statuses and set(statuses) <= {200, 503}, statuses
    for resp in responses:
        if resp.status_code == 503:
            assert assert_error(resp, 503)["reason"] == "busy"


# -- property-based ---------------------------------------------------------------------------

MEDIA = ["text/turtle", "application/trig", "application/n-triples", "application/n-quads",
         "application/rdf+xml", "application/ld+json", "text/n3", "application/octet-stream"]


def _well_formed(resp) -> int:
    status = resp.status_code
    assert status < 500, resp.get_data(as_text=True)[:500]
    if status == 200:
        assert JSON_SUMMARY_KEYS <= resp.get_json().keys()
    else:
        assert status in (400, 413, 415, 422), status
        assert_error(resp, status)
    return status


@settings(max_examples=40, deadline=60_000, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300), media_type=st.sampled_from(MEDIA))
def test_random_bytes_never_5xx(client, body, media_type):
    _well_formed(post(client, body, media_type))


_iri = st.builds(lambda s: URIRef("https://example.org/id/" + s), st.text(alphabet="abcxyz0-é", min_size=1, max_size=6))
_terms = [URIRef(u) for u in ("https://schema.org/Event", "https://schema.org/Person", "http://xmlns.com/foaf/0.1/Person",
                              "http://www.w3.org/ns/org#Membership", "https://schema.org/Organization")]
_predicates = st.sampled_from([URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                               URIRef("https://schema.org/startDate"), URIRef("https://schema.org/attendee"),
                               URIRef("http://www.w3.org/ns/org#member"), URIRef("http://www.w3.org/ns/org#role")])
_objects = st.one_of(_iri, st.sampled_from(_terms),
                     st.builds(Literal, st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)),
                     st.builds(lambda s: Literal(s, lang="fr"), st.text(alphabet="abcé ", max_size=8)),
                     st.builds(lambda s: Literal(s, datatype=XSD.date), st.sampled_from(["2020-06-24", "24/06", ""])))


# rdf:type only with an IRI: JSON-LD cannot say that a literal is a type (rdflib writes it anyway)
_triple = st.one_of(st.tuples(_iri, st.just(RDF.type), st.sampled_from(_terms)), st.tuples(_iri, _predicates, _objects))


@settings(max_examples=25, deadline=60_000, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(triples=st.lists(_triple, max_size=25),
       fmt=st.sampled_from([("turtle", "text/turtle"), ("nt", "application/n-triples"),
                            ("json-ld", "application/ld+json"), ("xml", "application/rdf+xml")]))
def test_random_graphs_always_get_a_report(client, triples, fmt):
    graph = Graph()
    for t in triples:
        graph.add(t)
    resp = post(client, graph.serialize(format=fmt[0]), fmt[1])
    assert _well_formed(resp) == 200


def test_both_validators_give_the_same_report_and_an_unknown_one_stops_the_app(make_app):
    """SCO_KG_VALIDATOR: the fast engine (default) and pySHACL, the reference, over HTTP."""
    from sco_kg.core.errors import ConfigError

    path = next(p for p in INVALID if p.stem == "quotation-not-verbatim")
    seen = {}
    for engine in ("fast", "pyshacl"):
        client = make_app(SCO_KG_VALIDATOR=engine).test_client()
        seen[engine] = _http_results(client, with_base(path), "text/turtle")
    assert seen["fast"] == seen["pyshacl"] and seen["fast"][0] is False
    assert seen["fast"][1] == shapes_tests.expectations(path)
    with pytest.raises(ConfigError, match="SCO_KG_VALIDATOR"):
        make_app(SCO_KG_VALIDATOR="jena")
