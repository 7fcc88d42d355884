"""The verdict of the one pipeline on some sources, as a report: what the doors that answer
with a report (``sco-kg validate``, ``POST /validate``, ``POST /data``) say, whatever
stopped the pipeline.

* the asserted data breaks the shapes or the pipeline's own rules: that report (stage
  ``asserted``); the pipeline stops there, as the build does;
* the OWL RL closure is inconsistent: the reasoner's messages as a report (stage
  ``consistency``, :func:`sco_kg.pipeline.report.inconsistency_report`);
* the closure breaks the shapes: that report (stage ``closure``);
* else the closure's report, conforming.

Refusals are not verdicts and propagate: an unreadable input
(:class:`~sco_kg.core.errors.InputError`), a closure past its limits
(:class:`~sco_kg.core.errors.ReasoningLimitExceeded`: :func:`strangers_limits` are the
bounds of the doors that take data from outside), a bad setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import NamespaceManager

from ..core.errors import ConfigError, InconsistencyError, ValidationError
from .build import BuildResult, build
from .reasoning_limits import STRANGERS_MAX_INFERRED, STRANGERS_MAX_INFERRED_PER_TRIPLE, ReasoningLimits
from .refusal_proofs import with_proofs
from .report import ValidationReport, inconsistency_report
from .sources import Input, Sources
from .validate import DEFAULT_VALIDATOR


@dataclass
class Checked:
    """The report, and the build when the data passed every check."""

    report: ValidationReport
    result: BuildResult | None = None

    @property
    def conforms(self) -> bool:
        return self.report.conforms


def check(sources: Sources, *, reasoner: str = "fastrl", validator: str = DEFAULT_VALIDATOR, limits=None,
          now=None, progress=None, proofs: bool = False) -> Checked:
    """Run the pipeline over ``sources``; its verdict (see the module's docstring). ``proofs``
    for a door that keeps the build (ingest): its ``kgg:proofs`` too."""
    if sources.shapes is None:
        raise ConfigError("no shapes: ontology/shapes.ttl is missing")
    try:
        result = build(sources, reasoner=reasoner, validator=validator, limits=limits, now=now, progress=progress,
                       proofs=proofs)
    except (ValidationError, InconsistencyError) as exc:
        return Checked(report_of(exc))
    return Checked(result.report, result)


def report_of(exc: ValidationError | InconsistencyError) -> ValidationReport:
    """The report of a pipeline that stopped: the shapes' (and rules') results, or the
    reasoner's inconsistencies, each naming its rule and axiom; every door shows and serves
    this one. When the refusal carries its dataset, the results of the closure and the
    inconsistencies carry the proofs of the inferred triples they involve
    (:mod:`.refusal_proofs`: computed here, never for data that passes)."""
    if isinstance(exc, ValidationError):
        report = exc.report
    else:
        nm = NamespaceManager(Graph(bind_namespaces="none"))
        for prefix, namespace in (exc.dataset.namespaces() if exc.dataset is not None else ()):
            nm.bind(prefix, namespace, override=False)  # the data's own prefixes (ex:...) for people
        report = inconsistency_report(exc.messages, exc.engine, namespace_manager=nm,
                                      inconsistencies=exc.inconsistencies)
    if exc.dataset is None:
        return report
    return with_proofs(report, exc.dataset, engine=getattr(exc, "engine", ""),
                       inconsistencies=getattr(exc, "inconsistencies", ()))


def strangers_limits(settings=None) -> ReasoningLimits:
    """The bounds on the closure of data from outside (``sco-kg validate FILE``, ``POST
    /validate``, ``POST /data``): ``settings`` (the server's ``max_inferred`` and
    ``max_inferred_per_triple``), else ``SCO_KG_MAX_INFERRED`` and
    ``SCO_KG_MAX_INFERRED_PER_TRIPLE`` in the environment, else the defaults of
    :mod:`.reasoning_limits`; 0 means no bound of that kind."""
    settings = settings or {}

    def read(name: str, default, kind):
        value = settings.get(name, os.environ.get("SCO_KG_" + name.upper()))
        if value in (None, ""):
            return default
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"SCO_KG_{name.upper()}={value!r}: not a number") from None
        return number or None  # 0: unbounded

    return ReasoningLimits(read("max_inferred", STRANGERS_MAX_INFERRED, int),
                           read("max_inferred_per_triple", STRANGERS_MAX_INFERRED_PER_TRIPLE, float))


def validate_files(paths, fmt: str | None = None, *, with_kg: bool = False, sources: Sources | None = None,
                   engine: str = DEFAULT_VALIDATOR, reasoner: str = "fastrl", limits=None) -> ValidationReport:
    """``sco-kg validate FILE...``: the files (any RDF syntax, graphs or datasets) through the
    pipeline with the ontology and its imports, and with ``with_kg`` the project's data too
    (as ``sco-kg build --also-data FILE``), so that references to its entities resolve.
    Raises :class:`~sco_kg.core.errors.InputError` for an unreadable file."""
    sources = sources or Sources.default()
    base = sources if with_kg else sources.ontology_only()
    inputs = [Input(Path(p), syntax=fmt) for p in paths]
    return check(replace(base, extra=(*base.extra, *inputs)), reasoner=reasoner, validator=engine,
                 limits=limits).report
