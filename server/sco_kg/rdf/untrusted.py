"""Parse RDF sent by strangers (POST /validate, POST /data, ``sco-kg validate FILE``) safely.

Why a module of its own: rdflib's parsers trust their input (its JSON-LD parser fetches
remote ``@context`` documents, its RDF/XML parser goes through the XML library's entity
handling) and load everything before anyone can count. Here every body goes through one
gate, in this order, and each refusal is an :class:`UntrustedInputError` carrying an HTTP
status, a message and, when known, the 1-based line and column:

1. size: ``len(body) > max_bytes`` -> 413, before anything is parsed;
2. media type -> syntax (:data:`MEDIA_TYPES`, from :mod:`sco_kg.rdf.formats`); unknown type or a charset other than
   UTF-8 -> 415;
3. encoding: strict UTF-8 (a UTF-8 byte-order mark is allowed) -> 400 with the position of
   the first bad byte; an XML declaration naming another encoding -> 400;
4. a pre-scan of the syntaxes whose parsers can be driven into trouble
   (measured with pyoxigraph 0.5.13: a JSON-LD document nested 5,000 objects deep
   segfaults its parser, 2,000 deep takes 2 s and 786 MB; RDF/XML nested 100,000 elements
   deep runs for minutes; internal XML entities are expanded, recursively):

   * JSON-LD: nesting deeper than ``max_depth`` -> 400; a remote ``@context`` (a string,
     anywhere, also inside a scoped context) or ``@import`` -> 422 naming the IRI: nothing
     is ever fetched, inline the context instead; an ill-formed ``@id``/``@type``/``@language``
     (which JSON-LD would drop without a word) -> 400 with its place; an integer past 64 bits
     (which pyoxigraph would turn into ``"1.0E20"``) -> 422;
   * RDF/XML (read by the standard library's expat, which never fetches anything): an
     external DTD, an external or parameter entity, an entity whose value refers to another
     entity (billion laughs) -> 422; elements nested deeper than ``max_depth`` -> 400; text
     that entity expansion would make larger than ``max_bytes`` -> 413;

5. pyoxigraph's streaming parser (it validates IRIs, language tags, escapes; it never
   fetches anything), counting quads as they come: past ``max_triples`` parsing stops at
   once -> 413, so a bomb of millions of N-Triples is never held in memory;
6. conversion, as the quads come, through the term bridge (:mod:`.terms`) into a
   :class:`~sco_kg.rdf.quadset.QuadSet`: quads keep their graph, triple syntaxes fill the
   default graph; RDF 1.2 triple terms and directional language tags, which rdflib cannot
   hold, -> 422.

``owl:imports`` are just triples: nothing here (or in the validator) follows them.
"""

from __future__ import annotations

import codecs
import json
import re
import xml.parsers.expat
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..core.errors import InputError
from . import formats, terms
from .namespaces import BASE
from .quadset import QuadSet
from .readers import read_dataset, syntax_of

DEFAULT_MAX_DEPTH = 64


class UntrustedInputError(Exception):
    """A body refused: ``status`` (400, 413, 415 or 422), ``message``, ``line``/``column`` (1-based or None)."""

    def __init__(self, status: int, message: str, line: int | None = None, column: int | None = None):
        self.status = status
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        where = f"line {self.line}" + (f", column {self.column}" if self.column is not None else "")
        return f"{where}: {self.message}"


#: the syntaxes a stranger may send: every one of the registry that pyoxigraph parses (all but TriX)
SYNTAXES: tuple[formats.RdfSyntax, ...] = formats.readable_by_oxigraph()
#: media type (lower case, no parameters; older aliases included) -> syntax
MEDIA_TYPES: dict[str, formats.RdfSyntax] = {mt: s for s in SYNTAXES for mt in (s.media_type, *s.aliases)}

ACCEPTED = ", ".join(s.media_type for s in SYNTAXES)


def syntax_for(media_type: str | None) -> formats.RdfSyntax:
    """The syntax of a Content-Type (parameters allowed; a charset must be UTF-8), else 415."""
    if not media_type or not media_type.strip():
        raise UntrustedInputError(415, f"no media type given: send one of {ACCEPTED}")
    main, *params = [p.strip() for p in media_type.split(";")]
    syntax = MEDIA_TYPES.get(main.lower())
    if syntax is None:
        raise UntrustedInputError(415, f"unsupported media type {main!r}: send one of {ACCEPTED}")
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise UntrustedInputError(415, f"charset {value.strip()!r} is not supported: send UTF-8")
    return syntax


def parse_untrusted(body: bytes, media_type: str, *, base: str, max_bytes: int, max_triples: int,
                    max_depth: int = DEFAULT_MAX_DEPTH, keep_blank_labels: bool = False) -> QuadSet:
    """Parse ``body`` (a stranger's RDF of ``media_type``) into a new
    :class:`~sco_kg.rdf.quadset.QuadSet` (a triple syntax fills its default graph).

    Relative IRIs resolve against ``base``. Raises :class:`UntrustedInputError`; never
    fetches anything, never holds more than ``max_triples`` quads.
    """
    if len(body) > max_bytes:
        raise UntrustedInputError(413, f"the body is {len(body)} bytes, over the limit of {max_bytes} bytes")
    syntax = syntax_for(media_type)
    body = _utf8(body)
    if syntax.oxigraph == ox.RdfFormat.JSON_LD:
        _check_json_ld(body, max_depth)
    elif syntax.oxigraph == ox.RdfFormat.RDF_XML:
        _check_rdf_xml(body, max_depth, max_bytes)
    return _parse_counted(body, syntax, base, max_triples, keep_blank_labels)


def read_untrusted_file(path: Path | str, fmt: str | None = None, *, max_bytes: int = 1 << 40,
                        max_triples: int = 1 << 40, base: str | None = None,
                        keep_blank_labels: bool = False) -> QuadSet:
    """A file of any syntax (``fmt``: a name of :mod:`.formats`, else by extension), parsed by
    :func:`parse_untrusted`; TriX (which pyoxigraph does not read) by rdflib after the same
    XML pre-scan. Raises :class:`~sco_kg.core.errors.InputError` (with the path, line and
    column), as the loader does. ``keep_blank_labels``: the store's own log entries, whose
    blank-node labels later changes refer to (a stranger's labels are always renamed)."""
    path = Path(path)
    syntax = syntax_of(path, fmt)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(path, f"the file is {size} bytes, over the limit of {max_bytes} bytes")
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        if syntax.oxigraph is None:  # TriX
            _check_rdf_xml(_utf8(body), DEFAULT_MAX_DEPTH, max_bytes)
            parsed = QuadSet.from_dataset(read_dataset(path, syntax.key))
            if len(parsed) > max_triples:
                raise UntrustedInputError(413, f"more than {max_triples} triples: over the limit")
            return parsed
        return parse_untrusted(body, syntax.media_type, base=base or BASE, max_bytes=max_bytes,
                               max_triples=max_triples, keep_blank_labels=keep_blank_labels)
    except UntrustedInputError as exc:
        raise InputError(path, exc.message, exc.line, exc.column) from exc


def union_of(dataset) -> Graph:
    """Every triple of every graph of ``dataset`` (default graph included), its prefixes kept."""
    union = Graph()
    for prefix, ns in dataset.namespaces():
        union.bind(prefix, ns, override=False)
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union


# -- 3. encoding ----------------------------------------------------------------------

_XML_DECL = re.compile(rb"""\A<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _utf8(body: bytes) -> bytes:
    """``body`` if it is UTF-8 (without its byte-order mark), checked a chunk at a time so
    that a large body is never copied into a str."""
    if not body.isascii():
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(body)
        for start in range(0, len(body), _CHUNK):
            boundary = start - len(decoder.getstate()[0])  # where the last whole character ended
            try:
                decoder.decode(view[start:start + _CHUNK], final=start + _CHUNK >= len(body))
            except UnicodeDecodeError as exc:
                offset = _first_bad_byte(body, boundary)
                line, column = byte_position(body, offset)
                raise UntrustedInputError(
                    400, f"not valid UTF-8 (byte 0x{body[offset]:02x} at offset {offset}: {exc.reason}); "
                         "send UTF-8 only", line, column) from None
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    m = _XML_DECL.match(body)
    if m and m.group(1).decode("ascii").lower() not in ("utf-8", "utf8"):
        raise UntrustedInputError(
            400, f"the XML declaration names encoding {m.group(1).decode('ascii')!r}; only UTF-8 is accepted", 1, 1)
    return body


_CHUNK = 1 << 20


def _first_bad_byte(body: bytes, start: int) -> int:
    """The offset of the first byte that is not UTF-8, searching from ``start`` (a character boundary)."""
    try:
        body[start:start + 2 * _CHUNK].decode("utf-8")
    except UnicodeDecodeError as exc:
        return start + exc.start
    return start  # pragma: no cover - only called after a decoding error


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``offset`` of ``data``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


# -- 4. pre-scans ---------------------------------------------------------------------


def _check_json_ld(body: bytes, max_depth: int) -> None:
    try:
        doc = json.loads(body)
    except RecursionError:
        raise UntrustedInputError(400, f"the JSON is nested too deeply (limit {max_depth})") from None
    except json.JSONDecodeError as exc:
        raise UntrustedInputError(400, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise UntrustedInputError(400, f"the JSON-LD document nests deeper than {max_depth} levels")
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    _check_context(value)
                elif key == "@import":
                    raise UntrustedInputError(
                        422, f"JSON-LD @import of {value!r}: remote contexts are never fetched; inline it")
                elif key in _JSON_LD_IRI_KEYS:
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str) and _BAD_IRI_CHAR.search(item):
                            raise UntrustedInputError(
                                400, f"invalid IRI {item!r} in {key}: a character IRIs may not hold",
                                *_json_position(body, item))
                elif key == "@language" and isinstance(value, str) and not _LANGUAGE_TAG.match(value):
                    raise UntrustedInputError(400, f"invalid language tag {value!r} in @language",
                                              *_json_position(body, value))
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
                else:
                    _check_json_number(body, value)
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, (dict, list)):
                    stack.append((item, depth + 1))
                else:
                    _check_json_number(body, item)


def _check_json_number(body: bytes, value) -> None:
    """pyoxigraph reads a JSON integer past 64 bits as a double (``"1.0E20"``), even with
    ``@type`` xsd:integer (an ill-typed literal): refused rather than changed."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        at = body.find(str(value).encode("ascii"))
        line, column = byte_position(body, at) if at >= 0 else (None, None)
        raise UntrustedInputError(
            422, f"the JSON number {value} is beyond 64 bits and would not be read exactly: "
                 'write it as a string, {"@value": "...", "@type": "xsd:integer"}', line, column)


# JSON-LD drops an ill-formed IRI or language tag silently (and pyoxigraph with it): data lost
# without a word. These keys hold IRIs (or terms and compact IRIs, which hold no such character).
_JSON_LD_IRI_KEYS = {"@id", "@type", "@vocab", "@base"}
_BAD_IRI_CHAR = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def _json_position(body: bytes, value: str) -> tuple[int | None, int | None]:
    """Where the JSON string ``value`` first appears in ``body`` (None, None if not found as written)."""
    at = body.find(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    return byte_position(body, at) if at >= 0 else (None, None)


def _check_context(value) -> None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            raise UntrustedInputError(
                422, f"remote JSON-LD @context {item!r}: contexts are never fetched; put the context inline")


def _check_rdf_xml(body: bytes, max_depth: int, max_bytes: int) -> None:
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state = {"depth": 0, "chars": 0}

    def refuse(status: int, message: str):
        raise UntrustedInputError(status, message, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def doctype(name, system_id, public_id, has_internal_subset):
        if system_id or public_id:
            refuse(422, f"an external DTD ({system_id or public_id!r}) is never read")

    def entity(name, is_parameter, value, base, system_id, public_id, notation):
        if is_parameter:
            refuse(422, f"parameter entity %{name}; is not accepted")
        if value is None:
            refuse(422, f"external entity &{name}; ({system_id or public_id!r}) is never read")
        if "&" in value or "%" in value:
            refuse(422, f"entity &{name}; refers to another entity: nested entities are not expanded")

    def grow(n: int):
        state["chars"] += n
        if state["chars"] > max_bytes:
            refuse(413, f"entity expansion makes the text larger than the limit of {max_bytes} bytes")

    def start(name, attributes):
        state["depth"] += 1
        if state["depth"] > max_depth:
            refuse(400, f"XML elements nest deeper than {max_depth} levels")
        grow(sum(len(v) for v in attributes.values()))

    def end(name):
        state["depth"] -= 1

    def external_ref(context, base, system_id, public_id):
        refuse(422, f"external entity ({system_id or public_id!r}) is never read")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda data: grow(len(data))
    parser.ExternalEntityRefHandler = external_ref
    parser.UseForeignDTD(False)
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as exc:
        raise UntrustedInputError(400, f"invalid XML: {xml.parsers.expat.errors.messages[exc.code]}",
                                  exc.lineno, exc.offset + 1) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise UntrustedInputError(400, "the XML is nested too deeply") from None


# -- 5. streaming parse ---------------------------------------------------------------

_OX_POSITION = re.compile(r"^Parser error at line (\d+) (?:column (\d+)|between columns (\d+) and \d+): ")


def _parse_counted(body: bytes, syntax: formats.RdfSyntax, base: str, max_triples: int,
                   keep_blank_labels: bool = False) -> QuadSet:
    """pyoxigraph's streaming parser into a QuadSet through the term bridge, counting: past
    ``max_triples`` it stops at once (nothing more is parsed or held)."""
    out = QuadSet()
    term = terms.rdflib_converter(fresh_blank_nodes=False)
    graphs: dict = {}
    count = 0
    try:
        parser = ox.parse(body, syntax.oxigraph, base_iri=base, rename_blank_nodes=not keep_blank_labels)
        for quad in parser:
            count += 1
            if count > max_triples:
                raise UntrustedInputError(
                    413, f"more than {max_triples} triples: over the limit, parsing stopped")
            name = quad.graph_name
            graph = graphs.get(name)
            if graph is None:
                graph = graphs[name] = out.default_graph if isinstance(name, ox.DefaultGraph) else out.graph(term(name))
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
        prefixes = dict(parser.prefixes)
    except SyntaxError as exc:
        message = str(exc.args[0] if exc.args else exc)
        line, column = exc.lineno, exc.offset
        m = _OX_POSITION.match(message)
        if m:
            message = message[m.end():]
            line = line or int(m.group(1))
            column = column or int(m.group(2) or m.group(3))
        if "LoadDocumentCallback" in message:  # a remote context the pre-scan did not see
            raise UntrustedInputError(422, "a remote JSON-LD context was referenced: contexts are never fetched")
        raise UntrustedInputError(400, f"invalid {syntax.label}: {message}", line, column) from None
    except terms.UnsupportedTerm as exc:  # RDF 1.2: triple terms, directional language tags
        raise UntrustedInputError(422, str(exc)) from None
    except ValueError as exc:  # pragma: no cover - pyoxigraph's own complaint about its arguments
        raise UntrustedInputError(400, f"invalid {syntax.label}: {exc}") from None
    for prefix, namespace in sorted(prefixes.items()):  # the sender's prefixes, for people reading reports
        out.bind(prefix, namespace, override=True, replace=True)
    return out


__all__ = ["parse_untrusted", "UntrustedInputError", "read_untrusted_file", "syntax_for", "MEDIA_TYPES",
           "SYNTAXES", "ACCEPTED", "union_of", "byte_position"]
