"""What a validation worker (:mod:`.validate_worker`) does with one job of POST /validate:
parse the body under the request's limits, validate it as ``sco-kg validate FILE`` does,
render the report. Runs in the worker process, never in a request thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
    then validate it exactly as ``sco-kg validate FILE [--with-kg]`` does
    (:func:`sco_kg.pipeline.validate.validate_files`), the served data standing for the project's."""
    import tempfile
    from dataclasses import replace

    from ..core.errors import InputError
    from ..pipeline.report_formats import render
    from ..pipeline.sources import Sources
    from ..pipeline.validate import validate_files
    from ..rdf.untrusted import UntrustedInputError, parse_untrusted, syntax_for

    try:
        parse_untrusted(job["body"], job["media_type"], base=job["base"], max_bytes=job["max_bytes"],
                        max_triples=job["max_triples"])
    except UntrustedInputError as exc:
        return Outcome(False, status=exc.status, message=exc.message, line=exc.line, column=exc.column)
    name = syntax_for(job["media_type"]).key
    sources = Sources.default()
    sources = replace(sources, data_dirs=(), extra=(Path(job["kg_path"]),) if job.get("kg_path") else ())
    with tempfile.TemporaryDirectory(prefix="sco-kg-validate-") as folder:
        path = Path(folder) / f"body.{name}"
        path.write_bytes(job["body"])
        try:
            report = validate_files([path], name, with_kg=bool(job.get("kg_path")), sources=sources,
                                    engine=job.get("engine", "fast"))
        except InputError as exc:  # a loading rule of validate_files (the parse itself passed above)
            return Outcome(False, status=400, message=exc.message, line=exc.line, column=exc.column)
    return Outcome(True, body=render(report, job["format"]), conforms=report.conforms)
