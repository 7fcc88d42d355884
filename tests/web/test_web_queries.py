"""The SPARQL the web app runs itself, in ``sco_kg/web/queries/*.rq``: every file parses as it
stands and is run by some module; :func:`sco_kg.web.queries.bind` writes only a checked IRI
into a query; the backend's Graph Store read names its graph as the request's dataset,
never in the query text."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest
from sco_kg.store.http_client import RemoteError
from sco_kg.store.remote import EMPTY_GRAPH, UNION_GRAPH, RemoteStore, Target
from sco_kg.web import queries
from sco_kg.web.backend import GRAPH_QUERY, BackendExecutor
from sco_kg.web.executor import BackendFailed

WEB = Path(queries.__file__).resolve().parent.parent
RQ_FILES = sorted(p for p in resources.files(queries).iterdir() if p.name.endswith(".rq"))
ORG = "https://w3id.org/sco-kg/id/sco"


def test_there_are_queries():
    assert {"timeline.rq", "accessions.rq", "graph.rq", "void-union.rq"} <= {p.name for p in RQ_FILES}


@pytest.mark.parametrize("path", RQ_FILES, ids=lambda p: p.name)
def test_every_query_file_parses_as_it_stands(path):
    """A ``$name`` left in is a variable to SPARQL: the file runs (on an empty store) unbound."""
    ox.Store().query(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", RQ_FILES, ids=lambda p: p.name)
def test_every_query_file_is_run_by_a_module(path):
    name = path.name.removesuffix(".rq")
    users = [m for m in WEB.rglob("*.py") if f'queries.load("{name}")' in m.read_text(encoding="utf-8")]
    assert users, f"no module of sco_kg/web loads {path.name}"


def test_bind_writes_the_iri_where_the_variable_was():
    query = queries.bind(queries.load("accessions"), org=ORG)
    assert f"skg:accedingTo <{ORG}>" in query and "$org" not in query
    ox.Store().query(query)


@pytest.mark.parametrize("iri", [
    "urn:x:a> } ; DROP ALL ; <urn:x:b",  # out of the brackets
    "urn:x:a\\u003E",  # an escape SPARQL decodes before it reads the IRI
    "urn:x:a b", "urn:x:a\nb", "urn:x:a\x00b", 'urn:x:a"b', "urn:x:{a}",
    "relative/path",  # not absolute
])
def test_bind_refuses_what_is_not_an_iri(iri):
    with pytest.raises(ValueError, match="not an IRI|IRI"):
        queries.bind("SELECT * WHERE { $org ?p ?o }", org=iri)


def test_bind_refuses_to_leave_a_parameter_unbound():
    with pytest.raises(KeyError, match="org"):
        queries.bind("SELECT * WHERE { $org ?p ?o }")


def _sent(monkeypatch, graph):
    """(query, dataset parameters) a graph job sends to the backend store."""
    target = Target("http://127.0.0.1:9/query", timeout=5)
    sent = []

    def open_query(query, params, accept, deadline):
        sent.append((query, params))
        raise RemoteError("recorded, not sent")

    monkeypatch.setattr(target, "open_query", open_query)
    executor = BackendExecutor(RemoteStore(target, ["urn:g1", "urn:g2"]), workers=1)
    with pytest.raises(BackendFailed, match="recorded, not sent"):
        executor.query({"op": "graph", "graph": graph, "graph_format": "turtle"}, timeout=5)
    (one,) = sent
    return one


def test_the_backend_reads_a_graph_by_the_dataset_not_by_its_iri_in_the_query(monkeypatch):
    query, params = _sent(monkeypatch, "urn:g2")
    assert query == GRAPH_QUERY == queries.load("graph") and "urn:g2" not in query
    assert [v for k, v in params if k == "default-graph-uri"] == ["urn:g2"]
    assert [v for k, v in params if k == "named-graph-uri"] == [EMPTY_GRAPH]


def test_the_backend_reads_the_default_graph_as_the_union(monkeypatch):
    query, params = _sent(monkeypatch, None)
    assert query == GRAPH_QUERY
    assert [v for k, v in params if k == "default-graph-uri"] == [UNION_GRAPH]
    assert [v for k, v in params if k == "named-graph-uri"] == ["urn:g1", "urn:g2"]


def test_a_graph_outside_the_build_is_an_empty_graph_on_the_backend(monkeypatch):
    _query, params = _sent(monkeypatch, "urn:elsewhere")
    assert [v for k, v in params if k == "default-graph-uri"] == [EMPTY_GRAPH]
