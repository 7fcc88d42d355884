"""Write a built dataset out: ``sco-kg.trig`` and ``sco-kg.nq`` keep every named graph;
``sco-kg.ttl``, ``sco-kg.nt``, ``sco-kg.rdf`` (RDF/XML) and ``sco-kg.jsonld`` (expanded
JSON-LD, node objects with no context) hold the union; ``void.ttl`` describes the dataset
(VoID), ``manifest.json`` lists each file with its media type, count and SHA-256, and
``summary.json`` holds the build's counts.

The union is the endpoint's default graph: every named graph but ``kgg:proofs`` (the proofs
are about the closure, several times its size, not facts of it: PROFILE.md). So the proofs
are only in the TriG and N-Quads dumps, as their own graph, and VoID describes them as a
subset of their own, outside the union's counts.

Every dump but TriG and Turtle is written by pyoxigraph's serialisers (Rust, streaming to
the file); TriG and Turtle by :mod:`sco_kg.rdf.turtle`, which writes ``<IRI>`` where pyoxigraph
would escape a local name (``kgg:a\\/s01``: Virtuoso 7.2 kept the backslash). rdflib's
pretty serialisers and rdflib union Graphs took 44 s at 100k synthetic triples and more
than ten minutes at 1M; this takes 2.5 s and 30 s (+0.2 GiB peak RSS at 1M). The dataset is read once through a small part of rdflib's Dataset
API (``graphs()`` with ``identifier``/``len``/iteration, ``default_graph.identifier``), so
the build's QuadSet and an rdflib Dataset both serve. Each distinct rdflib term is converted
to a pyoxigraph term once; the quads are then held as packed integers (the rank of each
term in N-Triples order), sorted once, and decoded into pyoxigraph quads as each
serialiser asks for them.

Outputs are deterministic for the same input: the quads are handed to the serialisers
sorted by (graph, subject, predicate, object), each term by its N-Triples form, duplicates
dropped; when the dataset has blank nodes they are relabelled canonically (rdflib.compare's
hashing, over the triples that hold a blank node). They are written atomically: into a
temporary folder beside the target, which replaces the target only when every file is
written.

Literal fidelity: each literal is written with the lexical form and datatype rdflib holds
(a pyoxigraph Literal keeps what it is given; only an Oxigraph store canonicalises), so
``"007"^^xsd:nonNegativeInteger`` held as such, or an ill-typed ``"abc"^^xsd:integer``, is
written as it is. Two exceptions, both RDF 1.1's own equalities: pyoxigraph lowercases
language tags (``@fr-FR`` is written ``@fr-fr``), and ``"x"^^xsd:string`` is the simple
literal ``"x"`` (rdflib tells the two apart; written once).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph
from rdflib.compare import _TripleCanonicalizer, isomorphic
from rdflib.namespace import RDF

from ..core.errors import ConfigError
from ..pipeline.build import BuildResult, compute_stats, named_graphs
from ..rdf import formats, terms, turtle
from ..rdf.namespaces import PREFIXES, PROOFS_GRAPH, bind_prefixes

VOID = "void.ttl"
MANIFEST = "manifest.json"


def union_graph(dataset: Dataset) -> Graph:
    """The union of the named graphs but ``kgg:proofs`` (the endpoint's default graph) as an
    rdflib Graph (for tests and small data: the export itself does not build it)."""
    union = Graph()
    bind_prefixes(union)
    for graph in named_graphs(dataset):
        if graph.identifier == PROOFS_GRAPH:
            continue
        for triple in graph:
            union.add(triple)
    return union


def datasets_isomorphic(one: Dataset, two: Dataset) -> bool:
    """The same non-empty named graphs, each pair isomorphic (blank nodes renamed)."""
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


# -- the dataset, read once: distinct terms ranked, quads packed and sorted -------------


class SortedQuads:
    """The named graphs' quads, distinct and sorted by (graph, subject, predicate, object)
    in N-Triples order, and their union's triples likewise (every graph but ``kgg:proofs``);
    each held as one integer packing the four (three) term ranks, so that 1.7M quads sort
    in about a second and cost a few dozen bytes each. ``terms[rank]`` is the pyoxigraph
    term of that rank."""

    def __init__(self, dataset) -> None:
        by_id, raw = _read_quads(dataset)
        keys = [str(term) for term in by_id]
        rank = self._rank_terms(by_id, keys)
        del by_id, keys
        self.base = n = max(len(self.terms), 1)
        packed = {((rank[g] * n + rank[s]) * n + rank[p]) * n + rank[o] for g, s, p, o in raw}
        del raw, rank
        self.quads: list[int] = sorted(packed)
        graph, proofs = n * n * n, self.proofs_graph
        self.triples: list[int] = sorted({q % graph for q in packed if q // graph != proofs})

    def _rank_terms(self, by_id: list, keys: list[str]) -> list[int]:
        """Fill ``terms`` in N-Triples order; return each term id's rank. Terms written
        alike (``"x"`` and ``"x"^^xsd:string``) share a rank, so their quads are one."""
        self.terms: list = []  # pyoxigraph term by rank
        self.is_iri = bytearray()  # by rank: 1 for an IRI (VoID's entities)
        self.rdf_type: int | None = None  # rdf:type's rank, if the data has it
        self.proofs_graph: int | None = None  # kgg:proofs's rank, if the data has it
        rank = [0] * len(by_id)
        last = None
        for i in sorted(range(len(by_id)), key=keys.__getitem__):
            if keys[i] != last:
                last = keys[i]
                if last == _RDF_TYPE_KEY:
                    self.rdf_type = len(self.terms)
                elif last == _PROOFS_KEY:
                    self.proofs_graph = len(self.terms)
                self.terms.append(by_id[i])
                self.is_iri.append(last.startswith("<"))
            rank[i] = len(self.terms) - 1
        return rank

    def graph_rank(self, quad: int) -> int:
        return quad // (self.base ** 3)

    def unpack(self, triple: int) -> tuple[int, int, int]:
        """(subject, predicate, object) ranks of a packed triple (or of a quad's triple)."""
        n = self.base
        sp, o = divmod(triple % (n * n * n), n)
        s, p = divmod(sp, n)
        return s, p, o

    def quad_ranks(self) -> Iterator[tuple[int, int, int, int]]:
        """(graph, subject, predicate, object) ranks of each quad, in order."""
        n = self.base
        for q in self.quads:
            gsp, o = divmod(q, n)
            gs, p = divmod(gsp, n)
            g, s = divmod(gs, n)
            yield g, s, p, o

    def ox_quads(self) -> Iterator[ox.Quad]:
        terms = self.terms
        for g, s, p, o in self.quad_ranks():
            yield ox.Quad(terms[s], terms[p], terms[o], terms[g])

    def ox_triples(self) -> Iterator[ox.Triple]:
        terms = self.terms
        for s, p, o in map(self.unpack, self.triples):
            yield ox.Triple(terms[s], terms[p], terms[o])


_RDF_TYPE_KEY = f"<{RDF.type}>"
_PROOFS_KEY = f"<{PROOFS_GRAPH}>"


def _read_quads(dataset) -> tuple[list, list[tuple[int, int, int, int]]]:
    """One pass over the named graphs: each distinct rdflib term converted to pyoxigraph
    once (a list by term id), and the quads as tuples of term ids. Blank nodes are
    labelled canonically, from the triples that hold one, only if there are any."""
    ids: dict = {}  # rdflib term -> id (first-seen order)
    raw: list[tuple[int, int, int, int]] = []
    blank_triples: list = []
    for graph in named_graphs(dataset):
        g = ids.setdefault(graph.identifier, len(ids))
        for s, p, o in graph:
            raw.append((g, ids.setdefault(s, len(ids)), ids.setdefault(p, len(ids)), ids.setdefault(o, len(ids))))
            if isinstance(s, BNode) or isinstance(o, BNode):
                blank_triples.append((s, p, o))
    labels = canonical_blank_labels(blank_triples) if blank_triples else {}
    return [terms.to_oxigraph(term, labels.get(term)) for term in ids], raw


def canonical_blank_labels(triples) -> dict:
    """Blank node -> label from rdflib.compare's canonical hashing (over the union, so a
    blank node shared by two graphs stays one), so that the labels, and the bytes written,
    do not depend on the parse that made them. Only the triples that hold a blank node
    are needed: the hashing colours a blank node by the triples it is in."""
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    canon = _TripleCanonicalizer(graph)
    coloring = canon._refine(canon._initial_color(), canon._initial_color())
    if not canon._discrete(coloring):
        coloring = canon._traces(coloring)
    return {c.nodes[0]: "c" + c.hash_color()[:32] for c in coloring if isinstance(c.nodes[0], BNode)}


def _prepared(dataset) -> SortedQuads:
    return dataset if isinstance(dataset, SortedQuads) else SortedQuads(dataset)


def _write(fmt: ox.RdfFormat, dataset, output=None) -> bytes | None:
    """``dataset`` (or its SortedQuads) in one syntax, into ``output`` (a path) or returned."""
    sq = _prepared(dataset)
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE):  # sco_kg.rdf.turtle: no escaped local names
        quads = fmt == ox.RdfFormat.TRIG
        rows = sq.quad_ranks() if quads else (sq.unpack(t) for t in sq.triples)
        if output is None:
            buffer = io.StringIO()
            turtle.write(buffer, sq.terms, rows, PREFIXES, graphs=quads)
            return buffer.getvalue().encode("utf-8")
        with open(output, "w", encoding="utf-8", newline="\n") as out:
            turtle.write(out, sq.terms, rows, PREFIXES, graphs=quads)
        return None
    items = sq.ox_quads() if fmt == ox.RdfFormat.N_QUADS else sq.ox_triples()
    prefixes = PREFIXES if fmt == ox.RdfFormat.RDF_XML else None
    return ox.serialize(items, output=None if output is None else str(output), format=fmt, prefixes=prefixes)


def to_nquads(dataset) -> str:
    """Every quad of every named graph, one per line, sorted."""
    return _write(ox.RdfFormat.N_QUADS, dataset).decode("utf-8")


def to_trig(dataset) -> str:
    """TriG: the project's prefixes, then the named graphs, sorted by name."""
    return _write(ox.RdfFormat.TRIG, dataset).decode("utf-8")


def summary(result: BuildResult | Dataset) -> dict:
    """The counts of :func:`~sco_kg.pipeline.build.compute_stats` and the validation verdicts (no timings:
    the file is byte-identical across builds of the same input)."""
    if isinstance(result, BuildResult):
        stats = dict(result.stats)
        stats["validation"] = {k: r.verdict for k, r in result.reports.items()}
    else:
        stats = compute_stats(result)
    return stats


@dataclass(frozen=True)
class Format:
    """One RDF syntax of the export (:mod:`sco_kg.rdf.formats`): its dump file and writer."""

    syntax: formats.RdfSyntax

    @property
    def file(self) -> str:
        return f"sco-kg.{self.syntax.extension}"

    @property
    def media_type(self) -> str:
        return self.syntax.media_type

    @property
    def keeps_graphs(self) -> bool:
        """TriG and N-Quads keep the named graphs; the others hold the union (JSON-LD could
        hold graphs, but its dump is read as a graph by most tools)."""
        return self.syntax.key in ("trig", "nquads")

    @property
    def rdflib_format(self) -> str:
        """rdflib's name for the syntax (to read a dump back)."""
        return self.syntax.rdflib

    def write(self, dataset) -> str:
        """The dump's text (the same bytes as the file ``export`` writes)."""
        return _write(self.syntax.oxigraph, dataset).decode("utf-8")

    def write_file(self, dataset, path: Path) -> None:
        _write(self.syntax.oxigraph, dataset, path)


#: format key (``sco-kg export --format``) -> Format; every one is also a dump of ``export``
FORMATS: dict[str, Format] = {
    key: Format(formats.BY_KEY[key]) for key in ("trig", "nquads", "turtle", "ntriples", "rdfxml", "jsonld")
}
#: the RDF dumps, by file name
DUMPS: dict[str, Format] = {f.file: f for f in FORMATS.values()}
FILES = (*DUMPS, VOID, "summary.json", MANIFEST)


#: what void.ttl says of kgg:proofs, and which dumps hold it
PROOFS_DESCRIPTION = (
    "The proof of every triple of kgg:inferred: each triple of a proof is an rdf:Statement, "
    "an inferred one prov:wasGeneratedBy a skg:RuleApplication (skg:rule, the OWL 2 RL rule; "
    "skg:premises, an rdf:List) and prov:wasDerivedFrom its premises, an asserted one "
    "skg:assertedIn the named graphs stating it. Not part of the union default graph, nor of "
    "the dataset's counts: ask GRAPH <" + str(PROOFS_GRAPH) + ">. In sco-kg.trig and sco-kg.nq only.")
UNION_DESCRIPTION = (
    "The union of every named graph but kgg:proofs (the endpoint's default graph): the counts, "
    "and the triples of sco-kg.ttl, sco-kg.nt, sco-kg.rdf and sco-kg.jsonld. sco-kg.trig and "
    "sco-kg.nq keep every named graph, kgg:proofs included.")


def void_description(dataset) -> str:
    """VoID in Turtle: the dataset (``<#sco-kg>``) with its counts over the union (every graph
    but ``kgg:proofs``), its dumps by relative IRI, and one ``void:subset`` per named graph
    (``sd:name`` the graph) with that graph's counts; the subset of ``kgg:proofs`` says what
    it holds and which dumps carry it. Entities: distinct IRI subjects."""
    sq = _prepared(dataset)
    by_graph: dict[int, list[int]] = {}
    for q in sq.quads:  # sorted: each graph's quads are contiguous, graphs in name order
        by_graph.setdefault(sq.graph_rank(q), []).append(q)
    lines = [
        "@prefix void: <http://rdfs.org/ns/void#> .\n",
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n",
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n",
        "\n<#sco-kg> a void:Dataset ;\n",
        '    dcterms:title "sco-kg" ;\n',
        f"    dcterms:description {_literal_en(UNION_DESCRIPTION)} ;\n",
    ]
    lines += [f"    {p} {n} ;\n" for p, n in _void_counts(sq, sq.triples)]
    lines.append("    void:dataDump " + ", ".join(f"<{name}>" for name in DUMPS))
    if by_graph:
        lines.append(" ;\n    void:subset " + ", ".join(f"<#graph-{i}>" for i in range(1, len(by_graph) + 1)))
    lines.append(" .\n")
    for i, (g, quads) in enumerate(by_graph.items(), 1):
        lines.append(f"\n<#graph-{i}> a void:Dataset ;\n    sd:name {sq.terms[g]} ;\n")
        body = [f"    {p} {n}" for p, n in _void_counts(sq, quads)]
        if g == sq.proofs_graph:
            body.append(f"    dcterms:description {_literal_en(PROOFS_DESCRIPTION)}")
            body.append("    void:dataDump " + ", ".join(f"<{d.file}>" for d in FORMATS.values() if d.keeps_graphs))
        lines.append(" ;\n".join(body) + " .\n")
    return "".join(lines)


def _literal_en(text: str) -> str:
    return str(ox.Literal(text, language="en"))


def _void_counts(sq: SortedQuads, packed: list[int]) -> list[tuple[str, int]]:
    """VoID's counts of distinct triples (packed quads of one graph, or the union's triples)."""
    spo = [sq.unpack(t) for t in packed]
    rdf_type, is_iri = sq.rdf_type, sq.is_iri
    return [
        ("void:triples", len(spo)),
        ("void:entities", len({s for s, _, _ in spo if is_iri[s]})),
        ("void:classes", len({o for _, p, o in spo if p == rdf_type})),
        ("void:properties", len({p for _, p, _ in spo})),
        ("void:distinctSubjects", len({s for s, _, _ in spo})),
        ("void:distinctObjects", len({o for _, _, o in spo})),
    ]


def manifest(folder: Path, dataset) -> dict:
    """Each file: name, media type, triples (quads for TriG/N-Quads), SHA-256. The counts are
    the distinct quads and union triples written (checked against a parse of each file by
    the tests)."""
    sq = _prepared(dataset)
    entries = []
    for name in (*DUMPS, VOID, "summary.json"):
        entry: dict = {"name": name}
        if name in DUMPS:
            dump = DUMPS[name]
            entry["mediaType"] = dump.media_type
            if dump.keeps_graphs:
                entry["quads"] = len(sq.quads)
            else:
                entry["triples"] = len(sq.triples)
        elif name == VOID:
            entry["mediaType"] = "text/turtle"
            entry["triples"] = _count_triples(folder / name)
        else:
            entry["mediaType"] = "application/json"
        entry["bytes"], entry["sha256"] = _size_and_digest(folder / name)
        entries.append(entry)
    return {"files": entries}


def _count_triples(path: Path) -> int:
    """Triples of a Turtle file, parsed by pyoxigraph (void.ttl has one subset per graph:
    16 MB for the 1M synthetic graphs, 15 s for rdflib's parser)."""
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))


def _size_and_digest(path: Path) -> tuple[int, str]:
    """Read in chunks: a dump at 1M triples is hundreds of MB."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def export(result: BuildResult | Dataset, out_dir: Path | str = "dist") -> dict[str, Path]:
    """Write the dumps and the summary into ``out_dir`` atomically; return name -> path."""
    dataset = result.dataset if isinstance(result, BuildResult) else result
    out = Path(out_dir).resolve()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        sq = SortedQuads(dataset)
        for name, dump in DUMPS.items():
            dump.write_file(sq, tmp / name)
        (tmp / VOID).write_text(void_description(sq), encoding="utf-8", newline="\n")
        stats = summary(result)
        (tmp / "summary.json").write_text(
            json.dumps(stats, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
        )
        (tmp / MANIFEST).write_text(
            json.dumps(manifest(tmp, sq), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
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

def serialize(dataset, fmt: str) -> str:
    """The dataset in one syntax, the same bytes as its dump: quad syntaxes keep the
    graphs, the others hold the union."""
    return FORMATS[fmt].write(dataset)
