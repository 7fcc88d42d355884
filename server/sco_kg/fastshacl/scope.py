"""Which triples a SPARQL query can read: at most those whose predicate it names.

Loading all the data into Oxigraph costs more than the queries themselves (about 1 s per
200k triples); a query whose every triple pattern and property path names its predicate
can only match triples with those predicates, so only those need loading.

The query is tokenised (strings and comments skipped; rdflib's SPARQL parser would take
~0.1 s per query): every IRI it names counts as a possible predicate (a superset is
harmless), and anything that might be a variable in predicate position (a variable
after a subject that opens a pattern, or after ``;`` or ``[``), a negated property set (``!``), or an undeclared prefix
makes the answer ``None``: load everything.
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
    tokens = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            tokens.append((kind, m.group()))
    prefixes: dict = {}
    for i, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "PREFIX" and i + 2 < len(tokens):
            prefixes[tokens[i + 1][1][:-1]] = tokens[i + 2][1][1:-1]
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


def _after_projection(tokens: list) -> list:
    """The tokens from the first ``{`` (the projection lists variables side by side)."""
    for i, (kind, text) in enumerate(tokens):
        if text == "{":
            return tokens[i:]
    return tokens
