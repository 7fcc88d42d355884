"""Constants and helpers for the pipeline tests (a module of its own, not conftest: test
folders have conftest.py files of their own, and ``import conftest`` would be ambiguous)."""

from __future__ import annotations

from contextlib import contextmanager
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


@contextmanager
def reused_sparql_translations():
    """Speed only. pySHACL hands each SHACL-SPARQL query to rdflib as a string once per
    focus node and rdflib parses it every time, which is most of a validation's cost.
    Within this block, the translated query is reused per (text, base, prefixes), the way
    rdflib's own prepareQuery() is meant to be reused with different initBindings."""
    import pytest

    try:
        from rdflib.plugins.sparql import processor
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        original = processor.SPARQLProcessor.query
    except (ImportError, AttributeError):  # another rdflib: run uncached
        yield
        return
    cache: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = cache[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(processor.SPARQLProcessor, "query", query)
        yield
