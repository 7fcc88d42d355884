"""The backend mode of the query executor (``sco-kg serve --backend URL``): a client's
query, once :mod:`.limits` has inspected it, goes over HTTP to another store instead of
to a worker process; the answer comes back as the same :class:`.executor.Reply`.

The limits hold as with the embedded store:

* the query is parsed here first (on a big stack), by pyoxigraph (the embedded store's parser), so a
  syntax error is the same 400 with line and column, and engine extensions never reach
  the backend: Virtuoso's ``DEFINE`` pragmas (its Sponger fetches URLs) do not parse, and
  IRIs in the ``bif:``/``sql:`` schemes (Virtuoso's SQL built-ins) are refused;
* at most ``workers`` queries are sent at the same time (others wait; 503 when none is
  free within the timeout);
* the timeout covers the whole exchange: the socket times out and a watchdog shuts the
  connection down at the deadline while the answer is still streaming (503). The backend
  may go on computing: give it a time limit of its own (Oxigraph ``--timeout-s``,
  Virtuoso ``MaxQueryExecutionTime``);
* the answer is parsed as it streams and cut at the row cap (the rest is not read), then
  written in the negotiated format by the same serialisers (:func:`.executor.serialize_result`);
* the dataset is the build's, named in each request (:meth:`sco_kg.store.remote.RemoteStore.dataset`);
  a Graph Store read (``graph`` job) is the fixed CONSTRUCT of ``queries/graph.rq`` with the
  graph as the request's default graph (``default-graph-uri``, a graph of the build only):
  no IRI is ever written into the query text.
"""

from __future__ import annotations

import re
import threading
import time

from ..store.http_client import RemoteError, RemoteTimeout, error_detail
from ..store.remote import GRAPH_ACCEPT, RESULTS_ACCEPT, RemoteStore, parse_results, parse_triples, query_form
from . import queries
from .executor import BackendFailed, QueryError, QueryTimeout, Reply, WorkersBusy, serialize_result
from .limits import inspect_query

#: the Graph Store's read: every triple of the default graph the request names
GRAPH_QUERY = queries.load("graph")

#: IRIs naming Virtuoso's SQL built-in functions (after \\u escapes are read)
_ENGINE_SCHEMES = re.compile(r"<\s*(bif|sql)\s*:", re.IGNORECASE)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(query: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


_STACK_LOCK = threading.Lock()
PARSER_STACK = 256 << 20  # as the workers' (executor.py): pyoxigraph's parser recurses per bracket


def _on_a_big_stack(fn, *args):
    """``fn(*args)`` in a thread with a 256 MiB stack. The query is parsed in the web
    process here, not in a worker: on a request thread's default 8 MiB stack pyoxigraph's
    parser dies (SIGSEGV) near 4,000 nested brackets, which a raised max_depth would let
    through; measured: 6,000 crash there and parse on this stack."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    with _STACK_LOCK:  # threading.stack_size is process-wide: set it only around this start
        old = threading.stack_size(PARSER_STACK)
        try:
            thread = threading.Thread(target=run, name="sco-kg-parse", daemon=True)
            thread.start()
        finally:
            threading.stack_size(old)
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


class BackendExecutor:
    """Answers the executor's jobs (``query``, ``graph``) with another store's SPARQL endpoint."""

    isolated = False  # no worker processes: the backend is the only host ever contacted

    def __init__(self, store: RemoteStore, workers: int = 2):
        self.store = store
        self.size = max(1, int(workers))
        self.spawned = 0
        self._slots = threading.BoundedSemaphore(self.size)

    def query(self, job: dict, timeout: float) -> Reply:
        deadline = time.monotonic() + timeout
        if job["op"] == "graph":
            graph = job.get("graph")  # None: the default graph, the union
            job = {**job, "op": "query", "query": GRAPH_QUERY, "base_iri": None, "max_rows": 0,
                   "default_graph": None if graph is None else [graph], "named_graphs": None,
                   "results_format": "json"}
        if job["op"] != "query":
            raise QueryError(f"unknown job {job['op']!r}")
        query = job["query"]
        if _ENGINE_SCHEMES.search(_unescape(query)):
            raise QueryError("IRIs in the bif: and sql: schemes are not allowed: they name the "
                             "backend's built-in SQL functions")
        try:
            form = _on_a_big_stack(query_form, query, job.get("base_iri"))
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None
        except RuntimeError as exc:  # e.g. a custom function the embedded engine does not know
            raise QueryError(f"the query is not standard SPARQL 1.1: {exc}") from None
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise WorkersBusy(f"all {self.size} backend connections stayed busy for {timeout:g} s")
        try:
            return self._run(job, query, form, deadline, timeout)
        finally:
            self._slots.release()

    def _run(self, job: dict, query: str, form: str, deadline: float, timeout: float) -> Reply:
        store = self.store
        if job.get("default_graph") is None and job.get("named_graphs") is None and job.get("has_from"):
            # The query's FROM / FROM NAMED (graphs of the build: checked by limits), given as
            # the request's dataset too: a FROM without FROM NAMED has no named graphs, where
            # Virtuoso would otherwise let GRAPH ?g range over every graph it holds.
            info = inspect_query(query, base_iri=job.get("base_iri"), max_depth=1 << 30, max_operators=1 << 30)
            params = store.dataset(info.from_graphs, info.from_named)
        else:
            params = store.dataset(job.get("default_graph"), job.get("named_graphs"))
        if job.get("base_iri"):
            query = f"BASE <{job['base_iri']}>\n{query}"
        graph = form == "graph"
        try:
            call = store.target.open_query(query, params, GRAPH_ACCEPT if graph else RESULTS_ACCEPT, deadline)
        except RemoteTimeout:
            raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped") from None
        except RemoteError as exc:
            raise BackendFailed(f"the backend store failed: {exc}") from None
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), call.abort)
        timer.start()
        try:
            response = call.response
            media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if response.status != 200:
                detail = error_detail(response.status, response.headers, response.read(65536))
                raise BackendFailed(f"the backend store answered HTTP {response.status}: {detail}")
            result = parse_triples(response, media_type) if graph else parse_results(response, media_type)
            reply = serialize_result(result, job)
        except (OSError, SyntaxError, ValueError) as exc:
            if call.aborted:
                raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped") from None
            raise BackendFailed(f"the backend store's answer could not be read: {exc}") from None
        except RemoteError as exc:
            raise BackendFailed(f"the backend store failed: {exc}") from None
        finally:
            timer.cancel()
            call.close()
        if call.aborted:
            raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")
        return Reply(*reply)

    def close(self) -> None:
        pass
