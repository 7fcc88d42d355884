"""Linked data: every IRI under the base dereferences at the same path (303 to a document
chosen by Accept, or 200 with Content-Location for documents), HTML pages with labels,
types, links in and out and the quoted sentence of each fact, RDF in four syntaxes, the
ontology page, named-graph pages, the SCO membership timeline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
import rdflib

BASE = "https://w3id.org/sco-kg/"
KG = BASE + "id/"
KGG = BASE + "graph/"
ARTICLE = "000_1cb7668562977704"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # a browser's Accept

RDF_SYNTAXES = [  # Accept, extension, rdflib parser
    ("text/turtle", "ttl", "turtle"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "rdf", "xml"),
]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            elif a.get("type") != "application/json":
                self.inline_scripts += 1


def links(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def page(client, path: str):
    """GET ``path`` as a browser would, following the 303 once."""
    resp = client.get(path, headers={"Accept": HTML})
    if resp.status_code == 303:
        resp = client.get(resp.headers["Location"], headers={"Accept": HTML})
    return resp


# --- dereferencing ---------------------------------------------------------------------


def test_entity_redirects_browsers_to_the_html_document(real_client):
    resp = real_client.get("/id/india", headers={"Accept": HTML})
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/id/india.html"
    assert "Accept" in resp.headers["Vary"]
    assert '</id/india.ttl>; rel="alternate"; type="text/turtle"' in resp.headers["Link"]


@pytest.mark.parametrize("accept, ext, parser", RDF_SYNTAXES)
def test_entity_redirects_rdf_clients_and_serves_rdf(real_client, accept, ext, parser):
    resp = real_client.get("/id/india", headers={"Accept": accept})
    assert resp.status_code == 303 and resp.headers["Location"] == f"/id/india.{ext}"
    doc = real_client.get(resp.headers["Location"])
    assert doc.status_code == 200
    assert doc.mimetype == accept
    g = rdflib.Graph().parse(data=doc.get_data(), format=parser)
    india = rdflib.URIRef(KG + "india")
    assert (india, rdflib.RDFS.label, rdflib.Literal("Inde", lang="fr")) in g
    assert (india, rdflib.RDFS.label, rdflib.Literal("India", lang="en")) in g
    # the triples pointing at it too: India's memberships
    assert (rdflib.URIRef(KG + "membership-india-sco-member"), rdflib.URIRef("http://www.w3.org/ns/org#member"),
            india) in g


def test_quad_documents_keep_the_graphs(real_client):
    resp = real_client.get("/id/sco.nq")
    assert resp.status_code == 200 and resp.mimetype == "application/n-quads"
    graphs = {q[3] for q in ox.parse(resp.get_data(), format=ox.RdfFormat.N_QUADS)}
    assert ox.NamedNode(f"{KGG}{ARTICLE}/s18") in graphs
    assert ox.NamedNode(KGG + "inferred") in graphs


def test_no_accept_header_gets_turtle_and_nothing_acceptable_is_406(real_client, check_error):
    assert real_client.get("/id/sco").headers["Location"] == "/id/sco.ttl"
    check_error(real_client.get("/id/sco", headers={"Accept": "image/png"}), 406)


def test_unknown_entity_is_404_in_html_and_in_the_error_shape(real_client, check_error):
    resp = real_client.get("/id/atlantis", headers={"Accept": HTML})
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "atlantis" in resp.get_data(as_text=True)
    check_error(real_client.get("/id/atlantis", headers={"Accept": "application/json"}), 404)
    check_error(real_client.get("/id/atlantis.ttl"), 404)
    check_error(real_client.get("/graph/nowhere", headers={"Accept": "text/turtle"}), 404)


def test_every_iri_of_the_dataset_under_the_base_dereferences(real_app, real_client):
    store = real_app.extensions["sco_kg"].store
    iris = set()
    for q in store.quads_for_pattern(None, None, None, None):
        for t in (q.subject, q.object):
            if isinstance(t, ox.NamedNode) and t.value.startswith(KG):
                iris.add(t.value)
    assert len(iris) > 100
    # IRIs no longer used (data/replaced.trig): moved (301) or gone (410), tested in test_replaced_iris
    deprecated = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/2002/07/owl#deprecated"), None, ox.NamedNode(KGG + "replaced"))}
    assert deprecated
    for iri in sorted(iris):
        path = "/" + iri[len(BASE):]
        resp = real_client.get(path, headers={"Accept": HTML})
        if iri in deprecated:
            assert resp.status_code in (301, 410), (iri, resp.status_code)
            continue
        assert resp.status_code == 303, (iri, resp.status_code)
        doc = real_client.get(resp.headers["Location"])
        assert doc.status_code == 200, (iri, doc.status_code)
    for g in store.named_graphs():
        if g.value.startswith(KGG):
            resp = real_client.get("/" + g.value[len(BASE):], headers={"Accept": "text/turtle"})
            assert resp.status_code == 200, g


def test_an_iri_with_an_accent_dereferences(app):
    client = app.test_client()
    # the protocol fixture has <https://w3id.org/sco-kg/id/coopération-de-shanghaï>
    resp = client.get("/id/coop%C3%A9ration-de-shangha%C3%AF", headers={"Accept": HTML})
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/id/coop%C3%A9ration-de-shangha%C3%AF.html"
    doc = client.get(resp.headers["Location"])
    assert doc.status_code == 200 and "accent" in doc.get_data(as_text=True)


# --- the HTML page of an entity --------------------------------------------------------


def test_entity_page_has_labels_types_links_and_quoted_sentences(real_client, built):
    resp = page(real_client, "/id/india")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Inde" in html and "India" in html
    assert 'href="/ontology#Country"' in html  # its type, on the ontology page
    hrefs = links(html).hrefs
    assert "/id/membership-india-sco-member" in hrefs  # a property in
    assert "/id/event-accession-india-pakistan-sco" in hrefs
    # the sentence each fact comes from, quoted from the article's text
    text = (built.dataset.graph(rdflib.URIRef(f"{KGG}{ARTICLE}/provenance"))
            .value(rdflib.URIRef(f"{BASE}id/article/{ARTICLE}/span/s19-quote"),
                   rdflib.URIRef("http://www.w3.org/ns/oa#exact")))
    assert text and str(text).startswith("La Mongolie")
    from markupsafe import escape

    assert f"« {escape(str(text))} »" in html


def test_the_page_says_where_a_fact_comes_from(real_client):
    html = page(real_client, "/id/sco").get_data(as_text=True)
    # founded in 2001: the sentence of s18
    row = re.search(r"<tr>\s*<td class=\"p\">[^\n]*founded in.*?</tr>", html, re.S)
    assert row, "no foundedIn row"
    assert "créée en 2001" in row.group(0)
    assert f"/graph/{ARTICLE}/s18" in row.group(0)
    assert "editorial" in html  # labels come from the editorial labels graph
    assert "inferred (OWL RL)" in html  # inferred statements are set apart


def test_every_link_of_the_sco_page_resolves(real_client):
    html = page(real_client, "/id/sco").get_data(as_text=True)
    local = sorted({h for h in links(html).hrefs if h.startswith("/")})
    assert len(local) > 30
    for href in local:
        target = urlsplit(href)._replace(fragment="").geturl()  # the query too: /explain?s=&p=&o=
        resp = real_client.get(target, headers={"Accept": HTML})
        assert resp.status_code in (200, 303), (href, resp.status_code)


def test_pages_escape_what_the_data_says(make_app, tmp_path):
    evil = tmp_path / "evil.trig"
    evil.write_text(f"""
        <{KGG}evil/s01> {{ <{KG}evil> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>"@en ;
            <http://www.w3.org/2000/01/rdf-schema#comment> "\\" onmouseover=\\"x" . }}
    """, encoding="utf-8")
    client = make_app(SCO_KG_FILES=[evil], SCO_KG_DATA=[]).test_client()
    resp = page(client, "/id/evil")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '" onmouseover="x' not in html
    resp = client.get("/search?q=%3Cscript%3E")
    assert "<script>alert" not in resp.get_data(as_text=True)


def test_html_pages_carry_security_headers_and_no_inline_script(real_client):
    for path in ("/id/sco.html", "/ontology", f"/graph/{ARTICLE}/s18"):
        resp = real_client.get(path, headers={"Accept": HTML})
        assert resp.status_code == 200, path
        csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "default-src 'none'" in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert links(resp.get_data(as_text=True)).inline_scripts == 0


# --- the SCO membership timeline --------------------------------------------------------


def _bars(html: str) -> dict[str, list[str]]:
    svg = re.search(r"<svg[^>]*class=\"timeline-svg\".*?</svg>", html, re.S)
    assert svg, "no timeline on the page"
    out: dict[str, list[str]] = {}
    for title in re.findall(r"<rect class=\"bar-[^\"]+\"[^>]*><title>([^<]+)</title>", svg.group(0)):
        name, _, what = title.partition(": ")
        out.setdefault(name, []).append(what)
    return out


def test_sco_page_shows_the_membership_timeline(real_client):
    html = page(real_client, "/id/sco").get_data(as_text=True)
    bars = _bars(html)
    founders = {"China", "Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan"}
    for name in founders:
        assert bars[name] == ["member from 2001"], name
    for name in ("India", "Pakistan"):
        assert bars[name] == ["observer from a date the source does not give until 2017", "member from 2017"]
    for name in ("Mongolia", "Iran", "Afghanistan", "Belarus"):
        assert bars[name] == ["observer from a date the source does not give"], name
    assert set(bars) == founders | {"India", "Pakistan", "Mongolia", "Iran", "Afghanistan", "Belarus"}
    assert "founded 2001" in html
    assert "org:memberDuring" in html  # the query it is drawn from is on the page
    # the accession accepted in 2015, marked on India's and Pakistan's rows
    marks = re.findall(r'<path class="accession"[^>]*><title>([^<]+)</title>', html)
    assert sorted(m.split(":")[0] for m in marks) == ["India", "Pakistan"]
    assert all("accession accepted in 2015" in m for m in marks)


def test_timeline_rows_link_to_the_members_and_only_organisations_get_one(real_client):
    html = page(real_client, "/id/sco").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert '<a href="/id/india">' in svg
    assert "timeline-svg" not in page(real_client, "/id/india").get_data(as_text=True)


def test_timeline_query_runs_through_the_executor(real_app, monkeypatch):
    kg = real_app.extensions["sco_kg"]
    seen = []
    original = kg.executor.query

    def spy(job, timeout):
        seen.append(job["query"])
        return original(job, timeout)

    monkeypatch.setattr(kg.executor, "query", spy)
    assert page(real_app.test_client(), "/id/sco").status_code == 200
    assert any("org:memberDuring" in q for q in seen)


# --- the ontology page -----------------------------------------------------------------


def test_ontology_page_documents_every_class_and_property(real_client, built):
    resp = real_client.get("/ontology", headers={"Accept": HTML})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert resp.headers["Content-Location"] == "/ontology.html"
    html = resp.get_data(as_text=True)
    onto = built.dataset.graph(rdflib.URIRef(KGG + "ontology"))
    skg = BASE + "ontology#"
    terms = {s for s, o in onto.subject_objects(rdflib.RDF.type)
             if isinstance(s, rdflib.URIRef) and str(s).startswith(skg)
             and o in (rdflib.OWL.Class, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)}
    assert len(terms) > 40
    for t in terms:
        local = str(t)[len(skg):]
        assert f'id="{local}"' in html, local
        label = onto.value(t, rdflib.RDFS.label)
        if label is not None:
            assert str(escape_html(label)) in html, local
    assert "sub-property of" in html and "subclass of" in html and "domain" in html


def escape_html(text):
    from markupsafe import escape

    return escape(str(text))


@pytest.mark.parametrize("accept, ext, parser", RDF_SYNTAXES)
def test_ontology_in_rdf_is_the_ontology_graph(real_client, built, accept, ext, parser):
    resp = real_client.get("/ontology", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == accept
    assert resp.headers["Content-Location"] == f"/ontology.{ext}" and "Accept" in resp.headers["Vary"]
    g = rdflib.Graph().parse(data=resp.get_data(), format=parser)
    expected = rdflib.Graph()
    for t in built.dataset.graph(rdflib.URIRef(KGG + "ontology")):
        expected.add(t)
    assert len(g) == len(expected)
    from rdflib.compare import isomorphic

    assert isomorphic(g, expected)
    assert real_client.get(f"/ontology.{ext}").mimetype == accept


def test_ontology_term_iris_resolve_to_their_anchor(real_client):
    # https://w3id.org/sco-kg/ontology#Country -> /ontology (the fragment stays in the browser)
    html = page(real_client, "/id/russia").get_data(as_text=True)
    assert 'href="/ontology#Country"' in html
    assert 'id="Country"' in page(real_client, "/ontology").get_data(as_text=True)


# --- named graphs ----------------------------------------------------------------------


def test_graph_page_quotes_its_sentence_and_lists_its_triples(real_client):
    resp = real_client.get(f"/graph/{ARTICLE}/s18", headers={"Accept": HTML})
    assert resp.status_code == 200
    assert resp.headers["Content-Location"] == f"/graph/{ARTICLE}/s18.html"
    html = resp.get_data(as_text=True)
    assert "créée en 2001" in html
    assert 'href="/id/sco"' in html and 'href="/id/uzbekistan"' in html


def test_graph_in_rdf_is_its_triples(real_client, built):
    resp = real_client.get(f"/graph/{ARTICLE}/s18", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["Content-Location"] == f"/graph/{ARTICLE}/s18.ttl"
    g = rdflib.Graph().parse(data=resp.get_data(), format="turtle")
    expected = built.dataset.graph(rdflib.URIRef(f"{KGG}{ARTICLE}/s18"))
    assert len(g) == len(expected) > 10


def test_graph_store_protocol_route_is_untouched(real_client):
    resp = real_client.get("/graph", query_string={"graph": f"{KGG}{ARTICLE}/s18"}, headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"


def test_editorial_graph_page_says_it_is_editorial(real_client):
    html = real_client.get("/graph/vocabulary", headers={"Accept": HTML}).get_data(as_text=True)
    assert "editorial" in html


def test_local_links_are_percent_encoded_paths():
    from sco_kg.web.pages.terms import compact, local_href

    assert local_href(KG + "russia", BASE) == "/id/russia"
    assert local_href(BASE + "ontology#Country", BASE) == "/ontology#Country"
    assert unquote(local_href(KG + "coopération", BASE)) == "/id/coopération"
    assert local_href("https://schema.org/Country", BASE) == "https://schema.org/Country"
    assert compact(BASE + "ontology#Country") == "skg:Country"


def test_big_resources_are_cut_and_say_so(real_client, monkeypatch):
    from sco_kg.web.pages import describe, documents, entity

    monkeypatch.setattr(describe, "MAX_HTML_STATEMENTS", 3)
    monkeypatch.setattr(entity, "MAX_RDF_STATEMENTS", 3)
    html = page(real_client, "/id/sco").get_data(as_text=True)
    assert "Only the first 3 statements in each direction are shown" in html
    resp = real_client.get("/id/sco.nt")
    assert resp.headers[documents.TRUNCATED_HEADER] == "true; max-statements=3"
    assert resp.get_data(as_text=True).startswith("# truncated")
    assert len([line for line in resp.get_data(as_text=True).splitlines() if line.endswith(" .")]) <= 6


def test_pages_are_served_while_another_request_builds_the_caches(make_app, fixture_files):
    """The page caches (labels, ontology) are built once, without a lock held twice."""
    import threading

    app = make_app()
    client = app.test_client()
    results = []

    def get(path):
        results.append(client.get(path, headers={"Accept": HTML}).status_code)

    threads = [threading.Thread(target=get, args=(p,)) for p in ("/id/sco", "/search?q=x", "/", "/id/russia")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert sorted(results) == [200, 200, 303, 303]


def test_article_page_links_each_sentence_to_its_graph(real_client):
    html = page(real_client, f"/id/article/{ARTICLE}").get_data(as_text=True)
    section = re.search(r'<div class="text" lang="fr">(.*?)</div>', html, re.S).group(1)
    spans = re.findall(r'<a class="span" id="(s\d+)" href="([^"]+)"', section)
    assert len(spans) >= 20
    assert ("s18", f"/graph/{ARTICLE}/s18") in spans
    # every sentence links to its graph, also those whose quotation is derived from the same span
    assert ("s02", f"/graph/{ARTICLE}/s02") in spans
    assert all(href == f"/graph/{ARTICLE}/{anchor}" for anchor, href in spans), spans
    from html import unescape

    source = (Path(__file__).resolve().parents[2] / "data" / "articles" / ARTICLE / "article.txt").read_text(
        encoding="utf-8")
    assert unescape(re.sub(r"<[^>]+>", "", section)) == source  # the whole text, nothing lost
    # a quoted fact leads to its sentence in the article
    assert f'href="/id/article/{ARTICLE}.html#s18"' in page(real_client, "/id/sco").get_data(as_text=True)


def test_timeline_draws_a_bounded_number_of_rows(real_client, monkeypatch):
    from sco_kg.web.pages import timeline

    monkeypatch.setattr(timeline, "TIMELINE_MAX_ROWS", 3)
    html = page(real_client, "/id/sco").get_data(as_text=True)
    assert len(_bars(html)) == 3
    assert "9 more members are not drawn" in html


def test_rdflib_dereferences_an_iri_like_any_linked_data_client(real_app, live_server):
    """rdflib's own HTTP fetch (its Accept header, following the 303) gets the RDF."""
    url = live_server(real_app)
    g = rdflib.Graph().parse(url + "/id/sco")
    assert (rdflib.URIRef(KG + "sco"), rdflib.RDFS.label, rdflib.Literal("OCS", lang="fr")) in g
    onto = rdflib.Graph().parse(url + "/ontology")
    assert (rdflib.URIRef(BASE + "ontology#Country"), rdflib.RDF.type, rdflib.OWL.Class) in onto


def test_timeline_is_also_a_table(real_client):
    html = page(real_client, "/id/sco").get_data(as_text=True)
    table = re.search(r'<details class="timeline-table">.*?</details>', html, re.S).group(0)
    rows = re.findall(r"<tr><td><a href=\"([^\"]+)\">[^<]+</a></td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]*)</td></tr>",
                      table)
    assert ("/id/india", "observer", "not given", "2017") in rows
    assert ("/id/india", "member", "2017", "") in rows
    assert len(rows) == 14
