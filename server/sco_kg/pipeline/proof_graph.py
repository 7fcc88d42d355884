"""Proofs as data: the derivation of every inferred triple written as RDF (the graph
``kgg:proofs``), and read back.

Each triple of a proof is an ``rdf:Statement`` (standard reification: every store loads it,
Virtuoso 7.2 included, where RDF 1.2 triple terms would not load). An inferred one::

    kgp:<h> a rdf:Statement ; rdf:subject ... ; rdf:predicate ... ; rdf:object ... ;
        prov:wasGeneratedBy kgp:<h>-step ;
        prov:wasDerivedFrom kgp:<h1> , kgp:<h2> .
    kgp:<h>-step a skg:RuleApplication ; skg:rule kgp:rule/prp-spo1 ;
        skg:premises kgp:<h>-step-1 .            # an rdf:List, in the order of the rule's If column
    kgp:<h>-step-1 rdf:first kgp:<h1> ; rdf:rest kgp:<h>-step-2 .
    kgp:<h>-step-2 rdf:first kgp:<h2> ; rdf:rest rdf:nil .

and an asserted one (a leaf) ``skg:assertedIn`` the named graphs that state it, which are
``prov:wasDerivedFrom`` the spans of their words. ``<h>`` is a digest of the triple in
N-Triples, so a triple has the same IRI in every build; a triple with a blank node gets a
blank node (its label means nothing outside one build). Each rule used is described once:
``kgp:rule/<id> a skg:InferenceRule ; skos:notation "<id>" ; skos:definition "..."@en``.

:func:`proofs_of` picks the derivations that the inferred triples need (their premises'
too, noise included), :func:`proof_triples` writes them, :func:`read_proofs` reads a graph
of proofs back into the mapping that :func:`sco_kg.pipeline.proof_check.check` checks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from ..rdf.namespaces import INFERRED_GRAPH, KGP, PROOFS_GRAPH, REASONING_RUN, SKG
from .fastrl import Derivation, ProofTree
from .rules import RULE_WORDS, SPEC

__all__ = ["ProofSet", "ProofTooLarge", "graphs_stating", "proofs_of", "proof_triples", "read_proof_of", "read_proofs", "rule_iri",
           "statement_node", "tree"]

Triple = tuple


@dataclass
class ProofSet:
    """The derivations of some triples and of every derived premise under them, and the
    named graphs stating each asserted premise (the leaves)."""

    derivations: dict = field(default_factory=dict)  # triple -> Derivation
    asserted_in: dict = field(default_factory=dict)  # leaf triple -> set of graph IRIs

    @property
    def leaves(self) -> set:
        return set(self.asserted_in)

    def tree(self, triple: Triple):
        """:func:`tree` of ``triple`` (as fastrl's ``Proofs.tree``)."""
        return tree(self, triple)


def proofs_of(proofs, conclusions: Iterable[Triple], graphs_stating: Callable[[set], dict]) -> ProofSet:
    """The derivations of ``conclusions`` (each must have one: a ValueError names one that
    has none) and of every derived premise below them, from ``proofs`` (fastrl's
    :class:`~sco_kg.pipeline.fastrl.Proofs`); ``graphs_stating(leaves)`` gives the graphs that
    state each asserted leaf."""
    found = ProofSet()
    leaves: set = set()
    stack = list(conclusions)
    while stack:
        triple = stack.pop()
        if triple in found.derivations or triple in leaves:
            continue
        if proofs.is_asserted(triple):
            leaves.add(triple)
            continue
        derivation = proofs.derivation(triple)
        if derivation is None:
            raise ValueError(f"the reasoner gave no proof of {' '.join(t.n3() for t in triple)}")
        found.derivations[triple] = derivation
        stack.extend(derivation.premises)
    found.asserted_in = graphs_stating(leaves)
    missing = leaves - set(found.asserted_in)
    if missing:
        example = next(iter(missing))
        raise ValueError(f"{len(missing)} premises are in no graph, e.g. {' '.join(t.n3() for t in example)}")
    return found


def graphs_stating(dataset, wanted: set | None = None, skip=(INFERRED_GRAPH, PROOFS_GRAPH)) -> dict:
    """Triple -> the named graphs of ``dataset`` stating it, for the triples of ``wanted``
    (None: every triple), the graphs of ``skip`` left out (by default those the reasoner makes)."""
    found: dict = {}
    if wanted is not None and not wanted:
        return found
    for graph in list(dataset.graphs()):
        name = graph.identifier
        if name in skip:
            continue
        for triple in graph.triples((None, None, None)):
            if wanted is None or triple in wanted:
                found.setdefault(triple, set()).add(name)
    return found


def rule_iri(rule: str) -> URIRef:
    return KGP["rule/" + rule]


def statement_node(triple: Triple):
    """``kgp:<digest>`` for a triple of IRIs and literals; a blank node for one with a blank node."""
    if any(isinstance(t, BNode) for t in triple):
        return BNode()
    text = " ".join(t.n3() for t in triple)
    return KGP[hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]]


def proof_triples(found: ProofSet, run: URIRef = REASONING_RUN) -> Iterator[Triple]:
    """The triples of the graph of proofs of ``found``: its description, one node per
    triple, one per step, one per rule."""
    yield PROOFS_GRAPH, PROV.wasGeneratedBy, run
    yield PROOFS_GRAPH, RDFS.comment, Literal(
        "Why each triple of kgg:inferred holds: one OWL 2 RL rule application per inferred triple, "
        "down to asserted triples and the named graphs that state them.", lang="en")
    nodes: dict = {}

    def node(triple: Triple):
        made = nodes.get(triple)
        if made is None:
            made = nodes[triple] = statement_node(triple)
        return made

    def statement(triple: Triple, made) -> Iterator[Triple]:
        yield made, RDF.type, RDF.Statement
        yield made, RDF.subject, triple[0]
        yield made, RDF.predicate, triple[1]
        yield made, RDF.object, triple[2]

    rules: set = set()
    for triple, derivation in found.derivations.items():
        made = node(triple)
        step = BNode() if isinstance(made, BNode) else URIRef(str(made) + "-step")
        yield from statement(triple, made)
        yield made, PROV.wasGeneratedBy, step
        premises = [node(p) for p in derivation.premises]
        for premise in dict.fromkeys(premises):
            yield made, PROV.wasDerivedFrom, premise
        yield step, RDF.type, SKG.RuleApplication
        yield step, SKG.rule, rule_iri(derivation.rule)
        rules.add(derivation.rule)
        head, cells = _list_triples(premises, None if isinstance(step, BNode) else str(step))
        yield step, SKG.premises, head
        yield from cells
    for triple, graphs in found.asserted_in.items():
        made = node(triple)
        yield from statement(triple, made)
        for graph in sorted(graphs, key=str):
            yield made, SKG.assertedIn, graph
    for rule in sorted(rules):
        iri = rule_iri(rule)
        yield iri, RDF.type, SKG.InferenceRule
        yield iri, SKOS.notation, Literal(rule)
        yield iri, RDFS.label, Literal(rule)
        if rule in RULE_WORDS:
            yield iri, SKOS.definition, Literal(RULE_WORDS[rule], lang="en")
        yield iri, RDFS.seeAlso, URIRef(SPEC)


def _list_triples(items: list, base: str | None) -> tuple:
    """An rdf:List of ``items``: its head and its triples (``rdf:nil`` for none). Its cells are
    IRIs under ``base`` (``<step>-1``, ``<step>-2``...) when given: blank nodes would make the
    dumps' canonical labelling (rdflib.compare) slow, thousands of them, and the IRIs stable."""
    if not items:
        return RDF.nil, []
    nodes = [URIRef(f"{base}-{i + 1}") if base else BNode() for i in range(len(items))]
    out = []
    for i, (cell, item) in enumerate(zip(nodes, items)):
        out.append((cell, RDF.first, item))
        out.append((cell, RDF.rest, nodes[i + 1] if i + 1 < len(nodes) else RDF.nil))
    return nodes[0], out


def read_proofs(graph: Graph) -> ProofSet:
    """The derivations and leaves a graph of proofs states (the inverse of
    :func:`proof_triples`). What it reads is taken as it is written: check it with
    :func:`sco_kg.pipeline.proof_check.check` before trusting it."""
    found = ProofSet()
    triple_of: dict = {}
    for made in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(made, q) for q in (RDF.subject, RDF.predicate, RDF.object))
        if s is not None and p is not None and o is not None:
            triple_of[made] = (s, p, o)
    for made, triple in triple_of.items():
        graphs = set(graph.objects(made, SKG.assertedIn))
        if graphs:
            found.asserted_in.setdefault(triple, set()).update(graphs)
        step = graph.value(made, PROV.wasGeneratedBy)
        if step is None:
            continue
        rule = graph.value(step, SKG.rule)
        head = graph.value(step, SKG.premises)
        if rule is None or head is None:
            continue
        notation = graph.value(rule, SKOS.notation)
        name = str(notation) if notation is not None else str(rule).rsplit("/", 1)[-1]
        premises = tuple(triple_of.get(n, (n, None, None)) for n in Collection(graph, head))
        found.derivations[triple] = Derivation(name, premises)
    return found


def tree(found: ProofSet, triple: Triple):
    """The :class:`~sco_kg.pipeline.fastrl.ProofTree` of ``triple`` from ``found`` (read from a
    graph of proofs); None when it is neither a leaf nor derived there. Shared sub-proofs are
    built once; a premise that is neither (a damaged graph) becomes a leaf, which the checker
    then refuses."""
    if triple not in found.derivations and triple not in found.asserted_in:
        return None
    made: dict = {}
    on_path: set = set()
    stack = [triple]
    while stack:
        node = stack[-1]
        if node in made:
            stack.pop()
            on_path.discard(node)
            continue
        derivation = found.derivations.get(node) if node not in found.asserted_in else None
        if derivation is None:
            made[node] = ProofTree(node)
            stack.pop()
            continue
        on_path.add(node)
        waiting = [p for p in derivation.premises if p not in made and p not in on_path]
        if waiting:
            stack.extend(waiting)
            continue
        made[node] = ProofTree(node, derivation.rule,
                               tuple(made.get(p) or ProofTree(p) for p in derivation.premises))
        stack.pop()
        on_path.discard(node)
    return made[triple]


class ProofTooLarge(ValueError):
    """A proof with more steps than a reader may follow at once."""


def read_proof_of(triple: Triple, objects: Callable, max_steps: int = 2000) -> ProofSet:
    """The proof of one ``triple`` read from a graph of proofs through ``objects(node,
    predicate)`` (the objects of a pattern: an rdflib Graph's, or a store's lookups), from
    its node (:func:`statement_node`) down: what a server reads per question, instead of the
    whole graph. Empty when the graph has no node for it; :class:`ProofTooLarge` past
    ``max_steps`` derivations."""
    found = ProofSet()
    start = statement_node(triple)
    if isinstance(start, BNode) or not objects(start, RDF.subject):
        return found

    def one(node, predicate):
        values = objects(node, predicate)
        return values[0] if values else None

    stack = [(start, triple)]
    seen: set = set()
    while stack:
        node, made = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        graphs = objects(node, SKG.assertedIn)
        if graphs:
            found.asserted_in[made] = set(graphs)
            continue
        step = one(node, PROV.wasGeneratedBy)
        rule = one(step, SKG.rule) if step is not None else None
        head = one(step, SKG.premises) if step is not None else None
        if rule is None or head is None:
            continue  # neither a leaf nor a step: the checker will say what is missing
        if len(found.derivations) >= max_steps:
            raise ProofTooLarge(f"the proof has more than {max_steps} steps")
        notation = one(rule, SKOS.notation)
        premises = []
        while head is not None and head != RDF.nil and len(premises) < 10_000:
            item = one(head, RDF.first)
            if item is None:
                break
            values = tuple(one(item, q) for q in (RDF.subject, RDF.predicate, RDF.object))
            premise = values if None not in values else (item, None, None)
            premises.append(premise)
            stack.append((item, premise))
            head = one(head, RDF.rest)
        found.derivations[made] = Derivation(str(notation) if notation is not None else str(rule), tuple(premises))
    return found
