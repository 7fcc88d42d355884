"""``sco-kg push``: the build into another store (:mod:`sco_kg.store.push` does the work).

The plan (graphs to PUT with their triples, graphs to DROP, the union, what is left alone)
is printed before any write: on stdout with ``--dry-run``, which then stops, else on stderr
as a summary with the graphs to drop named."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..core.errors import ConfigError
from ..rdf.namespaces import BASE
from ..store.push import PUSHED_GRAPH, PushPlan, plan_push, push, target_from_options
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
@click.option("--dry-run", is_flag=True,
              help="Print the plan (graphs to PUT with their triples, graphs to DROP, the union) and change nothing.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
def push_command(endpoint, graph_store, auth, token, union_graph, dumps_dir, timeout, cache_dir, dry_run, quiet):
    """Make another store hold the build (Graph Store Protocol), graph by graph, then check the counts.

    Each graph of the build and the union are PUT; graphs an earlier push wrote that the
    build no longer has are dropped (DELETE). Push records the graphs it writes in the
    store's graph urn:x-sco-kg:pushed and drops no graph that is not recorded there.
    """
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

        plan = plan_push(dumps, target)
        if dry_run:
            click.echo("\n".join(plan_lines(plan, target)))
            return
        if not quiet:
            echo_err(plan_summary(plan, target))

        def step(action, graph, n, seconds):
            if not quiet:
                what = f"{n:6d} triples" if n is not None else "       dropped"
                echo_err(f"  {action:<4} {graph:<70} {what} {seconds * 1000:8.1f} ms")

        report = push(plan, target, progress=step)
        if not quiet:
            n = len(report.dropped)
            dropped = f", dropped {n} graph{'s' if n != 1 else ''}" if n else ""
            echo_err(f"pushed {len(report.graphs)} graphs ({sum(report.graphs.values())} triples) and the union "
                     f"({report.union_triples} triples) to {target.graph_store_url}{dropped} in "
                     f"{report.put_seconds + report.drop_seconds:.2f} s; counts checked over {target.query_url} in "
                     f"{report.check_seconds:.2f} s", fg="green")

    run()


def plan_lines(plan: PushPlan, target) -> list[str]:
    """The whole plan, one graph a line (``--dry-run``)."""
    lines = [f"plan for {target.graph_store_url} (graphs listed over {target.query_url}):"]
    for graph, n in plan.puts.items():
        note = "  (the union)" if graph == plan.union_graph else ""
        lines.append(f"  PUT  <{graph}>  {n} triples{note}")
    lines += _drops_and_keeps(plan, "  ")
    others = len(plan.left_alone) - len(plan.unrecorded_own)
    lines.append(f"  record the {len(plan.puts)} graphs written in <{PUSHED_GRAPH}>; "
                 f"leave {others} other graph{'s' if others != 1 else ''} of the store alone")
    lines.append("dry run: nothing changed")
    return lines


def plan_summary(plan: PushPlan, target) -> str:
    """The plan in a few lines, before a push (whose progress then names each PUT)."""
    head = (f"push {len(plan.puts) - 1} graphs and the union <{plan.union_graph}> to {target.graph_store_url}; "
            f"drop {len(plan.drops)}; leave {len(plan.left_alone)} other graph{'s' if len(plan.left_alone) != 1 else ''} "
            "alone")
    return "\n".join([head, *_drops_and_keeps(plan, "  will ")])


def _drops_and_keeps(plan: PushPlan, lead: str) -> list[str]:
    return ([f"{lead}DROP <{graph}>  (written by an earlier push, not in this build)" for graph in plan.drops]
            + [f"{lead}KEEP <{graph}>  (under {BASE} but no push recorded it: drop it by hand if stale)"
               for graph in plan.unrecorded_own])
