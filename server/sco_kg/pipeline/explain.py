"""Why a triple holds: its proof down to asserted triples, and for each asserted one the named
graphs that state it and the words those graphs come from.

    >>> explanation = explain(load(), (KG["event-defence-ministers-meeting-patriot-park"],
    ...                                SCHEMA.attendee, KG["sergei-shoigu"]))
    >>> explanation.tree.rule                      # "prp-spo1"
    >>> explanation.sources[leaf]                  # (Source(graph, words), ...)

The proof is fastrl's (:mod:`.fastrl.prover`), over the asserted triples of the dataset (every
graph but ``kgg:inferred``, as the build reasons), and every step of the tree shown is checked
again by :mod:`.proof_check`, which shares no code with the reasoner: an explanation that does
not hold is an error, never shown. The proofs are found here, on demand (the build does not
store them yet); reasoning with them costs up to twice reasoning without (benchmarks/results/run.md).

A leaf's words: a graph derived from a span (``prov:wasDerivedFrom``) gives that span's
``oa:exact``; an editorial graph, the ontology and its imports say what they are instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ..core.errors import ConfigError
from ..rdf.namespaces import INFERRED_GRAPH, OA, ONTOLOGY_GRAPH, PREFIXES, compact, is_schema_graph
from . import fastrl, proof_check
from .fastrl import ProofTree

__all__ = ["Explainer", "Explanation", "Source", "as_json", "as_text", "display_name", "explain", "parse_triple", "RULE_WORDS"]

#: OWL 2 RL rule -> what it says, in words (the rules that occur in proofs of the project's data
#: and of the synthetic graphs; others are named by their identifier only)
RULE_WORDS: dict[str, str] = {
    "cax-sco": "an instance of a class is an instance of its super-classes (rdfs:subClassOf)",
    "cax-eqc1": "an instance of a class is an instance of the classes equivalent to it",
    "cax-eqc2": "an instance of a class is an instance of the classes equivalent to it",
    "prp-spo1": "a statement with a property also holds with its super-properties (rdfs:subPropertyOf)",
    "prp-dom": "the subject of a property is an instance of the property's domain (rdfs:domain)",
    "prp-rng": "the object of a property is an instance of the property's range (rdfs:range)",
    "prp-inv1": "a statement holds in reverse with the inverse property (owl:inverseOf)",
    "prp-inv2": "a statement holds in reverse with the inverse property (owl:inverseOf)",
    "prp-trp": "a transitive property chains: x to y and y to z give x to z",
    "prp-symp": "a symmetric property holds in both directions",
    "prp-eqp1": "a statement holds with the properties equivalent to its property",
    "prp-eqp2": "a statement holds with the properties equivalent to its property",
    "prp-fp": "a functional property has one value: two values are the same individual",
    "prp-ifp": "an inverse-functional property identifies its subject: two subjects are the same",
    "eq-sym": "owl:sameAs is symmetric",
    "eq-trans": "owl:sameAs is transitive",
    "eq-rep-s": "what holds of an individual holds of every individual the same as it (subject)",
    "eq-rep-p": "what holds with a property holds with every property the same as it",
    "eq-rep-o": "what holds of an individual holds of every individual the same as it (object)",
    "cls-hv1": "an instance of an owl:hasValue restriction has that value",
    "cls-hv2": "what has the value of an owl:hasValue restriction is an instance of it",
    "cls-svf1": "what has a value of the class of an owl:someValuesFrom restriction is an instance of it",
    "cls-avf": "a value of an instance of an owl:allValuesFrom restriction is an instance of its class",
    "scm-sco": "rdfs:subClassOf is transitive",
    "scm-spo": "rdfs:subPropertyOf is transitive",
    "scm-cls": "every class is a sub-class of itself and of owl:Thing",
    "scm-op": "every object property is a sub-property of itself",
    "scm-dp": "every datatype property is a sub-property of itself",
    "scm-eqc1": "equivalent classes are sub-classes of each other",
    "scm-eqc2": "classes that are sub-classes of each other are equivalent",
    "scm-eqp1": "equivalent properties are sub-properties of each other",
    "scm-dom1": "a property's domain extends to the domain's super-classes",
    "scm-dom2": "a property has the domains of its super-properties",
    "scm-rng1": "a property's range extends to the range's super-classes",
    "scm-rng2": "a property has the ranges of its super-properties",
    "dt-type2": "a literal is an instance of its datatype",
    "owlrl-prop": "every property is a sub-property of itself (owlrl's closure, beside OWL 2 RL)",
}

SPEC = "https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules"


@dataclass(frozen=True)
class Source:
    """A named graph stating an asserted triple, and the words it comes from (None when the
    graph is not derived from a span: ``what`` says what it is instead)."""

    graph: URIRef
    words: str | None
    what: str


@dataclass(frozen=True)
class Explanation:
    triple: tuple
    tree: ProofTree  # a leaf (rule None) when the triple is asserted
    sources: dict  # asserted triple of the tree -> tuple of Source

    @property
    def asserted(self) -> bool:
        return self.tree.asserted

    def leaves(self) -> list[tuple]:
        out, stack, seen = [], [self.tree], set()
        while stack:
            node = stack.pop()
            if node.asserted and node.triple not in seen:
                seen.add(node.triple)
                out.append(node.triple)
            stack.extend(reversed(node.premises))
        return out


def parse_triple(text: str) -> tuple:
    """One triple written in Turtle, with the project's prefixes (``kg:sco a org:Organization``,
    ``<iri> <iri> "literal"@fr``), a final ``.`` optional. A ConfigError says what is wrong."""
    body = text.strip()
    shown = body if len(body) <= 200 else body[:200] + "..."
    if not body:
        raise ConfigError("no triple given: write it as Turtle, e.g. 'kg:sco a org:FormalOrganization'")
    if re.search(r"(^|[\s;,(\[])[?$][A-Za-z_]", _STRINGS.sub('""', body)):
        raise ConfigError(f"a triple to explain names its terms, without variables: {shown!r}")
    if not body.endswith("."):
        body += " ."
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    graph = Graph()
    try:
        graph.parse(data=header + body, format="turtle", publicID=_RELATIVE)
    except Exception as exc:  # rdflib raises several kinds; all mean the same to the user
        raise ConfigError(f"not a triple in Turtle: {shown!r} ({str(exc).splitlines()[0][:200]})") from exc
    if len(graph) != 1:
        raise ConfigError(f"write exactly one triple, not {len(graph)}: {shown!r}")
    triple = next(iter(graph))
    if any(str(t).startswith(_RELATIVE) for t in triple if isinstance(t, URIRef)):
        raise ConfigError(f"an IRI of the triple is relative; write it whole (<https://...>) or prefixed: {shown!r}")
    return triple


#: string literals, left out when looking for variables ("Pourquoi ?x" is words, not a variable)
_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"|' + r"'(?:[^'\\\n]|\\.)*'")

#: the base relative IRIs resolve against while parsing, to find them (none is accepted)
_RELATIVE = "urn:x-sco-kg:relative:"


class Explainer:
    """Explanations over one dataset: its asserted triples, their graphs and words, and the
    proofs of its closure, each computed once, on the first question that needs it."""

    def __init__(self, dataset) -> None:
        self.dataset = dataset
        self._asserted_in: dict | None = None
        self._provenance: Graph | None = None
        self._proofs = None

    @property
    def asserted_in(self) -> dict:
        if self._asserted_in is None:
            self._asserted_in = _graphs_stating(self.dataset)
        return self._asserted_in

    def explain(self, triple: tuple) -> Explanation | None:
        """The proof of ``triple``, or None when it is neither asserted nor entailed."""
        if triple in self.asserted_in:
            tree = ProofTree(triple)
        else:
            if self._proofs is None:
                self._proofs = fastrl.closure(self.dataset, exclude=[INFERRED_GRAPH], proofs=True).proofs
            tree = self._proofs.tree(triple)
            if tree is None:
                return None
            _check(tree, self.asserted_in)
        if self._provenance is None:
            self._provenance = _provenance(self.dataset)
        explanation = Explanation(triple, tree, {})
        for leaf in explanation.leaves():
            graphs = sorted(self.asserted_in.get(leaf, ()))
            explanation.sources[leaf] = tuple(_source(self._provenance, g) for g in graphs)
        return explanation


def explain(dataset, triple: tuple) -> Explanation | None:
    """The proof of ``triple`` over the asserted triples of ``dataset`` (a QuadSet or rdflib
    Dataset), or None when the triple is neither asserted nor entailed."""
    return Explainer(dataset).explain(triple)


def _graphs_stating(dataset) -> dict:
    """Asserted triple -> the graphs stating it (every graph but ``kgg:inferred``)."""
    found: dict = {}
    for graph in dataset.graphs():
        if graph.identifier == INFERRED_GRAPH:
            continue
        for triple in graph:
            found.setdefault(triple, set()).add(graph.identifier)
    return found


def _check(tree: ProofTree, asserted_in: dict) -> None:
    """Every step of ``tree`` checked by the independent checker; a failure is a bug of the
    reasoner's proofs, said as such."""
    steps, stack = {}, [tree]
    while stack:
        node = stack.pop()
        if not node.asserted and node.triple not in steps:
            steps[node.triple] = fastrl.Derivation(node.rule, tuple(p.triple for p in node.premises))
            stack.extend(node.premises)
    problems = proof_check.check(asserted_in.keys(), steps)
    if problems:
        raise RuntimeError("the reasoner's proof does not hold: " + "; ".join(problems[:3]))


#: what a leaf's graph is described with: its span, the span's selectors, the quote, a comment
_PROVENANCE_PREDICATES = (PROV.wasDerivedFrom, OA.hasSelector, OA.exact, RDFS.comment)


def _provenance(dataset) -> Graph:
    """The triples that say where a graph's words are, from every graph, in one small graph."""
    out = Graph()
    for graph in dataset.graphs():
        if graph.identifier == INFERRED_GRAPH:
            continue
        for predicate in _PROVENANCE_PREDICATES:
            for triple in graph.triples((None, predicate, None)):
                out.add(triple)
        for triple in graph.triples((None, RDF.type, OA.TextQuoteSelector)):
            out.add(triple)
    return out


def _source(provenance: Graph, graph: URIRef) -> Source:
    if graph == ONTOLOGY_GRAPH:
        return Source(graph, None, "the ontology (ontology/sco-kg.ttl)")
    if is_schema_graph(graph):
        return Source(graph, None, "an axiom of a pinned standard vocabulary (ontology/imports/)")
    for span in provenance.objects(graph, PROV.wasDerivedFrom):
        for selector in provenance.objects(span, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) in provenance:
                exact = provenance.value(selector, OA.exact)
                if exact is not None:
                    return Source(graph, str(exact), "stated by the words")
    comment = provenance.value(graph, RDFS.comment)
    if comment is not None:
        return Source(graph, None, str(comment))
    return Source(graph, None, "a graph derived from no span")


def _node(tree: ProofTree, explanation: Explanation, name) -> dict:
    out = {"triple": [name(t) for t in tree.triple]}
    if tree.asserted:
        out["asserted_in"] = [{"graph": str(s.graph), "words": s.words, "what": s.what}
                              for s in explanation.sources.get(tree.triple, ())]
    else:
        out["rule"] = tree.rule
        out["rule_says"] = RULE_WORDS.get(tree.rule, "")
        out["premises"] = [_node(p, explanation, name) for p in tree.premises]
    return out


def as_json(explanation: Explanation, name=lambda t: t.n3()) -> dict:
    """The tree as JSON-ready dicts: each node its triple (terms as ``name`` writes them), and
    either the rule (with what it says) and its premises, or the graphs that assert it."""
    return {"spec": SPEC, "proof": _node(explanation.tree, explanation, name)}


def as_text(explanation: Explanation, name=lambda t: t.n3()) -> list[str]:
    """The tree as indented lines for people, as Stardog's ``reasoning explain`` prints one:
    each step its rule and what the rule says, each asserted triple its graphs and words."""
    lines: list[str] = []
    stack = [(explanation.tree, "", "")]
    while stack:
        tree, indent, bullet = stack.pop()
        lines.append(indent + bullet + " ".join(name(t) for t in tree.triple))
        inner = indent + " " * len(bullet) + "  "
        if tree.asserted:
            for source in explanation.sources.get(tree.triple, ()):
                said = f"«{source.words}»" if source.words else source.what
                lines.append(f"{inner}asserted in {name(source.graph)}: {said}")
            continue
        says = RULE_WORDS.get(tree.rule)
        lines.append(f"{inner}by {tree.rule}" + (f": {says}" if says else "") + "; from:")
        stack.extend((p, inner, "- ") for p in reversed(tree.premises))
    return lines


def display_name(term, prefixes: dict = PREFIXES) -> str:
    """A term for people: an IRI under a known namespace as ``prefix:rest`` even where Turtle
    would not allow it (``kgg:000_1cb7668562977704/s01``), anything else as N-Triples."""
    if isinstance(term, URIRef) and compact(str(term), prefixes) != str(term):
        return compact(str(term), prefixes)
    if isinstance(term, Literal) and term.datatype is not None:
        return f"{Literal(str(term)).n3()}^^{display_name(term.datatype, prefixes)}"
    return term.n3()
