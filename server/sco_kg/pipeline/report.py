"""A SHACL validation's outcome for people and programs: :class:`ValidationReport` (the
verdict, the results grouped by focus node, the report graph) and :class:`ValidationResult`,
read from a SHACL report graph (pySHACL's or the fast engine's, the same shape).

Only violations make data non-conforming (``ValidationReport.conforms``); warnings and
infos do not. The report graph keeps SHACL's own ``sh:conforms`` (false on any result).

The pipeline's own checks report in the same shape, with constraint components of the
project's shapes namespace (:data:`OWN_COMPONENTS`): what SHACL cannot see in the union of
the graphs (:mod:`.provenance_rules`), literals that are not of their datatype
(:mod:`.literal_rules`), and the inconsistencies the reasoner finds
(:func:`inconsistency_report`): one report, whatever found the problem, at every door.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SKOS, NamespaceManager

from ..rdf.namespaces import PREFIXES, SH, bind_prefixes
from .explain import RULE_WORDS, as_text, display_name

SKGSH = Namespace("https://w3id.org/sco-kg/shapes#")
#: the constraint components of the pipeline's own checks (not SHACL's), by local name
PROVENANCE = SKGSH.ProvenanceConstraint
WELL_TYPED = SKGSH.WellTypedLiteralConstraint
CONSISTENCY = SKGSH.ConsistencyConstraint
OWN_COMPONENTS = {str(c).rsplit("#", 1)[-1]: c for c in (PROVENANCE, WELL_TYPED, CONSISTENCY)}


def component_name(local: str) -> str:
    """The prefixed name of a constraint component: ``sh:MinCountConstraintComponent``,
    ``skgsh:ProvenanceConstraint``."""
    return ("skgsh:" if local in OWN_COMPONENTS else "sh:") + local


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, its terms shortened for people in ``text``.

    ``node`` is the result in the report graph (its terms unshortened). A refusal's report
    adds ``proofs``: explanations (:class:`~sco_kg.pipeline.explain.Explanation`) of the
    inferred triples the result involves (:mod:`.refusal_proofs`); an inconsistency names
    the ``rule`` whose conclusion is false and the ``axiom`` triples it breaks."""

    focus: object
    focus_label: str | None
    path: str | None
    message: str
    value: object
    component: str
    severity: str
    source_shape: str | None
    node: object = field(default=None, compare=False, repr=False)
    proofs: tuple = field(default=(), compare=False, repr=False)
    rule: str | None = None
    axiom: tuple = ()

    @property
    def is_violation(self) -> bool:
        return self.severity == "Violation"


@dataclass(frozen=True)
class ProofCount:
    """How many proofs of the triples its results involve a refusal's report shows
    (:mod:`.refusal_proofs`): ``shown``, and those left out past ``limit`` proofs per report,
    past ``max_steps`` steps per report (``too_large``), or without a proof."""

    shown: int
    left_out: int = 0
    too_large: int = 0
    unproved: int = 0
    limit: int = 0
    max_steps: int = 0

    @property
    def note(self) -> str | None:
        """One line for people; None when nothing was proved or left out."""
        if not (self.shown or self.left_out or self.too_large or self.unproved):
            return None
        parts = [f"{self.shown} shown"]
        if self.left_out:
            parts.append(f"{self.left_out} more left out (at most {self.limit} per report)")
        if self.too_large:
            parts.append(f"{self.too_large} too large to show (at most {self.max_steps:,} steps per report)")
        if self.unproved:
            parts.append(f"{self.unproved} without a proof")
        more = "; sco-kg explain 'S P O' proves any one" if self.left_out or self.too_large else ""
        return "proofs: " + ", ".join(parts) + more


@dataclass
class ValidationReport:
    """The outcome of a validation: ``conforms``, the ``results``, pySHACL's report ``graph``."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    stage: str = "asserted"
    shapes: str | None = None
    namespace_manager: NamespaceManager | None = field(default=None, repr=False, compare=False)
    shapes_graph: Graph | None = field(default=None, repr=False, compare=False)  # what the shapes target
    proof_count: "ProofCount | None" = None  # a refusal's proofs: how many shown, how many left out

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
        if self.stage == "consistency":
            return f"closure: INCONSISTENT with the ontology: {len(self.results)} inconsistency(ies)"
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
        name = self._names()
        for focus, results in self.by_focus().items():
            label = f'  "{results[0].focus_label}"' if results[0].focus_label else ""
            lines.append(f"{_short(focus, self.namespace_manager) if focus is not None else '(the data)'}{label}")
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
                lines.extend(self._why(r, name))
        note = self.proof_count.note if self.proof_count else None
        if note:
            lines.append(note)
        lines.append(self.verdict)
        return "\n".join(lines)

    def _names(self):
        """How the proofs name terms: ``prefix:rest`` under the project's prefixes and the
        data's own (:func:`~sco_kg.pipeline.explain.display_name`), else N-Triples."""
        nm = self.namespace_manager
        prefixes = {p: str(ns) for p, ns in (nm.namespaces() if nm is not None else ()) if str(ns)}
        prefixes.update(PREFIXES)
        return lambda term: display_name(term, prefixes)

    @staticmethod
    def _why(result: ValidationResult, name) -> list[str]:
        """The axiom an inconsistency breaks, and the proofs of a refusal, indented under it."""
        lines = []
        if result.rule:
            says = RULE_WORDS.get(result.rule)
            axiom = "; ".join(" ".join(name(t) for t in triple) for triple in result.axiom)
            lines.append(f"      axiom broken ({result.rule}" + (f": {says}" if says else "") + ")"
                         + (f": {axiom}" if axiom else ""))
        if result.proofs:
            lines.append("      proofs:")
            for explanation in result.proofs:
                lines.extend("        " + line for line in as_text(explanation, name))
        return lines


def results_of(report: Graph, shapes: Graph, labels, nm: NamespaceManager) -> list[ValidationResult]:
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
                node=node,
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


# -- the pipeline's own results -------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A result of one of the pipeline's own checks, before it joins a report."""

    focus: object  # a term, or None (an inconsistency of the whole data)
    path: object  # an IRI, or None
    shape: URIRef  # its sh:sourceShape (every rule has an IRI in skgsh:)
    message: str
    component: URIRef
    value: object = None
    rule: str | None = None  # an inconsistency: the OWL 2 RL rule whose conclusion is false
    axiom: tuple = ()  # and the triples of the axiom it breaks


def with_failures(report: "ValidationReport", failures: list[Failure], *, stage: str | None = None) -> "ValidationReport":
    """A new report: ``report``'s results and these, each also in the report graph; the
    data no longer conforms when there is any."""
    if not failures:
        return report
    nm = report.namespace_manager
    graph = Graph()
    for triple in report.graph:
        graph.add(triple)
    for prefix, ns in report.graph.namespaces():
        graph.bind(prefix, ns, override=False)
    graph.bind("skgsh", SKGSH, override=False)
    node = next(iter(graph.subjects(RDF.type, SH.ValidationReport)), None)
    if node is None:
        node = BNode()
        graph.add((node, RDF.type, SH.ValidationReport))
    graph.set((node, SH.conforms, Literal(False)))
    results = list(report.results)
    for f in failures:
        result = BNode()
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        if f.focus is not None:
            graph.add((result, SH.focusNode, f.focus))
        if f.path is not None:
            graph.add((result, SH.resultPath, f.path))
        if f.value is not None:
            graph.add((result, SH.value, f.value))
        graph.add((result, SH.resultMessage, Literal(f.message, lang="en")))
        graph.add((result, SH.resultSeverity, SH.Violation))
        graph.add((result, SH.sourceConstraintComponent, f.component))
        graph.add((result, SH.sourceShape, f.shape))
        results.append(ValidationResult(
            focus=f.focus,
            focus_label=label_of(graph, f.focus),
            path=_short(f.path, nm) if f.path is not None else None,
            message=f.message,
            value=f.value,
            component=str(f.component).rsplit("#", 1)[-1],
            severity="Violation",
            source_shape=_short(f.shape, nm),
            node=result,
            rule=f.rule,
            axiom=f.axiom,
        ))
    results.sort(key=lambda r: (str(r.focus), r.path or "", r.component, r.message, str(r.value)))
    return replace(report, conforms=False, results=results, graph=graph, stage=stage or report.stage)


#: the sh:sourceShape of an inconsistency: the OWL 2 RL rules that found it
INCONSISTENT = SKGSH["OWL2RL-consistency"]


def inconsistency_report(messages: list[str], engine: str, shapes: str | None = None,
                         namespace_manager: NamespaceManager | None = None, inconsistencies=()) -> "ValidationReport":
    """The reasoner's inconsistencies as a report (stage ``consistency``): the shapes held,
    the axioms did not. One result per message, no focus node (the reasoner names the
    individuals in its words); with ``inconsistencies`` (fastrl's, one per message), each
    result names the rule and the axiom it breaks."""
    nm = namespace_manager or NamespaceManager(Graph(bind_namespaces="none"))
    bind_prefixes(nm)
    nm.bind("skgsh", SKGSH, override=False)
    empty = ValidationReport(True, [], Graph(), "consistency", shapes or "the ontology", nm)
    found = {f.message: f for f in inconsistencies}
    failures = [Failure(None, None, INCONSISTENT, f"{engine}: {m}", CONSISTENCY,
                        rule=found[m].rule if m in found else None, axiom=found[m].axiom if m in found else ())
                for m in messages]
    return with_failures(empty, failures)
