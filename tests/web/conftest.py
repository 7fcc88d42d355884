"""Fixtures of the web tests.

* ``app`` / ``client``: the app over a small fixture dataset (``FIXTURE_TRIG``: a few
  graphs, an IRI with an accent) plus the W3C protocol test data (protocol-data.nq,
  loaded as ``--data`` would). Session-wide: tests only read.
* ``make_app(**config)``: a fresh app with config overrides (a short timeout, a row cap...),
  closed at the end of the test.
* ``real_app`` / ``real_client``: the app over the project's own build (the ``built``
  fixture of tests/conftest.py, exported once: ``built_dumps``), for tests that need the
  real graph; ``built_dumps`` also makes the on-disk stores of tests of their own
  (tests/web/writes_support.py ``open_write_app``: only read, never written).
* ``live_server(app)``: the app under waitress on a free loopback port; returns its URL.
* ``assert_error(resp, status)``: the one error shape (checked in one place).
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

#: the W3C suites, in shared/ beside the repository (as laid out here and in CI)
W3C_DIR = Path(__file__).resolve().parents[3] / "shared" / "w3c" / "sparql11-protocol"
PROTOCOL_DATA = W3C_DIR / "protocol-data.nq"

EX = "http://example.org/"
KG = "https://w3id.org/sco-kg/id/"
KGG = "https://w3id.org/sco-kg/graph/"
ACCENT_IRI = KG + "coopération-de-shanghaï"

FIXTURE_TRIG = f"""
@prefix kg: <{KG}> .
@prefix kgg: <{KGG}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .

<{KGG}test/s01> {{
  kg:sco a schema:Organization ; rdfs:label "Organisation de coopération de Shanghaï"@fr, "Shanghai Cooperation Organisation"@en ;
    schema:foundingDate "2001"^^<http://www.w3.org/2001/XMLSchema#gYear> .
  <{ACCENT_IRI}> rdfs:label "accent"@fr ; schema:about kg:sco .
}}
<{KGG}test/s02> {{
  kg:russia a schema:Country ; rdfs:label "Russie"@fr, "Russia"@en ; schema:memberOf kg:sco .
  kg:china a schema:Country ; rdfs:label "Chine"@fr, "China"@en ; schema:memberOf kg:sco .
  kg:note rdfs:comment "tab\\there, comma, \\"quote\\"\\nnewline" .
}}
"""

#: graphs of the fixture dataset
FIXTURE_GRAPHS = {KGG + "test/s01", KGG + "test/s02"} | {
    f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}


@pytest.fixture(scope="session")
def fixture_files(tmp_path_factory) -> list[Path]:
    path = tmp_path_factory.mktemp("web-data") / "fixture.trig"
    path.write_text(FIXTURE_TRIG, encoding="utf-8")
    return [path]


def _close(app) -> None:
    app.extensions["sco_kg"].close()


@pytest.fixture(scope="session")
def app(fixture_files):
    from sco_kg.web import create_app

    app = create_app({"TESTING": True, "SCO_KG_FILES": fixture_files, "SCO_KG_DATA": [PROTOCOL_DATA]})
    yield app
    _close(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_app(fixture_files):
    from sco_kg.web import create_app

    made = []

    def make(**config):
        cfg = {"TESTING": True, "SCO_KG_FILES": fixture_files, "SCO_KG_DATA": [PROTOCOL_DATA]}
        cfg.update(config)
        made.append(create_app(cfg))
        return made[-1]

    yield make
    for a in made:
        _close(a)


@pytest.fixture(scope="session")
def built_dumps(built, tmp_path_factory) -> Path:
    """The folder of the project's build's dumps (exported once, no second build)."""
    from sco_kg.store.export import export

    out = tmp_path_factory.mktemp("real") / "dist"
    export(built, out)
    return out


@pytest.fixture(scope="session")
def real_app(built_dumps):
    """The app over the project's own build."""
    from sco_kg.store.served import open_store
    from sco_kg.web import create_app

    app = create_app({"TESTING": True, "SCO_KG_LOADED": open_store(dumps_dir=built_dumps, key="test")})
    yield app
    _close(app)


@pytest.fixture
def real_client(real_app):
    return real_app.test_client()


@pytest.fixture
def live_server():
    """``live_server(app) -> "http://127.0.0.1:PORT"``: waitress in a thread, stopped afterwards."""
    from waitress.server import create_server

    servers = []

    def start(app, threads: int = 4) -> str:
        server = create_server(app, host="127.0.0.1", port=0, threads=threads)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.effective_port}"

    yield start
    for server, thread in servers:
        server.close()
        server.task_dispatcher.shutdown()


class Listener:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    listener = Listener()
    yield listener
    listener.close()


ERROR_KEYS = {"ok", "status", "title", "error"}


def assert_error(resp, status: int, *, contains: str | None = None) -> dict:
    """The one error shape: JSON (or text when asked), with status, title and message."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
    ctype = resp.headers["Content-Type"]
    if ctype.startswith("application/json"):
        body = json.loads(resp.get_data(as_text=True))
        assert ERROR_KEYS <= body.keys(), body
        assert body["ok"] is False and body["status"] == status and body["error"]
    else:
        assert ctype.startswith("text/plain"), ctype
        text = resp.get_data(as_text=True)
        assert text.startswith(f"{status} "), text
        body = {"error": text}
    if contains:
        assert contains.lower() in body["error"].lower(), body["error"]
    return body


@pytest.fixture
def check_error():
    return assert_error
