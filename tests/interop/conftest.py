"""Fixtures of the interop tests: the dumps, and the engines that load them.

Two dumps, each a directory written by ``sco_kg.store.export.export``:

* ``mini``: tests/interop/fixtures/mini/dataset.trig and its queries (the harness's own
  small case: typed and tagged literals, a blank node, a triple in two graphs);
* ``build``: the build of the project's data (the session's ``built``) and the
  competency questions of queries/.

Engines are started once per dump and session, on 127.0.0.1 and free ports, each in a
temporary directory, within bounded times (interop_engines), and stopped at the end. A
missing engine fails the tests (CI installs them with .ci/engines/setup.sh).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Dataset

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the helpers beside this file, whatever pytest's import mode
    sys.path.insert(0, str(HERE))

from interop_dumps import MINI, Dump, dump_queries  # noqa: E402
from interop_engines import Jena, OxigraphServer, Virtuoso  # noqa: E402


def _export(dataset_or_result, out: Path) -> Path:
    from sco_kg.store.export import export

    export(dataset_or_result, out)
    return out


@pytest.fixture(scope="session")
def dumps(request, tmp_path_factory):
    """``dumps(name)``: the Dump ``mini`` or ``build``, exported once per session."""
    cache: dict[str, Dump] = {}

    def get(name: str) -> Dump:
        if name not in cache:
            out = tmp_path_factory.mktemp(f"dump-{name}") / "export"
            if name == "mini":
                dataset = Dataset()
                dataset.parse(MINI / "dataset.trig", format="trig")
                _export(dataset, out)
            elif name == "build":
                built = request.getfixturevalue("built")
                dataset = built.dataset
                _export(built, out)
            else:
                raise KeyError(name)
            cache[name] = Dump(name, out, dataset, dump_queries(name))
        return cache[name]

    return get


@pytest.fixture(scope="session")
def jena() -> Jena:
    return Jena()


@pytest.fixture(scope="session")
def oxigraph(dumps, tmp_path_factory):
    """``oxigraph(name)``: the Endpoint of an Oxigraph server holding that dump's N-Quads."""
    servers: dict[str, OxigraphServer] = {}

    def get(name: str):
        if name not in servers:
            dump = dumps(name)
            server = OxigraphServer(tmp_path_factory.mktemp(f"oxigraph-{name}"), [dump.nquads, dump.union])
            servers[name] = server  # stopped at the end even if it fails to start
            server.start()
        if servers[name].endpoint is None:
            pytest.fail(f"the oxigraph server of dump {name!r} failed to start (see the first failure)", pytrace=False)
        return servers[name].endpoint

    yield get
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def virtuoso(dumps, tmp_path_factory):
    """``virtuoso(name)``: the Endpoint of a private Virtuoso holding that dump's N-Quads."""
    servers: dict[str, Virtuoso] = {}

    def get(name: str):
        if name not in servers:
            dump = dumps(name)
            server = Virtuoso(tmp_path_factory.mktemp(f"virtuoso-{name}"), [dump.nquads], dump.graphs, dump.union)
            servers[name] = server  # stopped at the end even if the load fails
            server.start()
        if servers[name].endpoint is None:
            pytest.fail(f"the Virtuoso of dump {name!r} failed to start (see the first failure)", pytrace=False)
        return servers[name].endpoint

    yield get
    for server in servers.values():
        server.stop()
