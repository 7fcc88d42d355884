"""``sco-kg validate FILE... [--format F] [--with-kg] [--report OUT]``: strangers' data
checked against ontology/shapes.ttl with the ontology and imports as context.

Exit 0 conforms, 1 violations, 2 unreadable input (path:line:column in the message).
The fixtures are those of tests/test_shapes.py (tests/shapes/).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, Namespace
from rdflib.namespace import RDF, XSD
from sco_kg.cli import main

FIXTURES = Path(__file__).resolve().parent / "shapes"
BASE = FIXTURES / "valid" / "base.trig"
INVALID = FIXTURES / "invalid"
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES = """\
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix skg:    <https://w3id.org/sco-kg/ontology#> .
@prefix kg:     <https://w3id.org/sco-kg/id/> .
@prefix ex:     <https://example.org/id/> .
@prefix exg:    <https://example.org/graph/> .
"""

# A summit attended by the project's kg:sco, which the file itself does not describe.
SUMMIT = PREFIXES + """
ex:summit a schema:Event ; rdfs:label "sommet"@fr , "summit"@en ;
    schema:startDate "2021-09-17"^^xsd:date ; schema:attendee kg:sco .
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, ["validate", *map(str, args)], catch_exceptions=False)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- conforming --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["base.trig", "dates.ttl"])
def test_good_file_in_standard_terms_exits_0(runner, name):
    result = run(runner, FIXTURES / "valid" / name)
    assert result.exit_code == 0, result.output
    assert "conforms to the shapes" in result.stdout.splitlines()[-1]


def test_good_file_in_project_terms_exits_0_and_is_targeted(runner, tmp_path):
    good = write(tmp_path, "good.ttl", PREFIXES + """
ex:lavrov a skg:Person ; rdfs:label "Sergueï Lavrov"@fr , "Sergey Lavrov"@en .
ex:m a skg:Membership ; org:member ex:kz ; org:organization ex:sco ; org:role ex:role-member .
ex:kz a skg:Country ; rdfs:label "Kazakhstan"@fr , "Kazakhstan"@en .
""")
    result = run(runner, BASE, good)
    assert result.exit_code == 0, result.output
    # the same terms, one defect: the shapes (standard terms only) reach skg:Person
    bad = write(tmp_path, "bad.ttl", PREFIXES + 'ex:lavrov a skg:Person ; rdfs:label "Sergueï Lavrov"@fr .\n')
    result = run(runner, bad)
    assert result.exit_code == 1, result.output
    assert "ex:lavrov" in result.stdout and "Sergueï Lavrov" in result.stdout


# -- one defect each ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name,focus,path,needle",
    [
        ("membership-no-role.ttl", "ex:membership/x", "org:role", "MinCountConstraintComponent"),
        ("membership-two-members.ttl", "ex:membership/x", "org:member", "MaxCountConstraintComponent"),
        ("label-untagged.ttl", "ex:kazakhstan", "rdfs:label", "language tag"),
        ("event-ends-before-start.ttl", None, None, "Violation"),
        ("person-is-organisation.ttl", None, None, "Violation"),
        ("quotation-no-speaker.ttl", None, "schema:creator", "Violation"),
        ("project-terms-membership-no-role.ttl", "ex:membership/x", "org:role", "MinCountConstraintComponent"),
    ],
)
def test_one_defect_file_exits_1_with_focus_and_message(runner, name, focus, path, needle):
    result = run(runner, BASE, INVALID / name)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert needle in out
    assert "DOES NOT CONFORM" in out.splitlines()[-1]
    expect = [line.split("focus=", 1)[1].split()[0] for line in (INVALID / name).read_text().splitlines()
              if line.startswith("# expect:")]
    focus = focus or expect[0].replace("\\/", "/")
    # the block of each focus node starts at column 0; its results follow, indented
    heads = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert any(h.startswith(focus) or f"/{focus.split(':', 1)[-1]}>" in h for h in heads), out
    if path:
        assert f" {path}: " in out
    assert "  - Violation" in out  # each result has its message line


# -- datasets, --format, --with-kg -------------------------------------------------


def test_trig_dataset_union_of_its_graphs(runner, tmp_path):
    # the defect sits in a named graph; the base's graphs give its context
    defect = (INVALID / "membership-no-role.ttl").read_text().split("\n\n", 1)[1]
    trig = write(tmp_path, "data.trig", BASE.read_text() + "\nexg:new {\n" + defect + "\n}\n")
    result = run(runner, trig)
    assert result.exit_code == 1, result.output
    assert "org:role" in result.stdout and "membership/x" in result.stdout


def test_nquads_dataset_and_explicit_format(runner, tmp_path):
    ds = Dataset()
    with warnings.catch_warnings():  # rdflib 7.6's own Dataset.parse uses its deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        ds.parse(BASE, format="trig")
    lines = [f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n" for s, p, o, g in ds.quads((None, None, None, None))]
    assert len(lines) > 50
    nq = write(tmp_path, "data.txt", "".join(lines))  # no extension: --format says it
    result = run(runner, "--format", "nquads", nq)
    assert result.exit_code == 0, result.output


def test_with_kg_resolves_a_reference_to_kg_sco(runner, tmp_path):
    summit = write(tmp_path, "summit.ttl", SUMMIT)
    alone = run(runner, summit)
    assert alone.exit_code == 1, alone.output
    assert "kg:sco" in alone.stdout and "ex:summit" in alone.stdout
    with_kg = run(runner, "--with-kg", summit)
    assert with_kg.exit_code == 0, with_kg.output


# -- --report ----------------------------------------------------------------------


@pytest.mark.parametrize("out,fmt", [("report.ttl", "turtle"), ("report.jsonld", "json-ld")])
def test_report_written_and_parsed_back(runner, tmp_path, out, fmt):
    target = tmp_path / out
    result = run(runner, "--report", target, BASE, INVALID / "membership-no-role.ttl")
    assert result.exit_code == 1, result.output
    graph = Graph().parse(target, format=fmt)
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    assert graph.value(reports[0], SH.conforms) == Literal(False, datatype=XSD.boolean)
    components = {graph.value(r, SH.sourceConstraintComponent) for r in graph.objects(reports[0], SH.result)}
    assert SH.MinCountConstraintComponent in components


# -- unreadable input --------------------------------------------------------------


def test_broken_file_exits_1_with_line_and_column(runner, tmp_path):
    """The data is wrong: exit 1, as ``sco-kg build --also-data`` says of the same file."""
    broken = write(tmp_path, "broken.ttl", PREFIXES + 'ex:a rdfs:label "unclosed .\n')
    result = run(runner, BASE, broken)
    assert result.exit_code == 1, result.output
    line = PREFIXES.count("\n") + 1
    assert f"broken.ttl:{line}:" in result.stderr, result.stderr
    assert result.stderr.split(f"broken.ttl:{line}:", 1)[1].split(":", 1)[0].isdigit()  # the column


def test_unknown_format_exits_2(runner):
    result = run(runner, "--format", "nonsense", BASE)
    assert result.exit_code == 2  # bad usage
    assert "'nonsense' is not one of" in result.stderr and "turtle" in result.stderr


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_sparql_constraint_message_is_the_english_one(engine):
    """pySHACL drops the language tags of SHACL-SPARQL messages, and the fast engine does
    not name the constraint: the report for people still shows the English message."""
    from sco_kg.pipeline.check import validate_files

    report = validate_files([INVALID / "quotation-not-verbatim.ttl"], engine=engine)
    [result] = [r for r in report.results if r.component == "SPARQLConstraintComponent"]
    assert result.message.startswith("The quoted words are not verbatim in the article of the span they are derived from")
