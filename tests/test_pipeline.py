"""The pipeline on the tiny fixture: load, errors, validation, reasoning, build, export."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from pipeline_support import FIXED_NOW, PREFIXES, TINY, write
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, OWL, PROV, RDF, RDFS, XSD
from sco_kg.core.errors import ConfigError, InconsistencyError, InputError, ValidationError
from sco_kg.pipeline import sources as resources
from sco_kg.pipeline.build import build
from sco_kg.pipeline.load import load, read_sources
from sco_kg.pipeline.reason import REASONERS, Closure, is_trivial_entailment, reason, register_reasoner
from sco_kg.pipeline.sources import Sources
from sco_kg.pipeline.validate import validate
from sco_kg.rdf.namespaces import INFERRED_GRAPH, KG, KGG, REASONING_RUN, SCHEMA, SKG, article, article_graph
from sco_kg.store.export import FILES, datasets_isomorphic, export, serialize, to_nquads

ALICE, MEETING = KG["alice"], KG["meeting"]


# -- load ---------------------------------------------------------------------------


def test_load_puts_every_file_in_its_named_graphs(tiny_sources):
    ds = load(tiny_sources)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {
        str(KGG["ontology"]),
        str(KGG["imports/foaf"]),
        str(KGG["imports/schema"]),
        str(KGG["vocabulary"]),
        str(article_graph("t1", "s01")),
        str(article_graph("t1", "labels")),
        str(article_graph("t1", "provenance")),
    }
    assert len(ds.default_graph) == 0


def test_load_adds_the_exact_article_text_to_the_provenance_graph(tiny_sources):
    ds = load(tiny_sources)
    texts = list(ds.graph(article_graph("t1", "provenance")).objects(article("t1"), SCHEMA.text))
    raw = (TINY / "data/articles/t1/article.txt").read_bytes().decode("utf-8")
    assert texts == [Literal(raw)]
    assert str(texts[0]) == "Alice a présidé la réunion.\nÇa commence."


def test_parse_error_has_path_line_and_column(tiny_sources, tmp_path):
    bad = write(tmp_path / "bad.trig", PREFIXES + "kgg:x {\n  kg:a kg:b kg:c ;\n    kg:d kg:e kg:f\n  kg:g kg:h kg:i .\n}\n")
    with pytest.raises(InputError) as info:
        load(tiny_sources.with_extra(bad))
    err = info.value
    assert err.path == bad
    # 6 prefix lines; the parser (pyoxigraph's, as for every file from outside) points at the
    # last term before the missing ' ;' or ' .'
    assert (err.line, err.column) == (9, 15)
    assert "bad.trig:9:15: invalid TriG: A '}' or a '.' is expected at the end of a graph block" in str(err)


def test_parse_error_column_counts_characters_not_bytes(tiny_sources, tmp_path):
    bad = write(tmp_path / "bad.ttl", 'PREFIX kg: <https://w3id.org/sco-kg/id/>\nkg:é kg:b "ééé\n')
    with pytest.raises(InputError) as info:
        load(tiny_sources.with_extra(bad))
    assert info.value.line == 2
    assert info.value.column == 11  # the unterminated string opens after 10 characters (12 if é counted as bytes)


@pytest.mark.parametrize(
    "name, text, line",
    [
        ("bad.nq", "<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> .\n", 2),
        ("bad.jsonld", '{"@id": "http://a",\n "http://b": [}', 2),
        ("bad.rdf", '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<x>\n</rdf:RDF>', 3),
    ],
)
def test_other_syntaxes_report_the_line(tiny_sources, tmp_path, name, text, line):
    bad = write(tmp_path / name, text)
    with pytest.raises(InputError) as info:
        load(tiny_sources.with_extra(bad))
    assert info.value.line == line


def test_a_triple_in_the_default_graph_of_the_projects_data_is_an_error(tiny_sources, tmp_path):
    data = tmp_path / "data"
    write(data / "vocabulary.trig", PREFIXES + "kgg:x { kg:a kg:b kg:c . }\nkg:stray rdfs:label \"s\" .\n")
    with pytest.raises(InputError, match="outside any named graph") as info:
        load(replace(tiny_sources, data_dirs=(data,)))
    assert "stray" in str(info.value)


def test_a_triple_outside_the_named_graphs_of_an_input_is_a_provenance_violation(tiny_sources, tmp_path):
    """An input from outside is read, its stray triple validated with the rest, and reported
    by the provenance rules, as ``sco-kg validate`` reports it."""
    bad = write(tmp_path / "stray.trig", PREFIXES + "kgg:x { kgg:x a skg:EditorialGraph . kg:a kg:b kg:c . }\n"
                                                    "kg:stray rdfs:label \"s\" .\n")
    ds, declared = read_sources(tiny_sources.with_extra(bad))
    assert (KG["stray"], RDFS.label, Literal("s")) in ds.graph(KGG["extra/stray"])
    assert [(d.where, d.graphs, len(d.stray)) for d in declared] == [("stray.trig", (KGG["x"],), 1)]
    with pytest.raises(ValidationError) as info:
        build(tiny_sources.with_extra(bad), now=FIXED_NOW)
    assert {(r.focus, r.component, r.source_shape.rsplit(":", 1)[-1]) for r in info.value.report.violations} >= {
        (KG["stray"], "ProvenanceConstraint", "Dataset-defaultGraph")}


def test_a_triple_syntax_extra_file_gets_a_graph_of_its_own(tiny_sources, tmp_path):
    extra = write(tmp_path / "more.ttl", PREFIXES + "kg:bob a skg:Person ; rdfs:label \"Bob\"@en .\n")
    ds = load(tiny_sources.with_extra(extra))
    assert (KG["bob"], RDF.type, SKG.Person) in ds.graph(KGG["extra/more"])
    assert len(ds.default_graph) == 0


def test_article_text_must_be_utf8(tmp_path):
    art = tmp_path / "data/articles/x1"
    write(art / "facts.trig", PREFIXES + "kgg:x1 { kg:a kg:b kg:c . }\n")
    (art / "article.txt").write_bytes("ligne\nd\xe9but".encode("latin-1"))
    sources = Sources.from_dirs(TINY / "ontology", [tmp_path / "data"])
    with pytest.raises(InputError) as info:
        load(sources)
    assert (info.value.line, info.value.column) == (2, 2)


def test_an_article_needs_its_text(tmp_path):
    write(tmp_path / "data/articles/x1/facts.trig", PREFIXES + "kgg:x1 { kg:a kg:b kg:c . }\n")
    with pytest.raises(InputError, match="article.txt"):
        load(Sources.from_dirs(TINY / "ontology", [tmp_path / "data"]))


# -- resources ----------------------------------------------------------------------


def test_resources_in_a_checkout_are_at_the_repository_root(monkeypatch):
    monkeypatch.delenv("SCO_KG_RESOURCES", raising=False)
    root = resources.resource_root()
    assert (root / "ontology" / "sco-kg.ttl").is_file()
    assert resources.data_dir() == root / "data"


def test_resources_override_and_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("SCO_KG_RESOURCES", str(TINY))
    assert resources.ontology_dir() == TINY / "ontology"
    monkeypatch.setenv("SCO_KG_RESOURCES", str(tmp_path))
    with pytest.raises(ConfigError, match="cannot find the ontology"):
        resources.resource_root()


# -- validation ---------------------------------------------------------------------


def test_rdfs_inference_lets_standard_shapes_target_project_terms(tiny_sources):
    ds = load(tiny_sources)
    report = validate(ds, tiny_sources.shapes, stage="asserted")
    # skg:Person is a foaf:Person, skg:chairedBy a schema:attendee: targeted and satisfied
    assert report.conforms, report.text
    assert report.results == []
    assert report.verdict == "asserted: conforms to the shapes"


def test_violation_report_pins_focus_path_component_and_groups_by_focus(tiny_sources, tmp_path):
    extra = write(
        tmp_path / "bad.ttl",
        PREFIXES + 'kg:bob a skg:Person . kg:party a skg:Meeting ; schema:attendee "Bob" .\n',
    )
    with pytest.raises(ValidationError) as info:
        build(tiny_sources.with_extra(extra), now=FIXED_NOW)
    report = info.value.report
    assert info.value.stage == "asserted"
    assert not report.conforms
    pinned = {(r.focus, r.path, r.component) for r in report.violations}
    assert pinned == {
        (KG["bob"], "rdfs:label", "MinCountConstraintComponent"),
        (KG["party"], "schema:attendee", "NodeKindConstraintComponent"),
    }
    bob = next(r for r in report.results if r.focus == KG["bob"])
    assert bob.message == "A person has a label."
    assert bob.severity == "Violation"
    assert bob.source_shape is None  # a blank property shape
    party = next(r for r in report.results if r.focus == KG["party"])
    assert party.value == Literal("Bob")
    text = report.text
    assert text.splitlines()[0] == "kg:bob"
    assert "  - Violation rdfs:label: A person has a label." in text
    assert text.splitlines()[-1] == "asserted: DOES NOT CONFORM: 2 violation(s) on 2 focus node(s)"
    assert set(report.by_focus()) == {KG["bob"], KG["party"]}


def test_the_focus_label_is_shown(tiny_sources, tmp_path):
    extra = write(tmp_path / "bad.trig", PREFIXES + 'kgg:x { kg:party a skg:Meeting ; rdfs:label "Fête"@fr, "Party"@en . }\n')
    report = validate(load(tiny_sources.with_extra(extra)), tiny_sources.shapes)
    assert [r.focus_label for r in report.results] == ["Party"]
    assert 'kg:party  "Party"' in report.text


def test_no_shapes_means_not_validated(tiny_sources):
    report = validate(load(tiny_sources), None)
    assert report.conforms and report.shapes is None
    assert "not validated" in report.verdict


# -- reasoning ----------------------------------------------------------------------


def test_reasoning_writes_only_new_triples_into_kgg_inferred(tiny_sources):
    ds = load(tiny_sources)
    inferred = reason(ds, now=FIXED_NOW)
    assert inferred.identifier == INFERRED_GRAPH
    assert (ALICE, RDF.type, FOAF.Person) in inferred  # cax-sco
    assert (ALICE, RDF.type, FOAF.Agent) in inferred  # cax-sco, twice
    assert (MEETING, SCHEMA.attendee, ALICE) in inferred  # prp-spo1
    assert (ALICE, SKG.chairs, MEETING) in inferred  # prp-inv1
    for graph in ds.graphs():
        if graph.identifier != INFERRED_GRAPH:
            assert not any(t in inferred for t in graph), graph.identifier


def test_reasoning_leaves_the_noise_out(tiny_sources):
    ds = load(tiny_sources)
    inferred = reason(ds, now=FIXED_NOW)
    for s, p, o in inferred:
        assert not isinstance(s, Literal)
        assert not (p == OWL.sameAs and s == o)
        assert not str(s).startswith((str(RDF), str(RDFS), str(OWL), str(XSD))), (s, p, o)
        assert not (p == RDF.type and o in (RDFS.Datatype, RDFS.Literal, OWL.Thing))
        assert not (isinstance(o, URIRef) and str(o).startswith(str(XSD)) and p != PROV.endedAtTime)
        assert not (p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass) and s == o)
        assert "daml.org" not in str(p) + str(o)


@pytest.mark.parametrize(
    "triple, noise",
    [
        ((ALICE, OWL.sameAs, ALICE), True),
        ((Literal("x"), OWL.sameAs, Literal("x")), True),
        ((Literal("x"), RDF.type, RDFS.Literal), True),
        ((XSD.string, RDF.type, RDFS.Datatype), True),
        ((OWL.Nothing, RDFS.subClassOf, SKG.Person), True),
        ((RDFS.label, RDF.type, OWL.AnnotationProperty), True),
        ((SKG.Person, RDFS.subClassOf, SKG.Person), True),
        ((SKG.Person, RDFS.subClassOf, OWL.Thing), True),
        ((SKG.chairs, RDFS.domain, OWL.Thing), True),
        ((SKG.date, RDFS.range, XSD.date), True),
        ((ALICE, RDF.type, OWL.Thing), True),
        ((ALICE, OWL.sameAs, KG["alice-2"]), False),
        ((ALICE, RDF.type, FOAF.Person), False),
        ((SKG.Person, RDFS.subClassOf, FOAF.Agent), False),
        ((MEETING, SCHEMA.attendee, ALICE), False),
        ((ALICE, RDFS.label, Literal("Alice", lang="en")), False),
    ],
)
def test_noise(triple, noise):
    assert is_trivial_entailment(triple) is noise


def test_the_reasoning_run_is_described_in_the_inferred_graph(tiny_sources):
    ds = load(tiny_sources)
    inferred = reason(ds, "owlrl", now=datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc))
    assert (INFERRED_GRAPH, PROV.wasGeneratedBy, REASONING_RUN) in inferred
    assert (REASONING_RUN, RDF.type, PROV.Activity) in inferred
    assert inferred.value(REASONING_RUN, PROV.endedAtTime) == Literal("2026-03-04T05:06:07Z", datatype=XSD.dateTime)
    engine = inferred.value(REASONING_RUN, PROV.wasAssociatedWith)
    assert str(inferred.value(engine, RDFS.label)) == "owlrl"
    assert str(inferred.value(engine, OWL.versionInfo))[0].isdigit()


def test_inconsistent_data_fails_with_the_reasoner_message(tiny_sources, tmp_path):
    # a person who is also an organisation: skg:Person owl:disjointWith skg:Organisation
    extra = write(tmp_path / "bad.trig", PREFIXES + "kgg:x { kg:alice a skg:Organisation . }\n")
    with pytest.raises(InconsistencyError) as info:
        build(tiny_sources.with_extra(extra), reasoner="owlrl", validate=False, now=FIXED_NOW)
    assert info.value.engine == "owlrl"
    assert info.value.messages
    assert any("alice" in m and "isjoint" in m for m in info.value.messages), info.value.messages


def test_reasoners_are_pluggable(tiny_sources, monkeypatch):
    monkeypatch.setitem(REASONERS, "fake", None)
    triple = (ALICE, RDF.type, SKG.Tested)

    seen: list[Graph] = []

    def fake(graph: Graph) -> Closure:
        seen.append(graph)
        return Closure({triple, (ALICE, OWL.sameAs, ALICE)}, [], "fake", "1.0")

    register_reasoner("fake", fake)
    inferred = reason(load(tiny_sources), "fake", now=FIXED_NOW)
    # first over the asserted data, then over the run's own description with the ontology
    assert (ALICE, RDF.type, SKG.Person) in seen[0]
    assert (REASONING_RUN, RDF.type, PROV.Activity) in seen[1] and (ALICE, RDF.type, SKG.Person) not in seen[1]
    assert triple in inferred and (ALICE, OWL.sameAs, ALICE) not in inferred
    with pytest.raises(ConfigError, match="unknown reasoner 'nope'"):
        reason(load(tiny_sources), "nope")


@pytest.mark.parametrize("name", sorted(set(REASONERS) - {"owlrl"}))
def test_every_registered_reasoner_agrees_with_owlrl(tiny_sources, name):
    def closure(reasoner):
        inferred = reason(load(tiny_sources), reasoner, now=FIXED_NOW)
        engine = inferred.value(REASONING_RUN, PROV.wasAssociatedWith)
        assert isinstance(engine, URIRef) and " " not in str(engine)
        return {t for t in inferred if engine not in t and PROV.wasAssociatedWith != t[1]}

    assert closure(name) == closure("owlrl")


def test_closure_validation_sees_the_inferred_triples(tiny_sources):
    # stage "closure" runs no inference: schema:attendee comes from kgg:inferred only
    ds = load(tiny_sources)
    reason(ds, now=FIXED_NOW)
    ds.graph(article_graph("t1", "labels")).remove((ALICE, None, None))
    report = validate(ds, tiny_sources.shapes, stage="closure")
    assert [(r.focus, r.path, r.component) for r in report.violations] == [
        (ALICE, "rdfs:label", "MinCountConstraintComponent")
    ]
    ds.remove_graph(INFERRED_GRAPH)
    report = validate(ds, tiny_sources.shapes, stage="closure")
    assert (MEETING, "schema:attendee", "MinCountConstraintComponent") in {
        (r.focus, r.path, r.component) for r in report.violations
    }


# -- build and export ---------------------------------------------------------------


def test_build_runs_every_step_and_counts(tiny_sources):
    steps = []
    result = build(tiny_sources, now=FIXED_NOW, progress=lambda s, state, t: steps.append((s, state)))
    assert steps == [
        (step, state) for step in ("load", "validate", "reason", "validate closure") for state in ("start", "done")
    ]
    assert set(result.reports) == {"asserted", "closure"}
    assert result.report is result.reports["closure"] and result.report.conforms
    stats = result.stats
    assert stats["inferred"] == len(result.dataset.graph(INFERRED_GRAPH)) > 0
    assert stats["asserted"] + stats["inferred"] == stats["triples"] == sum(stats["graphs"].values())
    assert stats["graphs"][str(article_graph("t1", "s01"))] == 3
    assert stats["classes"][str(FOAF.Person)] == 1
    assert set(result.timings) == {"load", "validate", "reason", "validate closure"}


def test_build_without_reasoning_or_validation(tiny_sources):
    result = build(tiny_sources, reasoner=None, validate=False)
    assert result.stats["inferred"] == 0 and result.reports == {}


def test_builds_are_deterministic(tiny_sources, tmp_path):
    one = build(tiny_sources, now=FIXED_NOW)
    two = build(tiny_sources, now=FIXED_NOW)
    assert datasets_isomorphic(one.dataset, two.dataset)
    export(one, tmp_path / "one")
    export(two, tmp_path / "two")
    for name in FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_only_the_reasoning_time_differs_between_builds_at_different_times(tiny_sources):
    one = to_nquads(build(tiny_sources, now=FIXED_NOW).dataset).splitlines()
    two = to_nquads(build(tiny_sources, now=datetime(2027, 1, 1, tzinfo=timezone.utc)).dataset).splitlines()
    assert [line for line in one if line not in two] == [
        line for line in one if str(PROV.endedAtTime) in line
    ]


def test_export_writes_every_graph_and_the_union(tiny_sources, tmp_path):
    result = build(tiny_sources, now=FIXED_NOW)
    paths = export(result, tmp_path / "dist")
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == sorted(FILES)
    from rdflib import Dataset

    trig = Dataset()
    trig.parse(paths["sco-kg.trig"], format="trig")
    nq = Dataset()
    nq.parse(paths["sco-kg.nq"], format="nquads")
    for ds in (trig, nq):
        names = {str(g.identifier) for g in ds.graphs() if len(g)}
        assert names == set(result.stats["graphs"])
        assert len(ds.default_graph) == 0
    assert datasets_isomorphic(trig, nq)
    assert datasets_isomorphic(trig, result.dataset)
    union = Graph().parse(paths["sco-kg.ttl"])
    assert (MEETING, SCHEMA.attendee, ALICE) in union and (ALICE, RDF.type, SKG.Person) in union
    lines = paths["sco-kg.nq"].read_text(encoding="utf-8").splitlines()
    # sorted by graph, then subject, predicate, object (the order TriG's blocks need)
    assert lines == sorted(lines, key=lambda line: (line.rsplit(" ", 2)[-2], line)) and len(set(lines)) == len(lines)
    summary = json.loads(paths["summary.json"].read_text(encoding="utf-8"))
    assert summary["graphs"] == result.stats["graphs"]
    assert summary["inferred"] == result.stats["inferred"]
    assert summary["validation"]["closure"] == "closure: conforms to the shapes"


def test_export_replaces_only_a_previous_build(tiny_sources, tmp_path):
    result = build(tiny_sources, now=FIXED_NOW)
    write(tmp_path / "repo" / "README.md", "not a build")
    with pytest.raises(ConfigError, match="refusing to replace"):
        export(result, tmp_path / "repo")  # e.g. --out .
    assert (tmp_path / "repo" / "README.md").read_text() == "not a build"
    write(tmp_path / "file", "x")
    with pytest.raises(ConfigError, match="not a folder"):
        export(result, tmp_path / "file")


def test_export_is_atomic(tiny_sources, tmp_path, monkeypatch):
    out = tmp_path / "dist"
    write(out / "summary.json", "previous build")
    result = build(tiny_sources, now=FIXED_NOW)
    from sco_kg.store import export as export_module

    write_file = export_module.Format.write_file

    def broken(dump, dataset, path):  # the dumps before Turtle are written, then the disk is full
        if dump.file == "sco-kg.ttl":
            raise RuntimeError("disk full")
        write_file(dump, dataset, path)

    monkeypatch.setattr(export_module.Format, "write_file", broken)
    with pytest.raises(RuntimeError):
        export(result, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no temporary left over
    assert [p.name for p in out.iterdir()] == ["summary.json"]
    assert (out / "summary.json").read_text() == "previous build"
    monkeypatch.undo()
    export(result, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "ntriples", "rdfxml", "jsonld"])
def test_serialize_round_trips(tiny_sources, fmt):
    from rdflib import Dataset
    from sco_kg.store.export import FORMATS, union_graph

    result = build(tiny_sources, now=FIXED_NOW)
    text = serialize(result.dataset, fmt)
    rdflib_name, keeps_graphs = FORMATS[fmt].rdflib_format, FORMATS[fmt].keeps_graphs
    if keeps_graphs:
        back = Dataset()
        back.parse(data=text, format=rdflib_name)
        assert datasets_isomorphic(back, result.dataset)
    else:
        back = Graph().parse(data=text, format=rdflib_name)
        assert isomorphic(back, union_graph(result.dataset))


def test_served_files_keep_their_graphs_and_drop_the_closure(tmp_path):
    """What a server holds (its dump, or files it serves as they are) loads without its
    kgg:inferred (the pipeline reasons again); triples outside any graph keep a graph."""
    served = write(tmp_path / "dump.nq", "<urn:a> <urn:b> <urn:c> <urn:g> .\n"
                                        f"<urn:a> <urn:b> <urn:d> <{INFERRED_GRAPH}> .\n")
    plain = write(tmp_path / "plain.ttl", "<urn:x> <urn:y> <urn:z> .\n")
    ds, declared = read_sources(Sources.of_served([served, plain]))
    assert declared == [] and ds.get_graph(INFERRED_GRAPH) is None
    assert (URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c")) in ds.graph(URIRef("urn:g"))
    assert (URIRef("urn:x"), URIRef("urn:y"), URIRef("urn:z")) in ds.graph(KGG["served/default"])


def test_the_bounds_of_strangers_closures_come_from_the_settings(monkeypatch):
    from sco_kg.pipeline.check import strangers_limits
    from sco_kg.pipeline.reasoning_limits import STRANGERS_LIMITS, ReasoningLimits

    monkeypatch.delenv("SCO_KG_MAX_INFERRED", raising=False)
    monkeypatch.delenv("SCO_KG_MAX_INFERRED_PER_TRIPLE", raising=False)
    assert strangers_limits() == STRANGERS_LIMITS
    assert strangers_limits({"max_inferred": 500, "max_inferred_per_triple": 0.0}) == ReasoningLimits(500, None)
    monkeypatch.setenv("SCO_KG_MAX_INFERRED", "0")  # 0: no bound of that kind
    monkeypatch.setenv("SCO_KG_MAX_INFERRED_PER_TRIPLE", "2.5")
    assert strangers_limits() == ReasoningLimits(None, 2.5)
    monkeypatch.setenv("SCO_KG_MAX_INFERRED", "many")
    with pytest.raises(ConfigError, match="SCO_KG_MAX_INFERRED='many'"):
        strangers_limits()
