"""The dumps the interop tests load: their files, graphs and queries."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from interop_engines import ROOT
from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from sco_kg.rdf.namespaces import PROOFS_GRAPH

HERE = Path(__file__).resolve().parent
MINI = HERE / "fixtures" / "mini"
#: the competency questions run over the build (INTEROP_QUERIES: another folder, to try
#: the harness on queries of one's own)
QUERIES = Path(os.environ.get("INTEROP_QUERIES", ROOT / "queries"))

#: files of an export, by extension: (rdflib format, riot syntax or None to guess, quads?)
DUMP_FORMATS = {
    ".trig": ("trig", None, True),
    ".nq": ("nquads", None, True),
    ".ttl": ("turtle", None, False),
    ".nt": ("nt", None, False),
    ".rdf": ("xml", None, False),
    ".owl": ("xml", None, False),
    ".jsonld": ("json-ld", "jsonld10", False),  # Debian lacks a JSON-P provider for the 1.1 reader
}


def dump_queries(name: str) -> list[Path]:
    folder = MINI / "queries" if name == "mini" else QUERIES
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


DUMP_NAMES = ("mini", "build")


@dataclass
class Dump:
    name: str
    dir: Path
    dataset: Dataset = field(repr=False)
    queries: list[Path] = field(default_factory=list)

    @property
    def trig(self) -> Path:
        return self.dir / "sco-kg.trig"

    @property
    def nquads(self) -> Path:
        return self.dir / "sco-kg.nq"

    @property
    def union(self) -> Path:
        return self.dir / "sco-kg.ttl"

    @property
    def files(self) -> list[Path]:
        """Every RDF file of the export."""
        return sorted(p for p in self.dir.iterdir() if p.suffix in DUMP_FORMATS)

    @cached_property
    def union_triples(self) -> set:
        """The triples of the union dumps and of the endpoint's default graph: every named
        graph's but kgg:proofs's (those are only in the quad dumps, as their graph)."""
        return {(s, p, o) for s, p, o, c in self.dataset.quads((None, None, None, None))
                if getattr(c, "identifier", c) != PROOFS_GRAPH}

    @cached_property
    def graphs(self) -> list[str]:
        """The named graphs (the default graph of a build is empty). Computed once: the
        build's 14,000 quads (11,835 of kgg:proofs) made a check per quad quadratic."""
        names = set()
        for _, _, _, c in self.dataset.quads((None, None, None, None)):
            name = getattr(c, "identifier", c)
            if isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID:
                names.add(str(name))
        return sorted(names)
