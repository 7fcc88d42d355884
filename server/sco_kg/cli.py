"""The ``sco-kg`` command. The only module that prints and picks exit codes:
0 fine, 1 the data is wrong, 2 the tool could not run (bad usage, setting, environment).

Commands are added to the :func:`main` group; ``sources_options`` and :func:`sources_from`
give any new command the same ``--data``/``--also-data``/``--articles`` options (see ``build``).
"""

from __future__ import annotations

import functools
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import (
    ConfigError,
    DataError,
    InconsistencyError,
    InputError,
    ScoKgError,
    ValidationError,
)
from .export import FORMATS
from .resources import Sources

EXIT_OK, EXIT_DATA, EXIT_RUN = 0, 1, 2


def echo_err(message: str = "", **style) -> None:
    click.echo(click.style(message, **style) if style else message, err=True)


class Progress:
    """One line per build step on stderr, with its time."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.started = time.perf_counter()
        self.tty = bool(getattr(sys.stderr, "isatty", lambda: False)())
        self.pending: str | None = None

    def __call__(self, step: str, state: str, seconds: float | None) -> None:
        if self.quiet:
            return
        if state == "start":
            self.pending = step
            if self.tty:
                click.echo(f"  {step:<17}...", err=True, nl=False)
        else:
            self.pending = None
            click.echo(f"{chr(13) if self.tty else ''}  {step:<17}done {seconds:7.2f} s", err=True)

    def failed(self) -> None:
        if not self.quiet and self.pending:
            click.echo(f"{chr(13) if self.tty else ''}  {self.pending:<17}FAILED", err=True)
            self.pending = None

    def total(self) -> float:
        return time.perf_counter() - self.started


def report_error(exc: Exception) -> int:
    """Print an error for people and return its exit code."""
    if isinstance(exc, ValidationError):
        echo_err(exc.report.text)
        echo_err(f"error: the {exc.stage} data does not conform to the shapes", fg="red")
        return EXIT_DATA
    if isinstance(exc, InconsistencyError):
        echo_err(f"error: the OWL RL closure ({exc.engine}) is inconsistent:", fg="red")
        for message in exc.messages:
            echo_err(f"  - {message}")
        return EXIT_DATA
    if isinstance(exc, InputError):
        echo_err(f"error: {exc}", fg="red")
        return EXIT_DATA
    if isinstance(exc, DataError):
        echo_err(f"error: {exc}", fg="red")
        return EXIT_DATA
    if isinstance(exc, (ConfigError, ScoKgError)):
        echo_err(f"error: {exc}", fg="red")
        return EXIT_RUN
    if isinstance(exc, OSError):
        echo_err(f"error: {exc}", fg="red")
        return EXIT_RUN
    raise exc


def handle_errors(fn):
    """Turn the library's typed errors into messages and exit codes."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ScoKgError, OSError) as exc:
            sys.exit(report_error(exc))
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception:  # a bug or an environment problem: the tool could not run
            echo_err(traceback.format_exc().rstrip())
            echo_err("error: sco-kg failed unexpectedly (see above)", fg="red")
            sys.exit(EXIT_RUN)

    return wrapper


def sources_options(fn):
    """``--data FILE`` (instead of data/), ``--also-data FILE`` (beside it) and ``--articles DIR``,
    each repeatable, for any command; the command gets ``data_files``, ``extra`` and ``data_dirs``."""
    fn = click.option(
        "--articles",
        "data_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A further data folder laid out like data/ (articles/<id>/article.txt + *.trig). Repeatable.",
    )(fn)
    fn = click.option(
        "--also-data",
        "extra",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A further RDF file added to the project's data (syntax from its extension). Repeatable.",
    )(fn)
    fn = click.option(
        "--data",
        "data_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Build from this RDF file INSTEAD of the project's data/ (the ontology stays; syntax from "
             "its extension: .trig, .nq, .ttl, .nt, .rdf, .jsonld). Repeatable.",
    )(fn)
    return fn


def sources_from(extra=(), data_dirs=(), data_files=()) -> Sources:
    return Sources.default(extra=extra, data_dirs=data_dirs, data_files=data_files)


VALIDATOR_OPTION = click.option(
    "--validator", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
    help="SHACL engine: fast (sco_kg.fastshacl), or pyshacl (the reference, same results, slower).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sco-kg")
def main() -> None:
    """sco-kg: a knowledge graph of news articles about the Shanghai Cooperation Organisation.

    Exit codes: 0 fine, 1 the data is wrong, 2 the tool could not run.
    """


def run_build(sources: Sources, reasoner: str | None, validate: bool, quiet: bool, validator: str = "fast"):
    """Build with a progress display; errors propagate (see :func:`handle_errors`)."""
    from .build import build

    progress = Progress(quiet)
    try:
        result = build(sources, reasoner=reasoner, validate=validate, progress=progress, validator=validator)
    except (ScoKgError, OSError):
        progress.failed()
        raise
    return result, progress


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write the dumps and summary.json into (replaced atomically).")
@sources_options
@click.option("--reasoner", default="fastrl", show_default=True,
              help="OWL 2 RL reasoner: fastrl, or owlrl (the reference, much slower).")
@click.option("--no-reason", is_flag=True, help="Skip reasoning (no kgg:inferred graph).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@VALIDATOR_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@handle_errors
def build(out_dir: Path, data_files, extra, data_dirs, reasoner: str, no_reason: bool, no_validate: bool,
          validator: str, quiet: bool) -> None:
    """Load, validate, reason, validate the closure, and write DIR (default dist/)."""
    from .export import export

    sources = sources_from(extra, data_dirs, data_files)
    result, progress = run_build(sources, None if no_reason else reasoner, not no_validate, quiet, validator)
    progress("write", "start", None)
    started = time.perf_counter()
    paths = export(result, out_dir)
    progress("write", "done", time.perf_counter() - started)
    stats = result.stats
    for report in result.reports.values():
        if report.results:  # warnings or infos only: the build passed, show them anyway
            echo_err(report.text)
    if not quiet:
        echo_err(
            f"built {stats['graph_count']} graphs, {stats['asserted']} asserted + {stats['inferred']} inferred "
            f"triples in {progress.total():.1f} s -> {paths['sco-kg.trig'].parent}",
            fg="green",
        )


def write_report(report, out: Path) -> None:
    """The SHACL report graph: JSON-LD when OUT ends with .jsonld (or .json), else Turtle."""
    fmt = "json-ld" if out.suffix.lower() in (".jsonld", ".json") else "turtle"
    text = report.graph.serialize(format=fmt)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(out)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", metavar="F",
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
    data, against the SHACL shapes with the ontology as context; print the report grouped
    by focus node, then a one-line verdict.

    Exit 0 conforms, 1 violations, 2 unreadable input (with line and column) or bad usage.
    """
    sources = sources_from(extra, data_dirs, data_files)
    if sources.shapes is None:
        raise ConfigError("no shapes: ontology/shapes.ttl is missing")
    if files:
        from .validate import validate_files

        try:
            report = validate_files(files, fmt, with_kg=with_kg, sources=sources, engine=validator)
        except InputError as exc:  # unreadable input: the tool could not validate it
            echo_err(f"error: {exc}", fg="red")
            sys.exit(EXIT_RUN)
        click.echo(report.text)
        if report_out is not None:
            write_report(report, report_out)
        sys.exit(EXIT_OK if report.conforms else EXIT_DATA)
    try:
        result, _ = run_build(sources, reasoner if closure else None, True, quiet, validator)
    except ValidationError as exc:
        click.echo(exc.report.text)
        if report_out is not None:
            write_report(exc.report, report_out)
        sys.exit(EXIT_DATA)
    click.echo(result.report.text)
    if report_out is not None:
        write_report(result.report, report_out)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write every dump (TriG, N-Quads, Turtle, N-Triples, RDF/XML, JSON-LD), void.ttl, "
                   "manifest.json and summary.json into this folder (replaced atomically).")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              default=None, help="One syntax to standard output or --output (default trig); "
                                 "trig and nquads keep the named graphs, the others hold the union.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@sources_options
@click.option("--reasoner", default="fastrl", show_default=True,
              help="OWL 2 RL reasoner: fastrl, or owlrl (the reference, much slower).")
@click.option("--no-reason", is_flag=True, help="Asserted triples only.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@handle_errors
def export(out_dir: Path | None, fmt: str | None, output: Path | None, data_files, extra, data_dirs, reasoner: str,
           no_reason: bool, no_validate: bool, quiet: bool) -> None:
    """Build and write the dataset: every file into --out DIR, or one RDF syntax."""
    from .export import export as export_dir
    from .export import serialize

    if out_dir is not None and (fmt is not None or output is not None):
        raise click.UsageError("--out writes every format: it does not go with --format or --output")
    sources = sources_from(extra, data_dirs, data_files)
    result, _ = run_build(sources, None if no_reason else reasoner, not no_validate, quiet)
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


from .synth import synth_command  # noqa: E402  (synthetic data for benchmarks)
from .web.command import serve  # noqa: E402  (the web server; imports flask only when run)

main.add_command(serve)
main.add_command(synth_command)
main.add_command(__import__(f"{__package__}.push", fromlist=["*"]).push_command)  # another store (GSP)


if __name__ == "__main__":  # pragma: no cover
    main()
