"""sco_kg.rdf.fastparse: pyoxigraph's parser into rdflib graphs, the same terms as rdflib's parser,
and a fallback to rdflib (False) wherever the two would differ or the text is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph
from sco_kg.pipeline import synth
from sco_kg.pipeline.sources import data_dir, ontology_dir
from sco_kg.rdf.fastparse import parse_into
from sco_kg.rdf.namespaces import BASE
from sco_kg.rdf.readers import rdf_format

FILES = sorted(p for d in (ontology_dir(), data_dir()) for p in d.rglob("*") if p.suffix in (".ttl", ".trig"))


def _both(text: str, fmt: str):
    quads = fmt in ("trig", "nquads")
    fast, ref = (Dataset() if quads else Graph()), (Dataset() if quads else Graph())
    assert parse_into(fast, text, fmt, BASE) is True
    ref.parse(data=text, format=fmt, publicID=BASE)
    return fast, ref


def _graphs(g) -> dict:
    if isinstance(g, Dataset):
        return {x.identifier: set(x) for x in g.graphs() if len(x)}
    return {None: set(g)}


def _same(fast, ref) -> None:
    a, b = _graphs(fast), _graphs(ref)
    assert a.keys() == b.keys()
    for name in a:
        assert len(a[name]) == len(b[name])
        no_bnodes = lambda ts: {t for t in ts if not any(isinstance(x, BNode) for x in t)}  # noqa: E731
        assert no_bnodes(a[name]) == no_bnodes(b[name]), name
    assert dict(fast.namespaces()) == dict(ref.namespaces())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_project_files_parse_to_the_same_terms_as_rdflib(path: Path):
    assert FILES
    _same(*_both(path.read_text(encoding="utf-8"), rdf_format(path)))


def test_synthetic_data_parses_to_the_same_terms_as_rdflib(tmp_path):
    out = tmp_path / "s.trig"
    synth.write(out, 2000, 3)
    fast, ref = _both(out.read_text(encoding="utf-8"), "trig")
    _same(fast, ref)
    assert sum(len(g) for g in fast.graphs()) > 1500


def test_literals_blank_nodes_and_numbers():
    text = ('@prefix ex: <http://e/> .\nex:a ex:p "x"@fr, "y", "2"^^<http://www.w3.org/2001/XMLSchema#integer>, '
            '3, 4.5, true, [ ex:q "z" ], <rel> .\n')
    fast, ref = _both(text, "turtle")
    _same(fast, ref)
    assert len({o for o in fast.objects() if isinstance(o, BNode)}) == 1


@pytest.mark.parametrize("text", [
    '<http://e/a> <http://e/p> "x"@EN .',                                          # capitals in a tag
    '<http://e/a> <http://e/p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .',  # explicit xsd:string
    '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . <http://e/a> <http://e/p> "x"^^xsd:string .',
    '<http://e/a> <http://e/p> .',                                                 # a syntax error
])
def test_falls_back_to_rdflib(text):
    assert parse_into(Graph(), text, "turtle", BASE) is False


def test_a_syntax_error_is_reported_by_rdflib_with_its_line(tmp_path):
    from sco_kg.core.errors import InputError
    from sco_kg.rdf.readers import read_quads

    bad = tmp_path / "bad.trig"
    bad.write_text("<http://g> { <http://e/a> <http://e/p> <http://e/o> .\n <http://e/a> <http://e/p> . }\n")
    with pytest.raises(InputError) as info:
        read_quads(bad)
    assert info.value.line == 2


def test_other_syntaxes_fall_back():
    assert parse_into(Graph(), "{}", "json-ld", BASE) is False
