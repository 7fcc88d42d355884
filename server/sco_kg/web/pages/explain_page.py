"""``/explain?s=&p=&o=``: why a triple holds, read from the build's ``kgg:proofs``.

Each of ``s``, ``p``, ``o`` is a term as N-Triples or Turtle writes it (``<iri>``, a prefixed
name such as ``kg:china``, a literal ``"..."@fr``) or a bare absolute IRI. The answer, by
Accept (or ``?format=json|ttl|html``): JSON (the tree of ``sco-kg explain --json``, default),
Turtle (the proof's own triples of ``kgg:proofs``: its statements, steps, rules, the graphs of
its leaves and the spans of their words), or an HTML page for people (the link "why" of an
entity page's inferred statements). Every step is checked by :mod:`sco_kg.pipeline.proof_check`
before it is shown.

The proof is read per question by lookups from its node down (the node of a triple is named
by its digest, :func:`sco_kg.pipeline.proof_graph.statement_node`), never the whole graph;
past :data:`MAX_STEPS` steps the answer is 413 and says to read it over ``/sparql``.
404: the triple is neither asserted nor in the proofs (not inferred, or a build without proofs).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import PROV, RDF

from ...core.errors import ConfigError
from ...pipeline import proof_graph
from ...pipeline.explain import Explainer, ProofTooDeep, Source, as_json, check_nesting, display_name, parse_triple
from ...pipeline.rules import RULE_WORDS
from ...rdf.namespaces import INFERRED_GRAPH, KGP, OA, PROOFS_GRAPH, SKG, bind_prefixes
from ...rdf.terms import rdflib_converter, to_oxigraph
from ...store.memory import source_quads
from .. import conneg
from ..app import current_kg
from ..errors import ApiError
from .label_index import current_index
from .terms import term

bp = Blueprint("explain_page", __name__)

#: the most steps one answer follows (a proof is checked whole before it is shown)
MAX_STEPS = 2000
#: media type -> ?format= name
ANSWERS = {"application/json": "json", "text/turtle": "ttl", "text/html": "html"}
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_PREFIXED = re.compile(r"^[A-Za-z][\w.-]*:")


#: one Turtle literal: a quoted string (short or long), then a language tag or a datatype
_LITERAL = re.compile(r'^("""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                      r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
                      r'(@[A-Za-z]+(-[A-Za-z0-9]+)*|\^\^(<[^<>\s]*>|[A-Za-z][\w.-]*:[\w.-]*))?$', re.DOTALL)


def _term_text(key: str, value: str) -> str:
    """A parameter as Turtle: ``<iri>``, ``"literal"...`` and ``prefix:name`` as they are, a
    bare absolute IRI (``https://...``, ``urn:...``) in angle brackets. One term each: a
    parameter that holds more (a directive, a second triple) is refused."""
    value = value.strip()
    if value.startswith(("'", '"')):
        if not _LITERAL.match(value):
            raise ApiError(400, f"?{key}= is not one literal (\"...\", \"...\"@fr, \"...\"^^xsd:date): {value[:200]!r}")
        return value
    if value.startswith("_:"):
        raise ApiError(400, f"?{key}= is a blank node: it names nothing outside the document it is in")
    if re.search(r"\s", value) or value.startswith(("@", "[", "(")):
        raise ApiError(400, f"?{key}= holds one term (an IRI, a prefixed name, a literal): {value[:200]!r}")
    if value.startswith(("<", '"', "'")) or not _ABSOLUTE_IRI.match(value):
        return value
    if "//" in value or value.lower().startswith("urn:") or not _PREFIXED.match(value):
        return f"<{value}>"
    return value  # kg:china: a prefixed name


def requested_triple() -> tuple:
    missing = [k for k in ("s", "p", "o") if not request.args.get(k, "").strip()]
    if missing:
        raise ApiError(400, f"give the triple to explain as ?s=&p=&o= (missing: {', '.join(missing)}), "
                            "each an IRI, a prefixed name (kg:china) or a literal (\"...\"@fr)")
    if sum(len(request.args[k]) for k in ("s", "p", "o")) > 10_000:
        raise ApiError(400, "the triple is too long to explain (over 10,000 characters)")
    text = " ".join(_term_text(k, request.args[k]) for k in ("s", "p", "o"))
    try:
        return parse_triple(text)
    except ConfigError as exc:
        raise ApiError(400, str(exc)) from None


class StoreStatements:
    """Triple -> the named graphs of the store stating it (not the closure, not the proofs):
    the lookups an Explainer asks of its asserted triples."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._skip = {ox.NamedNode(str(INFERRED_GRAPH)), ox.NamedNode(str(PROOFS_GRAPH))}
        self._cache: dict = {}

    def get(self, triple, default=()):
        found = self._cache.get(triple)
        if found is None:
            try:
                s, p, o = (to_oxigraph(t) for t in triple)
                quads = self.store.quads_for_pattern(s, p, o, None)
                found = {URIRef(q.graph_name.value) for q in quads
                         if isinstance(q.graph_name, ox.NamedNode) and q.graph_name not in self._skip}
            except (TypeError, ValueError):  # not a triple of this store's terms
                found = set()
            self._cache[triple] = found
        return found or default

    def __contains__(self, triple) -> bool:
        return bool(self.get(triple))

    def keys(self):
        return self


class StoredProofs:
    """The proofs of ``kgg:proofs`` in the store, read per question."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.graph = ox.NamedNode(str(PROOFS_GRAPH))
        self.convert = rdflib_converter(fresh_blank_nodes=False)
        self.read: proof_graph.ProofSet | None = None

    def objects(self, node, predicate) -> list:
        try:
            subject = to_oxigraph(node)
        except (TypeError, ValueError):
            return []
        quads = self.store.quads_for_pattern(subject, to_oxigraph(predicate), None, self.graph)
        return [self.convert(q.object) for q in quads]

    def tree(self, triple):
        self.read = proof_graph.read_proof_of(triple, self.objects, MAX_STEPS)
        return self.read.tree(triple) if self.read.derivations else None


def source_of(graph: URIRef) -> Source:
    """What a graph is, from the pages' index of graphs (the words of a sentence's span)."""
    found = current_index().source(ox.NamedNode(str(graph)))
    if found.kind == "sentence" and found.quote:
        return Source(graph, found.quote, "stated by the words")
    what = {"ontology": "the ontology or an axiom of a pinned standard vocabulary (ontology/)",
            "inferred": "the description of the reasoning run", "editorial": found.comment or "an editorial graph"}
    return Source(graph, None, what.get(found.kind, "a graph of the dataset"))


@bp.route("/explain")
def explain_route():
    answer = _answer_format()
    triple = requested_triple()
    kg = current_kg()
    proofs = StoredProofs(kg.store)
    explainer = Explainer(asserted_in=StoreStatements(kg.store), proofs=proofs, source_of=source_of)
    try:
        explanation = explainer.explain(triple)
    except proof_graph.ProofTooLarge as exc:
        raise ApiError(413, f"{exc}: too many to check and show here; read it from GRAPH <{PROOFS_GRAPH}> over /sparql") from None
    if explanation is None:
        said = " ".join(display_name(t) for t in triple)
        if str(PROOFS_GRAPH) not in kg.graphs:
            raise ApiError(404, f"{said} is not asserted here, and this build has no proofs (made with --no-proofs,"
                                " or by a reasoner that records none): inferred triples cannot be explained")
        raise ApiError(404, f"{said} is neither asserted nor inferred here")
    try:
        check_nesting(explanation)
    except ProofTooDeep as exc:
        raise ApiError(413, str(exc)) from None
    if answer == "html":
        others = {k: v for k, v in request.args.items() if k != "format"}
        links = {name: "/explain?" + urlencode({**others, "format": name}) for name in ("json", "ttl")}
        return render_template("explain.html", e=_page(explanation), triple=_terms(triple), links=links,
                               proofs_graph=str(PROOFS_GRAPH))
    if answer == "ttl":
        return Response(_turtle(explanation, proofs), content_type="text/turtle; charset=utf-8")
    return as_json(explanation, display_name)


def _answer_format() -> str:
    override = (request.args.get("format") or "").strip().lower()
    if override:
        if override not in ANSWERS.values():
            raise ApiError(400, f"unknown format {override!r}; one of: {', '.join(ANSWERS.values())}")
        return override
    accept = request.headers.get("Accept")
    if not accept:
        return "json"
    best = conneg.best_of(accept, tuple(ANSWERS))
    if best is None:
        raise ApiError(406, "an explanation is given as " + ", ".join(ANSWERS), available=list(ANSWERS))
    return ANSWERS[best]


def why_href(s, p, o) -> str:
    """The link to the proof of a triple of pyoxigraph terms (N-Triples forms in the query)."""
    return "/explain?" + urlencode({"s": str(s), "p": str(p), "o": str(o)})


def _turtle(explanation, proofs: StoredProofs) -> str:
    """The proof's triples as the build wrote them in ``kgg:proofs`` (its statements, steps,
    premises lists and rules), and where its leaves' words are (each leaf graph's span and
    quote, from the graphs that state them)."""
    out = Graph()
    bind_prefixes(out)
    stack, todo = [explanation.tree], []
    while stack:
        node = stack.pop()
        todo.append(proof_graph.statement_node(node.triple))
        stack.extend(node.premises)
    store, graph, convert = proofs.store, proofs.graph, proofs.convert
    seen: set = set()
    leaf_graphs: set = set()
    while todo:
        subject = todo.pop()
        if subject in seen or not (isinstance(subject, BNode) or str(subject).startswith(str(KGP))):
            continue
        seen.add(subject)
        for q in store.quads_for_pattern(to_oxigraph(subject), None, None, graph):
            triple = (subject, convert(q.predicate), convert(q.object))
            out.add(triple)
            if triple[1] == SKG.assertedIn:
                leaf_graphs.add(triple[2])
            elif triple[1] not in (RDF.subject, RDF.predicate, RDF.object):
                todo.append(triple[2])
    for name in leaf_graphs:
        _add_words(out, store, name, convert)
    return out.serialize(format="turtle")


def _add_words(out: Graph, store: ox.Store, name, convert) -> None:
    """``name prov:wasDerivedFrom span``, the span's selectors and their quote, as the store states them."""
    for derived in source_quads(store, to_oxigraph(name), ox.NamedNode(str(PROV.wasDerivedFrom)), None, None):
        span = convert(derived.object)
        out.add((name, PROV.wasDerivedFrom, span))
        for has in source_quads(store, derived.object, ox.NamedNode(str(OA.hasSelector)), None, None):
            out.add((span, OA.hasSelector, convert(has.object)))
            for q in source_quads(store, has.object, None, None, None):
                out.add((convert(has.object), convert(q.predicate), convert(q.object)))


def _terms(triple) -> list:
    index = current_index()
    return [term(to_oxigraph(t), index) for t in triple]


def _page(explanation) -> dict:
    """The tree for the template: each node its terms, its rule in words or its sources,
    the words of the leaf's subject and object marked in the quote."""
    index = current_index()

    def node(tree) -> dict:
        terms = [term(to_oxigraph(t), index) for t in tree.triple]
        out = {"terms": terms, "rule": tree.rule, "says": RULE_WORDS.get(tree.rule or "", ""),
               "premises": [node(p) for p in tree.premises], "sources": []}
        if tree.asserted:
            for source in explanation.sources.get(tree.triple, ()):
                out["sources"].append({"graph": str(source.graph), "what": source.what,
                                       "words": _marked(source.words, tree.triple, index) if source.words else None})
        return out

    return node(explanation.tree)


def _marked(words: str, triple, index) -> list[tuple[str, bool]]:
    """``words`` cut into (text, marked) pieces: the names of the triple's subject and object
    (their labels and alternative labels, longest first) marked where they occur."""
    names = set()
    for t in (triple[0], triple[2]):
        if isinstance(t, URIRef):
            names.update(v for v, _lang, _kind in index.labels.get(str(t), ()) if len(v) > 2)
    if not names:
        return [(words, False)]
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE)
    pieces, at = [], 0
    for match in pattern.finditer(words):
        if match.start() > at:
            pieces.append((words[at:match.start()], False))
        pieces.append((match.group(0), True))
        at = match.end()
    if at < len(words):
        pieces.append((words[at:], False))
    return pieces
