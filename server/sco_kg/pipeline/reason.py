"""OWL 2 RL reasoning: the closure of ontology + imports + data, new triples only, in ``kgg:inferred``.

Reasoners are plugged in by name (:data:`REASONERS`); a reasoner is a function taking
the union Graph of everything asserted and returning a :class:`Closure`: the triples it
entails that are not asserted, and the inconsistency messages it found. :func:`reason`
drops what says nothing (:func:`is_trivial_entailment`), raises :class:`InconsistencyError` on any message,
and writes the rest into ``kgg:inferred`` with the description of the reasoning run.

The doors that take strangers' data bound the closure (:class:`ReasoningLimits`; their
bound is ``STRANGERS_LIMITS`` of :mod:`.reasoning_limits`). A reasoner that can check a
bound while it runs says so (``bounded = True``: fastrl); a bound given to any other is a
ConfigError, since it could only be checked once the whole closure is made.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Callable, Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD

from ..core.errors import ConfigError, InconsistencyError
from ..core.gc_pause import gc_paused
from ..rdf.namespaces import BUILTIN_NAMESPACES, INFERRED_GRAPH, PROOFS_GRAPH, REASONING_RUN, is_schema_graph
from ..rdf.quadset import QuadSet
from . import fastrl, proof_graph
from .reasoning_limits import ReasoningLimits

Triple = tuple


@dataclass
class Closure:
    """What a reasoner returns: entailed triples not asserted, and inconsistency messages."""

    triples: set = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    engine: str = ""
    version: str = ""
    engine_iri: str | None = None  # default: https://pypi.org/project/sco-kg/#<engine slug>
    proofs: object | None = None  # asked with proofs=True: fastrl's Proofs of every inferred triple
    inconsistencies: list = field(default_factory=list)  # the errors with their triples (fastrl's)


Reasoner = Callable[[Graph], Closure]

# owlrl writes inconsistencies as `[] a err:ErrorMessage ; err:error "..."` (owlrl/Closure.py)
OWLRL_ERR = "http://www.daml.org/2002/03/agents/agent-ont#"


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def owlrl_reasoner(graph: Graph) -> Closure:
    """The OWL 2 RL closure by owlrl, without axiomatic and datatype axiom triples."""
    import owlrl  # imported here: slow to import, only needed when reasoning

    work = Graph()
    for triple in graph:
        work.add(triple)
    asserted = set(work)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(work)
    err_error = URIRef(OWLRL_ERR + "error")
    errors = sorted(str(o) for o in work.objects(None, err_error))
    new = set()
    for s, p, o in work:
        if (s, p, o) in asserted or str(p).startswith(OWLRL_ERR) or str(o).startswith(OWLRL_ERR):
            continue
        new.add((s, p, o))
    return Closure(new, errors, "owlrl", _package_version("owlrl"), "https://pypi.org/project/owlrl/")


def fastrl_reasoner(graph: Graph, limits: ReasoningLimits | None = None, proofs: bool = False) -> Closure:
    """The project's own OWL 2 RL engine (:mod:`sco_kg.pipeline.fastrl`); with ``limits``,
    raises :class:`~sco_kg.core.errors.ReasoningLimitExceeded` as soon as the closure
    passes their bound; with ``proofs``, records why each triple was inferred."""
    result = fastrl.closure(graph, limits=limits, proofs=proofs)
    with gc_paused():
        triples = set(result.triples)
    return Closure(triples, result.errors, fastrl.ENGINE_NAME, fastrl.ENGINE_VERSION, proofs=result.proofs,
                   inconsistencies=result.inconsistencies)


# fastrl reads any iterable of triples: reason() hands it the asserted graphs one after the
# other instead of copying them into one union Graph first (a third of the step at 1M triples)
fastrl_reasoner.reads_triples = True
# fastrl checks ReasoningLimits while it reasons (fastrl.budget)
fastrl_reasoner.bounded = True
# fastrl records proofs (fastrl.prover); owlrl does not
fastrl_reasoner.proves = True


#: name -> reasoner
REASONERS: dict[str, Reasoner] = {"owlrl": owlrl_reasoner, "fastrl": fastrl_reasoner}


def proves(name: str | None) -> bool:
    """Whether the reasoner ``name`` records proofs (None: no reasoning, no proofs)."""
    return name is not None and getattr(get_reasoner(name), "proves", False)


def register_reasoner(name: str, reasoner: Reasoner) -> None:
    REASONERS[name] = reasoner


def get_reasoner(name: str) -> Reasoner:
    try:
        return REASONERS[name]
    except KeyError:
        raise ConfigError(f"unknown reasoner {name!r}; known: {', '.join(sorted(REASONERS))}") from None


# -- noise --------------------------------------------------------------------------

_TRIVIAL_REFLEXIVE = {RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty, OWL.sameAs}
_DATATYPE_CLASSES = {RDFS.Datatype, RDFS.Literal}
_DATATYPE_IRIS = (str(XSD), str(RDF.langString), str(RDF.PlainLiteral), str(RDF.XMLLiteral), str(RDFS.Literal))


def _builtin(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(BUILTIN_NAMESPACES)


def is_trivial_entailment(triple: Triple) -> bool:
    """True for entailments that say nothing about the project's world, which the build leaves
    out of ``kgg:inferred`` whatever the engine (a superset of the engine-level normalisation
    :func:`sco_kg.pipeline.fastrl.vocab.is_noise`, which only makes fastrl's and owlrl's
    closures comparable):

    * anything about a literal (``"x" owl:sameAs "x"``, ``"x" a rdfs:Literal``);
    * reflexive ``owl:sameAs``, ``rdfs:subClassOf``, ``owl:equivalentClass``,
      ``rdfs:subPropertyOf``, ``owl:equivalentProperty``;
    * axiomatic triples about built-in terms (subject in rdf:, rdfs:, owl:, xsd:, such as
      ``owl:Nothing rdfs:subClassOf skg:Person``);
    * anything about datatypes: typed ``rdfs:Datatype``/``rdfs:Literal``, or pointing at one;
    * the bounds every class and property has: ``rdfs:subClassOf owl:Thing``,
      ``rdfs:domain owl:Thing``, ``rdfs:range owl:Thing``, ``a owl:Thing``.
    """
    s, p, o = triple
    if isinstance(s, Literal) or isinstance(p, Literal):
        return True
    if s == o and p in _TRIVIAL_REFLEXIVE:
        return True
    if _builtin(s):
        return True
    if p == RDF.type and o in _DATATYPE_CLASSES:
        return True
    if isinstance(o, URIRef) and str(o).startswith(_DATATYPE_IRIS) and p != RDF.type:
        return True
    if o == OWL.Thing and p in (RDFS.subClassOf, RDFS.domain, RDFS.range, RDF.type, OWL.equivalentClass):
        return True
    return False


# -- the step -----------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unnamed"


def reasoning_time() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set, so that builds can be byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def asserted_union(dataset: "QuadSet | Dataset", exclude: Iterable[URIRef] = (INFERRED_GRAPH, PROOFS_GRAPH)) -> Graph:
    """One Graph holding every triple of every named graph but ``exclude`` (by default the
    graphs the reasoner makes)."""
    skip = set(exclude)
    union = Graph()
    for graph in dataset.graphs():
        if graph.identifier in skip:
            continue
        for triple in graph:
            union.add(triple)
    return union


def asserted_triples(dataset: "QuadSet | Dataset", exclude: Iterable[URIRef] = (INFERRED_GRAPH, PROOFS_GRAPH)):
    """Every triple of every named graph but ``exclude``, graph after graph (repeats possible)."""
    skip = set(exclude)
    for graph in list(dataset.graphs()):
        if graph.identifier not in skip:
            yield from graph.triples((None, None, None))


class AssertedTriples:
    """:func:`asserted_triples` of a dataset, read again at each iteration (fastrl reads its
    input twice when it records proofs)."""

    def __init__(self, dataset, exclude: Iterable[URIRef] = (INFERRED_GRAPH, PROOFS_GRAPH)) -> None:
        self.dataset, self.exclude = dataset, tuple(exclude)

    def __iter__(self):
        return asserted_triples(self.dataset, self.exclude)


def _run_description(closure: Closure, reasoner: str, ended: datetime) -> Graph:
    """The reasoning run that made ``kgg:inferred``: engine, version, time."""
    description = Graph()
    run = REASONING_RUN
    description.add((INFERRED_GRAPH, PROV.wasGeneratedBy, run))
    description.add((run, RDF.type, PROV.Activity))
    description.add((run, RDFS.label, Literal("OWL 2 RL reasoning run", lang="en")))
    description.add((run, RDFS.label, Literal("inférence OWL 2 RL", lang="fr")))
    name = closure.engine or reasoner
    # an engine without an IRI of its own is taken to be part of this package
    engine = URIRef(closure.engine_iri or f"https://pypi.org/project/sco-kg/#{_slug(name)}")
    description.add((run, PROV.wasAssociatedWith, engine))
    description.add((engine, RDF.type, PROV.SoftwareAgent))
    description.add((engine, RDFS.label, Literal(name)))
    description.add((engine, OWL.versionInfo, Literal(closure.version)))
    description.add((run, PROV.endedAtTime, Literal(ended.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)))
    return description


def reason(
    dataset: "QuadSet | Dataset",
    reasoner: str = "fastrl",
    *,
    now: datetime | None = None,
    limits: ReasoningLimits | None = None,
    proofs: bool = False,
):
    """Add ``kgg:inferred`` to ``dataset`` (a :class:`~sco_kg.rdf.quadset.QuadSet` or an rdflib
    Dataset): the closure minus noise, described inside itself; with ``proofs``, also
    ``kgg:proofs``, the proof of each of its triples (:mod:`.proof_graph`).

    Raises :class:`InconsistencyError` when the reasoner reports an inconsistency, and
    :class:`~sco_kg.core.errors.ReasoningLimitExceeded` when the closure of the data
    passes the bound of ``limits`` (None: no bound); ConfigError if ``limits`` bound a
    reasoner that cannot check them while it runs (owlrl). Returns the inferred graph.
    """
    fn = get_reasoner(reasoner)
    if proofs and not getattr(fn, "proves", False):
        raise ConfigError(f"the {reasoner} reasoner records no proofs: reason with fastrl, or without proofs (--no-proofs)")
    bounded = limits is not None and limits.bounded
    if bounded and not getattr(fn, "bounded", False):
        raise ConfigError(
            f"the {reasoner} reasoner cannot be bounded while it runs: reason with fastrl to limit the closure"
        )
    extra = {"limits": limits} if bounded else {}
    if proofs:
        extra["proofs"] = True
    if getattr(fn, "reads_triples", False):
        closure = fn(AssertedTriples(dataset), **extra)
    else:
        closure = fn(asserted_union(dataset), **extra)
    if closure.errors:
        raise InconsistencyError(closure.errors, closure.engine or reasoner, closure.inconsistencies, dataset)
    dataset.remove_graph(INFERRED_GRAPH)
    dataset.remove_graph(PROOFS_GRAPH)
    inferred = dataset.graph(INFERRED_GRAPH)
    for triple in closure.triples:
        if not is_trivial_entailment(triple):
            inferred.add(triple)
    description = _run_description(closure, reasoner, now or reasoning_time())
    # The description answers in standard terms too: reason over it with the ontology
    # (only the ontology's graphs: what it says of the run follows from the axioms alone).
    # Not bounded: the bound is for the data's closure, and this one is the ontology's own.
    tbox = Graph()
    for graph in dataset.graphs():
        if is_schema_graph(graph.identifier):
            tbox += graph
    described = fn(tbox + description, **({"proofs": True} if proofs else {}))
    for triple in description:
        inferred.add(triple)
    described_triples = [t for t in described.triples if not is_trivial_entailment(t) and t not in tbox]
    for triple in described_triples:
        inferred.add(triple)
    if proofs:
        _write_proofs(dataset, closure, described, [*description, *described_triples])
    return inferred


def _write_proofs(dataset, closure: Closure, described: Closure, description: list) -> None:
    """``kgg:proofs``: the proof of every triple of ``kgg:inferred``, those of the data's closure
    from its proofs, those of the run's description from the description's (whose own
    triples are leaves, stated by ``kgg:inferred`` itself)."""
    inferred = dataset.graph(INFERRED_GRAPH)
    description_set = set(description)
    of_data = [t for t in inferred if t not in description_set]
    found = proof_graph.proofs_of(closure.proofs, of_data, lambda leaves: proof_graph.graphs_stating(dataset, leaves))
    of_run = proof_graph.proofs_of(described.proofs, description,
                                   # the run's description is stated in kgg:inferred
                                   lambda leaves: proof_graph.graphs_stating(dataset, leaves, skip=(PROOFS_GRAPH,)))
    for triple, derivation in of_run.derivations.items():
        found.derivations.setdefault(triple, derivation)
    for triple, graphs in of_run.asserted_in.items():
        if triple not in found.derivations:
            found.asserted_in.setdefault(triple, set()).update(graphs)
    proofs = dataset.graph(PROOFS_GRAPH)
    for triple in proof_graph.proof_triples(found):
        proofs.add(triple)
