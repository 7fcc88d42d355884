"""The served store: the build (reused while its inputs are unchanged) in pyoxigraph.

* :func:`cached_build` runs :func:`sco_kg.build.build` and :func:`sco_kg.export.export`
  into ``<cache>/builds/<key>/`` (``sco-kg.trig``, ``sco-kg.nq``, ``sco-kg.ttl``,
  ``summary.json``), where ``key`` hashes every input file (ontology, imports, shapes,
  data folders, extra build files), the package's code and the build options. The next
  start with the same inputs loads ``sco-kg.nq`` directly, without rdflib.
* :func:`open_store` fills a pyoxigraph store: in memory, or on disk at ``--store PATH``
  (:mod:`sco_kg.disk_store`: ``PATH/oxigraph/<generation>/``, ``PATH/build.json`` recording
  what it holds, ``PATH/ingest-log/`` the accepted ingests: a restart with the same inputs
  reopens it as it is; other inputs, or a longer log, make a new generation).
* ``--data FILE`` files (any RDF syntax, by extension) are loaded beside the graph: TriG
  and N-Quads keep their named graphs; triples of a triple syntax go to the store's default
  graph, which is part of the endpoint's union default graph.
* The endpoint's default graph is the union of every graph (PROFILE.md). It is
  materialised once, at load time, into the store's default graph (:func:`materialise_union`)
  rather than asked of pyoxigraph with ``use_default_graph_as_union``: pyoxigraph 0.5
  matches a triple held by several graphs once per graph there (oxigraph#1919), so a
  fact stated by two sentences came back twice and counts were wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import ConfigError, InputError

PACKAGE_DIR = Path(__file__).resolve().parent
DUMP_FILES = ("sco-kg.trig", "sco-kg.nq", "sco-kg.ttl", "summary.json")

EXTENSIONS = {
    ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
    ".n3": ox.RdfFormat.N3, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
}


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


def sources_key(sources, reasoner: str | None, validate: bool) -> str:
    inputs = [sources.ontology, *sources.imports, *( [sources.shapes] if sources.shapes else []),
              *sources.data_dirs, *sources.extra]
    code = [p for p in sorted(PACKAGE_DIR.rglob("*.py")) if "web" not in p.relative_to(PACKAGE_DIR).parts]
    return hash_files([*inputs, *code], salt=f"reasoner={reasoner};validate={validate}")


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
                 cache_dir: Path | None = None, progress=None) -> tuple[Path, str]:
    """The folder of the dumps of the build of ``sources``: reused, or built and exported now."""
    from .export import export
    from .resources import Sources

    sources = sources or Sources.default()
    key = sources_key(sources, reasoner, validate)
    out = (cache_dir or default_cache_dir()) / "builds" / key
    if not all((out / name).is_file() for name in DUMP_FILES):
        from .build import build

        result = build(sources, reasoner=reasoner, validate=validate, progress=progress)
        export(result, out)
    return out, key


def parse_format(path: Path) -> ox.RdfFormat:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, f"unknown RDF syntax (extension {path.suffix!r})")
    return fmt


def load_file(store: ox.Store, path: Path) -> None:
    """Load one RDF file into ``store`` (graphs kept; triples into the default graph)."""
    path = Path(path)
    try:
        store.bulk_load(path=str(path), format=parse_format(path), base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        raise InputError(path, str(exc)) from exc
    except OSError as exc:
        raise InputError(path, f"unreadable: {exc}") from exc


UNION_LAYOUT = "union-materialised-1"  # part of the on-disk store's content key


def materialise_union(store: ox.Store) -> None:
    """Copy every distinct triple of every named graph into the default graph."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def source_quads(store: ox.Store, subject=None, predicate=None, obj=None, graph=None):
    """The store's quads as the sources gave them, without the union's copies.

    The default graph holds a copy of every triple of the named graphs
    (:func:`materialise_union`); across all graphs (``graph=None``) those copies are left
    out, except for triples that only the default graph holds (plain-triple ``--data`` files).
    """
    if graph is not None:
        yield from store.quads_for_pattern(subject, predicate, obj, graph)
        return
    named, default = [], []
    for quad in store.quads_for_pattern(subject, predicate, obj, None):
        (default if isinstance(quad.graph_name, ox.DefaultGraph) else named).append(quad)
    in_named = {(q.subject, q.predicate, q.object) for q in named}
    yield from named
    yield from (q for q in default if (q.subject, q.predicate, q.object) not in in_named)


def store_content_key(key: str, files, log=()) -> str:
    """What an on-disk store holds: the build ``key``, the loaded files, the ingest log."""
    return hash_files([*files, *log], salt=f"{key};{UNION_LAYOUT}")


def open_store(*, dumps_dir: Path | None = None, key: str = "", files=(), extra=(),
               store_path: Path | None = None, rebuild: bool = False) -> Loaded:
    """A store holding ``dumps_dir/sco-kg.nq`` (if any), ``files`` and ``extra`` files.

    With ``store_path`` the store is on disk (:mod:`sco_kg.disk_store`: the accepted
    ingests of its log are loaded too) and reused when it already holds the same content;
    it is opened read-only, so worker processes may open it too. ``rebuild`` rebuilds it
    from the files and the log (the recovery of a damaged store).
    """
    from .disk_store import log_entries, open_disk_store

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
