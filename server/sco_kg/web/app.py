"""The Flask app factory. Nothing happens at import time; shared objects live in
``app.extensions["sco_kg"]`` (a :class:`KG`).

Config keys (``create_app({...})``; each limit of :data:`.limits.SETTINGS` is ``SCO_KG_<NAME>``):

``SCO_KG_LOADED``   a ready :class:`sco_kg.store.served.Loaded` (tests, the ``serve`` command), or a
                    :class:`sco_kg.store.remote.RemoteLoaded` (``serve --backend``: another store answers)
``SCO_KG_FILES``    RDF files to serve instead of a build (no build at all)
``SCO_KG_BUILD``    build (or reuse the cached build of) the packaged sources (default True)
``SCO_KG_DATA``     further RDF files built with the graph (``serve --data``: as ``build --also-data``)
``SCO_KG_STORE``    on-disk store directory (default: in memory)
``SCO_KG_CACHE_DIR`` build cache (default ``$XDG_CACHE_HOME/sco-kg``)
``SCO_KG_BASE``     the IRI base served at this host's root (default ``https://w3id.org/sco-kg/``)
``SCO_KG_INGEST_TOKEN`` the bearer token of POST /data (default none: read-only); also
                    ``SCO_KG_INGEST_MAX_TRIPLES``, ``SCO_KG_INGEST_TIMEOUT`` (:mod:`.ingest_route`)
"""

from __future__ import annotations

import atexit
import importlib
import os
import threading
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, current_app

from ..core.errors import ConfigError
from ..pipeline.sources import Sources
from ..pipeline.validate import ENGINES
from ..store.served import cached_build, open_store
from . import errors
from .backend import BackendExecutor
from .executor import Executor
from .limits import DEFAULTS, SETTINGS, config_key

#: Modules of this package whose ``bp`` blueprint the app serves: add a module to add its routes.
BLUEPRINT_MODULES: tuple[str, ...] = (
    "sparql", "graph_store", "service_description", "security_headers",
    "pages.terms", "pages.home", "pages.questions", "pages.search",
    "pages.entity", "pages.ontology", "pages.shapes", "pages.named_graph", "pages.explain_page",
    "validate_route", "pages.validate_page", "ingest_route", "update_route", "graph_writes", "history_route", "cors",
)


class KG:
    """What the views share: the store, the query workers, the limits, the dataset's graphs.

    ``store`` is this process's read-only view of the data, for the app's own trusted
    queries (fast, no timeout). Anything a client wrote goes through
    :func:`.query_runner.run_query` (the inspection of :mod:`.limits`, then a worker of
    ``executor`` under the timeout).
    """

    def __init__(self, loaded, settings: dict, base: str):
        self.loaded = loaded
        self.store: ox.Store = loaded.store
        self.settings = settings
        self.base = base
        self.dumps_dir: Path | None = loaded.dumps_dir
        self.graphs: frozenset[str] = frozenset(
            g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        if getattr(loaded, "remote", False):  # serve --backend: queries go to another store
            self.executor = BackendExecutor(self.store, workers=settings["workers"])
        else:
            self.executor = Executor(
                store=None if loaded.path else self.store,
                path=str(loaded.path) if loaded.path else None,
                workers=settings["workers"],
                isolate_network=settings["isolate_network"],
                memory_mb=settings["query_max_memory_mb"],
            )
        self._lock = threading.Lock()
        self._cache: dict = {}
        self._kept: set = set()  # keys of values that outlive a change of store

    def cached(self, key, make, *, per_store: bool = True):
        """A value computed once per app (service description, statistics). ``per_store``
        values are made again after the store changes (an ingest); others (a process pool,
        a temporary folder) live as long as the app."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
                if not per_store:
                    self._kept.add(key)
            return self._cache[key]

    def replace_store(self, loaded) -> None:
        """Serve ``loaded`` from now on (after an ingest): this process's handle, the graphs,
        the cached values, and query workers restarted on the new on-disk store."""
        store = loaded.store
        graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        with self._lock:
            self.loaded, self.store, self.graphs = loaded, store, graphs
            self._cache = {k: v for k, v in self._cache.items() if k in self._kept}
        self.executor.repoint(str(loaded.path))

    def close(self) -> None:
        self.executor.close()


def current_kg() -> KG:
    return current_app.extensions["sco_kg"]


def _settings(config: dict) -> dict:
    out = {}
    for s in SETTINGS:
        value = config.get(config_key(s.name), os.environ.get(config_key(s.name), s.default))
        out[s.name] = type(s.default)(value) if not isinstance(s.default, bool) else (
            value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on"))
    if out["validator"] not in ENGINES:
        raise ConfigError(f"{config_key('validator')}={out['validator']!r}: not a validator "
                          f"(one of: {', '.join(ENGINES)})")
    return out


def load_from_config(config: dict):
    if config.get("SCO_KG_LOADED") is not None:
        return config["SCO_KG_LOADED"]
    extra = config.get("SCO_KG_DATA") or ()
    if config.get("SCO_KG_FILES") is not None:
        return open_store(files=config["SCO_KG_FILES"], extra=extra, store_path=config.get("SCO_KG_STORE"))
    if config.get("SCO_KG_BUILD", True):  # the further files go through the build's pipeline
        dumps, key = cached_build(Sources.default(extra=extra), cache_dir=config.get("SCO_KG_CACHE_DIR"),
                                  progress=config.get("SCO_KG_PROGRESS"))
        return open_store(dumps_dir=dumps, key=key, store_path=config.get("SCO_KG_STORE"))
    return open_store(extra=extra, store_path=config.get("SCO_KG_STORE"))


def create_app(config: dict | None = None) -> Flask:
    config = dict(config or {})
    app = Flask(__name__)
    app.config.update(config)
    settings = _settings(app.config)
    app.config["MAX_CONTENT_LENGTH"] = settings["max_request_bytes"]
    app.json.ensure_ascii = False
    base = app.config.get("SCO_KG_BASE") or os.environ.get("SCO_KG_BASE") or "https://w3id.org/sco-kg/"

    kg = KG(load_from_config(app.config), settings, base)
    app.extensions["sco_kg"] = kg
    atexit.register(kg.close)

    errors.register(app)
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(f"{__package__}.{name}").bp)
    return app


__all__ = ["create_app", "current_kg", "KG", "BLUEPRINT_MODULES", "DEFAULTS"]
