"""``sco-kg export --out DIR``: every dump, void.ttl and manifest.json, parsed back and
compared with the build; the same bytes from two separate processes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pipeline_support import FIXED_NOW, TINY
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from sco_kg.pipeline.build import build
from sco_kg.rdf.namespaces import KGP, PROOFS_GRAPH
from sco_kg.store.export import DUMPS, FILES, MANIFEST, VOID, datasets_isomorphic, export, union_graph

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "interop" / "fixtures" / "mini" / "dataset.trig"
VOIDNS = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture(scope="module")
def tiny_export(tmp_path_factory):
    from sco_kg.pipeline.sources import Sources

    result = build(Sources.from_dirs(TINY / "ontology", [TINY / "data"]), now=FIXED_NOW)
    out = tmp_path_factory.mktemp("export") / "dist"
    export(result, out)
    return result.dataset, out


@pytest.fixture(scope="module")
def proofs_export(tmp_path_factory):
    """The tiny build with kgg:proofs, as ``sco-kg build`` and ``serve`` make it."""
    from sco_kg.pipeline.sources import Sources

    result = build(Sources.from_dirs(TINY / "ontology", [TINY / "data"]), now=FIXED_NOW, proofs=True)
    assert len(result.dataset.graph(PROOFS_GRAPH)) > 0
    out = tmp_path_factory.mktemp("export") / "dist"
    export(result, out)
    return result.dataset, out


@pytest.fixture(scope="module")
def mini_export(tmp_path_factory):
    """The interop harness's small case: typed and tagged literals, a blank node, a triple in two graphs."""
    dataset = Dataset()
    dataset.parse(MINI, format="trig")
    out = tmp_path_factory.mktemp("export") / "dist"
    export(dataset, out)
    return dataset, out


CASES = ["tiny_export", "proofs_export", "mini_export"]


def _parse(path: Path):
    dump = DUMPS[path.name]
    keeps_graphs, fmt = dump.keeps_graphs, dump.rdflib_format
    if keeps_graphs:
        ds = Dataset()
        ds.parse(path, format=fmt)
        return ds
    return Graph().parse(path, format=fmt)


@pytest.mark.parametrize("case", CASES)
def test_every_file_is_written_and_listed_in_the_manifest(case, request):
    _, out = request.getfixturevalue(case)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert [e["name"] for e in manifest["files"]] == [n for n in FILES if n != MANIFEST]
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["name"]
        assert entry["bytes"] == len(data)
        assert entry["mediaType"]


@pytest.mark.parametrize("case", CASES)
def test_every_dump_parses_back_with_the_manifest_count(case, request):
    _, out = request.getfixturevalue(case)
    entries = {e["name"]: e for e in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]}
    for name, dump in DUMPS.items():
        media, keeps_graphs = dump.media_type, dump.keeps_graphs
        back = _parse(out / name)
        assert entries[name]["mediaType"] == media
        if keeps_graphs:
            assert sum(1 for _ in back.quads((None, None, None, None))) == entries[name]["quads"] > 0, name
        else:
            assert len(back) == entries[name]["triples"] > 0, name
    void = Graph().parse(out / VOID, format="turtle")
    assert len(void) == entries[VOID]["triples"]


@pytest.mark.parametrize("case", CASES)
def test_quad_dumps_round_trip_the_dataset(case, request):
    dataset, out = request.getfixturevalue(case)
    for name in ("sco-kg.trig", "sco-kg.nq"):
        assert datasets_isomorphic(_parse(out / name), dataset), name


@pytest.mark.parametrize("case", CASES)
def test_union_dumps_are_the_union(case, request):
    dataset, out = request.getfixturevalue(case)
    union = union_graph(dataset)
    for name in ("sco-kg.ttl", "sco-kg.nt", "sco-kg.rdf", "sco-kg.jsonld"):
        assert isomorphic(_parse(out / name), union), name


def test_the_mini_case_keeps_its_blank_node_and_literals(mini_export):
    _, out = mini_export
    nt = Graph().parse(out / "sco-kg.nt", format="nt")
    assert any(isinstance(n, BNode) for t in nt for n in t)
    for name in ("sco-kg.rdf", "sco-kg.jsonld"):
        back = _parse(out / name)
        assert {o for o in back.objects() if isinstance(o, Literal)} == {
            o for o in nt.objects() if isinstance(o, Literal)
        }, name


def test_jsonld_is_expanded_with_no_context(mini_export):
    _, out = mini_export
    doc = json.loads((out / "sco-kg.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc, list) and all("@id" in node for node in doc)
    assert "@context" not in (out / "sco-kg.jsonld").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_void_describes_the_dataset_and_each_graph(case, request):
    dataset, out = request.getfixturevalue(case)
    void = Graph().parse(out / VOID, format="turtle")
    base = (out / VOID).resolve().as_uri()
    ds = URIRef(base + "#sco-kg")
    union = union_graph(dataset)
    assert void.value(ds, VOIDNS.triples).toPython() == len(union)
    assert void.value(ds, VOIDNS.properties).toPython() == len(set(union.predicates()))
    assert void.value(ds, VOIDNS.entities).toPython() == len({s for s in union.subjects() if isinstance(s, URIRef)})
    assert void.value(ds, VOIDNS.classes).toPython() >= 1
    dumps = set(void.objects(ds, VOIDNS.dataDump))
    assert dumps == {URIRef((out / name).resolve().as_uri()) for name in DUMPS}
    per_graph = {}
    for subset in void.objects(ds, VOIDNS.subset):
        per_graph[str(void.value(subset, SD.name))] = void.value(subset, VOIDNS.triples).toPython()
    expected = {}
    for _, _, _, c in dataset.quads((None, None, None, None)):
        expected[str(getattr(c, "identifier", c))] = len(dataset.graph(getattr(c, "identifier", c)))
    assert per_graph == expected


DCTERMS = Namespace("http://purl.org/dc/terms/")


def test_proofs_are_a_graph_of_the_quad_dumps_and_not_of_the_union(proofs_export):
    """kgg:proofs is kept as a graph by TriG and N-Quads; the union dumps, like the
    endpoint's default graph, hold none of it; VoID counts the union without it."""
    dataset, out = proofs_export
    proofs = dataset.graph(PROOFS_GRAPH)
    for name in ("sco-kg.trig", "sco-kg.nq"):
        back = _parse(out / name)
        assert isomorphic(_plain(back.graph(PROOFS_GRAPH)), _plain(proofs)), name
    entries = {e["name"]: e for e in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]}
    union = union_graph(dataset)
    only_proofs = {t for t in proofs if t not in union}
    assert only_proofs and not any(str(s).startswith(str(KGP)) for s, _, _ in union)
    for name in ("sco-kg.ttl", "sco-kg.nt", "sco-kg.rdf", "sco-kg.jsonld"):
        back = _parse(out / name)
        assert len(back) == entries[name]["triples"] == len(union), name
        assert not any(t in back for t in only_proofs), name
    void = Graph().parse(out / VOID, format="turtle")
    ds = URIRef((out / VOID).resolve().as_uri() + "#sco-kg")
    assert void.value(ds, VOIDNS.triples).toPython() == len(union)
    (subset,) = void.subjects(SD.name, PROOFS_GRAPH)
    assert void.value(subset, VOIDNS.triples).toPython() == len(proofs)
    assert "kgg:inferred" in str(void.value(subset, DCTERMS.description))
    assert {str(d).rsplit("/", 1)[-1] for d in void.objects(subset, VOIDNS.dataDump)} == {"sco-kg.trig", "sco-kg.nq"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["proofs"] == len(proofs)


def test_a_triple_of_the_proofs_graph_and_of_another_stays_in_the_union(tmp_path):
    ds = Dataset()
    ds.graph(URIRef("https://w3id.org/sco-kg/graph/one")).add((EXN.a, EXN.p, EXN.b))
    ds.graph(PROOFS_GRAPH).add((EXN.a, EXN.p, EXN.b))
    ds.graph(PROOFS_GRAPH).add((EXN.c, EXN.p, EXN.d))
    export(ds, tmp_path / "dist")
    nt = (tmp_path / "dist" / "sco-kg.nt").read_text(encoding="utf-8").splitlines()
    assert nt == [f"<{EXN.a}> <{EXN.p}> <{EXN.b}> ."]
    assert (tmp_path / "dist" / "sco-kg.nq").read_text(encoding="utf-8").count("\n") == 3


def _plain(graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


_MINI_SCRIPT = (
    "import sys; from rdflib import Dataset; from sco_kg.store.export import export; "
    "ds = Dataset(); ds.parse(sys.argv[1], format='trig'); export(ds, sys.argv[2])"
)


def _env(seed: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "server"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONHASHSEED"] = seed  # set and dict orders differ between the two processes
    env["SCO_KG_RESOURCES"] = str(TINY)
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    return env


def _same_bytes(one: Path, two: Path) -> None:
    assert sorted(p.name for p in one.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_the_cli_export_is_byte_identical_across_processes(tmp_path):
    """``sco-kg export --out`` twice, in two processes with different hash seeds."""
    for i, seed in enumerate(("1", "2")):
        proc = subprocess.run(
            [sys.executable, "-c", "from sco_kg.cli import main; main()", "export", "--out", str(tmp_path / f"run{i}"), "-q"],
            env=_env(seed), capture_output=True, text=True, timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
    _same_bytes(tmp_path / "run0", tmp_path / "run1")


def test_blank_nodes_get_the_same_labels_across_processes(tmp_path):
    for i, seed in enumerate(("3", "4")):
        proc = subprocess.run(
            [sys.executable, "-c", _MINI_SCRIPT, str(MINI), str(tmp_path / f"run{i}")],
            env=_env(seed), capture_output=True, text=True, timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
    _same_bytes(tmp_path / "run0", tmp_path / "run1")


def test_cli_out_refuses_format_or_output(runner, tiny_env, tmp_path):
    from sco_kg.cli import main

    res = runner.invoke(main, ["export", "--out", str(tmp_path / "d"), "--format", "nquads"])
    assert res.exit_code == 2 and "--out" in res.output


def test_cli_single_format_still_works(runner, tiny_env, tmp_path):
    from sco_kg.cli import main

    res = runner.invoke(main, ["export", "--format", "ntriples", "-o", str(tmp_path / "x.nt"), "-q"])
    assert res.exit_code == 0, res.output
    assert len(Graph().parse(tmp_path / "x.nt", format="nt")) > 0


class _DatasetSubset:
    """Only the part of rdflib's Dataset API that export may use (the build's container
    offers this much): graphs with identifier, len and iteration, the default graph's
    identifier, namespaces()."""

    def __init__(self, dataset: Dataset) -> None:
        self._graphs = [_GraphSubset(g.identifier, list(g)) for g in dataset.graphs()]
        self.default_graph = _GraphSubset(dataset.default_graph.identifier, list(dataset.default_graph))
        self._namespaces = list(dataset.namespaces())

    def graphs(self):
        return iter(self._graphs)

    def namespaces(self):
        return iter(self._namespaces)


class _GraphSubset:
    def __init__(self, identifier, triples: list) -> None:
        self.identifier, self._triples = identifier, triples

    def __len__(self) -> int:
        return len(self._triples)

    def __iter__(self):
        return iter(self._triples)


def test_export_reads_only_the_dataset_subset_and_writes_the_same_bytes(mini_export, tmp_path):
    """The build's own container answers only this subset: the bytes must not depend on
    which container holds the same quads."""
    from sco_kg.pipeline.build import BuildResult, compute_stats

    dataset, out = mini_export
    # summary.json's counts of a bare dataset come from compute_stats (build.py, which reads
    # more than the subset): a BuildResult carries them, as the build's does
    result = BuildResult(_DatasetSubset(dataset), report=None, stats=compute_stats(dataset))
    export(result, tmp_path / "subset")
    for name in (*DUMPS, VOID):  # summary.json says the build's verdicts (none here), so the manifest differs
        assert (out / name).read_bytes() == (tmp_path / "subset" / name).read_bytes(), name


def test_serialize_writes_the_bytes_of_each_dump(mini_export):
    from sco_kg.store.export import FORMATS, serialize

    dataset, out = mini_export
    for fmt, dump in FORMATS.items():
        assert serialize(dataset, fmt).encode("utf-8") == (out / dump.file).read_bytes(), fmt


EXN = Namespace("https://w3id.org/sco-kg/id/")
XSD_NS = Namespace("http://www.w3.org/2001/XMLSchema#")


def _literal_dataset() -> Dataset:
    """Literals a store would canonicalise or reject, as rdflib holds them."""
    ds = Dataset()
    g = ds.graph(URIRef("https://w3id.org/sco-kg/graph/literals"))
    g.add((EXN.a, EXN.quantity, Literal("007", datatype=XSD_NS.nonNegativeInteger, normalize=False)))
    g.add((EXN.a, EXN.bad, Literal("abc", datatype=XSD_NS.integer)))
    g.add((EXN.a, EXN.double, Literal("1.50", datatype=XSD_NS.double, normalize=False)))
    g.add((EXN.a, EXN.label, Literal("Shanghaï", lang="fr-FR")))
    return ds


def test_dumps_keep_lexical_forms_and_datatypes(tmp_path):
    import pyoxigraph as ox

    export(_literal_dataset(), tmp_path / "dist")
    expected = {
        ('"007"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>'),
        ('"abc"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ('"1.50"^^<http://www.w3.org/2001/XMLSchema#double>'),
        '"Shanghaï"@fr-fr',  # pyoxigraph lowercases language tags (BCP 47: case-insensitive)
    }
    syntaxes = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".ttl": ox.RdfFormat.TURTLE,
                ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD}
    for name in DUMPS:
        path = tmp_path / "dist" / name
        written = {str(q.object) for q in ox.parse(path=str(path), format=syntaxes[path.suffix])}
        assert written == expected, name


def test_quads_and_union_are_deduplicated_and_counted(tmp_path):
    """A triple in two graphs is two quads and one union triple; "x" and "x"^^xsd:string
    are one RDF term (rdflib tells them apart), written once."""
    ds = Dataset()
    one = ds.graph(URIRef("https://w3id.org/sco-kg/graph/one"))
    two = ds.graph(URIRef("https://w3id.org/sco-kg/graph/two"))
    one.add((EXN.a, EXN.p, Literal("x")))
    one.add((EXN.a, EXN.p, Literal("x", datatype=XSD_NS.string)))
    two.add((EXN.a, EXN.p, Literal("x")))
    export(ds, tmp_path / "dist")
    entries = {e["name"]: e for e in json.loads((tmp_path / "dist" / MANIFEST).read_text(encoding="utf-8"))["files"]}
    assert entries["sco-kg.nq"]["quads"] == 2 and entries["sco-kg.nt"]["triples"] == 1
    assert (tmp_path / "dist" / "sco-kg.nq").read_text(encoding="utf-8").count("\n") == 2
    assert (tmp_path / "dist" / "sco-kg.nt").read_text(encoding="utf-8").count("\n") == 1


def test_dumps_are_sorted_by_graph_subject_predicate_object(mini_export):
    _, out = mini_export
    lines = (out / "sco-kg.nq").read_text(encoding="utf-8").splitlines()
    keys = [(line.rsplit(" ", 2)[-2], line) for line in lines]  # graph name, then the rest
    assert len(lines) == len(set(lines)) > 0
    assert [g for g, _ in keys] == sorted(g for g, _ in keys)
    nt = (out / "sco-kg.nt").read_text(encoding="utf-8").splitlines()
    assert nt == sorted(nt) and len(nt) == len(set(nt))
