"""What a validation worker (:mod:`.validate_worker`) does with one job of POST /validate:
parse the body under the request's limits, run the one pipeline over it as ``sco-kg
validate FILE`` does, render the report. Runs in the worker process, never in a request thread."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError, ReasoningLimitExceeded
from ..pipeline.check import check
from ..pipeline.report_formats import render
from ..pipeline.sources import Input, Sources
from ..pipeline.validate import DEFAULT_VALIDATOR
from ..rdf.untrusted import UntrustedInputError, parse_untrusted, syntax_for


@dataclass
class Outcome:
    """A worker's answer: a report (``body`` in ``format``) or a refusal of the input."""

    ok: bool
    body: bytes = b""
    conforms: bool | None = None
    status: int = 200
    message: str = ""
    line: int | None = None
    column: int | None = None
    reason: str | None = None  # "memory" when the worker's cap stopped it (as when it dies of it)


def run_job(job: dict) -> Outcome:
    """Parse the body under the request's limits (a refusal is an Outcome with its status),
    then run the one pipeline over it as ``sco-kg validate FILE [--with-kg]`` does
    (:func:`sco_kg.pipeline.check.check`): with the ontology alone, or with ``served`` (the
    files the served store is made of: the build's dump, the ingest log) for
    ``?with-kg=true``, which is also what ``POST /data`` checks a body against."""
    try:  # the statuses of a refused body (413, 415, 422, 400 with its position)
        parse_untrusted(job["body"], job["media_type"], base=job["base"], max_bytes=job["max_bytes"],
                        max_triples=job["max_triples"])
    except UntrustedInputError as exc:
        return Outcome(False, status=exc.status, message=exc.message, line=exc.line, column=exc.column)
    syntax = syntax_for(job["media_type"])
    with tempfile.TemporaryDirectory(prefix="sco-kg-validate-") as folder:
        path = Path(folder) / f"body.{syntax.extension}"
        path.write_bytes(job["body"])
        body = Input(path, syntax=syntax.key, max_triples=job["max_triples"], name="the body")
        served = job.get("served")
        sources = Sources.of_served(served, [body]) if served else Sources.default().ontology_only().with_extra(body)
        try:
            checked = check(sources, validator=job.get("engine", DEFAULT_VALIDATOR), limits=job.get("limits"))
        except InputError as exc:  # a loading rule (the parse itself passed above)
            return Outcome(False, status=400, message=exc.message, line=exc.line, column=exc.column)
        except ReasoningLimitExceeded as exc:  # the closure past its limits
            return Outcome(False, status=413, message=str(exc), reason="reasoning")
    return Outcome(True, body=render(checked.report, job["format"]), conforms=checked.conforms)
