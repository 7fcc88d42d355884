"""A refusal proves itself (issue 14, part 3): a result that only the OWL RL closure breaks
carries the proofs of the inferred triples it involves, an inconsistency names the rule and
the axiom it breaks and proves the triples that clash, down to asserted triples with their
named graphs and words; and nothing of it runs for data that passes.

The files: tests/shapes/closure/ (organisation-by-equivalence.ttl: a type by cax-eqc2 makes
a shape target it; org-holds-post.ttl: a value by prp-inv2; same-as-second-founding-date.ttl:
values by eq-rep-s/o, their leaves with the words of base.trig; stance-is-event.ttl: cax-dw),
each with tests/shapes/valid/base.trig as ``sco-kg validate base.trig FILE`` checks it.
The HTTP doors: tests/web/test_refusal_proofs_http.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, Namespace
from rdflib.namespace import FOAF, OWL, RDF, RDFS, XSD
from sco_kg.cli import main
from sco_kg.pipeline import fastrl, refusal_proofs
from sco_kg.pipeline.check import validate_files
from sco_kg.pipeline.report_formats import render
from sco_kg.rdf.namespaces import KGG, ORG, SCHEMA, SKG

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "shapes" / "valid" / "base.trig"
CLOSURE = TESTS / "shapes" / "closure"
EX = Namespace("https://example.org/id/")
EXG = Namespace("https://example.org/graph/")

HEAD = """\
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skg:    <https://w3id.org/sco-kg/ontology#> .
@prefix ex:     <https://example.org/id/> .
"""


def organisations(n: int) -> str:
    """``n`` organisations each refused by the closure only (organisation-by-equivalence.ttl)."""
    return HEAD + "".join(f'ex:org-{i} a foaf:Organization ; rdfs:label "o{i}"@fr , "o{i}"@en ; '
                          f'schema:foundingDate "long ago {i}" .\n' for i in range(n))


def stances(n: int) -> str:
    """``n`` individuals both skg:Stance and schema:Event (stance-is-event.ttl)."""
    return HEAD + "".join(f'ex:s-{i} a skg:Stance , schema:Event ; rdfs:label "s{i}"@fr , "s{i}"@en .\n'
                          for i in range(n))


def check(path: Path):
    """``sco-kg validate base.trig FILE``'s report."""
    return validate_files([BASE, path])


def only(report):
    (result,) = report.results
    return result


def leaves(explanation) -> dict:
    """Asserted triple of the proof -> the names of the graphs that state it."""
    return {leaf: {s.graph for s in explanation.sources[leaf]} for leaf in explanation.leaves()}


def rules(tree) -> set:
    out, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if node.rule:
            out.add(node.rule)
        stack.extend(node.premises)
    return out


# -- a result of the closure -----------------------------------------------------------------


def test_a_type_inferred_by_an_equivalence_that_made_the_shape_target_the_focus_is_proved():
    report = check(CLOSURE / "organisation-by-equivalence.ttl")
    assert report.stage == "closure" and not report.conforms
    result = only(report)
    assert (result.focus, result.path, result.component) == (EX.acme, "schema:foundingDate", "OrConstraintComponent")
    (proof,) = result.proofs  # the value "long ago" is asserted: only the target is inferred
    assert proof.triple == (EX.acme, RDF.type, ORG.Organization)
    assert proof.tree.rule == "cax-eqc2"
    assert leaves(proof) == {
        (ORG.Organization, OWL.equivalentClass, FOAF.Organization): {KGG["imports/org"]},
        (EX.acme, RDF.type, FOAF.Organization): {KGG["extra/organisation-by-equivalence"]},
    }
    assert report.proof_count.shown == 1 and report.proof_count.left_out == 0


def test_an_inferred_value_is_proved_through_the_inverse_property():
    result = only(check(CLOSURE / "org-holds-post.ttl"))
    post = EX["post/russia-minister-of-defence"]
    (proof,) = result.proofs
    assert proof.triple == (post, ORG.heldBy, EX["russia-mod"])
    assert proof.tree.rule == "prp-inv2"
    assert set(leaves(proof)) == {(ORG.heldBy, OWL.inverseOf, ORG.holds), (EX["russia-mod"], ORG.holds, post)}


def test_the_values_a_max_count_counts_are_proved_down_to_the_words_that_state_them():
    report = check(CLOSURE / "same-as-second-founding-date.ttl")
    (sco,) = [r for r in report.results if r.focus == EX.sco]
    proved = {p.triple: p for p in sco.proofs}
    date = (EX.sco, SCHEMA.foundingDate, Literal("2002", datatype=XSD.gYear))
    assert proved[date].tree.rule == "eq-rep-s"
    assert (EX["sco-alias"], SCHEMA.foundingDate, Literal("2002", datatype=XSD.gYear)) in leaves(proved[date])
    # a membership's second organisation comes from the alias; its leaf has the sentence of base.trig
    member = next(r for r in report.results if r.focus == EX["membership/china-sco-member"])
    (proof,) = member.proofs
    assert proof.triple == (EX["membership/china-sco-member"], ORG.organization, EX["sco-alias"])
    stated = (EX["membership/china-sco-member"], ORG.organization, EX.sco)
    (source,) = proof.sources[stated]
    assert source.graph == EXG["a1/s01"] and "Shanghaï" in source.words


def test_the_command_line_prints_each_proof_under_its_result(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(BASE), str(CLOSURE / "organisation-by-equivalence.ttl")])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    at = lines.index("      proofs:")
    assert lines[at - 2].startswith("  - Violation schema:foundingDate")
    assert lines[at + 1] == "        ex:acme rdf:type org:Organization"
    assert lines[at + 2].startswith("          by cax-eqc2: ")
    assert "          - ex:acme rdf:type foaf:Organization" in lines
    assert "              asserted in kgg:extra/organisation-by-equivalence: a graph derived from no span" in lines
    assert lines[-2] == "proofs: 1 shown"
    assert lines[-1].startswith("closure: DOES NOT CONFORM")
    assert "Traceback" not in result.output


def test_the_json_report_gives_each_result_its_proof_trees():
    body = json.loads(render(check(CLOSURE / "organisation-by-equivalence.ttl"), "json"))
    (group,) = body["focus_nodes"]
    (result,) = group["results"]
    (proof,) = result["proofs"]
    assert proof["proof"]["triple"] == ["<https://example.org/id/acme>", "rdf:type", "org:Organization"]
    assert proof["proof"]["rule"] == "cax-eqc2"
    assert {tuple(p["triple"]) for p in proof["proof"]["premises"]} == {
        ("org:Organization", "owl:equivalentClass", "foaf:Organization"),
        ("<https://example.org/id/acme>", "rdf:type", "foaf:Organization")}
    assert body["proof_count"]["shown"] == 1 and body["proof_count"]["left_out"] == 0


def test_the_turtle_report_is_shacls_own_without_the_proofs():
    """SHACL has no term for a proof; the report graph stays the results (the lead defines a
    vocabulary for proofs separately)."""
    report = check(CLOSURE / "organisation-by-equivalence.ttl")
    text = render(report, "turtle").decode("utf-8")
    assert "cax-eqc2" not in text and "sh:result" in text


# -- an inconsistency ------------------------------------------------------------------------


def test_an_inconsistency_names_the_disjointness_axiom_and_proves_the_clashing_triples():
    report = check(CLOSURE / "stance-is-event.ttl")
    assert report.stage == "consistency"
    by_focus = {r.message.rsplit(" ", 1)[-1]: r for r in report.results}
    a, b = by_focus[str(EX["stance-a"])], by_focus[str(EX["stance-b"])]
    for result in (a, b):
        assert result.rule == "cax-dw"
        assert result.axiom == ((SKG.Stance, OWL.disjointWith, SCHEMA.Event),)
    # both types of A are asserted: its proofs are the asserted triples, with their graph
    assert [p.triple for p in a.proofs] == [(EX["stance-a"], RDF.type, SKG.Stance), (EX["stance-a"], RDF.type, SCHEMA.Event)]
    assert all(p.asserted and leaves(p) == {p.triple: {KGG["extra/stance-is-event"]}} for p in a.proofs)
    # B is an event through the domain of skg:partOf
    event = next(p for p in b.proofs if p.triple == (EX["stance-b"], RDF.type, SCHEMA.Event))
    assert event.tree.rule == "prp-dom"
    assert set(leaves(event)) == {(SKG.partOf, RDFS.domain, SCHEMA.Event), (EX["stance-b"], SKG.partOf, EX["summit-b"])}


def test_the_command_line_and_json_name_the_axiom():
    report = check(CLOSURE / "stance-is-event.ttl")
    assert ("      axiom broken (cax-dw: classes declared disjoint (owl:disjointWith) have no common instance): "
            "skg:Stance owl:disjointWith schema:Event") in report.text.splitlines()
    body = json.loads(render(report, "json"))
    (group,) = body["focus_nodes"]
    for result in group["results"]:
        assert result["rule"] == "cax-dw"
        assert result["axiom"] == [["skg:Stance", "owl:disjointWith", "schema:Event"]]
        assert len(result["proofs"]) == 2
    result = CliRunner().invoke(main, ["validate", str(BASE), str(CLOSURE / "stance-is-event.ttl")])
    assert result.exit_code == 1 and "skg:Stance owl:disjointWith schema:Event" in result.stdout


def test_the_build_refusal_prints_the_proofs_and_writes_the_report(tmp_path):
    out = tmp_path / "report.ttl"
    result = CliRunner().invoke(main, ["build", "-q", "--out", str(tmp_path / "dist"), "--data",
                                       str(CLOSURE / "stance-is-event.ttl"), "--report", str(out)])
    assert result.exit_code == 1, result.output
    assert "by prp-dom" in result.stderr and "axiom broken (cax-dw" in result.stderr
    assert "error: the OWL RL closure (sco-kg-fastrl) is inconsistent" in result.stderr
    assert out.is_file() and not (tmp_path / "dist").exists()


# -- no cost on data that passes -------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch):
    """Counts the runs of the prover (what proofs cost) and of the refusal's proofs."""
    calls = {"prove": 0, "with_proofs": 0}
    prove, explainer = fastrl.prove, refusal_proofs.Explainer

    def counting_prove(*args, **kwargs):
        calls["prove"] += 1
        return prove(*args, **kwargs)

    def counting_explainer(*args, **kwargs):
        calls["with_proofs"] += 1
        return explainer(*args, **kwargs)

    monkeypatch.setattr(fastrl, "prove", counting_prove)
    monkeypatch.setattr(refusal_proofs, "Explainer", counting_explainer)
    return calls


def test_data_that_passes_computes_no_proof(spy, tmp_path):
    assert validate_files([BASE]).conforms
    good = tmp_path / "good.ttl"
    good.write_text(HEAD + 'ex:acme a foaf:Organization ; rdfs:label "Acmé"@fr , "Acme"@en ; '
                    'schema:foundingDate "2001"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert spy == {"prove": 0, "with_proofs": 0}
    # nor for a refusal of the asserted data, which involves no inferred triple
    bad = tmp_path / "bad.ttl"
    bad.write_text(HEAD + 'ex:acme a foaf:Organization ; rdfs:label "Acme"@en .\n', encoding="utf-8")
    assert validate_files([bad]).stage == "asserted"
    assert spy == {"prove": 0, "with_proofs": 0}
    # the control: a refusal of the closure proves, once
    assert check(CLOSURE / "organisation-by-equivalence.ttl").results[0].proofs
    assert spy == {"prove": 1, "with_proofs": 1}


# -- hostile inputs --------------------------------------------------------------------------


def test_thousands_of_closure_only_violations_show_a_bounded_number_of_proofs_and_say_so(tmp_path):
    many = tmp_path / "many.ttl"
    many.write_text(organisations(2000), encoding="utf-8")
    report = validate_files([many])
    assert report.stage == "closure" and len(report.results) == 2000
    count = report.proof_count
    assert (count.shown, count.left_out, count.limit) == (refusal_proofs.MAX_PROOFS, 2000 - refusal_proofs.MAX_PROOFS,
                                                          refusal_proofs.MAX_PROOFS)
    assert sum(len(r.proofs) for r in report.results) == refusal_proofs.MAX_PROOFS
    note = report.text.splitlines()[-2]
    assert note == (f"proofs: 50 shown, 1950 more left out (at most 50 per report); "
                    "sco-kg explain 'S P O' proves any one")
    body = render(report, "json")
    assert json.loads(body)["proof_count"]["left_out"] == 1950
    assert len(body) < 1_500_000  # 2,000 results and 50 small proofs


def test_thousands_of_inconsistencies_show_a_bounded_number_of_proofs(tmp_path):
    many = tmp_path / "stances.ttl"
    many.write_text(stances(1500), encoding="utf-8")
    report = validate_files([many])
    assert report.stage == "consistency" and len(report.results) == 1500
    assert all(r.rule == "cax-dw" for r in report.results)  # named, whatever the cap
    assert report.proof_count.shown == refusal_proofs.MAX_PROOFS
    assert report.proof_count.left_out == 2 * 1500 - refusal_proofs.MAX_PROOFS
    assert sum(len(r.proofs) for r in report.results) == refusal_proofs.MAX_PROOFS


def test_a_proof_past_the_steps_of_a_report_is_left_out_as_too_large(monkeypatch):
    monkeypatch.setattr(refusal_proofs, "MAX_STEPS", 2)  # the proof of ex:acme's type has 3 steps
    report = check(CLOSURE / "organisation-by-equivalence.ttl")
    assert only(report).proofs == ()
    assert report.proof_count.too_large == 1
    assert "1 too large to show (at most 2 steps per report)" in report.text


#: IRIs with escapes, percent-escapes, code points beyond the BMP, 5,000 characters; a control
#: character in a literal; each refused by the closure only (a stage each)
ODD = {
    "closure": """\
<https://example.org/id/caf\\u00e9%20q(x)~!$> a foaf:Organization ; rdfs:label "a"@fr , "a"@en ;
    schema:foundingDate "x" .
<urn:x-odd:\\u00e9t\\u00e9#> a foaf:Organization ; rdfs:label "b"@fr , "b"@en ; schema:foundingDate "y\\n\\u0001z" .
<https://example.org/LONG> a foaf:Organization ; rdfs:label "c"@fr , "c"@en ; schema:foundingDate "z" .
""",
    "consistency": """\
<https://example.org/id/\\U0001F600> a skg:Stance , schema:Event ; rdfs:label "d"@fr , "d"@en .
<urn:x-odd:s> a skg:Stance ; skg:partOf <urn:x-odd:%C3%A9v%C3%A9nement> ; rdfs:label "e"@fr , "e"@en .
<urn:x-odd:%C3%A9v%C3%A9nement> rdfs:label "f"@fr , "f"@en .
<https://example.org/LONG> a skg:SupportForAccession , schema:Event ; rdfs:label "g"@fr , "g"@en .
""",
}


@pytest.mark.parametrize("stage", sorted(ODD))
def test_odd_iris_are_proved_without_a_traceback(tmp_path, stage):
    odd = tmp_path / "odd.ttl"
    odd.write_text(HEAD + ODD[stage].replace("LONG", "a" * 5000), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(odd)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "      proofs:" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("closure: " + ("DOES NOT CONFORM" if stage == "closure"
                                                                    else "INCONSISTENT"))
    report = validate_files([odd])
    assert report.stage == stage and len(report.results) == 3
    assert all(r.proofs for r in report.results)
    json.loads(render(report, "json"))
