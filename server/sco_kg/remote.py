"""Another triple store over HTTP: the Graph Store Protocol to fill it, SPARQL to read it.

Why: people load the graph into a store that scales beyond one machine (Fuseki, Oxigraph
server, Virtuoso) and still want this project's endpoint, pages and limits in front of it.
:mod:`sco_kg.push` fills such a store; ``sco-kg serve --backend`` reads it through
:class:`RemoteStore`, which answers the few calls the web app makes of a pyoxigraph store
(``query``, ``quads_for_pattern``, ``named_graphs``) with pyoxigraph objects.

* **The union default graph.** The endpoint's default graph is the union of the graphs, as
  a set (PROFILE.md). Naming every graph as a default graph (``default-graph-uri`` or FROM
  per graph) makes a bag on Oxigraph 0.5 and on Virtuoso 7.2 (a triple held by two graphs
  matches twice: oxigraph#1919), and Virtuoso's Graph Store has no default graph to PUT
  into ("the endpoint is not configured to have default graph"). So :func:`sco_kg.push.push`
  PUTs the distinct union into one more graph, :data:`UNION_GRAPH`, and every query names
  it as the only default graph and the build's graphs as the named graphs: the same
  dataset on every engine, whatever else the store holds (Virtuoso's system graphs).
* **Closed.** Requests go only to the URLs configured (same scheme, host and port); a
  redirect is an error, never followed; no proxy is used. Credentials are sent only when
  the server asks (401 with a Basic or Digest challenge); a bearer token on every request.
* **Time.** Every request has a deadline: the socket times out at it and a watchdog shuts
  the connection down when it passes while a response is still streaming in
  (:meth:`HttpClient.open`).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from .errors import ConfigError, ScoKgError

#: the graph the distinct union of the build is PUT into, and every query's default graph
UNION_GRAPH = "urn:x-sco-kg:union"
#: a graph never written: stands for "no graph" where a request must name one
EMPTY_GRAPH = "urn:x-sco-kg:empty"

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


class RemoteError(ScoKgError):
    """A request to the other store failed: unreachable, refused, or an error status."""

    def __init__(self, message: str, status: int | None = None, detail: str = ""):
        self.status = status
        self.detail = detail
        super().__init__(message + (f": {detail}" if detail else ""))


class RemoteTimeout(RemoteError):
    """The other store did not answer before the deadline."""


# --- credentials -------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """``user:password`` (Basic or Digest, as the server asks) or a bearer token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    @classmethod
    def parse(cls, auth: str | None = None, token: str | None = None) -> "Credentials":
        if auth and token:
            raise ConfigError("give --auth or --token, not both")
        if auth is not None:
            user, sep, password = auth.partition(":")
            if not sep or not user:
                raise ConfigError("--auth: expected user:password")
            return cls(user=user, password=password)
        if token is not None:
            if not token.strip():
                raise ConfigError("--token: empty token")
            return cls(token=token.strip())
        return cls()

    def __repr__(self) -> str:  # never print a secret
        return f"Credentials(user={self.user!r}, token={'***' if self.token else None})"


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Digest realm="x", nonce="y", qop="auth"`` -> ("digest", {...})."""
    scheme, _, rest = header.strip().partition(" ")
    params, key, i = {}, "", 0
    while i < len(rest):
        eq = rest.find("=", i)
        if eq < 0:
            break
        key = rest[i:eq].strip().strip(",").strip().lower()
        i = eq + 1
        if i < len(rest) and rest[i] == '"':
            end = i + 1
            value = []
            while end < len(rest) and rest[end] != '"':
                if rest[end] == "\\" and end + 1 < len(rest):
                    end += 1
                value.append(rest[end])
                end += 1
            params[key] = "".join(value)
            i = end + 1
        else:
            end = rest.find(",", i)
            end = len(rest) if end < 0 else end
            params[key] = rest[i:end].strip()
            i = end
        while i < len(rest) and rest[i] in ", ":
            i += 1
    return scheme.lower(), params


class _Authenticator:
    """Answers the server's challenges; remembers a Digest challenge for the next requests."""

    def __init__(self, credentials: Credentials):
        self.credentials = credentials
        self._lock = threading.Lock()
        self._scheme: str | None = None
        self._params: dict[str, str] = {}
        self._count = 0

    def header(self, method: str, path: str) -> str | None:
        c = self.credentials
        if c.token:
            return f"Bearer {c.token}"
        with self._lock:
            if self._scheme == "basic":
                raw = f"{c.user}:{c.password}".encode("utf-8")
                return "Basic " + base64.b64encode(raw).decode("ascii")
            if self._scheme == "digest":
                self._count += 1
                return self._digest(method, path, self._count)
        return None

    def answer(self, headers: list[str]) -> bool:
        """Take a 401's WWW-Authenticate headers; True if a retry with credentials makes sense."""
        if self.credentials.user is None:
            return False
        for raw in headers:
            scheme, params = _challenge(raw)
            if scheme == "digest" and params.get("algorithm", "MD5").upper() in ("MD5", "MD5-SESS") and \
                    (not params.get("qop") or "auth" in [q.strip() for q in params["qop"].split(",")]):
                with self._lock:
                    stale = params.get("stale", "").lower() == "true"
                    again = self._scheme == "digest" and not stale
                    self._scheme, self._params, self._count = "digest", params, 0
                return not again
        for raw in headers:
            scheme, _ = _challenge(raw)
            if scheme == "basic":
                with self._lock:
                    again = self._scheme == "basic"
                    self._scheme = "basic"
                return not again
        return False

    def _digest(self, method: str, path: str, count: int) -> str:
        c, p = self.credentials, self._params
        realm, nonce = p.get("realm", ""), p.get("nonce", "")

        def h(text: str) -> str:
            return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 (RFC 2617)

        cnonce = secrets.token_hex(8)
        ha1 = h(f"{c.user}:{realm}:{c.password}")
        if p.get("algorithm", "").upper() == "MD5-SESS":
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{path}")
        nc = f"{count:08x}"
        if p.get("qop"):
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            extra = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
        else:
            response = h(f"{ha1}:{nonce}:{ha2}")
            extra = ""
        out = (f'Digest username="{c.user}", realm="{realm}", nonce="{nonce}", uri="{path}", '
               f'response="{response}"{extra}')
        if p.get("opaque"):
            out += f', opaque="{p["opaque"]}"'
        if p.get("algorithm"):
            out += f', algorithm={p["algorithm"]}'
        return out


# --- HTTP ----------------------------------------------------------------------------------


def check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what}: {url!r} is not an http(s) URL")
    return url


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class Call:
    """One request in flight: its response streams from :attr:`response`; :meth:`abort`
    (from another thread) shuts the connection down."""

    def __init__(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, sock):
        self.conn = conn
        self.response = response
        self.sock = sock  # kept here: http.client forgets it when the response closes the connection
        self.aborted = False

    def abort(self) -> None:
        self.aborted = True
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.response.close()
        self.conn.close()


class HttpClient:
    """Requests to a fixed set of origins only, with credentials and a deadline each."""

    def __init__(self, urls, credentials: Credentials | None = None):
        self.origins = set()
        for url in urls:
            parts = urlsplit(check_url(url, "URL"))
            self.origins.add(self._origin(parts))
        self.auth = _Authenticator(credentials or Credentials())

    @staticmethod
    def _origin(parts) -> tuple[str, str, int]:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.scheme, (parts.hostname or "").lower(), port

    def open(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
             deadline: float) -> Call:
        """Send the request (answering an auth challenge once); the response is not read yet."""
        parts = urlsplit(url)
        origin = self._origin(parts)
        if origin not in self.origins:
            raise RemoteError(f"refused to contact {parts.scheme}://{parts.netloc}: not the configured store")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for attempt in range(2):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RemoteTimeout(f"{method} {url}: no answer within the time limit")
            cls = http.client.HTTPSConnection if origin[0] == "https" else http.client.HTTPConnection
            conn = cls(origin[1], origin[2], timeout=remaining)
            sent = dict(headers or {})
            auth = self.auth.header(method, path)
            if auth:
                sent["Authorization"] = auth
            try:
                conn.request(method, path, body=body, headers=sent)
                sock = conn.sock
                response = conn.getresponse()
            except (socket.timeout, TimeoutError):
                conn.close()
                raise RemoteTimeout(f"{method} {url}: no answer within the time limit") from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise RemoteError(f"{method} {url}: cannot reach the store ({exc})") from None
            if response.status == 401 and attempt == 0 and \
                    self.auth.answer(response.headers.get_all("WWW-Authenticate") or []):
                response.read()
                conn.close()
                continue
            return Call(conn, response, sock)
        return Call(conn, response, sock)

    def request(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
                timeout: float) -> Response:
        """The whole response (read before the deadline)."""
        deadline = time.monotonic() + timeout
        call = self.open(method, url, body=body, headers=headers, deadline=deadline)
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), call.abort)
        timer.start()
        try:
            data = call.response.read()
        except (OSError, http.client.HTTPException) as exc:
            if call.aborted:
                raise RemoteTimeout(f"{method} {url}: no answer within the time limit") from None
            raise RemoteError(f"{method} {url}: the connection failed ({exc})") from None
        finally:
            timer.cancel()
            call.close()
        return Response(call.response.status, call.response.headers, data)


def error_detail(status: int, headers, body: bytes) -> str:
    """A short, readable excerpt of an error response (HTML tags dropped)."""
    import re

    text = body[:4000].decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:500]


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

    def put_graph(self, graph: str, ntriples: bytes, *, timeout: float | None = None) -> Response:
        if not self.graph_store_url:
            raise ConfigError("no Graph Store URL: give --graph-store")
        sep = "&" if "?" in self.graph_store_url else "?"
        url = self.graph_store_url + sep + urlencode({"graph": graph})
        resp = self.client.request("PUT", url, body=ntriples, timeout=timeout or self.timeout,
                                   headers={"Content-Type": "application/n-triples"})
        if resp.status not in (200, 201, 204):
            why = {401: "not authorised (check --auth / --token)",
                   403: "forbidden (the user may not write)"}.get(resp.status, f"HTTP {resp.status}")
            raise RemoteError(f"PUT of graph <{graph}> to {self.graph_store_url} failed: {why}",
                              resp.status, error_detail(resp.status, resp.headers, resp.body))
        return resp


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
    fmt = GRAPH_TYPES.get(media_type)
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
    """The graphs of a build's dumps (``sco-kg.nq``), each as N-Triples, and the counts."""

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
            from .errors import InputError

            raise InputError(path, str(exc)) from exc
        union = set().union(*graphs.values()) if graphs else set()
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
    for g in expected:
        found[g] = target.count(f"GRAPH <{g}> {{ ?s ?p ?o }}", target.dataset_params([EMPTY_GRAPH], [g]))
    found[target.union_graph] = target.count("?s ?p ?o", target.dataset_params([target.union_graph], [EMPTY_GRAPH]))
    return CountCheck({**expected, target.union_graph: union_size}, found)


@dataclass
class RemoteLoaded:
    """What ``serve --backend`` serves: like :class:`sco_kg.store.Loaded`, with a RemoteStore."""

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

