"""Why a triple holds: its proof down to asserted triples, and for each asserted one the named
graphs that state it and the words those graphs come from.

    >>> explanation = explain(load(), (KG["event-defence-ministers-meeting-patriot-park"],
    ...                                SCHEMA.attendee, KG["sergei-shoigu"]))
    >>> explanation.tree.rule                      # "prp-spo1"
    >>> explanation.sources[leaf]                  # (Source(graph, words), ...)

The proof is fastrl's (:mod:`.fastrl.prover`), over the asserted triples of the dataset (every
graph but ``kgg:inferred`` and ``kgg:proofs``, as the build reasons), found here on demand; a
server reads it from the build's ``kgg:proofs`` instead (:mod:`.proof_graph`). Either way every
step of the tree shown is checked again by :mod:`.proof_check`, which shares no code with the
reasoner: an explanation that does not hold is an error, never shown.

A leaf's words: a graph derived from a span (``prov:wasDerivedFrom``) gives that span's
``oa:exact``; an editorial graph, the ontology and its imports say what they are instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ..core.errors import ConfigError, ScoKgError
from ..rdf.namespaces import INFERRED_GRAPH, OA, ONTOLOGY_GRAPH, PREFIXES, PROOFS_GRAPH, compact, is_schema_graph
from . import fastrl, proof_check, proof_graph
from .fastrl import ProofTree
from .rules import RULE_WORDS, SPEC

__all__ = ["MAX_NESTING", "Explainer", "Explanation", "ProofTooDeep", "Source", "as_json", "check_nesting", "depth", "as_text", "display_name", "explain", "parse_triple", "RULE_WORDS"]



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
    if isinstance(triple[0], Literal) or not isinstance(triple[1], URIRef):
        raise ConfigError(f"an RDF triple's subject is an IRI or a blank node, its predicate an IRI: {shown!r}")
    if any(str(t).startswith(_RELATIVE) for t in triple if isinstance(t, URIRef)):
        raise ConfigError(f"an IRI of the triple is relative; write it whole (<https://...>) or prefixed: {shown!r}")
    return triple


#: string literals, left out when looking for variables ("Pourquoi ?x" is words, not a variable)
_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"|' + r"'(?:[^'\\\n]|\\.)*'")

#: the base relative IRIs resolve against while parsing, to find them (none is accepted)
_RELATIVE = "urn:x-sco-kg:relative:"


class Explainer:
    """Explanations over one dataset: its asserted triples, their graphs and words, and the
    proofs of its closure, each computed once, on the first question that needs it.

    A server has them already: ``asserted_in`` (triple -> the graphs stating it: anything that
    answers ``in``, ``get`` and ``keys``), ``proofs`` (anything with ``tree(triple)``, such as
    the :class:`~sco_kg.pipeline.proof_graph.ProofSet` read from ``kgg:proofs``) and
    ``source_of`` (graph -> its :class:`Source`) replace what the dataset would give."""

    def __init__(self, dataset=None, *, asserted_in=None, proofs=None, source_of=None) -> None:
        if dataset is None and None in (asserted_in, proofs, source_of):
            raise TypeError("an Explainer needs a dataset, or asserted_in, proofs and source_of")
        self.dataset = dataset
        self._asserted_in = asserted_in
        self._source_of = source_of
        self._provenance: Graph | None = None
        self._proofs = proofs

    @property
    def asserted_in(self) -> dict:
        if self._asserted_in is None:
            self._asserted_in = proof_graph.graphs_stating(self.dataset)
        return self._asserted_in

    def explain(self, triple: tuple) -> Explanation | None:
        """The proof of ``triple``, or None when it is neither asserted nor entailed."""
        if triple in self.asserted_in:
            tree = ProofTree(triple)
        else:
            if self._proofs is None:
                self._proofs = fastrl.closure(self.dataset, exclude=[INFERRED_GRAPH, PROOFS_GRAPH], proofs=True).proofs
            tree = self._proofs.tree(triple)
            if tree is None:
                return None
            _check(tree, self.asserted_in)
        explanation = Explanation(triple, tree, {})
        for leaf in explanation.leaves():
            graphs = sorted(self.asserted_in.get(leaf, ()))
            explanation.sources[leaf] = tuple(self.source_of(g) for g in graphs)
        return explanation

    def source_of(self, graph: URIRef) -> Source:
        """What ``graph`` is, and the words it comes from."""
        if self._source_of is not None:
            return self._source_of(graph)
        if self._provenance is None:
            self._provenance = _provenance(self.dataset)
        return _source(self._provenance, graph)


def explain(dataset, triple: tuple) -> Explanation | None:
    """The proof of ``triple`` over the asserted triples of ``dataset`` (a QuadSet or rdflib
    Dataset), or None when the triple is neither asserted nor entailed."""
    return Explainer(dataset).explain(triple)


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
        if graph.identifier in (INFERRED_GRAPH, PROOFS_GRAPH):
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


#: the deepest proof given as nested JSON or HTML (JSON encoders and templates recurse); the
#: text of :func:`as_text` and the graph kgg:proofs have no such bound
MAX_NESTING = 200


class ProofTooDeep(ScoKgError):
    """A proof deeper than :data:`MAX_NESTING` steps, asked for as nested JSON or HTML."""


def depth(tree: ProofTree) -> int:
    """The number of steps on the longest path from ``tree`` to a leaf (without recursion)."""
    deepest, stack = 0, [(tree, 0)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((p, level + 1) for p in node.premises)
    return deepest


def check_nesting(explanation: Explanation) -> None:
    found = depth(explanation.tree)
    if found > MAX_NESTING:
        raise ProofTooDeep(f"the proof is {found} steps deep: too deep to nest as JSON or HTML (at most "
                           f"{MAX_NESTING}); print it as text (sco-kg explain without --json) or read GRAPH kgg:proofs")


def as_json(explanation: Explanation, name=lambda t: t.n3()) -> dict:
    """The tree as JSON-ready dicts: each node its triple (terms as ``name`` writes them), and
    either the rule (with what it says) and its premises, or the graphs that assert it.
    :class:`ProofTooDeep` past :data:`MAX_NESTING` steps."""
    check_nesting(explanation)
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
