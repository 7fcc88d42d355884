"""SHACL-SPARQL: the constraints (``sh:sparql``) and SPARQL targets of a shapes graph,
run in the Oxigraph view of the data (:meth:`.data.DataGraph.store`) once per shape for
all its focus nodes.

Each constraint's query is evaluated with ``?this`` free and its rows are kept for the
focus nodes, not once per focus node with ``$this`` pre-bound. That equals pre-binding
when every solution binds ``$this`` through the query's own patterns (as SHACL-SPARQL
constraints are written); a solution that leaves ``$this`` unbound is refused
(ConfigError), never guessed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from ...core.errors import ConfigError
from ...rdf.namespaces import SH
from .data import DataGraph
from .results import NO_VALUE, generic_messages
from .scope import predicates, type_objects
from .shapes import Shape, refuse, sparql_path

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Validator

__all__ = ["check", "constraint_query", "load_store", "optimised"]

SPARQL_COMPONENT = SH.SPARQLConstraintComponent


def check(validator: Validator, shape: Shape, focus_nodes: list, sink: list) -> None:
    """The results of ``shape``'s SPARQL constraints on ``focus_nodes``, added to ``sink``."""
    wanted = set(focus_nodes)
    store = validator.store()
    for constraint in shape.sparql:
        if constraint.messages is None:  # deactivated
            continue
        text = constraint_query(validator, shape, constraint)
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
                validator.result(
                    shape,
                    this,
                    value if value is not None else NO_VALUE,
                    SPARQL_COMPONENT,
                    path=path,
                    messages=messages or generic_messages(SPARQL_COMPONENT),
                )
            )


def constraint_query(validator: Validator, shape: Shape, constraint) -> str:
    """The constraint's SELECT as it runs: ``$PATH`` written out, ``?this`` projected,
    the class path read as rdf:type where it may be (:func:`optimised`)."""
    text = constraint.select
    if "$PATH" in text:
        if not shape.is_property_shape:
            raise ConfigError(f"$PATH in the SPARQL constraint of node shape {shape.node}")
        text = text.replace("$PATH", sparql_path(validator.sg, shape.path))
    if _this_only_in_filters(text):
        raise refuse(f"a SPARQL constraint ({constraint.node}) that names $this only inside FILTER (NOT) EXISTS")
    return validator.optimised(_project_this(text))


def _this_only_in_filters(query: str) -> bool:
    """Whether the WHERE clause names ``$this``, but only inside FILTER (NOT) EXISTS groups.
    (A query that never names it is refused by :func:`check` when a row leaves it unbound.)

    Evaluated with ``?this`` free (see the module's docstring), a query that names it only
    inside such a filter binds it nowhere: ``NOT EXISTS { ?this p ?o }`` asks whether ANY
    node has ``p``, and the rows (if any) name no focus node, so the constraint would fail
    silently where pySHACL, pre-binding ``$this``, reports every focus node."""
    select = _SELECT.search(query)
    body = query[select.end():] if select else query
    body = re.sub(r"(?m)^\s*#.*$", "", body[max(body.find("{"), 0):])  # the WHERE clause, no comments
    kept, i = [], 0
    for found in _FILTER_EXISTS.finditer(body):
        if found.start() < i:  # inside a group already skipped
            continue
        kept.append(body[i:found.start()])
        depth, j = 0, found.end() - 1  # at the group's "{"
        while j < len(body):
            depth += {"{": 1, "}": -1}.get(body[j], 0)
            j += 1
            if depth == 0:
                break
        i = j
    kept.append(body[i:])
    this = re.compile(r"[?$]this\b")
    return this.search(body) is not None and this.search("".join(kept)) is None


_FILTER_EXISTS = re.compile(r"(?i)\bFILTER\s*(?:NOT\s+)?EXISTS\s*\{")


def load_store(validator: Validator):
    """The Oxigraph store, loaded with the predicates the shapes' queries name (all of
    them if one query has a variable predicate), and of rdf:type only the classes they
    name (all of them if one query reads rdf:type otherwise)."""
    if validator.data._store is None:
        queries = []
        for shape in validator.shapes.shapes.values():
            queries += [validator.optimised(t) for t in shape.sparql_targets]
            queries += [constraint_query(validator, shape, c) for c in shape.sparql if c.messages is not None]
        return validator.data.store(_union(map(predicates, queries)), _union(map(type_objects, queries)))
    return validator.data.store()


def optimised(query: str, data: DataGraph) -> str:
    """``query`` with ``rdf:type/rdfs:subClassOf*`` read as ``rdf:type`` when that gives
    the same set of pairs (types closed under rdfs:subClassOf, which the RDFS and OWL RL
    closures ensure) and the query has no aggregate that could count duplicates.

    Why: Oxigraph 0.5 evaluates that path inside FILTER (NOT) EXISTS from every typed
    node, once per row (about 50 ms per row at 30k triples); a plain rdf:type is a lookup."""
    if not _CLASS_PATH.search(query) or _AGGREGATE.search(query):
        return query
    if not _standard_prefixes(query) or not data.types_closed_under_subclass():
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
