"""The one build: load -> validate -> reason -> validate the closure. Used by the CLI and the web app.

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
from ..rdf.namespaces import INFERRED_GRAPH, is_schema_graph
from ..rdf.quadset import QuadSet
from .load import load
from .reason import reason
from .report import ValidationReport
from .sources import Sources
from .validate import validate

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
    validator: str = "fast",
) -> BuildResult:
    """Build the dataset from ``sources`` (None: the packaged ontology and data).

    ``reasoner=None`` skips reasoning (no ``kgg:inferred``); ``validate=False`` skips SHACL;
    ``validator`` is the SHACL engine (``"fast"`` or ``"pyshacl"``, see :func:`sco_kg.pipeline.validate.validate`).
    Raises :class:`~sco_kg.core.errors.InputError`, :class:`~sco_kg.core.errors.ValidationError`
    (stage ``asserted`` or ``closure``), :class:`~sco_kg.core.errors.InconsistencyError`.
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

    dataset = step("load", lambda: load(sources))
    shapes = sources.shapes if validate else None
    if validate:
        report = step("validate", lambda: _validate(dataset, shapes, "asserted", validator))
        reports["asserted"] = report
    if reasoner:
        step("reason", lambda: reason(dataset, reasoner, now=now))
        if validate:
            reports["closure"] = step("validate closure", lambda: _validate(dataset, shapes, "closure", validator))
    report = reports.get("closure") or reports.get("asserted") or ValidationReport(True, stage="none")
    return BuildResult(dataset, report, compute_stats(dataset), reports, timings)


def _validate(dataset: QuadSet, shapes, stage: str, engine: str = "fast") -> ValidationReport:
    report = validate(dataset, shapes, stage=stage, engine=engine)
    if not report.conforms:
        raise ValidationError(report, stage)
    return report


def named_graphs(dataset: QuadSet | Dataset) -> list:
    """The non-empty named graphs, sorted by name."""
    default = dataset.default_graph.identifier
    return sorted(
        (g for g in dataset.graphs() if g.identifier != default and len(g)),
        key=lambda g: str(g.identifier),
    )


def compute_stats(dataset: QuadSet | Dataset) -> dict:
    """Triples per graph, asserted and inferred counts, instances per class (in the union)."""
    graphs = named_graphs(dataset)
    per_graph = {str(g.identifier): len(g) for g in graphs}
    inferred = per_graph.get(str(INFERRED_GRAPH), 0)
    schema = sum(n for name, n in per_graph.items() if is_schema_graph(URIRef(name)))
    total = sum(per_graph.values())
    instances: dict[str, set] = {}
    # one pass over the rdf:type quads: asking each graph for its rdf:type triples makes
    # rdflib's Memory store scan every rdf:type triple once per graph (minutes at 100k)
    default = dataset.default_graph.identifier
    for s, _, o, g in dataset.quads((None, RDF.type, None, None)):
        if g is not None and getattr(g, "identifier", g) != default:
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
        "classes": dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
