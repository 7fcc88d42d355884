"""The W3C SPARQL 1.1 Protocol tests, one pytest case per manifest entry.

Read from ../shared/w3c/sparql11-protocol/manifest.ttl (beside the repository); the data (protocol-data.nq)
is served beside the fixture graph, as ``sco-kg serve --data protocol-data.nq`` would.
The manifest's ``/sparql/`` paths go to the endpoint's ``/sparql``.

Every test must pass. The manifest sends updates to the endpoint's path; here they go to
``/update`` (a request with ``application/sparql-update`` or an ``update=`` parameter),
with a token that may update, on an app over an on-disk store that curates the build's
graphs, as ``sco-kg serve --store DIR --update-token-file F --curate-build-graphs`` (the
update tests begin with ``CLEAR ALL``). ``/sparql`` stays read-only: an update sent there
is refused (tests/web/test_update.py).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection

#: the W3C suites, in shared/ beside the repository (as laid out here and in CI)
W3C_DIR = Path(__file__).resolve().parents[3] / "shared" / "w3c" / "sparql11-protocol"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

UPDATE_TOKEN = "w3c-update-token-0123456789"


def _load_cases():
    g = Graph()
    g.parse(W3C_DIR / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(MF.entries, None))
    cases = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        action = g.value(entry, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            hlist = g.value(req, HT.headers)
            if hlist is not None:
                for h in Collection(g, hlist):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = g.value(req, HT.body)
            resp = g.value(req, HT.resp)
            requests.append({
                "method": str(g.value(req, HT.methodName)),
                "path": str(g.value(req, HT.absolutePath)),
                "headers": headers,
                "body": None if body is None else (str(g.value(body, CNT.chars)),
                                                   str(g.value(body, CNT.characterEncoding) or "UTF-8")),
                "status": {str(s)[len(HTS):] for s in g.objects(resp, MF.expectedStatus)},
                "format": str(g.value(resp, MF.expectedFormat) or "") or None,
                "boolean": None if g.value(resp, MF.expectedBoolean) is None
                else g.value(resp, MF.expectedBoolean).toPython(),
            })
        cases.append(pytest.param(requests, id=name))
    return cases


CASES = _load_cases()

BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = BOOLEAN_TYPES + ("text/csv", "text/tab-separated-values")
RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples", "application/xhtml+xml", "text/html")


def _boolean(resp) -> bool:
    ctype = resp.headers["Content-Type"]
    if ctype.startswith("application/sparql-results+json"):
        return json.loads(resp.data)["boolean"]
    root = ET.fromstring(resp.data)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.fixture(scope="module")
def update_client(fixture_files, tmp_path_factory):
    """The app over an on-disk store, with a token that may update and the build's graphs curated."""
    from sco_kg.web import create_app

    app = create_app({"TESTING": True, "SCO_KG_FILES": fixture_files, "SCO_KG_DATA": [W3C_DIR / "protocol-data.nq"],
                      "SCO_KG_STORE": tmp_path_factory.mktemp("w3c-update") / "store",
                      "SCO_KG_UPDATE_TOKEN": f"w3c {UPDATE_TOKEN}", "SCO_KG_CURATE_BUILD_GRAPHS": "true"})
    yield app.test_client()
    app.extensions["sco_kg"].close()


def _is_update(req) -> bool:
    ctype = (req["headers"].get("content-type") or "").split(";")[0].strip()
    body = req["body"][0] if req["body"] else ""
    return ctype == "application/sparql-update" or "update=" in req["path"] or body.startswith("update=")


@pytest.mark.parametrize("requests", CASES)
def test_protocol(client, update_client, requests):
    updating = any(_is_update(r) for r in requests)
    for req in requests:
        path = req["path"].replace("/sparql/", "/update" if _is_update(req) else "/sparql", 1)
        kwargs = {"headers": dict(req["headers"])}
        ctype = kwargs["headers"].pop("content-type", None)
        if _is_update(req):
            kwargs["headers"]["Authorization"] = f"Bearer {UPDATE_TOKEN}"
        if req["body"] is not None:
            chars, encoding = req["body"]
            kwargs["data"] = chars.encode(encoding)
        resp = (update_client if updating else client).open(path, method=req["method"], content_type=ctype, **kwargs)
        klass = f"{resp.status_code // 100}xx"
        assert klass in req["status"], (resp.status_code, resp.data[:300])
        ctype = resp.headers.get("Content-Type", "")
        if req["format"] == "boolean":
            assert ctype.startswith(BOOLEAN_TYPES), ctype
        elif req["format"] == "tabular":
            assert ctype.startswith(TABULAR_TYPES), ctype
        elif req["format"] == "RDF":
            assert ctype.startswith(RDF_TYPES), ctype
        if req["boolean"] is not None:
            assert _boolean(resp) is req["boolean"]


def test_every_query_test_is_generated():
    names = {c.id for c in CASES}
    assert len(CASES) == 34
    assert {"query_post_form", "query_multiple_dataset", "bad_query_non_utf8", "bad_update_dataset_conflict"} <= names
