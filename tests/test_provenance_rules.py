"""The provenance rules of a dataset (issue 5): every named data graph of a TriG/N-Quads
file is derived from a span whose selectors match the text of an article present in the
file or, with ``--with-kg``, in the project's graph.

Checked through ``sco_kg.pipeline.validate.validate_files`` (what ``sco-kg validate`` runs): the
shapes (spans, selectors, article text: SHACL-SPARQL in ontology/shapes.ttl) and
``sco_kg.pipeline.provenance_rules`` (which graphs exist: not visible to SHACL).

Fixtures, beside the SHACL corpus (conventions of tests/test_shapes.py):

* tests/shapes/datasets/valid/*.trig: each must conform on its own;
* tests/shapes/datasets/invalid/*.trig: one defect each, validated together with
  tests/shapes/valid/base.trig; ``# expect:`` lines pin every result of the report (focus,
  path, component, shape: as in test_shapes.py), ``# message:`` a text some result's
  message holds (offsets, the text found, the file);
* a first line ``# with-kg``: validated with the project's graph (``--with-kg``) and
  without base.trig.
* Coverage: every rule of provenance_rules and every shape constraint it relies on
  (``provenance_rules.SHAPES_RULES``) is broken by some fixture.
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD
from sco_kg.cli import main
from sco_kg.pipeline import provenance_rules
from sco_kg.pipeline.check import validate_files
from test_shapes import BASE, SH, expectations, results, show

ROOT = Path(__file__).resolve().parent.parent
DATASETS = Path(__file__).resolve().parent / "shapes" / "datasets"
VALID = sorted((DATASETS / "valid").glob("*.trig"))
INVALID = sorted((DATASETS / "invalid").glob("*.trig"))
FACTS = sorted((ROOT / "data" / "articles").glob("*/facts.trig"))
MESSAGE = re.compile(r"^#\s*message:\s*(.*)$")
EX = Namespace("https://example.org/id/")
EXG = Namespace("https://example.org/graph/")
SKG = Namespace("https://w3id.org/sco-kg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")


def with_kg(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith("# with-kg")


@functools.lru_cache(maxsize=None)
def report_of(path: Path):
    files = [path] if with_kg(path) or path.parent.name == "valid" else [BASE, path]
    return validate_files(files, with_kg=with_kg(path))


def messages(path: Path) -> list[str]:
    return [m.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (m := MESSAGE.match(line))]


# --------------------------------------------------------------------------- fixtures


def test_fixtures_exist():
    assert len(VALID) >= 2 and len(INVALID) >= 8, (VALID, INVALID)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_good_dataset_conforms(path: Path):
    report = report_of(path)
    assert report.conforms and not report.results, report.text


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_one_defect_dataset_is_rejected_for_its_reason(path: Path):
    expected = expectations(path)
    assert expected, f"{path.name} pins no '# expect:' line"
    report = report_of(path)
    assert not report.conforms
    got = results(report.graph)
    assert got == expected, f"\nexpected:\n{show(expected)}\ngot:\n{show(got)}\n{report.text}"
    assert all(r.severity == "Violation" for r in report.results)
    (node,) = report.graph.subjects(RDF.type, SH.ValidationReport)
    assert report.graph.value(node, SH.conforms) == Literal(False)
    said = [str(m) for m in report.graph.objects(None, SH.resultMessage)]
    wanted = messages(path)
    assert wanted, f"{path.name} pins no '# message:' line"
    for text in wanted:
        assert any(text in m for m in said), f"no message holds {text!r}:\n" + "\n".join(said)


def test_every_rule_is_broken_by_some_fixture():
    hit = {shape for path in INVALID for (_, _, _, shape) in expectations(path)}
    missing = set(provenance_rules.RULES + provenance_rules.SHAPES_RULES) - hit
    # The shape of a SHACL-SPARQL constraint is its node shape: map them.
    sparql = {
        provenance_rules.SKGSH.PositionWithinText: provenance_rules.SKGSH.TextPositionSelectorShape,
        provenance_rules.SKGSH.QuoteMatchesText: provenance_rules.SKGSH.TextQuoteSelectorShape,
    }
    missing = {m for m in missing if sparql.get(m) not in hit}
    assert not missing, "rules no fixture breaks: " + ", ".join(sorted(map(str, missing)))


# --------------------------------------------------------------------------- the project's data


@pytest.mark.parametrize("facts", FACTS, ids=lambda p: p.parent.name)
def test_project_facts_file_conforms_with_the_project_graph(facts: Path):
    report = validate_files([facts], with_kg=True)
    assert report.conforms and not report.results, report.text


@pytest.mark.parametrize("facts", FACTS[:1], ids=lambda p: p.parent.name)
def test_project_files_without_the_project_graph_lack_only_text(facts: Path):
    """facts.trig and vocabulary.trig as a stranger would send them, without --with-kg:
    every graph is described (derived or editorial), but the article's text (article.txt,
    added by the loader of the project's graph) is not there, and the shapes say so."""
    report = validate_files([facts, ROOT / "data" / "vocabulary.trig"])
    article = URIRef("https://w3id.org/sco-kg/id/article/" + facts.parent.name)
    assert not any(r.component == "ProvenanceConstraint" for r in report.results), report.text
    assert (article, "schema:text", "MinCountConstraintComponent") in {
        (r.focus, r.path, r.component) for r in report.results
    }, report.text


# --------------------------------------------------------------------------- the rules alone


def _dataset(description: list[tuple]) -> Dataset:
    ds = Dataset(default_union=False)
    ds.graph(EXG.s01).add((EX.kz, RDF.type, EX.Country))
    prov = ds.graph(EXG.provenance)
    for triple in description:
        prov.add(triple)
    return ds


@pytest.mark.parametrize(
    "description,described",
    [
        ([(EXG.s01, PROV.wasDerivedFrom, EX.span)], True),
        ([(EXG.s01, RDF.type, SKG.EditorialGraph)], True),
        ([(EXG.s01, RDF.type, PROV.Entity)], True),
        ([(EXG.s01, RDF.type, EX.Notes)], True),  # ex:Notes rdfs:subClassOf prov:Entity (context)
        ([(EXG.s01, PROV.wasGeneratedBy, EX.reasoning)], True),
        ([(EXG.s01, RDFS.comment, Literal("about s01"))], False),
        ([], False),
    ],
    ids=["derived", "skg-editorial", "prov-entity", "entity-subclass", "generated", "comment-only", "nothing"],
)
def test_graph_is_derived_or_declared(description, described):
    ds = _dataset(description)
    context = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        context.add((s, p, o))
    context.add((EX.Notes, RDFS.subClassOf, PROV.Entity))  # as an ontology would say
    failures = provenance_rules.check_dataset(ds, context, "test")
    # the provenance graph holds only descriptions of graphs: never a failure itself
    assert [f.focus for f in failures] == ([] if described else [EXG.s01])
    for f in failures:
        assert f.shape == provenance_rules.GRAPH_NOT_DERIVED and f.path == PROV.wasDerivedFrom
        assert "<https://example.org/graph/s01> of test holds 1 triple(s)" in f.message


def test_provenance_graph_with_a_fact_is_a_data_graph():
    ds = _dataset([(EXG.s01, PROV.wasDerivedFrom, EX.span), (EX.span, OA.hasSource, EX.article)])
    assert provenance_rules.check_dataset(ds, ds) == []
    ds.graph(EXG.provenance).add((EX.kz, RDFS.label, Literal("Kazakhstan", lang="en")))
    assert [f.focus for f in provenance_rules.check_dataset(ds, ds)] == [EXG.provenance]


def test_blank_node_graph_described_in_its_file(tmp_path):
    """A graph named by a blank node is described in the same file: its label in the file's
    own parse is the one its description uses."""
    trig = tmp_path / "blank.trig"
    trig.write_text(
        "@prefix prov: <http://www.w3.org/ns/prov#> . @prefix ex: <https://example.org/id/> .\n"
        "_:g { ex:kz a ex:Country . }\n"
        "ex:provenance { _:g a prov:Entity . }\n",
        encoding="utf-8",
    )
    from sco_kg.rdf.untrusted import read_untrusted_file

    assert provenance_rules.check_dataset(read_untrusted_file(trig), Graph()) == []
    trig.write_text(trig.read_text().replace("_:g a prov:Entity", "ex:provenance a prov:Entity"), encoding="utf-8")
    (failure,) = provenance_rules.check_dataset(read_untrusted_file(trig), Graph())
    assert failure.shape == provenance_rules.GRAPH_NOT_DERIVED and isinstance(failure.focus, BNode)


def test_default_graph_of_a_dataset_is_flagged_but_a_plain_graph_is_not():
    ds = _dataset([(EXG.s01, PROV.wasDerivedFrom, EX.span)])
    ds.default_graph.add((EX.kz, RDFS.label, Literal("Kazakhstan", lang="en")))
    (failure,) = provenance_rules.check_dataset(ds, ds)
    assert failure.shape == provenance_rules.TRIPLES_OUTSIDE_GRAPHS and failure.focus == EX.kz
    plain = Dataset(default_union=False)
    plain.default_graph.add((EX.kz, RDFS.label, Literal("Kazakhstan", lang="en")))
    assert provenance_rules.check_dataset(plain, plain) == []


# --------------------------------------------------------------------------- syntaxes and the CLI


def _as_nquads(path: Path, out: Path) -> Path:
    ds = Dataset()
    with warnings.catch_warnings():  # rdflib 7.6's own Dataset.parse uses its deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        ds.parse(path, format="trig")
    lines = [f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n" for s, p, o, g in ds.quads((None, None, None, None))]
    out.write_text("".join(lines), encoding="utf-8")
    return out


def test_nquads_dataset_is_checked_too(tmp_path):
    bad = DATASETS / "invalid" / "graph-not-derived.trig"
    nq = _as_nquads(bad, tmp_path / "bad.data")  # no extension: --format says it
    base = _as_nquads(BASE, tmp_path / "base.data")
    report = validate_files([base, nq], "nquads")
    assert {(r.focus, r.component) for r in report.results} == {(EXG["a1/s04"], "ProvenanceConstraint")}, report.text


def test_json_ld_dataset_is_checked_too(tmp_path):
    bad = DATASETS / "invalid" / "graph-not-derived.trig"
    ds = Dataset()
    with warnings.catch_warnings():  # rdflib 7.6's own Dataset.parse uses its deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        ds.parse(bad, format="trig")
        (tmp_path / "bad.jsonld").write_text(ds.serialize(format="json-ld"), encoding="utf-8")
    report = validate_files([BASE, tmp_path / "bad.jsonld"])
    assert {(r.focus, r.component) for r in report.results} == {(EXG["a1/s04"], "ProvenanceConstraint")}, report.text


def test_turtle_file_has_no_graphs_to_check(tmp_path):
    """The same facts in Turtle: a plain graph, the rules do not apply."""
    ttl = tmp_path / "facts.ttl"
    ttl.write_text(
        "@prefix schema: <https://schema.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/id/kz> a schema:Country ; rdfs:label "Kazakhstan"@fr , "Kazakhstan"@en .\n',
        encoding="utf-8",
    )
    assert validate_files([ttl]).conforms


def test_cli_reports_the_graph_and_exits_1(tmp_path):
    bad = DATASETS / "invalid" / "graph-not-derived.trig"
    out = tmp_path / "report.ttl"
    result = CliRunner().invoke(main, ["validate", "--report", str(out), str(BASE), str(bad)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "ProvenanceConstraint" in result.stdout and "graph-not-derived.trig holds 3 triple(s)" in result.stdout
    assert "DOES NOT CONFORM" in result.stdout.splitlines()[-1]
    graph = Graph().parse(out, format="turtle")
    components = set(graph.objects(None, SH.sourceConstraintComponent))
    assert components == {provenance_rules.COMPONENT}
    assert graph.value(next(graph.subjects(RDF.type, SH.ValidationReport)), SH.conforms) == Literal(
        False, datatype=XSD.boolean
    )
