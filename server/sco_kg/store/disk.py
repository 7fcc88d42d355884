"""The on-disk store (``serve --store DIR``): laid out so that a crash never leaves it half-written.

Why this layout: the guarded ingest (POST /data) changes the served data while query
workers hold the store open read-only, and pyoxigraph allows one read-write opener per
folder and makes ``Store.read_only`` undefined while another process writes. So no folder
that anyone has open is ever written: each change builds a new *generation*, and one
small record says which generation is served.

``DIR/ingest-log/NNNNNN-<uuid>.nq``
    the write-ahead log: one N-Quads file per accepted ingest (the graphs it added, with
    their provenance), exactly as the pipeline checked them. Written to a temporary file, fsynced, renamed, folder fsynced: the rename
    is the commit point of an ingest; it is acknowledged (201) only after. Kept outside the
    oxigraph folder, so removing or rebuilding the store keeps every ingest.
``DIR/oxigraph/<generation>/``
    pyoxigraph databases; only the one named by ``build.json`` is served. Others are
    leftovers of a crash or of the previous generation, removed at start.
``DIR/build.json``
    the record (replaced atomically): the content key, the generation, and the number of
    quads the generation holds. The content key hashes the build, the ``--data`` files and
    every log entry: when the log holds an entry the record does not know (a crash after
    the commit point), the key differs and a new generation is made by the one pipeline
    (:func:`checked_dataset`: :func:`sco_kg.pipeline.build.build` over the build's dump, the
    files and the whole log: validated, reasoned, the closure validated, as the ingest
    itself was), so the generation an ingest makes and the one a rebuild makes are equal.
    With an empty log the generation is the build's dump itself, which the pipeline made.

A generation that cannot be opened, or holds another number of quads than its record
says, is corrupted: :class:`StoreCorrupted` (the server refuses to start) names the folder
and the recovery, ``sco-kg serve --store DIR --rebuild`` (or removing ``DIR/oxigraph`` and
``DIR/build.json``), which keeps the log.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import ConfigError
from ..pipeline.build import build
from ..pipeline.sources import Sources, log_input
from ..rdf.namespaces import HISTORY_GRAPH
from ..rdf.patch import EXTENSION as PATCH_EXTENSION
from ..rdf.patch import PatchError, read_patch
from .memory import in_union, load_file, materialise_union, quads_of

LOG_DIR = "ingest-log"
GENERATIONS_DIR = "oxigraph"
RECORD = "build.json"
_HISTORY = ox.NamedNode(str(HISTORY_GRAPH))


class StoreCorrupted(ConfigError):
    """The on-disk store cannot be opened or does not hold what its record says."""

    def __init__(self, store_path: Path, detail: str):
        self.store_path = Path(store_path)
        super().__init__(
            f"the store in {store_path} is damaged: {detail}. Recover with "
            f"`sco-kg serve --store {store_path} --rebuild` (or remove {Path(store_path) / GENERATIONS_DIR} "
            f"and {Path(store_path) / RECORD}); the ingest log {Path(store_path) / LOG_DIR} is kept and replayed")


# -- durable files -------------------------------------------------------------------------


def fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file, fsync, rename, fsync of the folder."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


# -- the log ---------------------------------------------------------------------------------


def log_dir(store_path: Path) -> Path:
    return Path(store_path) / LOG_DIR


def log_entries(store_path: Path) -> list[Path]:
    """The committed entries, in commit order (temporary files of an unfinished write are not)."""
    folder = log_dir(store_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".nq", PATCH_EXTENSION) and not p.name.startswith("."))


def next_entry_name(store_path: Path, uuid_hex: str) -> str:
    entries = log_entries(store_path)
    number = int(entries[-1].name.split("-", 1)[0]) + 1 if entries else 1
    return f"{number:06d}-{uuid_hex}.nq"


def commit_entry(store_path: Path, name: str, nquads: bytes) -> Path:
    """Append one entry to the log: the commit point of an ingest."""
    folder = log_dir(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    write_durably(path, nquads)
    return path


# -- the record ------------------------------------------------------------------------------


def read_record(store_path: Path) -> dict | None:
    try:
        record = json.loads((Path(store_path) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def write_record(store_path: Path, record: dict) -> None:
    write_durably(Path(store_path) / RECORD, json.dumps(record, indent=2).encode())


def generations(store_path: Path) -> list[Path]:
    folder = Path(store_path) / GENERATIONS_DIR
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def new_generation(store_path: Path) -> Path:
    """A new, unique folder name (a number, then a random part: a process left over from a
    crash can never be writing into the folder a restart builds)."""
    existing = [int(p.name.split("-", 1)[0]) for p in generations(store_path) if p.name.split("-", 1)[0].isdigit()]
    path = Path(store_path) / GENERATIONS_DIR / f"{max(existing, default=0) + 1:06d}-{os.urandom(4).hex()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        shutil.rmtree(path)
    return path


def remove_generations(store_path: Path, keep=()) -> None:
    keep = {Path(p).resolve() for p in keep}
    for path in generations(store_path):
        if path.resolve() not in keep:
            shutil.rmtree(path, ignore_errors=True)


def remove_store(store_path: Path) -> None:
    """``--rebuild``: forget the databases and the record; keep the log."""
    record = Path(store_path) / RECORD
    if record.exists():
        record.unlink()
    shutil.rmtree(Path(store_path) / GENERATIONS_DIR, ignore_errors=True)


# -- filling a generation --------------------------------------------------------------------


def generation_from_files(db: Path, files) -> int:
    """A new database at ``db`` holding ``files`` as they are (a build's dump: what the
    pipeline produced, already checked), the union materialised. Returns its quad count."""
    store = ox.Store(str(db))
    for path in files:
        load_file(store, Path(path))
    return _finish(store)


def generation_from_dataset(db: Path, dataset, log=(), timings: dict | None = None) -> int:
    """A new database at ``db`` holding the pipeline's dataset (every named graph, the new
    ``kgg:inferred`` among them) and ``kgg:history``, the record of the changes of ``log``
    (:func:`history_quads`), the union materialised. Returns its quad count. ``timings``
    (a dict) receives the seconds of each step: ``store quads``, ``store history``,
    ``store union`` (the union and the count)."""
    timings = {} if timings is None else timings
    t = time.perf_counter()
    store = ox.Store(str(db))
    store.bulk_extend(quads_of(dataset))
    timings["store quads"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    store.bulk_extend(history_quads(log))
    timings["store history"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    count = _finish(store)
    timings["store union"] = round(time.perf_counter() - t, 3)
    return count


def generation_quads(dataset, log) -> set:
    """Every quad of the generation :func:`generation_from_dataset` makes of ``dataset`` and
    ``log``: the named graphs, ``kgg:history``, and the union default graph."""
    named = set(quads_of(dataset))
    named.update(history_quads(log))
    default = ox.DefaultGraph()
    return named | {ox.Quad(q.subject, q.predicate, q.object, default) for q in named if in_union(q.graph_name)}


def generation_from_previous(db: Path, previous: Path, before: set, after: set, timings: dict | None = None) -> int:
    """The next generation at ``db`` made from the one at ``previous`` (a change's): a
    checkpoint of it (:meth:`pyoxigraph.Store.backup`, a RocksDB checkpoint: its files
    hard-linked, nothing copied; ``previous`` is never written), then the difference applied:
    ``before`` is every quad of ``previous``, ``after`` every quad of the new generation
    (:func:`generation_quads`), so it holds what :func:`generation_from_dataset` would write,
    in time proportional to the change. Returns its quad count (checked when the web process
    opens it: :func:`open_generation`). ``timings`` receives ``store checkpoint`` and
    ``store delta``."""
    timings = {} if timings is None else timings
    t = time.perf_counter()
    served = ox.Store.read_only(str(previous))
    served.backup(str(db))
    del served
    timings["store checkpoint"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    # the store keeps some literals in a canonical form ("1"^^xsd:nonNegativeInteger is read
    # back as xsd:integer): the quads new to it are put in that form first, in memory
    canonical = ox.Store()
    canonical.bulk_extend(after - before)
    added = set(canonical) - before
    removed = (before - after) - set(canonical)
    store = ox.Store(str(db))
    for quad in removed:
        store.remove(quad)
    for name in {q.graph_name for q in removed} - {q.graph_name for q in added}:
        # a graph emptied by the change is gone, as in a full rewrite: the store keeps a named
        # graph it once held (named_graphs()) until it is removed by name
        if isinstance(name, ox.NamedNode) and next(store.quads_for_pattern(None, None, None, name), None) is None:
            store.remove_graph(name)
    store.bulk_extend(added)
    store.flush()
    del store
    timings["store delta"] = round(time.perf_counter() - t, 3)
    return len(before) - len(removed) + len(added)


def history_quads(log) -> list:
    """The record of every change of ``log`` (log entries, in order): the ``kgg:history``
    rows of its patches (ingests keep their record in their own graph)."""
    out = []
    for path in log:
        if Path(path).suffix == PATCH_EXTENSION:
            try:
                patch = read_patch(Path(path))
            except PatchError as exc:
                raise ConfigError(str(exc)) from None
            out += [q for q in patch.added if q.graph_name == _HISTORY]
    return out


def _finish(store: ox.Store) -> int:
    materialise_union(store)
    store.flush()
    count = len(store)
    del store
    return count


def checked_dataset(files, log):
    """The pipeline over what the store is made of (the build's dump, then the ingest log's
    entries, read as the inputs they were when they were accepted, so the provenance of the
    graphs they name is checked again): the dataset to serve, or the pipeline's error (a
    store whose log no longer passes the checks is not served). The closure is not bounded
    here: each entry passed the strangers' bound when it was accepted, and a rebuild is the
    operator's own act (a bound lowered since does not refuse what is already in the log)."""
    return build(Sources.of_served(files, [log_input(p) for p in log]), proofs=True).dataset


def open_generation(store_path: Path, db: Path, expected_quads: int | None) -> ox.Store:
    """Open a generation read-only and check it against its record."""
    try:
        store = ox.Store.read_only(str(db))
        count = len(store)
    except (OSError, ValueError, RuntimeError) as exc:
        raise StoreCorrupted(store_path, f"cannot open {db}: {exc}") from exc
    if expected_quads is not None and count != expected_quads:
        raise StoreCorrupted(store_path, f"{db} holds {count} quads, its record {Path(store_path) / RECORD} says {expected_quads}")
    return store


def open_disk_store(store_path: Path, sources, content_key: str, *, rebuild: bool = False):
    """The served generation of ``store_path`` (built now when the record does not match
    ``content_key``), opened read-only: ``(store, db_path)``."""
    store_path = Path(store_path)
    store_path.mkdir(parents=True, exist_ok=True)
    if rebuild:
        remove_store(store_path)
    log = log_entries(store_path)
    record = read_record(store_path)
    if record is not None and not record.get("generation"):  # the layout before generations
        remove_store(store_path)
        record = None
    if record and record.get("content_key") == content_key and record.get("generation"):
        db = store_path / GENERATIONS_DIR / record["generation"]
        if not db.is_dir():
            raise StoreCorrupted(store_path, f"{db}, named by its record, is missing")
        store = open_generation(store_path, db, record.get("quads"))
        remove_generations(store_path, keep=[db])
        return store, db
    dataset = checked_dataset(sources, log) if log else None  # the pipeline again, over the log too
    db = new_generation(store_path)
    try:
        quads = generation_from_dataset(db, dataset, log) if log else generation_from_files(db, sources)
    except OSError as exc:
        raise ConfigError(f"cannot write the store at {db}: {exc}") from exc
    write_record(store_path, {"content_key": content_key, "generation": db.name, "quads": quads,
                              "files": [str(p) for p in sources], "log": [p.name for p in log]})
    remove_generations(store_path, keep=[db])
    return open_generation(store_path, db, quads), db
