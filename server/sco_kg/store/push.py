"""``sco-kg push``: load the build into another store over the SPARQL 1.1 Graph Store
HTTP Protocol, graph by graph, then check that the store holds what was sent.

Why a command of its own: people outgrow one machine and run the graph on Fuseki, Oxigraph
server or Virtuoso; ``sco-kg serve --backend`` then serves it from there. Each named
graph of the build is one ``PUT`` (replacing what the graph held: pushing twice leaves
one copy), then the distinct union goes into :data:`sco_kg.store.remote.UNION_GRAPH`, the
default graph of every query ``serve --backend`` sends (see :mod:`sco_kg.store.remote` for
why a graph of its own). ``kgg:proofs`` goes as its own graph only, never into the union,
as on the embedded store. Then a ``COUNT`` per graph over the store's SPARQL endpoint is
compared with the build's counts; any difference names the graph.

Graphs the store holds that the build does not (an article removed since the last push)
are left alone.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import ConfigError, DataError
from .http_client import Credentials
from .remote import BuildContent, Target, check_counts, ntriples


class CountMismatch(DataError):
    """The store does not hold what was pushed: one line per graph that differs."""

    def __init__(self, differences: list[str], url: str):
        self.differences = differences
        super().__init__(f"the store at {url} does not hold what was pushed:\n  " + "\n  ".join(differences))


@dataclass
class PushReport:
    graphs: dict[str, int] = field(default_factory=dict)  # graph -> triples sent
    seconds: dict[str, float] = field(default_factory=dict)  # graph -> seconds of its PUT
    union_triples: int = 0
    put_seconds: float = 0.0
    check_seconds: float = 0.0


def push(dumps_dir: Path, target: Target, *, progress=None) -> PushReport:
    """PUT every graph of the build in ``dumps_dir`` and the union, then check the counts.

    Raises :class:`sco_kg.store.http_client.RemoteError` when a request fails (naming the graph) and
    :class:`CountMismatch` when a count differs.
    """
    content = BuildContent.read(dumps_dir)
    if not content.graphs:
        raise ConfigError(f"{dumps_dir}/sco-kg.nq holds no named graph: nothing to push")
    report = PushReport()
    started = time.perf_counter()
    for graph, triples in [*content.graphs.items(), (target.union_graph, content.union)]:
        t0 = time.perf_counter()
        target.put_graph(graph, ntriples(triples))
        report.seconds[graph] = time.perf_counter() - t0
        if graph != target.union_graph:
            report.graphs[graph] = len(triples)
        if progress:
            progress(graph, len(triples), report.seconds[graph])
    report.union_triples = len(content.union)
    report.put_seconds = time.perf_counter() - started
    t0 = time.perf_counter()
    result = check_counts(target, content.counts(), len(content.union))
    report.check_seconds = time.perf_counter() - t0
    if result.differences:
        raise CountMismatch(result.differences, target.query_url)
    return report


def target_from_options(endpoint: str, graph_store: str | None, auth: str | None, token: str | None,
                        timeout: float, union_graph: str | None = None) -> Target:
    """A :class:`Target` from the command line (credentials also from SCO_KG_BACKEND_AUTH or
    SCO_KG_BACKEND_TOKEN, which keep secrets out of the process list)."""
    if auth is None and token is None:
        auth, token = os.environ.get("SCO_KG_BACKEND_AUTH"), os.environ.get("SCO_KG_BACKEND_TOKEN")
    credentials = Credentials.parse(auth, token)
    kwargs = {"union_graph": union_graph} if union_graph else {}
    return Target(endpoint, graph_store, credentials, timeout, **kwargs)
