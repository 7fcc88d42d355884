"""Proofs from fastrl (``closure(..., proofs=True)``), checked by an independent checker
(:mod:`sco_kg.pipeline.proof_check`, which does not import fastrl): every inferred triple
has a proof, every step is an instance of the OWL 2 RL rule it names, every leaf is
asserted, no proof is circular; and the checker rejects planted bad proofs."""

from __future__ import annotations

import random

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from sco_kg.pipeline import fastrl, reason
from sco_kg.pipeline.proof_check import check, step_problem
from sco_kg.rdf.namespaces import KG

from test_fastrl import ex, random_graph, random_graph_with_literals, synthetic_10k, turtle  # noqa: F401 (a fixture)

ORG = "http://www.w3.org/ns/org#"
SCHEMA_ATTENDEE = URIRef("https://schema.org/attendee")


def assert_every_inferred_triple_proven(triples) -> fastrl.ClosureResult:
    asserted = set(triples)
    result = fastrl.closure_of_triples(asserted, proofs=True)
    unproven = [t for t in result.triples if t not in result.proofs]
    assert not unproven, f"{len(unproven)} of {len(result.triples)} inferred triples have no proof: {unproven[:3]}"
    problems = check(asserted, dict(result.proofs.items()))
    assert not problems, problems[:5]
    return result


@pytest.fixture(scope="module")
def build_proofs(built_dataset):
    asserted = set(reason.asserted_triples(built_dataset))
    return asserted, assert_every_inferred_triple_proven(asserted)


def test_every_triple_inferred_from_the_projects_build_has_a_checked_proof(build_proofs):
    _asserted, result = build_proofs
    assert len(result.triples) > 1000
    heights = result.proofs.height_histogram(result.triples)
    assert min(heights) >= 1


def test_why_the_defence_ministers_meeting_has_shoigu_as_attendee(build_proofs):
    """(kg:china org:memberOf kg:sco is not inferred in this build: memberships are n-ary
    org:Membership nodes, asserted as such.)"""
    asserted, result = build_proofs
    assert (KG["china"], URIRef(ORG + "memberOf"), KG["sco"]) not in set(result.triples)
    triple = (KG["event-defence-ministers-meeting-patriot-park"], SCHEMA_ATTENDEE, KG["sergei-shoigu"])
    assert triple in set(result.triples)
    tree = result.proofs.tree(triple)
    assert tree.rule is not None and tree.height >= 1
    leaves, stack = [], [tree]
    while stack:
        node = stack.pop()
        if node.asserted:
            leaves.append(node.triple)
        stack.extend(node.premises)
    assert leaves and all(leaf in asserted for leaf in leaves)


def test_every_triple_inferred_from_10k_synthetic_triples_has_a_checked_proof(synthetic_10k):
    assert_every_inferred_triple_proven(set(synthetic_10k))


@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_every_triple_inferred_from_a_random_graph_has_a_checked_proof(seed):
    assert_every_inferred_triple_proven(set(random_graph(seed, individuals=8 + seed % 7, facts=25 + seed)))
    assert_every_inferred_triple_proven(set(random_graph_with_literals(seed)))


def test_the_rules_are_named_as_in_the_owl2_rl_tables():
    g = turtle(
        """
        :A rdfs:subClassOf :B . :x a :A .
        :p rdfs:subPropertyOf :q . :x :p :y .
        :r owl:inverseOf :s . :x :r :y .
        :t a owl:TransitiveProperty . :a :t :b . :b :t :c . :c :t :d .
        :x owl:sameAs :x2 .
        """
    )
    proofs = assert_every_inferred_triple_proven(set(g)).proofs
    assert proofs.derivation((ex("x"), RDF.type, ex("B"))).rule == "cax-sco"
    assert proofs.derivation((ex("x"), ex("q"), ex("y"))).rule == "prp-spo1"
    assert proofs.derivation((ex("y"), ex("s"), ex("x"))).rule == "prp-inv1"
    assert proofs.derivation((ex("x2"), OWL.sameAs, ex("x"))).rule == "eq-sym"
    assert proofs.derivation((ex("x2"), RDF.type, ex("A"))).rule == "eq-rep-s"
    # a chain of four places: a -> d in two prp-trp steps of two premises each (least height)
    far = proofs.tree((ex("a"), ex("t"), ex("d")))
    assert far.rule == "prp-trp" and len(far.premises) == 3 and far.height == 2


def test_a_proof_has_the_least_height():
    """A shortcut axiom makes x a C in one step: the proof takes it, not the long way."""
    g = turtle(":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :A rdfs:subClassOf :C . :x a :A .")
    tree = fastrl.closure(g, proofs=True).proofs.tree((ex("x"), RDF.type, ex("C")))
    assert tree.height == 1 and tree.premises[0].triple == (ex("A"), RDFS.subClassOf, ex("C"))


def test_a_transitive_chain_has_checked_proofs_of_least_height():
    """prp-trp is proved by sets (a chain of 1,000 took the prover more than 25 minutes by
    joins): each pair of a chain of 65 places at distance d has a proof of height
    ceil(log2(d)), both premises halves that meet at a place between them."""
    places = [ex(f"p{i}") for i in range(65)]
    g = turtle(":in a owl:TransitiveProperty .")
    for a, b in zip(places, places[1:]):
        g.add((a, ex("in"), b))
    result = assert_every_inferred_triple_proven(set(g))
    index = {p: i for i, p in enumerate(places)}
    for i in (0, 3, 17):
        for j in range(i + 2, 65):
            tree = result.proofs.tree((places[i], ex("in"), places[j]))
            assert tree.rule == "prp-trp" and tree.height == (j - i - 1).bit_length(), (i, j, tree.height)
            (_, first, second) = (p.triple for p in tree.premises)
            assert first[0] == places[i] and second[2] == places[j] and first[2] == second[0]
            assert i < index[first[2]] < j


def test_proofs_are_off_by_default():
    assert fastrl.closure(turtle(":A rdfs:subClassOf :B . :x a :A .")).proofs is None


# -- the checker rejects bad proofs ----------------------------------------------------


@pytest.fixture
def good():
    g = turtle(":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :x a :A .")
    result = fastrl.closure(g, proofs=True)
    derivations = dict(result.proofs.items())
    assert not check(set(g), derivations)
    return set(g), derivations


def test_the_checker_rejects_a_wrong_rule_name(good):
    asserted, proofs = good
    t = (ex("x"), RDF.type, ex("B"))
    proofs[t] = fastrl.Derivation("prp-spo1", proofs[t].premises)
    assert any("does not fit prp-spo1" in p for p in check(asserted, proofs))
    proofs[t] = fastrl.Derivation("cax-made-up", proofs[t].premises)
    assert any("unknown rule" in p for p in check(asserted, proofs))


def test_the_checker_rejects_a_missing_premise(good):
    asserted, proofs = good
    t = (ex("x"), RDF.type, ex("B"))
    asserted.discard((ex("x"), RDF.type, ex("A")))
    assert any("neither asserted nor derived" in p for p in check(asserted, proofs))
    proofs[t] = fastrl.Derivation("cax-sco", proofs[t].premises[:1])
    assert any("takes 2 premises" in p for p in check(asserted, proofs))


def test_the_checker_rejects_a_circular_proof():
    a, b = (ex("x"), RDF.type, ex("A")), (ex("x"), RDF.type, ex("B"))
    eqc = (ex("A"), OWL.equivalentClass, ex("B"))
    proofs = {a: ("cax-eqc2", (eqc, b)), b: ("cax-eqc1", (eqc, a))}
    problems = check({eqc}, proofs)
    assert any("circular" in p for p in problems), problems


def test_the_checker_rejects_a_conclusion_that_does_not_follow(good):
    asserted, proofs = good
    wrong = (ex("x"), RDF.type, ex("D"))
    proofs[wrong] = proofs[(ex("x"), RDF.type, ex("B"))]
    assert any("does not conclude" in p for p in check(asserted, proofs))
    chain = (ex("t"), RDF.type, OWL.TransitiveProperty)
    assert step_problem((ex("a"), ex("t"), ex("c")), "prp-trp", (chain, (ex("a"), ex("t"), ex("b")), (ex("x"), ex("t"), ex("c"))))
