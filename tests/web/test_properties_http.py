"""Property-based tests (hypothesis) of request parsing and content negotiation: random
Accept headers, query strings, bytes in parameters, methods, content types and bodies on
/sparql, the graph store, the linked-data routes and the UI. Whatever arrives: never a 5xx,
never a hang (each example has a deadline), the one error shape, and the right 4xx (400 bad
input, 405 method, 406 nothing acceptable, 415 media type).

Content negotiation is checked against an oracle written here from RFC 9110 §12.5.1 (the
most specific matching range gives a type its q; q=0 is "not acceptable"): an answer's type
is acceptable, it has the best q among the types offered, and 406 only when none has q > 0.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sco_kg.web import conneg

SETTINGS = settings(max_examples=120, deadline=timedelta(seconds=5), database=None,
                    suppress_health_check=[HealthCheck.too_slow])
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"
ROUTES = ["/sparql", "/graph", "/id/sco", "/graph/test/s01", "/ontology", "/", "/search", "/questions/",
          "/.well-known/void", "/dumps/", "/data", "/validate"]
KNOWN_TYPES = sorted({f.media_type for f in conneg.RESULT_FORMATS + conneg.GRAPH_FORMATS}
                     | {a for f in conneg.RESULT_FORMATS + conneg.GRAPH_FORMATS for a in f.aliases}
                     | {"text/html", "application/xhtml+xml", "text/plain", "application/xml", "image/png"})
ERROR_KEYS = {"ok", "status", "title", "error"}

# --- strategies --------------------------------------------------------------------------

token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789+-.", min_size=1, max_size=12)
media_range = st.one_of(
    st.sampled_from(KNOWN_TYPES),
    st.sampled_from(["*/*", "text/*", "application/*", "*"]),
    st.builds(lambda a, b: f"{a}/{b}", token, token),
)
q_value = st.one_of(st.none(), st.sampled_from(["0", "0.0", "1", "0.5", "0.001", "1.000"]),
                    st.floats(0, 1).map(lambda f: f"{f:.3f}"))


@st.composite
def accept_entry(draw):
    media = draw(media_range)
    q = draw(q_value)
    params = draw(st.lists(st.sampled_from(["charset=utf-8", "profile=\"x\"", "level=1"]), max_size=2))
    parts = [media, *params] + ([f"q={q}"] if q is not None else [])
    return "; ".join(parts)


structured_accept = st.lists(accept_entry(), min_size=1, max_size=6).map(", ".join)
#: anything a header may carry (latin-1 without controls: what HTTP allows on the wire)
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
                      max_size=80)
any_accept = st.one_of(structured_accept, header_text)


def parse_accept(accept: str) -> list[tuple[str, str, float]]:
    """The oracle's reading of a structured Accept (as built by ``accept_entry``)."""
    out = []
    for entry in accept.split(","):
        items = [p.strip() for p in entry.split(";")]
        media = "*/*" if items[0] == "*" else items[0]
        main, sub = media.split("/", 1)
        q = 1.0
        for p in items[1:]:
            if p.startswith("q="):
                q = float(p[2:])
        out.append((main, sub, q))
    return out


def quality(media_type: str, ranges) -> float:
    main, sub = media_type.split("/", 1)
    exact = [q for m, s, q in ranges if (m, s) == (main, sub)]
    if exact:
        return exact[0]
    partial = [q for m, s, q in ranges if (m, s) == (main, "*")]
    if partial:
        return partial[0]
    anything = [q for m, s, q in ranges if (m, s) == ("*", "*")]
    return anything[0] if anything else 0.0


def check(resp) -> None:
    """Never a 5xx; an error is the one error shape (JSON or text) or an HTML 404 page."""
    status = resp.status_code
    assert status < 500, (status, resp.get_data(as_text=True)[:500])
    if status >= 400 and resp.mimetype != "text/html" and resp.request.method != "HEAD":
        body = resp.get_data(as_text=True)
        if resp.mimetype == "application/json":
            doc = json.loads(body)
            assert ERROR_KEYS <= doc.keys() and doc["status"] == status, doc
        else:
            assert resp.mimetype == "text/plain" and body.startswith(f"{status} "), body[:200]


def offered(kind: str, boolean: bool = False) -> dict[str, list[str]]:
    """The media type answered for each format of ``kind`` -> the media types that select it."""
    return {f.media_type: [f.media_type, *f.aliases] for f in conneg.table(kind, boolean=boolean)}


def format_quality(selectors: list[str], ranges) -> float:
    return max(quality(t, ranges) for t in selectors)


# --- content negotiation -----------------------------------------------------------------


@pytest.mark.parametrize("query,kind", [(SELECT, "results"), (CONSTRUCT, "graph"), (None, "graph")])
@SETTINGS
@given(accept=structured_accept)
def test_negotiation_follows_the_rfc(app, query, kind, accept):
    path = "/sparql?query=" + quote(query) if query else "/graph?default"
    resp = app.test_client().get(path, headers={"Accept": accept})
    check(resp)
    ranges = parse_accept(accept)
    formats = offered(kind)
    best = max(format_quality(selectors, ranges) for selectors in formats.values())
    if best == 0:
        assert resp.status_code == 406, (accept, resp.status_code)
        listed = (json.loads(resp.data)["available"] if resp.mimetype == "application/json"
                  else resp.get_data(as_text=True).split("\navailable: ", 1)[1].strip().split(", "))
        assert set(listed) == set(formats)
    else:
        assert resp.status_code == 200, (accept, resp.status_code, resp.get_data(as_text=True)[:300])
        assert format_quality(formats[resp.mimetype], ranges) == best, (accept, resp.mimetype)


@pytest.mark.parametrize("path", ["/sparql?query=" + quote("ASK {}"), "/id/sco", "/graph/test/s01", "/ontology",
                                  "/", "/search?q=russie", "/.well-known/void", "/questions/", "/dumps/",
                                  "/id/nothing", "/nowhere"])
@SETTINGS
@given(accept=any_accept)
def test_any_accept_header_never_fails(app, path, accept):
    resp = app.test_client().get(path, headers={"Accept": accept})
    check(resp)
    assert resp.status_code in (200, 303, 400, 404, 406), resp.status_code


# --- request parsing ---------------------------------------------------------------------

names = st.one_of(st.sampled_from(["query", "default-graph-uri", "named-graph-uri", "format", "graph", "default",
                                   "q", "update", "using-graph-uri", "timeout", ""]), st.text(max_size=10))
values = st.one_of(st.sampled_from([SELECT, CONSTRUCT, "ASK {}", "json", "turtle", "xml", "csv", "text/turtle",
                                    "https://w3id.org/sco-kg/graph/test/s01", "urn:x", "not an iri", ""]),
                   st.text(max_size=60))


@SETTINGS
@given(path=st.sampled_from(ROUTES), pairs=st.lists(st.tuples(names, values), max_size=5))
def test_random_query_strings_never_fail(app, path, pairs):
    resp = app.test_client().get(path + "?" + urlencode(pairs))
    check(resp)
    if path == "/sparql" and sum(1 for k, _ in pairs if k == "query") > 1:
        assert resp.status_code == 400  # one query per request


@SETTINGS
@given(path=st.sampled_from(ROUTES), name=names, raw=st.binary(max_size=40))
def test_random_bytes_in_a_parameter(app, path, name, raw):
    resp = app.test_client().get(f"{path}?{quote(name)}={quote_from_bytes(raw)}")
    check(resp)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        assert resp.status_code == 400 and "not valid UTF-8" in resp.get_data(as_text=True)


@SETTINGS
@given(raw=st.binary(max_size=40))
def test_random_bytes_in_the_path(app, raw):
    resp = app.test_client().get("/id/" + quote_from_bytes(raw))
    check(resp)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        assert resp.status_code == 400


methods = st.one_of(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
                    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8))
content_types = st.one_of(
    st.none(),
    st.sampled_from(["application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
                     "text/turtle", "application/json", "multipart/form-data; boundary=x", "text/plain",
                     "application/sparql-query; charset=latin-1", "application/x-www-form-urlencoded; charset=utf-8"]),
    st.builds(lambda a, b: f"{a}/{b}", token, token),
)
bodies = st.one_of(st.binary(max_size=200), st.sampled_from([b"query=" + quote(SELECT).encode(), SELECT.encode(),
                                                              b"ASK {}", b"update=CLEAR%20ALL", b""]))


@SETTINGS
@given(path=st.sampled_from(["/sparql", "/id/sco", "/graph/test/s01", "/graph?default", "/ontology", "/"]),
       method=methods, ctype=content_types, body=bodies)
def test_random_methods_content_types_and_bodies(app, path, method, ctype, body):
    resp = app.test_client().open(path, method=method, data=body, content_type=ctype)
    check(resp)
    if method == "HEAD":  # the same status and headers as GET, no body
        get = app.test_client().get(path)
        assert resp.status_code == get.status_code and resp.data == b""
    reads = {"GET", "HEAD", "OPTIONS"} | ({"POST"} if path == "/sparql" else set())
    if path.startswith("/graph?") and method in ("PUT", "POST", "DELETE"):  # Graph Store writes: no token here
        assert resp.status_code == 403, (method, path, resp.status_code)
    elif method not in reads:
        assert resp.status_code == 405, (method, path, resp.status_code)
    if path == "/sparql" and method == "POST":
        mimetype = (ctype or "").split(";")[0].strip().lower()
        if mimetype not in ("application/x-www-form-urlencoded", "application/sparql-query",
                            "application/sparql-update"):
            assert resp.status_code == 415, (ctype, resp.status_code)
        elif mimetype == "application/sparql-update":
            assert resp.status_code == 400
