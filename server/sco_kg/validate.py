"""SHACL validation of the data with pySHACL; returns a :class:`ValidationReport`, never prints.

The shapes (ontology/shapes.ttl) target the *standard* classes of PROFILE.md while the
data is written with the project's sub-classes and sub-properties, so the data graph is
validated with the ontology and its imports as pySHACL's ``ont_graph`` and an inference:

* stage ``"asserted"`` (before reasoning): the union of the data graphs, expanded by
  pySHACL's RDFS inference (``rdfs:subClassOf``/``rdfs:subPropertyOf`` through the
  ontology), enough to target ``skg:Person`` as a ``foaf:Person``;
* stage ``"closure"`` (after reasoning): the data graphs plus ``kgg:inferred``, the
  OWL RL closure, with no further inference.

SHACL-SPARQL is enabled (``advanced=True``). Warnings and infos do not make the data
non-conforming (``ValidationReport.conforms``); violations do. The report graph itself keeps
SHACL's ``sh:conforms`` (false on any result, whatever its severity), as the W3C suite expects.
"""

from __future__ import annotations

import re

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SKOS, NamespaceManager

from .errors import ConfigError
from .namespaces import INFERRED_GRAPH, SH, bind_prefixes, is_schema_graph

STAGES = {"asserted": "rdfs", "closure": "none"}
ENGINES = ("fast", "pyshacl")  # sco_kg.fastshacl, and pySHACL the reference


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, its terms shortened for people in ``text``."""

    focus: object
    focus_label: str | None
    path: str | None
    message: str
    value: object
    component: str
    severity: str
    source_shape: str | None

    @property
    def is_violation(self) -> bool:
        return self.severity == "Violation"


@dataclass
class ValidationReport:
    """The outcome of a validation: ``conforms``, the ``results``, pySHACL's report ``graph``."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    stage: str = "asserted"
    shapes: str | None = None
    namespace_manager: NamespaceManager | None = field(default=None, repr=False, compare=False)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.is_violation]

    def by_focus(self) -> dict[object, list[ValidationResult]]:
        groups: dict[object, list[ValidationResult]] = defaultdict(list)
        for result in self.results:
            groups[result.focus].append(result)
        return dict(groups)

    @property
    def verdict(self) -> str:
        if self.shapes is None:
            return f"{self.stage}: not validated (no shapes)"
        groups = self.by_focus()
        if self.conforms and not self.results:
            return f"{self.stage}: conforms to the shapes"
        counts = defaultdict(int)
        for result in self.results:
            counts[result.severity] += 1
        detail = ", ".join(f"{n} {sev.lower()}(s)" for sev, n in sorted(counts.items()))
        word = "conforms" if self.conforms else "DOES NOT CONFORM"
        return f"{self.stage}: {word}: {detail} on {len(groups)} focus node(s)"

    @property
    def text(self) -> str:
        """A report for people: one block per focus node, then the one-line verdict."""
        lines: list[str] = []
        for focus, results in self.by_focus().items():
            label = f'  "{results[0].focus_label}"' if results[0].focus_label else ""
            lines.append(f"{_short(focus, self.namespace_manager)}{label}")
            for r in results:
                path = f" {r.path}:" if r.path else ""
                lines.append(f"  - {r.severity}{path} {r.message}")
                extra = []
                if r.value is not None:
                    extra.append(f"value {_short(r.value, self.namespace_manager)}")
                extra.append(r.component)
                if r.source_shape:
                    extra.append(f"shape {r.source_shape}")
                lines.append("      (" + "; ".join(extra) + ")")
        lines.append(self.verdict)
        return "\n".join(lines)


def load_shapes(path: Path | str) -> Graph:
    from .load import read_triples

    return read_triples(Path(path))


def data_union(dataset: Dataset, include_inferred: bool) -> Graph:
    """The data graphs (not the ontology and imports), with or without ``kgg:inferred``."""
    union = Graph()
    bind_prefixes(union)
    for graph in dataset.graphs():
        ident = graph.identifier
        if is_schema_graph(ident) or (ident == INFERRED_GRAPH and not include_inferred):
            continue
        for triple in graph:
            union.add(triple)
    return union


def schema_union(dataset: Dataset) -> Graph:
    union = Graph()
    for graph in dataset.graphs():
        if is_schema_graph(graph.identifier):
            for triple in graph:
                union.add(triple)
    return union


def validate(
    dataset: Dataset,
    shapes: Graph | Path | str | None,
    *,
    stage: str = "asserted",
    inference: str | None = None,
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate ``dataset`` (stage ``asserted`` or ``closure``) against ``shapes``.

    ``shapes=None`` gives a conforming report that says nothing was validated.
    ``engine``: ``"pyshacl"`` (the reference) or ``"fast"`` (:mod:`sco_kg.fastshacl`: the
    same results several times faster; the build's and the CLI's default; refuses with a
    ConfigError the few SHACL features it does not implement).
    """
    if stage not in STAGES:
        raise ConfigError(f"unknown validation stage {stage!r}")
    if engine not in ENGINES:
        raise ConfigError(f"unknown validator {engine!r} (one of: {', '.join(ENGINES)})")
    if shapes is None:
        return ValidationReport(True, [], Graph(), stage, None, dataset.namespace_manager)
    shapes_name = str(shapes) if not isinstance(shapes, Graph) else "shapes graph"
    shacl = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
    if engine == "fast":
        report_graph, data = _validate_fast(dataset, shacl, stage, inference or STAGES[stage])
        return _report(report_graph, shacl, data, dataset, stage, shapes_name)

    import pyshacl  # slow to import: only when validating

    data = data_union(dataset, include_inferred=(stage == "closure"))
    try:
        conforms, report_graph, _ = pyshacl.validate(
            data,
            shacl_graph=shacl,
            ont_graph=schema_union(dataset),
            inference=inference or STAGES[stage],
            advanced=True,
            allow_warnings=False,  # the report graph keeps SHACL's sh:conforms (any result: false)
            inplace=True,
        )
    except Exception as exc:  # pySHACL's errors about broken shapes
        raise ConfigError(f"pySHACL could not validate with {shapes_name}: {exc}") from exc
    return _report(report_graph, shacl, data, dataset, stage, shapes_name)


def _validate_fast(dataset: Dataset, shacl: Graph, stage: str, inference: str):
    """The fast engine over the same graphs as pySHACL's: data (with ``kgg:inferred`` for
    the closure stage) and the ontology with its imports, as one set of triples."""
    from . import fastshacl

    def triples():
        for graph in dataset.graphs():
            ident = graph.identifier
            if ident == INFERRED_GRAPH and stage != "closure":
                continue
            yield from graph.triples((None, None, None))

    data = fastshacl.DataGraph.from_triples(triples(), inference)
    _, report_graph, _ = fastshacl.validate((), shacl, data=data)
    return report_graph, data


def _report(report_graph, shacl, data, dataset, stage, shapes_name) -> ValidationReport:
    nm = NamespaceManager(Graph(bind_namespaces="none"))
    for prefix, ns in shacl.namespaces():
        nm.bind(prefix, ns, override=False)
    bind_prefixes(nm)
    for prefix, ns in dataset.namespaces():  # the data's own prefixes (ex:...) for people
        nm.bind(prefix, ns, override=False)
    bind_prefixes(report_graph)
    results = _results(report_graph, shacl, data, nm)
    # Ours: only violations make the data non-conforming (warnings and infos do not).
    ours = not any(r.is_violation for r in results)
    return ValidationReport(ours, results, report_graph, stage, shapes_name, nm)


def validate_files(
    paths, fmt: str | None = None, *, with_kg: bool = False, sources=None, engine: str = "pyshacl"
) -> ValidationReport:
    """Validate RDF files of any syntax (graphs or datasets: the union of their graphs)
    against the shapes, with the ontology and imports as context, and with ``with_kg`` the
    project's asserted data too (so references to its entities resolve).

    The named graphs of TriG and N-Quads files must also be derived from spans of an
    article (:mod:`sco_kg.provenance_rules`).

    Every file is parsed before anything else: an unparseable one raises
    :class:`~sco_kg.errors.InputError` (with line and column when known).
    """
    from dataclasses import replace

    from . import provenance_rules
    from .load import add_graph, load
    from .namespaces import KGG
    from .resources import Sources

    sources = sources or Sources.default()
    if sources.shapes is None:
        raise ConfigError("no shapes: ontology/shapes.ttl is missing")
    from .untrusted import read_input_graph  # strangers' files: the safe parsers (no fetch, no entity expansion)

    inputs = [read_input_graph(Path(p), fmt) for p in paths]
    dataset = load(sources if with_kg else replace(sources, data_dirs=(), extra=()))
    for index, graph in enumerate(inputs, 1):
        add_graph(dataset, KGG[f"input/{index}"], graph)
        for prefix, ns in graph.namespaces():
            dataset.bind(prefix, ns, override=False)
    report = validate(dataset, sources.shapes, stage="asserted", engine=engine)
    return provenance_rules.check_files(report, paths, fmt, context=dataset)  # per named graph


# -- reading the report -------------------------------------------------------------


def _results(report: Graph, shapes: Graph, labels, nm: NamespaceManager) -> list[ValidationResult]:
    out = []
    for node in report.objects(None, SH.result):
        focus = report.value(node, SH.focusNode)
        path = report.value(node, SH.resultPath)
        shape = report.value(node, SH.sourceShape)
        severity = report.value(node, SH.resultSeverity)
        component = report.value(node, SH.sourceConstraintComponent)
        messages = _english_first(report, node, shapes)
        out.append(
            ValidationResult(
                focus=focus,
                focus_label=label_of(labels, focus),
                path=render_path(report, path, nm) if path is not None else None,
                message=messages[0] if messages else "(no message)",
                value=report.value(node, SH.value),
                component=_local(component),
                severity=_local(severity),
                source_shape=_short(shape, nm) if isinstance(shape, URIRef) else None,
            )
        )
    return sorted(out, key=lambda r: (str(r.focus), r.path or "", r.component, r.message, str(r.value)))


def _english_first(report: Graph, node, shapes: Graph) -> list[str]:
    """The result's messages, the English one first.

    pySHACL drops the language tags of SHACL-SPARQL messages, so an English message is
    told by its tag when it has one, else by matching the English template of its
    constraint (``{?var}`` / ``{$var}`` stand for anything); the rest sorted after it.
    """
    messages = list(report.objects(node, SH.resultMessage))
    english = [m for m in messages if isinstance(m, Literal) and m.language == "en"]
    if not english:
        shape = report.value(node, SH.sourceShape)
        sources = [report.value(node, SH.sourceConstraint), shape,
                   *(shapes.objects(shape, SH.sparql) if shape is not None else ())]
        templates = [t for source in sources if source is not None
                     for t in shapes.objects(source, SH.message) if isinstance(t, Literal) and t.language == "en"]
        patterns = [re.compile(".*?".join(re.escape(part) for part in re.split(r"\{[?$]\w+\}", str(t))) + r"\Z",
                               re.DOTALL) for t in templates]
        english = [m for m in messages if any(p.match(str(m)) for p in patterns)]
    first = sorted(str(m) for m in english)
    return first + sorted(str(m) for m in messages if str(m) not in first)


def label_of(graph, node) -> str | None:
    """An English label if any, else French, else any: rdfs:label then skos:prefLabel."""
    if not isinstance(node, URIRef):
        return None
    found = [o for p in (RDFS.label, SKOS.prefLabel) for o in graph.objects(node, p) if isinstance(o, Literal)]
    for lang in ("en", "fr", None):
        for literal in sorted(found):
            if literal.language == lang or lang is None:
                return str(literal)
    return None


def render_path(graph: Graph, path, nm: NamespaceManager | None) -> str:
    """A SHACL property path in SPARQL syntax: ``^org:member``, ``org:memberDuring/time:hasEnd``."""
    if isinstance(path, URIRef):
        return _short(path, nm)
    if isinstance(path, BNode):
        if graph.value(path, RDF.first) is not None:
            return "/".join(render_path(graph, p, nm) for p in Collection(graph, path))
        for prop, fmt in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = graph.value(path, prop)
            if inner is not None:
                return fmt.format(render_path(graph, inner, nm))
        alt = graph.value(path, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(render_path(graph, p, nm) for p in Collection(graph, alt)) + ")"
    return str(path)


def _local(term) -> str:
    text = str(term or "")
    return text.rsplit("#", 1)[-1] if "#" in text else text


def _short(term, nm: NamespaceManager | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.n3(nm)
    if nm is not None and isinstance(term, URIRef):
        try:
            return term.n3(nm)
        except Exception:  # pragma: no cover - an IRI rdflib cannot shorten
            return f"<{term}>"
    return term.n3() if hasattr(term, "n3") else str(term)
