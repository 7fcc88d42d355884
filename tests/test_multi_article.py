"""A second article dropped beside the first one (tests/fixtures/second-article/) is built
with data/, and the entities both articles name are the same IRIs: one node each."""

from __future__ import annotations

import pytest
from pipeline_support import FIXED_NOW, FIXTURES
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from sco_kg.pipeline.build import build
from sco_kg.pipeline.sources import Sources
from sco_kg.pipeline.validate import validate
from sco_kg.rdf.namespaces import KG, KGG, SCHEMA, article, article_graph
from sco_kg.store.export import union_graph

FIRST, SECOND = "000_1cb7668562977704", "001_second_fixture"
SECOND_DIR = FIXTURES / "second-article"
SHOIGU = KG["sergei-shoigu"]
NEW_MEETING = KG["event-shoigu-belarus-defence-ministers-meeting"]
PATRIOT_PARK_MEETING = KG["event-defence-ministers-meeting-patriot-park"]


@pytest.fixture(scope="module")
def both():
    sources = Sources.default(data_dirs=[SECOND_DIR])
    result = build(sources, validate=False, now=FIXED_NOW)
    return sources, result.dataset


def graphs_with_subject(ds, node) -> set[str]:
    return {str(g.identifier) for g in ds.graphs() if (node, None, None) in g}


def test_both_articles_are_built(both):
    _, ds = both
    for article_id in (FIRST, SECOND):
        provenance = ds.graph(article_graph(article_id, "provenance"))
        assert (article(article_id), RDF.type, SCHEMA.NewsArticle) in provenance
        assert provenance.value(article(article_id), SCHEMA.text) is not None
    text = ds.graph(article_graph(SECOND, "provenance")).value(article(SECOND), SCHEMA.text)
    assert str(text) == (SECOND_DIR / "articles" / SECOND / "article.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", ["sergei-shoigu", "post-russia-minister-of-defence", "moscow", "belarus", "csto"])
def test_shared_entities_are_stated_by_both_articles_with_one_iri(both, slug):
    _, ds = both
    graphs = graphs_with_subject(ds, KG[slug])
    assert any(g.startswith(str(KGG[FIRST + "/s"])) for g in graphs), graphs
    assert any(g.startswith(str(KGG[SECOND + "/s"])) for g in graphs), graphs


def test_shoigu_is_one_node_in_the_union(both):
    _, ds = both
    union = union_graph(ds)
    assert set(union.subjects(RDFS.label, Literal("Sergei Shoigu", lang="en"))) == {SHOIGU}
    # after reasoning he attends both meetings: one node joins the two articles
    attended = set(union.subjects(SCHEMA.attendee, SHOIGU))
    assert {NEW_MEETING, PATRIOT_PARK_MEETING} <= attended
    # and the label written once, by the first article, serves the second one's facts
    assert union.value(NEW_MEETING, RDF.type) is not None
    assert (SHOIGU, RDFS.label, Literal("Sergueï Choïgou", lang="fr")) in union


def test_the_second_article_adds_no_violation(both):
    sources, ds = both
    assert sources.shapes is not None, "no shapes"
    report = validate(ds, sources.shapes, stage="closure")
    second_graphs = [g for g in ds.graphs() if str(g.identifier).startswith(str(KGG[SECOND + "/"]))]
    second_nodes = {s for g in second_graphs for s in g.subjects() if isinstance(s, URIRef)}
    first_nodes = {
        s for g in ds.graphs() if str(g.identifier).startswith(str(KGG[FIRST + "/"])) for s in g.subjects()
    }
    own = second_nodes - first_nodes  # nodes the second article introduces
    assert NEW_MEETING in own
    assert [r for r in report.results if r.focus in own] == []
