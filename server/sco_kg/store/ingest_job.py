"""What the ingest's child process does (:mod:`.ingest_child` runs it): parse the body,
validate it with the served data, build the next generation of the on-disk store."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def prepare(job: dict) -> dict:
    """Parse, validate with the served data, build the next generation: the result dict."""
    from rdflib import Dataset, Literal, URIRef
    from rdflib.namespace import DCTERMS, PROV, RDF, XSD

    from ..core.errors import InconsistencyError
    from ..pipeline.sources import Sources
    from ..pipeline.validate import validate
    from ..rdf.untrusted import UntrustedInputError, parse_untrusted, union_of
    from .disk import fill_generation, source_dataset

    seconds = {}
    t = time.perf_counter()
    body = Path(job["body"]).read_bytes()
    try:
        parsed = parse_untrusted(body, job["media_type"], base=job["base"], max_bytes=job["max_bytes"],
                                 max_triples=job["max_triples"])
    except UntrustedInputError as exc:
        return {"status": exc.status, "message": exc.message, "line": exc.line, "column": exc.column}
    data = union_of(parsed)
    if len(data) == 0:
        return {"status": 400, "message": "the body holds no triples"}
    graph = URIRef(job["graph"])
    data.add((graph, RDF.type, PROV.Entity))
    data.add((graph, PROV.generatedAtTime, Literal(job["time"], datatype=XSD.dateTime)))
    source = job.get("source")
    if source:
        data.add((graph, DCTERMS.source, URIRef(source) if URL.match(source) else Literal(source)))
    seconds["parse"] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    dataset = source_dataset([*job["sources"], *job["log"]])
    if any(str(g.identifier) == job["graph"] for g in dataset.graphs()):
        return {"status": 409, "message": f"graph <{job['graph']}> already exists: choose another name"}
    new = dataset.graph(graph)
    for triple in data:
        new.add(triple)
    for prefix, ns in data.namespaces():
        dataset.bind(prefix, ns, override=False)
    shapes = Sources.default().shapes
    report = validate(dataset, shapes, stage="asserted", engine=job.get("validator", "fast"))
    seconds["validate"] = round(time.perf_counter() - t, 3)
    if not report.conforms:
        return {"status": 422, "report": render_report(report, job["report_format"])}

    t = time.perf_counter()
    entry = Path(job["entry"])
    entry_graph = Dataset()
    g = entry_graph.graph(graph)
    for triple in data:
        g.add(triple)
    entry.write_bytes(entry_graph.serialize(format="nquads", encoding="utf-8"))
    try:
        quads = fill_generation(Path(job["new"]), [Path(p) for p in job["sources"]],
                                [*map(Path, job["log"]), entry])
    except InconsistencyError as exc:
        return {"status": 422, "report": render_inconsistency(exc, job["report_format"])}
    seconds["store"] = round(time.perf_counter() - t, 3)
    return {"status": 201, "quads": quads, "triples": len(data), "seconds": seconds}


def render_report(report, fmt: str) -> str:
    """As POST /validate answers (:mod:`sco_kg.pipeline.report_formats`)."""
    from ..pipeline.report_formats import render

    return render(report, fmt).decode("utf-8")


def render_inconsistency(exc, fmt: str) -> str:
    """An inconsistency found by the reasoner, as a report (the shapes held, the axioms did not)."""
    messages = list(getattr(exc, "messages", None) or [str(exc)])
    if fmt == "json":
        return json.dumps({"conforms": False, "verdict": "inconsistent with the ontology",
                           "counts": {"results": 0, "violations": len(messages)},
                           "inconsistencies": messages, "focus_nodes": []}, ensure_ascii=False, indent=1)
    from rdflib import BNode, Graph, Literal
    from rdflib.namespace import RDF

    from ..rdf.namespaces import SH

    graph = Graph()
    graph.bind("sh", SH)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(False)))
    for message in messages:
        result = BNode()
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, SH.Violation))
        graph.add((result, SH.resultMessage, Literal(message)))
    return graph.serialize(format="turtle" if fmt == "turtle" else "json-ld")
