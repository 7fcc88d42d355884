"""Run a compiled shapes graph over a :class:`~.data.DataGraph`: the traversal of the
validator (targets to focus nodes, paths to value nodes, property shapes to their values,
shapes that refer to shapes to a conformance cache), with the SHACL Core components in
:mod:`.components` and the SHACL-SPARQL constraints and targets in :mod:`.sparql`.

Each component mirrors pySHACL 0.40's reading of the specification (which values a
component reports, which literals a datatype accepts, how a pattern is matched), so the
two engines give the same results: tests/test_fastshacl.py checks them side by side.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from ...core.errors import ConfigError
from ...rdf.namespaces import SH
from . import sparql as shacl_sparql
from .components import CHECKS, SHAPE_REFERENCES
from .data import DataGraph
from .results import NO_VALUE, Result, Tagged, component_iri, generic_messages
from .shapes import COMPONENTS, Shape, ShapesGraph, refuse

__all__ = ["Validator", "Result"]

SH_SPARQL = SH.sparql


class Validator:
    """One validation: the shapes' focus nodes, their value nodes and the checks on them,
    with what a shape needs (its checks, its value function, its conformance of a node)
    computed once and kept."""

    def __init__(self, shapes: ShapesGraph, data: DataGraph) -> None:
        self.shapes = shapes
        self.data = data
        self.sg = shapes.graph
        self._conforms: dict = {}
        self._paths: dict = {}
        self._checks: dict = {}  # shape node -> [(component, check)]
        self._value_fns: dict = {}  # shape node -> focus -> value nodes
        self._simple: dict = {}  # shape node -> conformance needs no other shape
        self._messages: dict = {}  # (shape node, component) -> messages

    # -- the run --------------------------------------------------------------------

    def run(self) -> list[Result]:
        sink: list[Result] = []
        for shape in self.shapes.with_targets():
            focus = self.focus_nodes(shape)
            if focus:
                self.report(shape, focus, sink)
        return sink

    def focus_nodes(self, shape: Shape) -> list:
        data, params = self.data, shape.params
        found = set(params.get(SH.targetNode, ()))
        for cls in params.get(SH.targetClass, ()):
            found |= data.class_members(cls)
        if self.shapes.implicit_class(shape):
            found |= data.class_members(shape.node)
        for p in params.get(SH.targetSubjectsOf, ()):
            found |= data.subjects_of(p)
        for p in params.get(SH.targetObjectsOf, ()):
            found |= data.objects_of(p)
        for select in shape.sparql_targets:
            for row in self.store().select(self.optimised(select)):
                if "this" in row:
                    found.add(row["this"])
        return sorted(found, key=_order)

    def report(self, shape: Shape, focus_nodes: list, sink: list) -> None:
        if shape.deactivated:
            return
        self.core_all(shape, focus_nodes, sink)
        if shape.sparql:
            self.sparql(shape, focus_nodes, sink)
        if shape.properties:  # sh:property applies to the value nodes (the focus nodes of a node shape)
            values = focus_nodes
            if shape.is_property_shape:
                values = list(dict.fromkeys(v for f in focus_nodes for v in self.values(shape, f)))
            for prop in shape.properties:
                self.report(prop, values, sink)

    def conforms(self, shape: Shape, node) -> bool:
        """Does ``node`` conform to ``shape`` (with its property shapes): no result at all.

        A shape that refers to no other shape (no sh:property, sh:sparql, sh:node, sh:or...)
        is checked directly: it cannot recurse, and its checks cost less than a cache entry
        (sh:qualifiedValueShape [ sh:languageIn ... ] asks once per label)."""
        simple = self._simple.get(shape.node)
        if simple is None:
            simple = self._simple[shape.node] = not (
                shape.properties or shape.sparql or any(p in SHAPE_REFERENCES for p in shape.params)
            )
        if simple:
            return not self.fails(shape, node)
        key = (shape.node, node)
        known = self._conforms.get(key)
        if known is None:
            self._conforms[key] = True  # a shape that refers to itself: assume, as pySHACL's recursion does
            failed = self.fails(shape, node)
            if not failed and shape.sparql:
                sink: list = []
                self.sparql(shape, [node], sink)
                failed = bool(sink)
            if not failed and shape.properties:
                values = self.values(shape, node)
                failed = not all(self.conforms(prop, v) for prop in shape.properties for v in values)
            known = self._conforms[key] = not failed
        return known

    # -- SHACL Core -----------------------------------------------------------------

    def values(self, shape: Shape, focus) -> list:
        fn = self._value_fns.get(shape.node)
        if fn is None:
            fn = self.values_fn(shape)
        return fn(focus)

    def values_fn(self, shape: Shape):
        fn = self._value_fns.get(shape.node)
        if fn is None:
            fn = self._value_fns[shape.node] = self._values_fn(shape)
        return fn

    def _values_fn(self, shape: Shape):
        """focus node -> value nodes of ``shape``, bound once per shape. A predicate path
        reads its index directly: the index comes from a set of pairs, so its lists hold
        each object once (what ``dict.fromkeys`` gave)."""
        if shape.path is None:
            return lambda focus: [focus]
        if isinstance(shape.path, URIRef):
            get = self.data.fwd(shape.path).get
            return lambda focus: get(focus, [])
        path_fn = self._path_fn(shape.path)
        return lambda focus: list(dict.fromkeys(path_fn([focus])))

    def path_values(self, path, node) -> list:
        if isinstance(path, URIRef):
            return list(dict.fromkeys(self.data.objects(node, path)))
        return list(dict.fromkeys(self._path_fn(path)([node])))

    def _path_fn(self, path):
        fn = self._paths.get(path)
        if fn is None:
            fn = self._paths[path] = self._compile_path(path)
        return fn

    def _compile_path(self, path):
        g, data = self.sg, self.data
        if isinstance(path, URIRef):
            return lambda nodes: [o for n in nodes for o in data.objects(n, path)]
        if g.value(path, RDF.first) is not None:

            steps = [self._compile_path(p) for p in Collection(g, path)]

            def sequence(nodes):
                for step in steps:
                    nodes = list(dict.fromkeys(step(nodes)))
                return nodes

            return sequence
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            if isinstance(inverse, URIRef):
                return lambda nodes: [s for n in nodes for s in data.inv(inverse).get(n, ())]
            raise refuse("sh:inversePath of a complex path")
        alt = g.value(path, SH.alternativePath)
        if alt is not None:

            branches = [self._compile_path(p) for p in Collection(g, alt)]
            return lambda nodes: [v for b in branches for v in b(nodes)]
        for kind, zero, many in (
            (SH.zeroOrMorePath, True, True),
            (SH.oneOrMorePath, False, True),
            (SH.zeroOrOnePath, True, False),
        ):
            inner = g.value(path, kind)
            if inner is not None:
                step = self._compile_path(inner)
                return _repeat(step, zero, many)
        raise ConfigError(f"unknown SHACL path {path!r}")

    def checks(self, shape: Shape) -> list:
        """The shape's Core constraints as ``(component, check)``, in the order of its
        parameters, each check bound to its parameter once: ``check(focus, values)`` gives
        the failing values (instead of dispatching on the parameter per focus node)."""
        found = self._checks.get(shape.node)
        if found is None:
            found = []
            for param, objects in shape.params.items():
                name = COMPONENTS.get(param)
                if name is None or param == SH_SPARQL:
                    continue
                make = CHECKS[name]
                for obj in objects:
                    check = make(self, shape, obj)
                    if check is not None:
                        found.append((component_iri(name), check))
            self._checks[shape.node] = found
        return found

    def core_all(self, shape: Shape, focus_nodes: list, sink: list) -> None:
        """The Core results of ``shape`` on each focus node in turn, with the shape's checks
        and value function looked up once, not once per focus node."""
        checks = self.checks(shape)
        values_of = self.values_fn(shape)  # built even without checks: a path it refuses raises
        if not checks:
            return
        result = self.result
        for focus in focus_nodes:
            values = values_of(focus)
            for component, check in checks:
                failing = check(focus, values)
                if failing:
                    for value in failing:
                        if isinstance(value, Tagged):
                            sink.append(result(shape, focus, value.value, value.component or component, path=value.path))
                        else:
                            sink.append(result(shape, focus, value, component))

    def fails(self, shape: Shape, node) -> bool:
        """Does any Core constraint of ``shape`` fail on ``node`` (the first one found)?"""
        checks = self._checks.get(shape.node)
        if checks is None:
            checks = self.checks(shape)
        values = self.values(shape, node)
        for _, check in checks:
            if check(node, values):
                return True
        return False

    def result(self, shape: Shape, focus, value, component, path=None, messages=None) -> Result:
        if messages is None:
            key = (shape.node, component)
            messages = self._messages.get(key)
            if messages is None:
                messages = self._messages[key] = tuple(shape.messages or generic_messages(component))
        return Result(
            focus=focus,
            path=path if path is not None else shape.path,
            value=None if value is NO_VALUE else value,
            component=component,
            shape=shape.node,
            severity=shape.severity,
            messages=tuple(messages),
        )

    # -- SHACL-SPARQL (:mod:`.sparql`) ----------------------------------------------

    def sparql(self, shape: Shape, focus_nodes: list, sink: list) -> None:
        shacl_sparql.check(self, shape, focus_nodes, sink)

    def constraint_query(self, shape: Shape, constraint) -> str:
        return shacl_sparql.constraint_query(self, shape, constraint)

    def store(self):
        """The Oxigraph view of the data, loaded with what the shapes' queries can read."""
        return shacl_sparql.load_store(self)

    def optimised(self, query: str) -> str:
        return shacl_sparql.optimised(query, self.data)


def _repeat(step, zero: bool, many: bool):
    def run(nodes):
        out = list(nodes) if zero else []
        seen = set(out)
        frontier = list(nodes)
        while frontier:
            nxt = []
            for v in step(frontier):
                if v not in seen:
                    seen.add(v)
                    out.append(v)
                    nxt.append(v)
            frontier = nxt if many else []
        return out

    return run


def _order(term):
    return (type(term).__name__, str(term))
