"""``POST /validate``: a stranger's RDF checked against the shapes, over HTTP.

The body is RDF in any syntax of :data:`sco_kg.rdf.untrusted.MEDIA_TYPES`, by Content-Type;
it goes through the one pipeline, as ``sco-kg validate FILE`` (the shapes with the ontology
and its imports as context, the provenance of the graphs it names, literals of their
datatype, the OWL RL closure within its limits, the shapes again; relative IRIs resolve
against the project's base, as for files), with ``?with-kg=true`` together with the served
data (so references to its entities resolve): what ``POST /data`` would say of it.

* 200 with the report whether or not the data conforms, by Accept (web/conneg.py's
  negotiation): a JSON summary (``application/json``, the default), or the SHACL report
  graph in Turtle or JSON-LD (:mod:`sco_kg.pipeline.report_formats`); an inconsistency of
  the closure is a report that does not conform;
* 400 unparseable input (with ``line`` and ``column``), a bad ``with-kg`` value;
  413 past ``validate_max_bytes`` (from Content-Length, before the body is read) or
  ``validate_max_triples``, when the closure passes its limits, or when the validation
  needs more than ``validate_max_memory_mb``;
  415 unknown Content-Type; 406 no acceptable report format;
  422 input refused on principle (a remote JSON-LD context, an XML external entity);
  503 when the validation overruns ``validate_timeout`` (its worker is killed) or the
  validation workers are saturated (two requests per worker running or waiting).

Parsing and validation run in a worker process (:mod:`.validate_worker`), never in the
request thread.
"""

from __future__ import annotations

import atexit
from pathlib import Path

from flask import Blueprint, Response, request

from ..pipeline.check import strangers_limits
from ..pipeline.report_formats import CONTENT_TYPES, REPORT_MEDIA_TYPES
from ..rdf.namespaces import BASE
from ..rdf.untrusted import ACCEPTED, UntrustedInputError, syntax_for
from ..store.disk import log_entries
from .app import current_kg
from .conneg import best_of
from .errors import ApiError
from .params import url_params
from .validate_worker import ValidatorPool

bp = Blueprint("validate", __name__)

TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")


def _pool(kg) -> ValidatorPool:
    def make():
        pool = ValidatorPool(kg.settings["validate_workers"], memory_mb=kg.settings["validate_max_memory_mb"],
                             isolate_network=kg.settings["isolate_network"])
        atexit.register(pool.close)
        close_kg = kg.close

        def close() -> None:  # the app's close (tests, shutdown) stops the validation workers too
            pool.close()
            close_kg()

        kg.close = close
        return pool

    return kg.cached("validate:pool", make, per_store=False)


def _served_files(kg) -> list[str]:
    """The files the served store is made of (the build's dump, ``--data`` files, committed
    ingests): ``?with-kg=true`` checks a body against them, as ``POST /data`` does."""
    files = [Path(p) for p in getattr(kg.loaded, "sources", None) or []]
    root = getattr(kg.loaded, "store_root", None)
    if root is not None:
        files += log_entries(Path(root))
    return [str(p) for p in files]


def _with_kg(params) -> bool:
    values = [v.strip().lower() for k, v in params if k == "with-kg"]
    if not values:
        return False
    if values[-1] in TRUE:
        return True
    if values[-1] in FALSE:
        return False
    raise ApiError(400, f"with-kg={values[-1]!r}: give true or false")


def _read_body(limit: int) -> bytes:
    length = request.content_length
    if length is not None and length > limit:
        raise ApiError(413, f"the body is {length} bytes, over the validation limit of {limit} bytes",
                       limit=limit)
    chunks, size = [], 0
    while size <= limit:  # a read may return less than asked: read to the end, or one byte past the limit
        chunk = request.stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    if len(body) > limit:
        raise ApiError(413, f"the body is over the validation limit of {limit} bytes", limit=limit)
    return body


@bp.route("/validate", methods=["POST"])
def validate_body():
    kg = current_kg()
    settings = kg.settings
    with_kg = _with_kg(url_params())
    try:
        syntax_for(request.headers.get("Content-Type"))
    except UntrustedInputError as exc:
        raise ApiError(exc.status, exc.message, headers={"Accept-Post": ACCEPTED}) from None
    media_type = best_of(request.headers.get("Accept"), tuple(REPORT_MEDIA_TYPES))
    if media_type is None:
        raise ApiError(406, "no acceptable media type for a validation report; available: "
                       + ", ".join(REPORT_MEDIA_TYPES), available=list(REPORT_MEDIA_TYPES))
    fmt = REPORT_MEDIA_TYPES[media_type]
    body = _read_body(settings["validate_max_bytes"])
    job = {
        "body": body, "media_type": request.headers["Content-Type"], "base": BASE,
        "max_bytes": settings["validate_max_bytes"], "max_triples": settings["validate_max_triples"],
        "format": fmt, "served": _served_files(kg) if with_kg else None, "engine": settings["validator"],
        "limits": strangers_limits(kg.settings),
    }
    # the pool's failures (time, busy, memory, a crash) answer through web/errors.py's one table
    outcome = _pool(kg).validate(job, settings["validate_timeout"])
    if not outcome.ok:
        extra = {"reason": outcome.reason} if outcome.reason else {}
        raise ApiError(outcome.status, outcome.message, line=outcome.line, column=outcome.column, **extra)
    resp = Response(outcome.body, content_type=CONTENT_TYPES[fmt])
    resp.headers["Vary"] = "Accept"
    return resp
