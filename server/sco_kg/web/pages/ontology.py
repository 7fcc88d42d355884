"""``/ontology`` (and ``/ontology.<ext>``): the ontology graph as a document. The HTML page
documents every class and property of the graph (labels, comments, the axioms that relate
them, OWL unions and intersections spelt out); the RDF documents are the graph itself."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, abort, render_template

from ...store.memory import source_quads
from ..app import current_kg
from .documents import EXTENSIONS, alternates, negotiated_document, not_found
from .label_index import Index, current_index
from .terms import compact, term
from .vocabulary import DCTERMS, OWL, RDF, RDF_TYPE, RDFS, RDFS_COMMENT, RDFS_LABEL, SKG, SKOS, SKOS_PREF

bp = Blueprint("ontology", __name__)

KIND_OF = {
    OWL + "Class": "class", RDFS + "Class": "class",
    OWL + "ObjectProperty": "property", OWL + "DatatypeProperty": "property",
    OWL + "AnnotationProperty": "property", RDF + "Property": "property",
}
PROPERTY_TRAITS = ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty",
                   "AsymmetricProperty", "ReflexiveProperty", "IrreflexiveProperty")


def _class_expression(store, node, graph, index: Index, depth: int = 0):
    """A term, or for a blank node an OWL expression: ("union"|"intersection", [terms])."""
    if isinstance(node, ox.NamedNode) or depth > 4:
        return term(node, index)
    for op in ("unionOf", "intersectionOf"):
        for q in source_quads(store, node, ox.NamedNode(OWL + op), None, graph):
            items, cur, guard = [], q.object, 0
            while isinstance(cur, (ox.BlankNode, ox.NamedNode)) and cur.value != RDF + "nil" and guard < 50:
                guard += 1
                first = next(iter(source_quads(store, cur, ox.NamedNode(RDF + "first"), None, graph)), None)
                rest = next(iter(source_quads(store, cur, ox.NamedNode(RDF + "rest"), None, graph)), None)
                if first is None:
                    break
                items.append(_class_expression(store, first.object, graph, index, depth + 1))
                cur = rest.object if rest else None
            return {"op": "or" if op == "unionOf" else "and", "items": items}
    return term(node, index)


def ontology_terms(index: Index) -> dict:
    kg = current_kg()
    store = kg.store
    graph = ox.NamedNode(kg.base + "graph/ontology")
    onto = ox.NamedNode(kg.base + "ontology")

    def values(s, p):
        return [q.object for q in source_quads(store, s, ox.NamedNode(p), None, graph)]

    def texts(s, p):
        return sorted(((o.value, o.language or "") for o in values(s, p) if isinstance(o, ox.Literal)),
                      key=lambda t: (t[1] != "en", t[1] != "fr", t[1], t[0]))

    entries: dict[str, dict] = {}
    for q in source_quads(store, None, RDF_TYPE, None, graph):
        kind = KIND_OF.get(q.object.value) if isinstance(q.object, ox.NamedNode) else None
        if not kind or not isinstance(q.subject, ox.NamedNode):
            continue
        s = q.subject
        e = entries.setdefault(s.value, {"iri": s.value, "kind": kind, "types": []})
        e["types"].append(compact(q.object.value))
    for iri, e in entries.items():
        s = ox.NamedNode(iri)
        e["compact"] = compact(iri)
        e["anchor"] = iri.rpartition("#")[2] if iri.startswith(SKG) else compact(iri).replace(":", "-")
        e["local"] = iri.startswith(SKG)
        e["labels"] = texts(s, RDFS_LABEL) + texts(s, SKOS_PREF)
        e["comments"] = texts(s, RDFS_COMMENT) + texts(s, SKOS + "definition")
        rel = {}
        props = ([("subclass of", RDFS + "subClassOf"), ("equivalent to", OWL + "equivalentClass"),
                  ("disjoint with", OWL + "disjointWith")] if e["kind"] == "class" else
                 [("sub-property of", RDFS + "subPropertyOf"), ("inverse of", OWL + "inverseOf"),
                  ("equivalent to", OWL + "equivalentProperty"), ("domain", RDFS + "domain"),
                  ("range", RDFS + "range")])
        for name, p in props:
            vals = [_class_expression(store, o, graph, index) for o in values(s, p)]
            if e["kind"] == "property" and p == OWL + "inverseOf":
                vals += [term(q.subject, index) for q in source_quads(store, None, ox.NamedNode(p), s, graph)]
            if vals:
                rel[name] = vals
        if e["kind"] == "class":
            subs = [term(q.subject, index) for q in source_quads(store, None, ox.NamedNode(RDFS + "subClassOf"), s, graph)
                    if isinstance(q.subject, ox.NamedNode)]
        else:
            subs = [term(q.subject, index) for q in source_quads(store, None, ox.NamedNode(RDFS + "subPropertyOf"), s, graph)
                    if isinstance(q.subject, ox.NamedNode)]
        if subs:
            rel["narrower: " + ("subclasses" if e["kind"] == "class" else "sub-properties")] = sorted(
                subs, key=lambda t: t.compact)
        e["relations"] = rel
        e["traits"] = [t.rpartition("#")[2] for t in (o.value for o in values(s, RDF_TYPE.value))
                       if t.rpartition("#")[2] in PROPERTY_TRAITS]
        e["types"] = sorted(set(e["types"]))
    ordered = sorted(entries.values(), key=lambda e: (not e["local"], e["compact"].casefold()))
    header = {
        "iri": onto.value,
        "labels": texts(onto, RDFS_LABEL) + texts(onto, DCTERMS + "title"),
        "comments": texts(onto, RDFS_COMMENT) + texts(onto, DCTERMS + "description"),
        "version": [v for v, _ in texts(onto, OWL + "versionInfo")],
        "license": [term(o, index) for o in values(onto, DCTERMS + "license")],
        "imports": [term(o, index) for o in values(onto, OWL + "imports")],
    }
    return {
        "header": header,
        "classes": [e for e in ordered if e["kind"] == "class"],
        "properties": [e for e in ordered if e["kind"] == "property"],
    }


def _ontology_page(kg) -> dict:
    index = current_index()  # (kg.cached holds a lock: never call it from inside another)
    return kg.cached("ontology-page", lambda: ontology_terms(index))


@bp.route("/ontology")
@bp.route("/ontology.<ext>")
def ontology(ext: str | None = None):
    if ext is not None and ext not in EXTENSIONS:
        abort(404)
    kg = current_kg()
    graph = kg.base + "graph/ontology"
    if graph not in kg.graphs:
        return not_found("this dataset has no ontology graph")
    return negotiated_document(
        "/ontology", ext,
        lambda: render_template("ontology.html", o=_ontology_page(kg), alternates=alternates("/ontology")),
        graph)
