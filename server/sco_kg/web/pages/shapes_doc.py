"""The SHACL shapes (ontology/shapes.ttl, the file every door validates with) read for people:
each node shape with its targets, messages, severity, node-level constraints, property
shapes and SPARQL constraints, and the Turtle of the shape alone. No Flask here: the page
(:mod:`.shapes`) renders what :func:`read_shapes` returns.

Constraints are shown generically (every predicate of a shape that is not a target, a
message, a label...): a constraint component added to shapes.ttl shows up without a change
here. Values are trees (:func:`value`): an IRI (a ``skgsh:`` one links to its anchor on the
page), a literal, an RDF list, or a blank node with its own predicates (``sh:or ( [ sh:class
foaf:Agent ] ... )``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ...rdf.namespaces import PREFIXES, SH
from ...rdf.namespaces import compact as compact_iri

SKGSH = "https://w3id.org/sco-kg/shapes#"
SHAPES_IRI = URIRef("https://w3id.org/sco-kg/shapes")
#: the prefixes the page and the Turtle of a shape use
SHAPE_PREFIXES: dict[str, str] = {**PREFIXES, "sh": str(SH), "skgsh": SKGSH}

#: target predicates -> how the page says them
TARGETS = ((SH.targetClass, "every instance of"), (SH.targetSubjectsOf, "every subject of"),
           (SH.targetObjectsOf, "every object of"), (SH.targetNode, "the node"))
#: predicates of a shape that are not constraints (shown in their own place, or not at all)
NOT_CONSTRAINTS = frozenset({
    RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, SH.message, SH.severity, SH.property,
    SH.sparql, SH.target, SH.path, SH.prefixes, SH.select, SH.name, SH.description, SH.order, SH.group,
    *(p for p, _ in TARGETS)})
#: SHACL property path operators -> how a SPARQL property path writes them
PATH_SUFFIX = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
#: literals shown as Turtle writes them bare
PLAIN_DATATYPES = frozenset({XSD.integer, XSD.boolean, XSD.decimal})


def compact(iri: str) -> str:
    return compact_iri(iri, SHAPE_PREFIXES)


def anchor(iri: str) -> str:
    """The id of a ``skgsh:`` term on the page: its local name (``/shapes#Membership-member``,
    which is also where ``https://w3id.org/sco-kg/shapes#Membership-member`` dereferences)."""
    return iri[len(SKGSH):] if iri.startswith(SKGSH) else ""


def _texts(g: Graph, node, p) -> list[tuple[str, str]]:
    """(text, language) of every literal of ``node p``, English first, then French."""
    out = [(str(o), o.language or "") for o in g.objects(node, p) if isinstance(o, Literal)]
    return sorted(out, key=lambda t: (t[1] != "en", t[1] != "fr", t[1], t[0]))


def value(g: Graph, node, depth: int = 0) -> dict:
    """A term of the shapes graph as a tree the template renders (see the module's docstring)."""
    if isinstance(node, URIRef):
        iri = str(node)
        return {"kind": "iri", "text": compact(iri), "iri": iri,
                "href": "#" + anchor(iri) if anchor(iri) else iri}
    if isinstance(node, Literal):
        if node.datatype in PLAIN_DATATYPES:  # sh:minCount 1, sh:uniqueLang true
            return {"kind": "literal", "text": str(node), "lang": "", "datatype": "", "plain": True}
        dt = str(node.datatype) if node.datatype and node.datatype != XSD.string else ""
        return {"kind": "literal", "text": str(node), "lang": node.language or "", "datatype": compact(dt) if dt else ""}
    if depth > 8:
        return {"kind": "literal", "text": "…", "lang": "", "datatype": ""}
    if (node, RDF.first, None) in g:
        return {"kind": "list", "items": [value(g, item, depth + 1) for item in Collection(g, node)]}
    if (node, SH.select, None) in g:
        return {"kind": "sparql", "query": _query(g, node)}
    pairs = sorted((compact(str(p)), value(g, o, depth + 1)) for p, o in g.predicate_objects(node)
                   if p != RDF.type or o != SH.PropertyShape)
    return {"kind": "node", "pairs": pairs}


def path_text(g: Graph, node, depth: int = 0) -> str:
    """A SHACL property path as SPARQL writes it: ``org:member``, ``^prov:wasDerivedFrom``, ``p/q``."""
    if isinstance(node, URIRef):
        return compact(str(node))
    if depth > 8 or not isinstance(node, BNode):
        return str(node)
    if (node, RDF.first, None) in g:
        return "/".join(path_text(g, p, depth + 1) for p in Collection(g, node))
    inverse = g.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(g, inverse, depth + 1)
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(g, p, depth + 1) for p in Collection(g, alternatives)) + ")"
    for p, suffix in PATH_SUFFIX.items():
        inner = g.value(node, p)
        if inner is not None:
            return "(" + path_text(g, inner, depth + 1) + ")" + suffix
    return str(node)


def _query(g: Graph, node) -> str:
    return textwrap.dedent(str(g.value(node, SH.select) or "")).strip("\n")


def _severity(g: Graph, node) -> str:
    sev = g.value(node, SH.severity)
    return compact(str(sev)) if sev is not None else "sh:Violation (the default)"


def _constraints(g: Graph, node) -> list[tuple[str, dict]]:
    return sorted(((compact(str(p)), value(g, o)) for p, o in g.predicate_objects(node) if p not in NOT_CONSTRAINTS),
                  key=lambda c: c[0])


def _named(g: Graph, node) -> dict:
    iri = str(node) if isinstance(node, URIRef) else ""
    return {"iri": iri, "compact": compact(iri) if iri else "(a blank node)", "anchor": anchor(iri),
            "labels": _texts(g, node, RDFS.label), "comments": _texts(g, node, RDFS.comment),
            "messages": _texts(g, node, SH.message), "severity": _severity(g, node)}


def _targets(g: Graph, shape) -> list[dict]:
    out = [{"kind": "terms", "how": how, "value": value(g, o)} for p, how in TARGETS for o in g.objects(shape, p)]
    if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
        out.append({"kind": "terms", "how": "every instance of (implicit: the shape is a class)",
                    "value": value(g, shape)})
    for t in g.objects(shape, SH.target):
        if isinstance(t, BNode) and (t, SH.select, None) in g:
            out.append({"kind": "sparql", "how": "the ?this of the SPARQL query", "query": _query(g, t)})
        else:
            out.append({"kind": "terms", "how": "the target", "value": value(g, t)})
    return out


def _property(g: Graph, node) -> dict:
    return {**_named(g, node), "path": path_text(g, g.value(node, SH.path)),
            "constraints": [c for c in _constraints(g, node)]}


def _sparql(g: Graph, node) -> dict:
    return {**_named(g, node), "query": _query(g, node)}


def shape_closure(g: Graph, shape) -> Graph:
    """The shape alone, as a graph that validates on its own: its triples, those of every blank
    node and every ``skgsh:`` term it reaches (property shapes, SPARQL constraints, the value
    shapes of an ``sh:or``), and the prefix declarations its SPARQL names (``sh:prefixes``)."""
    out = Graph()
    for prefix, ns in SHAPE_PREFIXES.items():
        out.bind(prefix, ns, override=True)
    seen, todo = set(), [shape]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in g.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and str(o).startswith(SKGSH)):
                todo.append(o)
            elif p == SH.prefixes:
                for d in g.objects(o, SH.declare):
                    out.add((o, SH.declare, d))
                    todo.append(d)
    return out


def shape_turtle(g: Graph, shape) -> str:
    return shape_closure(g, shape).serialize(format="turtle")


def read_shapes(path: Path) -> dict:
    """The page's model of the shapes file at ``path``: its header, every node shape (those
    with targets first, then the value shapes other shapes use), sorted by name."""
    g = Graph().parse(path, format="turtle")
    shapes = []
    for node in set(g.subjects(RDF.type, SH.NodeShape)):
        if not isinstance(node, URIRef):
            continue
        shapes.append({
            **_named(g, node),
            "targets": _targets(g, node),
            "constraints": _constraints(g, node),
            "properties": sorted((_property(g, p) for p in g.objects(node, SH.property)), key=lambda p: p["compact"]),
            "sparql": sorted((_sparql(g, s) for s in g.objects(node, SH.sparql)), key=lambda s: s["compact"]),
            "turtle": shape_turtle(g, node),
        })
    shapes.sort(key=lambda s: s["compact"].casefold())
    ids: set[str] = set()  # an element id once per page, where a term is first shown
    for s in shapes:
        for e in (s, *s["properties"], *s["sparql"]):
            e["id"] = e["anchor"] if e["anchor"] and e["anchor"] not in ids else ""
            ids.add(e["anchor"])
    header = {"iri": str(SHAPES_IRI), "labels": _texts(g, SHAPES_IRI, RDFS.label),
              "comments": _texts(g, SHAPES_IRI, RDFS.comment),
              "version": [str(v) for v in g.objects(SHAPES_IRI, OWL.versionInfo)],
              "license": [str(v) for v in g.objects(SHAPES_IRI, URIRef(PREFIXES["dcterms"] + "license"))]}
    return {"header": header, "graph": g,
            "targeted": [s for s in shapes if s["targets"]],
            "untargeted": [s for s in shapes if not s["targets"]],
            "by_anchor": {s["anchor"]: s for s in shapes}}
