"""Which triples a SPARQL query can read: at most those whose predicate it names.

Loading all the data into Oxigraph costs more than the queries themselves (about 1 s per
200k triples); a query whose every triple pattern and property path names its predicate
can only match triples with those predicates, so only those need loading.

The query is tokenised (strings and comments skipped; rdflib's SPARQL parser would take
~0.1 s per query): every IRI it names counts as a possible predicate (a superset is
harmless), and anything that might be a variable in predicate position (a variable
after a subject that opens a pattern, or after ``;`` or ``[``), a negated property set (``!``), or an undeclared prefix
makes the answer ``None``: load everything.

rdf:type is most of the data once closed (every node is an ``rdfs:Resource``, and so on
up the class tree), while queries ask for the instances of a few named classes: where
every ``rdf:type`` (or ``a``) of a query is a predicate followed by named classes, only
the rdf:type triples of those classes need loading (:func:`type_objects`).
"""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.namespace import RDF

_TOKEN = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')'''
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<var>[?$][A-Za-z0-9_]+)"
    r"|(?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w-](?:[\w.-]*[\w-])?)?)"
    r"|(?P<word>[A-Za-z_][\w]*)"
    r"|(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*+?/|^!=<>@-])"
    r"|(?P<space>\s+)"
)
_TERM_KINDS = ("iri", "var", "pname", "string", "number")


def predicates(query: str) -> set | None:
    """The predicates ``query`` can match (a superset), or None when it may match any."""
    tokens = _tokens(query)
    prefixes = _prefixes(tokens)
    body = _after_projection(tokens)
    found: set = set()
    for i, (kind, text) in enumerate(body):
        if kind == "punct" and text == "!":
            return None
        if kind == "var" and i >= 1:
            before = body[i - 1]
            if before[1] in (";", "["):  # "; ?p", "[ ?p": a predicate
                return None
            if before[0] in _TERM_KINDS and (i < 2 or body[i - 2][1] in ("{", ".", "}", ")")):
                return None  # "{ ?s ?p": a subject then a variable predicate
        if kind == "iri":
            found.add(URIRef(text[1:-1]))
        elif kind == "pname":
            prefix, _, local = text.partition(":")
            if prefix not in prefixes:
                return None
            found.add(URIRef(prefixes[prefix] + local))
        elif kind == "word" and text == "a":
            found.add(RDF.type)
    return found


def type_objects(query: str) -> set | None:
    """The classes ``query`` can match as objects of rdf:type triples (a superset), or
    None when it may match rdf:type triples of any class.

    Every rdf:type in the query (``rdf:type``, its full IRI, or ``a``) must stand as a plain
    predicate followed by a named class (or several, after commas); one inside a property
    path (``/``, ``|``, ``^``, ``*``, brackets), followed by a variable, a blank node, a
    literal or anything else, or a prefix not declared, makes the answer None. A word taken
    for rdf:type that is not a predicate only adds names to the set: a superset is harmless."""
    tokens = _tokens(query)
    prefixes = _prefixes(tokens)
    body = _after_projection(tokens)
    found: set = set()
    for i, (kind, text) in enumerate(body):
        if not _is_rdf_type(kind, text, prefixes):
            continue
        if kind == "word" and i >= 1 and body[i - 1][1] == "@":  # a language tag "@a"
            continue
        if i >= 1 and body[i - 1][1] in _PATH_BEFORE:
            return None
        j = i + 1
        while True:
            if j >= len(body):
                return None
            term = _named(body[j], prefixes)
            if term is None:
                return None
            found.add(term)
            if j + 1 < len(body) and body[j + 1][1] in _PATH_AFTER:
                return None
            if j + 1 < len(body) and body[j + 1][1] == ",":
                j += 2
                continue
            break
    return found


#: a token before rdf:type that makes it a step of a property path, not a predicate
_PATH_BEFORE = frozenset({"/", "|", "^", "(", "!"})
#: a token after the class that would make "class" part of a path (rdf:type/x is caught
#: there already: the token after rdf:type must be a name)
_PATH_AFTER = frozenset({"/", "|", "*", "+", "?", ")"})


def _is_rdf_type(kind: str, text: str, prefixes: dict) -> bool:
    if kind == "word":
        return text == "a"
    return kind in ("iri", "pname") and _named((kind, text), prefixes) == RDF.type


def _named(token: tuple, prefixes: dict):
    """The IRI a token names (``<...>`` or a declared prefixed name), else None."""
    kind, text = token
    if kind == "iri":
        return URIRef(text[1:-1])
    if kind == "pname":
        prefix, _, local = text.partition(":")
        if prefix in prefixes:
            return URIRef(prefixes[prefix] + local)
    return None


def _tokens(query: str) -> list:
    """The query's tokens as (kind, text), without spaces and comments."""
    tokens = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            tokens.append((kind, m.group()))
    return tokens


def _prefixes(tokens: list) -> dict:
    prefixes: dict = {}
    for i, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "PREFIX" and i + 2 < len(tokens):
            prefixes[tokens[i + 1][1][:-1]] = tokens[i + 2][1][1:-1]
    return prefixes


def _after_projection(tokens: list) -> list:
    """The tokens from the first ``{`` (the projection lists variables side by side)."""
    for i, (kind, text) in enumerate(tokens):
        if text == "{":
            return tokens[i:]
    return tokens
