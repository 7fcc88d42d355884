"""Shared fixtures.

* ``built``: the build of the project's own ontology and data (session-wide, validated,
  reasoned with owlrl, reasoning time fixed): use it instead of building again.
* ``tiny_sources``: a tiny ontology + shapes + one article (tests/fixtures/tiny/), for
  tests of the pipeline itself; ``tiny_sources.with_extra(path)`` adds a data file.
* ``runner``: click's CliRunner; ``tiny_env`` points the CLI at the tiny fixture.

Constants and helpers (FIXED_NOW, PREFIXES, write...) are in pipeline_support.py.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pipeline_support import FIXED_NOW, TINY
from rdflib import Graph
from sco_kg.pipeline.sources import Sources


@pytest.fixture(scope="session")
def built():
    """The build of the project's own data (BuildResult), with its proofs, as ``serve`` builds it."""
    from sco_kg.pipeline.build import build

    return build(now=FIXED_NOW, proofs=True)


@pytest.fixture(scope="session")
def built_dataset(built):
    return built.dataset


@pytest.fixture(scope="session")
def union(built_dataset):
    """The endpoint's default graph: the union of every named graph of the build but
    ``kgg:proofs``, in rdflib (a module may define its own ``union``: tests/test_reasoning.py
    leaves out the run's description)."""
    from sco_kg.rdf.namespaces import PROOFS_GRAPH

    graph = Graph()
    for named in built_dataset.graphs():
        if named.identifier == PROOFS_GRAPH:
            continue
        for triple in named:
            graph.add(triple)
    return graph


@pytest.fixture
def tiny_sources() -> Sources:
    return Sources.from_dirs(TINY / "ontology", [TINY / "data"])


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny_env(monkeypatch):
    """Make ``sco_kg.pipeline.sources`` (and so the CLI) use tests/fixtures/tiny/."""
    monkeypatch.setenv("SCO_KG_RESOURCES", str(TINY))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return TINY
