"""The SHACL Core constraint components: for each one, a factory that reads the
component's parameter once and returns ``check(focus, value nodes)`` giving the failing
values, or None when the parameter can never fail (``sh:closed false``...).

The validator (:mod:`.engine`) builds a shape's checks once from :data:`CHECKS` and calls
them for every focus node, instead of dispatching on the parameter per focus node. A
failing value is the value node itself, :data:`.results.NO_VALUE` for a result without
``sh:value`` (``sh:minCount``...), or a :class:`.results.Tagged` value naming another
component or path (``sh:qualifiedMinCount``, ``sh:closed``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef

from ...core.errors import ConfigError
from ...rdf.namespaces import SH
from .literals import compare, datatype_test, string_of
from .results import NO_VALUE, Tagged

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Validator

__all__ = ["CHECKS", "SHAPE_REFERENCES"]

# namespace terms read in hot loops, looked up once (rdflib's Namespace.__getattr__ builds a
# new URIRef on every access: 0.7 s per 100k triples when read per focus node)
SH_FLAGS = SH.flags
SH_QUALIFIED_MIN, SH_QUALIFIED_MAX = SH.qualifiedMinCount, SH.qualifiedMaxCount
QUALIFIED_MIN_COMPONENT = SH.QualifiedMinCountConstraintComponent
QUALIFIED_MAX_COMPONENT = SH.QualifiedMaxCountConstraintComponent
IGNORED_PROPERTIES = SH.ignoredProperties
#: parameters whose check asks whether a value conforms to another shape
SHAPE_REFERENCES = frozenset({SH.node, SH["not"], SH["and"], SH["or"], SH.xone, SH.qualifiedValueShape})

NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _class(validator: Validator, shape, cls):
    members = validator.data.class_members(cls)
    return lambda focus, values: [v for v in values if isinstance(v, Literal) or v not in members]


def _datatype(validator: Validator, shape, dt):
    ok = datatype_test(dt)
    return lambda focus, values: [v for v in values if not ok(v)]


def _node_kind(validator: Validator, shape, kind):
    kinds = NODE_KINDS.get(kind)
    if kinds is None:
        raise ConfigError(f"sh:nodeKind {kind} is not a node kind")
    return lambda focus, values: [v for v in values if not isinstance(v, kinds)]


def _min_count(validator: Validator, shape, n):
    n = int(n)
    return lambda focus, values: [NO_VALUE] if len(values) < n else []


def _max_count(validator: Validator, shape, n):
    n = int(n)
    return lambda focus, values: [NO_VALUE] if len(values) > n else []


def _pattern(validator: Validator, shape, pattern):
    flags = shape.one(SH_FLAGS)
    re_flags = 0
    if flags is not None:
        text = str(flags.value).lower()
        re_flags |= (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
        re_flags |= (re.S if "s" in text else 0) | (re.X if "x" in text else 0)
    search = re.compile(str(pattern.value), re_flags).search
    return lambda focus, values: [v for v in values if isinstance(v, BNode) or not search(string_of(v))]


def _language_in(validator: Validator, shape, head):
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


def _unique_lang(validator: Validator, shape, flag):
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


def _or(validator: Validator, shape, head):
    members, conforms = [validator.shapes.get(m) for m in shape.lists[head]], validator.conforms
    return lambda focus, values: [v for v in values if not any(conforms(m, v) for m in members)]


def _and(validator: Validator, shape, head):
    members, conforms = [validator.shapes.get(m) for m in shape.lists[head]], validator.conforms
    return lambda focus, values: [v for v in values if not all(conforms(m, v) for m in members)]


def _xone(validator: Validator, shape, head):
    members, conforms = [validator.shapes.get(m) for m in shape.lists[head]], validator.conforms
    return lambda focus, values: [v for v in values if sum(1 for m in members if conforms(m, v)) != 1]


def _not(validator: Validator, shape, other):
    negated, conforms = validator.shapes.get(other), validator.conforms
    return lambda focus, values: [v for v in values if conforms(negated, v)]


def _node(validator: Validator, shape, other):
    target, conforms = validator.shapes.get(other), validator.conforms
    return lambda focus, values: [v for v in values if not conforms(target, v)]


def _qualified_value_shape(validator: Validator, shape, other):
    qualified, conforms = validator.shapes.get(other), validator.conforms
    low, high = shape.one(SH_QUALIFIED_MIN), shape.one(SH_QUALIFIED_MAX)
    low = None if low is None else int(low)
    high = None if high is None else int(high)

    def check(focus, values):
        count = sum(1 for v in values if conforms(qualified, v))
        out = []
        if low is not None and count < low:
            out.append(Tagged(NO_VALUE, QUALIFIED_MIN_COMPONENT))
        if high is not None and count > high:
            out.append(Tagged(NO_VALUE, QUALIFIED_MAX_COMPONENT))
        return out

    return check


def _in(validator: Validator, shape, head):
    allowed = set(shape.lists[head])
    return lambda focus, values: [v for v in values if v not in allowed]


def _has_value(validator: Validator, shape, wanted):
    return lambda focus, values: [] if wanted in values else [NO_VALUE]


def _min_length(validator: Validator, shape, n):
    n = int(n)
    if n == 0:
        return None
    return lambda focus, values: [v for v in values if isinstance(v, BNode) or len(string_of(v)) < n]


def _max_length(validator: Validator, shape, n):
    n = int(n)
    return lambda focus, values: [v for v in values if isinstance(v, BNode) or len(string_of(v)) > n]


def _less_than(validator: Validator, shape, other):
    get = validator.data.fwd(other).get
    return lambda focus, values: compare(values, get(focus, ()), strict=True)


def _less_than_or_equals(validator: Validator, shape, other):
    get = validator.data.fwd(other).get
    return lambda focus, values: compare(values, get(focus, ()), strict=False)


def _equals(validator: Validator, shape, other):
    get = validator.data.fwd(other).get

    def check(focus, values):
        others = list(dict.fromkeys(get(focus, ())))
        mine, theirs = set(values), set(others)
        return [v for v in values if v not in theirs] + [w for w in others if w not in mine]

    return check


def _disjoint(validator: Validator, shape, other):
    get = validator.data.fwd(other).get

    def check(focus, values):
        others = set(get(focus, ()))
        return [v for v in values if v in others]

    return check


def _closed(validator: Validator, shape, flag):
    if not (isinstance(flag, Literal) and flag.value is True) or shape.is_property_shape:
        return None
    allowed = {p.path for p in shape.properties if isinstance(p.path, URIRef)}
    for head in shape.params.get(IGNORED_PROPERTIES, ()):
        allowed.update(shape.lists[head])
    data = validator.data

    def check(focus, values):
        out = []
        for p in data.by_p:
            if p in allowed:
                continue
            for o in data.fwd(p).get(focus, ()):
                out.append(Tagged(o, None, path=p))
        return out

    return check


#: component name (as in shapes.COMPONENTS) -> factory (validator, shape, parameter) -> check or None
CHECKS = {
    "ClassConstraintComponent": _class,
    "DatatypeConstraintComponent": _datatype,
    "NodeKindConstraintComponent": _node_kind,
    "MinCountConstraintComponent": _min_count,
    "MaxCountConstraintComponent": _max_count,
    "PatternConstraintComponent": _pattern,
    "LanguageInConstraintComponent": _language_in,
    "UniqueLangConstraintComponent": _unique_lang,
    "OrConstraintComponent": _or,
    "AndConstraintComponent": _and,
    "XoneConstraintComponent": _xone,
    "NotConstraintComponent": _not,
    "NodeConstraintComponent": _node,
    "QualifiedValueShapeConstraintComponent": _qualified_value_shape,
    "InConstraintComponent": _in,
    "HasValueConstraintComponent": _has_value,
    "MinLengthConstraintComponent": _min_length,
    "MaxLengthConstraintComponent": _max_length,
    "LessThanConstraintComponent": _less_than,
    "LessThanOrEqualsConstraintComponent": _less_than_or_equals,
    "EqualsConstraintComponent": _equals,
    "DisjointConstraintComponent": _disjoint,
    "ClosedConstraintComponent": _closed,
}
