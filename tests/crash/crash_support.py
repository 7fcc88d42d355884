"""Helpers of the crash tests: a real ``sco-kg serve --store`` process (:class:`Server`) and
the bodies they ingest (:func:`body_for`). The one token may ingest and update (it is in
both token files)."""

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

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"
TOKEN = "crash-test-token-0123456789abcdef"
START_TIMEOUT = 120.0
KG = "https://w3id.org/sco-kg/id/"
ORG = "http://www.w3.org/ns/org#"


def body_for(tag: str) -> str:
    """A new country and its observer membership of the SCO: 7 triples that conform."""
    return f"""
@prefix kg: <{KG}> .
@prefix skg: <https://w3id.org/sco-kg/ontology#> .
@prefix org: <{ORG}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:country-{tag} a skg:Country ; rdfs:label "pays {tag}"@fr , "country {tag}"@en .
kg:membership-{tag} a skg:Membership ; org:member kg:country-{tag} ; org:organization kg:sco ; org:role kg:role-observer .
"""


def server_env(extra: dict | None = None) -> dict:
    return {**os.environ, "PYTHONPATH": str(SERVER_DIR), **(extra or {})}


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
                "--ingest-token-file", str(self.token_file), "--update-token-file", str(self.token_file), "--workers", "1", "--port", str(self.port), *extra]

    def launch(self, *extra: str, env: dict | None = None) -> None:
        """Start the process, without waiting for it to answer."""
        self.port = free_port()
        environment = server_env(env)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.command(*extra), stdout=log, stderr=log, env=environment,
                                         start_new_session=True)

    def start(self, *extra: str, env: dict | None = None) -> None:
        """Start the process and wait until /sparql answers."""
        self.launch(*extra, env=env)
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

    def update(self, text: str, timeout: float = 120.0) -> tuple[int, dict]:
        """POST /update (application/sparql-update)."""
        return self._send("/update", text, "application/sparql-update", "POST", timeout)

    def put(self, graph: str, turtle: str, timeout: float = 120.0) -> tuple[int, dict]:
        """Graph Store PUT of ``graph`` (Turtle)."""
        return self._send(f"/graph?graph={urllib.parse.quote(graph, safe='')}", turtle, "text/turtle", "PUT", timeout)

    def _send(self, path: str, body: str, ctype: str, method: str, timeout: float) -> tuple[int, dict]:
        req = urllib.request.Request(f"{self.url}{path}", data=body.encode(), method=method,
                                     headers={"Content-Type": ctype, "Authorization": f"Bearer {TOKEN}"})
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


