"""Competency questions: one test per ``queries/NN-name.rq``, generated from the files.

Each query has a sibling expected result, checked by hand against the article's words:
``NN-name.srj`` (SPARQL 1.1 Query Results JSON) for SELECT and ASK, ``NN-name.ttl`` for
CONSTRUCT. Adding the pair adds the test. Results are compared by query form, as rdflib's
``test/utils/sparql_checker.py`` does: SELECT as an unordered multiset of rows, ASK as a
boolean, CONSTRUCT by graph isomorphism.

The questions run over the built dataset (ontology, data, provenance and ``kgg:inferred``)
as the endpoint serves it: a pyoxigraph store whose default graph is the union of the
named graphs; and, as a cross-check, with rdflib over the same dataset (union default graph).
The questions marked "Answers only after reasoning" must not get their answer without
``kgg:inferred``: that pins why they are answered.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from pipeline_support import ROOT
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from sco_kg.rdf.namespaces import INFERRED_GRAPH
from sco_kg.store.export import to_nquads
from sco_kg.store.memory import materialise_union

QUERIES = ROOT / "queries"
RQ = sorted(QUERIES.glob("*.rq"))
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
AFTER_REASONING = "# Answers only after reasoning"


def expected_path(rq: Path) -> Path:
    found = [p for p in (rq.with_suffix(".srj"), rq.with_suffix(".ttl")) if p.exists()]
    assert len(found) == 1, f"{rq.name}: needs exactly one of .srj or .ttl beside it, found {found}"
    return found[0]


# --- canonical forms ---------------------------------------------------------------------


def _term(binding: dict) -> tuple:
    kind = binding["type"]
    if kind == "uri":
        return ("uri", binding["value"])
    if kind == "bnode":
        return ("bnode",)  # no blank node in the data; rows with one compare by position only
    if kind in ("literal", "typed-literal"):
        datatype = binding.get("datatype")
        if datatype == XSD_STRING:
            datatype = None
        lang = binding.get("xml:lang")
        return ("literal", binding["value"], datatype, lang.lower() if lang else None)
    raise AssertionError(f"unknown term type {kind!r}")


def canonical(results: dict):
    """SPARQL JSON results -> a boolean (ASK) or a multiset of rows (SELECT)."""
    if "boolean" in results:
        return bool(results["boolean"])
    rows = (
        tuple(sorted((var, _term(value)) for var, value in row.items()))
        for row in results["results"]["bindings"]
    )
    return Counter(rows)


def expected_answer(path: Path):
    if path.suffix == ".ttl":
        return Graph().parse(path, format="turtle")
    return canonical(json.loads(path.read_text(encoding="utf-8")))


def oxigraph_answer(store: ox.Store, query: str):
    result = store.query(query)
    if isinstance(result, ox.QueryTriples):
        data = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return Graph().parse(data=data.decode("utf-8"), format="nt")
    data = result.serialize(format=ox.QueryResultsFormat.JSON)
    return canonical(json.loads(data))


def rdflib_answer(dataset: Dataset, query: str):
    result = dataset.query(query)
    if result.type == "CONSTRUCT":
        graph = Graph()
        for triple in result.graph:
            graph.add(triple)
        return graph
    if result.type == "ASK":
        return bool(result.askAnswer)
    return canonical(json.loads(result.serialize(format="json")))


def same(answer, expected) -> bool:
    if isinstance(expected, Graph):
        return isinstance(answer, Graph) and isomorphic(answer, expected)
    return answer == expected


def explain(answer, expected) -> str:
    if isinstance(expected, Graph) and isinstance(answer, Graph):
        got, want = set(answer), set(expected)
        return f"missing {sorted(want - got)}\nunexpected {sorted(got - want)}"
    if isinstance(expected, Counter) and isinstance(answer, Counter):
        return f"missing {list((expected - answer).elements())}\nunexpected {list((answer - expected).elements())}"
    return f"got {answer!r}, expected {expected!r}"


# --- stores ------------------------------------------------------------------------------


def _store(dataset: Dataset, exclude=()) -> ox.Store:
    store = ox.Store()
    store.load(to_nquads(dataset).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    for name in exclude:
        store.remove_graph(ox.NamedNode(str(name)))
    materialise_union(store)  # the default graph is the union, as on the endpoint
    return store


@pytest.fixture(scope="module")
def store(built_dataset) -> ox.Store:
    """The build in pyoxigraph, as the endpoint serves it."""
    return _store(built_dataset)


@pytest.fixture(scope="module")
def store_without_inference(built_dataset) -> ox.Store:
    return _store(built_dataset, exclude={INFERRED_GRAPH})


@pytest.fixture(scope="module")
def union_dataset(built_dataset) -> Dataset:
    """The same graphs in rdflib, the default graph being their union."""
    return Dataset(store=built_dataset.to_dataset().store, default_union=True)


# --- the questions -----------------------------------------------------------------------


def test_there_are_enough_questions_and_each_has_its_answer():
    assert len(RQ) >= 22
    stems = {p.stem for p in QUERIES.iterdir() if p.suffix in (".srj", ".ttl")}
    assert stems == {p.stem for p in RQ}, "an expected result without its query, or the reverse"
    for rq in RQ:
        expected_path(rq)


@pytest.mark.parametrize("rq", RQ, ids=[p.stem for p in RQ])
def test_question_is_asked_in_english_and_french(rq):
    lines = rq.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# en: ") and lines[0].endswith("?"), lines[0]
    assert lines[1].startswith("# fr: ") and lines[1].endswith("?"), lines[1]


@pytest.mark.parametrize("rq", RQ, ids=[p.stem for p in RQ])
def test_competency_question(rq, store):
    expected = expected_answer(expected_path(rq))
    answer = oxigraph_answer(store, rq.read_text(encoding="utf-8"))
    assert same(answer, expected), explain(answer, expected)


# rdflib 7's SPARQL engine calls its own deprecated Dataset.contexts() for GRAPH ?g
@pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning")
@pytest.mark.parametrize("rq", RQ, ids=[p.stem for p in RQ])
def test_competency_question_with_rdflib(rq, union_dataset):
    expected = expected_answer(expected_path(rq))
    answer = rdflib_answer(union_dataset, rq.read_text(encoding="utf-8"))
    assert same(answer, expected), explain(answer, expected)


REASONED = [p for p in RQ if AFTER_REASONING in p.read_text(encoding="utf-8")]


def test_several_questions_need_reasoning_and_several_walk_back_to_the_words():
    assert len(REASONED) >= 8
    words = [p for p in RQ if "oa:exact" in p.read_text(encoding="utf-8") and "GRAPH ?g" in p.read_text(encoding="utf-8")]
    assert len(words) >= 5


@pytest.mark.parametrize("rq", REASONED, ids=[p.stem for p in REASONED])
def test_question_is_not_answered_without_the_inferred_graph(rq, store_without_inference):
    expected = expected_answer(expected_path(rq))
    answer = oxigraph_answer(store_without_inference, rq.read_text(encoding="utf-8"))
    assert not same(answer, expected), "answered without reasoning: the question does not test the alignment"
