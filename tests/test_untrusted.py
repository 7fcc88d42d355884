"""sco_kg.rdf.untrusted: strangers' RDF parsed safely (issue 5 "parsers facing strangers' input",
issue 7 "hostile data").

* every syntax by media type; quads keep their graphs, triple syntaxes fill the default graph;
* each hostile input gets its own status and a message (with line and column where there is
  one): size (413 before parsing), triple count (413, parsing stopped: an N-Triples bomb is
  never held in memory, measured in a child process), encodings (400 with the position),
  invalid IRIs and literals (400), remote JSON-LD contexts and XML entities (422), deep
  nesting (400, and the process lives), RDF 1.2 terms rdflib cannot hold (422);
* no outbound request: a local HTTP server, referenced by the context, the entity, the DTD
  and owl:imports, and ready to answer, records zero requests;
* property-based: random bytes never raise anything but UntrustedInputError, and random
  graphs written by rdflib parse to what rdflib itself reads from the same bytes.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, XSD
from sco_kg.core.errors import InputError
from sco_kg.rdf.untrusted import (
    MEDIA_TYPES,
    UntrustedInputError,
    parse_untrusted,
    read_untrusted_file,
    union_of,
)

BASE = "https://example.org/base/"
SERVER = Path(__file__).resolve().parents[1] / "server"
LIMITS = {"base": BASE, "max_bytes": 1 << 20, "max_triples": 10_000}


def read_input_graph(path, fmt=None) -> Graph:
    """A stranger's file as ``sco-kg validate FILE`` reads it: every triple of its graphs."""
    return union_of(read_untrusted_file(path, fmt))


def parse(body: bytes | str, media_type: str, **limits):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return parse_untrusted(body, media_type, **{**LIMITS, **limits})


def refused(body, media_type: str, status: int, contains: str = "", **limits) -> UntrustedInputError:
    with pytest.raises(UntrustedInputError) as info:
        parse(body, media_type, **limits)
    exc = info.value
    assert exc.status == status, (exc.status, exc.message)
    assert exc.message
    assert contains.lower() in exc.message.lower(), exc.message
    return exc


class Recorder:
    """A loopback HTTP server that answers every GET (a JSON-LD context, a DTD, an ontology)
    and records it: a parser that fetched anything would get a real answer and be caught."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                body = b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}'
                if self.path.endswith(".dtd"):
                    body = b'<!ENTITY leak "fetched">'
                elif self.path.endswith(".ttl"):
                    body = b"<http://leak/s> <http://leak/p> <http://leak/o> ."
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    rec = Recorder()
    yield rec
    rec.close()


# -- every syntax ------------------------------------------------------------------

EXPECTED = Graph()
EXPECTED.add((URIRef("http://e/a"), URIRef("http://e/p"), Literal("café", lang="fr")))
EXPECTED.add((URIRef("http://e/a"), URIRef("http://e/q"), Literal("7", datatype=XSD.integer)))
EXPECTED.add((URIRef("http://e/a"), URIRef("http://e/r"), URIRef(BASE + "rel")))

SAME_GRAPH = {
    "text/turtle": '@prefix e: <http://e/> . e:a e:p "café"@fr ; e:q 7 ; e:r <rel> .',
    "text/n3": '@prefix e: <http://e/> . e:a e:p "café"@fr ; e:q 7 ; e:r <rel> .',
    "application/n-triples": ('<http://e/a> <http://e/p> "café"@fr .\n'
                              '<http://e/a> <http://e/q> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
                              f'<http://e/a> <http://e/r> <{BASE}rel> .\n'),
    "application/rdf+xml": textwrap.dedent("""\
        <?xml version="1.0" encoding="UTF-8"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">
          <rdf:Description rdf:about="http://e/a">
            <e:p xml:lang="fr">café</e:p>
            <e:q rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">7</e:q>
            <e:r rdf:resource="rel"/>
          </rdf:Description>
        </rdf:RDF>"""),
    "application/ld+json": json.dumps({"@context": {"e": "http://e/"}, "@id": "e:a",
                                       "e:p": {"@value": "café", "@language": "fr"},
                                       "e:q": 7, "e:r": {"@id": "rel"}}),
}


@pytest.mark.parametrize("media_type", sorted(SAME_GRAPH))
def test_every_triple_syntax_fills_the_default_graph(media_type):
    ds = parse(SAME_GRAPH[media_type], media_type)
    assert [g.identifier for g in ds.graphs() if len(g)] == [ds.default_graph.identifier]
    assert isomorphic(union_of(ds), EXPECTED), union_of(ds).serialize(format="nt")


@pytest.mark.parametrize("media_type, body", [
    ("application/trig", '@prefix e: <http://e/> . e:g1 { e:a e:p "1" } e:g2 { e:a e:p "2" } e:a e:p "0" .'),
    ("application/n-quads", '<http://e/a> <http://e/p> "1" <http://e/g1> .\n<http://e/a> <http://e/p> "2" <http://e/g2> .\n'
                            '<http://e/a> <http://e/p> "0" .\n'),
    ("application/ld+json", json.dumps([{"@id": "http://e/g1", "@graph": [{"@id": "http://e/a", "http://e/p": "1"}]},
                                        {"@id": "http://e/g2", "@graph": [{"@id": "http://e/a", "http://e/p": "2"}]},
                                        {"@id": "http://e/a", "http://e/p": "0"}])),
])
def test_quad_syntaxes_keep_their_graphs(media_type, body):
    ds = parse(body, media_type)
    graphs = {str(g.identifier): {str(o) for o in g.objects()} for g in ds.graphs() if len(g)}
    assert graphs == {"http://e/g1": {"1"}, "http://e/g2": {"2"}, str(ds.default_graph.identifier): {"0"}}


def test_every_media_type_has_a_syntax_and_parameters_are_read():
    assert set(MEDIA_TYPES) >= {"text/turtle", "application/trig", "application/n-triples", "application/n-quads",
                                "application/rdf+xml", "application/ld+json", "text/n3"}
    assert len(parse("<http://e/a> <http://e/p> <http://e/o> .", "text/turtle; charset=UTF-8")) == 1
    assert len(parse("<http://e/a> <http://e/p> <http://e/o> .", "Text/Turtle")) == 1


def test_the_senders_prefixes_are_kept():
    ds = parse("@prefix ex: <https://example.org/id/> . ex:a ex:p ex:b .", "text/turtle")
    assert ("ex", URIRef("https://example.org/id/")) in set(ds.namespaces())


# -- media types, sizes, counts -----------------------------------------------------


@pytest.mark.parametrize("media_type", ["application/json", "text/plain", "image/png", "", "text/turtle2"])
def test_unsupported_media_type_is_415(media_type):
    refused("<http://e/a> <http://e/p> <http://e/o> .", media_type, 415, "media type")


def test_other_charset_is_415():
    refused("<http://e/a> <http://e/p> <http://e/o> .", "text/turtle; charset=ISO-8859-1", 415, "charset")


def test_size_limit_comes_before_parsing():
    body = b"this is not RDF at all " * 100
    exc = refused(body, "text/turtle", 413, "over the limit", max_bytes=len(body) - 1)
    assert exc.line is None
    refused(body, "text/turtle", 400, max_bytes=len(body))  # at the limit: parsed (and invalid)


def test_triple_limit_stops_parsing():
    body = "".join(f"<http://e/s{i}> <http://e/p> <http://e/o> .\n" for i in range(101))
    assert len(parse(body, "application/n-triples", max_triples=101)) == 101
    refused(body, "application/n-triples", 413, "more than 100 triples", max_triples=100)


BOMB = textwrap.dedent("""\
    import resource, sys
    sys.path.insert(0, {server!r})
    from sco_kg.rdf.untrusted import UntrustedInputError, parse_untrusted
    line = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\\n"
    body = line * 2_000_000                      # 2 million triples, {mb} MB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        parse_untrusted(body, "application/n-triples", base="http://b/", max_bytes=len(body), max_triples=10_000)
        print("parsed")
    except UntrustedInputError as exc:
        print(exc.status, exc.message)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
""")


def test_n_triples_bomb_is_stopped_with_bounded_memory():
    """Two million triples (142 MB) with a limit of 10,000: refused at the 10,001st, and the
    process's peak memory grows by a few MB, not by the gigabytes loading them would take."""
    line_bytes = len(b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    code = BOMB.format(server=str(SERVER), mb=line_bytes * 2_000_000 // 1_000_000)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    status_line, growth = out.stdout.strip().splitlines()
    assert status_line.startswith("413 more than 10000 triples"), status_line
    print(f"N-Triples bomb: peak memory growth while refusing it: {growth} MB")
    assert int(growth) < 64


# -- encodings ------------------------------------------------------------------------


def test_invalid_utf8_is_400_with_its_position():
    body = '@prefix e: <http://e/> .\ne:a e:p "ok" .\ne:b e:p "caf'.encode() + b"\xe9" + b'" .\n'
    exc = refused(body, "text/turtle", 400, "UTF-8")
    assert (exc.line, exc.column) == (3, 13)


def test_mixed_encodings_are_400():
    """UTF-8 then Latin-1 in one body: the first Latin-1 byte is named, with its place."""
    body = '<http://e/a> <http://e/p> "Genève" .\n'.encode() + '<http://e/b> <http://e/p> "Genève" .\n'.encode("latin-1")
    exc = refused(body, "application/n-triples", 400, "0xe8")
    assert (exc.line, exc.column) == (2, 31)


def test_utf16_is_400():
    refused('<http://e/a> <http://e/p> "x" .'.encode("utf-16"), "application/n-triples", 400, "UTF-8")


def test_xml_declaring_another_encoding_is_400():
    body = SAME_GRAPH["application/rdf+xml"].replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    refused(body, "application/rdf+xml", 400, "ISO-8859-1")


def test_utf8_byte_order_mark_is_accepted():
    assert len(parse(b"\xef\xbb\xbf<http://e/a> <http://e/p> <http://e/o> .", "text/turtle")) == 1


# -- invalid IRIs and literals ---------------------------------------------------------


@pytest.mark.parametrize("media_type, body, position, contains", [
    ("text/turtle", '@prefix e: <http://e/> .\ne:a e:p <http://exa mple/> .', (2, 9), "IRI"),
    ("application/n-triples", '<http://e/a> <http://e/p> <http://e/o> .\n<relative> <http://e/p> "x" .', (2, 1), "IRI"),
    ("application/trig", '<http://e/g> {\n <http://e/a> <http://e/p> <http://e/{o}> }', (2, 28), "IRI"),
    ("text/turtle", '<http://e/a> <http://e/p> "x"@1234-! .', (1, 31), "language"),
    ("text/turtle", '<http://e/a> <http://e/p> "bad \\uD800 escape" .', (1, 32), "D800"),
    ("text/turtle", '<http://e/a> <http://e/p> "unterminated .\n', (1, 27), ""),
    ("application/ld+json", '{"@id": "http://e/a",\n "http://e/p": {"@id": "http://e/a b"}}', (2, 24), "IRI"),
    ("application/ld+json", '{"@id": "http://e/a", "http://e/p": {"@value": "x", "@language": "1234!"}}', (1, 66), "language"),
    ("application/ld+json", '{"@id": "http://e/a",\n "http://e/p": ', (2, 16), "JSON"),
])
def test_invalid_iris_and_literals_are_400_with_line_and_column(media_type, body, position, contains):
    exc = refused(body, media_type, 400, contains)
    assert (exc.line, exc.column) == position, (exc.line, exc.column, exc.message)


def test_invalid_iri_in_rdf_xml_is_400():
    body = SAME_GRAPH["application/rdf+xml"].replace('rdf:about="http://e/a"', 'rdf:about="http://e/a b"')
    refused(body, "application/rdf+xml", 400, "IRI")


def test_ill_typed_literals_are_data_for_the_shapes_not_syntax_errors():
    ds = parse('<http://e/a> <http://e/p> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .', "text/turtle")
    (literal,) = ds.default_graph.objects()
    assert literal.datatype == XSD.integer and str(literal) == "abc"


def test_rdf_12_terms_rdflib_cannot_hold_are_422():
    refused('<http://e/a> <http://e/p> <http://e/o> ~ <http://e/r> .', "text/turtle", 422, "triple terms")
    refused('<http://e/a> <http://e/p> "x"@en--ltr .', "text/turtle", 422, "direction")


def test_n3_rules_are_not_rdf():
    refused("@prefix : <http://e/> . { ?x :p ?y } => { ?y :q ?x } .", "text/n3", 400, "variables")


# -- JSON-LD: no remote context --------------------------------------------------------


def test_remote_context_is_422_naming_it_and_never_fetched(recorder):
    context = recorder.url + "context.jsonld"
    for doc in (
        {"@context": context, "@id": "http://e/a", "name": "x"},
        {"@context": [{"e": "http://e/"}, context], "@id": "http://e/a"},
        {"@context": {"knows": {"@id": "http://e/knows", "@context": context}}, "@id": "http://e/a"},
        {"@context": "relative-context.jsonld", "@id": "http://e/a"},
    ):
        exc = refused(json.dumps(doc), "application/ld+json", 422, "never fetched")
        assert "context.jsonld" in exc.message
    refused(json.dumps({"@context": {"@import": context}, "@id": "http://e/a"}), "application/ld+json", 422,
            context)
    assert recorder.hits == []


def test_pyoxigraph_itself_does_not_fetch_a_remote_context(recorder):
    """Defence in depth: were the pre-scan bypassed, the parser underneath has no loader."""
    import pyoxigraph as ox

    with pytest.raises(SyntaxError, match="LoadDocumentCallback"):
        list(ox.parse(json.dumps({"@context": recorder.url + "c.jsonld", "name": "x"}).encode(), ox.RdfFormat.JSON_LD))
    assert recorder.hits == []


def test_json_ld_integers_past_64_bits_are_refused_not_changed():
    big = 10**20
    for doc in ({"@id": "http://e/a", "http://e/p": big},
                {"@id": "http://e/a", "http://e/p": {"@value": -big, "@type": str(XSD.integer)}},
                {"@id": "http://e/a", "http://e/p": [1, big]}):
        exc = refused(json.dumps(doc), "application/ld+json", 422, "64 bits")
        assert exc.line == 1 and exc.column is not None
    ds = parse(json.dumps({"@id": "http://e/a", "http://e/p": 2**63 - 1}), "application/ld+json")
    assert Literal(str(2**63 - 1), datatype=XSD.integer) in set(ds.default_graph.objects())
    st_ = parse(json.dumps({"@id": "http://e/a", "http://e/p": {"@value": str(big), "@type": str(XSD.integer)}}),
                "application/ld+json")
    assert Literal(str(big), datatype=XSD.integer) in set(st_.default_graph.objects())


def test_inline_context_is_fine():
    ds = parse(json.dumps({"@context": {"@vocab": "http://e/", "knows": {"@type": "@id"}},
                           "@id": "http://e/a", "knows": "http://e/b", "name": "A"}), "application/ld+json")
    assert (URIRef("http://e/a"), URIRef("http://e/knows"), URIRef("http://e/b")) in ds.default_graph


def test_json_ld_nested_too_deeply_is_400_and_the_process_lives():
    """5,000 nested objects crash pyoxigraph's JSON-LD parser (SIGSEGV): refused before it."""
    body = '{"@id": "http://e/a", "http://e/p": ' + '{"http://e/p": ' * 5000 + '"x"' + "}" * 5001
    refused(body, "application/ld+json", 400, "nest")
    body = '{"@id": "http://e/a", "http://e/p": ' + '{"http://e/p": ' * 100 + '"x"' + "}" * 101
    refused(body, "application/ld+json", 400, "nests deeper than 64")
    body = '{"@id": "http://e/a", "http://e/p": ' + "[" * 100_000 + '"x"' + "]" * 100_000 + "}"
    refused(body, "application/ld+json", 400, "nest")


# -- RDF/XML: no entity expansion, no external anything --------------------------------

RDF_XML = """<?xml version="1.0"?>
{doctype}
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">
  <rdf:Description rdf:about="http://e/a"><e:p>{text}</e:p></rdf:Description>
</rdf:RDF>"""

BILLION_LAUGHS = "<!DOCTYPE rdf:RDF [\n" + '<!ENTITY lol0 "lol">\n' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10)) + "]>"


def test_billion_laughs_is_refused():
    exc = refused(RDF_XML.format(doctype=BILLION_LAUGHS, text="&lol9;"), "application/rdf+xml", 422, "entity")
    assert exc.line == 4


def test_quadratic_blowup_past_the_size_limit_is_413():
    doctype = '<!DOCTYPE rdf:RDF [<!ENTITY big "' + "x" * 10_000 + '">]>'
    body = RDF_XML.format(doctype=doctype, text="&big;" * 2_000)
    refused(body, "application/rdf+xml", 413, "entity expansion", max_bytes=1 << 20)


def test_external_entities_and_dtds_are_never_read(recorder):
    for doctype in (
        '<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        f'<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "{recorder.url}x.txt">]>',
        f'<!DOCTYPE rdf:RDF [<!ENTITY xxe PUBLIC "-//X//Y" "{recorder.url}y.txt">]>',
        f'<!DOCTYPE rdf:RDF SYSTEM "{recorder.url}ext.dtd">',
        f'<!DOCTYPE rdf:RDF [<!ENTITY % pe SYSTEM "{recorder.url}pe.dtd"> %pe;]>',
        '<!DOCTYPE rdf:RDF [<!ENTITY % pe "<!ENTITY xxe \'x\'>"> ]>',
    ):
        exc = refused(RDF_XML.format(doctype=doctype, text="&xxe;"), "application/rdf+xml", 422)
        assert "root:" not in exc.message
    assert recorder.hits == []


def test_flat_internal_entities_are_expanded():
    """Common in RDF/XML written by tools: an entity for a namespace."""
    doctype = '<!DOCTYPE rdf:RDF [<!ENTITY e "http://e/">]>'
    body = RDF_XML.format(doctype=doctype, text="x").replace('rdf:about="http://e/a"', 'rdf:about="&e;a"')
    ds = parse(body, "application/rdf+xml")
    assert (URIRef("http://e/a"), URIRef("http://e/p"), Literal("x")) in ds.default_graph


def test_rdf_xml_nested_too_deeply_is_400():
    """100,000 nested elements keep pyoxigraph's RDF/XML parser busy for minutes."""
    n = 100_000
    body = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
            '<rdf:Description rdf:about="http://e/a">' + "<e:p><rdf:Description>" * n
            + "</rdf:Description></e:p>" * n + "</rdf:Description></rdf:RDF>")
    refused(body, "application/rdf+xml", 400, "deeper than", max_bytes=len(body))


# -- owl:imports are triples -------------------------------------------------------------


def test_owl_imports_are_never_followed(recorder, tmp_path):
    body = f"<https://e/onto> a <{OWL.Ontology}> ; <{OWL.imports}> <{recorder.url}onto.ttl> ."
    ds = parse(body, "text/turtle")
    assert (URIRef("https://e/onto"), OWL.imports, URIRef(recorder.url + "onto.ttl")) in ds.default_graph
    assert not any(str(s).startswith("http://leak/") for s in ds.default_graph.subjects())
    path = tmp_path / "imports.ttl"
    path.write_text(body, encoding="utf-8")
    from sco_kg.pipeline.check import validate_files  # the CLI's path: parse and validate

    validate_files([path])
    assert recorder.hits == []


# -- files (sco-kg validate) -------------------------------------------------------------


def test_files_give_input_errors_with_path_line_and_column(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix e: <http://e/> .\ne:a e:p "x"@1-! .\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_input_graph(path)
    assert (info.value.path, info.value.line, info.value.column) == (path, 2, 13)
    xml = tmp_path / "laughs.rdf"
    xml.write_text(RDF_XML.format(doctype=BILLION_LAUGHS, text="&lol9;"), encoding="utf-8")
    with pytest.raises(InputError, match="nested entities"):
        read_input_graph(xml)
    with pytest.raises(InputError, match="unknown RDF syntax"):
        read_input_graph(path, "nonsense")


def test_files_by_extension_and_format(tmp_path):
    for media_type, suffix in (("application/rdf+xml", "rdf"), ("application/ld+json", "jsonld"),
                               ("text/turtle", "ttl"), ("application/n-triples", "nt")):
        path = tmp_path / f"g.{suffix}"
        path.write_text(SAME_GRAPH[media_type].replace(BASE, "https://w3id.org/sco-kg/"), encoding="utf-8")
        graph = read_input_graph(path)
        assert len(graph) == 3, media_type
        assert len(read_input_graph(path.rename(tmp_path / "noext"), suffix)) == 3


# -- property-based --------------------------------------------------------------------

STATUSES = {400, 413, 415, 422}


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=400), media_type=st.sampled_from(sorted(MEDIA_TYPES)))
def test_random_bytes_parse_or_are_refused_with_a_4xx(body, media_type):
    try:
        parse(body, media_type, max_bytes=300, max_triples=50)
    except UntrustedInputError as exc:
        assert exc.status in STATUSES and exc.message


_iri = st.builds(lambda s: URIRef("http://e/" + s), st.text(alphabet="abcdefgh0123456789-_~é", min_size=1, max_size=8))
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)  # XML 1.0 holds no controls
_literal = st.one_of(
    st.builds(Literal, _text),
    st.builds(lambda s, lang: Literal(s, lang=lang), _text, st.sampled_from(["fr", "en", "en-gb"])),
    # within 64 bits: past them a JSON-LD number is refused (pyoxigraph would read "1.0E20")
    st.builds(lambda n: Literal(str(n), datatype=XSD.integer), st.integers(-(2**63), 2**63 - 1)),
)
_predicate = st.builds(lambda s: URIRef("http://e/p" + s), st.text(alphabet="abcxyz", max_size=6))
_bnode = st.builds(lambda n: BNode(f"b{n}"), st.integers(0, 3))
_triples = st.lists(st.tuples(st.one_of(_iri, _bnode), _predicate, st.one_of(_iri, _literal, _bnode)), max_size=30)


@settings(max_examples=150, deadline=5000)
@given(triples=_triples, media_type=st.sampled_from(["application/n-triples", "text/turtle", "application/rdf+xml",
                                                     "application/ld+json", "application/trig"]))
def test_random_graphs_round_trip(triples, media_type):
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    fmt = {"application/n-triples": "nt", "text/turtle": "turtle", "application/rdf+xml": "xml",
           "application/ld+json": "json-ld", "application/trig": "trig"}[media_type]
    body = graph.serialize(format=fmt, encoding="utf-8")
    oracle = Dataset()  # rdflib's own reading of the same bytes (its writer may drop a triple)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib 7.6's Dataset.parse
        oracle.parse(data=body, format=fmt)
    assert isomorphic(union_of(parse(body, media_type)), union_of(oracle))


def test_sco_kg_validate_refuses_hostile_files_with_exit_1(recorder, tmp_path):
    """The CLI reads strangers' files through the same gate: the data is wrong (exit 1, as
    ``sco-kg build --also-data`` says of the same file), the message says where."""
    from click.testing import CliRunner
    from sco_kg.cli import main

    laughs = tmp_path / "laughs.rdf"
    laughs.write_text(RDF_XML.format(doctype=BILLION_LAUGHS, text="&lol9;"), encoding="utf-8")
    remote = tmp_path / "remote.jsonld"
    remote.write_text(json.dumps({"@context": recorder.url + "ctx.jsonld", "@id": "http://e/a"}), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(laughs)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "laughs.rdf:4:" in result.stderr and "entity" in result.stderr
    result = runner.invoke(main, ["validate", str(remote)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "remote.jsonld" in result.stderr and recorder.url + "ctx.jsonld" in result.stderr
    assert recorder.hits == []


def test_build_reads_data_files_through_the_same_gate(recorder, tmp_path):
    """``sco-kg build --also-data`` reads a file from outside with the one reader of
    strangers' RDF too (rdflib's JSON-LD parser, which the build used before, fetches a
    remote @context): the same refusal, nothing fetched."""
    from click.testing import CliRunner
    from sco_kg.cli import main

    remote = tmp_path / "remote.jsonld"
    remote.write_text(json.dumps({"@context": recorder.url + "ctx.jsonld", "@id": "http://e/a"}), encoding="utf-8")
    laughs = tmp_path / "laughs.rdf"
    laughs.write_text(RDF_XML.format(doctype=BILLION_LAUGHS, text="&lol9;"), encoding="utf-8")
    for path, words in ((remote, recorder.url + "ctx.jsonld"), (laughs, "entity")):
        result = CliRunner().invoke(main, ["build", "-q", "--out", str(tmp_path / "dist"), "--also-data", str(path)])
        assert result.exit_code == 1, result.output
        assert path.name in result.stderr and words in result.stderr
    assert recorder.hits == []
    assert not (tmp_path / "dist").exists()
