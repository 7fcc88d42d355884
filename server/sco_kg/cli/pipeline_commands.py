"""``sco-kg build``, ``sco-kg validate`` and ``sco-kg export``: the one pipeline from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..core.errors import ConfigError, InconsistencyError, ScoKgError, ValidationError
from ..pipeline.build import build as run_pipeline
from ..pipeline.check import check, report_of, strangers_limits, validate_files
from ..pipeline.reason import proves
from ..pipeline.sources import Sources
from ..pipeline.validate import DEFAULT_VALIDATOR
from ..rdf.formats import syntax_names
from ..store.export import FORMATS, serialize
from ..store.export import export as export_dir
from .common import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_RUN,
    NO_PROOFS_OPTION,
    VALIDATOR_OPTION,
    Progress,
    echo_err,
    handle_errors,
    report_error,
    sources_from,
    sources_options,
)


def run_build(sources: Sources, reasoner: str | None, validate: bool, quiet: bool, validator: str = DEFAULT_VALIDATOR,
              proofs: bool = True):
    """Build with a progress display; errors propagate (see :func:`handle_errors`). ``proofs``:
    with a reasoner that records them (:func:`proves`)."""
    progress = Progress(quiet)
    try:
        result = run_pipeline(sources, reasoner=reasoner, validate=validate, progress=progress, validator=validator,
                              proofs=proofs and proves(reasoner))
    except (ScoKgError, OSError):
        progress.failed()
        raise
    return result, progress


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write the dumps and summary.json into (replaced atomically).")
@sources_options
@click.option("--reasoner", default="fastrl", show_default=True,
              help="OWL 2 RL reasoner: fastrl, or owlrl (the reference, much slower).")
@click.option("--no-reason", is_flag=True, help="Skip reasoning (no kgg:inferred graph).")
@NO_PROOFS_OPTION
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@VALIDATOR_OPTION
@click.option("--report", "report_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report graph of the last check to OUT (Turtle, or JSON-LD when OUT ends with "
                   ".jsonld), whether the build passes or not.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@handle_errors
def build(out_dir: Path, data_files, extra, data_dirs, reasoner: str, no_reason: bool, no_proofs: bool,
          no_validate: bool, validator: str, report_out: Path | None, quiet: bool) -> None:
    """Load, validate, reason, validate the closure, and write DIR (default dist/)."""
    sources = sources_from(extra, data_dirs, data_files)
    try:
        result, progress = run_build(sources, None if no_reason else reasoner, not no_validate, quiet, validator,
                                     proofs=not no_proofs)
    except (ValidationError, InconsistencyError) as exc:
        report = report_of(exc)  # once: with its proofs
        if report_out is not None:
            write_report(report, report_out)
        sys.exit(report_error(exc, report))
    if report_out is not None:
        write_report(result.report, report_out)
    progress("write", "start", None)
    started = time.perf_counter()
    paths = export_dir(result, out_dir)
    progress("write", "done", time.perf_counter() - started)
    stats = result.stats
    for report in result.reports.values():
        if report.results:  # warnings or infos only: the build passed, show them anyway
            echo_err(report.text)
    if not quiet:
        echo_err(
            f"built {stats['graph_count']} graphs, {stats['asserted']} asserted + {stats['inferred']} inferred "
            f"triples" + (f" (+ {stats['proofs']} in kgg:proofs)" if stats.get("proofs") else "")
            + f" in {progress.total():.1f} s -> {paths['sco-kg.trig'].parent}",
            fg="green",
        )


def write_report(report, out: Path) -> None:
    """The SHACL report graph: JSON-LD when OUT ends with .jsonld (or .json), else Turtle."""
    fmt = "json-ld" if out.suffix.lower() in (".jsonld", ".json") else "turtle"
    text = report.graph.serialize(format=fmt)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(out)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", metavar="F", type=click.Choice(syntax_names(), case_sensitive=False),
              help="RDF syntax of FILE... (turtle, trig, nt, nquads, xml, jsonld, n3, trix); default: by extension.")
@click.option("--with-kg", is_flag=True,
              help="Validate FILE... together with the project's data, so references to its entities resolve.")
@click.option("--report", "report_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the SHACL report graph to OUT (Turtle, or JSON-LD when OUT ends with .jsonld).")
@sources_options
@click.option("--closure/--no-closure", default=True, show_default=True,
              help="Also reason and validate the OWL RL closure (project data only, without FILE).")
@click.option("--reasoner", default="fastrl", show_default=True,
              help="OWL 2 RL reasoner: fastrl, or owlrl (the reference, much slower).")
@VALIDATOR_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print only the report.")
@handle_errors
def validate(files, fmt, with_kg: bool, report_out, data_files, extra, data_dirs, closure: bool, reasoner: str,
             validator: str, quiet: bool) -> None:
    """Validate FILE... (any RDF syntax, graphs or datasets), or without FILE the project's
    data: the pipeline of the build (the shapes with the ontology as context, the provenance
    of the graphs a dataset names, literals of their datatype, then the OWL RL closure and the
    shapes again); print the report grouped by focus node, then a one-line verdict.

    Exit 0 conforms, 1 the data is wrong (violations, an inconsistency, an unreadable file:
    with line and column), 2 bad usage or setting.
    """
    sources = sources_from(extra, data_dirs, data_files)
    if sources.shapes is None:
        raise ConfigError("no shapes: ontology/shapes.ttl is missing")
    if files:  # a stranger's files: their closure bounded, as POST /validate bounds it
        report = validate_files(files, fmt, with_kg=with_kg, sources=sources, engine=validator,
                                reasoner=reasoner if closure else None, limits=strangers_limits())
    else:
        report = check(sources, reasoner=reasoner if closure else None, validator=validator,
                       progress=None if quiet else Progress(quiet)).report
    click.echo(report.text)
    if report_out is not None:
        write_report(report, report_out)
    sys.exit(EXIT_OK if report.conforms else EXIT_DATA)


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write every dump (TriG, N-Quads, Turtle, N-Triples, RDF/XML, JSON-LD), void.ttl, "
                   "manifest.json and summary.json into this folder (replaced atomically).")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              default=None, help="One syntax to standard output or --output (default trig); "
                                 "trig and nquads keep the named graphs, kgg:proofs included; the others "
                                 "hold the union, without kgg:proofs.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@sources_options
@click.option("--reasoner", default="fastrl", show_default=True,
              help="OWL 2 RL reasoner: fastrl, or owlrl (the reference, much slower).")
@click.option("--no-reason", is_flag=True, help="Asserted triples only.")
@NO_PROOFS_OPTION
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@handle_errors
def export(out_dir: Path | None, fmt: str | None, output: Path | None, data_files, extra, data_dirs, reasoner: str,
           no_reason: bool, no_proofs: bool, no_validate: bool, quiet: bool) -> None:
    """Build and write the dataset: every file into --out DIR, or one RDF syntax."""
    if out_dir is not None and (fmt is not None or output is not None):
        raise click.UsageError("--out writes every format: it does not go with --format or --output")
    sources = sources_from(extra, data_dirs, data_files)
    result, _ = run_build(sources, None if no_reason else reasoner, not no_validate, quiet, proofs=not no_proofs)
    if out_dir is not None:
        paths = export_dir(result, out_dir)
        if not quiet:
            echo_err(f"exported {len(paths)} files -> {out_dir}", fg="green")
        return
    text = serialize(result.dataset, fmt or "trig")
    if output is None:
        click.echo(text, nl=False)
    else:
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(output)
