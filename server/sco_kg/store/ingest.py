"""The guarded ingest (POST /data): a stranger's graph checked, reasoned over, stored for good.

Why it looks like this:

* **Checked and reasoned in a child process.** pySHACL flips rdflib-wide settings, so
  nothing validates inside the server's request threads; a child (``python -m
  sco_kg.store.ingest``) parses the body with :func:`sco_kg.rdf.untrusted.parse_untrusted`, validates
  it together with the served data (shapes, ontology context, existing data, as
  ``validate --with-kg``), and builds the next generation of the on-disk store
  (:mod:`sco_kg.store.disk`: the sources, the log, the new entry, ``kgg:inferred``
  recomputed over everything with fastrl, the union default graph). It can be killed at
  the ingest timeout, and its memory goes away with it.
* **Committed by the web process**, one ingest at a time (a lock): the entry is renamed into
  the log and the log's folder fsynced (the commit point), then ``build.json`` is replaced
  to name the new generation, then the app swaps to it (:meth:`Ingestor.swap`: its own
  read-only handle, the query workers restarted on the new folder). 201 comes last. A crash
  before the commit point leaves the store as before (the half-built generation is removed
  at the next start); after it, the next start finds a log the record does not know and
  rebuilds: as after.
* **Nothing of the token here**: the route checks it; this module never sees it.

The new graph holds the client's triples (the union of its graphs, for a dataset) and its
own provenance: ``<graph> a prov:Entity ; prov:generatedAtTime now ; dcterms:source
<url>`` (or the client's text as a literal). ``prov:wasDerivedFrom`` is kept for spans of
an article's text (the shapes require it to point at an ``oa:SpecificResource``), so the
client's source is recorded with ``dcterms:source``. The provenance is validated with the
data.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .ingest_child import ChildFailed, run_child

INGESTED_BASE = "https://w3id.org/sco-kg/graph/ingested/"
WORK_DIR = ".ingest"  # in the store's folder: bodies and entries being prepared

RESERVED_BASE = "https://w3id.org/sco-kg/graph/"  # the build's graphs: not a client's to name

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


class IngestRefused(Exception):
    """The ingest is refused: ``status`` (400, 409, 413, 415, 422, 503...), a message, details."""

    def __init__(self, status: int, message: str, **detail):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail


@dataclass
class Rejected:
    """The data does not conform (or is inconsistent): 422 with the report."""

    body: bytes
    report_format: str  # a value of sco_kg.pipeline.report_formats.REPORT_MEDIA_TYPES


@dataclass
class Accepted:
    graph: str
    triples: int
    seconds: dict = field(default_factory=dict)


def check_graph_name(name: str) -> str:
    if len(name) > 2000 or not _IRI.match(name):
        raise IngestRefused(400, f"graph {name[:200]!r} is not an absolute IRI")
    if name.startswith(RESERVED_BASE) and not name.startswith(INGESTED_BASE):
        raise IngestRefused(409 if name.rstrip("/") != RESERVED_BASE.rstrip("/") else 400,
                            f"graph <{name}> is in the build's namespace {RESERVED_BASE}: "
                            f"choose another name (or one under {INGESTED_BASE})")
    return name


def check_source(source: str | None) -> str | None:
    if source is not None and (len(source) > 2000 or not source.strip()):
        raise IngestRefused(400, "source must be a URL or a text of 1 to 2000 characters")
    return source


# -- the web process's side -----------------------------------------------------------------


class Ingestor:
    """Serialises ingests into one on-disk store and swaps the served store after each.

    ``swap(loaded)`` is called with the new :class:`sco_kg.store.served.Loaded` once it is
    committed (the app replaces its store and restarts its query workers).
    """

    def __init__(self, loaded, swap, *, max_bytes: int, max_triples: int, timeout: float, base: str,
                 max_memory_mb: int = 0, validator: str = "fast"):
        if loaded.store_root is None or loaded.path is None:
            raise ValueError("the ingest needs the on-disk store (serve --store DIR)")
        self.loaded = loaded
        self.root = Path(loaded.store_root)
        self.swap = swap
        self.max_bytes = max_bytes
        self.max_triples = max_triples
        self.timeout = timeout
        self.base = base
        self.max_memory_mb = max_memory_mb
        self.validator = validator
        self.lock = threading.Lock()
        self.work = self.root / WORK_DIR
        shutil.rmtree(self.work, ignore_errors=True)  # leftovers of an ingest a crash cut short
        self.work.mkdir(parents=True, exist_ok=True)

    def ingest(self, body: bytes, media_type: str, *, graph: str | None = None, source: str | None = None,
               report_format: str = "json") -> Accepted | Rejected:
        if graph is not None:
            check_graph_name(graph)
        check_source(source)
        if graph is not None and graph in self._graphs():
            raise IngestRefused(409, f"graph <{graph}> already exists: choose another name")
        if not self.lock.acquire(timeout=self.timeout):
            raise IngestRefused(503, f"another ingest held the store for {self.timeout:g} s; try again")
        try:
            return self._ingest_locked(body, media_type, graph, source, report_format)
        finally:
            self.lock.release()

    def _graphs(self) -> set[str]:
        import pyoxigraph as ox

        return {g.value for g in self.loaded.store.named_graphs() if isinstance(g, ox.NamedNode)}

    def _ingest_locked(self, body, media_type, graph, source, report_format):
        from .disk import new_generation, next_entry_name

        started = time.perf_counter()
        loaded = self.loaded
        ident = uuid.uuid4().hex
        graph = graph or INGESTED_BASE + ident
        if graph in self._graphs():
            raise IngestRefused(409, f"graph <{graph}> already exists: choose another name")
        job_dir = Path(tempfile.mkdtemp(dir=self.work, prefix=ident[:8]))
        db = new_generation(self.root)
        committed = False
        try:
            body_path = job_dir / "body"
            body_path.write_bytes(body)
            entry = job_dir / next_entry_name(self.root, ident)
            job = {
                "body": str(body_path), "media_type": media_type, "graph": graph, "source": source,
                "time": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                "parent": os.getpid(), "new": str(db), "entry": str(entry),
                "sources": [str(p) for p in loaded.sources], "log": [str(p) for p in _log(self.root)],
                "report_format": report_format, "max_bytes": self.max_bytes,
                "max_triples": self.max_triples, "base": self.base, "max_memory_mb": self.max_memory_mb,
                "validator": self.validator,
            }
            try:
                result = run_child(job, self.timeout)
            except ChildFailed as exc:
                raise IngestRefused(exc.status, exc.message) from None
            if result["status"] == 422:
                return Rejected(result["report"].encode("utf-8"), report_format)
            if result["status"] != 201:
                raise IngestRefused(result["status"], result["message"],
                                    **{k: result.get(k) for k in ("line", "column")})
            checked = time.perf_counter()
            self._commit(entry, db, result["quads"])
            committed = True
            seconds = dict(result["seconds"], commit=round(time.perf_counter() - checked, 3),
                           total=round(time.perf_counter() - started, 3))
            return Accepted(graph, result["triples"], seconds)
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)
            if not committed:
                shutil.rmtree(db, ignore_errors=True)

    def _commit(self, entry: Path, db: Path, quads: int) -> None:
        from .disk import LOG_DIR, fsync_dir, open_generation, remove_generations, write_record
        from .served import Loaded, _summary, store_content_key

        log_folder = self.root / LOG_DIR
        log_folder.mkdir(parents=True, exist_ok=True)
        with open(entry, "rb") as f:
            os.fsync(f.fileno())
        final = log_folder / entry.name
        crash_point("before-commit")
        os.replace(entry, final)
        fsync_dir(log_folder)  # the commit point: from here on the ingest survives anything
        crash_point("after-commit")
        old = self.loaded
        log = _log(self.root)
        key = store_content_key(old.build_key, _key_files(old), log)
        write_record(self.root, {"content_key": key, "generation": db.name, "quads": quads,
                                 "files": [str(p) for p in old.sources], "log": [p.name for p in log]})
        crash_point("after-record")
        store = open_generation(self.root, db, quads)
        loaded = Loaded(store, db, old.dumps_dir, key, _summary(old.dumps_dir), sources=old.sources,
                        build_key=old.build_key, store_root=self.root)
        self.loaded = loaded
        self.swap(loaded)
        # the previous generation may still serve a request in flight: removed at the next ingest
        remove_generations(self.root, keep=[db, old.path])


def crash_point(name: str) -> None:
    """Fault injection for tests/crash: ``SCO_KG_CRASH_AT=<name>`` kills this process (SIGKILL,
    as ``kill -9`` would) at that instant of the commit. Unset in production: does nothing."""
    if os.environ.get("SCO_KG_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _log(root: Path):
    from .disk import log_entries

    return log_entries(root)


def _key_files(loaded) -> list[Path]:
    """The files of the content key: the loaded files but the build's dump (the key has it)."""
    dump = loaded.dumps_dir / "sco-kg.nq" if loaded.dumps_dir else None
    return [p for p in loaded.sources if p != dump]
