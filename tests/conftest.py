"""Shared fixtures.

* ``built``: the build of the project's own ontology and data (session-wide, validated,
  reasoned with owlrl, reasoning time fixed): use it instead of building again.
* ``tiny_sources``: a tiny ontology + shapes + one article (tests/fixtures/tiny/), for
  tests of the pipeline itself; ``tiny_sources.with_extra(path)`` adds a data file.
* ``runner``: click's CliRunner; ``tiny_env`` points the CLI at the tiny fixture.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from sco_kg.resources import Sources

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
TINY = FIXTURES / "tiny"

#: the reasoning time of test builds, so that two builds are byte-identical
FIXED_NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def built():
    """The build of the project's own data (BuildResult)."""
    from sco_kg.build import build

    return build(now=FIXED_NOW)


@pytest.fixture(scope="session")
def built_dataset(built):
    return built.dataset


@pytest.fixture
def tiny_sources() -> Sources:
    return Sources.from_dirs(TINY / "ontology", [TINY / "data"])


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny_env(monkeypatch) -> Path:
    """Make ``sco_kg.resources`` (and so the CLI) use tests/fixtures/tiny/."""
    monkeypatch.setenv("SCO_KG_RESOURCES", str(TINY))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return TINY


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PREFIXES = """\
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skg:    <https://w3id.org/sco-kg/ontology#> .
@prefix kg:     <https://w3id.org/sco-kg/id/> .
@prefix kgg:    <https://w3id.org/sco-kg/graph/> .
"""
