"""The SHACL shapes (ontology/shapes.ttl), tested from data files.

* tests/shapes/valid/*.ttl|*.trig: data in standard terms only (no skg: term), each
  must conform on its own.
* tests/shapes/invalid/*.ttl: one defect each, validated together with
  tests/shapes/valid/base.trig; the file pins every result it must produce, one line each:

      # expect: focus=ex:m path=org:member component=sh:MinCountConstraintComponent shape=skgsh:Membership-member

  (terms in Turtle with the fixture's own prefixes plus sh: and skgsh:, e.g. a literal
  focus "OCS"@fr, or _ for a blank node; path=- when the result has no path, path=^p for an inverse path).
  The report must hold exactly these results.
* Coverage: every constraint of every shape in shapes.ttl is violated by some fixture.
* The project's own data (data/, with the ontology as context) conforms.

Validation is pySHACL with RDFS inference over the ontology (ontology/sco-kg.ttl and
ontology/imports/*.ttl as ont_graph) and SHACL-AF/SPARQL enabled, as the build does.
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

import pytest
from owlrl.DatatypeHandling import use_Alt_lexical_conversions
from pipeline_support import reused_sparql_translations
from pyshacl import validate
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef

# pySHACL's RDFS inference installs owlrl's lexical conversions in rdflib, process-wide, the
# first time it runs; a literal parsed before that is not checked (rdflib does not check
# xsd:gYear), so "20x1"^^xsd:gYear had a sh:datatype result only when another test had run
# pySHACL first: the fixtures' verdicts depended on the order of the tests. Installed here,
# before any fixture is parsed, as they are in the whole suite.
use_Alt_lexical_conversions()

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
SHAPES_FILE = ONTOLOGY / "shapes.ttl"
FIXTURES = Path(__file__).resolve().parent / "shapes"
BASE = FIXTURES / "valid" / "base.trig"

SH = Namespace("http://www.w3.org/ns/shacl#")
SKGSH = Namespace("https://w3id.org/sco-kg/shapes#")
SKG = "https://w3id.org/sco-kg/ontology#"
SCHEMA = Namespace("https://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")

VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.suffix in (".ttl", ".trig"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))

# Constraint parameter -> the component it reports.
PARAMETERS = {
    SH.minCount: [SH.MinCountConstraintComponent],
    SH.maxCount: [SH.MaxCountConstraintComponent],
    SH.datatype: [SH.DatatypeConstraintComponent],
    SH.nodeKind: [SH.NodeKindConstraintComponent],
    SH["class"]: [SH.ClassConstraintComponent],
    SH.languageIn: [SH.LanguageInConstraintComponent],
    SH.uniqueLang: [SH.UniqueLangConstraintComponent],
    SH.pattern: [SH.PatternConstraintComponent],
    SH["or"]: [SH.OrConstraintComponent],
    SH.xone: [SH.XoneConstraintComponent],
    SH["not"]: [SH.NotConstraintComponent],
    SH["and"]: [SH.AndConstraintComponent],
    SH.node: [SH.NodeConstraintComponent],
    SH["in"]: [SH.InConstraintComponent],
    SH.hasValue: [SH.HasValueConstraintComponent],
    SH.lessThan: [SH.LessThanConstraintComponent],
    SH.lessThanOrEquals: [SH.LessThanOrEqualsConstraintComponent],
    SH.equals: [SH.EqualsConstraintComponent],
    SH.disjoint: [SH.DisjointConstraintComponent],
    SH.minLength: [SH.MinLengthConstraintComponent],
    SH.maxLength: [SH.MaxLengthConstraintComponent],
    SH.minInclusive: [SH.MinInclusiveConstraintComponent],
    SH.maxInclusive: [SH.MaxInclusiveConstraintComponent],
    SH.minExclusive: [SH.MinExclusiveConstraintComponent],
    SH.maxExclusive: [SH.MaxExclusiveConstraintComponent],
    SH.qualifiedMinCount: [SH.QualifiedMinCountConstraintComponent],
    SH.qualifiedMaxCount: [SH.QualifiedMaxCountConstraintComponent],
    SH.closed: [SH.ClosedConstraintComponent],
    SH.sparql: [SH.SPARQLConstraintComponent],
}


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module", autouse=True)
def _reuse_parsed_sparql():
    """Speed only: see pipeline_support.reused_sparql_translations."""
    with reused_sparql_translations():
        yield


@functools.lru_cache(maxsize=None)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@functools.lru_cache(maxsize=None)
def ontology_graph() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY / "sco-kg.ttl", format="turtle")
    for f in sorted((ONTOLOGY / "imports").glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


def load_union(*paths: Path, into: Graph | None = None) -> Graph:
    """The union of the triples of every file (named graphs merged, as the build does)."""
    union = Graph() if into is None else into
    for path in paths:
        if path.suffix in (".trig", ".nq"):
            ds = Dataset()
            with warnings.catch_warnings():
                # rdflib 7.6's Dataset.parse uses its own deprecated default_context
                warnings.simplefilter("ignore", DeprecationWarning)
                ds.parse(data=path.read_text(encoding="utf-8"), format="trig" if path.suffix == ".trig" else "nquads")
            for s, p, o, _ in ds.quads((None, None, None, None)):
                union.add((s, p, o))
        else:
            union.parse(data=path.read_text(encoding="utf-8"), format="turtle")
    return union


def run(data: Graph) -> tuple[bool, Graph]:
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="rdfs",
        advanced=True,
        allow_warnings=False,
    )
    return conforms, report


def path_key(report: Graph, path) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    inverse = report.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return "^" + str(inverse)
    return "complex"


def results(report: Graph) -> set[tuple]:
    """(focus, path, component, source shape) of every validation result."""
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        out.add(
            (
                ANY_BLANK_NODE if isinstance(focus, BNode) else focus,
                path_key(report, report.value(r, SH.resultPath)),
                report.value(r, SH.sourceConstraintComponent),
                report.value(r, SH.sourceShape),
            )
        )
    return out


ANY_BLANK_NODE = "_:"  # a blank node focus, pinned as focus=_
EXPECT = re.compile(r"^#\s*expect(\s*\(pipeline\))?:\s*(.*)$")


def expectations(path: Path, pipeline: bool = False) -> set[tuple]:
    """The results a fixture pins: its ``# expect:`` lines (SHACL's results), and with
    ``pipeline`` its ``# expect (pipeline):`` lines too (the pipeline's own checks, which
    every door runs: literals of their datatype, the provenance of graphs)."""
    text = path.read_text(encoding="utf-8")
    prefixes = "".join(line + "\n" for line in text.splitlines() if line.startswith("@prefix"))
    prefixes += f"@prefix sh: <{SH}> .\n@prefix skgsh: <{SKGSH}> .\n"

    def term(turtle: str):
        """A term written in Turtle with the fixture's prefixes: ex:x, <...>, "v"@fr;
        _ stands for any blank node."""
        if turtle == "_":
            return ANY_BLANK_NODE
        if turtle == "-":  # no focus node: an inconsistency of the data as a whole
            return None
        g = Graph().parse(data=f"{prefixes}<urn:x:s> <urn:x:p> {turtle} .", format="turtle")
        return next(iter(g.objects()))

    out = set()
    for line in text.splitlines():
        m = EXPECT.match(line.strip())
        if not m or (m.group(1) and not pipeline):
            continue
        fields = dict(part.split("=", 1) for part in m.group(2).split())
        assert set(fields) == {"focus", "path", "component", "shape"}, line
        p = fields["path"]
        if p == "-":
            pk = None
        elif p.startswith("^"):
            pk = "^" + str(term(p[1:]))
        else:
            pk = str(term(p))
        out.add((term(fields["focus"]), pk, term(fields["component"]), term(fields["shape"])))
    return out


def show(rs: set[tuple]) -> str:
    return "\n".join(sorted("  " + " | ".join(str(x) for x in r) for r in rs)) or "  (none)"


@functools.lru_cache(maxsize=None)
def invalid_report(name: str) -> tuple[bool, Graph]:
    data = load_union(BASE)
    load_union(FIXTURES / "invalid" / name, into=data)
    return run(data)


# --------------------------------------------------------------------------- the shapes file


def test_shapes_header():
    g = shapes_graph()
    onto = URIRef("https://w3id.org/sco-kg/shapes")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) is not None
    assert g.value(onto, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


def constraint_shapes(g: Graph):
    """Every shape that states a constraint and is used (targeted, or a sh:property)."""
    targeted = set()
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        targeted.update(g.subjects(p, None))
    used = targeted | set(g.objects(None, SH.property))
    for shape in used:
        if any((shape, p, None) in g for p in PARAMETERS):
            yield shape


def test_shapes_target_only_standard_terms():
    g = shapes_graph()
    for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH["class"]):
        for o in g.objects(None, p):
            assert not str(o).startswith(SKG), f"{p} {o}: shapes target standard terms only"


def test_every_constraint_has_messages_and_an_iri():
    g = shapes_graph()
    missing = []
    for shape in constraint_shapes(g):
        if not isinstance(shape, URIRef):
            missing.append(f"{shape}: a blank node (name every shape)")
            continue
        core = any((shape, p, None) in g for p in PARAMETERS if p != SH.sparql)
        carriers = ([shape] if core else []) + list(g.objects(shape, SH.sparql))
        for c in carriers:
            langs = {m.language for m in g.objects(c, SH.message) if isinstance(m, Literal)}
            if not {"en", "fr"} <= langs:
                missing.append(f"{c}: sh:message in en and fr")
            if g.value(c, SH.severity) != SH.Violation:
                missing.append(f"{c}: sh:severity sh:Violation")
        assert len(list(g.objects(shape, SH.sparql))) <= 1, shape
    assert not missing, "\n".join(missing)


def expected_pairs() -> set[tuple]:
    g = shapes_graph()
    pairs = set()
    for shape in constraint_shapes(g):
        for param, components in PARAMETERS.items():
            if (shape, param, None) in g:
                pairs.update((shape, c) for c in components)
    return pairs


def test_shapes_use_declared_terms():
    """A typo in a shape must not silently create a term: every class and property the
    shapes name is declared in the ontology or its imports."""
    g, ont = shapes_graph(), ontology_graph()
    used = set(g.objects(None, SH.targetClass)) | set(g.objects(None, SH["class"]))
    used |= set(g.objects(None, SH.targetSubjectsOf)) | set(g.objects(None, SH.targetObjectsOf))
    for path in g.objects(None, SH.path):
        used.add(g.value(path, SH.inversePath) if isinstance(path, BNode) else path)
    for prop in g.objects(None, SH.lessThan):
        used.add(prop)
    rdfs_label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    undeclared = sorted(
        str(t) for t in used if t != rdfs_label and (t, RDF.type, None) not in ont
    )
    assert not undeclared, "not declared in ontology/ or ontology/imports/: " + ", ".join(undeclared)


# --------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_conforms(path: Path):
    text = path.read_text(encoding="utf-8")
    assert SKG not in text, "valid fixtures are written in standard terms only"
    conforms, report = run(load_union(path))
    assert conforms, "unexpected results:\n" + show(results(report))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_is_rejected_for_its_reason(path: Path):
    expected = expectations(path)
    assert expected, f"{path.name} pins no '# expect:' line"
    conforms, report = invalid_report(path.name)
    assert not conforms
    got = results(report)
    assert got == expected, (
        f"\nexpected:\n{show(expected)}\ngot:\n{show(got)}"
    )
    for r in report.subjects(RDF.type, SH.ValidationResult):
        assert report.value(r, SH.resultSeverity) == SH.Violation
        # pySHACL drops the language tag of SPARQL-based messages when it fills them in
        assert any(True for _ in report.objects(r, SH.resultMessage)), "every result has a message"


def test_every_constraint_is_violated_by_some_fixture():
    hit = set()
    for path in INVALID:
        for focus, _, component, shape in expectations(path):
            hit.add((shape, component))
    missing = expected_pairs() - hit
    assert not missing, "constraints no fixture violates:\n" + "\n".join(
        sorted(f"  {s} {c}" for s, c in missing)
    )


# --------------------------------------------------------------------------- the project's data


def project_data() -> Graph | None:
    SCHEMA_TEXT = SCHEMA.text
    facts = sorted((ROOT / "data" / "articles").glob("*/facts.trig"))
    vocabulary = ROOT / "data" / "vocabulary.trig"
    if not facts or not vocabulary.exists():
        return None
    data = load_union(vocabulary, *facts)
    kga = "https://w3id.org/sco-kg/id/article/"
    for f in facts:
        text = (f.parent / "article.txt").read_text(encoding="utf-8")
        data.add((URIRef(kga + f.parent.name), SCHEMA_TEXT, Literal(text)))
    return data


def test_project_data_conforms():
    data = project_data()
    assert data is not None, "data/vocabulary.trig or data/articles/*/facts.trig missing"
    conforms, report = run(data)
    assert conforms, "the project's data violates the shapes:\n" + show(results(report))


# Shapes with no focus node in the project's asserted data, and why.
NOT_IN_PROJECT_DATA = {
    SKGSH.ActivityTimeShape: "the reasoning run is described in kgg:inferred, written by the build",
}


def test_shapes_reach_the_project_data():
    """The project's data is typed with skg: subclasses and sub-properties: with the
    ontology as context every shape still finds its focus nodes there (else its
    conformance would say nothing)."""
    data = project_data()
    assert data is not None, "data/vocabulary.trig or data/articles/*/facts.trig missing"
    import owlrl

    closure = Graph()
    for t in data:
        closure.add(t)
    for t in ontology_graph():
        closure.add(t)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(closure)
    g = shapes_graph()
    prefixes = {
        str(d_prefix): URIRef(str(d_ns))
        for decl in g.objects(None, SH.declare)
        for d_prefix, d_ns in [(g.value(decl, SH.prefix), g.value(decl, SH.namespace))]
    }
    empty = []
    for shape in set(g.subjects(SH.targetClass, None)) | set(g.subjects(SH.target, None)) | set(
        g.subjects(SH.targetSubjectsOf, None)
    ):
        nodes = set()
        for c in g.objects(shape, SH.targetClass):
            nodes.update(closure.subjects(RDF.type, c))
        for p in g.objects(shape, SH.targetSubjectsOf):
            nodes.update(closure.subjects(p, None))
        for target in g.objects(shape, SH.target):
            query = str(g.value(target, SH.select))
            nodes.update(row[0] for row in closure.query(query, initNs=prefixes))
        if not nodes and shape not in NOT_IN_PROJECT_DATA:
            empty.append(str(shape))
    assert not empty, "shapes that target nothing in the project's data: " + ", ".join(sorted(empty))
