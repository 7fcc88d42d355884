"""Drive the independent engines of .ci/engines/ from the tests.

Every engine is installed by ``.ci/engines/setup.sh`` (CI runs it first). A missing engine
is an error here, never a skip: :func:`require` fails the test with what to run.

* Apache Jena 4.5 (Debian): ``riot``, ``arq``, ``shacl`` wrappers in .ci/engines/.
* Oxigraph server (PyPI ``oxigraph``): :class:`OxigraphServer`, ``oxigraph load`` into a
  temporary store then ``serve-read-only --union-default-graph`` on loopback.
* Virtuoso 7 (Debian): :class:`Virtuoso`, through ``.ci/engines/virtuoso.sh``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from interop_compare import Answer, from_json, from_rdf, query_kind

ROOT = Path(__file__).resolve().parents[2]
ENGINES = ROOT / ".ci" / "engines"
SETUP_HINT = "install the engines with: sudo bash .ci/engines/setup.sh"

#: bounds, in seconds
COMMAND_TIMEOUT = int(os.environ.get("INTEROP_COMMAND_TIMEOUT", "300"))
START_TIMEOUT = int(os.environ.get("INTEROP_START_TIMEOUT", "120"))
QUERY_TIMEOUT = int(os.environ.get("INTEROP_QUERY_TIMEOUT", "60"))


def require(what: str, path: Path | str | None) -> Path:
    """The engine's executable, or fail the test (never skip): CI installs every engine."""
    if path is None or not Path(path).exists():
        pytest.fail(f"{what} is not installed ({path or 'not found'}): {SETUP_HINT}", pytrace=False)
    return Path(path)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list, *, timeout: int = COMMAND_TIMEOUT, check: bool = False, **kw) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(
            [str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"timed out after {timeout}s: {' '.join(map(str, cmd))}", pytrace=False)
    if check and proc.returncode != 0:
        pytest.fail(
            f"exit {proc.returncode}: {' '.join(map(str, cmd))}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}",
            pytrace=False,
        )
    return proc


# --- Apache Jena -------------------------------------------------------------------------


class Jena:
    """riot, arq and shacl of Debian's libapache-jena-java, through .ci/engines/."""

    def __init__(self) -> None:
        require("Apache Jena (libapache-jena-java)", "/usr/share/java/jena-cmds.jar")
        require("java", shutil.which("java"))
        self.riot_cmd = require("riot wrapper", ENGINES / "riot")
        self.arq_cmd = require("arq wrapper", ENGINES / "arq")
        self.shacl_cmd = require("shacl wrapper", ENGINES / "shacl")

    def riot_count(self, path: Path, syntax: str | None = None) -> tuple[int, list[str], int]:
        """Parse with checking of RDF terms: the count of triples or quads, what else riot
        said (warnings, errors), and its exit code (riot exits 1 on warnings alone).

        ``riot --count`` writes ``FILE : Triples = 1,234`` (or ``Quads``) on stderr.
        """
        cmd = [self.riot_cmd, "--count", "--check"]
        if syntax:
            cmd.append(f"--syntax={syntax}")
        proc = run(cmd + [path])
        count, other = -1, []
        for line in (proc.stdout + proc.stderr).splitlines():
            match = re.search(r" : (?:Triples|Quads) = ([\d,]+)$", line)
            if match:
                count = int(match.group(1).replace(",", ""))
            elif line.strip():
                other.append(line)
        return count, other, proc.returncode

    def arq(self, query: Path, data: list[Path]) -> Answer:
        """Run ``query`` over files loaded into one in-memory dataset.

        arq puts the triples of a triple format (the union dump, sco-kg.ttl) in the default
        graph and the quads of TriG/N-Quads in their named graphs: with both, the default
        graph is the union and the named graphs are kept, as on the project's endpoint.
        """
        kind = query_kind(query.read_text(encoding="utf-8"))
        results = "json" if kind in ("select", "ask") else "nt"
        cmd = [self.arq_cmd, *(f"--data={d}" for d in data), f"--query={query}", f"--results={results}"]
        proc = run(cmd)
        if proc.returncode != 0 or "WARN" in proc.stderr or "ERROR" in proc.stderr:
            pytest.fail(f"arq failed on {query.name} (exit {proc.returncode}):\n{proc.stderr[-3000:]}", pytrace=False)
        return from_json(proc.stdout) if results == "json" else from_rdf(proc.stdout, "nt")

    def shacl_validate(self, shapes: Path, data: Path) -> tuple[str, subprocess.CompletedProcess]:
        """The validation report (Turtle). ``shacl validate`` exits 0 whether or not the data
        conforms: read sh:conforms in the report. It validates the default graph only."""
        proc = run([self.shacl_cmd, "validate", f"--shapes={shapes}", f"--data={data}"])
        if proc.returncode != 0:
            pytest.fail(f"jena shacl failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}", pytrace=False)
        return proc.stdout, proc


# --- SPARQL over HTTP ------------------------------------------------------------------


@dataclass
class Endpoint:
    """A SPARQL 1.1 Protocol endpoint, with the dataset named in each request if needed."""

    url: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)

    def request(self, query: str, accept: str) -> bytes:
        params = [("query", query)]
        params += [("default-graph-uri", g) for g in self.default_graphs]
        params += [("named-graph-uri", g) for g in self.named_graphs]
        body = urllib.parse.urlencode(params).encode("utf-8")
        req = urllib.request.Request(
            self.url,
            data=body,
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(req, timeout=QUERY_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:3000]
            pytest.fail(f"{self.url}: HTTP {exc.code}\n{detail}\nquery:\n{query}", pytrace=False)

    def query(self, query: str) -> Answer:
        kind = query_kind(query)
        if kind in ("select", "ask"):
            return from_json(self.request(query, "application/sparql-results+json"))
        return from_rdf(self.request(query, "text/turtle"), "turtle")

    def alive(self) -> bool:
        try:
            params = urllib.parse.urlencode({"query": "ASK {}"})
            req = urllib.request.Request(
                f"{self.url}?{params}", headers={"Accept": "application/sparql-results+json"}
            )
            with urllib.request.urlopen(req, timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False


def wait_until(check, what: str, timeout: int = START_TIMEOUT, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode} before answering", pytrace=False)
        time.sleep(0.2)
    pytest.fail(f"{what} did not answer in {timeout}s", pytrace=False)


def stop_process(proc: subprocess.Popen | None) -> None:
    """SIGTERM an engine's server process, then SIGKILL it if it is not gone in 20 s."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


# --- Oxigraph server -------------------------------------------------------------------


def oxigraph_command() -> Path:
    venv = Path(sys.executable).parent / "oxigraph"
    return require("the oxigraph server (pip install oxigraph)", venv if venv.exists() else shutil.which("oxigraph"))


class OxigraphServer:
    """``oxigraph load`` the files into a new store in ``workdir``, then serve it read-only
    on 127.0.0.1.

    The N-Quads fill the named graphs and the union dump (a triple format) the default
    graph. Not ``--union-default-graph``: in Oxigraph 0.5 that union is a bag, a triple
    stated in two graphs matches twice (oxigraph/oxigraph#1919, fixed after 0.5), while
    the SPARQL default graph, and the project's, is a set.
    """

    def __init__(self, workdir: Path, files: list[Path]) -> None:
        self.cmd = oxigraph_command()
        self.store = workdir / "store"
        self.log = workdir / "server.log"
        self.files = files
        self.proc: subprocess.Popen | None = None
        self.endpoint: Endpoint | None = None

    def start(self) -> Endpoint:
        for f in self.files:  # one file per call: each load is atomic
            run([self.cmd, "load", "--location", self.store, "--file", f], check=True)
        port = free_port()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(self.cmd), "serve-read-only", "--location", str(self.store),
                 "--bind", f"127.0.0.1:{port}", "--timeout-s", str(QUERY_TIMEOUT)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.endpoint = Endpoint(f"http://127.0.0.1:{port}/query")
        try:
            wait_until(self.endpoint.alive, f"oxigraph serve-read-only (log: {self.log})", proc=self.proc)
        except BaseException:
            self.stop()
            self.endpoint = None
            raise
        return self.endpoint

    def stop(self) -> None:
        stop_process(self.proc)


# --- Virtuoso --------------------------------------------------------------------------


#: the graph Virtuoso holds the union dump in (the default graph of every request)
VIRTUOSO_UNION_GRAPH = "urn:x-sco-kg-interop:union"


class Virtuoso:
    """A private Virtuoso in ``workdir`` (.ci/engines/virtuoso.sh): loopback, free ports, its
    own dba password; the N-Quads and the union dump bulk-loaded; queried over /sparql
    naming the dataset in each request.

    Virtuoso's default graph (no FROM) is every graph it holds, its system graphs
    included. Naming each of our graphs as a default graph (several FROM, or
    default-graph-uri) makes a bag, not an RDF merge: a triple stated in two graphs
    matches twice. So the union dump is loaded into its own graph, the request's only
    default graph, and our named graphs are the request's named graphs.
    """

    def __init__(self, workdir: Path, nquads: list[Path], graphs: list[str], union: Path) -> None:
        require("Virtuoso (virtuoso-opensource)", shutil.which("virtuoso-t"))
        require("isql-vt (virtuoso-opensource)", shutil.which("isql-vt"))
        self.script = require("virtuoso.sh", ENGINES / "virtuoso.sh")
        self.dir = workdir
        self.nquads = nquads
        self.union = union
        self.graphs = graphs
        self.endpoint: Endpoint | None = None
        self.load_output = ""

    def start(self) -> Endpoint:
        proc = run(["bash", self.script, "start", self.dir], timeout=START_TIMEOUT + 30)
        if proc.returncode != 0:
            self.stop()
            pytest.fail(f"virtuoso.sh start failed:\n{proc.stdout}\n{proc.stderr[-3000:]}", pytrace=False)
        url = proc.stdout.strip().splitlines()[-1]
        env = dict(os.environ, GRAPH=VIRTUOSO_UNION_GRAPH)  # the graph of triple formats
        load = run(["bash", self.script, "load", self.dir, *self.nquads, self.union], env=env)
        if load.returncode != 0:
            self.stop()
            pytest.fail(f"virtuoso.sh load failed:\n{load.stdout[-3000:]}\n{load.stderr[-3000:]}", pytrace=False)
        self.load_output = load.stdout
        self.endpoint = Endpoint(url, default_graphs=[VIRTUOSO_UNION_GRAPH], named_graphs=list(self.graphs))
        return self.endpoint

    def stop(self) -> None:
        run(["bash", self.script, "stop", self.dir], timeout=START_TIMEOUT + 30)
