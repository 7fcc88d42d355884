"""Run a compiled shapes graph over a :class:`~.data.DataGraph`: the SHACL Core components
in Python over the indexes, SHACL-SPARQL constraints and SPARQL targets in Oxigraph.

Each component mirrors pySHACL 0.40's reading of the specification (which values a
component reports, which literals a datatype accepts, how a pattern is matched), so the
two engines give the same results: tests/test_fastshacl.py checks them side by side.

SHACL-SPARQL constraints run once per shape for all its focus nodes, not once per focus
node with ``$this`` pre-bound: the query is evaluated with ``?this`` free and its rows are
kept for the focus nodes. That equals pre-binding when every solution binds ``$this``
through the query's own patterns (as SHACL-SPARQL constraints are written); a solution
that leaves ``$this`` unbound is refused (ConfigError), never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from owlrl.DatatypeHandling import AltXSDToPYTHON
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from ...core.errors import ConfigError
from ...rdf.namespaces import SH
from .data import DataGraph
from .scope import predicates, type_objects
from .shapes import COMPONENTS, Shape, ShapesGraph, refuse, sparql_path

# namespace terms read in hot loops, looked up once (rdflib's Namespace.__getattr__ builds a
# new URIRef on every access: 0.7 s per 100k triples when read per focus node)
SH_SPARQL, SH_FLAGS = SH.sparql, SH.flags
SH_QUALIFIED_MIN, SH_QUALIFIED_MAX = SH.qualifiedMinCount, SH.qualifiedMaxCount
QUALIFIED_MIN_COMPONENT = SH.QualifiedMinCountConstraintComponent
QUALIFIED_MAX_COMPONENT = SH.QualifiedMaxCountConstraintComponent
SPARQL_COMPONENT = SH.SPARQLConstraintComponent
IGNORED_PROPERTIES = SH.ignoredProperties
#: parameters whose check asks whether a value conforms to another shape
SHAPE_REFERENCES = frozenset({SH.node, SH["not"], SH["and"], SH["or"], SH.xone, SH.qualifiedValueShape})
XSD_STRING, XSD_INTEGER, LANG_STRING = XSD.string, XSD.integer, RDF.langString
RDFS_LITERAL, RDFS_DATATYPE = RDFS.Literal, RDFS.Datatype

NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
NO_VALUE = object()  # a result without sh:value


@dataclass(frozen=True)
class Result:
    focus: object
    path: object  # the path node (of the shapes graph), or a predicate a SPARQL row gave, or None
    value: object  # None: no sh:value
    component: URIRef
    shape: object
    severity: URIRef
    messages: tuple


class Validator:
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
                make = getattr(self, "_" + name)
                for obj in objects:
                    check = make(shape, obj)
                    if check is not None:
                        found.append((_component(name), check))
            self._checks[shape.node] = found
        return found

    def core_all(self, shape: Shape, focus_nodes: list, sink: list) -> None:
        """The Core results of ``shape`` on each focus node in turn, with the shape's checks
        and value function looked up once, not once per focus node."""
        checks = self.checks(shape)
        values_of = self.values_fn(shape)  # built even without checks: a path it refuses raises
        if not checks:
            return
        result = self._result
        for focus in focus_nodes:
            values = values_of(focus)
            for component, check in checks:
                failing = check(focus, values)
                if failing:
                    for value in failing:
                        if isinstance(value, _Tagged):
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

    def _result(self, shape: Shape, focus, value, component, path=None, messages=None) -> Result:
        if messages is None:
            key = (shape.node, component)
            messages = self._messages.get(key)
            if messages is None:
                messages = self._messages[key] = tuple(shape.messages or _generic(component))
        return Result(
            focus=focus,
            path=path if path is not None else shape.path,
            value=None if value is NO_VALUE else value,
            component=component,
            shape=shape.node,
            severity=shape.severity,
            messages=tuple(messages),
        )

    # one factory per component: (shape, parameter) -> check(focus, value nodes) giving the
    # failing values, or None when the parameter can never fail (sh:closed false...)

    def _ClassConstraintComponent(self, shape, cls):
        members = self.data.class_members(cls)
        return lambda focus, values: [v for v in values if isinstance(v, Literal) or v not in members]

    def _DatatypeConstraintComponent(self, shape, dt):
        ok = _datatype_test(dt)
        return lambda focus, values: [v for v in values if not ok(v)]

    def _NodeKindConstraintComponent(self, shape, kind):
        kinds = NODE_KINDS.get(kind)
        if kinds is None:
            raise ConfigError(f"sh:nodeKind {kind} is not a node kind")
        return lambda focus, values: [v for v in values if not isinstance(v, kinds)]

    def _MinCountConstraintComponent(self, shape, n):
        n = int(n)
        return lambda focus, values: [NO_VALUE] if len(values) < n else []

    def _MaxCountConstraintComponent(self, shape, n):
        n = int(n)
        return lambda focus, values: [NO_VALUE] if len(values) > n else []

    def _PatternConstraintComponent(self, shape, pattern):
        flags = shape.one(SH_FLAGS)
        re_flags = 0
        if flags is not None:
            text = str(flags.value).lower()
            re_flags |= (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
            re_flags |= (re.S if "s" in text else 0) | (re.X if "x" in text else 0)
        search = re.compile(str(pattern.value), re_flags).search
        return lambda focus, values: [v for v in values if isinstance(v, BNode) or not search(_string(v))]

    def _LanguageInConstraintComponent(self, shape, head):
        wanted = {str(lang.value).lower() for lang in shape.lists[head]}
        anything = "*" in wanted

        def check(focus, values):
            out = []
            for v in values:
                lang = v.language if isinstance(v, Literal) else None
                if not (lang and (anything or lang.lower() in wanted or lang.split("-")[0].lower() in wanted)):
                    out.append(v)
            return out

        return check

    def _UniqueLangConstraintComponent(self, shape, flag):
        if not (isinstance(flag, Literal) and flag.value is True):
            return None

        def check(focus, values):
            seen, duplicated = set(), set()
            for v in values:
                if isinstance(v, Literal) and v.language:
                    lang = v.language.lower()
                    (duplicated if lang in seen else seen).add(lang)
            return [NO_VALUE] * len(duplicated)

        return check

    def _OrConstraintComponent(self, shape, head):
        members, conforms = [self.shapes.get(m) for m in shape.lists[head]], self.conforms
        return lambda focus, values: [v for v in values if not any(conforms(m, v) for m in members)]

    def _AndConstraintComponent(self, shape, head):
        members, conforms = [self.shapes.get(m) for m in shape.lists[head]], self.conforms
        return lambda focus, values: [v for v in values if not all(conforms(m, v) for m in members)]

    def _XoneConstraintComponent(self, shape, head):
        members, conforms = [self.shapes.get(m) for m in shape.lists[head]], self.conforms
        return lambda focus, values: [v for v in values if sum(1 for m in members if conforms(m, v)) != 1]

    def _NotConstraintComponent(self, shape, other):
        negated, conforms = self.shapes.get(other), self.conforms
        return lambda focus, values: [v for v in values if conforms(negated, v)]

    def _NodeConstraintComponent(self, shape, other):
        target, conforms = self.shapes.get(other), self.conforms
        return lambda focus, values: [v for v in values if not conforms(target, v)]

    def _QualifiedValueShapeConstraintComponent(self, shape, other):
        qualified, conforms = self.shapes.get(other), self.conforms
        low, high = shape.one(SH_QUALIFIED_MIN), shape.one(SH_QUALIFIED_MAX)
        low = None if low is None else int(low)
        high = None if high is None else int(high)

        def check(focus, values):
            count = sum(1 for v in values if conforms(qualified, v))
            out = []
            if low is not None and count < low:
                out.append(_Tagged(NO_VALUE, QUALIFIED_MIN_COMPONENT))
            if high is not None and count > high:
                out.append(_Tagged(NO_VALUE, QUALIFIED_MAX_COMPONENT))
            return out

        return check

    def _InConstraintComponent(self, shape, head):
        allowed = set(shape.lists[head])
        return lambda focus, values: [v for v in values if v not in allowed]

    def _HasValueConstraintComponent(self, shape, wanted):
        return lambda focus, values: [] if wanted in values else [NO_VALUE]

    def _MinLengthConstraintComponent(self, shape, n):
        n = int(n)
        if n == 0:
            return None
        return lambda focus, values: [v for v in values if isinstance(v, BNode) or len(_string(v)) < n]

    def _MaxLengthConstraintComponent(self, shape, n):
        n = int(n)
        return lambda focus, values: [v for v in values if isinstance(v, BNode) or len(_string(v)) > n]

    def _LessThanConstraintComponent(self, shape, other):
        get = self.data.fwd(other).get
        return lambda focus, values: _compare(values, get(focus, ()), strict=True)

    def _LessThanOrEqualsConstraintComponent(self, shape, other):
        get = self.data.fwd(other).get
        return lambda focus, values: _compare(values, get(focus, ()), strict=False)

    def _EqualsConstraintComponent(self, shape, other):
        get = self.data.fwd(other).get

        def check(focus, values):
            others = list(dict.fromkeys(get(focus, ())))
            mine, theirs = set(values), set(others)
            return [v for v in values if v not in theirs] + [w for w in others if w not in mine]

        return check

    def _DisjointConstraintComponent(self, shape, other):
        get = self.data.fwd(other).get

        def check(focus, values):
            others = set(get(focus, ()))
            return [v for v in values if v in others]

        return check

    def _ClosedConstraintComponent(self, shape, flag):
        if not (isinstance(flag, Literal) and flag.value is True) or shape.is_property_shape:
            return None
        allowed = {p.path for p in shape.properties if isinstance(p.path, URIRef)}
        for head in shape.params.get(IGNORED_PROPERTIES, ()):
            allowed.update(shape.lists[head])
        data = self.data

        def check(focus, values):
            out = []
            for p in data.by_p:
                if p in allowed:
                    continue
                for o in data.fwd(p).get(focus, ()):
                    out.append(_Tagged(o, None, path=p))
            return out

        return check

    # -- SHACL-SPARQL ---------------------------------------------------------------

    def sparql(self, shape: Shape, focus_nodes: list, sink: list) -> None:
        wanted = set(focus_nodes)
        store = self.store()
        for constraint in shape.sparql:
            if constraint.messages is None:  # deactivated
                continue
            text = self.constraint_query(shape, constraint)
            seen = set()
            for row in store.select(text):
                this = row.pop("this", None)
                if this is None:
                    raise refuse(f"a SPARQL constraint ({constraint.node}) whose solutions leave $this unbound")
                if this not in wanted:
                    continue
                key = tuple(sorted(row.items()))
                if key in seen:
                    continue
                seen.add(key)
                path = row.pop("path", None)
                value = row.pop("value", None)
                if value is None and not shape.is_property_shape:
                    value = this  # a node shape's result names the focus node
                if "failure" in row:
                    path, value = None, (this if not shape.is_property_shape else None)
                bound = dict(row)
                bound["this"] = this
                if path is not None:
                    bound["path"] = path
                if value is not None:
                    bound["value"] = value
                messages = [_format(m, bound) for m in constraint.messages if m not in shape.messages]
                messages += [_format(m, bound) for m in shape.messages]
                sink.append(
                    self._result(
                        shape,
                        this,
                        value if value is not None else NO_VALUE,
                        SH.SPARQLConstraintComponent,
                        path=path,
                        messages=messages or _generic(SH.SPARQLConstraintComponent),
                    )
                )


    def constraint_query(self, shape: Shape, constraint) -> str:
        text = constraint.select
        if "$PATH" in text:
            if not shape.is_property_shape:
                raise ConfigError(f"$PATH in the SPARQL constraint of node shape {shape.node}")
            text = text.replace("$PATH", sparql_path(self.sg, shape.path))
        return self.optimised(_project_this(text))

    def store(self):
        """The Oxigraph store, loaded with the predicates the shapes' queries name (all of
        them if one query has a variable predicate), and of rdf:type only the classes they
        name (all of them if one query reads rdf:type otherwise)."""
        if self.data._store is None:
            queries = []
            for shape in self.shapes.shapes.values():
                queries += [self.optimised(t) for t in shape.sparql_targets]
                queries += [self.constraint_query(shape, c) for c in shape.sparql if c.messages is not None]
            return self.data.store(_union(map(predicates, queries)), _union(map(type_objects, queries)))
        return self.data.store()

    def optimised(self, query: str) -> str:
        """``query`` with ``rdf:type/rdfs:subClassOf*`` read as ``rdf:type`` when that gives
        the same set of pairs (types closed under rdfs:subClassOf, which the RDFS and OWL RL
        closures ensure) and the query has no aggregate that could count duplicates.

        Why: Oxigraph 0.5 evaluates that path inside FILTER (NOT) EXISTS from every typed
        node, once per row (about 50 ms per row at 30k triples); a plain rdf:type is a lookup."""
        if not _CLASS_PATH.search(query) or _AGGREGATE.search(query):
            return query
        if not _standard_prefixes(query) or not self.data.types_closed_under_subclass():
            return query
        return _CLASS_PATH.sub(f"<{RDF.type}>", query)


_CLASS_PATH = re.compile(
    r"(?:\brdf:type|(?<![\w:?$])a|<http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type>)\s*/\s*"
    r"(?:rdfs:subClassOf|<http://www\.w3\.org/2000/01/rdf-schema#subClassOf>)\s*\*"
)
_AGGREGATE = re.compile(r"(?i)\b(COUNT|SUM|AVG|MIN|MAX|SAMPLE|GROUP_CONCAT)\s*\(|\bGROUP\s+BY\b")


def _union(sets) -> set | None:
    """The union of ``sets``, or None (everything) if one of them is None."""
    out: set = set()
    for found in sets:
        if found is None:
            return None
        out |= found
    return out


def _standard_prefixes(query: str) -> bool:
    """rdf: and rdfs:, where the query declares them, are the standard namespaces."""
    for prefix, ns in re.findall(r"(?i)PREFIX\s+(rdfs?):\s*<([^>]*)>", query):
        if ns != {"rdf": str(RDF), "rdfs": str(RDFS)}[prefix.lower()]:
            return False
    return True


class _Tagged:
    """A failing value that reports a component (or path) other than its method's."""

    __slots__ = ("value", "component", "path")

    def __init__(self, value, component, path=None) -> None:
        self.value, self.component, self.path = value, component, path


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


def _string(v) -> str:
    """pySHACL's string of a value node (lexical form, or the Python value of a string literal)."""
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _comparable(v):
    if isinstance(v, BNode):
        raise ConfigError("sh:lessThan cannot compare a blank node")
    if isinstance(v, URIRef):
        return str(v), True
    if isinstance(v, Literal) and isinstance(v.value, str):
        return v.value, True
    return v, False


def _compare(values, others, strict: bool) -> list:
    """sh:lessThan / sh:lessThanOrEquals: the values not below every value of the other
    property (a failing value is listed once per value it is not below, as pySHACL does)."""
    others = set(others)
    out = []
    for v in set(values):
        a, a_str = _comparable(v)
        for w in others:
            b, b_str = _comparable(w)
            try:
                fails = a_str != b_str or not (a < b if strict else a <= b)
            except TypeError as exc:
                raise ConfigError(f"sh:lessThan cannot compare {v!r} with {w!r}: {exc}") from exc
            if fails:
                out.append(v)
    return out


def _datatype_ok(v, dt) -> bool:
    """pySHACL 0.40's sh:datatype test."""
    return _datatype_test(dt)(v)


@lru_cache(maxsize=None)
def _datatype_test(dt):
    """pySHACL 0.40's sh:datatype test for ``dt``, with what depends on ``dt`` alone
    (which branch can accept, which Python value fits) decided once."""
    fits = _fits(dt)
    checks_g_type = dt in _G_TYPES
    accepts_any_literal = dt == RDFS_LITERAL
    accepts_typed = dt == RDFS_DATATYPE
    is_string, is_lang_string = dt == XSD_STRING, dt == LANG_STRING

    def ok(v) -> bool:
        if not isinstance(v, Literal):
            return False
        datatype = v.datatype
        if datatype == dt:
            if getattr(v, "ill_typed", None) is True or (checks_g_type and _ill_formed_g_type(v)):
                return False
            return fits(v)
        if accepts_any_literal:
            return True
        if accepts_typed and datatype:
            return True
        if is_string and datatype is None and v.language is None:
            return fits(v)
        if is_lang_string and v.language:
            return fits(v)
        return False

    return ok


_G_TYPES = frozenset({XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gDay, XSD.gMonthDay})


def _ill_formed_g_type(v: Literal) -> bool:
    """An xsd:gYear (and the other g types) whose lexical form is not one.

    rdflib does not check these lexical forms, so a Literal's ``ill_typed`` stays None
    unless owlrl's lexical conversions are installed in rdflib (process-wide) when the
    literal is made, which pySHACL's RDFS inference does: the reference then reports
    ``"20x1"^^xsd:gYear`` under sh:datatype. Checked here with owlrl's own conversions, so
    the verdict no longer depends on what ran earlier in the process."""
    if v.datatype not in _G_TYPES:
        return False
    try:
        AltXSDToPYTHON[v.datatype](str(v))
    except ValueError:
        return True
    return False


def _fits(dt):
    """v -> does the Python value of literal ``v`` fit ``dt`` (pySHACL's check of the value)."""
    if dt in (XSD_STRING, LANG_STRING):
        return lambda v: isinstance(v.value, (str, bytes))
    kind = _VALUE_KINDS.get(dt)
    if kind is None:
        return lambda v: True
    return lambda v: isinstance(v.value, kind)


_VALUE_KINDS = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date,
                XSD.time: time, XSD.dateTime: datetime}


_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _format(message, bound: dict):
    """A SPARQL-based message with {?var} / {$var} replaced by str() of the binding; like
    pySHACL, the formatted message loses its language tag."""
    if not isinstance(message, Literal):
        return message
    text = str(message.value)
    for name, val in bound.items():
        text = re.sub("{{[?$]{}}}".format(name), str(val), text)
    return Literal(text)  # untagged, as pySHACL formats it


_SELECT = re.compile(r"(?is)\bSELECT\s+((?:DISTINCT|REDUCED)\s+)?")


def _project_this(query: str) -> str:
    """The query with ``?this`` among its projected variables."""
    match = _SELECT.search(query)
    if match is None:
        raise ConfigError("a SHACL-SPARQL sh:select without SELECT")
    head_end = match.end()
    rest = query[head_end:]
    projection = re.split(r"(?i)\bWHERE\b|\{", rest, maxsplit=1)[0]
    if "*" in projection or re.search(r"[?$]this\b", projection):
        return query
    return query[:head_end] + "?this " + rest


@lru_cache(maxsize=None)
def _generic(component) -> tuple:
    name = str(component).rsplit("#", 1)[-1]
    return (Literal(f"{name} failed"),)


@lru_cache(maxsize=None)
def _component(name: str) -> URIRef:
    return SH[name]
