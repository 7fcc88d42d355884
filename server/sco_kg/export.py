"""Write a built dataset out: ``sco-kg.trig`` and ``sco-kg.nq`` keep every named graph,
``sco-kg.ttl`` is the union, ``summary.json`` the counts.

Outputs are deterministic for the same input (graphs and N-Quads lines sorted, one set
of prefixes), and written atomically: into a temporary folder beside the target, which
replaces the target only when every file is written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from rdflib import Dataset, Graph

from .build import BuildResult, compute_stats, named_graphs
from .errors import ConfigError
from .namespaces import PREFIXES, bind_prefixes

FILES = ("sco-kg.trig", "sco-kg.nq", "sco-kg.ttl", "summary.json")


def union_graph(dataset: Dataset) -> Graph:
    union = Graph()
    bind_prefixes(union)
    for graph in named_graphs(dataset):
        for triple in graph:
            union.add(triple)
    return union


def datasets_isomorphic(one: Dataset, two: Dataset) -> bool:
    """The same non-empty named graphs, each pair isomorphic (blank nodes renamed)."""
    from rdflib.compare import isomorphic

    a = {g.identifier: g for g in named_graphs(one)}
    b = {g.identifier: g for g in named_graphs(two)}
    return a.keys() == b.keys() and all(isomorphic(_plain(a[k]), _plain(b[k])) for k in a) and not (
        len(one.default_graph) or len(two.default_graph)
    )


def _plain(graph: Graph) -> Graph:
    g = Graph()
    for triple in graph:
        g.add(triple)
    return g


def to_nquads(dataset: Dataset) -> str:
    """Every quad of every named graph, one per line, sorted (rdflib's N-Triples escaping)."""
    lines = set()
    for graph in named_graphs(dataset):
        suffix = f" {graph.identifier.n3()} .\n"
        g = Graph()
        for triple in graph:
            g.add(triple)
        for line in g.serialize(format="nt").splitlines():
            if line.strip():
                lines.add(line.rstrip()[:-1].rstrip() + suffix)
    return "".join(sorted(lines))


def to_trig(dataset: Dataset) -> str:
    """TriG: the project's prefixes, then one block per named graph, sorted by name."""
    parts = [f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()]
    for graph in named_graphs(dataset):
        # not indented: a long literal may span lines, and its lines are its text
        body = _turtle_body(graph).strip("\n")
        parts.append(f"\n{graph.identifier.n3()} {{\n{body}\n}}\n")
    return "".join(parts)


def to_turtle(graph: Graph) -> str:
    return graph.serialize(format="turtle")


def _turtle_body(graph: Graph) -> str:
    g = Graph()
    bind_prefixes(g)
    for triple in graph:
        g.add(triple)
    text = g.serialize(format="turtle")
    return "".join(line for line in text.splitlines(True) if not line.startswith("@prefix"))


def summary(result: BuildResult | Dataset) -> dict:
    """The counts of :func:`~sco_kg.build.compute_stats` and the validation verdicts (no timings:
    the file is byte-identical across builds of the same input)."""
    if isinstance(result, BuildResult):
        stats = dict(result.stats)
        stats["validation"] = {k: r.verdict for k, r in result.reports.items()}
    else:
        stats = compute_stats(result)
    return stats


WRITERS: dict[str, Callable[[Dataset], str]] = {
    "sco-kg.trig": to_trig,
    "sco-kg.nq": to_nquads,
    "sco-kg.ttl": lambda ds: to_turtle(union_graph(ds)),
}


def export(result: BuildResult | Dataset, out_dir: Path | str = "dist") -> dict[str, Path]:
    """Write the dumps and the summary into ``out_dir`` atomically; return name -> path."""
    dataset = result.dataset if isinstance(result, BuildResult) else result
    out = Path(out_dir).resolve()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        for name, writer in WRITERS.items():
            (tmp / name).write_text(writer(dataset), encoding="utf-8", newline="\n")
        stats = summary(result)
        (tmp / "summary.json").write_text(
            json.dumps(stats, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
        )
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {name: out / name for name in FILES}


def _check_replaceable(out: Path) -> None:
    """The output folder is replaced whole: refuse one that holds anything but a build's files."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is not a folder")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in FILES)
        if foreign:
            raise ConfigError(
                f"refusing to replace {out}: it holds files that no build wrote ({', '.join(foreign[:5])})"
            )


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with renames; the old target goes only afterwards."""
    os.chmod(new, 0o755)
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
        try:
            new.rename(target)
        except BaseException:
            old.rename(target)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


# -- one-file dumps (``sco-kg export``) ---------------------------------------------

#: format name -> (rdflib serializer, keeps graphs, file extension)
FORMATS: dict[str, tuple[str, bool, str]] = {
    "trig": ("trig", True, "trig"),
    "nquads": ("nquads", True, "nq"),
    "turtle": ("turtle", False, "ttl"),
    "ntriples": ("nt", False, "nt"),
    "rdfxml": ("xml", False, "rdf"),
    "jsonld": ("json-ld", False, "jsonld"),
}


def serialize(dataset: Dataset, fmt: str) -> str:
    """The dataset in one syntax: quad syntaxes keep the graphs, the others hold the union."""
    if fmt == "trig":
        return to_trig(dataset)
    if fmt == "nquads":
        return to_nquads(dataset)
    rdflib_name, _, _ = FORMATS[fmt]
    union = union_graph(dataset)
    if fmt == "ntriples":
        return "".join(sorted(union.serialize(format="nt").splitlines(True)))
    return union.serialize(format=rdflib_name)
