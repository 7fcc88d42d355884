"""Apache Jena's SHACL gives the verdict pySHACL gives, with the project's shapes.

Jena 4.5's ``shacl validate`` validates the default graph only (the named graphs of TriG or
N-Quads are ignored), does no inference, and exits 0 whether or not the data conforms. So:

* the data is a plain graph: the union dump (``sco-kg.ttl``: every graph of the build but
  ``kgg:proofs``, the ontology and its imports and ``kgg:inferred``, the OWL RL closure,
  included), or for each fixture of the WHOLE shape corpus (tests/shapes/: valid/,
  invalid/ with base.trig, datasets/) the fixture with the ontology, RDFS-materialised
  beforehand with pySHACL's own RDFS rules (what its ``inference="rdfs"`` runs);
* both engines validate that same graph with no inference, SHACL-SPARQL on; Jena all the
  corpus in one JVM (ShaclBatch.java, run as a source file: no javac step);
* the verdict is read from the report (``sh:conforms``), and the results are compared
  (focus node, path, constraint component, severity, source shape); pySHACL's must also
  be what the fixture pins (``# expect:``), so the materialised graph means the fixture.
* A known difference would be a strict xfail in KNOWN_DIFFERENCES, with its reason: there
  is none with Jena 4.5 and pySHACL 0.40 (offsets in code points included: SUBSTR and
  STRLEN count code points in both, tests/shapes/datasets/*/ have text beyond the BMP).

Jena 4.5 also rejects a SPARQL constraint with more than one ``sh:message`` ("More than
one match"): the shapes given to it keep one message per shape (English), which changes
no verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from interop_engines import ROOT
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from test_shapes import _reuse_parsed_sparql  # noqa: F401  (a module fixture: parsed SHACL-SPARQL reused)

pytestmark = pytest.mark.interop

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = ROOT / "ontology" / "shapes.ttl"
SHAPE_FIXTURES = ROOT / "tests" / "shapes"
BASE = SHAPE_FIXTURES / "valid" / "base.trig"


def jena_shapes(out: Path) -> Path:
    """ontology/shapes.ttl with one sh:message per shape (English where there is one)."""
    shapes = Graph().parse(SHAPES, format="turtle")
    for subject in set(shapes.subjects(SH.message, None)):
        messages = sorted(shapes.objects(subject, SH.message), key=lambda m: (getattr(m, "language", None) != "en", str(m)))
        for extra in messages[1:]:
            shapes.remove((subject, SH.message, extra))
    shapes.serialize(out, format="turtle")
    return out


@pytest.fixture(scope="module")
def shapes_for_jena(tmp_path_factory) -> Path:
    return jena_shapes(tmp_path_factory.mktemp("shacl") / "shapes-jena.ttl")


def _key(graph: Graph, term) -> str:
    if isinstance(term, BNode):
        return "_:"
    if term is None:
        return "-"
    return term.n3()


def results(report: Graph) -> tuple[bool, set]:
    """sh:conforms and the results of a validation report, blank nodes anonymised."""
    (report_node,) = report.subjects(RDF.type, SH.ValidationReport)
    conforms = report.value(report_node, SH.conforms)
    found = set()
    for result in report.objects(report_node, SH.result):
        found.add(
            (
                _key(report, report.value(result, SH.focusNode)),
                _key(report, report.value(result, SH.resultPath)),
                _key(report, report.value(result, SH.sourceConstraintComponent)),
                _key(report, report.value(result, SH.resultSeverity)),
                _key(report, report.value(result, SH.sourceShape)),
            )
        )
    return bool(conforms.toPython()), found


def pyshacl_report(data: Graph) -> Graph:
    import pyshacl

    shapes = Graph().parse(SHAPES, format="turtle")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False
    )
    return report


def jena_report(jena, shapes: Path, data: Path) -> Graph:
    text, _ = jena.shacl_validate(shapes, data)
    return Graph().parse(data=text, format="turtle")


def same_verdict(jena, shapes_for_jena: Path, data_file: Path, data: Graph) -> tuple[bool, set]:
    j_conforms, j_results = results(jena_report(jena, shapes_for_jena, data_file))
    p_conforms, p_results = results(pyshacl_report(data))
    missing = sorted(p_results - j_results)
    extra = sorted(j_results - p_results)
    assert (j_conforms, not missing, not extra) == (p_conforms, True, True), (
        f"jena conforms={j_conforms}, pyshacl conforms={p_conforms}\n"
        + "\n".join(f"only pyshacl: {r}" for r in missing[:30])
        + "\n"
        + "\n".join(f"only jena: {r}" for r in extra[:30])
    )
    return p_conforms, p_results


def test_jena_shapes_differ_only_in_messages(shapes_for_jena):
    """The shapes Jena gets are ours less the translations of sh:message."""
    from rdflib.compare import isomorphic

    original = Graph().parse(SHAPES, format="turtle")
    reduced = Graph().parse(shapes_for_jena, format="turtle")
    for subject in set(original.subjects(SH.message, None)):
        if isinstance(subject, URIRef):
            assert len(list(reduced.objects(subject, SH.message))) == 1, subject
    assert len(set(original.subjects(SH.message, None))) == len(set(reduced.subjects(SH.message, None)))
    for graph in (original, reduced):
        graph.remove((None, SH.message, None))
    assert isomorphic(original, reduced)


def test_jena_shacl_build(dumps, jena, shapes_for_jena):
    """The build's union (with the ontology and the OWL RL closure): same verdict, same results."""
    dump = dumps("build")
    data = Graph().parse(dump.union, format="turtle")
    conforms, _ = same_verdict(jena, shapes_for_jena, dump.union, data)
    assert conforms, "the build does not conform to the shapes"


# --- the whole shape corpus: conforming and not ------------------------------------------
#
# Every fixture of tests/shapes/ (valid/, invalid/ with valid/base.trig) and of
# tests/shapes/datasets/ (the dataset files of the provenance rules; their ProvenanceConstraint
# results are not SHACL and not compared) is materialised once, all of them are validated
# by Jena in ONE JVM (ShaclBatch.java beside this file: a JVM start per file would cost
# 2 to 3 s each), and each is compared with pySHACL on the same graph.

BATCH = Path(__file__).resolve().parent / "ShaclBatch.java"
DATASETS = SHAPE_FIXTURES / "datasets"
PROVENANCE_RULE = "skgsh:ProvenanceConstraint"


@dataclass(frozen=True)
class Case:
    id: str
    files: tuple
    with_kg: bool = False
    invalid: Path | None = None  # the fixture whose '# expect:' lines pin the results


def _with_kg(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith("# with-kg")


def _corpus() -> list[Case]:
    cases = [Case(f"valid-{p.stem}", (p,)) for p in sorted((SHAPE_FIXTURES / "valid").glob("*.t*"))]
    cases += [Case(f"invalid-{p.stem}", (BASE, p), invalid=p) for p in sorted((SHAPE_FIXTURES / "invalid").glob("*.ttl"))]
    cases += [Case(f"dataset-valid-{p.stem}", (p,), _with_kg(p)) for p in sorted((DATASETS / "valid").glob("*.trig"))]
    for p in sorted((DATASETS / "invalid").glob("*.trig")):
        files = (p,) if _with_kg(p) else (BASE, p)
        cases.append(Case(f"dataset-invalid-{p.stem}", files, _with_kg(p), invalid=p))
    return cases


CORPUS = _corpus()

# Where Jena 4.5 and pySHACL 0.40 part, and why (strict: a fix on either side shows up).
KNOWN_DIFFERENCES: dict[str, str] = {}


def materialised(files, extra: Graph | None = None) -> Graph:
    """The files (and ``extra``), the ontology and its imports in one graph, RDFS-closed as
    pySHACL's ``inference="rdfs"`` does (its CustomRDFSSemantics: owlrl's RDFS rules
    without the one-time rules, whose literal proxies made ``"x"`` and ``"x"@fr`` one
    literal and added a plain copy of every tagged string equal to some other plain
    string), without the triples whose subject is a literal (no RDF syntax writes them)."""
    import owlrl
    from pyshacl.inference.custom_rdfs_closure import CustomRDFSSemantics

    data = Graph()
    for path in [ROOT / "ontology" / "sco-kg.ttl", *sorted((ROOT / "ontology" / "imports").glob("*.ttl")), *files]:
        if path.suffix == ".trig":
            ds = Dataset()
            ds.parse(path, format="trig")
            for s, p, o, _ in ds.quads((None, None, None, None)):
                data.add((s, p, o))
        else:
            data.parse(path, format="turtle")
    for triple in extra or ():
        data.add(triple)
    owlrl.DeductiveClosure(CustomRDFSSemantics).expand(data)
    for triple in [t for t in data if isinstance(t[0], Literal)]:
        data.remove(triple)
    return data


@dataclass
class JenaCorpus:
    graphs: dict  # case id -> the materialised graph
    files: dict  # case id -> the N-Triples file Jena read
    seconds: float  # the one JVM's run over every file


@pytest.fixture(scope="module")
def jena_corpus(jena, shapes_for_jena, tmp_path_factory) -> JenaCorpus:
    import time

    from interop_engines import ENGINES, require, run
    from test_shapes import project_data

    wrapper = require("jena wrapper", ENGINES / "jena")
    out = tmp_path_factory.mktemp("shacl-corpus")
    kg = project_data() if any(c.with_kg for c in CORPUS) else None
    graphs, files = {}, {}
    for case in CORPUS:
        graphs[case.id] = materialised(case.files, kg if case.with_kg else None)
        files[case.id] = out / f"{case.id}.nt"
        graphs[case.id].serialize(files[case.id], format="nt", encoding="utf-8")
    started = time.monotonic()
    proc = run([wrapper, BATCH, shapes_for_jena, *files.values()])
    seconds = time.monotonic() - started
    if proc.returncode not in (0, 1) or "ShaclBatch:" not in proc.stderr:
        pytest.fail(f"ShaclBatch failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}", pytrace=False)
    print(f"\nJena SHACL over {len(files)} files in one JVM: {seconds:.1f} s")
    return JenaCorpus(graphs, files, seconds)


def _pinned(case: Case) -> set:
    """The SHACL results the fixture pins, as results() gives them (no severity: all Violation)."""
    from test_shapes import ANY_BLANK_NODE, expectations

    out = set()
    for focus, path, component, shape in expectations(case.invalid):
        if str(component).endswith("ProvenanceConstraint"):
            continue  # not SHACL: sco_kg.pipeline.provenance_rules
        if isinstance(focus, Literal):
            continue  # typed by RDFS inference ("x" a skos:ConceptScheme): a literal subject, not written
        out.add((
            "_:" if focus == ANY_BLANK_NODE else focus.n3(),
            "-" if path is None else (f"<{path}>" if not path.startswith("^") else "_:"),
            component.n3(),
            SH.Violation.n3(),
            shape.n3(),
        ))
    return out


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=KNOWN_DIFFERENCES[c.id], strict=True)])
        if c.id in KNOWN_DIFFERENCES else pytest.param(c, id=c.id)
        for c in CORPUS
    ],
)
def test_jena_shacl_corpus(case: Case, jena_corpus: JenaCorpus):
    data_file = jena_corpus.files[case.id]
    error = data_file.with_name(data_file.name + ".error")
    assert not error.exists(), f"Jena could not validate {case.id}:\n{error.read_text()[-3000:]}"
    report_file = data_file.with_name(data_file.name + ".report.ttl")
    j_conforms, j_results = results(Graph().parse(report_file, format="turtle"))
    p_conforms, p_results = results(pyshacl_report(jena_corpus.graphs[case.id]))
    # the graph both engines read is the fixture's meaning: pySHACL finds what test_shapes pins
    pinned = _pinned(case) if case.invalid else set()
    assert p_results == pinned, "pySHACL on the materialised graph:\n" + "\n".join(sorted(map(str, p_results ^ pinned)))
    missing, extra = sorted(p_results - j_results), sorted(j_results - p_results)
    assert (j_conforms, not missing, not extra) == (p_conforms, True, True), (
        f"jena conforms={j_conforms}, pyshacl conforms={p_conforms}\n"
        + "\n".join(f"only pyshacl: {r}" for r in missing[:30])
        + "\n"
        + "\n".join(f"only jena: {r}" for r in extra[:30])
    )
