"""The build of the project's own ontology and data (the ``built`` fixture)."""

from __future__ import annotations

import json
import re

from pipeline_support import ROOT
from rdflib.namespace import PROV, RDF
from sco_kg.pipeline.reason import is_trivial_entailment
from sco_kg.rdf.namespaces import INFERRED_GRAPH, KGG, REASONING_RUN, SCHEMA, article, article_graph
from sco_kg.store.export import export

ARTICLES = sorted(p.name for p in (ROOT / "data" / "articles").iterdir() if p.is_dir())
IMPORTS = sorted(p.stem for p in (ROOT / "ontology" / "imports").glob("*.ttl"))


def test_the_build_conforms(built):
    assert set(built.reports) == {"asserted", "closure"}
    assert all(report.conforms for report in built.reports.values())


def test_the_named_graphs_are_those_of_the_design(built_dataset):
    names = {str(g.identifier) for g in built_dataset.graphs() if len(g)}
    expected = {str(KGG["ontology"]), str(KGG["vocabulary"]), str(KGG["replaced"]), str(INFERRED_GRAPH),
                str(KGG["proofs"])}
    expected |= {str(KGG[f"imports/{name}"]) for name in IMPORTS}
    pattern = re.compile(r"^(provenance|labels|s\d\d)$")
    article_graphs = names - expected
    for name in article_graphs:
        article_id, _, local = name.removeprefix(str(KGG)).partition("/")
        assert article_id in ARTICLES and pattern.match(local), name
    for article_id in ARTICLES:
        assert str(article_graph(article_id, "provenance")) in names
    assert expected <= names
    assert {"org", "prov", "time", "schema", "foaf", "skos", "oa"} <= set(IMPORTS)
    assert len(built_dataset.default_graph) == 0


def test_the_article_text_is_the_file(built_dataset):
    for article_id in ARTICLES:
        raw = (ROOT / "data" / "articles" / article_id / "article.txt").read_bytes().decode("utf-8")
        texts = list(built_dataset.graph(article_graph(article_id, "provenance")).objects(article(article_id), SCHEMA.text))
        assert [str(t) for t in texts] == [raw]


def test_the_inferred_graph_holds_no_noise_and_names_its_run(built_dataset):
    inferred = built_dataset.graph(INFERRED_GRAPH)
    assert len(inferred) > 100
    assert [t for t in inferred if is_trivial_entailment(t) and t[1] != PROV.endedAtTime] == []
    assert (INFERRED_GRAPH, PROV.wasGeneratedBy, REASONING_RUN) in inferred
    assert (REASONING_RUN, RDF.type, PROV.Activity) in inferred


def test_the_dumps(built, tmp_path):
    paths = export(built, tmp_path / "dist")
    summary = json.loads(paths["summary.json"].read_text(encoding="utf-8"))
    assert summary["inferred"] == len(built.dataset.graph(INFERRED_GRAPH))
    assert summary["asserted"] + summary["inferred"] == summary["triples"]
    assert summary["classes"]["http://xmlns.com/foaf/0.1/Person"] >= 3


def test_a_person_who_is_an_organisation_makes_the_build_fail(tmp_path):
    """Error provocation on the real ontology: skg:Person owl:disjointWith skg:Organisation."""
    import pytest
    from pipeline_support import FIXED_NOW, PREFIXES, write
    from sco_kg.core.errors import InconsistencyError
    from sco_kg.pipeline.build import build
    from sco_kg.pipeline.sources import Sources

    bad = write(tmp_path / "bad.trig", PREFIXES + "kgg:x { kg:sergei-shoigu a skg:Organisation . }\n")
    with pytest.raises(InconsistencyError) as info:
        build(Sources.default(extra=[bad]), validate=False, now=FIXED_NOW)
    assert any("sergei-shoigu" in m for m in info.value.messages), info.value.messages


def test_two_builds_give_the_same_bytes():
    from pipeline_support import FIXED_NOW
    from sco_kg.pipeline.build import build
    from sco_kg.store.export import to_nquads, to_trig

    one, two = (build(validate=False, now=FIXED_NOW).dataset for _ in range(2))
    assert to_nquads(one) == to_nquads(two)
    assert to_trig(one) == to_trig(two)
