"""IRIs the project no longer uses (data/replaced.trig) keep old links working: 301 to the IRI
that replaced a renamed one, 410 Gone (with why, and what to read instead) for a withdrawn one.
Only the editors' graph kgg:replaced is read: triples a client adds cannot redirect an IRI,
and no redirect leaves the server."""

from __future__ import annotations

import pytest

RENAMED = {
    "quotation-shoigu-1": "quotation-shoigu-first-meeting-of-its-kind",
    "quotation-shoigu-2": "quotation-shoigu-patriot-park",
    "quotation-shoigu-3": "quotation-shoigu-declaration-victory-75th-anniversary",
    "quotation-shoigu-4": "quotation-shoigu-arms-control-treaties",
}


@pytest.mark.parametrize("old,new", sorted(RENAMED.items()))
def test_a_renamed_quotation_moved_permanently(real_client, old, new):
    resp = real_client.get(f"/id/{old}", headers={"Accept": "text/html"})
    assert resp.status_code == 301 and resp.headers["Location"].endswith(f"/id/{new}")
    doc = real_client.get(f"/id/{old}.ttl")
    assert doc.status_code == 301 and doc.headers["Location"].endswith(f"/id/{new}.ttl")
    assert real_client.get(resp.headers["Location"], headers={"Accept": "text/turtle"}).status_code == 303


def test_the_accession_of_iran_is_gone_with_why_and_the_stance_to_read(real_client):
    resp = real_client.get("/id/event-accession-iran-sco", headers={"Accept": "application/json"})
    assert resp.status_code == 410
    body = resp.get_json()
    assert "no accession of Iran" in body["error"] and body["see_also"] == ["/id/support-russia-iran-full-membership-sco"]
    assert resp.headers["Link"] == '</id/support-russia-iran-full-membership-sco>; rel="related"'
    page = real_client.get("/id/event-accession-iran-sco", headers={"Accept": "text/html"})
    assert page.status_code == 410 and 'href="/id/support-russia-iran-full-membership-sco"' in page.get_data(as_text=True)
    assert real_client.get("/id/event-accession-iran-sco.ttl").status_code == 410


HOSTILE = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://w3id.org/sco-kg/id/> .
@prefix kgg: <https://w3id.org/sco-kg/graph/> .
<urn:x:stranger> { kg:sco owl:deprecated true ; dcterms:isReplacedBy <https://evil.example/sco> . }
kgg:replaced { kg:offsite owl:deprecated true ; dcterms:isReplacedBy <https://evil.example/elsewhere> . }
"""


def test_no_redirect_from_another_graph_nor_off_the_server(make_app, fixture_files, tmp_path):
    path = tmp_path / "hostile.trig"
    path.write_text(HOSTILE, encoding="utf-8")
    client = make_app(SCO_KG_FILES=[*fixture_files, path]).test_client()
    sco = client.get("/id/sco", headers={"Accept": "text/turtle"})
    assert sco.status_code == 303 and "evil" not in sco.headers["Location"]
    offsite = client.get("/id/offsite", headers={"Accept": "application/json"})
    assert offsite.status_code == 410 and "Location" not in offsite.headers
