"""The served store: the build (reused while its inputs are unchanged) in pyoxigraph.

* :func:`cached_build` runs :func:`sco_kg.pipeline.build.build` and :func:`sco_kg.store.export.export`
  into ``<cache>/builds/<key>/`` (``sco-kg.trig``, ``sco-kg.nq``, ``sco-kg.ttl``,
  ``summary.json``), where ``key`` hashes every input file (ontology, imports, shapes,
  data folders, extra build files), the package's code and the build options. The next
  start with the same inputs loads ``sco-kg.nq`` directly, without rdflib.
* :func:`open_store` fills a pyoxigraph store: in memory, or on disk at ``--store PATH``
  (:mod:`sco_kg.store.disk`: ``PATH/oxigraph/<generation>/``, ``PATH/build.json`` recording
  what it holds, ``PATH/ingest-log/`` the accepted ingests: a restart with the same inputs
  reopens it as it is; other inputs, or a longer log, make a new generation).
* ``--data FILE`` files (any RDF syntax, by extension) are loaded beside the graph: TriG
  and N-Quads keep their named graphs; triples of a triple syntax go to the store's default
  graph, which is part of the endpoint's union default graph.
* The endpoint's default graph is the union of every graph but ``kgg:proofs`` (PROFILE.md).
  It is materialised once, at load time, into the store's default graph
  (:func:`materialise_union`) rather than asked of pyoxigraph with
  ``use_default_graph_as_union``: pyoxigraph 0.5 matches a triple held by several graphs
  once per graph there (oxigraph#1919), so a fact stated by two sentences came back twice
  and counts were wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..pipeline.build import build
from ..pipeline.reason import proves
from ..pipeline.sources import Sources
from .disk import log_entries, open_disk_store
from .export import export
from .memory import UNION_LAYOUT, load_file, materialise_union

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # sco_kg/
DUMP_FILES = ("sco-kg.trig", "sco-kg.nq", "sco-kg.ttl", "summary.json")



def default_cache_dir() -> Path:
    root = os.environ.get("SCO_KG_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sco-kg")
    return Path(root)


def _files_of(path: Path):
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.is_file())
    elif path.is_file():
        yield path


def hash_files(paths, salt: str = "") -> str:
    h = hashlib.sha256(salt.encode())
    for root in paths:
        for p in _files_of(Path(root)):
            h.update(str(p.name).encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:24]


def sources_key(sources, reasoner: str | None, validate: bool, proofs: bool = True) -> str:
    """The cache key of a build: its input files (and how each input is read), the code that
    makes a build (not the web app or the command line), the options."""
    code = [p for p in sorted(PACKAGE_DIR.rglob("*.py")) if not {"web", "cli"} & set(p.relative_to(PACKAGE_DIR).parts)]
    reading = ";".join(f"{i.syntax}|{i.graph}|{i.max_triples}" for i in sources.extra)
    return hash_files([*sources.files(), *code], salt=f"reasoner={reasoner};validate={validate};proofs={proofs};{reading}")


@dataclass
class Loaded:
    """What :func:`open_store` made: the store, and where its dumps and facts are."""

    store: ox.Store
    path: Path | None = None  # the on-disk store directory (None: in memory)
    dumps_dir: Path | None = None
    key: str = ""
    summary: dict = field(default_factory=dict)
    extra_graphs: list[str] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)  # the files loaded (the ingest log aside)
    build_key: str = ""  # the build's key, part of the content key
    store_root: Path | None = None  # the on-disk store's folder (``serve --store``)


def cached_build(sources=None, *, reasoner: str | None = "fastrl", validate: bool = True,
                 cache_dir: Path | None = None, progress=None, proofs: bool = True) -> tuple[Path, str]:
    """The folder of the dumps of the build of ``sources``: reused, or built and exported now
    (with ``kgg:proofs`` when ``proofs`` and the reasoner records them)."""
    sources = sources or Sources.default()
    proofs = proofs and proves(reasoner)
    key = sources_key(sources, reasoner, validate, proofs)
    out = (cache_dir or default_cache_dir()) / "builds" / key
    if not all((out / name).is_file() for name in DUMP_FILES):
        result = build(sources, reasoner=reasoner, validate=validate, progress=progress, proofs=proofs)
        export(result, out)
    return out, key


def store_content_key(key: str, files, log=()) -> str:
    """What an on-disk store holds: the build ``key``, the loaded files, the ingest log."""
    return hash_files([*files, *log], salt=f"{key};{UNION_LAYOUT}")


def open_store(*, dumps_dir: Path | None = None, key: str = "", files=(), extra=(),
               store_path: Path | None = None, rebuild: bool = False) -> Loaded:
    """A store holding ``dumps_dir/sco-kg.nq`` (if any), ``files`` and ``extra`` files, as they
    are: what the pipeline wrote (a build's dump), or files served unchecked
    (``serve --no-build --data``: another build's dumps). Data to be checked goes into the
    build instead (``serve --data`` with a build: :func:`cached_build` of
    ``Sources.default(extra=...)``).

    With ``store_path`` the store is on disk (:mod:`sco_kg.store.disk`: the accepted
    ingests of its log are loaded too) and reused when it already holds the same content;
    it is opened read-only, so worker processes may open it too. ``rebuild`` rebuilds it
    from the files and the log (the recovery of a damaged store).
    """
    extra = [Path(p) for p in extra]
    files = [Path(p) for p in files]
    sources = ([dumps_dir / "sco-kg.nq"] if dumps_dir else []) + files + extra
    if store_path is None:
        content_key = store_content_key(key, [*files, *extra])
        store = ox.Store()
        for f in sources:
            load_file(store, f)
        materialise_union(store)
        return Loaded(store, None, dumps_dir, content_key, _summary(dumps_dir), sources=sources, build_key=key)
    store_path = Path(store_path)
    content_key = store_content_key(key, [*files, *extra], log_entries(store_path))
    store, db = open_disk_store(store_path, sources, content_key, rebuild=rebuild)
    return Loaded(store, db, dumps_dir, content_key, _summary(dumps_dir), sources=sources, build_key=key,
                  store_root=store_path)


def _summary(dumps_dir: Path | None) -> dict:
    if dumps_dir and (dumps_dir / "summary.json").is_file():
        try:
            return json.loads((dumps_dir / "summary.json").read_text(encoding="utf-8"))
        except ValueError:
            return {}
    return {}
