"""A real ``sco-kg serve --store`` process, started, killed with SIGKILL, started again.

* ``build_cache``: a build cache holding the project's build (the session's ``built``,
  exported under the key ``serve`` computes), so no server process builds.
* ``Server(store, cache)``: ``start(env=...)`` runs ``python -m sco_kg serve --store ...
  --ingest-token-file ...`` on a free loopback port and waits until /sparql answers;
  ``kill()`` sends SIGKILL (kill -9) and reaps it; ``ingest``/``select``/``ask`` speak HTTP.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"
TOKEN = "crash-test-token-0123456789abcdef"
START_TIMEOUT = 120.0


@pytest.fixture(scope="session")
def build_cache(built, tmp_path_factory):
    from sco_kg.export import export
    from sco_kg.resources import Sources
    from sco_kg.store import sources_key

    cache = tmp_path_factory.mktemp("crash-cache")
    export(built, cache / "builds" / sources_key(Sources.default(), "owlrl", True))
    return cache


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, store: Path, cache: Path, token_file: Path):
        self.store, self.cache, self.token_file = store, cache, token_file
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log = store.parent / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *extra: str) -> list[str]:
        return [sys.executable, "-m", "sco_kg", "serve", "--store", str(self.store), "--cache-dir", str(self.cache),
                "--ingest-token-file", str(self.token_file), "--workers", "1", "--port", str(self.port), *extra]

    def start(self, *extra: str, env: dict | None = None) -> None:
        self.port = free_port()
        environment = {**os.environ, "PYTHONPATH": str(SERVER_DIR), **(env or {})}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.command(*extra), stdout=log, stderr=log, env=environment,
                                         start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                self.ask("ASK {}")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not answer within {START_TIMEOUT} s")

    def kill(self) -> None:
        """kill -9 the server process alone (its workers and ingest child must die on their own)."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc:
            self.proc.wait(30)

    def stop_all(self) -> None:
        """At the end: the server's whole process group, whatever is left of it."""
        self.kill()
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def ingest(self, body: str, graph: str, timeout: float = 120.0) -> tuple[int, dict]:
        req = urllib.request.Request(
            f"{self.url}/data?graph={urllib.parse.quote(graph, safe='')}", data=body.encode(), method="POST",
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, {"error": exc.read().decode("utf-8", "replace")}

    def query(self, query: str) -> dict:
        url = f"{self.url}/sparql?{urllib.parse.urlencode({'query': query})}"
        req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())

    def ask(self, query: str) -> bool:
        return self.query(query)["boolean"]

    def select(self, query: str) -> list[dict]:
        return [{k: v["value"] for k, v in row.items()} for row in self.query(query)["results"]["bindings"]]


@pytest.fixture
def server(build_cache, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    made = Server(tmp_path / "store", build_cache, token_file)
    yield made
    made.stop_all()
