"""The guarded ingest (POST /data): a stranger's graphs checked by the one pipeline, stored for good.

Why it looks like this:

* **Checked in a child process.** Validation and reasoning never run in the server's
  request threads; a confined child (:mod:`.ingest_child`) runs :func:`.ingest_job.prepare`:
  the body read by the one reader of strangers' RDF, the one pipeline over the served data
  plus the body (:func:`sco_kg.pipeline.check.check`: the asserted data validated, the
  closure reasoned within its limits and validated), and, when it passes, the log entry and
  the next generation of the on-disk store (:mod:`sco_kg.store.disk`: the pipeline's
  dataset, the union default graph). It can be killed at the ingest timeout, and its memory
  goes away with it.
* **Committed by the web process**, one ingest at a time (a lock): the entry is renamed into
  the log and the log's folder fsynced (the commit point), then ``build.json`` is replaced
  to name the new generation, then the app swaps to it (:meth:`Ingestor.swap`: its own
  read-only handle, the query workers restarted on the new folder). 201 comes last. A crash
  before the commit point leaves the store as before (the half-built generation is removed
  at the next start); after it, the next start finds a log the record does not know and
  makes the generation again with the same pipeline: as after.
* **Nothing of the token here**: the route checks it; this module never sees it.

What is stored, and how graphs are named: :mod:`.ingest_job`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import InputError
from ..pipeline.validate import DEFAULT_VALIDATOR

from .disk import (LOG_DIR, fsync_dir, log_entries, new_generation, next_entry_name, open_generation,
                   remove_generations, write_record)
from .ingest_child import ChildFailed, run_child
from .ingest_job import INGESTED_BASE, IngestRefused, check_graph_name, check_source
from .memory import parse_format
from .served import Loaded, _summary, store_content_key

WORK_DIR = ".ingest"  # in the store's folder: bodies and entries being prepared


@dataclass
class Rejected:
    """The data does not conform (or is inconsistent): 422 with the report."""

    body: bytes
    report_format: str  # a value of sco_kg.pipeline.report_formats.REPORT_MEDIA_TYPES


@dataclass
class Changed:
    """A change (update or Graph Store write) committed, or one that changed nothing."""

    id: str | None
    added: int = 0
    removed: int = 0
    graphs: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    created: bool = False  # a Graph Store write made a new graph
    warnings: list[str] = field(default_factory=list)


@dataclass
class Accepted:
    graph: str  # the ingest's graph: the triples of the body, or the description of its graphs
    triples: int
    seconds: dict = field(default_factory=dict)
    graphs: list[str] = field(default_factory=list)  # the graphs a dataset body named


# -- the web process's side -----------------------------------------------------------------


class Ingestor:
    """Serialises ingests into one on-disk store and swaps the served store after each.

    ``swap(loaded)`` is called with the new :class:`sco_kg.store.served.Loaded` once it is
    committed (the app replaces its store and restarts its query workers).
    """

    def __init__(self, loaded, swap, *, max_bytes: int, max_triples: int, timeout: float, base: str,
                 max_memory_mb: int = 0, validator: str = DEFAULT_VALIDATOR, limits=None,
                 curate_build_graphs: bool = False):
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
        # the bounds of the closure (sco_kg.pipeline.check.strangers_limits), as the child's JSON job carries them
        self.limits = dataclasses.asdict(limits) if limits is not None else None
        self.curate_build_graphs = curate_build_graphs
        self._build_graphs: set[str] | None = None
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

    def change(self, kind: str, *, agent: str, update: str | None = None, graph: str | None = None,
               body: bytes | None = None, media_type: str | None = None, reason: str | None = None,
               reverts: str | None = None, request: str = "", report_format: str = "json",
               update_base: str | None = None, patch: str | None = None) -> Changed | Rejected:
        """One update (``kind`` "update") or Graph Store write ("put", "post", "delete" of
        ``graph``) by ``agent`` (a token's name), checked by :mod:`.change_job` in the child."""
        if not self.lock.acquire(timeout=self.timeout):
            raise IngestRefused(503, f"another write held the store for {self.timeout:g} s; try again")
        try:
            existed = graph is not None and graph in self._graphs()
            ident = uuid.uuid4().hex
            job_dir = Path(tempfile.mkdtemp(dir=self.work, prefix=ident[:8]))
            extra = {"door": "change", "kind": kind, "update": update, "graph": graph, "agent": agent,
                     "update_base": update_base, "patch": patch,
                     "reason": reason, "reverts": reverts, "request": request or _request_text(kind, graph),
                     "generation": str(self.loaded.path), "protected": sorted(self.build_graphs()),
                     "curate_build_graphs": self.curate_build_graphs}
            if body is not None:
                (job_dir / "body").write_bytes(body)
                extra.update(body=str(job_dir / "body"), media_type=media_type)
            outcome = self._run_locked(job_dir, ident, ".rdfp", extra, report_format)
            if isinstance(outcome, Rejected):
                return outcome
            result, seconds = outcome
            if not result.get("changed"):
                return Changed(None, seconds=seconds, warnings=result.get("warnings") or [])
            return Changed(ident, result["added"], result["removed"], result["graphs"], seconds,
                           created=graph is not None and not existed and kind in ("put", "post"),
                           warnings=result.get("warnings") or [])
        finally:
            self.lock.release()

    def build_graphs(self) -> set[str]:
        """The named graphs of the build's files (its dump, ``--data`` files): protected from
        changes unless the server curates them (``--curate-build-graphs``)."""
        if self._build_graphs is None:
            names = set()
            for path in self.loaded.sources:  # files the store was made from, checked when it was made
                try:
                    names |= {q.graph_name.value for q in ox.parse(path=str(path), format=parse_format(Path(path)))
                              if isinstance(q.graph_name, ox.NamedNode)}
                except (InputError, OSError, SyntaxError):
                    continue
            self._build_graphs = names
        return self._build_graphs

    def _graphs(self) -> set[str]:
        return {g.value for g in self.loaded.store.named_graphs() if isinstance(g, ox.NamedNode)}

    def _ingest_locked(self, body, media_type, graph, source, report_format):
        started = time.perf_counter()
        ident = uuid.uuid4().hex
        given = graph is not None
        graph = graph or INGESTED_BASE + ident
        if graph in self._graphs():
            raise IngestRefused(409, f"graph <{graph}> already exists: choose another name")
        job_dir = Path(tempfile.mkdtemp(dir=self.work, prefix=ident[:8]))
        (job_dir / "body").write_bytes(body)
        extra = {"door": "ingest", "body": str(job_dir / "body"), "media_type": media_type, "graph": graph,
                 "graph_given": given, "source": source, "existing": sorted(self._graphs())}
        outcome = self._run_locked(job_dir, ident, ".nq", extra, report_format, started)
        if isinstance(outcome, Rejected):
            return outcome
        result, seconds = outcome
        return Accepted(graph, result["triples"], seconds, result.get("graphs", []))

    def _run_locked(self, job_dir: Path, ident: str, suffix: str, extra: dict, report_format: str,
                    started: float | None = None):
        """Run one write's job in the child and commit what it made (the lock is held):
        :class:`Rejected`, or the child's result and the seconds of each step."""
        started = started or time.perf_counter()
        db = new_generation(self.root)
        committed = False
        try:
            entry = job_dir / Path(next_entry_name(self.root, ident)).with_suffix(suffix).name
            job = {
                **extra, "id": ident, "limits": self.limits,
                "time": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                "new": str(db), "entry": str(entry),
                "sources": [str(p) for p in self.loaded.sources], "log": [str(p) for p in _log(self.root)],
                "report_format": report_format, "max_bytes": self.max_bytes,
                "max_triples": self.max_triples, "base": self.base, "max_memory_mb": self.max_memory_mb,
                "validator": self.validator,
            }
            child_started = time.perf_counter()
            try:
                result = run_child(job, self.timeout)
            except ChildFailed as exc:
                raise IngestRefused(exc.status, exc.message) from None
            if result["status"] == 422:
                return Rejected(result["report"].encode("utf-8"), report_format)
            if result["status"] not in (200, 201):
                raise IngestRefused(result["status"], result["message"],
                                    **{k: result.get(k) for k in ("line", "column", "reason")})
            checked = time.perf_counter()
            steps = result["seconds"].pop("steps", {})
            if "child" in steps:  # the child's start, the job's transfer and its answer's
                steps["child start"] = round(checked - child_started - steps.pop("child"), 3)
            if result.get("changed", True):
                self._commit(entry, db, result["quads"], steps)
                committed = True
            seconds = dict(result["seconds"], commit=round(time.perf_counter() - checked, 3),
                           total=round(time.perf_counter() - started, 3))
            if steps:
                seconds["steps"] = steps
            return result, seconds
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)
            if not committed:
                shutil.rmtree(db, ignore_errors=True)

    def _commit(self, entry: Path, db: Path, quads: int, steps: dict | None = None) -> None:
        """Commit a write (see the module's docstring); ``steps`` receives the seconds of its
        parts: ``commit log`` (to the commit point), ``commit record``, ``commit open``
        (the new generation opened and counted), ``commit swap`` (the app repointed)."""
        steps = {} if steps is None else steps
        t = time.perf_counter()
        log_folder = self.root / LOG_DIR
        log_folder.mkdir(parents=True, exist_ok=True)
        with open(entry, "rb") as f:
            os.fsync(f.fileno())
        final = log_folder / entry.name
        crash_point("before-commit")
        os.replace(entry, final)
        fsync_dir(log_folder)  # the commit point: from here on the ingest survives anything
        crash_point("after-commit")
        steps["commit log"], t = round(time.perf_counter() - t, 3), time.perf_counter()
        old = self.loaded
        log = _log(self.root)
        key = store_content_key(old.build_key, _key_files(old), log)
        write_record(self.root, {"content_key": key, "generation": db.name, "quads": quads,
                                 "files": [str(p) for p in old.sources], "log": [p.name for p in log]})
        crash_point("after-record")
        steps["commit record"], t = round(time.perf_counter() - t, 3), time.perf_counter()
        store = open_generation(self.root, db, quads)
        loaded = Loaded(store, db, old.dumps_dir, key, _summary(old.dumps_dir), sources=old.sources,
                        build_key=old.build_key, store_root=self.root)
        steps["commit open"], t = round(time.perf_counter() - t, 3), time.perf_counter()
        self.loaded = loaded
        self.swap(loaded)
        steps["commit swap"] = round(time.perf_counter() - t, 3)
        # the previous generation may still serve a request in flight: removed at the next ingest
        remove_generations(self.root, keep=[db, old.path])


def crash_point(name: str) -> None:
    """Fault injection for tests/crash: ``SCO_KG_CRASH_AT=<name>`` kills this process (SIGKILL,
    as ``kill -9`` would) at that instant of the commit. Unset in production: does nothing."""
    if os.environ.get("SCO_KG_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _request_text(kind: str, graph: str | None) -> str:
    return f"{kind.upper()} <{graph}>" if graph else kind.upper()


def _log(root: Path):
    return log_entries(root)


def _key_files(loaded) -> list[Path]:
    """The files of the content key: the loaded files but the build's dump (the key has it)."""
    dump = loaded.dumps_dir / "sco-kg.nq" if loaded.dumps_dir else None
    return [p for p in loaded.sources if p != dump]
