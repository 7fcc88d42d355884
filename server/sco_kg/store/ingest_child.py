"""The ingest's child process: one job (:func:`sco_kg.store.ingest_job.prepare`) run in a
fresh interpreter started by :func:`sco_kg.core.sandbox.spawn`, with the limits of every
child of the server: no network, an address-space cap (counted from zero), killed with the
server and at the deadline. :func:`run_child` runs it from the web process.

One child per ingest, not a persistent one: ingests are few and serialised (a lock), the
start-up (0.4 s measured, the imports) is small beside the check and the store (1-3 s),
and each ingest's memory goes away with its process.
"""

from __future__ import annotations

import time
from typing import Callable

from ..core.sandbox import ChildCrashed, ChildOutOfMemory, ChildTimeout, JobFailed, Limits, spawn
from . import ingest_job

WORKER = "sco_kg.store.ingest_child:worker"  # the factory the sandbox calls in the child


class ChildFailed(Exception):
    """The child did not answer: ``status`` 503 (stopped at the time limit), 413 (past its
    memory cap) or 500, and why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def run_child(job: dict, timeout: float) -> dict:
    """Run :func:`sco_kg.store.ingest_job.prepare` in a fresh, confined interpreter within
    ``timeout`` seconds (its start-up included); its result dict. ``job["max_memory_mb"]``:
    the child's address space (MiB; 0 or absent: no cap)."""
    memory_mb = int(job.get("max_memory_mb") or 0)
    deadline = time.monotonic() + timeout
    try:
        with spawn(WORKER, Limits(timeout, memory_mb), start_timeout=timeout) as child:
            return child.call(job, deadline - time.monotonic())
    except ChildTimeout:
        raise ChildFailed(503, f"the ingest did not finish within {timeout:g} s and was stopped") from None
    except ChildOutOfMemory:
        raise ChildFailed(413, f"the ingest needed more than {memory_mb} MiB of memory") from None
    except ChildCrashed as exc:
        raise ChildFailed(500, f"the ingest process failed: {exc}") from None
    except JobFailed as exc:  # prepare raised: reported as a 500, its text kept short
        raise ChildFailed(500, str(exc)[:300]) from None


def worker() -> Callable[[dict], dict]:  # pragma: no cover - runs in the child
    """Called by :mod:`sco_kg.core.sandbox` in the child, before its memory cap: load the
    code the job imports (an import past the cap fails as a misleading SyntaxError, CPython's
    parser out of memory, not as a MemoryError); the job function."""
    # what prepare() imports when it runs, loaded here in the child, never in the web process
    import rdflib  # noqa: F401

    from ..pipeline import report_formats, sources, validate  # noqa: F401
    from ..rdf import untrusted  # noqa: F401
    from . import change_job, disk  # noqa: F401

    return _dispatch


def _dispatch(job: dict) -> dict:  # pragma: no cover - runs in the child
    """The job of the writer's door: an ingest, or a change (update, Graph Store write)."""
    from . import change_job  # loaded by worker() before the memory cap

    return change_job.prepare(job) if job.get("door") == "change" else ingest_job.prepare(job)
