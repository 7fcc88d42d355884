"""CORS (:mod:`sco_kg.web.cors`): ``*`` for reads by default, routes that take data opened
only to origins named in the setting, preflights answered, credentials never allowed, an
Origin reflected only when it is listed."""

from __future__ import annotations

import pytest

ASK = "/sparql?query=ASK%20%7B%7D"
APP = "https://app.example"
EVIL = "https://evil.example"


def preflight(client, path: str, origin: str, method: str = "POST", headers: str = "content-type"):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": headers})


@pytest.fixture
def listed(make_app):
    return make_app(SCO_KG_CORS_ORIGINS=f"{APP}, http://localhost:3000").test_client()


@pytest.mark.parametrize("path", [ASK, "/id/sco", "/graph?default", "/", "/.well-known/void", "/nowhere"])
def test_reads_are_open_to_any_origin_by_default(client, path):
    resp = client.get(path, headers={"Origin": EVIL})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers
    assert "SPARQL-Results-Truncated" in resp.headers["Access-Control-Expose-Headers"]


def test_no_cors_header_without_an_origin(client):
    resp = client.get(ASK)
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_preflight_of_a_post_query_by_default(client):
    resp = preflight(client, "/sparql", EVIL)
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert set(resp.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "POST"}
    assert "Content-Type" in resp.headers["Access-Control-Allow-Headers"]
    assert "Authorization" not in resp.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in resp.headers
    assert int(resp.headers["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("path", ["/data", "/validate"])
def test_routes_that_take_data_are_not_opened_by_the_star(client, check_error, path):
    check_error(preflight(client, path, EVIL, headers="authorization, content-type"), 403, contains="cors_origins")
    resp = client.post(path, data=b"<urn:a> <urn:b> <urn:c> .", content_type="text/turtle", headers={"Origin": EVIL})
    assert "Access-Control-Allow-Origin" not in resp.headers


@pytest.mark.parametrize("path", ["/data", "/validate"])
def test_routes_that_take_data_are_opened_to_a_listed_origin(listed, path):
    resp = preflight(listed, path, APP, headers="authorization, content-type")
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == APP
    assert resp.headers["Access-Control-Allow-Methods"] == "POST"
    assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]
    assert "Origin" in resp.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in resp.headers
    resp = listed.post(path, data=b"<urn:a> <urn:b> <urn:c> .", content_type="text/turtle", headers={"Origin": APP})
    assert resp.headers["Access-Control-Allow-Origin"] == APP


def test_a_list_reflects_only_its_origins(listed, check_error):
    resp = listed.get(ASK, headers={"Origin": APP})
    assert resp.headers["Access-Control-Allow-Origin"] == APP and "Origin" in resp.headers["Vary"]
    resp = listed.get(ASK, headers={"Origin": "http://localhost:3000"})
    assert resp.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    for origin in (EVIL, APP + ".evil.example", "null", "http://app.example", APP + ":8443"):
        resp = listed.get(ASK, headers={"Origin": origin})
        assert resp.status_code == 200 and "Access-Control-Allow-Origin" not in resp.headers, origin
        assert "Origin" in resp.headers["Vary"]  # a cache must not hand one origin's answer to another
    check_error(preflight(listed, "/sparql", EVIL), 403)


def test_credentials_are_never_allowed_even_for_a_listed_origin(listed):
    for path in (ASK, "/id/sco", "/data"):
        resp = listed.get(path, headers={"Origin": APP, "Cookie": "session=1"})
        assert "Access-Control-Allow-Credentials" not in resp.headers


def test_preflight_of_a_method_a_route_does_not_have_is_405(client, check_error):
    check_error(preflight(client, "/graph", EVIL, method="PATCH"), 405)
    check_error(preflight(client, "/sparql", EVIL, method="DELETE"), 405)


def test_preflight_of_a_write_from_an_origin_not_named_is_403(client, check_error):
    """PUT /graph and POST /update write: "*" does not open them to any page."""
    check_error(preflight(client, "/graph", EVIL, method="PUT"), 403)
    check_error(preflight(client, "/update", EVIL, method="POST"), 403)


def test_preflight_of_an_unknown_path_is_404(client, check_error):
    check_error(preflight(client, "/nowhere", EVIL, method="GET"), 404)


def test_plain_options_is_not_a_preflight(client):
    resp = client.options("/sparql")
    assert resp.status_code == 200 and "POST" in resp.headers["Allow"]


@pytest.mark.parametrize("bad", ["app.example", "https://app.example/path", "ftp://x.example", "https://a b"])
def test_a_bad_origin_in_the_setting_stops_the_app(make_app, bad):
    with pytest.raises(ValueError, match="is not an origin"):
        make_app(SCO_KG_CORS_ORIGINS=bad)


def test_serve_refuses_a_bad_cors_origin(fixture_files):
    from click.testing import CliRunner
    from sco_kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--no-build", "--data", str(fixture_files[0]), "-q",
                                       "--cors-origin", "https://ok.example", "--cors-origin", "not-an-origin",
                                       "--get", "/"])
    assert result.exit_code == 2 and "not-an-origin" in result.output and "--cors-origin" in result.output
