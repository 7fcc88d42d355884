"""QuadSet: the build's dataset answers the rdflib Dataset/Graph reading API the pipeline uses,
with the same answers as rdflib on the same quads."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from sco_kg.pipeline.load import load
from sco_kg.rdf.quadset import QuadSet, TripleSet
from sco_kg.rdf.readers import read_quads

EX = "http://example.org/"
A, B, C, P, Q, G1, G2 = (URIRef(EX + n) for n in ("a", "b", "c", "p", "q", "g1", "g2"))


@pytest.fixture
def pair() -> tuple[QuadSet, Dataset]:
    quads = [
        (A, P, B, G1), (A, P, Literal("x", lang="fr"), G1), (B, RDF.type, C, G1),
        (A, P, B, G2), (C, Q, Literal(1), G2),
    ]
    qs, ds = QuadSet(), Dataset(default_union=False)
    for s, p, o, g in quads:
        qs.graph(g).add((s, p, o))
        ds.graph(g).add((s, p, o))
    return qs, ds


def test_graphs_and_counts_match_rdflib(pair):
    qs, ds = pair
    named = lambda d: {g.identifier: len(g) for g in d.graphs() if g.identifier != d.default_graph.identifier}
    assert named(qs) == named(ds) == {G1: 3, G2: 2}
    assert len(qs) == 5 and len(qs.default_graph) == 0


@pytest.mark.parametrize("pattern", [
    (None, None, None), (A, None, None), (None, P, None), (None, None, B), (A, P, B), (C, P, None),
])
def test_triple_patterns_match_rdflib(pair, pattern):
    qs, ds = pair
    for name in (G1, G2):
        assert set(qs.graph(name).triples(pattern)) == set(ds.graph(name).triples(pattern))
        assert (pattern in qs.graph(name)) == (pattern in ds.graph(name))


def test_quads_with_a_pattern_name_their_graph(pair):
    qs, _ = pair
    assert set(qs.quads((A, P, B, None))) == {(A, P, B, G1), (A, P, B, G2)}
    assert set(qs.quads((None, None, None, G2))) == {(A, P, B, G2), (C, Q, Literal(1), G2)}


def test_value_subjects_objects_read_like_rdflib(pair):
    qs, ds = pair
    g, h = qs.graph(G1), ds.graph(G1)
    assert g.value(B, RDF.type) == h.value(B, RDF.type) == C
    assert g.value(None, RDF.type, C) == h.value(None, RDF.type, C) == B
    assert set(g.objects(A, P)) == set(h.objects(A, P))
    assert set(g.subjects(P, B)) == set(h.subjects(P, B))
    assert g.value(C, RDF.type) is None
    assert set(g.subject_objects(P)) == set(h.subject_objects(P))
    assert set(g.subject_predicates(B)) == set(h.subject_predicates(B))
    assert set(g.predicate_objects(A)) == set(h.predicate_objects(A))


def test_remove_graph_and_patterns(pair):
    qs, _ = pair
    qs.graph(G1).remove((A, None, None))
    assert set(qs.graph(G1)) == {(B, RDF.type, C)}
    qs.remove_graph(G2)
    assert qs.get_graph(G2) is None and len(qs) == 1


def test_a_graph_is_a_set_repeats_count_once():
    g = TripleSet(G1)
    g.update([(A, P, B), (A, P, B)])
    g.add((A, P, B))
    assert len(g) == 1


def test_round_trip_through_rdflib_keeps_every_graph(pair):
    qs, ds = pair
    back = QuadSet.from_dataset(qs.to_dataset())
    for name in (G1, G2):
        assert isomorphic(back.graph(name).to_graph(), ds.graph(name))


def test_loading_the_project_gives_the_graphs_rdflib_gives():
    """load() (pyoxigraph's parser into sets) against rdflib's own parse of the same TriG."""
    root = Path(__file__).resolve().parents[1]
    facts = next((root / "data" / "articles").glob("*/facts.trig"))
    ours = read_quads(facts)
    theirs = Dataset(default_union=False)
    theirs.parse(facts, format="trig", publicID="https://w3id.org/sco-kg/")
    names = {g.identifier for g in theirs.graphs() if len(g) and g.identifier != theirs.default_graph.identifier}
    assert names and names == {g.identifier for g in ours.graphs() if len(g) and g.identifier != ours.default_graph.identifier}
    for name in names:
        assert set(ours.graph(name)) == set(theirs.graph(name)), name
    assert len(load()) > len(ours)  # and the whole project loads


def test_a_stray_default_graph_triple_is_still_refused(tmp_path):
    from sco_kg.core.errors import InputError

    bad = tmp_path / "bad.trig"
    bad.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside any named graph"):
        read_quads(bad)


def test_rdfs_label_language_tags_survive(pair):
    qs, _ = pair
    qs.graph(G1).add((A, RDFS.label, Literal("Choïgou", lang="fr")))
    assert qs.graph(G1).value(A, RDFS.label).language == "fr"
