"""fastshacl: SHACL validation that gives pySHACL's results several times faster.

pySHACL (the reference, ``validate(..., engine="pyshacl")``) checks each focus node with
rdflib calls and runs every SHACL-SPARQL query once per focus node through rdflib's
SPARQL engine; most of its time goes there. Here the shapes graph is read once
(:mod:`.shapes`, refusing any feature not implemented), the data (with the ontology, and
its RDFS closure when the stage asks for it, as pySHACL computes it) is indexed once
(:mod:`.data`), the validator walks the shapes (:mod:`.engine`), the Core components run
in Python over those indexes (:mod:`.components`) and the SPARQL parts run in Oxigraph once
per shape for all its focus nodes (:mod:`.sparql`).

The outcome is a SHACL report graph shaped like pySHACL's (``sh:conforms``, one
``sh:result`` per result with focus node, path, value, source constraint component,
source shape, severity and messages), so :mod:`sco_kg.pipeline.validate` reads both alike.

    >>> conforms, report, results = fastshacl.validate(triples, shapes_graph, inference="rdfs")
"""

from __future__ import annotations

from typing import Iterable

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF

from ...core.gc_pause import gc_paused
from ...rdf.namespaces import SH
from .data import DataGraph
from .engine import Validator
from .results import Result
from .shapes import ShapesGraph

__all__ = ["validate", "report_graph", "DataGraph", "ShapesGraph", "Result"]


def validate(triples: Iterable[tuple], shapes: Graph, *, inference: str = "none", data: DataGraph | None = None):
    """Validate ``triples`` (data and ontology together) against ``shapes``.

    Returns ``(conforms, report graph, results)``; ``conforms`` is SHACL's (false on any
    result, whatever its severity). Raises ConfigError on a shape feature not implemented.
    """
    compiled = ShapesGraph(shapes)
    data = data if data is not None else DataGraph.from_triples(triples, inference)
    with gc_paused():  # indexes and the Oxigraph view are built during the run (see gc_paused)
        results = Validator(compiled, data).run()
    return not results, report_graph(results, shapes), results


def report_graph(results: list[Result], shapes: Graph) -> Graph:
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not results)))
    copied: set = set()
    for r in results:
        rn = BNode()
        report.add((node, SH.result, rn))
        report.add((rn, RDF.type, SH.ValidationResult))
        report.add((rn, SH.focusNode, r.focus))
        report.add((rn, SH.sourceConstraintComponent, r.component))
        report.add((rn, SH.sourceShape, r.shape))
        report.add((rn, SH.resultSeverity, r.severity))
        if r.value is not None:
            report.add((rn, SH.value, r.value))
        if r.path is not None:
            report.add((rn, SH.resultPath, r.path))
            _copy_description(shapes, r.path, report, copied)
        for message in r.messages:
            report.add((rn, SH.resultMessage, message))
    return report


PATH_KINDS = (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath)


def _copy_description(source: Graph, node, target: Graph, done: set) -> None:
    """A complex path, copied into the report as it is read: a list (sequence), or the
    first path kind found on the node (the triples that make the path, nothing else)."""
    if not isinstance(node, BNode) or node in done:
        return
    done.add(node)
    first = source.value(node, RDF.first)
    if first is not None:
        rest = source.value(node, RDF.rest)
        target.add((node, RDF.first, first))
        target.add((node, RDF.rest, rest))
        _copy_description(source, first, target, done)
        _copy_description(source, rest, target, done)
        return
    for kind in PATH_KINDS:
        inner = source.value(node, kind)
        if inner is not None:
            target.add((node, kind, inner))
            _copy_description(source, inner, target, done)
            return
