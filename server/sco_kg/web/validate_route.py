"""``POST /validate``: a stranger's RDF checked against the shapes, over HTTP.

The body is RDF in any syntax of :data:`sco_kg.rdf.untrusted.MEDIA_TYPES`, by Content-Type;
it is validated by the function of ``sco-kg validate FILE`` (the union of its graphs, the
shapes, the ontology and its imports as context; relative IRIs resolve against the
project's base, as for files), with ``?with-kg=true`` together with the served graph's
asserted data (so references to its entities resolve).

* 200 with the report whether or not the data conforms, by Accept (web/conneg.py's
  negotiation): a JSON summary (``application/json``, the default), or the SHACL report
  graph in Turtle or JSON-LD (:mod:`.validate_report`);
* 400 unparseable input (with ``line`` and ``column``), a bad ``with-kg`` value;
  413 past ``validate_max_bytes`` (from Content-Length, before the body is read) or
  ``validate_max_triples`` or when the validation needs more than ``validate_max_memory_mb``;
  415 unknown Content-Type; 406 no acceptable report format;
  422 input refused on principle (a remote JSON-LD context, an XML external entity);
  503 when the validation overruns ``validate_timeout`` (its worker is killed) or the
  validation workers are saturated (two requests per worker running or waiting).

Parsing and validation run in a worker process (:mod:`.validate_worker`), never in the
request thread.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, request
from rdflib import URIRef

from ..pipeline.report_formats import CONTENT_TYPES, REPORT_MEDIA_TYPES
from ..rdf.namespaces import BASE, INFERRED_GRAPH, KGG, is_schema_graph
from ..rdf.untrusted import ACCEPTED, UntrustedInputError, syntax_for
from ..store.memory import parse_format
from .app import current_kg
from .conneg import best_of
from .errors import ApiError
from .params import url_params
from .validate_worker import ValidationTimeout, ValidatorBusy, ValidatorCrashed, ValidatorOutOfMemory, ValidatorPool

bp = Blueprint("validate", __name__)

_LOCK = threading.Lock()
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


def _served_files(kg) -> list[Path]:
    """The files the served store was made of (the build's dump, ``--data`` files, committed
    ingests), read again rather than the store: pyoxigraph keeps ``xsd:nonNegativeInteger``
    literals as ``xsd:integer``, which the shapes refuse."""
    files = [Path(p) for p in getattr(kg.loaded, "sources", None) or []]
    root = getattr(kg.loaded, "store_root", None)
    if root is not None:
        from ..store.disk import log_entries

        files += log_entries(Path(root))
    return files


def _kg_nquads(kg) -> str:
    """The served graph's asserted data graphs (no ontology, imports or closure) as one
    N-Quads file, made again when the served files change (an ingest)."""
    files = _served_files(kg)
    key = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    made = kg.cached("validate:kg-nquads", dict, per_store=False)  # keyed by the files
    with _LOCK:
        if key not in made:
            folder = kg.cached("validate:folder", _temporary_folder, per_store=False)
            path = os.path.join(folder, f"kg-{len(made)}.nq")
            served_default = ox.NamedNode(str(KGG["served/default"]))  # graph-less triples of --data files
            inferred = str(INFERRED_GRAPH)
            with open(path, "wb") as out:
                for file in files:
                    quads = [ox.Quad(q.subject, q.predicate, q.object, served_default)
                             if isinstance(q.graph_name, ox.DefaultGraph) else q
                             for q in ox.parse(path=file, format=parse_format(file), base_iri=file.resolve().as_uri())
                             if isinstance(q.graph_name, ox.DefaultGraph)
                             or not (is_schema_graph(URIRef(q.graph_name.value)) or q.graph_name.value == inferred)]
                    ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
            made.clear()  # one file at a time: the newest
            made[key] = path
        return made[key]


def _temporary_folder() -> str:
    folder = tempfile.mkdtemp(prefix="sco-kg-validate-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


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
        "format": fmt, "kg_path": _kg_nquads(kg) if with_kg else None, "engine": settings["validator"],
    }
    timeout = settings["validate_timeout"]
    try:
        outcome = _pool(kg).validate(job, timeout)
    except ValidationTimeout as exc:
        raise ApiError(503, f"{exc} (the validation time limit is {timeout:g} s; send less data)",
                       reason="timeout", headers={"Retry-After": "5"}) from None
    except ValidatorBusy as exc:
        raise ApiError(503, str(exc), reason="busy", headers={"Retry-After": "5"}) from None
    except ValidatorOutOfMemory as exc:
        raise ApiError(413, f"{exc}: send less data", reason="memory") from None
    except ValidatorCrashed as exc:
        raise ApiError(500, str(exc), reason="validator-crash") from None
    if not outcome.ok:
        extra = {"reason": outcome.reason} if outcome.reason else {}
        raise ApiError(outcome.status, outcome.message, line=outcome.line, column=outcome.column, **extra)
    resp = Response(outcome.body, content_type=CONTENT_TYPES[fmt])
    resp.headers["Vary"] = "Accept"
    return resp
