"""``sco-kg push``: the build into another store (:mod:`sco_kg.store.push` does the work)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..core.errors import ConfigError
from ..store.push import push, target_from_options
from ..store.remote import guess_graph_store
from ..store.served import cached_build
from .common import Progress, echo_err, handle_errors


@click.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's SPARQL query endpoint (Oxigraph: http://HOST:7878/query; Virtuoso: "
                   "http://HOST:8890/sparql; Fuseki: http://HOST:3030/DATASET/query).")
@click.option("--graph-store", metavar="URL",
              help="The store's Graph Store Protocol endpoint (default: guessed for Oxigraph, /store, and "
                   "Virtuoso, /sparql-graph-crud-auth; Fuseki: http://HOST:3030/DATASET/data).")
@click.option("--auth", metavar="USER:PASSWORD",
              help="HTTP Basic or Digest credentials, as the store asks (or SCO_KG_BACKEND_AUTH).")
@click.option("--token", metavar="TOKEN", help="A bearer token (or SCO_KG_BACKEND_TOKEN).")
@click.option("--union-graph", metavar="IRI", help="The graph the union is PUT into (default urn:x-sco-kg:union).")
@click.option("--dumps", "dumps_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Push this export folder (sco-kg export --out DIR) instead of the cached build.")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds each request may take.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where builds are cached (default: $XDG_CACHE_HOME/sco-kg).")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
def push_command(endpoint, graph_store, auth, token, union_graph, dumps_dir, timeout, cache_dir, quiet):
    """Load the build into another store (Graph Store Protocol), graph by graph, then check the counts."""
    @handle_errors
    def run():
        with_auth = bool(auth or os.environ.get("SCO_KG_BACKEND_AUTH"))
        store_url = graph_store or guess_graph_store(endpoint, with_auth)
        target = target_from_options(endpoint, store_url, auth, token, timeout, union_graph)
        if target.graph_store_url is None:
            raise ConfigError(f"cannot guess the Graph Store URL of {endpoint}: give --graph-store")
        dumps = dumps_dir
        if dumps is None:
            dumps, key = cached_build(cache_dir=cache_dir, progress=Progress(quiet))
            if not quiet:
                echo_err(f"build {key}: {dumps}")

        def step(graph, n, seconds):
            if not quiet:
                echo_err(f"  PUT {graph:<70} {n:6d} triples {seconds * 1000:8.1f} ms")

        report = push(dumps, target, progress=step)
        if not quiet:
            echo_err(f"pushed {len(report.graphs)} graphs ({sum(report.graphs.values())} triples) and the union "
                     f"({report.union_triples} triples) to {target.graph_store_url} in {report.put_seconds:.2f} s; "
                     f"counts checked over {target.query_url} in {report.check_seconds:.2f} s", fg="green")

    run()
