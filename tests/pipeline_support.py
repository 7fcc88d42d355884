"""Constants and helpers for the pipeline tests (a module of its own, not conftest: test
folders have conftest.py files of their own, and ``import conftest`` would be ambiguous)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
TINY = FIXTURES / "tiny"

#: the reasoning time of test builds, so that two builds are byte-identical
FIXED_NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

PREFIXES = """\
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skg:    <https://w3id.org/sco-kg/ontology#> .
@prefix kg:     <https://w3id.org/sco-kg/id/> .
@prefix kgg:    <https://w3id.org/sco-kg/graph/> .
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
