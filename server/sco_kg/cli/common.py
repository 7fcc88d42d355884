"""What every command shares: exit codes, messages on stderr, the progress display, the
typed errors turned into messages and exit codes (0 fine, 1 the data is wrong, 2 the tool
could not run), and the options that pick the sources of a build."""


from __future__ import annotations

import functools
import os
import sys
import time
import traceback
from pathlib import Path

import click

from ..core.errors import (
    ConfigError,
    DataError,
    InconsistencyError,
    InputError,
    ScoKgError,
    ValidationError,
)
from ..pipeline.check import report_of
from ..pipeline.sources import Sources
from ..pipeline.validate import DEFAULT_VALIDATOR, ENGINES

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


def report_error(exc: Exception, report=None) -> int:
    """Print an error for people and return its exit code. A refusal of the pipeline prints
    its ``report`` (default: :func:`~sco_kg.pipeline.check.report_of` the error, with the
    proofs of the inferred triples it involves)."""
    if isinstance(exc, (ValidationError, InconsistencyError)):
        echo_err((report or report_of(exc)).text)
        if isinstance(exc, ValidationError):
            echo_err(f"error: the {exc.stage} data does not conform to the shapes", fg="red")
        else:
            echo_err(f"error: the OWL RL closure ({exc.engine}) is inconsistent", fg="red")
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
        except Exception as exc:  # a bug or an environment problem: the tool could not run
            if os.environ.get("SCO_KG_DEBUG"):
                echo_err(traceback.format_exc().rstrip())
            where = traceback.extract_tb(exc.__traceback__)[-1]
            echo_err(f"error: sco-kg failed unexpectedly: {type(exc).__name__}: {str(exc)[:500]} "
                     f"(in {Path(where.filename).name}:{where.lineno}; SCO_KG_DEBUG=1 prints the traceback)",
                     fg="red")
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
    "--validator", type=click.Choice(ENGINES), default=DEFAULT_VALIDATOR, show_default=True,
    help="SHACL engine: fast (sco_kg.pipeline.fastshacl), or pyshacl (the reference, same results, slower).")



NO_PROOFS_OPTION = click.option(
    "--no-proofs", is_flag=True,
    help="No kgg:proofs graph (the proof of each inferred triple): the fastest build. Only fastrl records "
         "proofs; with owlrl there are none.")
