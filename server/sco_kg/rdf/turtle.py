"""A Turtle and TriG writer for sorted quads that every common parser reads alike.

Why not pyoxigraph's writer (which the other dumps use): it abbreviates every IRI under a
prefix, escaping what a local name may not hold (``kgg:000_1cb7668562977704\\/s01``). That
is valid Turtle 1.1, but Virtuoso 7.2's loader keeps the backslash: the graph names came
back as other IRIs and seven competency questions lost their answers there. This writer
abbreviates only where the local name needs no escape (:data:`SAFE_LOCAL`) and writes the
full ``<IRI>`` otherwise, as rdflib's writer did; it also fixes the prefix block's order
(the project's, :data:`~sco_kg.rdf.namespaces.PREFIXES`).

Input: terms already ranked (a list of pyoxigraph terms, ``terms[rank]``) and quads or
triples as rank tuples, sorted; each distinct term is rendered once. Layout: one block per
subject, ``;`` between its predicates, ``,`` between the objects of one predicate,
``rdf:type`` written ``a``; in TriG one ``name { ... }`` block per graph.
"""

from __future__ import annotations

import re
from typing import IO, Iterable, Iterator

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: local names written after a prefix: a letter or underscore first, then no escape, percent,
#: dot or colon (PN_LOCAL's plain subset, which Turtle 1.0 and SPARQL 1.0 parsers read too)
SAFE_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_FLUSH_EVERY = 20_000  # lines kept before a write


def prefix_block(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())


class Renderer:
    """Turtle text of terms, with ``prefixes`` (prefix -> namespace) where they fit."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # longest namespace first: kga: (…/id/article/) before kg: (…/id/)
        self._namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda x: -len(x[0]))

    def iri(self, iri: str) -> str:
        for namespace, prefix in self._namespaces:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if SAFE_LOCAL.match(local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def term(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.Literal) and not term.language and term.datatype.value != _XSD_STRING:
            lexical = str(ox.Literal(term.value))  # the quoted, escaped string, N-Triples style
            return f"{lexical}^^{self.iri(term.datatype.value)}"
        return str(term)  # a blank node, a plain or language-tagged literal: N-Triples form



def _blocks(rows: Iterable[tuple[int, int, int]], text: list[str], a: int | None, indent: str) -> Iterator[str]:
    """Lines of sorted (subject, predicate, object) rank triples, grouped by subject and predicate."""
    subject = predicate = None
    line: list[str] = []
    for s, p, o in rows:
        if s != subject:
            if line:
                yield "".join(line) + " .\n"
            subject, predicate = s, p
            line = [indent, text[s], " ", "a" if p == a else text[p], " ", text[o]]
        elif p != predicate:
            predicate = p
            yield "".join(line) + " ;\n"
            line = [indent, "    ", "a" if p == a else text[p], " ", text[o]]
        else:
            line += [" , ", text[o]]
    if line:
        yield "".join(line) + " .\n"


def write(out: IO[str], terms: list, rows: Iterable[tuple], prefixes: dict[str, str], *, graphs: bool) -> None:
    """Turtle (``graphs=False``: rows are (s, p, o) ranks) or TriG (rows are (g, s, p, o)),
    rows sorted, into the text stream ``out``."""
    renderer = Renderer(prefixes)
    text = [renderer.term(t) for t in terms]
    a = next((i for i, t in enumerate(terms) if isinstance(t, ox.NamedNode) and t.value == RDF_TYPE), None)
    out.write(prefix_block(prefixes))
    buffer: list[str] = []

    def emit(lines: Iterable[str]) -> None:
        for line in lines:
            buffer.append(line)
            if len(buffer) >= _FLUSH_EVERY:
                out.write("".join(buffer))
                buffer.clear()

    if not graphs:
        out.write("\n")
        emit(_blocks(rows, text, a, ""))
    else:
        current: list = []
        graph = None
        for g, s, p, o in rows:
            if g != graph:
                if graph is not None:
                    emit(_blocks(current, text, a, "    "))
                    emit(["}\n"])
                graph, current = g, []
                emit([f"\n{text[g]} {{\n"])
            current.append((s, p, o))
        if graph is not None:
            emit(_blocks(current, text, a, "    "))
            emit(["}\n"])
    out.write("".join(buffer))
