"""The published contract (docs/profile.md) and the shapes (ontology/shapes.ttl), tested
against each other, from the files as they are when the test runs:

* every shape, property shape and SPARQL constraint of shapes.ttl is named in the profile
  (``skgsh:Name``): nothing is enforced that is not written down;
* every ``skgsh:`` name in the profile is a term of shapes.ttl or a rule of the pipeline
  (:data:`PIPELINE_RULES`): nothing is written down that is not enforced;
* every ```` ```turtle ```` / ```` ```trig ```` block of the profile conforms on its own,
  validated as a stranger's file is (``sco-kg validate FILE``:
  :func:`sco_kg.pipeline.check.validate_files`), and each shape its info string names has a
  focus node in it (the fast engine's targets, with RDFS inference over the ontology, as the
  validation has); every shape with a target is exemplified by some block;
* the README links the profile and ``/shapes``.

The page ``/shapes`` is tested in tests/web/test_shapes_page.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF
from sco_kg.pipeline.check import validate_files
from sco_kg.pipeline.fastshacl import DataGraph, ShapesGraph
from sco_kg.pipeline.fastshacl.engine import Validator
from sco_kg.pipeline.literal_rules import LITERAL_WELL_TYPED
from sco_kg.pipeline.provenance_rules import RULES as PROVENANCE_RULES
from sco_kg.pipeline.report import INCONSISTENT, OWN_COMPONENTS
from sco_kg.pipeline.sources import Sources
from sco_kg.rdf.namespaces import SH

ROOT = Path(__file__).resolve().parents[1]
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
PROFILE = ROOT / "docs" / "profile.md"
README = ROOT / "README.md"
SKGSH = "https://w3id.org/sco-kg/shapes#"

#: the rules the pipeline checks in code, beside the shapes, reported with skgsh: names
PIPELINE_RULES = frozenset({str(r) for r in (*PROVENANCE_RULES, LITERAL_WELL_TYPED, INCONSISTENT,
                                             *OWN_COMPONENTS.values())})
#: ``skgsh:Name`` in the text (a sentence's full stop is not part of the name)
NAME = re.compile(r"skgsh:([A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)")
#: an example: ```turtle|trig <the shapes it exemplifies>, its lines, ```
BLOCK = re.compile(r"^```(turtle|trig)([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def iris_of(g: Graph, cls) -> set[str]:
    return {str(s) for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def targeted(g: Graph) -> set[str]:
    """The node shapes with a target (the others are value shapes used inside other shapes)."""
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    return {s for s in iris_of(g, SH.NodeShape) if any((URIRef(s), t, None) in g for t in targets)}


def profile_text() -> str:
    return PROFILE.read_text(encoding="utf-8")


def documented() -> set[str]:
    return {SKGSH + m.group(1) for m in NAME.finditer(profile_text())}


def examples() -> list[tuple[str, str, list[str], str]]:
    """(id, syntax, the shapes it exemplifies, its text) of every example block."""
    out = []
    for i, m in enumerate(BLOCK.finditer(profile_text())):
        syntax, info, body = m.groups()
        names = [SKGSH + n for n in NAME.findall(info)]
        line = profile_text().count("\n", 0, m.start()) + 1
        out.append((f"line{line}-" + (names[0][len(SKGSH):] if names else "unnamed"), syntax, names, body))
    return out


EXAMPLES = examples()


def test_the_profile_has_examples():
    assert len(EXAMPLES) >= 10 and any(syntax == "trig" for _, syntax, _, _ in EXAMPLES)


# --- every shape is documented, every documented rule enforced --------------------------


def test_every_shape_is_documented():
    g = shapes()
    terms = iris_of(g, SH.NodeShape) | iris_of(g, SH.PropertyShape) | iris_of(g, SH.SPARQLConstraint)
    assert len(terms) > 50, "shapes.ttl read wrong"
    missing = sorted(t.replace(SKGSH, "skgsh:") for t in terms - documented())
    assert not missing, "shapes.ttl has terms docs/profile.md does not name: " + ", ".join(missing)


def test_every_documented_rule_is_enforced():
    g = shapes()
    known = {str(s) for s in g.subjects() if isinstance(s, URIRef)} | PIPELINE_RULES
    unknown = sorted(t.replace(SKGSH, "skgsh:") for t in documented() - known)
    assert not unknown, "docs/profile.md names rules that are neither in shapes.ttl nor the pipeline's: " + \
        ", ".join(unknown)


def test_every_targeted_shape_has_an_example():
    named = {n for _, _, names, _ in EXAMPLES for n in names}
    missing = sorted(s.replace(SKGSH, "skgsh:") for s in targeted(shapes()) - named)
    assert not missing, "shapes without an example in docs/profile.md: " + ", ".join(missing)


# --- every example conforms, and exercises the shapes it names ---------------------------


def _write(tmp_path: Path, ident: str, syntax: str, body: str) -> Path:
    path = tmp_path / f"{ident}.{'ttl' if syntax == 'turtle' else 'trig'}"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("ident,syntax,names,body", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_conforms(tmp_path, ident, syntax, names, body):
    report = validate_files([_write(tmp_path, ident, syntax, body)])
    assert report.conforms, f"the example at {ident} of docs/profile.md does not conform:\n{report.text}"


def focus_nodes(path: Path, syntax: str) -> dict[str, list]:
    """Shape IRI -> its focus nodes in the file, with the ontology and its imports, RDFS
    inference: the targets the validation of the file computes."""
    if syntax == "trig":
        ds = Dataset()
        ds.parse(path, format="trig")
        data = [(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))]
    else:
        data = list(Graph().parse(path, format="turtle"))
    sources = Sources.default()
    schema = Graph()
    for f in (sources.ontology, *sources.imports):
        schema.parse(f, format="turtle")
    validator = Validator(ShapesGraph(shapes()), DataGraph.from_triples([*data, *schema], "rdfs"))
    return {str(shape.node): validator.focus_nodes(shape) for shape in validator.shapes.with_targets()}


@pytest.mark.parametrize("ident,syntax,names,body", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_exercises_the_shapes_it_names(tmp_path, ident, syntax, names, body):
    assert names, f"the example at {ident} names no shape in its info string (```turtle skgsh:SomeShape)"
    focus = focus_nodes(_write(tmp_path, ident, syntax, body), syntax)
    unknown = [n for n in names if n not in focus]
    assert not unknown, f"not shapes with a target: {unknown}"
    idle = [n.replace(SKGSH, "skgsh:") for n in names if not focus[n]]
    assert not idle, f"the example at {ident} has no focus node of {idle}"


# --- the contract is linked --------------------------------------------------------------


def test_the_readme_links_the_contract():
    text = README.read_text(encoding="utf-8")
    assert "docs/profile.md" in text and "/shapes" in text
