"""The web UI: YASGUI at / with the competency questions as tabs, a page per question
with its live answer, the entity search, security headers, nothing from another host."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sco_kg.web.pages.questions import parse_question

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO / "server" / "sco_kg" / "web" / "static" / "vendor" / "yasgui"
STATIC = REPO / "server" / "sco_kg" / "web" / "static"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
KG = "https://w3id.org/sco-kg/id/"

FOUNDERS = """\
# en: Which states founded the SCO, and in which year?
# fr: Quels États ont fondé l'OCS, et en quelle année ?
# The founders are the six states of the article's sentence.
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kg: <https://w3id.org/sco-kg/id/>
SELECT ?founder ?label ?year WHERE {
  kg:sco schema:founder ?founder ; schema:foundingDate ?year .
  ?founder rdfs:label ?label FILTER(lang(?label) = "en")
} ORDER BY ?label
"""

ASK = """\
# Did India become a member of the SCO?
# L'Inde est-elle devenue membre de l'OCS ?
PREFIX org: <http://www.w3.org/ns/org#>
ASK { ?m org:member <https://w3id.org/sco-kg/id/india> ; org:role <https://w3id.org/sco-kg/id/role-member> }
"""

CONSTRUCT = """\
# en: The founders, as a graph
# fr: Les fondateurs, en graphe
CONSTRUCT { <https://w3id.org/sco-kg/id/sco> <https://schema.org/founder> ?f }
WHERE { <https://w3id.org/sco-kg/id/sco> <https://schema.org/founder> ?f }
"""

BROKEN = """\
# en: A query with a syntax error
# fr: Une requête fausse
SELECT ?x WHERE { ?x ?y
"""


@pytest.fixture
def queries(tmp_path, real_app, monkeypatch):
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "01-founders.rq").write_text(FOUNDERS, encoding="utf-8")
    (folder / "02-india-member.rq").write_text(ASK, encoding="utf-8")
    (folder / "03-founders-graph.rq").write_text(CONSTRUCT, encoding="utf-8")
    (folder / "04-broken.rq").write_text(BROKEN, encoding="utf-8")
    # expected results beside them, as queries/ has them
    founders = ["China", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan", "Uzbekistan"]
    rows = [{"founder": {"type": "uri", "value": KG + name.lower()},
             "label": {"type": "literal", "value": name, "xml:lang": "en"},
             "year": {"type": "literal", "value": "2001", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}}
            for name in reversed(founders)]  # order does not matter
    (folder / "01-founders.srj").write_text(json.dumps(
        {"head": {"vars": ["founder", "label", "year"]}, "results": {"bindings": rows}}), encoding="utf-8")
    (folder / "02-india-member.srj").write_text('{"head": {}, "boolean": false}', encoding="utf-8")  # wrong
    (folder / "03-founders-graph.ttl").write_text(
        "".join(f"<{KG}sco> <https://schema.org/founder> <{KG}{n.lower()}> .\n" for n in founders),
        encoding="utf-8")
    monkeypatch.setitem(real_app.config, "SCO_KG_QUERIES", str(folder))
    return folder


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.data: dict[str, str] = {}
        self._json_id = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script" and a.get("type") == "application/json":
            self._json_id = a.get("id")

    def handle_data(self, data):
        if self._json_id:
            self.data[self._json_id] = self.data.get(self._json_id, "") + data

    def handle_endtag(self, tag):
        if tag == "script":
            self._json_id = None


def tags(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


# --- the question files -------------------------------------------------------------------


def test_question_comments_marked_or_in_order(tmp_path):
    marked = tmp_path / "01-a.rq"
    marked.write_text(FOUNDERS, encoding="utf-8")
    q = parse_question(marked)
    assert q.en == "Which states founded the SCO, and in which year?"
    assert q.fr == "Quels États ont fondé l'OCS, et en quelle année ?"
    assert q.notes == ["The founders are the six states of the article's sentence."]
    assert q.query == FOUNDERS
    plain = tmp_path / "02-b.rq"
    plain.write_text(ASK, encoding="utf-8")
    q = parse_question(plain)
    assert (q.en, q.fr) == ("Did India become a member of the SCO?", "L'Inde est-elle devenue membre de l'OCS ?")


# --- / ----------------------------------------------------------------------------------


def test_home_has_yasgui_pointed_at_the_endpoint_with_every_question(real_client, queries):
    resp = real_client.get("/", headers={"Accept": HTML})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    t = tags(html)
    if VENDOR.joinpath("yasgui.min.js").is_file():
        scripts = [a["src"] for tag, a in t.tags if tag == "script" and a.get("src")]
        assert scripts == ["/static/vendor/yasgui/yasgui.min.js", "/static/ui.js"]
        examples = json.loads(t.data["sco-kg-examples"])
        assert examples["endpoint"] == "/sparql"
        assert [e["name"] for e in examples["examples"]] == sorted(p.stem for p in queries.glob("*.rq"))
        for e in examples["examples"]:
            assert e["query"] == (queries / f"{e['name']}.rq").read_text(encoding="utf-8")
        assert examples["examples"][0]["title"] == "Which states founded the SCO, and in which year?"
    else:  # a checkout where tools/vendor-ui.sh has not run: a plain form
        assert '<form action="/sparql"' in html
    for p in queries.glob("*.rq"):
        assert f'href="/questions/{p.stem}"' in html
    assert "Quels États ont fondé l&#39;OCS" in html


def test_home_loads_nothing_from_another_host(real_client, queries):
    html = real_client.get("/", headers={"Accept": HTML}).get_data(as_text=True)
    for tag, a in tags(html).tags:
        for attr in ("src", "href"):
            if tag in ("script", "link", "img") and a.get(attr):
                assert a[attr].startswith("/"), (tag, a)


def test_yasgui_is_configured_to_stay_on_this_host():
    js = (STATIC / "ui.js").read_text(encoding="utf-8")
    assert 'autocompleters = ["prefixes", "variables"]' in js  # no LOV (lov.linkeddata.es) lookups
    # the only IRI in it is a namespace in the default query's PREFIX (no URL is fetched)
    assert set(re.findall(r"https?://[^\s\"'>]+", js)) <= {"http://www.w3.org/2000/01/rdf-schema#"}


def test_vendored_yasgui_fetches_no_stylesheet_font_or_script_from_a_cdn():
    css = (VENDOR / "yasgui.min.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    js = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    for host in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com",
                 "fonts.gstatic.com"):
        assert host not in js, host
    # the one remote service in the bundle (class/property completion) is switched off in ui.js
    assert "lov.linkeddata.es" in js
    version = json.loads((VENDOR / "VERSION.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())
    assert version["version"] == lock["packages"]["node_modules/@zazuko/yasgui"]["version"]


def test_package_json_pins_yasgui_exactly():
    pkg = json.loads((REPO / "package.json").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", pkg["dependencies"]["@zazuko/yasgui"])


def test_static_files_are_served_with_nosniff(real_client):
    with real_client.get("/static/ui.js") as resp:
        assert resp.status_code == 200
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.mimetype in ("text/javascript", "application/javascript")


def test_html_responses_have_a_content_security_policy(real_client, queries):
    for path in ("/", "/questions/", "/questions/01-founders", "/search?q=russie"):
        resp = real_client.get(path, headers={"Accept": HTML})
        assert resp.status_code == 200, path
        csp = dict(part.strip().split(" ", 1) for part in resp.headers["Content-Security-Policy"].split(";"))
        assert csp["default-src"] == "'none'"
        assert csp["script-src"] == "'self'"  # no inline script, no eval
        assert csp["connect-src"] == "'self'"  # YASGUI talks to /sparql only
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


# --- /questions/<name> -------------------------------------------------------------------


def test_question_page_shows_question_query_and_live_answer(real_client, queries):
    resp = real_client.get("/questions/01-founders", headers={"Accept": HTML})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Which states founded the SCO, and in which year?" in html
    assert "Quels États ont fondé l&#39;OCS, et en quelle année ?" in html
    assert "schema:founder ?founder" in html  # the query
    assert "6 rows" in html
    for slug in ("china", "russia", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan"):
        assert f'href="/id/{slug}"' in html
    assert html.count("<tr>") == 7  # the header and six rows


def test_question_page_ask_construct_and_error(real_client, queries):
    html = real_client.get("/questions/02-india-member", headers={"Accept": HTML}).get_data(as_text=True)
    assert "yes (true)" in html
    html = real_client.get("/questions/03-founders-graph", headers={"Accept": HTML}).get_data(as_text=True)
    assert "kg:uzbekistan" in html and "schema:founder" in html
    resp = real_client.get("/questions/04-broken", headers={"Accept": HTML})
    assert resp.status_code == 200
    assert "could not run" in resp.get_data(as_text=True)


def test_question_answers_go_through_the_executor_with_its_row_cap(real_app, queries, monkeypatch):
    kg = real_app.extensions["sco_kg"]
    monkeypatch.setitem(kg.settings, "max_rows", 2)
    html = real_app.test_client().get("/questions/01-founders", headers={"Accept": HTML}).get_data(as_text=True)
    assert "2 rows (truncated at the row limit)" in html


def test_unknown_question_is_404(real_client, queries, check_error):
    assert real_client.get("/questions/99-nothing", headers={"Accept": HTML}).status_code == 404
    assert real_client.get("/questions/..%2F..%2Fetc", headers={"Accept": HTML}).status_code == 404
    check_error(real_client.get("/questions/99-nothing", headers={"Accept": "application/json"}), 404)


def test_questions_of_the_repository_all_answer(real_app, monkeypatch):
    """Every queries/*.rq of the project: a tab on /, a page that answers without error."""
    folder = REPO / "queries"
    files = sorted(folder.glob("*.rq")) if folder.is_dir() else []
    assert files, "queries/ has no competency question"
    monkeypatch.setitem(real_app.config, "SCO_KG_QUERIES", str(folder))
    client = real_app.test_client()
    examples = json.loads(tags(client.get("/", headers={"Accept": HTML}).get_data(as_text=True))
                          .data.get("sco-kg-examples", '{"examples": []}'))
    if VENDOR.joinpath("yasgui.min.js").is_file():
        assert [e["name"] for e in examples["examples"]] == [p.stem for p in files]
    for p in files:
        q = parse_question(p)
        assert q.en and q.fr, f"{p.name}: the question in English and in French"
        resp = client.get(f"/questions/{p.stem}", headers={"Accept": HTML})
        assert resp.status_code == 200
        assert "could not run" not in resp.get_data(as_text=True), p.name


# --- /search -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, slug", [
    ("shanghai", "sco"),
    ("SHANGHAÏ", "sco"),
    ("organisation de cooperation de shanghai", "sco"),
    ("OCS", "sco"),
    ("choigou", "sergei-shoigu"),
    ("Shoigu", "sergei-shoigu"),
    ("otan", "nato"),
    ("ouzbekistan", "uzbekistan"),
    ("Kirghizistan", "kyrgyzstan"),
    ("inde", "india"),
])
def test_search_finds_entities_by_label_in_fr_or_en(real_client, text, slug):
    resp = real_client.get("/search", query_string={"q": text}, headers={"Accept": HTML})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    hits = re.findall(r'<li><a href="([^"]+)"', html)
    assert f"/id/{slug}" in hits, (text, hits)


def test_search_ranks_the_exact_name_first(real_client):
    from sco_kg.web.pages.search import search_labels

    with real_client.application.test_request_context("/"):
        hits = search_labels("shanghai")
        assert hits[0].href == "/id/sco"
        assert ("Organisation de coopération de Shanghaï", "fr") in hits[0].matches
        assert search_labels("Inde")[0].href == "/id/india"
        assert search_labels("   ") == []
        assert search_labels("zzzz-nothing") == []


def test_search_page_without_query_and_with_no_match(real_client):
    assert real_client.get("/search", headers={"Accept": HTML}).status_code == 200
    html = real_client.get("/search?q=zzzz", headers={"Accept": HTML}).get_data(as_text=True)
    assert "Nothing matches" in html


def test_every_page_has_the_search_box(real_client, queries):
    for path in ("/", "/id/sco.html", "/ontology", "/questions/01-founders"):
        html = real_client.get(path, headers={"Accept": HTML}).get_data(as_text=True)
        assert '<form class="search" action="/search"' in html, path


def test_search_works_on_other_data_too(client):
    """The protocol fixture (no build): the same search over whatever labels are served."""
    html = client.get("/search?q=shanghai", headers={"Accept": HTML}).get_data(as_text=True)
    assert 'href="/id/sco"' in html
    assert 'href="/id/coop%C3%A9ration-de-shangha%C3%AF"' not in html  # its label is "accent"


def test_header_search_box_holds_only_the_search_text(real_client, queries):
    html = real_client.get("/questions/01-founders", headers={"Accept": HTML}).get_data(as_text=True)
    assert 'id="site-search" type="search" name="q" value=""' in html
    html = real_client.get("/search?q=Russie", headers={"Accept": HTML}).get_data(as_text=True)
    assert 'id="site-search" type="search" name="q" value="Russie"' in html


@pytest.mark.parametrize("header, en, fr", [
    ("# EN: Who chaired it?\n# FR: Qui l'a présidée ?\n", "Who chaired it?", "Qui l'a présidée ?"),
    ("# [fr] Qui l'a présidée ?\n# [en] Who chaired it?\n", "Who chaired it?", "Qui l'a présidée ?"),
    ("# Question (en): Who chaired\n#   the meeting?\n# Question (fr): Qui a présidé\n#   la réunion ?\n",
     "Who chaired the meeting?", "Qui a présidé la réunion ?"),
    ("#\n# Who chaired it?\n#\n# Qui l'a présidée ?\n#\n", "Who chaired it?", "Qui l'a présidée ?"),
])
def test_question_header_variants(tmp_path, header, en, fr):
    path = tmp_path / "05-chair.rq"
    path.write_text(header + "SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    q = parse_question(path)
    assert (q.en, q.fr) == (en, fr)


def test_search_without_text_browses_entities_by_type(real_client):
    html = real_client.get("/search", headers={"Accept": HTML}).get_data(as_text=True)
    assert "Browse by type" in html
    assert 'href="/ontology#Country"' in html and 'href="/id/uzbekistan"' in html
    assert 'href="/ontology#Membership"' in html and 'href="/id/membership-india-sco-member"' in html


def test_search_answers_json_when_asked(real_client):
    resp = real_client.get("/search?q=OTAN", headers={"Accept": "application/json"})
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["q"] == "OTAN"
    assert body["results"][0]["href"] == "/id/nato"
    assert {"value": "OTAN", "lang": "fr"} in body["results"][0]["matches"]
    assert real_client.get("/search?q=OTAN", headers={"Accept": HTML}).mimetype == "text/html"


def test_home_says_what_is_served(real_client, queries):
    html = real_client.get("/", headers={"Accept": HTML}).get_data(as_text=True)
    assert re.search(r"[\d,]+ distinct triples about [\d,]+ things in \d+ named graphs", html)


def test_question_pages_apply_the_endpoint_limits(real_client, queries):
    (queries / "05-service.rq").write_text(
        "# en: A remote query\n# fr: Une requête distante\n"
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n", encoding="utf-8")
    (queries / "06-from.rq").write_text(
        "# en: From elsewhere\n# fr: D'ailleurs\nSELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }\n",
        encoding="utf-8")
    for name in ("05-service", "06-from"):
        html = real_client.get(f"/questions/{name}", headers={"Accept": HTML}).get_data(as_text=True)
        assert "could not run" in html, name


def test_question_page_compares_the_answer_with_the_expected_result(real_client, queries):
    def verdict(name):
        html = real_client.get(f"/questions/{name}", headers={"Accept": HTML}).get_data(as_text=True)
        m = re.search(r'<p class="expected expected-(\w+)">', html)
        return m.group(1) if m else None

    assert verdict("01-founders") == "same"  # rows as an unordered multiset
    assert verdict("02-india-member") == "different"  # the expected file says false
    assert verdict("03-founders-graph") == "same"  # CONSTRUCT by isomorphism
    assert verdict("04-broken") is None  # no expected file, and no answer
