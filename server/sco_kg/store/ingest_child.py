"""The ingest's child process (``python -m sco_kg.store.ingest_child``): one job read as
JSON on stdin, run confined (no network, a capped address space, killed with the server),
its result written as JSON on stdout. :func:`run_child` runs it from the web process.
The work itself is :func:`sco_kg.store.ingest_job.prepare`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..core.sandbox import die_with_parent, isolate_network, limit_memory


class ChildFailed(Exception):
    """The child did not answer: ``status`` 503 (stopped at the time limit) or 500, and why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def run_child(job: dict, timeout: float) -> dict:
    """Run :func:`sco_kg.store.ingest_job.prepare` in a fresh, confined interpreter; its result dict."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
    try:
        proc = subprocess.run([sys.executable, "-m", "sco_kg.store.ingest_child"], input=json.dumps(job).encode(),
                              capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise ChildFailed(503, f"the ingest did not finish within {timeout:g} s and was stopped") from None
    try:
        return json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise ChildFailed(500, f"the ingest process failed (exit {proc.returncode}): {tail[0][:300]}") from None



def _confine(max_memory_mb: int) -> None:
    """No network (an empty namespace, when the OS allows it, as the query workers), and a
    cap on the address space: a hostile body costs this child, never the server."""
    isolate_network()
    limit_memory(max_memory_mb)


def _preload() -> None:
    """Import the code of the job before the memory cap: the cap bounds the work on
    the data, and an import past it fails as a misleading SyntaxError (CPython's parser
    out of memory), not as a MemoryError."""
    from . import ingest_job  # noqa: F401  (all the code of the job, loaded before the cap)


def main() -> None:
    job = json.loads(sys.stdin.buffer.read())
    die_with_parent(job["parent"])
    _preload()
    _confine(int(job.get("max_memory_mb") or 0))
    try:
        result = ingest_job.prepare(job)
    except MemoryError:
        result = {"status": 413, "message": f"the ingest needed more than {job.get('max_memory_mb')} MiB of memory"}
    except Exception as exc:  # reported to the web process as a 500, its text kept short
        result = {"status": 500, "message": f"{type(exc).__name__}: {str(exc)[:300]}"}
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
