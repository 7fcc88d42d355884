"""The one registry of RDF syntaxes: each with its names, file extensions, media types,
rdflib's name and pyoxigraph's format. Every reader, writer, dump and negotiation of the
package looks a syntax up here (never in a table of its own).

    >>> by_extension("facts.trig").key
    'trig'
    >>> by_name("nt").media_type
    'application/n-triples'
    >>> by_media_type("application/x-turtle").key
    'turtle'

SPARQL result formats (JSON, XML, CSV, TSV) are not RDF syntaxes: they live in
:mod:`sco_kg.web.conneg`, beside their serialisers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfSyntax:
    key: str  # stable name: export --format, dumps, the query workers' jobs
    label: str  # for people: "Turtle"
    media_type: str
    extensions: tuple[str, ...]  # the first is the one written (dumps, linked-data documents)
    names: tuple[str, ...]  # what people type: ``--format``, ``format=`` (the key among them)
    rdflib: str  # rdflib's parser and serialiser name
    oxigraph: ox.RdfFormat | None  # None: pyoxigraph neither reads nor writes it
    quads: bool  # a dataset syntax: named graphs are kept
    aliases: tuple[str, ...] = ()  # older media types read as this syntax (Content-Type, Accept)
    answers_to: tuple[str, ...] = ()  # generic media types of Accept this syntax answers (JSON-LD for application/json)

    @property
    def extension(self) -> str:
        """The extension written, without its dot: ``ttl``."""
        return self.extensions[0].lstrip(".")


SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "Turtle", "text/turtle", (".ttl", ".turtle"), ("turtle", "ttl"), "turtle",
              ox.RdfFormat.TURTLE, False, aliases=("application/x-turtle",)),
    RdfSyntax("trig", "TriG", "application/trig", (".trig",), ("trig",), "trig",
              ox.RdfFormat.TRIG, True, aliases=("application/x-trig",)),
    RdfSyntax("ntriples", "N-Triples", "application/n-triples", (".nt",), ("ntriples", "nt", "n-triples"), "nt",
              ox.RdfFormat.N_TRIPLES, False, answers_to=("text/plain",)),
    RdfSyntax("nquads", "N-Quads", "application/n-quads", (".nq", ".nquads"), ("nquads", "nq", "n-quads"), "nquads",
              ox.RdfFormat.N_QUADS, True),
    RdfSyntax("jsonld", "JSON-LD", "application/ld+json", (".jsonld", ".json"), ("jsonld", "json-ld", "json"),
              "json-ld", ox.RdfFormat.JSON_LD, True, answers_to=("application/json",)),
    RdfSyntax("rdfxml", "RDF/XML", "application/rdf+xml", (".rdf", ".owl", ".xml"),
              ("rdfxml", "rdf", "xml", "rdf/xml", "owl"), "xml", ox.RdfFormat.RDF_XML, False,
              answers_to=("application/xml", "text/xml")),
    RdfSyntax("n3", "N3", "text/n3", (".n3",), ("n3",), "n3", ox.RdfFormat.N3, False, aliases=("text/rdf+n3",)),
    RdfSyntax("trix", "TriX", "application/trix", (".trix",), ("trix",), "trix", None, True),
)

#: every syntax by key
BY_KEY: dict[str, RdfSyntax] = {s.key: s for s in SYNTAXES}
_BY_NAME = {name: s for s in SYNTAXES for name in (s.key, *s.names)}
_BY_EXTENSION = {ext: s for s in SYNTAXES for ext in s.extensions}
_BY_MEDIA_TYPE = {mt: s for s in SYNTAXES for mt in (s.media_type, *s.aliases)}
_BY_LOOSE_MEDIA_TYPE = {**{mt: s for s in SYNTAXES for mt in s.answers_to}, **_BY_MEDIA_TYPE}


class UnknownSyntax(LookupError):
    """No syntax of the registry has this name, extension or media type; ``known`` lists them."""

    def __init__(self, what: str, known: list[str]):
        self.what = what
        self.known = known
        super().__init__(f"unknown {what} (known: {', '.join(known)})")


def by_name(name: str) -> RdfSyntax:
    """A syntax by a name people give it (``ttl``, ``n-triples``, ``json-ld``...), any case."""
    try:
        return _BY_NAME[name.strip().lower()]
    except KeyError:
        raise UnknownSyntax(f"RDF syntax {name!r}", sorted(_BY_NAME)) from None


def by_extension(path: str | PurePath) -> RdfSyntax:
    """The syntax of a file, by its extension (``.ttl``, ``.nq``...), any case."""
    suffix = PurePath(path).suffix.lower()
    try:
        return _BY_EXTENSION[suffix]
    except KeyError:
        raise UnknownSyntax(f"RDF syntax for extension {suffix!r}", sorted(_BY_EXTENSION)) from None


def by_media_type(media_type: str | None, *, loose: bool = False) -> RdfSyntax | None:
    """The syntax of a media type (parameters ignored; older aliases included), or None.
    ``loose`` also reads the generic types a syntax answers to (``text/plain`` as
    N-Triples): for what another store answers, not for what a stranger sends."""
    main = (media_type or "").split(";", 1)[0].strip().lower()
    return (_BY_LOOSE_MEDIA_TYPE if loose else _BY_MEDIA_TYPE).get(main)


def syntax_names() -> list[str]:
    """Every name people may give a syntax (``--format``), sorted."""
    return sorted(_BY_NAME)


def readable_by_oxigraph() -> tuple[RdfSyntax, ...]:
    """The syntaxes pyoxigraph parses and writes (all but TriX)."""
    return tuple(s for s in SYNTAXES if s.oxigraph is not None)
