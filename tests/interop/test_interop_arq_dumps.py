"""Apache Jena's ``arq`` over each file of the export, alone: every quad (TriG, N-Quads)
or every triple (Turtle, N-Triples, RDF/XML, JSON-LD) that arq's query engine reads is the
dataset's, graphs kept or the union.

test_interop_queries.py runs the competency questions with arq over the union dump plus
the N-Quads; this checks the other files through arq too, one JVM each: ``SELECT ?g ?s ?p
?o`` over a quad file, ``CONSTRUCT`` of the default graph over a union file, compared
with the dataset the export was written from (rows as a multiset, graphs by isomorphism).

JSON-LD: arq reads ``.jsonld`` with Jena's JSON-LD 1.1 reader, which needs a JSON-P
provider Debian does not package (LOADING_DOCUMENT_FAILED, see docs/interop.md); the file
is read by ``riot --syntax=jsonld10`` into N-Triples first, and arq queries that.
"""

from __future__ import annotations

from collections import Counter

import pytest
from interop_compare import RDF_LANGSTRING, XSD_STRING, Answer, diff
from interop_dumps import DUMP_FORMATS, DUMP_NAMES
from interop_engines import run
from rdflib import BNode, Graph, Literal, URIRef

pytestmark = pytest.mark.interop

QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
FILES = ("sco-kg.trig", "sco-kg.nq", "sco-kg.ttl", "sco-kg.nt", "sco-kg.rdf", "sco-kg.jsonld")


def term(t):
    if isinstance(t, URIRef):
        return ("uri", str(t))
    if isinstance(t, BNode):
        return ("bnode",)
    if isinstance(t, Literal):
        if t.language:
            return ("literal", str(t), RDF_LANGSTRING, t.language.lower())
        return ("literal", str(t), str(t.datatype) if t.datatype else XSD_STRING, None)
    raise TypeError(t)


def expected_quads(dump) -> Answer:
    rows = Counter()
    for s, p, o, c in dump.dataset.quads((None, None, None, None)):
        g = str(getattr(c, "identifier", c))
        if g in dump.graphs:
            rows[frozenset({("g", ("uri", g)), ("s", term(s)), ("p", term(p)), ("o", term(o))})] += 1
    return Answer("select", rows=rows)


def expected_union(dump) -> Answer:
    union = Graph()
    for triple in dump.union_triples:
        union.add(triple)
    return Answer("graph", graph=union)


@pytest.mark.parametrize("file", FILES)
@pytest.mark.parametrize("name", DUMP_NAMES)
def test_arq_reads_each_dump_file(name, file, dumps, jena, tmp_path):
    dump = dumps(name)
    path = dump.dir / file
    _fmt, syntax, quads = DUMP_FORMATS[path.suffix]
    if syntax == "jsonld10":
        converted = run([jena.riot_cmd, f"--syntax={syntax}", "--output=nt", path])
        assert converted.returncode == 0 and not converted.stderr.strip(), converted.stderr[-3000:]
        path = tmp_path / "sco-kg.jsonld.nt"
        path.write_text(converted.stdout, encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text(QUADS if quads else UNION, encoding="utf-8")
    actual = jena.arq(query, [path])
    expected = expected_quads(dump) if quads else expected_union(dump)
    assert sum(expected.rows.values()) if quads else len(expected.graph)
    assert actual.same_as(expected), f"arq over {name}/{file}:\n{diff(expected, actual)}"
