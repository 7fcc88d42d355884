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

What only the dataset knows is which graphs exist. Per named graph of each input of a
dataset syntax (TriG, N-Quads, JSON-LD, TriX: the loader's
:class:`~sco_kg.pipeline.load.DeclaredGraphs`; here, not in SHACL), whatever door the input
came through (build, validate, POST /validate, POST /data):

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
from SHACL's. Plain graphs (Turtle, ...) have no graphs to check: the rules do not apply
(PROFILE.md, "What is checked where"); nor do the project's own data/ files, which the
build loads as trusted.

The few facts the rules read (derivations, types, sub-classes of ``prov:Entity``, spans and
selectors) are indexed in one pass over the dataset (:class:`Facts`): at 1M synthetic
triples the pass takes ~1 s, where copying the dataset into an rdflib Graph to ask it took
minutes.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ..rdf.namespaces import OA, SCHEMA, SKG
from ..rdf.quadset import QuadSet, is_dataset
from .load import DeclaredGraphs
from .report import PROVENANCE, SKGSH, Failure

#: the constraint component of every result of this module (not a SHACL one)
COMPONENT = PROVENANCE
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

_SPAN_PARTS = {OA.SpecificResource, OA.TextPositionSelector, OA.TextQuoteSelector, SCHEMA.NewsArticle}
_READ = {PROV.wasDerivedFrom, PROV.wasGeneratedBy, RDF.type, RDFS.subClassOf, SCHEMA.text, OA.hasSelector,
         OA.hasSource}


class Facts:
    """The few facts the rules read, indexed in one pass over every triple of a dataset."""

    def __init__(self, triples) -> None:
        self.derived_from: set = set()  # subjects of prov:wasDerivedFrom
        self.derived_objects: set = set()  # its objects (spans)
        self.generated: set = set()  # subjects of prov:wasGeneratedBy
        self.types: dict = defaultdict(set)
        self.subclasses: dict = defaultdict(set)  # class -> its direct sub-classes
        self.has_text: set = set()  # subjects of schema:text
        self.span_parts: set = set()  # objects of oa:hasSelector and oa:hasSource
        read = _READ
        for s, p, o in triples:
            if p not in read:
                continue
            if p == RDF.type:
                self.types[s].add(o)
            elif p == PROV.wasDerivedFrom:
                self.derived_from.add(s)
                self.derived_objects.add(o)
            elif p == PROV.wasGeneratedBy:
                self.generated.add(s)
            elif p == RDFS.subClassOf:
                self.subclasses[o].add(s)
            elif p == SCHEMA.text:
                self.has_text.add(s)
            else:  # oa:hasSelector, oa:hasSource
                self.span_parts.add(o)

    def subclasses_of(self, cls) -> set:
        found, todo = {cls}, [cls]
        while todo:
            for sub in self.subclasses.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return found

    def describes_provenance(self, s, p, graph_names: set) -> bool:
        """A triple about a graph, an article, a span or a selector (the provenance graph)."""
        if s in graph_names or s in self.derived_from and s not in self.has_text:
            return True  # the description of a graph (a quotation, with words, is a fact)
        if p in (OA.hasSource, OA.hasSelector) or s in self.derived_objects:
            return True  # a span
        if s in self.span_parts:
            return True  # a selector, an article
        return bool(self.types.get(s, set()) & _SPAN_PARTS)


def _all_triples(dataset):
    for graph in dataset.graphs():
        yield from graph.triples((None, None, None))


def check(declared: list[DeclaredGraphs], dataset) -> list[Failure]:
    """The failures of the rules over the graphs each input declared; ``dataset`` is
    everything loaded (where graphs are described: the input, and the served data)."""
    if not declared:
        return []
    facts = Facts(_all_triples(dataset))
    editorial = facts.subclasses_of(PROV.Entity) | {SKG.EditorialGraph}
    failures = []
    for item in declared:
        names = set(item.graphs)
        for name in item.graphs:
            if name in facts.derived_from:
                continue  # the span itself: the shapes (SHAPES_RULES)
            if facts.types.get(name, set()) & editorial or name in facts.generated:
                continue
            graph = dataset.graph(name)
            if all(facts.describes_provenance(s, p, names) for s, p, _ in graph):
                continue
            failures.append(Failure(
                name, PROV.wasDerivedFrom, GRAPH_NOT_DERIVED,
                f"graph {name.n3()} of {item.where} holds {len(graph)} triple(s) but is not derived from a "
                "span of an article (<graph> prov:wasDerivedFrom <span>, the span with oa:hasSource and its "
                "selectors) nor declared editorial (a skg:EditorialGraph or prov:Entity) nor generated by an "
                "activity (prov:wasGeneratedBy)",
                COMPONENT))
        if item.stray:
            s, p, o = item.stray[0]
            failures.append(Failure(
                s, None, TRIPLES_OUTSIDE_GRAPHS,
                f"{len(item.stray)} triple(s) of {item.where} sit in no named graph, so no span can be their "
                f"source (every fact of a dataset sits in a named graph derived from a span); first: "
                f"{s.n3()} {p.n3()} {_brief(o)}",
                COMPONENT))
    return failures


def check_dataset(ds, context, where: str = "the file") -> list[Failure]:
    """The failures of the rules over the named graphs of ``ds`` (a dataset as a stranger
    sent it), described in ``context`` and in ``ds`` itself."""
    named = [g for g in ds.graphs() if g.identifier != ds.default_graph.identifier and len(g)]
    if not named:
        return []
    declared = DeclaredGraphs(where, tuple(sorted((g.identifier for g in named), key=str)),
                              tuple(sorted(ds.default_graph, key=lambda t: tuple(map(str, t)))))
    everything = QuadSet.from_dataset(ds)
    if is_dataset(context):
        everything.merge(context if isinstance(context, QuadSet) else QuadSet.from_dataset(context))
    else:
        everything.graph(URIRef("urn:x-sco-kg:context")).update(context)
    return check([declared], everything)


def _brief(term) -> str:
    text = term.n3()
    return text if len(text) <= 80 else text[:77] + "..."
