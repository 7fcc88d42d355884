"""Apache Jena's SHACL gives the verdict pySHACL gives, with the project's shapes.

Jena 4.5's ``shacl validate`` validates the default graph only (the named graphs of TriG or
N-Quads are ignored), does no inference, and exits 0 whether or not the data conforms. So:

* the data is a plain graph: the union dump (``sco-kg.ttl``: every graph of the build,
  the ontology and its imports and ``kgg:inferred``, the OWL RL closure, included), or for
  the shape fixtures of tests/shapes/ the fixture with the ontology, RDFS-materialised
  beforehand (owlrl, as pySHACL's ``inference="rdfs"`` does);
* both engines validate that same graph with no inference, SHACL-SPARQL on;
* the verdict is read from the report (``sh:conforms``), and the results are compared
  (focus node, path, constraint component, severity, source shape).

Jena 4.5 also rejects a SPARQL constraint with more than one ``sh:message`` ("More than
one match"): the shapes given to it keep one message per shape (English), which changes
no verdict.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef

from interop_engines import ROOT

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


# --- the shape fixtures: conforming and not ----------------------------------------------


def _fixture_selection() -> list[Path]:
    """One invalid fixture per constraint component, and one per SPARQL constraint shape
    (each JVM start costs seconds: not all of them)."""
    seen, chosen = set(), []
    for path in sorted((SHAPE_FIXTURES / "invalid").glob("*.ttl")):
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        keys = set()
        for line in re.findall(r"^# expect: (.*)$", head, re.M):
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            component = fields.get("component", "")
            keys.add(component)
            if component == "sh:SPARQLConstraintComponent":
                keys.add(component + fields.get("shape", ""))
        if keys - seen:
            seen |= keys
            chosen.append(path)
    return chosen


SHAPE_CASES = [pytest.param([p], id=f"valid-{p.stem}") for p in sorted((SHAPE_FIXTURES / "valid").glob("*.t*"))]
SHAPE_CASES += [pytest.param([BASE, p], id=f"invalid-{p.stem}") for p in _fixture_selection()]


def materialised(files: list[Path]) -> Graph:
    """The files, the ontology and its imports in one graph, RDFS-closed (owlrl), without
    the triples whose subject is a literal (no RDF syntax writes them)."""
    import owlrl

    data = Graph()
    for path in [ROOT / "ontology" / "sco-kg.ttl", *sorted((ROOT / "ontology" / "imports").glob("*.ttl")), *files]:
        if path.suffix == ".trig":
            ds = Dataset()
            ds.parse(path, format="trig")
            for s, p, o, _ in ds.quads((None, None, None, None)):
                data.add((s, p, o))
        else:
            data.parse(path, format="turtle")
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(data)
    for triple in [t for t in data if isinstance(t[0], Literal)]:
        data.remove(triple)
    return data


@pytest.mark.parametrize("files", SHAPE_CASES)
def test_jena_shacl_fixture(files, jena, shapes_for_jena, tmp_path):
    data = materialised(files)
    data_file = tmp_path / "data.nt"
    data.serialize(data_file, format="nt", encoding="utf-8")
    conforms, found = same_verdict(jena, shapes_for_jena, data_file, data)
    if files[-1].parent.name == "invalid":
        assert not conforms and found, "the defect of the fixture is not reported"
    else:
        assert conforms
