"""What is checked where (PROFILE.md): a plain graph of facts is checked for the facts; a
dataset that carries its source is checked for the facts and for provenance.

The two examples of docs/examples/ hold the same facts (another organisation's summit, a
declaration, a quotation): as one Turtle file with no article and no span, and as TriG with an
article, a graph per sentence and their spans. Both conform, through the command line and
POST /validate; the dataset whose quotation lost its span does not, at either door, and for the
same reason (skgsh:SourcedQuotationShape). Before this rule the plain file was refused: its
quotation had no span, a rule stated nowhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_support import ROOT
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV
from sco_kg.cli import main

EXAMPLES = ROOT / "docs" / "examples"
PLAIN = EXAMPLES / "brics-summit-plain.ttl"
DATASET = EXAMPLES / "brics-summit-dataset.trig"
QUOTATION = URIRef("http://example.org/brics/quotation-ana-example-trade")
PROVENANCE = URIRef("http://example.org/brics/graph/provenance")
SOURCED_QUOTATION = "https://w3id.org/sco-kg/shapes#SourcedQuotationShape"


@pytest.fixture(scope="module")
def quotation_without_span(tmp_path_factory) -> Path:
    """The dataset, but for the quotation's one prov:wasDerivedFrom (its last property)."""
    text = DATASET.read_text(encoding="utf-8")
    derivation = (" ;\n        prov:wasDerivedFrom ex:article-kazan\\/span\\/s03 .   # the words it was reported in\n")
    assert text.count(derivation) == 1
    path = tmp_path_factory.mktemp("examples") / "quotation-without-span.trig"
    path.write_text(text.replace(derivation, " .\n"), encoding="utf-8")
    return path


def test_the_two_examples_hold_the_same_facts():
    plain = Graph().parse(PLAIN, format="turtle")
    ds = Dataset()
    ds.parse(DATASET, format="trig")
    facts = Graph()
    for graph in ds.graphs():
        if graph.identifier != PROVENANCE:
            for triple in graph:
                facts.add(triple)
    facts.remove((QUOTATION, PROV.wasDerivedFrom, None))  # what the source adds: the words
    assert isomorphic(plain, facts)


def validate_cli(runner, path: Path):
    return runner.invoke(main, ["validate", str(path)], catch_exceptions=False)


@pytest.mark.parametrize("path", [PLAIN, DATASET], ids=["plain-graph", "dataset"])
def test_a_profile_conformant_file_conforms_through_the_cli(runner, path):
    result = validate_cli(runner, path)
    assert result.exit_code == 0, result.output
    assert "closure: conforms" in result.output


def test_a_dataset_whose_quotation_lost_its_span_is_refused_by_the_cli(runner, quotation_without_span):
    result = validate_cli(runner, quotation_without_span)
    assert result.exit_code == 1, result.output
    assert "skgsh:SourcedQuotationShape" in result.output
    assert "quotation-ana-example-trade" in result.output


def post(client, path: Path):
    content_type = "application/trig" if path.suffix == ".trig" else "text/turtle"
    resp = client.post("/validate", data=path.read_bytes(),
                       headers={"Content-Type": content_type, "Accept": "application/json"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:800]
    return resp.get_json()


@pytest.mark.parametrize("path", [PLAIN, DATASET], ids=["plain-graph", "dataset"])
def test_a_profile_conformant_file_conforms_through_post_validate(client, path):
    body = post(client, path)
    assert body["conforms"] is True, body
    assert body["focus_nodes"] == []


def test_a_dataset_whose_quotation_lost_its_span_is_refused_by_post_validate(client, quotation_without_span):
    body = post(client, quotation_without_span)
    assert body["conforms"] is False
    (group,) = body["focus_nodes"]
    assert group["focus"] == str(QUOTATION)
    assert [r["path"] for r in group["results"]] == ["prov:wasDerivedFrom"]
    assert group["results"][0]["shape"] in (SOURCED_QUOTATION, "skgsh:SourcedQuotationShape")
