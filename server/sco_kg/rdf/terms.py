"""The one bridge between rdflib's terms and pyoxigraph's, both ways.

rdflib holds the pipeline's data (the build, validation, reasoning); pyoxigraph parses,
stores, queries and writes. A literal crosses with the lexical form and the datatype it
has (no canonicalisation: ``"007"^^xsd:nonNegativeInteger`` stays so, an ill-typed
``"abc"^^xsd:integer`` too, so that validation can say so); ``"x"^^xsd:string`` is the
simple literal ``"x"``, as RDF 1.1 says.

* :func:`rdflib_converter` makes the function that turns pyoxigraph terms into rdflib
  ones, keeping one rdflib object per IRI (a parse of 1M triples holds each IRI once) and
  either fresh blank nodes (one per label, for a file of our own) or the parser's labels.
* :func:`to_oxigraph` turns an rdflib term into a pyoxigraph one.

RDF 1.2 terms (triple terms, literals with a base direction), which rdflib cannot hold,
raise :class:`UnsupportedTerm`.
"""

from __future__ import annotations

from typing import Callable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class UnsupportedTerm(ValueError):
    """A pyoxigraph term rdflib cannot hold; ``what`` says which kind."""

    def __init__(self, what: str, term):
        self.what = what
        self.text = str(term)
        super().__init__(f"{what} (RDF 1.2) are not supported: {self.text[:120]}")


def rdflib_converter(*, fresh_blank_nodes: bool = True) -> Callable:
    """A function pyoxigraph term -> rdflib term, with its own memory of IRIs and blank nodes.

    ``fresh_blank_nodes``: each blank-node label becomes a new ``BNode()`` (labels of one
    parse stay apart from any other's); else the label is kept (``BNode(label)``).
    A closure rather than a class: it is the inner loop of every load (1M triples: a
    method call per term cost ~10% more).
    """
    iris: dict[str, URIRef] = {}
    blanks: dict[str, BNode] = {}
    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal

    def convert(t):
        kind = type(t)
        if kind is named:
            iri = iris.get(t.value)
            if iri is None:
                iri = iris[t.value] = URIRef(t.value)
            return iri
        if kind is blank:
            node = blanks.get(t.value)
            if node is None:
                node = blanks[t.value] = BNode() if fresh_blank_nodes else BNode(t.value)
            return node
        if kind is literal:
            if t.language:
                if t.direction:
                    raise UnsupportedTerm("literals with a base direction", t)
                return Literal(t.value, lang=t.language)
            datatype = t.datatype.value
            return Literal(t.value) if datatype == XSD_STRING else Literal(t.value, datatype=convert(t.datatype))
        if kind is ox.Triple:
            raise UnsupportedTerm("triple terms", t)
        raise UnsupportedTerm(f"terms of kind {kind.__name__}", t)  # pragma: no cover

    return convert


def to_oxigraph(term, blank_label: str | None = None):
    """The pyoxigraph term of an rdflib term, its lexical form and datatype as rdflib holds
    them; a blank node takes ``blank_label`` (default: its own)."""
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(blank_label or str(term))
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")
