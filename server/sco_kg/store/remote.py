"""Another triple store over HTTP: the Graph Store Protocol to fill it, SPARQL to read it.

Why: people load the graph into a store that scales beyond one machine (Fuseki, Oxigraph
server, Virtuoso) and still want this project's endpoint, pages and limits in front of it.
:mod:`sco_kg.store.push` fills such a store and keeps it equal to the build (it drops the
graphs an earlier push wrote that the build no longer has); ``sco-kg serve --backend``
reads it through :class:`RemoteStore`, which answers the few calls the web app makes of a
pyoxigraph store (``query``, ``quads_for_pattern``, ``named_graphs``) with pyoxigraph
objects.

* **The union default graph.** The endpoint's default graph is the union of the graphs, as
  a set (PROFILE.md). Naming every graph as a default graph (``default-graph-uri`` or FROM
  per graph) makes a bag on Oxigraph 0.5 and on Virtuoso 7.2 (a triple held by two graphs
  matches twice: oxigraph#1919), and Virtuoso's Graph Store has no default graph to PUT
  into ("the endpoint is not configured to have default graph"). So :func:`sco_kg.store.push.push`
  PUTs the distinct union into one more graph, :data:`UNION_GRAPH`, and every query names
  it as the only default graph and the build's graphs as the named graphs: the same
  dataset on every engine, whatever else the store holds (Virtuoso's system graphs).
* **Closed.** Requests go only to the URLs configured, credentials only where asked, each
  with a deadline (:mod:`sco_kg.store.http_client`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from ..core.errors import ConfigError, InputError
from ..rdf import formats
from ..rdf.namespaces import PROOFS_GRAPH
from .http_client import Call, Credentials, HttpClient, RemoteError, Response, check_url, error_detail

#: the graph the distinct union of the build is PUT into, and every query's default graph
UNION_GRAPH = "urn:x-sco-kg:union"
#: a graph never written: stands for "no graph" where a request must name one
EMPTY_GRAPH = "urn:x-sco-kg:empty"
#: the named graphs a store holds: first ``GRAPH ?g {}`` (Oxigraph and Jena answer it from
#: their list of graphs, empty ones too: 0.04 s on Oxigraph holding the build, where the
#: second form scans every quad, 0.22 s), then, if a row has ``?g`` unbound (Virtuoso 7.2's
#: answer) or there is no row, the graphs of the quads, grouped (DISTINCT takes Virtuoso 3 s
#: there, GROUP BY 4 ms)
GRAPH_NAMES_QUERIES = ("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }",
                       "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


# --- the store's two endpoints -----------------------------------------------------------


@dataclass
class Target:
    """Where a store answers: its SPARQL query endpoint, its Graph Store, the credentials."""

    query_url: str
    graph_store_url: str | None = None
    credentials: Credentials = field(default_factory=Credentials)
    timeout: float = 60.0
    union_graph: str = UNION_GRAPH

    def __post_init__(self):
        check_url(self.query_url, "--endpoint")
        if self.graph_store_url is not None:
            check_url(self.graph_store_url, "--graph-store")
        self.client = HttpClient([u for u in (self.query_url, self.graph_store_url) if u], self.credentials)

    # SPARQL 1.1 Protocol --------------------------------------------------------------

    def dataset_params(self, default_graphs, named_graphs) -> list[tuple[str, str]]:
        return [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]

    def open_query(self, query: str, params: list[tuple[str, str]], accept: str, deadline: float) -> Call:
        body = urlencode([("query", query), *params]).encode("utf-8")
        return self.client.open("POST", self.query_url, body=body, deadline=deadline, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    def query(self, query: str, params: list[tuple[str, str]], *, graph: bool = False,
              timeout: float | None = None) -> Response:
        body = urlencode([("query", query), *params]).encode("utf-8")
        resp = self.client.request("POST", self.query_url, body=body, timeout=timeout or self.timeout, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": GRAPH_ACCEPT if graph else RESULTS_ACCEPT})
        if resp.status != 200:
            raise RemoteError(f"the store's SPARQL endpoint {self.query_url} answered HTTP {resp.status}",
                              resp.status, error_detail(resp.status, resp.headers, resp.body))
        return resp

    def count(self, where: str, params: list[tuple[str, str]]) -> int:
        resp = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", params)
        rows = list(parse_results(resp.body, resp.media_type))
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0

    # Graph Store Protocol ---------------------------------------------------------------

    def graph_url(self, graph: str) -> str:
        """The Graph Store URL of one graph (``?graph=`` with the IRI percent-encoded)."""
        if not self.graph_store_url:
            raise ConfigError("no Graph Store URL: give --graph-store")
        sep = "&" if "?" in self.graph_store_url else "?"
        return self.graph_store_url + sep + urlencode({"graph": graph})

    def put_graph(self, graph: str, ntriples: bytes, *, timeout: float | None = None) -> Response:
        resp = self.client.request("PUT", self.graph_url(graph), body=ntriples, timeout=timeout or self.timeout,
                                   headers={"Content-Type": "application/n-triples"})
        if resp.status not in (200, 201, 204):
            raise RemoteError(f"PUT of graph <{graph}> to {self.graph_store_url} failed: {_why(resp.status)}",
                              resp.status, error_detail(resp.status, resp.headers, resp.body))
        return resp

    def delete_graph(self, graph: str, *, timeout: float | None = None) -> bool:
        """DELETE one graph: True if the store dropped it, False if it had no such graph (404)."""
        resp = self.client.request("DELETE", self.graph_url(graph), timeout=timeout or self.timeout)
        if resp.status == 404:
            return False
        if resp.status not in (200, 202, 204):
            raise RemoteError(f"DELETE of graph <{graph}> from {self.graph_store_url} failed: {_why(resp.status)}",
                              resp.status, error_detail(resp.status, resp.headers, resp.body))
        return True

    def graph_names(self) -> set[str]:
        """The named graphs the store holds, as its endpoint lists them with no dataset in the
        request (on Virtuoso: its system graphs too): :data:`GRAPH_NAMES_QUERIES`."""
        for query in GRAPH_NAMES_QUERIES:
            resp = self.query(query, [])
            rows = [row["g"] for row in parse_results(resp.body, resp.media_type)]
            if rows and all(g is not None for g in rows):
                break
        return {g.value for g in rows if isinstance(g, ox.NamedNode)}

    def count_graph(self, graph: str) -> int:
        """The triples of one named graph (the only named graph of the request)."""
        return self.count(f"GRAPH <{graph}> {{ ?s ?p ?o }}", self.dataset_params([EMPTY_GRAPH], [graph]))


def _why(status: int) -> str:
    return {401: "not authorised (check --auth / --token)",
            403: "forbidden (the user may not write)"}.get(status, f"HTTP {status}")


def guess_graph_store(query_url: str, with_auth: bool) -> str | None:
    """The Graph Store URL of the engines we know, from their query URL (None: unknown).

    Oxigraph server: ``/query`` -> ``/store``. Virtuoso: ``/sparql`` ->
    ``/sparql-graph-crud-auth`` (with credentials; ``/sparql-graph-crud`` without).
    Fuseki: give ``--graph-store http://HOST:3030/DATASET/data``.
    """
    parts = urlsplit(query_url)
    path = parts.path.rstrip("/")
    if path.endswith("/query") and path.count("/") == 1:
        new = path[: -len("query")] + "store"
    elif path == "/sparql":
        new = "/sparql-graph-crud-auth" if with_auth else "/sparql-graph-crud"
    else:
        return None
    return parts._replace(path=new, query="", fragment="").geturl()


# --- parsing answers ------------------------------------------------------------------------


def parse_results(data, media_type: str):
    fmt = RESULT_TYPES.get(media_type)
    if fmt is None:
        raise RemoteError(f"the store answered a query with {media_type or 'no media type'!r}, "
                          "not SPARQL results (JSON, XML or TSV)")
    try:
        return ox.parse_query_results(data, fmt)
    except SyntaxError as exc:
        raise RemoteError(f"the store's query results do not parse: {exc}") from None


def parse_triples(data, media_type: str):
    syntax = formats.by_media_type(media_type, loose=True)
    fmt = syntax.oxigraph if syntax is not None else None
    if fmt is None:
        raise RemoteError(f"the store answered a graph query with {media_type or 'no media type'!r}, "
                          "not an RDF syntax")
    for quad in ox.parse(data, fmt):
        yield ox.Triple(quad.subject, quad.predicate, quad.object)


# --- the store, read through SPARQL ------------------------------------------------------


def _sparql_term(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise ValueError("a blank node cannot be matched over SPARQL")


class RemoteStore:
    """The few methods of ``pyoxigraph.Store`` the web app uses, answered by another store.

    The dataset of every query: default graph :attr:`union_graph` (the distinct union,
    written by push), named graphs :attr:`graphs` (the build's). Read-only.
    """

    def __init__(self, target: Target, graphs, timeout: float | None = None):
        self.target = target
        self.graphs = sorted(graphs)
        self.timeout = timeout or target.timeout
        self.union_graph = target.union_graph

    # pyoxigraph.Store-like --------------------------------------------------------------

    def named_graphs(self):
        return iter([ox.NamedNode(g) for g in self.graphs])

    def dataset(self, default_graph=None, named_graphs=None) -> list[tuple[str, str]]:
        """The dataset of a query: the build's, or the one a request names (only the build's
        graphs: a graph this dataset does not hold is an empty graph, as on the embedded store)."""
        if default_graph is None and named_graphs is None:
            return self.target.dataset_params([self.union_graph], self.graphs)
        known = set(self.graphs)
        default = [g for g in (default_graph or []) if g in known] or [EMPTY_GRAPH]
        named = [g for g in (named_graphs or []) if g in known] or [EMPTY_GRAPH]
        return self.target.dataset_params(default, named)

    def query(self, query: str, *, base_iri: str | None = None, default_graph=None, named_graphs=None):
        """Results as pyoxigraph gives them: QuerySolutions, QueryBoolean, or a list of Triples."""
        form = query_form(query, base_iri)
        graph = form == "graph"
        if base_iri:
            query = f"BASE <{base_iri}>\n{query}"
        resp = self.target.query(query, self.dataset(_values(default_graph), _values(named_graphs)),
                                 graph=graph, timeout=self.timeout)
        if graph:
            return list(parse_triples(resp.body, resp.media_type))
        return parse_results(resp.body, resp.media_type)

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph_name=None):
        try:
            s, p, o = (_sparql_term(t) for t in (subject, predicate, obj))
        except ValueError:
            return iter(())
        pattern = f"{s or '?s'} {p or '?p'} {o or '?o'}"
        if isinstance(graph_name, ox.DefaultGraph):
            where, graph_fixed = f"{{ {pattern} }}", ox.DefaultGraph()
        elif isinstance(graph_name, ox.NamedNode):
            if graph_name.value not in self.graphs:
                return iter(())
            where, graph_fixed = f"GRAPH {graph_name} {{ {pattern} }}", graph_name
        elif graph_name is None:
            where, graph_fixed = f"{{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }}", None
        else:
            return iter(())
        resp = self.target.query(f"SELECT * WHERE {{ {where} }}", self.dataset(), timeout=self.timeout)
        out = []
        for row in parse_results(resp.body, resp.media_type):
            g = graph_fixed if graph_fixed is not None else (row["g"] or ox.DefaultGraph())
            out.append(ox.Quad(subject or row["s"], predicate or row["p"], obj or row["o"], g))
        return iter(out)


def _values(graphs):
    if graphs is None:
        return None
    return [g.value if hasattr(g, "value") else str(g) for g in graphs if not isinstance(g, ox.DefaultGraph)]


_EMPTY = ox.Store()


def query_form(query: str, base_iri: str | None = None) -> str:
    """``"results"``, ``"boolean"`` or ``"graph"``: the query parsed here, by the engine the
    embedded store uses (a SyntaxError with its line and column), against an empty store."""
    result = _EMPTY.query(query, base_iri=base_iri)
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    if isinstance(result, ox.QuerySolutions):
        return "results"
    return "graph"


# --- the build a store should hold --------------------------------------------------------


@dataclass
class BuildContent:
    """The graphs of a build's dumps (``sco-kg.nq``), each as N-Triples, the counts, and the
    union: every graph but ``kgg:proofs``, as the endpoint's default graph (the proofs are
    pushed as their own graph, reached by ``GRAPH kgg:proofs``)."""

    graphs: dict[str, list]  # graph IRI -> triples
    union: list

    @classmethod
    def read(cls, dumps_dir: Path) -> "BuildContent":
        path = Path(dumps_dir) / "sco-kg.nq"
        if not path.is_file():
            raise ConfigError(f"no {path}: not a build's dumps folder")
        graphs: dict[str, set] = {}
        try:
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                if isinstance(quad.graph_name, ox.NamedNode):
                    graphs.setdefault(quad.graph_name.value, set()).add(ox.Triple(quad.subject, quad.predicate, quad.object))
        except SyntaxError as exc:
            raise InputError(path, str(exc)) from exc
        union = set().union(*(t for g, t in graphs.items() if g != str(PROOFS_GRAPH)))
        return cls({g: sorted(t, key=str) for g, t in sorted(graphs.items())}, sorted(union, key=str))

    def counts(self) -> dict[str, int]:
        return {g: len(t) for g, t in self.graphs.items()}


def ntriples(triples) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


@dataclass
class CountCheck:
    """Graphs whose count in the store differs from the build's (empty: all agree)."""

    expected: dict[str, int]
    found: dict[str, int]

    @property
    def differences(self) -> list[str]:
        return [f"graph <{g}>: {self.found.get(g)} triples in the store, {n} in the build"
                for g, n in self.expected.items() if self.found.get(g) != n]


def check_counts(target: Target, expected: dict[str, int], union_size: int) -> CountCheck:
    """A COUNT per graph over the store's SPARQL endpoint, and the union graph's count."""
    found = {}
    for g in [*expected, target.union_graph]:
        try:
            if g == target.union_graph:
                found[g] = target.count("?s ?p ?o", target.dataset_params([g], [EMPTY_GRAPH]))
            else:
                found[g] = target.count_graph(g)
        except RemoteError as exc:
            raise RemoteError(f"counting the triples of graph <{g}> failed: {exc}", exc.status) from None
    return CountCheck({**expected, target.union_graph: union_size}, found)


@dataclass
class RemoteLoaded:
    """What ``serve --backend`` serves: like :class:`sco_kg.store.served.Loaded`, with a RemoteStore."""

    store: RemoteStore
    path: None = None
    dumps_dir: Path | None = None
    key: str = ""
    summary: dict = field(default_factory=dict)
    extra_graphs: list[str] = field(default_factory=list)
    remote: bool = True


def connect(target: Target, dumps_dir: Path, key: str = "", *, check: bool = True) -> RemoteLoaded:
    """A RemoteStore over ``target`` for the build in ``dumps_dir`` (its graphs); with
    ``check``, the store must hold that build (the counts push checks), else ConfigError."""
    content = BuildContent.read(dumps_dir)
    if check:
        result = check_counts(target, content.counts(), len(content.union))
        if result.differences:
            raise ConfigError(f"the store at {target.query_url} does not hold this build (run sco-kg push): "
                              + "; ".join(result.differences[:5])
                              + (f"; and {len(result.differences) - 5} more" if len(result.differences) > 5 else ""))
    summary = {}
    if (Path(dumps_dir) / "summary.json").is_file():
        try:
            summary = json.loads((Path(dumps_dir) / "summary.json").read_text(encoding="utf-8"))
        except ValueError:
            summary = {}
    return RemoteLoaded(RemoteStore(target, content.graphs), None, Path(dumps_dir), key, summary)

