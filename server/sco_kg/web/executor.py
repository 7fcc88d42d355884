"""Run queries where a timeout can stop them: a pool of worker processes.

Why processes: pyoxigraph 0.5.13's ``Store.query`` cannot be interrupted (no timeout, no
cancel); it releases the GIL, so a thread would not block the server, but a runaway query
in a thread would burn a core until it ends, and a stack overflow in the engine would take
the whole server down. A process can be killed, and its death harms nobody else.

Design (the processes are :mod:`sco_kg.core.sandbox`'s, under the limits of every child
of the server; this module is the pool and the jobs):

* The web process loads the store, then starts a **zygote** (:class:`sco_kg.core.zygote.Zygote`):
  a single-threaded process forked from it, which holds the in-memory store (copy-on-write)
  or, for an on-disk store, only its path. The zygote never queries; it only forks
  workers on request. Forking from it, not from the web process, keeps forks away from the
  web server's threads and locks.
* Each **worker** talks to the web process over its own socketpair. It opens the on-disk
  store read-only or uses the inherited memory store (:func:`_worker_job`), is confined
  (no network, the memory cap below, death with the zygote, which dies with the server),
  and serves one job at a time: parse, evaluate, serialise (so the serialisation is under
  the timeout and the cap too), reply with the bytes. Its loop runs in a thread with a
  256 MiB stack, far from the engine's recursion limits.
* A request takes an idle worker (waiting at most the timeout), sends the job, and waits
  for the reply until the deadline. On timeout the worker is SIGKILLed (its CPU is freed
  at once), a fresh one forked, and the client gets 503; other requests are served by the
  other workers meanwhile. If a worker dies (a crash in the engine: 500) or runs out of
  its memory (413, :class:`QueryOutOfMemory`), the same.
* **Memory**: ``query_max_memory_mb`` is the room a query has *above* what its worker
  holds when it starts, not the worker's whole address space: RLIMIT_AS counts every page
  the worker maps, and a forked worker maps all of the web process (the interpreter, the
  libraries, the store it shares copy-on-write, the other threads' stacks) plus its own
  256 MiB stack. Measured (address space of the web process / of a worker at start):
  140 / 409 MiB for a store of a few triples, 216 / 487 MiB for 100,000 synthetic triples,
  850 / 1,120 MiB for 1,000,000; an absolute cap of 2 GiB would leave a query 1.6 GiB on a
  small store and 0.9 GiB on a large one, and one under ~0.5 GiB could not start a
  worker at all. So the worker measures its address space once it is ready and caps it
  at that plus the setting. Without a cap, a 306-byte query of nested REPLACEs over the
  article's text drove the server to 14.5 GiB before its timeout. Measured with the cap: four
  nested ``REPLACE(?t, ".", "<100 dots>")`` over the article (hundreds of GB asked for) are
  stopped after ~5 s at the default 2 GiB (peak RSS of the worker 1.5 GiB), after 0.6 s at
  256 MiB; twelve nested ``"....."`` grow slower and meet the 30 s timeout first, at 1.1 GiB.
* After an ingest (:mod:`sco_kg.store.ingest`) the served on-disk store is a new folder:
  :meth:`Executor.repoint` tells the zygote the new path; idle workers are replaced at
  once and busy ones when their query ends, so no worker reads a folder being written
  (pyoxigraph's read-only opening is undefined while another process writes).
* Workers run, when the OS allows it (root, or unprivileged user namespaces), in a new,
  empty network namespace (the zygote's): even a query that slipped past the inspection
  of :mod:`.limits` could not reach any host. Best effort, reported by
  :attr:`Executor.isolated`.

Overhead measured on the 2-core dev machine (tests/web/test_protocol_limits.py and
test_protocol_live.py print it): a small SELECT costs ~37 us in-process and ~85 us through
a worker, so ~50 us of overhead at p50 (pickle + two socket hops), far under the 1 ms
budget; the whole HTTP round trip through waitress and Flask is ~0.55 ms at p50.
Alternatives weighed: a thread per query (cannot be stopped; a crash kills the server);
multiprocessing.Pool (no way to kill one task's worker and keep the pool, and pickling
through its queues is slower); forking per query (~5-10 ms per fork of a process that
holds the store, over budget).
"""

from __future__ import annotations

import functools
import os
import queue
import time
from dataclasses import dataclass

import pyoxigraph as ox

from ..core.sandbox import Child, ChildCrashed, ChildError, ChildOutOfMemory, ChildTimeout, JobFailed, Limits
from ..core.zygote import Zygote
from . import conneg
from .limits import DEFAULTS

STACK_MB = 256  # the workers' thread stack: pyoxigraph's parser and evaluator recurse per bracket


class QueryTimeout(Exception):
    pass


class WorkersBusy(Exception):
    pass


class WorkerCrashed(Exception):
    pass


class QueryOutOfMemory(WorkerCrashed):
    """The query needed more memory than ``query_max_memory_mb`` (its worker was replaced).

    Meant as 413 with ``reason: "memory"``, as POST /validate and POST /data answer when
    their child runs out of its cap: the same query fails the same way however often it is
    sent (the cap is per worker, not shared with other clients), so a 4xx that tells the
    client to change it, not a 503 inviting a retry (a 503 with Retry-After is what a
    timeout gets: that one may pass on a quieter server). A subclass of WorkerCrashed, so
    that a route that does not know it still answers as for a dead worker.
    """


class EngineError(Exception):
    """The engine raised something other than a syntax error while running the query (500)."""


class BackendFailed(EngineError):
    """``serve --backend``: the store that answers queries failed or could not be reached (502)."""


class QueryError(Exception):
    """The engine rejected the query (syntax, undefined prefix...): a 400."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Reply:
    kind: str  # "results", "boolean", "graph"
    body: bytes
    format_key: str
    truncated: bool = False
    count: int = 0


# --- the worker side --------------------------------------------------------------------


def _term(value):
    return ox.DefaultGraph() if value is None else ox.NamedNode(value)


def run_job(store: ox.Store, job: dict) -> tuple:
    """Evaluate one job against ``store``; return a picklable reply tuple."""
    op = job["op"]
    if op == "query":
        kwargs: dict = {"base_iri": job.get("base_iri")}
        if job.get("default_graph") is not None or job.get("named_graphs") is not None:
            kwargs["default_graph"] = [_term(g) for g in (job.get("default_graph") or [])]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in (job.get("named_graphs") or [])]
        # Otherwise the store's default graph, which holds the union (store.materialise_union).
        try:
            result = store.query(job["query"], **kwargs)
        except SyntaxError as exc:
            return ("error", str(exc))
        return serialize_result(result, job)
    if op == "graph":  # Graph Store Protocol: a whole graph, or the union (default)
        fmt = job["graph_format"]
        graph = ox.DefaultGraph() if job.get("graph") is None else ox.NamedNode(job["graph"])
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in store.quads_for_pattern(None, None, None, graph)]
        return ("graph", conneg.serialize_graph(conneg.BY_KEY[fmt], triples), fmt, False, len(triples))
    if op == "ping":
        return ("pong", os.getpid())
    if op == "sleep":  # tests only: a job that outlives any timeout without using the engine
        time.sleep(job["seconds"])
        return ("pong", os.getpid())
    return ("error", f"unknown job {op!r}")


def serialize_result(result, job: dict) -> tuple:
    """A query's result (QueryBoolean, QuerySolutions, or an iterable of Triples) in the
    job's format, cut at its row cap: the reply tuple. Shared with the backend mode
    (:mod:`.backend`), whose results come parsed from another store."""
    max_rows = job.get("max_rows") or 0
    if isinstance(result, ox.QueryBoolean):
        fmt = job["results_format"]
        return ("boolean", conneg.BOOLEAN_SERIALIZERS[fmt](bool(result)), fmt, False, 1)
    if isinstance(result, ox.QuerySolutions):
        fmt = job["results_format"]
        variables = [v.value for v in result.variables]
        rows, truncated = [], False
        for solution in result:
            if max_rows and len(rows) >= max_rows:
                truncated = True
                break
            rows.append([solution[i] for i in range(len(variables))])
        body = conneg.RESULT_SERIALIZERS[fmt](variables, rows, truncated, max_rows)
        return ("results", body, fmt, truncated, len(rows))
    triples, truncated = [], False
    for triple in result:
        if max_rows and len(triples) >= max_rows:
            truncated = True
            break
        triples.append(triple)
    fmt = job["graph_format"]
    body = conneg.serialize_graph(conneg.BY_KEY[fmt], triples, truncated, max_rows)
    return ("graph", body, fmt, truncated, len(triples))


def _worker_job(state):
    """In a worker, before its memory cap: the job function over the store it serves (the
    in-memory store inherited from the zygote, or the on-disk store at ``state`` opened
    read-only)."""
    store = state if isinstance(state, ox.Store) else ox.Store.read_only(state)
    return functools.partial(run_job, store)


# --- the web side -----------------------------------------------------------------------


@dataclass
class _Worker:
    child: Child
    generation: int = 0  # the store it opened (see Executor.repoint)

    @property
    def pid(self) -> int:
        return self.child.pid


class Executor:
    """A pool of query workers. ``store`` (in memory) or ``path`` (on disk, opened read-only).

    ``memory_mb``: the memory a query may take in its worker, above what the worker holds
    when it starts (see the module's docstring; 0: no cap).
    """

    def __init__(self, store: ox.Store | None = None, path: str | None = None, workers: int = 2,
                 isolate_network: bool = True, memory_mb: int = 0):
        if (store is None) == (path is None):
            raise ValueError("give a memory store or the path of an on-disk store")
        self.size = max(1, int(workers))
        self.memory_mb = memory_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._path = path
        self.spawned = 0
        self._generation = 0
        self._all: dict[int, _Worker] = {}
        # seconds: each run() gives its own deadline (the request's timeout)
        limits = Limits(DEFAULTS["timeout"], memory_mb, isolate_network, memory_above_start=True)
        self._zygote = Zygote(_worker_job, store if store is not None else path, limits, stack_mb=STACK_MB)
        self.isolated = self._zygote.isolated
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        # read before the fork, bumped after the zygote has the new path (repoint): a worker
        # is never tagged newer than the store it opened (at worst older: then replaced)
        generation = self._generation
        worker = _Worker(self._zygote.spawn(), generation)
        self.spawned += 1
        self._all[worker.pid] = worker
        return worker

    def _discard(self, worker: _Worker) -> None:
        self._all.pop(worker.pid, None)
        worker.child.kill()
        if not self._closed:
            try:
                self._idle.put(self._spawn())
            except (OSError, ChildError):
                pass

    def _release(self, worker: _Worker) -> None:
        if worker.generation == self._generation:
            self._idle.put(worker)
        else:
            self._discard(worker)

    def repoint(self, path: str) -> None:
        """Serve the on-disk store at ``path`` from now on (a new generation after an ingest).

        The zygote forks the next workers on ``path``; idle workers are replaced now, busy
        ones when their query ends: a query never sees a store it was not given.
        """
        if self._path is None:
            raise ValueError("only an executor over an on-disk store can be repointed")
        self._zygote.set_state(path)
        self._generation += 1
        self._path = path
        stale = []
        while True:
            try:
                stale.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in stale:
            self._discard(worker)

    def _take(self, timeout: float) -> _Worker:
        deadline = time.monotonic() + timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise WorkersBusy(f"all {self.size} query workers stayed busy for {timeout:g} s") from None
            if worker.generation == self._generation:
                return worker
            self._discard(worker)  # opened a store that is no longer served: replaced

    def run(self, job: dict, timeout: float):
        """Send ``job`` to an idle worker; its reply tuple. QueryTimeout, WorkersBusy,
        QueryOutOfMemory, WorkerCrashed: the worker was replaced; EngineError: the engine
        raised (the worker serves on)."""
        deadline = time.monotonic() + timeout
        worker = self._take(timeout)
        try:
            reply = worker.child.call(job, max(0.001, deadline - time.monotonic()))
        except ChildTimeout:
            self._discard(worker)
            raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped") from None
        except ChildOutOfMemory:
            self._discard(worker)
            raise QueryOutOfMemory(f"the query needed more than the {self.memory_mb} MiB of memory a query may "
                                   "use, and was stopped") from None
        except ChildCrashed:
            self._discard(worker)
            raise WorkerCrashed("the query engine crashed on this query (its worker was replaced)") from None
        except JobFailed as exc:
            self._release(worker)
            raise EngineError(f"the query engine failed: {exc}") from None
        except BaseException:
            self._discard(worker)
            raise
        self._release(worker)
        return reply

    def query(self, job: dict, timeout: float) -> Reply:
        reply = self.run(job, timeout)
        if reply[0] == "error":
            raise QueryError(reply[1])
        return Reply(*reply)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._all.clear()
        self._zygote.close()
