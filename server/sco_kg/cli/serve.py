"""``sco-kg serve``: build (or reuse the last build of the same inputs), load the store,
serve the app with waitress (a production WSGI server, never Flask's development server).

``--get PATH`` runs one request through the app without opening a port, prints the
response and exits 0 (status < 400) or 1: a smoke test.

``--backend URL`` serves the same endpoint, pages and limits with queries answered by another
store that ``sco-kg push`` filled (:mod:`sco_kg.store.remote`, :mod:`.backend`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..pipeline.sources import Sources
from ..store.push import target_from_options
from ..store.remote import connect
from ..store.served import cached_build, open_store
from ..web.limits import DEFAULTS
from .common import EXIT_DATA, EXIT_OK, NO_PROOFS_OPTION, Progress, echo_err, handle_errors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the store on disk in this folder (reused across restarts); default: in memory.")
@click.option("--data", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A further RDF file built with the graph, as build --also-data FILE (validated, reasoned; "
                   "syntax from its extension; graphs kept); with --no-build, served as it is. Repeatable.")
@click.option("--timeout", type=float, default=DEFAULTS["timeout"], show_default=True,
              help="Seconds a query may run before it is stopped (503).")
@click.option("--max-rows", type=int, default=DEFAULTS["max_rows"], show_default=True,
              help="Rows (or triples) a result may hold; a longer result is cut and marked truncated.")
@click.option("--max-request-bytes", type=int, default=DEFAULTS["max_request_bytes"], show_default=True,
              help="Largest request body or query (413 beyond).")
@click.option("--workers", type=int, default=DEFAULTS["workers"], show_default=True,
              help="Query worker processes (queries running at the same time).")
@click.option("--threads", type=int, default=8, show_default=True, help="waitress request threads.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where builds are cached (default: $XDG_CACHE_HOME/sco-kg).")
@NO_PROOFS_OPTION
@click.option("--no-build", is_flag=True,
              help="Serve only the --data files, as they are (another build's dumps: no build, no checks).")
@click.option("--get", "get_path", metavar="PATH", help="Answer one request for PATH (no port), print it, exit.")
@click.option("--backend", metavar="URL",
              help="Answer queries with this store's SPARQL endpoint (filled by sco-kg push) instead of the "
                   "embedded one; it must hold the build.")
@click.option("--auth", metavar="USER:PASSWORD", help="--backend credentials, Basic or Digest (or SCO_KG_BACKEND_AUTH).")
@click.option("--token", metavar="TOKEN", help="--backend bearer token (or SCO_KG_BACKEND_TOKEN).")
@click.option("--union-graph", metavar="IRI", help="--backend: the graph push put the union in (default urn:x-sco-kg:union).")
@click.option("--ingest-token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Accept POST /data with the bearer token(s) in this file, one per line, NAME TOKEN or TOKEN (or "
                   "SCO_KG_INGEST_TOKEN); needs --store.")
@click.option("--update-token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Accept /update, Graph Store writes and reverts with the bearer token(s) in this file, one per "
                   "line, NAME TOKEN or TOKEN (or SCO_KG_UPDATE_TOKEN); the name is recorded in the history. A "
                   "token in both files may do both. Needs --store.")
@click.option("--curate-build-graphs", is_flag=True,
              help="Let updates change the build's own graphs (data/, the ontology); else 409. Changes are kept in "
                   "the store's log, apart from data/: `sco-kg changes export` writes them as TriG.")
@click.option("--rebuild", is_flag=True,
              help="Rebuild the --store from the build, the --data files and its ingest log (recovery of a damaged store).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="An origin whose pages may call the endpoint from a browser (scheme://host[:port], or *; "
                   "repeatable). Default: SCO_KG_CORS_ORIGINS, else * (read routes only).")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@handle_errors
def serve(host, port, store_path, extra, timeout, max_rows, max_request_bytes, workers, threads, cache_dir,
          no_proofs, no_build, get_path, backend, auth, token, union_graph, ingest_token_file, update_token_file,
          curate_build_graphs, rebuild, cors_origins, quiet):
    """Serve the knowledge graph: SPARQL endpoint at /sparql, UI at /."""
    # Flask and the web app are imported when serving, not by every sco-kg command
    from ..web.app import create_app
    from ..web.cors import parse_origins
    from ..web.http_server import create_server

    try:
        cors = {"SCO_KG_CORS_ORIGINS": " ".join(sorted(parse_origins(" ".join(cors_origins))))} if cors_origins else {}
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--cors-origin") from None

    if rebuild and not store_path:
        raise click.UsageError("--rebuild rebuilds the on-disk store: give --store DIR")
    if backend and (no_build or extra or store_path):
        raise click.UsageError("--backend serves the build from that store: no --no-build, --data or --store")
    dumps, key = None, ""
    if not no_build:  # the --data files go through the build's pipeline (as build --also-data)
        progress = Progress(quiet)
        dumps, key = cached_build(Sources.default(extra=extra), cache_dir=cache_dir, progress=progress,
                                  proofs=not no_proofs)
        if not quiet:
            echo_err(f"build {key}: {dumps}")
    if backend:
        loaded = connect(target_from_options(backend, None, auth, token, timeout, union_graph), dumps, key)
        if not quiet:
            echo_err(f"backend {backend}: holds the build (counts checked)")
    else:
        loaded = open_store(dumps_dir=dumps, key=key, extra=extra if no_build else (), store_path=store_path,
                            rebuild=rebuild)
    ingest = {"SCO_KG_INGEST_TOKEN": ingest_token_file.read_text(encoding="utf-8").strip()} if ingest_token_file else {}
    if update_token_file:
        ingest["SCO_KG_UPDATE_TOKEN"] = update_token_file.read_text(encoding="utf-8").strip()
    if curate_build_graphs:
        ingest["SCO_KG_CURATE_BUILD_GRAPHS"] = "true"
    app = create_app({
        **ingest,
        **cors,
        "SCO_KG_LOADED": loaded,
        "SCO_KG_TIMEOUT": timeout,
        "SCO_KG_MAX_ROWS": max_rows,
        "SCO_KG_MAX_REQUEST_BYTES": max_request_bytes,
        "SCO_KG_WORKERS": workers,
    })
    kg = app.extensions["sco_kg"]
    try:
        if get_path:
            resp = app.test_client().get(get_path)
            sys.stdout.buffer.write(resp.get_data())
            sys.stdout.flush()
            sys.exit(EXIT_OK if resp.status_code < 400 else EXIT_DATA)
        server = create_server(app, host=host, port=port, threads=threads, max_request_bytes=max_request_bytes)
        if not quiet:
            echo_err(f"{len(kg.graphs)} graphs, {workers} query workers"
                     f"{' (network-isolated)' if kg.executor.isolated else ''}, timeout {timeout:g} s")
            echo_err(f"serving on http://{host}:{server.effective_port}/  (SPARQL at /sparql; Ctrl-C to stop)",
                     fg="green")
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    finally:
        kg.close()
