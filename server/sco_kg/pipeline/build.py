"""The one pipeline: load -> validate the asserted data -> reason -> validate the closure.
Every door into the graph runs it: ``sco-kg build`` and ``serve`` (its cached build), ``sco-kg
validate``, ``POST /validate``, ``POST /data``, a rebuild of the on-disk store
(:mod:`.check` gives the doors that answer with a report their verdict).

>>> result = build()                       # the packaged ontology and data
>>> result.dataset, result.report, result.stats
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from ..core.errors import ValidationError
from ..rdf.namespaces import INFERRED_GRAPH, PROOFS_GRAPH, is_schema_graph
from ..rdf.quadset import QuadSet
from .load import read_sources
from .reason import reason
from .reasoning_limits import ReasoningLimits
from .report import ValidationReport
from .sources import Sources
from .validate import validate as validate_data
from .validate import DEFAULT_VALIDATOR, validate_asserted

#: progress(step, state, seconds): state is "start" or "done"; seconds is None at start.
Progress = Callable[[str, str, "float | None"], None]

STEPS = ("load", "validate", "reason", "validate closure")


@dataclass
class BuildResult:
    dataset: QuadSet  # rdflib's Dataset API over sets (``.to_dataset()`` for a real one)
    report: ValidationReport  # of the closure when validated, else of the asserted data
    stats: dict
    reports: dict[str, ValidationReport] = field(default_factory=dict)  # per stage
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


def build(
    sources: Sources | None = None,
    reasoner: str | None = "fastrl",
    validate: bool = True,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
    validator: str = DEFAULT_VALIDATOR,
    limits: ReasoningLimits | None = None,
    proofs: bool = False,
) -> BuildResult:
    """Build the dataset from ``sources`` (None: the packaged ontology and data): load,
    validate the asserted data, reason, validate the closure. Every door into the graph
    calls this (directly, or through :func:`sco_kg.pipeline.check.check`).

    ``reasoner=None`` skips reasoning (no ``kgg:inferred``); ``validate=False`` skips the
    validations; ``validator`` is the SHACL engine (``"fast"`` or ``"pyshacl"``, see
    :func:`sco_kg.pipeline.validate.validate`); ``limits`` bounds the closure (data from
    outside: :mod:`.reasoning_limits`), None for the project's own build. ``proofs`` adds
    ``kgg:proofs``, the proof of every inferred triple (:mod:`.proof_graph`; fastrl only): the
    doors that serve what they build ask for it, the doors that only give a verdict do not.
    Raises :class:`~sco_kg.core.errors.InputError`, :class:`~sco_kg.core.errors.ValidationError`
    (stage ``asserted`` or ``closure``), :class:`~sco_kg.core.errors.InconsistencyError`,
    and past ``limits`` the reasoner's limit error.
    """
    sources = sources or Sources.default()
    timings: dict[str, float] = {}
    reports: dict[str, ValidationReport] = {}

    def step(name: str, fn):
        if progress:
            progress(name, "start", None)
        started = time.perf_counter()
        value = fn()
        timings[name] = time.perf_counter() - started
        if progress:
            progress(name, "done", timings[name])
        return value

    dataset, declared = step("load", lambda: read_sources(sources))
    shapes = sources.shapes if validate else None
    if validate:
        reports["asserted"] = step("validate", lambda: _passed(
            validate_asserted(dataset, shapes, engine=validator, declared=declared), "asserted", dataset))
    if reasoner:
        step("reason", lambda: reason(dataset, reasoner, now=now, limits=limits, proofs=proofs))
        if validate:
            reports["closure"] = step("validate closure", lambda: _passed(
                validate_data(dataset, shapes, stage="closure", engine=validator), "closure", dataset))
    report = reports.get("closure") or reports.get("asserted") or ValidationReport(True, stage="none")
    return BuildResult(dataset, report, compute_stats(dataset), reports, timings)


def _passed(report: ValidationReport, stage: str, dataset: QuadSet) -> ValidationReport:
    if not report.conforms:
        raise ValidationError(report, stage, dataset)
    return report


def named_graphs(dataset: QuadSet | Dataset) -> list:
    """The non-empty named graphs, sorted by name."""
    default = dataset.default_graph.identifier
    return sorted(
        (g for g in dataset.graphs() if g.identifier != default and len(g)),
        key=lambda g: str(g.identifier),
    )


def compute_stats(dataset: QuadSet | Dataset) -> dict:
    """Triples per graph, asserted and inferred counts, instances per class (in the union,
    which leaves ``kgg:proofs`` out: its count is ``proofs``)."""
    graphs = named_graphs(dataset)
    per_graph = {str(g.identifier): len(g) for g in graphs}
    inferred = per_graph.get(str(INFERRED_GRAPH), 0)
    proofs = per_graph.get(str(PROOFS_GRAPH), 0)
    schema = sum(n for name, n in per_graph.items() if is_schema_graph(URIRef(name)))
    total = sum(per_graph.values()) - proofs
    instances: dict[str, set] = {}
    # one pass over the rdf:type quads: asking each graph for its rdf:type triples makes
    # rdflib's Memory store scan every rdf:type triple once per graph (minutes at 100k)
    default = dataset.default_graph.identifier
    for s, _, o, g in dataset.quads((None, RDF.type, None, None)):
        if g is not None and getattr(g, "identifier", g) not in (default, PROOFS_GRAPH):
            instances.setdefault(str(o), set()).add(s)
    classes = {c: len(members) for c, members in sorted(instances.items())}
    return {
        "graphs": per_graph,
        "graph_count": len(per_graph),
        "triples": total,
        "asserted": total - inferred,
        "asserted_data": total - inferred - schema,
        "schema": schema,
        "inferred": inferred,
        "proofs": proofs,
        "classes": dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
