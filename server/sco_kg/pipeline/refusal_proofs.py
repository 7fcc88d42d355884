"""Why a refusal holds: the proofs of the inferred triples a refused report involves, down to
asserted triples, each with the named graphs and the words that state it (:mod:`.explain`).

* the closure breaks the shapes (stage ``closure``): each result is proved by the inferred
  triples it rests on: ``(focus, path, value)`` when the path is one predicate (or its
  inverse) and that triple is inferred; without a value (``sh:maxCount``...), the inferred
  values of that path; and what made the shape target the focus when only inferred triples
  do: its ``rdf:type`` of a ``sh:targetClass`` (or of the shape itself, an implicit class
  target), its triples of a ``sh:targetSubjectsOf`` / ``sh:targetObjectsOf`` predicate. A
  target stated by an asserted triple (or ``sh:targetNode``) needs no proof. What is missing
  (a value under ``sh:minCount``, a value's type under ``sh:class``) has no proof, and other
  paths (sequences, alternatives) are not followed: such results are proved by their target.
* the closure is inconsistent (stage ``consistency``): each result names the OWL 2 RL rule and
  the axiom it breaks (:func:`.report.inconsistency_report`) and is proved by the triples
  that clash (asserted ones as themselves, with their graphs), and the axiom when it is
  itself inferred.

Nothing here runs unless the pipeline refuses (:func:`sco_kg.pipeline.check.report_of`): then
the closure is computed again with proofs (up to twice reasoning without, benchmarks/results/run.md).
A report shows at most :data:`MAX_PROOFS` proofs and :data:`MAX_STEPS` steps in all, so that
its size is bounded whatever the data; :class:`~.report.ProofCount` says how many were left
out, and ``sco-kg explain`` proves any one of them.
"""

from __future__ import annotations

from dataclasses import replace

from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..rdf.namespaces import INFERRED_GRAPH, SH
from .explain import MAX_NESTING, Explainer, depth
from .report import ProofCount, ValidationReport

__all__ = ["MAX_PER_RESULT", "MAX_PROOFS", "MAX_STEPS", "with_proofs"]

#: proofs shown in one report (a proof under two results counts twice); the rest are counted
MAX_PROOFS = 50
#: inferred triples one result of the closure is proved by, at most (its value, its target)
MAX_PER_RESULT = 4
#: steps of all the proof trees of one report as written out (a shared sub-proof every time it
#: is written), at most: a proof that would pass it is left out as too large
MAX_STEPS = 5000


def with_proofs(report: ValidationReport, dataset, *, engine: str = "", inconsistencies=(),
                limit: int | None = None, max_steps: int | None = None) -> ValidationReport:
    """``report`` (of a pipeline that stopped over ``dataset``) with the proofs of the inferred
    triples each result involves (see the module's docstring); unchanged for other stages.
    ``limit`` and ``max_steps`` default to :data:`MAX_PROOFS` and :data:`MAX_STEPS`."""
    if report.stage not in ("closure", "consistency"):
        return report
    limit = MAX_PROOFS if limit is None else limit
    max_steps = MAX_STEPS if max_steps is None else max_steps
    explainer = Explainer(dataset)
    if report.stage == "closure":
        involved = _closure_involves(report, dataset)
    else:
        involved = _clashes(report, engine, inconsistencies, explainer.asserted_in)
    found: dict = {}  # triple -> (Explanation or None, its steps written out)
    shown = left_out = too_large = unproved = 0
    steps_left = max_steps
    results = []
    for result, triples in zip(report.results, involved):
        proofs = []
        for triple in triples:
            if shown >= limit:
                left_out += 1
                continue
            if triple not in found:
                explanation = _explain(explainer, triple)
                found[triple] = (explanation, _steps(explanation.tree, max_steps) if explanation else 0)
            explanation, steps = found[triple]
            if explanation is None:
                unproved += 1
            elif steps > steps_left or depth(explanation.tree) > MAX_NESTING:  # too deep to nest as JSON
                too_large += 1
            else:
                steps_left -= steps
                shown += 1
                proofs.append(explanation)
        results.append(replace(result, proofs=tuple(proofs)) if proofs else result)
    count = ProofCount(shown, left_out, too_large, unproved, limit, max_steps)
    return replace(report, results=results, proof_count=count)


def _explain(explainer: Explainer, triple):
    try:
        return explainer.explain(triple)
    except RuntimeError:  # a proof the independent checker refused: never shown (explain.py)
        return None


def _steps(tree, cap: int) -> int:
    """The nodes of ``tree`` written out (a sub-proof shared by two premises counts twice),
    counted no further than past ``cap``."""
    sizes: dict = {}
    stack = [tree]
    while stack:
        node = stack[-1]
        if id(node) in sizes:
            stack.pop()
            continue
        waiting = [p for p in node.premises if id(p) not in sizes]
        if waiting:
            stack.extend(waiting)
            continue
        sizes[id(node)] = min(cap + 1, 1 + sum(sizes[id(p)] for p in node.premises))
        stack.pop()
    return sizes[id(tree)]


# -- an inconsistency: the triples that clash --------------------------------------------------


def _clashes(report: ValidationReport, engine: str, inconsistencies, asserted) -> list[list[tuple]]:
    """Per result, the triples of its inconsistency: those that clash, and the axiom's when
    the axiom is itself inferred (an asserted axiom is named by the result, not proved)."""
    by_message = {f"{engine}: {found.message}": found for found in inconsistencies}
    out = []
    for result in report.results:
        found = by_message.get(result.message)
        triples = [*found.clash, *(t for t in found.axiom if t not in asserted)] if found else []
        out.append(list(dict.fromkeys(triples)))
    return out


# -- a result of the closure's validation: its value and its target ----------------------------


def _closure_involves(report: ValidationReport, dataset) -> list[list[tuple]]:
    """Per result, the inferred triples it rests on (at most :data:`MAX_PER_RESULT`)."""
    inferred = dataset.get_graph(INFERRED_GRAPH) if hasattr(dataset, "get_graph") else None
    if inferred is None or not len(inferred):
        return [[] for _ in report.results]
    graph, shapes = report.graph, report.shapes_graph
    rows = [_row(graph, result.node) for result in report.results]
    targets = _Targets(shapes)
    foci = {row[0] for row in rows if row}
    predicates = {row[1] for row in rows if row and row[1] is not None} | targets.predicates
    index = _Index(dataset, inferred, foci, predicates)
    out = []
    for row in rows:
        if not row:
            out.append([])
            continue
        focus, predicate, inverse, value, shape = row
        triples = []
        if predicate is not None:
            if value is not None:
                triples.append((value, predicate, focus) if inverse else (focus, predicate, value))
            else:
                triples.extend(index.by_po(predicate, focus) if inverse else index.by_sp(focus, predicate))
        triples = [t for t in triples if t in inferred]
        triples.extend(targets.inferred_reasons(shape, focus, index))
        out.append(list(dict.fromkeys(triples))[:MAX_PER_RESULT])
    return out


def _row(graph, node):
    """(focus, predicate, inverse, value, source shape) of a result in the report graph; the
    predicate is None unless the path is one predicate or its inverse."""
    if node is None:
        return None
    focus = graph.value(node, SH.focusNode)
    if focus is None:
        return None
    path = graph.value(node, SH.resultPath)
    predicate, inverse = None, False
    if isinstance(path, URIRef):
        predicate = path
    elif isinstance(path, BNode):
        inner = graph.value(path, SH.inversePath)
        if isinstance(inner, URIRef):
            predicate, inverse = inner, True
    return focus, predicate, inverse, graph.value(node, SH.value), graph.value(node, SH.sourceShape)


class _Index:
    """The triples (asserted and inferred) of some predicates that touch some nodes, by
    (subject, predicate) and (predicate, object): one pass over the dataset."""

    def __init__(self, dataset, inferred, foci: set, predicates: set) -> None:
        self.inferred = inferred
        self._sp: dict = {}
        self._po: dict = {}
        self._asserted: set = set()
        for graph in dataset.graphs():
            for triple in graph.triples((None, None, None)):
                s, p, o = triple
                if p not in predicates:
                    continue
                if s in foci:
                    self._sp.setdefault((s, p), {})[triple] = None
                if o in foci:
                    self._po.setdefault((p, o), {})[triple] = None
                if (s in foci or o in foci) and graph.identifier != INFERRED_GRAPH:
                    self._asserted.add(triple)

    def by_sp(self, s, p) -> list:
        return list(self._sp.get((s, p), ()))

    def by_po(self, p, o) -> list:
        return list(self._po.get((p, o), ()))

    def holds(self, triple) -> bool:
        return triple in self.inferred or triple in self._asserted

    def asserted(self, triple) -> bool:
        return triple in self._asserted


class _Targets:
    """What makes each shape of the shapes graph target a node: its classes (sh:targetClass,
    or the shape itself when it is a class), the predicates of its sh:targetSubjectsOf and
    sh:targetObjectsOf, its sh:targetNode; a property shape's are its node shapes'."""

    def __init__(self, shapes) -> None:
        self.shapes = shapes
        self._of: dict = {}
        self.predicates = {RDF.type}
        if shapes is not None:
            for kind in (SH.targetSubjectsOf, SH.targetObjectsOf):
                self.predicates |= {p for p in shapes.objects(None, kind) if isinstance(p, URIRef)}

    def of(self, shape):
        if shape not in self._of:
            classes, subjects_of, objects_of, nodes = set(), set(), set(), set()
            if self.shapes is not None and shape is not None:
                for owner in (shape, *self.shapes.subjects(SH.property, shape)):
                    classes.update(self.shapes.objects(owner, SH.targetClass))
                    if any((owner, RDF.type, k) in self.shapes for k in (RDFS.Class, OWL.Class)):
                        classes.add(owner)
                    subjects_of.update(self.shapes.objects(owner, SH.targetSubjectsOf))
                    objects_of.update(self.shapes.objects(owner, SH.targetObjectsOf))
                    nodes.update(self.shapes.objects(owner, SH.targetNode))
            self._of[shape] = (classes, subjects_of, objects_of, nodes)
        return self._of[shape]

    def inferred_reasons(self, shape, focus, index: _Index) -> list:
        """The inferred triples that make ``shape`` target ``focus``; none when an asserted
        triple (or a sh:targetNode) targets it already."""
        classes, subjects_of, objects_of, nodes = self.of(shape)
        if focus in nodes:
            return []
        reasons = [t for t in ((focus, RDF.type, c) for c in sorted(classes)) if index.holds(t)]
        for p in sorted(subjects_of):
            reasons.extend(index.by_sp(focus, p))
        for p in sorted(objects_of):
            reasons.extend(index.by_po(p, focus))
        if any(index.asserted(t) for t in reasons):
            return []
        return [t for t in reasons if t in index.inferred]
