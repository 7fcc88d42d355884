"""A validation report in the three forms POST /validate answers with, chosen by Accept.

* ``application/json``: a summary for people and scripts: ``conforms`` (no violation),
  the ``verdict`` line, ``counts`` (results by severity, focus nodes) and ``focus_nodes``,
  each with its ``label`` and its ``results`` (severity, path, message, value, component,
  shape, and ``proofs``: the proof trees of the inferred triples the result involves, each
  as ``sco-kg explain --json`` prints one; an inconsistency adds its ``rule`` and the
  ``axiom`` it breaks), in the order of :attr:`sco_kg.pipeline.report.ValidationReport.by_focus`;
  ``proof_count`` (shown, left out past the limit...) when the report proves a refusal;
* ``text/turtle`` and ``application/ld+json``: pySHACL's report graph itself (SHACL's
  ``sh:conforms``: false on any result, whatever its severity). The proofs are not in it:
  SHACL has no term for them.

Pure functions of the report (no Flask): they run in the validation worker.
"""

from __future__ import annotations

import json

from rdflib import BNode, Literal, URIRef

from .explain import as_json, display_name
from .report import component_name

#: the report's media types, the default first
REPORT_MEDIA_TYPES: dict[str, str] = {
    "application/json": "json",
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "turtle": "text/turtle; charset=utf-8",
                 "jsonld": "application/ld+json"}


def term_text(term) -> str | None:
    """An IRI as itself, a blank node as ``_:id``, a literal in its N-Triples form."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


def summary(report) -> dict:
    counts: dict[str, int] = {}
    for result in report.results:
        counts[result.severity] = counts.get(result.severity, 0) + 1
    groups = report.by_focus()
    return {
        "conforms": report.conforms,
        "verdict": report.verdict,
        "counts": {"results": len(report.results), "violations": counts.get("Violation", 0),
                   "warnings": counts.get("Warning", 0), "infos": counts.get("Info", 0),
                   "focus_nodes": len(groups)},
        "focus_nodes": [
            {"focus": term_text(focus), "label": results[0].focus_label, "results": [_result(r) for r in results]}
            for focus, results in groups.items()],
        **({"proof_count": _proof_count(report.proof_count)} if report.proof_count else {}),
    }


def _result(r) -> dict:
    out = {"severity": r.severity, "path": r.path, "message": r.message, "value": term_text(r.value),
           "component": component_name(r.component), "shape": r.source_shape}
    if r.rule:
        out["rule"] = r.rule
        out["axiom"] = [[display_name(t) for t in triple] for triple in r.axiom]
    out["proofs"] = [as_json(explanation, display_name) for explanation in r.proofs]
    return out


def _proof_count(count) -> dict:
    return {"shown": count.shown, "left_out": count.left_out, "too_large": count.too_large,
            "unproved": count.unproved, "limit": count.limit, "max_steps": count.max_steps, "note": count.note}


def render(report, fmt: str) -> bytes:
    """``report`` as ``fmt`` (a value of :data:`REPORT_MEDIA_TYPES`)."""
    if fmt == "json":
        return (json.dumps(summary(report), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "turtle":
        return report.graph.serialize(format="turtle").encode("utf-8")
    if fmt == "jsonld":
        return report.graph.serialize(format="json-ld").encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}")
