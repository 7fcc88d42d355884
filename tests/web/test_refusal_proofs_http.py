"""A refusal proves itself over HTTP (issue 14, part 3): the JSON report of ``POST /validate``
and of a refused ``POST /data`` gives each result of the closure the proofs of the inferred
triples it involves, and each inconsistency its rule, its axiom and the proofs of the triples
that clash (as tests/test_refusal_proofs.py checks them for the pipeline and the command line).
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
CLOSURE = TESTS / "shapes" / "closure"
EQUIVALENCE = (CLOSURE / "organisation-by-equivalence.ttl").read_bytes()
STANCES = (CLOSURE / "stance-is-event.ttl").read_bytes()
TOKEN = "refusal-Proofs-T0ken-1234567890"
ACME = "<https://example.org/id/acme>"


def results(body: dict) -> list[dict]:
    return [r for group in body["focus_nodes"] for r in group["results"]]


def nodes(proof: dict):
    stack = [proof["proof"]]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.get("premises", ()))


def assert_the_equivalence_is_proved(body: dict) -> None:
    (result,) = results(body)
    assert result["component"] == "sh:OrConstraintComponent" and result["path"] == "schema:foundingDate"
    (proof,) = result["proofs"]
    assert proof["proof"]["triple"] == [ACME, "rdf:type", "org:Organization"]
    assert proof["proof"]["rule"] == "cax-eqc2" and proof["proof"]["rule_says"]
    asserted = {tuple(n["triple"]): [s["graph"] for s in n["asserted_in"]] for n in nodes(proof) if "asserted_in" in n}
    assert asserted[("org:Organization", "owl:equivalentClass", "foaf:Organization")] == [
        "https://w3id.org/sco-kg/graph/imports/org"]
    ((graph,),) = [g for t, g in asserted.items() if t == (ACME, "rdf:type", "foaf:Organization")]
    assert graph.startswith("https://w3id.org/sco-kg/graph/")  # the body's graph
    assert body["proof_count"]["shown"] == 1


def assert_the_disjointness_is_named_and_proved(body: dict) -> None:
    found = results(body)
    assert len(found) == 2
    for result in found:
        assert result["component"] == "skgsh:ConsistencyConstraint"
        assert result["rule"] == "cax-dw"
        assert result["axiom"] == [["skg:Stance", "owl:disjointWith", "schema:Event"]]
        assert [p["proof"]["triple"][2] for p in result["proofs"]] == ["skg:Stance", "schema:Event"]
    rules = {n.get("rule") for r in found for p in r["proofs"] for n in nodes(p)}
    assert "prp-dom" in rules  # stance B is an event through the domain of skg:partOf


# -- POST /validate --------------------------------------------------------------------------


def validate(client, body: bytes):
    resp = client.post("/validate", data=body, headers={"Content-Type": "text/turtle", "Accept": "application/json"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:800]
    return resp.get_json()


def test_validate_gives_the_proof_of_a_closure_only_violation(client):
    body = validate(client, EQUIVALENCE)
    assert body["conforms"] is False and body["verdict"].startswith("closure: DOES NOT CONFORM")
    assert_the_equivalence_is_proved(body)


def test_validate_names_the_axiom_an_inconsistency_breaks(client):
    body = validate(client, STANCES)
    assert body["verdict"].startswith("closure: INCONSISTENT")
    assert_the_disjointness_is_named_and_proved(body)


def test_validate_caps_the_proofs_of_a_large_refusal_and_says_so(client):
    """1,200 organisations (4,800 triples, under validate_max_triples), each refused by the
    closure only: 50 proofs, the rest counted."""
    lines = ["@prefix foaf: <http://xmlns.com/foaf/0.1/> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix schema: <https://schema.org/> ."]
    lines += [f'<https://example.org/id/o{i}> a foaf:Organization ; rdfs:label "o"@fr , "o"@en ; '
              f'schema:foundingDate "d{i}" .' for i in range(1200)]
    resp = validate(client, ("\n".join(lines) + "\n").encode("utf-8"))
    assert resp["counts"]["violations"] == 1200
    assert sum(len(r["proofs"]) for r in results(resp)) == 50
    count = resp["proof_count"]
    assert (count["shown"], count["left_out"], count["limit"]) == (50, 1150, 50)
    assert "1150 more left out (at most 50 per report)" in count["note"]


def test_validate_of_data_that_passes_has_no_proofs(client):
    body = validate(client, b'@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n'
                            b'<https://example.org/id/acme> a foaf:Organization ; '
                            b'<http://www.w3.org/2000/01/rdf-schema#label> "a"@fr , "a"@en .\n')
    assert body["conforms"] is True and "proof_count" not in body


# -- POST /data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ingest_app(built, tmp_path_factory):
    """A server over the project's build with an on-disk store and an ingest token."""
    from sco_kg.store.export import export
    from sco_kg.store.served import open_store
    from sco_kg.web import create_app

    root = tmp_path_factory.mktemp("refusal-proofs")
    export(built, root / "dist")
    loaded = open_store(dumps_dir=root / "dist", key="refusal-proofs", store_path=root / "store")
    app = create_app({"TESTING": True, "SCO_KG_LOADED": loaded, "SCO_KG_INGEST_TOKEN": TOKEN})
    yield app
    app.extensions["sco_kg"].close()


def ingest(app, body: bytes):
    resp = app.test_client().post("/data", data=body, headers={
        "Content-Type": "text/turtle", "Accept": "application/json", "Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 422, resp.get_data(as_text=True)[:800]
    return resp.get_json()


def test_a_refused_ingest_gives_the_proof_of_a_closure_only_violation(ingest_app):
    assert_the_equivalence_is_proved(ingest(ingest_app, EQUIVALENCE))


def test_a_refused_ingest_names_the_axiom_an_inconsistency_breaks(ingest_app):
    assert_the_disjointness_is_named_and_proved(ingest(ingest_app, STANCES))


def test_the_validate_page_says_what_a_refusal_proves(client):
    html = client.get("/validate", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<code>proofs</code> of the inferred triples" in html and "at most 50 per report" in html
    assert "<code>axiom</code>" in html
