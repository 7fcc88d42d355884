"""One mapping of failures to answers (sco_kg.web.errors.FAILURES), on every route that runs
a query or reads a graph through the executor:

* every executor failure x every route: the same status, ``reason`` and ``Retry-After``, in
  the one error shape (JSON, or text when asked) on the protocol routes; on a page that
  runs a query of its own (a competency question, the membership timeline) the page says
  the failure with the same status and headers when the server failed (5xx), and 200 when
  the query itself was at fault (a question's query is the page's content);
* an IRI parameter with a control character is 400 naming the parameter, never a 500; a
  path with one names nothing (404).

A fake executor raises each failure: no worker needs to time out or crash.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote

import pytest
from sco_kg.store.http_client import RemoteError
from sco_kg.web import create_app
from sco_kg.web.errors import FAILURES, as_api_error, failure_of
from sco_kg.web.executor import (BackendFailed, EngineError, QueryError, QueryOutOfMemory, QueryTimeout,
                                 WorkerCrashed, WorkersBusy)
from sco_kg.web.validate_worker import ValidationTimeout, ValidatorBusy, ValidatorCrashed, ValidatorOutOfMemory

KG = "https://w3id.org/sco-kg/id/"
KGG = "https://w3id.org/sco-kg/graph/"
#: an organisation with a membership, so that its page runs the timeline queries
ORG_TRIG = f"""
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{KGG}test/s03> {{
  <{KG}club> rdfs:label "Club"@en .
  <{KG}m1> org:organization <{KG}club> ; org:member <{KG}russia> ; org:role <{KG}role-member> .
}}
"""
QUESTION = "# en: Anything?\n# fr: Quoi ?\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n"

#: (failure raised by the executor, status, reason, Retry-After)
EXECUTOR_FAILURES = [
    (QueryTimeout("the query did not finish within 1 s and was stopped"), 503, "timeout", "1"),
    (WorkersBusy("all 2 query workers stayed busy for 1 s"), 503, "busy", "1"),
    (WorkerCrashed("the query engine crashed on this query (its worker was replaced)"), 500, "engine-crash", None),
    (QueryOutOfMemory("the query needed more than the 64 MiB of memory a query may use"), 413, "memory", None),
    (EngineError("the query engine failed: OSError: disk"), 500, "engine-error", None),
    (BackendFailed("the backend store failed: cannot reach the store"), 502, "backend", None),
]
FAILURE_IDS = [type(exc).__name__ for exc, *_ in EXECUTOR_FAILURES]

#: the routes whose answer comes from the executor, in the one error shape
PROTOCOL_ROUTES = [
    ("GET", "/sparql?query=" + quote("SELECT ?s WHERE { ?s ?p ?o }"), None),
    ("POST", "/sparql", "query=" + quote("SELECT * WHERE { ?s ?p ?o }")),
    ("GET", "/graph?default", None),
    ("GET", "/graph?graph=" + quote(KGG + "test/s01", safe=""), None),
    ("GET", "/graph/test/s01.ttl", None),
    ("GET", "/graph/test/s01", None),  # negotiated
]
#: an Accept each route can answer, whose error body is JSON, and one whose error body is text
ACCEPT_JSON = {"/sparql": "application/sparql-results+json", "/graph": "application/ld+json"}
ACCEPT_TEXT = {"/sparql": "text/csv", "/graph": "text/turtle"}
#: the pages that run a query of their own and show its failure
PAGES = ["/questions/01-anything", "/id/club.html"]


class FailingExecutor:
    """Raises ``exc`` for every job, as the executor does when a query fails."""

    isolated = True

    def __init__(self, exc: Exception):
        self.exc = exc
        self.jobs: list[dict] = []

    def query(self, job: dict, timeout: float):
        self.jobs.append(job)
        raise self.exc

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def failing_app(fixture_files, tmp_path_factory):
    folder = tmp_path_factory.mktemp("error-shape")
    (folder / "org.trig").write_text(ORG_TRIG, encoding="utf-8")
    questions = folder / "queries"
    questions.mkdir()
    (questions / "01-anything.rq").write_text(QUESTION, encoding="utf-8")
    app = create_app({"TESTING": True, "SCO_KG_FILES": [*fixture_files, folder / "org.trig"],
                      "SCO_KG_QUERIES": str(questions)})
    yield app
    app.extensions["sco_kg"].close()


def failing(app, monkeypatch, exc) -> FailingExecutor:
    fake = FailingExecutor(exc)
    monkeypatch.setattr(app.extensions["sco_kg"], "executor", fake)
    return fake


def send(client, method, path, body, accepts=ACCEPT_JSON):
    headers = {"Accept": accepts["/sparql" if path.startswith("/sparql") else "/graph"]}
    if body is None:
        return client.open(path, method=method, headers=headers)
    return client.open(path, method=method, headers=headers, data=body,
                       content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("exc,status,reason,retry_after", EXECUTOR_FAILURES, ids=FAILURE_IDS)
@pytest.mark.parametrize("method,path,body", PROTOCOL_ROUTES, ids=[f"{m} {p[:40]}" for m, p, _ in PROTOCOL_ROUTES])
def test_every_protocol_route_answers_an_executor_failure_the_same_way(
        failing_app, monkeypatch, check_error, exc, status, reason, retry_after, method, path, body):
    fake = failing(failing_app, monkeypatch, exc)
    resp = send(failing_app.test_client(), method, path, body)
    assert fake.jobs, "the route did not reach the executor"
    error = check_error(resp, status)
    assert error["reason"] == reason and error["error"] == str(exc), error
    assert resp.headers.get("Retry-After") == retry_after
    text = send(failing_app.test_client(), method, path, body, accepts=ACCEPT_TEXT)
    assert text.status_code == status and text.mimetype == "text/plain"
    assert text.get_data(as_text=True).startswith(f"{status} ") and f"reason: {reason}\n" in text.get_data(as_text=True)


@pytest.mark.parametrize("exc,status,reason,retry_after", EXECUTOR_FAILURES, ids=FAILURE_IDS)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_an_executor_failure_with_the_same_status(
        failing_app, monkeypatch, exc, status, reason, retry_after, path):
    fake = failing(failing_app, monkeypatch, exc)
    resp = failing_app.test_client().get(path, headers={"Accept": "text/html"})
    assert fake.jobs, "the page ran no query"
    assert resp.mimetype == "text/html"
    # the server's failures keep their status (no cache keeps the page); the query's own: 200
    assert resp.status_code == (status if status >= 500 else 200)
    assert resp.headers.get("Retry-After") == retry_after
    assert html.escape(str(exc), quote=True) in resp.get_data(as_text=True)


def test_a_page_without_failure_is_200(failing_app):
    for path in PAGES:
        resp = failing_app.test_client().get(path, headers={"Accept": "text/html"})
        assert resp.status_code == 200 and "Retry-After" not in resp.headers, path


def test_a_syntax_error_is_400_on_the_endpoint_with_its_position(failing_app, monkeypatch, check_error):
    failing(failing_app, monkeypatch, QueryError("error at 2:7: expected one of ..."))
    error = check_error(failing_app.test_client().get("/sparql?query=" + quote("ASK {}")), 400)
    assert (error["reason"], error["line"], error["column"]) == ("syntax", 2, 7)


def test_a_refused_query_never_reaches_the_executor(failing_app, monkeypatch, check_error):
    """The inspection refuses before the executor is asked: 400 with the refusal's kind."""
    fake = failing(failing_app, monkeypatch, EngineError("must not run"))
    error = check_error(failing_app.test_client().get(
        "/sparql?query=" + quote("SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }")), 400)
    assert error["reason"] == "service" and fake.jobs == []


# --- the table itself -----------------------------------------------------------------------


@pytest.mark.parametrize("exc,status,reason", [
    (BackendFailed("x"), 502, "backend"),  # an EngineError: the nearest class wins
    (QueryOutOfMemory("x"), 413, "memory"),  # a WorkerCrashed
    (RemoteError("GET x: cannot reach the store"), 502, "backend"),  # the pages' reads over serve --backend
    (ValidationTimeout("x"), 503, "timeout"),
    (ValidatorBusy("x"), 503, "busy"),
    (ValidatorOutOfMemory("x"), 413, "memory"),  # a ValidatorCrashed
    (ValidatorCrashed("x"), 500, "validator-crash"),
])
def test_each_failure_maps_by_its_nearest_class(exc, status, reason):
    error = as_api_error(exc)
    assert (error.status, error.detail["reason"]) == (status, reason)
    assert failure_of(exc) is FAILURES[type(exc)]


def test_every_503_says_when_to_retry():
    for cls, failure in FAILURES.items():
        assert (failure.status == 503) == (failure.retry_after is not None), cls.__name__


def test_an_exception_outside_the_table_is_not_mapped():
    with pytest.raises(TypeError, match="not in the table"):
        as_api_error(ValueError("x"))


# --- IRIs with control characters ----------------------------------------------------------

CONTROL = ["%00", "%0A", "%7F", "%C2%85"]


@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize("name,url", [
    ("graph", "/graph?graph=urn:x:a{c}b"),
    ("default-graph-uri", "/sparql?query=ASK%7B%7D&default-graph-uri=urn:x:a{c}b"),
    ("named-graph-uri", "/sparql?query=ASK%7B%7D&named-graph-uri=urn:x:a{c}b"),
])
def test_an_iri_parameter_with_a_control_character_is_400_naming_it(client, check_error, char, name, url):
    error = check_error(client.get(url.format(c=char)), 400, contains="not an absolute IRI")
    assert error["parameter"] == name and error["error"].startswith(f"{name}: ")


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_control_character_in_a_form_body_is_400_too(client, check_error, name):
    resp = client.post("/sparql", data=f"query=ASK%7B%7D&{name}=urn:x:a%00b",
                       content_type="application/x-www-form-urlencoded")
    assert check_error(resp, 400)["parameter"] == name


def test_a_graph_parameter_that_is_no_iri_is_400_and_an_unknown_one_404(client, check_error):
    assert check_error(client.get("/graph?graph=relative/name"), 400)["parameter"] == "graph"
    check_error(client.get("/graph?graph=" + quote("urn:x:unknown", safe="")), 404)


@pytest.mark.parametrize("path", ["/id/a%00b", "/id/a%0Ab", "/id/a%7Fb", "/graph/a%00b", "/graph/a%0A",
                                  "/graph/test/s01%7F.ttl", "/id/sco%00.ttl"])
def test_a_path_with_a_control_character_names_nothing(client, check_error, path):
    check_error(client.get(path, headers={"Accept": "application/json"}), 404)


def test_the_error_body_is_json_with_its_fields(client):
    body = json.loads(client.get("/graph?graph=urn:x:a%00b").get_data(as_text=True))
    assert body == {"ok": False, "status": 400, "title": "Bad Request", "parameter": "graph",
                    "error": "graph: 'urn:x:a\\x00b' is not an absolute IRI"}
