"""A real ``sco-kg serve --store`` process, started, killed with SIGKILL, started again.

* ``build_cache``: a build cache holding the project's build (the session's ``built``,
  exported under the key ``serve`` computes), so no server process builds.
* ``Server(store, cache)``: ``start(env=...)`` runs ``python -m sco_kg serve --store ...
  --ingest-token-file ...`` on a free loopback port and waits until /sparql answers;
  ``kill()`` sends SIGKILL (kill -9) and reaps it; ``ingest``/``update``/``put``/``select``/``ask``
  speak HTTP.
"""

from __future__ import annotations

import inspect

import pytest
from crash_support import TOKEN, Server


@pytest.fixture(scope="session")
def build_cache(built, tmp_path_factory):
    from sco_kg.pipeline.sources import Sources
    from sco_kg.store.export import export
    from sco_kg.store.served import cached_build, sources_key

    cache = tmp_path_factory.mktemp("crash-cache")
    reasoner = inspect.signature(cached_build).parameters["reasoner"].default  # the one serve uses
    export(built, cache / "builds" / sources_key(Sources.default(), reasoner, True))
    return cache


@pytest.fixture
def server(build_cache, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    made = Server(tmp_path / "store", build_cache, token_file)
    yield made
    made.stop_all()
