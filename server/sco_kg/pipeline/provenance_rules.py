"""Provenance rules of a dataset: every named data graph of a stranger's TriG or N-Quads
file is derived from a span of an article, or says why it is not.

Why a module of its own, beside the shapes. SHACL validates ONE data graph: ``validate``
gives pySHACL the union of the graphs, where graph names are lost. What can be said about
triples is in ontology/shapes.ttl, so that every SHACL engine (pySHACL, Jena, ...) applies
it: a graph's ``prov:wasDerivedFrom`` names an ``oa:SpecificResource``
(skgsh:Derivation-span), the span has one ``oa:hasSource``, a ``schema:NewsArticle``
present in the data (skgsh:Span-hasSource), one position and one quote selector; the
article has its ``schema:text`` (skgsh:NewsArticle-text: the user's, or with ``--with-kg``
the project's, which the loader reads from article.txt); ``oa:start < oa:end``
(skgsh:Position-start), ``oa:end`` within the text (skgsh:PositionWithinText) and
``oa:exact`` = ``SUBSTR(text, start + 1, end - start)`` (skgsh:QuoteMatchesText). SPARQL's
SUBSTR and STRLEN count code points, as the offsets do (pySHACL and Jena agree on a text
with characters outside the BMP: tests/shapes/datasets/valid/second-article.trig).

What only the dataset knows is which graphs exist. Per named graph of each input file of
a dataset syntax (TriG, N-Quads, JSON-LD; here, not in SHACL):

* it is derived from a span (``<graph> prov:wasDerivedFrom <span>``, stated in the file or,
  with ``--with-kg``, in the project's graph), or declared not to be: an editorial graph
  (``a skg:EditorialGraph``, or in standard terms ``a prov:Entity`` or any sub-class,
  as PROFILE.md's "described as such"), a generated one (``prov:wasGeneratedBy`` an
  activity: inferred triples), or a graph that holds only provenance descriptions
  (articles, spans, selectors, descriptions of graphs);
* triples outside any named graph of a file that has named graphs are facts with no
  provenance.

Each failure is a Violation in the same :class:`~sco_kg.pipeline.report.ValidationReport` and its
report graph, with ``sh:sourceConstraintComponent`` :data:`COMPONENT` so it can be told
from SHACL's. Plain graphs (Turtle, ...) have no graphs to check: the rules do not apply.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ..rdf.namespaces import OA, SCHEMA, SH, SKG
from ..rdf.quadset import is_dataset
from ..rdf.readers import syntax_of
from ..rdf.untrusted import read_untrusted_file
from .report import ValidationResult, _short, label_of

SKGSH = Namespace("https://w3id.org/sco-kg/shapes#")

#: the constraint component of every result of this module (not a SHACL one)
COMPONENT = SKGSH.ProvenanceConstraint
#: the rules of this module, each named by the sh:sourceShape its results carry
GRAPH_NOT_DERIVED = SKGSH["Dataset-graphDerivation"]
TRIPLES_OUTSIDE_GRAPHS = SKGSH["Dataset-defaultGraph"]
RULES = (GRAPH_NOT_DERIVED, TRIPLES_OUTSIDE_GRAPHS)
#: the constraints of ontology/shapes.ttl that check spans, selectors and article text
SHAPES_RULES = (
    SKGSH["Derivation-span"],
    SKGSH["Span-hasSource"],
    SKGSH["NewsArticle-text"],
    SKGSH["Position-start"],
    SKGSH.PositionWithinText,
    SKGSH.QuoteMatchesText,
)


def check_files(report, paths, fmt: str | None, context: Dataset):
    """``report`` with the results of the provenance rules over the named graphs of the
    dataset files (TriG, N-Quads, JSON-LD) among ``paths`` added, its verdict updated;
    ``context`` is the dataset that was validated (the inputs' union, the ontology, and
    with ``--with-kg`` the project's graphs), where graphs are described."""
    found = []
    for path in map(Path, paths):
        dataset = read_dataset(path, fmt)
        if dataset is not None:
            found += check_dataset(dataset, context, path.name)
    return add_results(report, found) if found else report


def read_dataset(path: Path, fmt: str | None) -> Dataset | None:
    """The file again, its graphs kept (``validate_files`` holds the union of each file),
    read by the same safe parser (:mod:`sco_kg.rdf.untrusted`); None for a syntax of plain
    graphs (Turtle, N-Triples, RDF/XML, TriX: read by rdflib as a union)."""
    if not syntax_of(path, fmt).quads:
        return None
    return read_untrusted_file(path, fmt)


def check_dataset(ds: Dataset, context: Dataset | Graph, where: str = "the file") -> list[dict]:
    """The failures of the rules over the graphs of ``ds``, as dicts of the fields of a
    validation result."""
    facts = _union(context)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        facts.add((s, p, o))  # the file's own blank nodes (a blank graph name) as this parse labels them
    named = [g for g in ds.graphs() if g.identifier != ds.default_graph.identifier and len(g)]
    names = {g.identifier for g in named}
    editorial = _subclasses(facts, PROV.Entity) | {SKG.EditorialGraph}
    failures = []
    for graph in sorted(named, key=lambda g: str(g.identifier)):
        name = graph.identifier
        if (name, PROV.wasDerivedFrom, None) in facts:
            continue  # the span itself: the shapes (SHAPES_RULES)
        if any(t in editorial for t in facts.objects(name, RDF.type)):
            continue
        if (name, PROV.wasGeneratedBy, None) in facts:
            continue
        if all(_describes_provenance(s, p, facts, names) for s, p, _ in graph):
            continue
        failures.append(
            dict(
                focus=name,
                path=PROV.wasDerivedFrom,
                shape=GRAPH_NOT_DERIVED,
                message=(
                    f"graph {name.n3()} of {where} holds {len(graph)} triple(s) but is not derived from a "
                    "span of an article (<graph> prov:wasDerivedFrom <span>, the span with oa:hasSource "
                    "and its selectors) nor declared editorial (a skg:EditorialGraph or prov:Entity) nor "
                    "generated by an activity (prov:wasGeneratedBy)"
                ),
            )
        )
    stray = sorted(ds.default_graph, key=lambda t: tuple(str(x) for x in t))
    if named and stray:
        s, p, o = stray[0]
        failures.append(
            dict(
                focus=s,
                path=None,
                shape=TRIPLES_OUTSIDE_GRAPHS,
                message=(
                    f"{len(stray)} triple(s) of {where} sit in no named graph, so no span can be their "
                    f"source (every fact of a dataset sits in a named graph derived from a span); first: "
                    f"{s.n3()} {p.n3()} {_brief(o)}"
                ),
            )
        )
    return failures


def add_results(report, failures: list[dict]):
    """A new report: ``report``'s results and these, each also in the report graph."""
    nm = report.namespace_manager
    graph = report.graph
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
        graph.add((result, SH.focusNode, f["focus"]))
        if f["path"] is not None:
            graph.add((result, SH.resultPath, f["path"]))
        graph.add((result, SH.resultMessage, Literal(f["message"], lang="en")))
        graph.add((result, SH.resultSeverity, SH.Violation))
        graph.add((result, SH.sourceConstraintComponent, COMPONENT))
        graph.add((result, SH.sourceShape, f["shape"]))
        results.append(
            ValidationResult(
                focus=f["focus"],
                focus_label=label_of(graph, f["focus"]),
                path=_short(f["path"], nm) if f["path"] is not None else None,
                message=f["message"],
                value=None,
                component=str(COMPONENT).rsplit("#", 1)[-1],
                severity="Violation",
                source_shape=_short(f["shape"], nm),
            )
        )
    results.sort(key=lambda r: (str(r.focus), r.path or "", r.component, r.message, str(r.value)))
    return replace(report, conforms=False, results=results)


# -- helpers ------------------------------------------------------------------------


def _union(context) -> Graph:
    union = Graph()
    for triple in context.quads((None, None, None, None)) if is_dataset(context) else context:
        union.add(triple[:3])
    return union


def _subclasses(graph: Graph, cls: URIRef) -> set:
    found, todo = {cls}, [cls]
    while todo:
        for sub in graph.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _describes_provenance(s, p, facts: Graph, graph_names: set) -> bool:
    """A triple about a graph, an article, a span or a selector (the provenance graph)."""
    if s in graph_names or (s, PROV.wasDerivedFrom, None) in facts and not _has_words(s, facts):
        return True  # the description of a graph
    if p in (OA.hasSource, OA.hasSelector) or (None, PROV.wasDerivedFrom, s) in facts:
        return True  # a span
    if (None, OA.hasSelector, s) in facts or (None, OA.hasSource, s) in facts:
        return True  # a selector, an article
    types = set(facts.objects(s, RDF.type))
    return bool(types & {OA.SpecificResource, OA.TextPositionSelector, OA.TextQuoteSelector, SCHEMA.NewsArticle})


def _has_words(s, facts: Graph) -> bool:
    """Whether ``s`` has words (``schema:text``): a quotation, which is
    ``prov:wasDerivedFrom`` its sentence's span as that sentence's graph is, but is a fact
    (whose graph must be derived), not a graph; or an article, recognised below."""
    return (s, SCHEMA.text, None) in facts


def _brief(term) -> str:
    text = term.n3()
    return text if len(text) <= 80 else text[:77] + "..."
