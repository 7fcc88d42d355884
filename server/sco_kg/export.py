"""Write a built dataset out: ``sco-kg.trig`` and ``sco-kg.nq`` keep every named graph;
``sco-kg.ttl``, ``sco-kg.nt``, ``sco-kg.rdf`` (RDF/XML) and ``sco-kg.jsonld`` (expanded
JSON-LD 1.0, no context) hold the union; ``void.ttl`` describes the dataset (VoID),
``manifest.json`` lists each file with its media type, count and SHA-256, and
``summary.json`` holds the build's counts.

Outputs are deterministic for the same input: blank nodes are relabelled canonically
(rdflib.compare's hashing), triples are handed to the serialisers in sorted order, the
N-Triples/N-Quads lines are sorted and the JSON-LD is written here, sorted. They are
written atomically: into a temporary folder beside the target, which replaces the target
only when every file is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .build import BuildResult, compute_stats, named_graphs
from .errors import ConfigError
from .namespaces import PREFIXES, bind_prefixes

VOID = "void.ttl"
MANIFEST = "manifest.json"


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
    return _sorted_graph(graph).serialize(format="turtle")


def to_ntriples(graph: Graph) -> str:
    return "".join(sorted(line + "\n" for line in graph.serialize(format="nt").splitlines() if line.strip()))


class _SortedGraph(Graph):
    """A graph whose subjects and each subject's properties come out sorted: rdflib's
    RDF/XML serialiser walks ``subjects()`` and ``predicate_objects()``, whose order follows
    the store's sets (hash order, which differs from process to process)."""

    def subjects(self, predicate=None, object=None, unique=False):
        if predicate is None and object is None:
            yield from sorted({s for s, _, _ in self.triples((None, None, None))}, key=_key)
        else:
            yield from super().subjects(predicate, object, unique)

    def predicate_objects(self, subject=None, unique=False):
        yield from sorted(super().predicate_objects(subject, unique), key=lambda po: (_key(po[0]), _key(po[1])))


def to_rdfxml(graph: Graph) -> str:
    sorted_graph = _sorted_graph(graph)
    g = _SortedGraph(store=sorted_graph.store, identifier=sorted_graph.identifier,
                     namespace_manager=sorted_graph.namespace_manager)
    return g.serialize(format="xml")


def to_jsonld(graph: Graph) -> str:
    """Expanded, flattened JSON-LD (1.0 and 1.1 read it alike; no context to fetch): one
    node object per subject, sorted by ``@id``, its properties and values sorted."""
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in graph:
        node = nodes.setdefault(_jsonld_id(s), {})
        if p == RDF.type and not isinstance(o, Literal):
            node.setdefault("@type", []).append(_jsonld_id(o))
        else:
            node.setdefault(str(p), []).append(_jsonld_value(o))
    out = []
    for ident in sorted(nodes):
        props = nodes[ident]
        obj: dict = {"@id": ident}
        if "@type" in props:
            obj["@type"] = sorted(props.pop("@type"))
        for p in sorted(props):
            obj[p] = sorted(props[p], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out.append(obj)
    return json.dumps(out, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _jsonld_id(node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _jsonld_value(node) -> dict:
    if not isinstance(node, Literal):
        return {"@id": _jsonld_id(node)}
    value: dict = {"@value": str(node)}
    if node.language:
        value["@language"] = node.language
    elif node.datatype is not None and node.datatype != XSD.string:
        value["@type"] = str(node.datatype)
    return value


def canonical_dataset(dataset: Dataset) -> Dataset:
    """The dataset with its blank nodes relabelled by rdflib.compare's canonical hashing
    (computed on the union, so a blank node shared by two graphs stays one), so that the
    labels, and the bytes written, do not depend on the parse that made them."""
    graphs = named_graphs(dataset)
    union = union_graph(dataset)
    if not any(isinstance(n, BNode) for t in union for n in t):
        return dataset
    from rdflib.compare import _TripleCanonicalizer

    canon = _TripleCanonicalizer(union)
    coloring = canon._refine(canon._initial_color(), canon._initial_color())
    if not canon._discrete(coloring):
        coloring = canon._traces(coloring)
    labels = {c.nodes[0]: "c" + c.hash_color()[:32] for c in coloring}

    def relabel(n):
        return BNode(labels[n]) if isinstance(n, BNode) else n

    out = Dataset()
    bind_prefixes(out)
    for g in graphs:
        target = out.graph(g.identifier)
        for s, p, o in g:
            target.add((relabel(s), p, relabel(o)))
    return out


def _sorted_graph(triples) -> Graph:
    """A graph with the project's prefixes, filled in sorted order (rdflib's serialisers
    follow the store's insertion order), its further namespaces bound in sorted order."""
    g = Graph()
    bind_prefixes(g)
    ordered = sorted(triples, key=lambda t: tuple(_key(n) for n in t))
    for triple in ordered:
        g.add(triple)
    for p in sorted({t[1] for t in ordered}):
        try:
            g.namespace_manager.compute_qname(p)
        except Exception:  # not splittable: written as a full IRI where the syntax allows
            pass
    return g


def _key(node) -> tuple:
    return (type(node).__name__, node.n3())


def _turtle_body(graph: Graph) -> str:
    g = _sorted_graph(graph)
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


@dataclass(frozen=True)
class Format:
    """One RDF syntax of the export: its dump file, media type, and deterministic writer."""

    file: str
    media_type: str
    keeps_graphs: bool  # quad syntaxes keep the named graphs; the others hold the union
    rdflib_format: str  # rdflib's name for the syntax (to read a dump back)
    write: Callable[[Dataset], str]


#: format name (``sco-kg export --format``) -> Format; every one is also a dump of ``export``
FORMATS: dict[str, Format] = {
    "trig": Format("sco-kg.trig", "application/trig", True, "trig", to_trig),
    "nquads": Format("sco-kg.nq", "application/n-quads", True, "nquads", to_nquads),
    "turtle": Format("sco-kg.ttl", "text/turtle", False, "turtle", lambda ds: to_turtle(union_graph(ds))),
    "ntriples": Format("sco-kg.nt", "application/n-triples", False, "nt", lambda ds: to_ntriples(union_graph(ds))),
    "rdfxml": Format("sco-kg.rdf", "application/rdf+xml", False, "xml", lambda ds: to_rdfxml(union_graph(ds))),
    "jsonld": Format("sco-kg.jsonld", "application/ld+json", False, "json-ld", lambda ds: to_jsonld(union_graph(ds))),
}
#: the RDF dumps, by file name
DUMPS: dict[str, Format] = {f.file: f for f in FORMATS.values()}
FILES = (*DUMPS, VOID, "summary.json", MANIFEST)


def void_description(dataset: Dataset) -> str:
    """VoID in Turtle: the dataset (``<#sco-kg>``) with its counts over the union, its dumps
    by relative IRI, and one ``void:subset`` per named graph (``sd:name`` the graph) with
    that graph's counts. Entities: distinct IRI subjects."""

    def counts(triples) -> list[tuple[str, int]]:
        triples = set(triples)
        return [
            ("void:triples", len(triples)),
            ("void:entities", len({s for s, _, _ in triples if isinstance(s, URIRef)})),
            ("void:classes", len({o for _, p, o in triples if p == RDF.type})),
            ("void:properties", len({p for _, p, _ in triples})),
            ("void:distinctSubjects", len({s for s, _, _ in triples})),
            ("void:distinctObjects", len({o for _, _, o in triples})),
        ]

    graphs = named_graphs(dataset)
    lines = [
        "@prefix void: <http://rdfs.org/ns/void#> .\n",
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n",
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n",
        "\n<#sco-kg> a void:Dataset ;\n",
        '    dcterms:title "sco-kg" ;\n',
    ]
    lines += [f"    {p} {n} ;\n" for p, n in counts(t for g in graphs for t in g)]
    lines.append("    void:dataDump " + ", ".join(f"<{name}>" for name in DUMPS))
    if graphs:
        lines.append(" ;\n    void:subset " + ", ".join(f"<#graph-{i}>" for i in range(1, len(graphs) + 1)))
    lines.append(" .\n")
    for i, g in enumerate(graphs, 1):
        lines.append(f"\n<#graph-{i}> a void:Dataset ;\n    sd:name {g.identifier.n3()} ;\n")
        body = [f"    {p} {n}" for p, n in counts(iter(g))]
        lines.append(" ;\n".join(body) + " .\n")
    return "".join(lines)


def manifest(folder: Path, dataset: Dataset) -> dict:
    """Each file: name, media type, triples (quads for TriG/N-Quads), SHA-256. The counts are
    the dataset's (checked against a parse of the file by the tests)."""
    quads = sum(len(g) for g in named_graphs(dataset))
    triples = len(union_graph(dataset))
    entries = []
    for name in (*DUMPS, VOID, "summary.json"):
        entry: dict = {"name": name}
        if name in DUMPS:
            dump = DUMPS[name]
            entry["mediaType"] = dump.media_type
            entry["quads" if dump.keeps_graphs else "triples"] = quads if dump.keeps_graphs else triples
        elif name == VOID:
            entry["mediaType"] = "text/turtle"
            entry["triples"] = len(Graph().parse(folder / name, format="turtle"))
        else:
            entry["mediaType"] = "application/json"
        data = (folder / name).read_bytes()
        entry["bytes"] = len(data)
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        entries.append(entry)
    return {"files": entries}


def export(result: BuildResult | Dataset, out_dir: Path | str = "dist") -> dict[str, Path]:
    """Write the dumps and the summary into ``out_dir`` atomically; return name -> path."""
    dataset = result.dataset if isinstance(result, BuildResult) else result
    out = Path(out_dir).resolve()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        canonical = canonical_dataset(dataset)
        for name, dump in DUMPS.items():
            (tmp / name).write_text(dump.write(canonical), encoding="utf-8", newline="\n")
        (tmp / VOID).write_text(void_description(canonical), encoding="utf-8", newline="\n")
        stats = summary(result)
        (tmp / "summary.json").write_text(
            json.dumps(stats, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
        )
        (tmp / MANIFEST).write_text(
            json.dumps(manifest(tmp, canonical), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
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

def serialize(dataset: Dataset, fmt: str) -> str:
    """The dataset in one syntax, written as its dump is: quad syntaxes keep the graphs,
    the others hold the union."""
    return FORMATS[fmt].write(canonical_dataset(dataset))
