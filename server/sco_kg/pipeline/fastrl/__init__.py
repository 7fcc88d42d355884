"""fastrl: a fast, complete OWL 2 RL closure that agrees with owlrl.

The TBox is read once and compiled into rule tables (:mod:`.schema`); the data rules run
to a fixpoint semi-naively (:mod:`.rounds`) over integer-coded triples held in Python sets
and dicts (:mod:`.engine`), with ``owl:sameAs`` as a union-find (:mod:`.equality`);
inconsistencies are checked at the end (:mod:`.consistency`). The result is owlrl's
closure (rules cax-*, cls-*, prp-*, scm-*, eq-*, dt-type*, dt-not-type) without its noise
(:func:`.vocab.is_noise`). Transitive relations are closed at once (:mod:`.transitive`),
and a bound on the inferred triples is checked as they are added (:mod:`.budget`).

Why sets and not SPARQL in pyoxigraph: on 100k triples of ``sco_kg.pipeline.synth`` data, one naive
round of four rules (cax-sco, prp-spo1, prp-dom, prp-rng) as SPARQL UPDATE in a pyoxigraph
Store took 0.40 s; the whole fixpoint over sets takes 0.06 s (plus 0.3 s to read the
rdflib Graph). benchmarks/reasoning.py has the figures against owlrl.

Where owlrl 7.6 is wrong, fastrl follows the OWL 2 RL rules (tests/test_fastrl.py marks
each difference ``xfail`` against owlrl): prp-key compares every key property (owlrl only
the first n-1); eq-diff2/3 and prp-adp compare the last member of the list too; the cls-com
message names the individual (owlrl names the class twice).

    >>> from sco_kg.pipeline.fastrl import closure
    >>> result = closure(dataset)          # rdflib Graph or Dataset (the union is closed)
    >>> result.triples                     # the inferred triples, noise filtered
    >>> result.errors                      # owlrl-style inconsistency messages ([] if consistent)
    >>> result.inconsistencies             # the same, each with its rule, axiom and clashing triples
    >>> closure(dataset, limits=STRANGERS_LIMITS)  # ReasoningLimitExceeded past the bound
    >>> result = closure(dataset, proofs=True)
    >>> result.proofs.derivation(triple)   # Derivation(rule="cax-sco", premises=(...))
    >>> result.proofs.tree(triple)         # ProofTree, its leaves asserted triples

The reasoner of :mod:`sco_kg.pipeline.reason` named ``fastrl`` wraps :func:`closure`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import Graph

from ... import __version__
from ...core.gc_pause import gc_paused
from ...rdf.quadset import is_dataset
from ..reasoning_limits import ReasoningLimits
from .consistency import Inconsistency
from .derivation import Derivation, Proofs, ProofTree
from .engine import Engine
from .prover import prove
from .vocab import is_noise

__all__ = [
    "ClosureResult",
    "Derivation",
    "Inconsistency",
    "Proofs",
    "ProofTree",
    "closure",
    "closure_of_triples",
    "is_noise",
    "ENGINE_NAME",
    "ENGINE_VERSION",
]

ENGINE_NAME = "sco-kg-fastrl"


ENGINE_VERSION = __version__  # fastrl ships inside sco-kg: its version is the package's


@dataclass
class ClosureResult:
    """What :func:`closure` found."""

    triples: list  # inferred (s, p, o), rdflib terms, noise filtered, asserted ones left out
    errors: list[str]  # inconsistencies, in owlrl's words; empty if consistent
    stats: dict = field(default_factory=dict)  # rounds, compiles, seconds per phase, sizes
    proofs: Proofs | None = None  # with proofs=True: a derivation of every inferred triple
    inconsistencies: list[Inconsistency] = field(default_factory=list)  # errors, with their triples


def _source_triples(source, exclude=()) -> Iterable[tuple]:
    if is_dataset(source):
        skip = set(exclude)
        for graph in source.graphs():
            if graph.identifier not in skip:
                yield from graph.triples((None, None, None))
    elif isinstance(source, Graph):
        yield from source.triples((None, None, None))
    else:
        yield from source


def closure_of_triples(
    triples: Iterable[tuple],
    keep_noise: bool = False,
    limits: ReasoningLimits | None = None,
    proofs: bool = False,
) -> ClosureResult:
    """The OWL 2 RL closure of an iterable of ``(s, p, o)`` rdflib terms (TBox and ABox together).

    With ``limits``, raises :class:`~sco_kg.core.errors.ReasoningLimitExceeded` as soon as
    the inferred triples pass their bound (checked while the rules run, :mod:`.budget`).
    With ``proofs``, ``result.proofs`` holds one derivation of every inferred triple
    (:mod:`.prover`; its guarantees are said there); without, nothing of it runs.
    """
    # The engine makes millions of tuples and no reference cycles: the cyclic garbage
    # collector would only walk them (and the caller's graph) again and again.
    with gc_paused():
        t0 = time.perf_counter()
        eng = Engine(limits)
        eng.load(triples)
        eng.snapshot_input()
        t1 = time.perf_counter()
        eng.run()
        t2 = time.perf_counter()
        inconsistencies = eng.inconsistencies()
        errors = [found.message for found in inconsistencies]
        out = list(eng.inferred(keep_noise=keep_noise))
        t3 = time.perf_counter()
        found, asserted_count = None, eng.asserted()
        if proofs:
            # the engine's store is not read again (the output is made): the prover, which
            # keeps its own, reuses its memory rather than adding to it; it takes the input
            # over (Engine.input_P, input_T and input_same are left empty)
            eng.P, eng.T, eng.SO, eng.OS = {}, {}, {}, {}
            by_id, proof_rounds, asserted, ids = prove(eng)  # ids: one numbering (.canonical)
            found = Proofs(by_id, ids.terms, ids, asserted)
        t4 = time.perf_counter()
    stats = {
        "asserted": asserted_count,
        "inferred": len(out),
        "inferred_peak": eng.budget.peak,  # the most the engine held at once (noise included)
        "bound": eng.budget.bound,
        "terms": len(eng.terms),
        "rounds": eng.rounds,
        "compiles": eng.compiles,
        "same_as_classes": len(eng.uf.classes()),
        "seconds_load": round(t1 - t0, 3),
        "seconds_rules": round(t2 - t1, 3),
        "seconds_output": round(t3 - t2, 3),
    }
    if proofs:
        stats.update(proofs=len(found), proof_rounds=proof_rounds, seconds_proofs=round(t4 - t3, 3))
    return ClosureResult(out, errors, stats, found, inconsistencies)


def closure(
    source,
    keep_noise: bool = False,
    exclude: Iterable = (),
    limits: ReasoningLimits | None = None,
    proofs: bool = False,
) -> ClosureResult:
    """The OWL 2 RL closure of an rdflib Graph or Dataset (every graph but ``exclude``, as one union).

    Asserted triples are not repeated; noise (:func:`is_noise`) is left out unless
    ``keep_noise``. Duplicate triples across named graphs count once. A Dataset is read
    in place (no union Graph is built): ``closure(dataset, exclude=[INFERRED_GRAPH])``.
    ``limits`` bounds the inferred triples (:class:`~sco_kg.pipeline.reasoning_limits.ReasoningLimits`);
    ``proofs`` records why each was inferred (``result.proofs``, :class:`Proofs`).
    """
    return closure_of_triples(_source_triples(source, exclude), keep_noise=keep_noise, limits=limits, proofs=proofs)
