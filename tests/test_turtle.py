"""sco_kg.rdf.turtle: Turtle and TriG that parse back to the same quads, with prefixes only where
the local name needs no escape (Virtuoso 7.2 kept the backslash of ``kgg:a\\/b``)."""

from __future__ import annotations

import io
import re

import pyoxigraph as ox
import pytest
from sco_kg.rdf import turtle

EX = "http://example.org/"
PREFIXES = {"ex": EX, "exs": EX + "sub/", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
N = ox.NamedNode

TERMS = [
    N(EX + "a"), N(EX + "sub/b"), N(EX + "graph/s01"), N(EX + "x.y"), N(EX + "100%25"), N(EX + "007"),
    N(EX + "p"), N(turtle.RDF_TYPE), N(EX + "C"), ox.BlankNode("b0"),
    ox.Literal('say "hi"\nthen go \\ back'), ox.Literal("Choïgou", language="fr"),
    ox.Literal("007", datatype=N("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")),
    ox.Literal("abc", datatype=N("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal("x", datatype=N(EX + "odd/type")),
]


def _quads():
    subjects, objects = [0, 1, 2, 3, 4, 5, 9], [0, 1, 8, 9, 10, 11, 12, 13, 14]
    graphs = [2, 1]
    rows = {(g, s, 6, o) for g in graphs for s in subjects for o in objects}
    rows |= {(g, s, 7, 8) for g in graphs for s in subjects}
    return sorted(rows)


def _written(rows, graphs: bool) -> str:
    out = io.StringIO()
    turtle.write(out, TERMS, rows, PREFIXES, graphs=graphs)
    return out.getvalue()


@pytest.mark.parametrize("graphs", [False, True])
def test_parses_back_to_the_same_statements(graphs):
    quads = _quads()
    rows = quads if graphs else sorted({q[1:] for q in quads})
    text = _written(rows, graphs)
    fmt = ox.RdfFormat.TRIG if graphs else ox.RdfFormat.TURTLE
    back = set(ox.parse(text.encode(), fmt))
    if graphs:
        expected = {ox.Quad(TERMS[s], TERMS[p], TERMS[o], TERMS[g]) for g, s, p, o in rows}
    else:
        expected = {ox.Quad(TERMS[s], TERMS[p], TERMS[o]) for s, p, o in rows}
    assert back == expected


@pytest.mark.parametrize("graphs", [False, True])
def test_rdflib_reads_it_too(graphs):
    from rdflib import Dataset, Graph

    quads = _quads()
    rows = quads if graphs else sorted({q[1:] for q in quads})
    text = _written(rows, graphs)
    target = Dataset() if graphs else Graph()
    target.parse(data=text, format="trig" if graphs else "turtle")
    count = sum(len(g) for g in target.graphs()) if graphs else len(target)
    assert count == len(rows)


def test_no_escaped_local_name_and_prefixes_where_they_fit():
    text = _written(_quads(), True)
    assert not re.search(r"\b[a-z]+:[^\s<>\"]*\\", text)  # no pname with a backslash escape
    assert "exs:b" in text  # the longest namespace wins
    assert f"<{EX}graph/s01>" in text and f"<{EX}x.y>" in text and f"<{EX}100%25>" in text
    assert f"<{EX}007>" in text  # a digit first: written in full for Turtle 1.0 parsers
    assert ' a ex:C' in text and '"007"^^xsd:nonNegativeInteger' in text and f'"x"^^<{EX}odd/type>' in text


def test_prefix_block_keeps_the_given_order_and_output_is_stable():
    triples = sorted({q[1:] for q in _quads()})
    text = _written(triples, False)
    declared = re.findall(r"^@prefix (\w+):", text, re.M)
    assert declared == list(PREFIXES)
    assert text == _written(triples, False)
