"""Bounded OWL 2 RL reasoning: fastrl stops as soon as the closure passes the bound of
:class:`ReasoningLimits` and says which limit, after how many triples, and which property
grew (tests pin those, not the time; a thread with a generous join guards against a hang).

The case that made the bound: a stranger's 116 KB POST of 1,000 places in a chain of
``skg:locatedIn`` (an ``owl:TransitiveProperty``) entails 500k triples; with the strangers'
bound (10 inferred triples per asserted one) it must stop at about 10 times what it read.
"""

from __future__ import annotations

import pickle
import threading
from datetime import datetime, timezone

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from sco_kg.core.errors import ConfigError, DataError, ReasoningLimitExceeded
from sco_kg.pipeline import fastrl, reason, synth
from sco_kg.pipeline.load import load
from sco_kg.pipeline.reasoning_limits import (
    ABSOLUTE,
    PER_TRIPLE,
    PER_TRIPLE_FLOOR,
    STRANGERS_LIMITS,
    STRANGERS_MAX_INFERRED,
    STRANGERS_MAX_INFERRED_PER_TRIPLE,
    ReasoningLimits,
)
from sco_kg.pipeline.sources import Sources, ontology_dir
from sco_kg.rdf.namespaces import INFERRED_GRAPH, KG, KGG, SKG, is_schema_graph

EX = "http://ex.org/"
HANG = 120  # seconds: a guard against hanging, not a measurement


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def chain(n: int, prop: URIRef = ex("in"), kinds=(OWL.TransitiveProperty,)) -> list:
    """``p1 prop p2 . p2 prop p3 ...`` (n places), ``prop`` of the given kinds."""
    out = [(prop, RDF.type, kind) for kind in kinds]
    out += [(ex(f"p{k}"), prop, ex(f"p{k + 1}")) for k in range(1, n)]
    return out


def in_a_thread(fn):
    """Run ``fn()`` in a thread; its result, or the exception it raised. Fails on a hang."""
    box: list = []

    def run():
        try:
            box.append(("value", fn()))
        except BaseException as exc:  # handed to the test's thread
            box.append(("error", exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG)
    assert not worker.is_alive(), f"still reasoning after {HANG} s"
    return box[0]


def raised(fn) -> ReasoningLimitExceeded:
    kind, value = in_a_thread(fn)
    assert kind == "error" and isinstance(value, ReasoningLimitExceeded), f"expected the bound to stop it: {value!r}"
    return value


def ontology_with(triples):
    """The project's ontology and its imports, plus a data graph of ``triples``."""
    dataset = load(Sources.from_dirs(ontology_dir()))
    data = dataset.graph(KGG["stranger"])
    for t in triples:
        data.add(t)
    return dataset


# -- the chain of 1,000 places ---------------------------------------------------------


def test_a_chain_of_1000_places_stops_at_the_strangers_bound_naming_the_transitive_property():
    places = [(KG[f"place-{k}"], RDF.type, SKG.Place) for k in range(1, 1001)]
    links = [(KG[f"place-{k}"], SKG.locatedIn, KG[f"place-{k + 1}"]) for k in range(1, 1000)]
    dataset = ontology_with(places + links)
    err = raised(lambda: reason.reason(dataset, "fastrl", limits=STRANGERS_LIMITS))
    assert err.limit == PER_TRIPLE == "inferred triples per asserted triple"
    assert err.per_triple == STRANGERS_MAX_INFERRED_PER_TRIPLE
    assert err.asserted > 1999  # the data and the ontology, as the reasoner read them
    assert err.bound == STRANGERS_MAX_INFERRED_PER_TRIPLE * err.asserted
    assert err.bound < err.inferred < err.bound + 1000  # stopped at the bound, not after the closure (500k)
    name, count = err.grew
    assert name == "skg:locatedIn" and err.rule == "owl:TransitiveProperty"
    assert count > err.inferred // 2
    assert str(err) == (
        f"the OWL RL closure passed its limit of {err.bound:,} inferred triples (10 per asserted triple) "
        f"after {err.inferred:,}: skg:locatedIn grew by {count:,} (owl:TransitiveProperty)"
    )
    assert isinstance(err, DataError)  # the data are wrong: exit 1, a 4xx
    assert INFERRED_GRAPH not in {g.identifier for g in dataset.graphs()}  # nothing written


def test_the_strangers_bound_is_the_smaller_of_its_two_limits():
    assert STRANGERS_LIMITS == ReasoningLimits(STRANGERS_MAX_INFERRED, STRANGERS_MAX_INFERRED_PER_TRIPLE)
    assert STRANGERS_LIMITS.bound(1000) == (10_000, PER_TRIPLE)
    assert STRANGERS_LIMITS.bound(1_000_000) == (2_000_000, ABSOLUTE)
    assert ReasoningLimits().bound(10) is None and not ReasoningLimits().bounded


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), True, "10"])
def test_a_limit_is_a_number(bad):
    with pytest.raises(ConfigError, match="reasoning limit"):
        ReasoningLimits(max_inferred_per_triple=bad)


# -- the bound, exactly ------------------------------------------------------------------


def test_just_under_the_bound_passes_and_equals_the_unbounded_closure():
    triples = chain(60)
    free = fastrl.closure(triples)
    peak = free.stats["inferred_peak"]
    assert peak >= len(free.triples) >= 59 * 58 // 2  # the count covers every inferred triple
    bounded = fastrl.closure(triples, limits=ReasoningLimits(max_inferred=peak))
    assert set(bounded.triples) == set(free.triples) and bounded.errors == free.errors == []
    err = raised(lambda: fastrl.closure(triples, limits=ReasoningLimits(max_inferred=peak - 1)))
    assert (err.limit, err.bound, err.grew[0]) == (ABSOLUTE, peak - 1, "<http://ex.org/in>")
    assert err.rule == "owl:TransitiveProperty"


def test_the_per_triple_bound_triggers():
    triples = chain(200)
    err = raised(lambda: fastrl.closure(triples, limits=ReasoningLimits(max_inferred_per_triple=2)))
    assert (err.limit, err.per_triple, err.asserted) == (PER_TRIPLE, 2, 200)
    assert err.bound == PER_TRIPLE_FLOOR < err.inferred  # 2 x 200 = 400 is below the floor
    assert f"passed its limit of {PER_TRIPLE_FLOOR:,} inferred triples (2 per asserted triple)" in str(err)
    err = raised(lambda: fastrl.closure(chain(800), limits=ReasoningLimits(max_inferred_per_triple=2)))
    assert err.bound == 1600 < err.inferred


def test_the_per_triple_bound_leaves_an_empty_graph_its_axioms():
    """CLEAR ALL leaves nothing asserted: the few triples the rules conclude from nothing are
    not refused (they were, at a bound of 10 x 0)."""
    closed = fastrl.closure([], limits=STRANGERS_LIMITS)
    assert closed.errors == []
    assert STRANGERS_LIMITS.bound(0) == (PER_TRIPLE_FLOOR, PER_TRIPLE)


def test_the_absolute_bound_triggers_when_it_is_the_smaller():
    triples = chain(200)
    err = raised(lambda: fastrl.closure(triples, limits=ReasoningLimits(max_inferred=300, max_inferred_per_triple=100)))
    assert (err.limit, err.bound, err.per_triple) == (ABSOLUTE, 300, None)
    assert "passed its limit of 300 inferred triples after" in str(err)


def test_a_subclass_chain_is_bounded_inside_the_ontology_closure():
    """scm-sco closes rdfs:subClassOf before any data rule runs: the bound holds there too."""
    triples = [(ex(f"C{k}"), RDFS.subClassOf, ex(f"C{k + 1}")) for k in range(1, 1000)]
    err = raised(lambda: fastrl.closure(triples, limits=STRANGERS_LIMITS))
    assert err.grew[0] == "rdfs:subClassOf" and err.rule == "the ontology's closure"
    assert err.bound == 9990 < err.inferred < 20_000


def test_a_sameas_class_is_bounded_as_it_is_written_out():
    """200 names of one individual: 200 * 199 owl:sameAs triples on the way out."""
    triples = [(ex(f"n{k}"), OWL.sameAs, ex(f"n{k + 1}")) for k in range(200)]
    err = raised(lambda: fastrl.closure(triples, limits=ReasoningLimits(max_inferred_per_triple=10)))
    assert (err.bound, err.grew[0]) == (2000, "owl:sameAs")
    assert err.inferred == 2001


def test_a_subject_with_10000_values_of_a_functional_property_stops_at_the_bound():
    """prp-fp makes them one individual: 10,000 * 9,999 owl:sameAs triples on the way out,
    and no pairing of every two values before (100M pairs queued, gigabytes)."""
    triples = [(ex("f"), RDF.type, OWL.FunctionalProperty)]
    triples += [(ex("s"), ex("f"), ex(f"o{k}")) for k in range(10_000)]
    err = raised(lambda: fastrl.closure(triples, limits=STRANGERS_LIMITS))
    assert (err.limit, err.bound, err.inferred, err.grew) == (PER_TRIPLE, 100_010, 100_011, ("owl:sameAs", 100_011))


@pytest.mark.parametrize("kinds", [(OWL.TransitiveProperty,), (OWL.TransitiveProperty, OWL.SymmetricProperty)])
def test_a_bounded_closure_that_fits_is_the_unbounded_one(kinds):
    triples = chain(80, kinds=kinds)
    free = fastrl.closure(triples)
    bound = 100 * free.stats["asserted"]
    assert free.stats["inferred_peak"] <= bound  # the chain's closure (its 80 * 80 pairs when symmetric) fits
    bounded = fastrl.closure(triples, limits=ReasoningLimits(100_000, max_inferred_per_triple=100))
    assert set(bounded.triples) == set(free.triples) and bounded.stats["bound"] == bound


def test_the_count_holds_every_inferred_triple_of_synthetic_data():
    """Without sameAs, what the budget counted is at least what the closure writes."""
    union = Graph()
    for s, p, o, _g in load(Sources.from_dirs(ontology_dir())).quads((None, None, None, None)):
        union.add((s, p, o))
    for s, p, o, _g in synth.quads(3000, 1):
        union.add((s, p, o))
    result = fastrl.closure(union, limits=STRANGERS_LIMITS)
    assert len(result.triples) <= result.stats["inferred_peak"] <= 2 * result.stats["asserted"]


def test_the_error_survives_pickling():
    err = raised(lambda: fastrl.closure(chain(100), limits=ReasoningLimits(max_inferred=50)))
    again = pickle.loads(pickle.dumps(err))
    assert (again.limit, again.bound, again.inferred, again.asserted, again.grew, again.rule) == (
        err.limit, err.bound, err.inferred, err.asserted, err.grew, err.rule)
    assert str(again) == str(err)


# -- through reason.reason -----------------------------------------------------------------


def test_owlrl_cannot_be_bounded():
    dataset = load(Sources.from_dirs(ontology_dir()))
    with pytest.raises(ConfigError, match="owlrl reasoner cannot be bounded while it runs"):
        reason.reason(dataset, "owlrl", limits=ReasoningLimits(max_inferred=1_000_000))
    reason.reason(dataset, "owlrl", limits=ReasoningLimits())  # no bound: nothing to refuse


def test_the_error_propagates_through_reason():
    dataset = ontology_with(chain(300))
    err = raised(lambda: reason.reason(dataset, "fastrl", limits=ReasoningLimits(max_inferred=5000)))
    assert (err.limit, err.bound, err.grew[0]) == (ABSOLUTE, 5000, "<http://ex.org/in>")
    assert INFERRED_GRAPH not in {g.identifier for g in dataset.graphs()}


def test_the_description_of_the_run_is_reasoned_without_the_bound():
    """reason() reasons a second time over the ontology and the description of the run; the
    bound is the data's: a bound the data's closure just meets must not stop that second one."""
    dataset = load(Sources.from_dirs(ontology_dir()))
    data_peak = fastrl.closure(dataset).stats["inferred_peak"]
    tbox = Graph()
    for graph in dataset.graphs():
        if is_schema_graph(graph.identifier):
            tbox += graph
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    description = reason._run_description(reason.Closure(engine=fastrl.ENGINE_NAME), "fastrl", now)
    assert fastrl.closure(tbox + description).stats["inferred_peak"] > data_peak  # it would trip
    inferred = reason.reason(dataset, "fastrl", now=now, limits=ReasoningLimits(max_inferred=data_peak))
    assert (KG["reasoning-run"], RDF.type, URIRef("http://www.w3.org/ns/prov#Activity")) in inferred
