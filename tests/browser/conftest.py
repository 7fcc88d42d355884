"""The browser tests: Debian's chromium, driven by Selenium through Debian's chromedriver
(nothing downloads a browser), against the app under waitress on a loopback port.

Installed by .ci/setup-ui.sh. Without chromium, chromedriver or selenium the tests are
skipped, unless ``SCO_KG_REQUIRE_BROWSER=1`` or ``CI`` is set, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading

import pytest

CHROMIUM = os.environ.get("SCO_KG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SCO_KG_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1100",
         # offline: any host but the loopback test server is unresolvable
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

FOUNDERS = """\
# en: Which states founded the SCO, and in which year?
# fr: Quels États ont fondé l'OCS, et en quelle année ?
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kg: <https://w3id.org/sco-kg/id/>
SELECT ?founder ?label ?year WHERE {
  kg:sco schema:founder ?founder ; schema:foundingDate ?year .
  ?founder rdfs:label ?label FILTER(lang(?label) = "en")
} ORDER BY ?label
"""
OBSERVERS = """\
# en: Which states are or were observers of the SCO?
# fr: Quels États sont ou ont été observateurs de l'OCS ?
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX kg: <https://w3id.org/sco-kg/id/>
SELECT ?state WHERE { ?m org:organization kg:sco ; org:role kg:role-observer ; org:member ?state } ORDER BY ?state
"""


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (.ci/setup-ui.sh)"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="session")
def browser_app(built, tmp_path_factory):
    from sco_kg.store.export import export
    from sco_kg.store.served import open_store
    from sco_kg.web import create_app

    root = tmp_path_factory.mktemp("browser")
    export(built, root / "dist")
    queries = root / "queries"
    queries.mkdir()
    (queries / "01-founders.rq").write_text(FOUNDERS, encoding="utf-8")
    (queries / "02-observers.rq").write_text(OBSERVERS, encoding="utf-8")
    app = create_app({"TESTING": True, "SCO_KG_LOADED": open_store(dumps_dir=root / "dist", key="browser"),
                      "SCO_KG_QUERIES": str(queries)})
    yield app
    app.extensions["sco_kg"].close()


@pytest.fixture(scope="session")
def server_url(browser_app):
    from waitress.server import create_server

    server = create_server(browser_app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def driver():
    missing = _missing()
    if missing:
        if os.environ.get("SCO_KG_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="sco-kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_page_load_timeout(30)
    yield d
    d.quit()
    shutil.rmtree(profile, ignore_errors=True)
