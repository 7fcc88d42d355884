"""``sco-kg push``: make another store hold the build, over the SPARQL 1.1 Graph Store HTTP
Protocol, graph by graph, then check that it holds what was sent and nothing it should not.

Why a command of its own: people outgrow one machine and run the graph on Fuseki, Oxigraph
server or Virtuoso; ``sco-kg serve --backend`` then serves it from there.

* **The plan first** (:func:`plan_push`, read-only): the build's graphs, each one ``PUT``
  (replacing what the graph held: pushing twice leaves one copy); the distinct union into
  :data:`sco_kg.store.remote.UNION_GRAPH`, the default graph of every query ``serve
  --backend`` sends (see :mod:`sco_kg.store.remote` for why a graph of its own); and the
  graphs to ``DROP``. ``kgg:proofs`` goes as its own graph only, never into the union, as
  on the embedded store. ``--dry-run`` stops here.
* **Which graphs are dropped: only those an earlier push recorded.** Every push records the
  graphs it wrote (each build graph and the union graph) in one small graph of the store,
  :data:`PUSHED_GRAPH`, in the terms of SPARQL 1.1 Service Description
  (``<urn:x-sco-kg:pushed> sd:namedGraph [ sd:name <g> ]``). A graph recorded there that the
  build no longer has (an article removed, another ``--union-graph``) is dropped with a
  Graph Store ``DELETE`` (a 404 means already gone). Nothing else is ever dropped: a store
  is often shared (Virtuoso keeps its own system graphs, ``virtrdf#``, ``ldp#``, DAV; a
  Fuseki dataset may hold a team's other graphs), and a graph that no push recorded was put
  there by someone else, even one under ``https://w3id.org/sco-kg/`` (a hand load, or a
  push of a version before this record): those are listed in the plan and left alone.
* **The order keeps the record safe to trust after a failure.** The record is first
  rewritten as everything recorded before plus everything about to be written, then the
  graphs are PUT, the stale ones dropped, and only then is the record cut down to this
  build's graphs. A push that stops half-way (a store down, a ``kill``) leaves every graph
  it may have written recorded, so the next push still finds and drops what is stale.
* **Then the check**: a ``COUNT`` per graph over the store's SPARQL endpoint is compared with
  the build's counts, and every dropped graph must count 0; any difference names the graph.

One store (one Fuseki dataset, one Virtuoso) holds one build: a second project pushing
into the same store would drop the first one's graphs.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import ConfigError, DataError
from ..rdf.namespaces import BASE
from .http_client import Credentials, RemoteError
from .remote import BuildContent, Target, check_counts, ntriples, parse_results

#: the graph of the store where push records the graphs it wrote
PUSHED_GRAPH = "urn:x-sco-kg:pushed"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
#: the graphs the record names
RECORD_QUERY = (f"SELECT ?g WHERE {{ GRAPH <{PUSHED_GRAPH}> {{ <{PUSHED_GRAPH}> <{SD}namedGraph> ?n . "
                f"?n <{SD}name> ?g }} }}")
RECORD_COMMENT = ("The graphs sco-kg push wrote into this store. A later push drops those its build no longer "
                  "has, and never a graph not named here.")


class CountMismatch(DataError):
    """The store does not hold what was pushed: one line per graph that differs."""

    def __init__(self, differences: list[str], url: str):
        self.differences = differences
        super().__init__(f"the store at {url} does not hold what was pushed:\n  " + "\n  ".join(differences))


# --- the plan -------------------------------------------------------------------------------


@dataclass
class PushPlan:
    """What a push will do to the store, found without changing it."""

    content: BuildContent
    union_graph: str
    recorded: set[str]  # the graphs the store's record names (earlier pushes)
    held: set[str]  # the named graphs the store holds (at least one triple each)
    plan_seconds: float = 0.0

    @property
    def puts(self) -> dict[str, int]:
        """Graph -> triples, the union graph last."""
        return {**self.content.counts(), self.union_graph: len(self.content.union)}

    @property
    def drops(self) -> list[str]:
        """Recorded by an earlier push, not written by this one."""
        return sorted(self.recorded - set(self.puts) - {PUSHED_GRAPH})

    @property
    def left_alone(self) -> list[str]:
        """The store's other graphs: never written by a push as far as the record says."""
        return sorted(self.held - set(self.puts) - self.recorded - {PUSHED_GRAPH})

    @property
    def unrecorded_own(self) -> list[str]:
        """Graphs left alone that look like the project's (its namespace): likely from a hand
        load or a push older than the record; the user drops them if they are stale."""
        return [g for g in self.left_alone if g.startswith(BASE)]


def plan_push(dumps_dir: Path, target: Target) -> PushPlan:
    """Read the build and ask the store what it holds and what earlier pushes recorded.

    Raises ConfigError for an empty build or one whose graph names collide with the union
    graph or the record, and RemoteError when the store cannot be asked.
    """
    started = time.perf_counter()
    content = BuildContent.read(dumps_dir)
    if not content.graphs:
        raise ConfigError(f"{dumps_dir}/sco-kg.nq holds no named graph: nothing to push")
    for reserved in (target.union_graph, PUSHED_GRAPH):
        if reserved in content.graphs:
            raise ConfigError(f"the build has a graph named <{reserved}>, the graph push keeps for "
                              f"{'the union' if reserved == target.union_graph else 'its record'}")
    if target.union_graph == PUSHED_GRAPH:
        raise ConfigError(f"--union-graph: <{PUSHED_GRAPH}> is the graph push keeps for its record")
    try:
        held = target.graph_names()
        recorded = read_record(target)
    except RemoteError as exc:
        raise RemoteError(f"cannot list the graphs of the store at {target.query_url}: {exc}", exc.status) from None
    return PushPlan(content, target.union_graph, recorded, held, time.perf_counter() - started)


# --- the record of pushed graphs ----------------------------------------------------------------


def read_record(target: Target) -> set[str]:
    """The graphs :data:`PUSHED_GRAPH` names (empty: no push recorded any)."""
    resp = target.query(RECORD_QUERY, [])
    return {row["g"].value for row in parse_results(resp.body, resp.media_type) if isinstance(row["g"], ox.NamedNode)}


def record_triples(graphs) -> list:
    """``<urn:x-sco-kg:pushed> a sd:Dataset; sd:namedGraph [ a sd:NamedGraph; sd:name <g> ]``."""
    me, has, name, a = (ox.NamedNode(i) for i in (PUSHED_GRAPH, SD + "namedGraph", SD + "name", RDF_TYPE))
    triples = [ox.Triple(me, a, ox.NamedNode(SD + "Dataset")),
               ox.Triple(me, ox.NamedNode(RDFS_COMMENT), ox.Literal(RECORD_COMMENT, language="en"))]
    for i, graph in enumerate(sorted(graphs)):
        node = ox.BlankNode(f"g{i}")
        triples += [ox.Triple(me, has, node), ox.Triple(node, a, ox.NamedNode(SD + "NamedGraph")),
                    ox.Triple(node, name, ox.NamedNode(graph))]
    return triples


def write_record(target: Target, graphs) -> None:
    try:
        target.put_graph(PUSHED_GRAPH, ntriples(record_triples(graphs)))
    except RemoteError as exc:
        raise RemoteError(f"recording the pushed graphs in <{PUSHED_GRAPH}> failed: {exc}", exc.status) from None


# --- the push ---------------------------------------------------------------------------------------


@dataclass
class PushReport:
    graphs: dict[str, int] = field(default_factory=dict)  # graph -> triples sent
    seconds: dict[str, float] = field(default_factory=dict)  # graph -> seconds of its PUT or DELETE
    dropped: list[str] = field(default_factory=list)  # graphs deleted (or found already gone)
    union_triples: int = 0
    plan_seconds: float = 0.0
    put_seconds: float = 0.0
    drop_seconds: float = 0.0
    check_seconds: float = 0.0


def push(plan: PushPlan, target: Target, *, progress=None) -> PushReport:
    """Carry out ``plan``: record, PUT every graph and the union, DROP the stale graphs, record
    again, then check the counts (a dropped graph must count 0).

    ``progress(action, graph, triples, seconds)`` is called after each request ("PUT" or
    "DROP"; triples is None for a drop). Raises RemoteError when a request fails (naming the
    graph) and :class:`CountMismatch` when a count differs.
    """
    puts, drops = plan.puts, plan.drops
    report = PushReport(union_triples=len(plan.content.union), plan_seconds=plan.plan_seconds)
    started = time.perf_counter()
    write_record(target, plan.recorded | set(puts))
    bodies = {**plan.content.graphs, plan.union_graph: plan.content.union}
    for graph, n in puts.items():
        t0 = time.perf_counter()
        target.put_graph(graph, ntriples(bodies[graph]))
        report.seconds[graph] = time.perf_counter() - t0
        if graph != plan.union_graph:
            report.graphs[graph] = n
        if progress:
            progress("PUT", graph, n, report.seconds[graph])
    report.put_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for graph in drops:
        t0 = time.perf_counter()
        target.delete_graph(graph)
        report.seconds[graph] = time.perf_counter() - t0
        report.dropped.append(graph)
        if progress:
            progress("DROP", graph, None, report.seconds[graph])
    write_record(target, puts)
    report.drop_seconds = time.perf_counter() - started
    t0 = time.perf_counter()
    differences = check_counts(target, plan.content.counts(), len(plan.content.union)).differences
    differences += check_dropped(target, drops)
    report.check_seconds = time.perf_counter() - t0
    if differences:
        raise CountMismatch(differences, target.query_url)
    return report


def check_dropped(target: Target, graphs) -> list[str]:
    """A line for each dropped graph that still holds triples."""
    out = []
    for graph in graphs:
        try:
            n = target.count_graph(graph)
        except RemoteError as exc:
            raise RemoteError(f"counting the triples of dropped graph <{graph}> failed: {exc}", exc.status) from None
        if n:
            out.append(f"graph <{graph}>: {n} triples in the store, dropped by this push")
    return out


def target_from_options(endpoint: str, graph_store: str | None, auth: str | None, token: str | None,
                        timeout: float, union_graph: str | None = None) -> Target:
    """A :class:`Target` from the command line (credentials also from SCO_KG_BACKEND_AUTH or
    SCO_KG_BACKEND_TOKEN, which keep secrets out of the process list)."""
    if auth is None and token is None:
        auth, token = os.environ.get("SCO_KG_BACKEND_AUTH"), os.environ.get("SCO_KG_BACKEND_TOKEN")
    credentials = Credentials.parse(auth, token)
    kwargs = {}
    if union_graph:
        try:
            ox.NamedNode(union_graph)
        except ValueError as exc:
            raise ConfigError(f"--union-graph: {union_graph!r} is not an absolute IRI ({exc})") from None
        kwargs["union_graph"] = union_graph
    return Target(endpoint, graph_store, credentials, timeout, **kwargs)
