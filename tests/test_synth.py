"""The synthetic data generator (sco_kg.pipeline.synth): deterministic, the shape of the real data, conforming."""

from __future__ import annotations

from collections import defaultdict

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import PROV, RDF
from sco_kg.cli.synth import synth_command
from sco_kg.pipeline import synth
from sco_kg.pipeline.build import build
from sco_kg.pipeline.sources import Sources, ontology_dir
from sco_kg.rdf.namespaces import OA, SCHEMA, SKG, VOCABULARY_GRAPH


@pytest.fixture(scope="module")
def small() -> Dataset:
    return synth.generate(3_000, seed=7)


def quads(ds: Dataset) -> set:
    return {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}


def test_same_seed_same_data_other_seed_other_data(small):
    assert quads(synth.generate(3_000, seed=7)) == quads(small)
    assert quads(synth.generate(3_000, seed=8)) != quads(small)


def test_size_is_about_what_was_asked(small):
    """``triples`` counts statements (quads): a triple stated in two graphs counts twice."""
    assert 3_000 <= len(quads(small)) < 3_000 + 400  # the last article is completed
    big = synth.generate(20_000, seed=1)
    assert 20_000 <= len(quads(big)) < 20_000 + 400


def test_written_file_is_deterministic_and_parses_to_the_same_quads(tmp_path, small):
    trig, nq, again = tmp_path / "a.trig", tmp_path / "a.nq", tmp_path / "b.trig"
    assert synth.write(trig, 3_000, seed=7) == len(quads(small))
    synth.write(again, 3_000, seed=7)
    synth.write(nq, 3_000, seed=7)
    assert trig.read_bytes() == again.read_bytes()
    for path, fmt in ((trig, "trig"), (nq, "nquads")):
        parsed = Dataset()
        parsed.parse(path, format=fmt)
        assert quads(parsed) == quads(small)


def test_every_fact_sits_in_a_named_graph_of_the_design(small):
    names = {str(g) for _s, _p, _o, g in small.quads((None, None, None, None))}
    assert str(VOCABULARY_GRAPH) in names
    for name in names - {str(VOCABULARY_GRAPH)}:
        tail = name.rsplit("/", 1)[1]
        assert tail in ("labels", "provenance") or (tail[0] == "s" and tail[1:].isdigit()), name


def test_selectors_match_the_article_text_exactly(small):
    union = Graph()
    for s, p, o, _g in small.quads((None, None, None, None)):
        union.add((s, p, o))
    texts = {a: str(t) for a, t in union.subject_objects(SCHEMA.text) if (a, RDF.type, SCHEMA.NewsArticle) in union}
    spans = list(union.subjects(RDF.type, OA.SpecificResource))
    assert texts and len(spans) > len(texts)
    for span in spans:
        text = texts[union.value(span, OA.hasSource)]
        selectors = list(union.objects(span, OA.hasSelector))
        position = next(x for x in selectors if (x, RDF.type, OA.TextPositionSelector) in union)
        quote = next(x for x in selectors if (x, RDF.type, OA.TextQuoteSelector) in union)
        start, end = int(union.value(position, OA.start)), int(union.value(position, OA.end))
        assert text[start:end] == str(union.value(quote, OA.exact))
    # quotations are derived from the span of the graph they sit in, and are verbatim in its words
    derived_from = {s: o for s, _p, o, _g in small.quads((None, PROV.wasDerivedFrom, None, None))}
    graph_of = {s: g for s, _p, _o, g in small.quads((None, RDF.type, SKG.Quotation, None))}
    assert graph_of
    for q, graph in graph_of.items():
        words = union.value(q, SCHEMA.text)
        assert isinstance(words, Literal) and words.language == "fr"
        assert list(union.objects(q, PROV.wasDerivedFrom)) == [derived_from[graph]], q
        exact = [union.value(x, OA.exact) for x in union.objects(derived_from[graph], OA.hasSelector)]
        assert any(x is not None and str(words) in str(x) for x in exact), q


def test_uses_only_declared_ontology_terms(small):
    ontology = Graph().parse(ontology_dir() / "sco-kg.ttl")
    declared = set(ontology.subjects())
    used = defaultdict(int)
    for s, p, o, _g in small.quads((None, None, None, None)):
        for term in (p, o):
            if str(term).startswith(str(SKG)):
                used[term] += 1
    assert used and set(used) <= declared, set(used) - declared
    # the shape of the real graph: every kind of fact is there
    for term in (SKG.Meeting, SKG.Quotation, SKG.Declaration, SKG.Membership, SKG.MinisterPost, SKG.Accession,
                 SKG.Proposal, SKG.ReportedStatement, SKG.locatedIn, SKG.foundedBy, SKG.chairedBy):
        assert used[term], term


def test_synthetic_data_conforms_to_the_shapes_before_and_after_reasoning(tmp_path, monkeypatch):
    path = tmp_path / "synth.trig"
    synth.write(path, 1_500, seed=3)
    sources = Sources.from_dirs(ontology_dir(), [], extra=[path])
    result = build(sources, reasoner="fastrl")
    assert result.reports["asserted"].conforms, result.reports["asserted"].text
    assert result.reports["closure"].conforms, result.reports["closure"].text


def test_synth_command_writes_the_file(tmp_path):
    out = tmp_path / "s.trig"
    result = CliRunner().invoke(synth_command, ["--triples", "500", "--seed", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    parsed = Dataset()
    parsed.parse(out, format="trig")
    assert quads(parsed) == quads(synth.generate(500, seed=2))


def test_same_as_names_a_share_of_the_entities_twice_and_leaves_the_rest_alone(small):
    from rdflib import URIRef
    from rdflib.namespace import OWL

    assert not list(small.quads((None, OWL.sameAs, None, None)))
    aliased = synth.generate(3_000, seed=7, same_as=0.5)
    assert quads(aliased) == quads(synth.generate(3_000, seed=7, same_as=0.5))
    same = [(s, o) for s, _p, o, _g in aliased.quads((None, OWL.sameAs, None, None))]
    assert same and all(o == URIRef(f"{s}-aka") for s, o in same)
    entities = {s for s, _p, o, _g in small.quads((None, RDF.type, None, None)) if o in synth._ALIASED}
    assert 0.3 < len(same) / len(entities) < 0.7, (len(same), len(entities))
    back = {o: s for s, o in same}
    used = [t for t in aliased.quads((None, None, None, None)) if t[1] != OWL.sameAs and (t[0] in back or t[2] in back)]
    assert len(used) > len(same)  # the second names are used in facts and labels
    # otherwise the same data: with the second names undone and the sameAs triples left out,
    # the triples are those of the data without them (an article fewer at most: the sameAs
    # triples count towards the size)
    plain = {(s, p, o) for s, p, o, _g in small.quads((None, None, None, None))}
    undone = {(back.get(s, s), p, back.get(o, o)) for s, p, o, _g in aliased.quads((None, None, None, None))
              if p != OWL.sameAs}
    assert undone <= plain and len(undone) > 0.9 * len(plain)


def test_same_as_is_a_share(tmp_path):
    with pytest.raises(ValueError):
        list(synth.quads(100, 1, same_as=1.5))
    result = CliRunner().invoke(synth_command, ["--triples", "500", "--seed", "2", "--same-as", "0.5",
                                                "--out", str(tmp_path / "s.trig")])
    assert result.exit_code == 0, result.output
