"""Stores on loopback for the push and backend tests, with no triple store installed:

* :class:`Server`: an HTTP server whose answers a test sets; it records every request;
* :class:`FakeStore`: on a Server, a Graph Store (PUT, DELETE) and a SPARQL endpoint (POST
  with ``default-graph-uri`` / ``named-graph-uri``) over an in-memory pyoxigraph store, as
  Oxigraph server answers them; a test makes chosen requests fail or writes go astray.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox


class Server:
    """A loopback HTTP server whose answers a test sets; it records every request."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = lambda handler, req: (200, {}, b"")
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                req = {"method": self.command, "path": self.path, "headers": dict(self.headers),
                       "body": self.rfile.read(n) if n else b""}
                server.requests.append(req)
                status, headers, body = server.answer(self, req)
                if status is None:  # the answer wrote itself
                    return
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeStore:
    """A writable store at ``server.url``: ``/query`` and ``/store?graph=IRI``.

    ``fail[(method, graph)] = status`` answers that request with the status ("POST" for a
    COUNT naming the graph); ``keep_on_delete`` holds graphs a DELETE answers 204 for but
    leaves in place; ``extra[graph]`` is a triple added to the graph after each PUT.
    """

    def __init__(self, server: Server):
        self.server = server
        self.store = ox.Store()
        self.fail: dict[tuple[str, str], int] = {}
        self.keep_on_delete: set[str] = set()
        self.extra: dict[str, ox.Triple] = {}
        self.query_url, self.graph_store_url = server.url + "/query", server.url + "/store"
        server.answer = self.answer

    # what the store holds --------------------------------------------------------------------

    def graphs(self) -> set[str]:
        return {g.value for g in self.store.named_graphs()}

    def triples(self, graph: str) -> int:
        return len(list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))

    def load(self, graph: str, *triples: ox.Triple) -> None:
        self.store.extend([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples])

    def writes(self) -> list[tuple[str, str]]:
        """(method, graph) of every PUT and DELETE, in order."""
        return [(r["method"], dict(parse_qsl(urlsplit(r["path"]).query))["graph"])
                for r in self.server.requests if r["method"] in ("PUT", "DELETE")]

    # the protocol ---------------------------------------------------------------------------------

    def answer(self, handler, req):
        parts = urlsplit(req["path"])
        if parts.path == "/store":
            return self._graph_store(req["method"], dict(parse_qsl(parts.query))["graph"], req["body"])
        if parts.path == "/query" and req["method"] == "POST":
            return self._query(parse_qsl(req["body"].decode("utf-8")))
        return 404, {}, b"no such endpoint"

    def _graph_store(self, method: str, graph: str, body: bytes):
        if (method, graph) in self.fail:
            return self.fail[(method, graph)], {"Content-Type": "text/plain"}, f"{method} refused".encode()
        name = ox.NamedNode(graph)
        if method == "PUT":
            existed = graph in self.graphs()
            if existed:
                self.store.remove_graph(name)
            self.store.add_graph(name)
            self.load(graph, *(ox.Triple(q.subject, q.predicate, q.object)
                               for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
            if graph in self.extra:
                self.load(graph, self.extra[graph])
            return (204 if existed else 201), {}, b""
        if method == "DELETE":
            if graph not in self.graphs():
                return 404, {"Content-Type": "text/plain"}, f"The graph <{graph}> does not exist".encode()
            if graph not in self.keep_on_delete:
                self.store.remove_graph(name)
            return 204, {}, b""
        return 405, {}, b""

    def _query(self, params):
        default = [ox.NamedNode(v) for k, v in params if k == "default-graph-uri"]
        named = [ox.NamedNode(v) for k, v in params if k == "named-graph-uri"]
        if named and len(named) == 1 and ("POST", named[0].value) in self.fail:
            return self.fail[("POST", named[0].value)], {"Content-Type": "text/plain"}, b"storage failure"
        query = dict(params)["query"]
        kwargs = {"default_graph": default} if default else {}
        if named:
            kwargs["named_graphs"] = named
        result = self.store.query(query, **kwargs)
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return 200, {"Content-Type": "application/sparql-results+json"}, body
