"""Parse Turtle, TriG, N-Triples and N-Quads with pyoxigraph's parser into rdflib graphs.

Why: rdflib's parsers are the slowest step of loading (1M triples of TriG: about 30 s,
pyoxigraph's Rust parser about 3 s). :func:`parse_into` makes the same rdflib terms
rdflib's own parser makes from the same text, and says ``False`` instead of parsing
wherever it could not promise that, so that the caller falls back to rdflib:

* a syntax error (rdflib parses again and reports it its way, with line and column);
* text where the two parsers differ: a language tag with capitals (pyoxigraph lowercases
  it, rdflib keeps it), an explicit ``^^xsd:string`` (rdflib keeps the datatype, pyoxigraph
  cannot tell it from a plain literal), quoted triples (RDF-star);
* any other syntax.

On ``False`` the target may hold part of the text: the caller parses again into a fresh one.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import URIRef

from . import formats, terms
from .quadset import is_dataset

#: rdflib's format name -> pyoxigraph's, for the syntaxes whose terms both parsers read alike
FORMATS = {s.rdflib: s.oxigraph for s in map(formats.BY_KEY.get, ("turtle", "trig", "ntriples", "nquads"))}
# a literal whose language tag has a capital, or any mention of xsd:string as a datatype
_DIFFERS = re.compile(r"""["']@[A-Za-z0-9-]*[A-Z]|XMLSchema#string>|\^\^\s*[A-Za-z_][\w.-]*:string\b""")


def parse_into(target, text: str, fmt: str, base: str, *, keep_blank_labels: bool = False) -> bool:
    """Parse ``text`` (rdflib format name ``fmt``) into ``target`` (a Graph, or a Dataset or
    :class:`~sco_kg.rdf.quadset.QuadSet` for quad syntaxes). False where rdflib must parse it instead: ``target`` may then hold part
    of the text, so give a fresh one to rdflib. Streams (no list of the quads is kept).
    ``keep_blank_labels``: ``_:x`` stays ``BNode("x")`` (the store's own files, whose labels
    a change log refers to); else each label is a new blank node."""
    oxfmt = FORMATS.get(fmt)
    if oxfmt is None or _DIFFERS.search(text):
        return False
    term = terms.rdflib_converter(fresh_blank_nodes=not keep_blank_labels)

    holds_graphs = is_dataset(target)
    default = target.default_graph if holds_graphs else target
    graphs: dict = {}
    parser = ox.parse(input=text, format=oxfmt, base_iri=base)
    try:
        for q in parser:
            name = q.graph_name
            if isinstance(name, ox.DefaultGraph):
                graph = default
            else:
                if not holds_graphs:
                    return False
                name = term(name)
                graph = graphs.get(name)
                if graph is None:
                    graph = graphs[name] = target.graph(name)
            graph.add((term(q.subject), term(q.predicate), term(q.object)))
        prefixes = dict(parser.prefixes)
    except (SyntaxError, terms.UnsupportedTerm):
        return False
    if hasattr(target, "bind"):
        for prefix, namespace in prefixes.items():
            target.bind(prefix, URIRef(namespace))
    return True
