"""The validation of strangers' RDF away from the server: a small pool of worker processes.

Why processes: validation is CPU-heavy and grows with the data (through this route on the
2-core dev machine, busy: 0.13 s for an empty body, 0.2 s for tests/shapes/valid/base.trig's
153 triples, 0.85 s for 2,000 synthetic triples, 2-3 s for 5,000), pySHACL
flips rdflib-wide settings while it works, and a hostile body could still find a slow path
in a parser. A worker process can be killed at the deadline, and its death harms nobody.

* Each worker is a fresh interpreter started by :func:`sco_kg.core.sandbox.spawn` (no fork
  of the threaded web process), with the limits of every child of the server: an empty
  network namespace when the OS allows it (as the query workers), an address-space cap
  (``validate_max_memory_mb``, counted from zero: a worker holds ~80 MiB once its code is
  loaded, measured), death with the server, a SIGKILL at the deadline. Before the cap,
  :func:`worker` loads the code of the jobs; then the worker serves one job at a time:
  parse the body with :func:`sco_kg.rdf.untrusted.parse_untrusted` under the request's
  limits, run the one pipeline over it as ``sco-kg validate FILE`` does
  (:func:`sco_kg.pipeline.check.check`, so HTTP and CLI give the same verdict), and
  serialise the report (:func:`.validate_job.run_job`). Past the cap the validation is
  refused (413), whether the worker caught the MemoryError or died of it (the sandbox
  tells a death of memory from a crash).
* At most two requests per worker are running or waiting (others get 503 at once), so
  validations never tie up more than a few of the server's request threads.
* The pool starts workers lazily (the first POST /validate pays the start-up: 0.7 s measured with its validation), takes
  an idle one for each request (503 if none frees up within the timeout), and kills a worker
  that overruns the deadline (503), dies (500) or hits its cap (413), starting a fresh one
  for the next request.
  A worker is replaced after ``MAX_JOBS`` jobs, so no cache or leak grows without bound.
* ``?with-kg=true``: the job names the files the served store is made of (the build's dump,
  the ingest log), which the worker's pipeline loads as the served data (their
  ``kgg:inferred`` left out: it reasons again over everything, as ``POST /data`` does).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

from ..core.sandbox import Child, ChildCrashed, ChildOutOfMemory, ChildTimeout, JobFailed, Limits, spawn
from . import validate_job
from .validate_job import Outcome

MAX_JOBS = 200
START_TIMEOUT = 120.0
WORKER = "sco_kg.web.validate_worker:worker"  # the factory the sandbox calls in each worker


class ValidationTimeout(Exception):
    pass


class ValidatorBusy(Exception):
    pass


class ValidatorCrashed(Exception):
    pass


class ValidatorOutOfMemory(ValidatorCrashed):
    """The validation needed more than the address-space cap (``validate_max_memory_mb``):
    refused by the worker (MemoryError) or its death (SIGABRT, the allocator's last words),
    as :mod:`sco_kg.core.sandbox` tells them apart."""


# --- the web side -----------------------------------------------------------------------


class ValidatorPool:
    """``workers`` validation processes, started on first use; :meth:`validate` runs one job."""

    def __init__(self, workers: int = 1, *, memory_mb: int = 2048, isolate_network: bool = True):
        self.size = max(1, int(workers))
        self.memory_mb = memory_mb
        self.isolate_network = isolate_network
        self._slots: queue.Queue[Child | None] = queue.Queue()
        for _ in range(self.size):
            self._slots.put(None)
        # requests in a worker or waiting for one: at most two per worker, so that validations
        # never hold more than a few of the server's request threads
        self._admitted = threading.BoundedSemaphore(2 * self.size)
        self._live: set[Child] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.started = 0

    def validate(self, job: dict, timeout: float) -> Outcome:
        """Run ``job`` (see :func:`.validate_job.run_job`) in a worker within ``timeout`` seconds."""
        if not self._admitted.acquire(blocking=False):
            raise ValidatorBusy(f"{2 * self.size} validations are running or waiting: try again later")
        try:
            return self._validate(job, timeout)
        finally:
            self._admitted.release()

    def _validate(self, job: dict, timeout: float) -> Outcome:
        try:
            worker = self._slots.get(timeout=max(0.0, timeout))
        except queue.Empty:
            raise ValidatorBusy(f"all {self.size} validation workers stayed busy for {timeout:g} s") from None
        try:
            if worker is None:
                worker = self._start()
            outcome = worker.call(job, timeout)
        except ChildTimeout:
            self._retire(worker)
            raise ValidationTimeout(f"the validation did not finish within {timeout:g} s and was stopped") from None
        except ChildOutOfMemory:
            self._retire(worker)
            raise ValidatorOutOfMemory(
                f"validating this input needs more memory than the limit of {self.memory_mb} MB") from None
        except ChildCrashed as exc:
            self._retire(worker)
            if worker is None:
                raise ValidatorCrashed(f"the validation worker did not start: {exc}") from None
            raise ValidatorCrashed("the validation worker died on this input (it was replaced)") from None
        except JobFailed as exc:
            self._keep(worker)
            raise ValidatorCrashed(f"the validation failed: {exc}") from None
        except BaseException:
            self._retire(worker)
            raise
        self._keep(worker)
        return outcome

    def _start(self) -> Child:
        limits = Limits(START_TIMEOUT, self.memory_mb, self.isolate_network)
        worker = spawn(WORKER, limits, start_timeout=START_TIMEOUT)
        with self._lock:
            self._live.add(worker)
            self.started += 1
        return worker

    def _keep(self, worker: Child) -> None:
        if worker.jobs >= MAX_JOBS:  # no cache or leak grows without bound
            self._retire(worker)
        else:
            self._slots.put(worker)

    def _retire(self, worker: Child | None) -> None:
        if worker is not None:
            worker.kill()
            with self._lock:
                self._live.discard(worker)
        self._slots.put(None)  # the next request starts a fresh worker

    def close(self) -> None:
        self._closed = True
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.kill()


# --- the worker side --------------------------------------------------------------------


def worker() -> Callable[[dict], Outcome]:  # pragma: no cover - runs in the worker process
    """Called by :mod:`sco_kg.core.sandbox` in each validation worker, before its memory cap:
    load all the code of the jobs (an import past the cap fails as a misleading SyntaxError,
    CPython's parser out of memory) and check the shapes; the job function."""
    # pySHACL and the engines: loaded here, in the worker, never in the web process
    import pyshacl  # noqa: F401

    from ..pipeline import fastshacl, validate  # noqa: F401
    from ..pipeline.sources import Sources  # the shapes, checked below
    from ..rdf import untrusted  # noqa: F401

    logging.getLogger("rdflib").setLevel(logging.ERROR)  # ill-typed literals: the report says so
    if Sources.default().shapes is None:
        raise RuntimeError("no shapes: ontology/shapes.ttl is missing")
    return validate_job.run_job
