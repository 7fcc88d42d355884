"""Writable stores for the push / serve --backend tests: an Oxigraph server in read-write
mode (``oxigraph serve``, Graph Store at /store) and a private Virtuoso with no data loaded
(Graph Store at /sparql-graph-crud-auth, HTTP Digest as dba). Both start on loopback and
free ports, in a temporary directory; a missing engine fails the tests (never a skip).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from interop_engines import (
    ENGINES,
    START_TIMEOUT,
    Endpoint,
    free_port,
    oxigraph_command,
    require,
    run,
    stop_process,
    wait_until,
)

#: the Oxigraph server's own query time limit: the timeout test leaves a query running there
BACKEND_QUERY_TIMEOUT = 10


@dataclass
class Writable:
    """A running store: its SPARQL query URL, Graph Store URL and credentials (``user:password``)."""

    name: str
    query_url: str
    graph_store_url: str
    auth: str | None = None


class WritableOxigraph:
    """``oxigraph serve`` (read-write) on a new on-disk store; its queries stop at BACKEND_QUERY_TIMEOUT."""

    def __init__(self, workdir: Path):
        self.cmd = oxigraph_command()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> Writable:
        port = free_port()
        log = open(self.workdir / "server.log", "wb")
        self.proc = subprocess.Popen(
            [str(self.cmd), "serve", "--location", str(self.workdir / "store"), "--bind", f"127.0.0.1:{port}",
             "--timeout-s", str(BACKEND_QUERY_TIMEOUT)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until(Endpoint(base + "/query").alive, f"oxigraph serve (log: {self.workdir / 'server.log'})",
                       proc=self.proc)
        except BaseException:
            self.stop()
            raise
        return Writable("oxigraph", base + "/query", base + "/store")

    def stop(self) -> None:
        stop_process(self.proc)


class EmptyVirtuoso:
    """A private Virtuoso (.ci/engines/virtuoso.sh start), nothing loaded; dba's password
    from the virtuoso.env the script writes."""

    def __init__(self, workdir: Path):
        require("Virtuoso (virtuoso-opensource)", shutil.which("virtuoso-t"))
        self.script = require("virtuoso.sh", ENGINES / "virtuoso.sh")
        self.dir = workdir

    def start(self) -> Writable:
        proc = run(["bash", self.script, "start", self.dir], timeout=START_TIMEOUT + 30)
        if proc.returncode != 0:
            self.stop()
            pytest.fail(f"virtuoso.sh start failed:\n{proc.stdout}\n{proc.stderr[-3000:]}", pytrace=False)
        env = dict(line.split("=", 1) for line in (self.dir / "virtuoso.env").read_text().split() if "=" in line)
        base = f"http://127.0.0.1:{env['HTTP_PORT']}"
        return Writable("virtuoso", base + "/sparql", base + "/sparql-graph-crud-auth", f"dba:{env['PASSWORD']}")

    def stop(self) -> None:
        run(["bash", self.script, "stop", self.dir], timeout=START_TIMEOUT + 30)


ENGINE_CLASSES = {"oxigraph": WritableOxigraph, "virtuoso": EmptyVirtuoso}
