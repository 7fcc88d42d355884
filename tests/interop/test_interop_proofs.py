"""kgg:proofs, the proof of every inferred triple, in the other engines: the quad dumps
carry it as a graph, the union dumps do not.

* Apache Jena reads the TriG and the N-Quads dump each alone and counts in
  ``GRAPH kgg:proofs`` the triples the build wrote (summary.json's ``proofs``); over each
  union dump it finds no proof;
* Oxigraph server and Virtuoso 7.2 (no RDF-star there: the proofs are plain reification)
  answer the same count, and no proof in their default graph, the union;
* a question on the proofs (the rule that made Shoigu an attendee of the Patriot Park
  meeting) gets the same answer from Jena, Oxigraph server, Virtuoso and the project's own
  store. queries/33-why-shoigu-is-an-attendee.rq walks on to the words, in every engine,
  with the competency questions of test_interop_queries.py and test_push_backend.py.

The queries are in fixtures/proofs/, the expected rule beside its query.
"""

from __future__ import annotations

import json

import pytest
from interop_compare import Answer, diff, expected_answer, from_json
from interop_dumps import HERE

pytestmark = pytest.mark.interop

QUERIES = HERE / "fixtures" / "proofs"
COUNT_PROOFS = QUERIES / "count-proofs.rq"
PROOFS_IN_DEFAULT = QUERIES / "proofs-in-default.rq"
RULE = QUERIES / "rule-of-a-proof.rq"


def written(dump) -> int:
    """The size of kgg:proofs the build wrote (summary.json)."""
    return json.loads((dump.dir / "summary.json").read_text(encoding="utf-8"))["proofs"]


def count(answer: Answer) -> int:
    (row,) = answer.rows
    return int(dict(row)["n"][1])


def test_the_build_wrote_proofs(dumps):
    dump = dumps("build")
    assert "https://w3id.org/sco-kg/graph/proofs" in dump.graphs and written(dump) > 10_000


@pytest.mark.parametrize("file", ["sco-kg.trig", "sco-kg.nq"])
def test_jena_counts_the_proofs_of_each_quad_dump(file, dumps, jena):
    dump = dumps("build")
    assert count(jena.arq(COUNT_PROOFS, [dump.dir / file])) == written(dump)


@pytest.mark.parametrize("file", ["sco-kg.ttl", "sco-kg.nt", "sco-kg.rdf"])
def test_jena_finds_no_proof_in_the_union_dumps(file, dumps, jena):
    """(The JSON-LD dump holds the same triples: test_interop_arq_dumps.py.)"""
    dump = dumps("build")
    assert count(jena.arq(PROOFS_IN_DEFAULT, [dump.dir / file])) == 0


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_servers_count_the_proofs_and_keep_them_out_of_the_default_graph(engine, dumps, request):
    dump = dumps("build")
    endpoint = request.getfixturevalue(engine)("build")
    assert count(endpoint.query(COUNT_PROOFS.read_text(encoding="utf-8"))) == written(dump)
    assert count(endpoint.query(PROOFS_IN_DEFAULT.read_text(encoding="utf-8"))) == 0


def test_the_rule_of_a_proof_is_the_same_in_every_engine(dumps, jena, oxigraph, virtuoso):
    """prp-spo1 (OWL 2 RL, table 5: a statement with a sub-property holds with the
    super-property): skg:chairedBy is a sub-property of schema:attendee."""
    import pyoxigraph as ox
    from sco_kg.store.served import open_store

    dump = dumps("build")
    text = RULE.read_text(encoding="utf-8")
    ours = open_store(dumps_dir=dump.dir).store  # as the project's endpoint loads the dumps
    answers = {
        "arq over the TriG": jena.arq(RULE, [dump.trig]),
        "oxigraph server": oxigraph("build").query(text),
        "virtuoso": virtuoso("build").query(text),
        "sco-kg": from_json(ours.query(text).serialize(format=ox.QueryResultsFormat.JSON)),
    }
    expected = expected_answer(RULE)
    for engine, answer in answers.items():
        assert answer.same_as(expected), f"{engine}:\n{diff(expected, answer)}"
