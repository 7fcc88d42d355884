"""The shapes graph read into plain objects, refusing what the fast validator does not do.

Every ``sh:`` predicate on a shape must be one this package implements (or pure
documentation such as ``sh:name``); anything else (``sh:minInclusive``, ``sh:rule``, a
custom constraint component, ``sh:ask``...) raises a :class:`ConfigError` naming it, so a
shape is never silently skipped: use ``--validator pyshacl`` for those.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from ...core.errors import ConfigError
from ...rdf.namespaces import SH

# sh: parameter -> the component it belongs to (implemented ones)
COMPONENTS = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH.equals: "EqualsConstraintComponent",
    SH.disjoint: "DisjointConstraintComponent",
    SH.qualifiedValueShape: "QualifiedValueShapeConstraintComponent",
    SH.closed: "ClosedConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}
# parameters read together with another one, targets, and documentation
AUXILIARY = {
    SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    SH.ignoredProperties, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
    SH.target, SH.path, SH.property, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.declare, SH.prefixes,
}
NOT_IMPLEMENTED = {
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
}
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
SHAPE_VALUED = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


def refuse(what: str) -> ConfigError:
    return ConfigError(f"the fast validator does not implement {what}; validate with --validator pyshacl")


@dataclass
class SparqlConstraint:
    node: object
    select: str  # with its PREFIX lines
    messages: list


@dataclass
class Shape:
    node: object
    path: object = None  # a SHACL path node (property shapes), else None
    severity: object = SH.Violation
    messages: list = field(default_factory=list)
    deactivated: bool = False
    params: dict = field(default_factory=dict)  # sh: predicate -> list of objects
    properties: list = field(default_factory=list)  # Shape
    sparql: list = field(default_factory=list)  # SparqlConstraint
    sparql_targets: list = field(default_factory=list)  # SELECT texts with prefixes
    lists: dict = field(default_factory=dict)  # list node -> members

    @property
    def is_property_shape(self) -> bool:
        return self.path is not None

    def one(self, param):
        values = self.params.get(param) or [None]
        return values[0]


class ShapesGraph:
    """Every shape of a shapes graph, compiled once."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        for component in graph.subjects(RDF.type, SH.ConstraintComponent):
            raise refuse(f"custom constraint components ({component.n3()})")
        for pred in (SH.rule, SH.entailment, SH.shapesGraph, SH.targetType):
            if (None, pred, None) in graph:
                raise refuse(pred.n3(graph.namespace_manager))
        self.shapes: dict = {}
        for node in self._shape_nodes():
            self.get(node)

    def _shape_nodes(self):
        g = self.graph
        nodes = set()
        for t in SHAPE_TYPES:
            nodes.update(g.subjects(RDF.type, t))
        # as pySHACL finds them: sh:target alone (SHACL-AF) does not make a shape; the
        # subject of sh:property or sh:node does
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.property, SH.node):
            nodes.update(g.subjects(p, None))
        for p in SHAPE_VALUED:
            nodes.update(g.objects(None, p))
        for p in SHAPE_LISTS:
            for head in g.objects(None, p):
                nodes.update(Collection(g, head))
        return sorted(nodes, key=str)

    def get(self, node) -> Shape:
        found = self.shapes.get(node)
        if found is None:
            found = self.shapes[node] = Shape(node)  # before reading: shapes may refer to themselves
            self._read(found)
        return found

    def _read(self, shape: Shape) -> None:
        g = self.graph
        node = shape.node
        for p, o in g.predicate_objects(node):
            if not str(p).startswith(str(SH)):
                continue
            if p in NOT_IMPLEMENTED:
                raise refuse(f"sh:{NOT_IMPLEMENTED[p]} ({p.n3(g.namespace_manager)} on {node.n3(g.namespace_manager)})")
            if p not in COMPONENTS and p not in AUXILIARY:
                raise refuse(f"{p.n3(g.namespace_manager)} (on shape {node.n3(g.namespace_manager)})")
            shape.params.setdefault(p, []).append(o)
        shape.path = g.value(node, SH.path)
        if shape.path is not None:
            check_path(g, shape.path)
        shape.severity = g.value(node, SH.severity) or SH.Violation
        shape.messages = list(g.objects(node, SH.message))
        deactivated = g.value(node, SH.deactivated)
        shape.deactivated = isinstance(deactivated, Literal) and deactivated.value is True
        for p in SHAPE_LISTS + (SH["in"], SH.languageIn, SH.ignoredProperties):
            for head in shape.params.get(p, ()):
                shape.lists[head] = list(Collection(g, head))
        for prop in shape.params.get(SH.property, ()):
            shape.properties.append(self.get(prop))
        for other in shape.params.get(SH.node, []) + shape.params.get(SH["not"], []) + shape.params.get(
            SH.qualifiedValueShape, []
        ):
            self.get(other)
        for p in SHAPE_LISTS:
            for head in shape.params.get(p, ()):
                for member in shape.lists[head]:
                    self.get(member)
        for constraint in shape.params.get(SH.sparql, ()):
            shape.sparql.append(self._sparql_constraint(node, constraint))
        for target in shape.params.get(SH.target, ()):
            if (target, RDF.type, SH.SPARQLTarget) not in g and g.value(target, SH.select) is None:
                raise refuse(f"the target {target.n3(g.namespace_manager)} (only sh:SPARQLTarget)")
            shape.sparql_targets.append(self._with_prefixes(target, g.value(target, SH.select)))
        if shape.params.get(SH.qualifiedValueShapesDisjoint) and any(
            isinstance(v, Literal) and v.value is True for v in shape.params[SH.qualifiedValueShapesDisjoint]
        ):
            raise refuse(f"sh:qualifiedValueShapesDisjoint true (on {node.n3(g.namespace_manager)})")

    def _sparql_constraint(self, shape_node, constraint) -> SparqlConstraint:
        g = self.graph
        if (constraint, SH.ask, None) in g:
            raise refuse(f"sh:ask in SPARQL constraints ({constraint.n3(g.namespace_manager)})")
        select = g.value(constraint, SH.select)
        if not isinstance(select, Literal):
            raise ConfigError(f"the SPARQL constraint {constraint.n3(g.namespace_manager)} of {shape_node} has no sh:select")
        for variable in ("$shapesGraph", "$currentShape", "?shapesGraph", "?currentShape"):
            if variable in str(select):
                raise refuse(f"{variable} in SPARQL constraints ({constraint.n3(g.namespace_manager)})")
        deactivated = g.value(constraint, SH.deactivated)
        messages = list(g.objects(constraint, SH.message))
        if isinstance(deactivated, Literal) and deactivated.value is True:
            messages = None
        return SparqlConstraint(constraint, self._with_prefixes(constraint, select), messages)

    def _with_prefixes(self, node, select) -> str:
        g = self.graph
        lines = []
        for source in g.objects(node, SH.prefixes):
            for decl in g.objects(source, SH.declare):
                prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is None or ns is None:
                    raise ConfigError(f"an sh:declare of {source} lacks sh:prefix or sh:namespace")
                lines.append(f"PREFIX {prefix}: <{ns}>")
        return "\n".join(sorted(set(lines))) + "\n" + str(select)

    def with_targets(self) -> list[Shape]:
        """Shapes that select focus nodes themselves (targets, or implicit class targets)."""
        out = []
        for shape in self.shapes.values():
            if shape.deactivated:
                continue
            if any(shape.params.get(p) for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)):
                out.append(shape)
            elif shape.sparql_targets or self.implicit_class(shape):
                out.append(shape)
        return out

    def implicit_class(self, shape: Shape) -> bool:
        classes = set(self.graph.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
        return any(t in classes for t in self.graph.objects(shape.node, RDF.type))


PATH_KINDS = (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath)


def check_path(g: Graph, path) -> None:
    if isinstance(path, URIRef):
        return
    if isinstance(path, BNode):
        if g.value(path, RDF.first) is not None:
            for p in Collection(g, path):
                check_path(g, p)
            return
        for kind in PATH_KINDS:
            inner = g.value(path, kind)
            if inner is not None:
                if kind == SH.alternativePath:
                    for p in Collection(g, inner):
                        check_path(g, p)
                else:
                    check_path(g, inner)
                return
    raise ConfigError(f"the SHACL path {path!r} is not a path")


def sparql_path(g: Graph, path) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if g.value(path, RDF.first) is not None:
        return "(" + "/".join(sparql_path(g, p) for p in Collection(g, path)) + ")"
    for kind, fmt in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = g.value(path, kind)
        if inner is not None:
            return fmt.format(sparql_path(g, inner))
    alt = g.value(path, SH.alternativePath)
    return "(" + "|".join(sparql_path(g, p) for p in Collection(g, alt)) + ")"


