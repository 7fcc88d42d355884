"""One way in: every door into the graph gives the same verdict and the same results on the
same data (issue "One way in", item 2).

The doors, each given a file and the data it is checked with (tests/shapes/valid/base.trig,
or the project's own data for the fixtures that say ``# with-kg``):

* ``sco-kg validate --with-kg FILE --report R`` (the command line);
* ``sco-kg build --also-data FILE --report R`` (the build itself);
* ``POST /validate?with-kg=true`` (a server whose build is that data);
* ``POST /data`` (a server with an on-disk store over that build, behind its token);
* the rebuild of an on-disk store whose ingest log holds FILE as an older server might
  have accepted it (what ``sco-kg serve --store DIR --rebuild`` and a restart after a
  crash do).

The corpus: every one-defect file of tests/shapes/ (invalid/, datasets/invalid/), the
closure-only cases (closure/: a shape broken only after OWL RL reasoning, an inconsistency,
ill-typed literals no shape constrains), and the valid files. The results compared are
(focus, path, component, shape) of every result of the report graph each door writes or
answers, and must be what the fixture pins (``# expect:`` and ``# expect (pipeline):``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF
from sco_kg.cli import main
from sco_kg.core.errors import InconsistencyError, ValidationError
from sco_kg.pipeline.build import build
from sco_kg.pipeline.check import report_of
from sco_kg.pipeline.sources import Sources
from sco_kg.rdf.terms import to_oxigraph
from sco_kg.rdf.untrusted import read_untrusted_file
from sco_kg.store.disk import LOG_DIR
from sco_kg.store.export import export
from sco_kg.store.served import open_store
from sco_kg.web import create_app

TESTS = Path(__file__).resolve().parent
SHAPES = TESTS / "shapes"
BASE = SHAPES / "valid" / "base.trig"
TOKEN = "doors-agree-T0ken-1234567890"
INGESTED = "https://w3id.org/sco-kg/graph/ingested/"


def _shapes_tests():
    spec = importlib.util.spec_from_file_location("shapes_fixture_reading", TESTS / "test_shapes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shapes_tests = _shapes_tests()

INVALID = sorted((SHAPES / "invalid").glob("*.ttl")) + sorted((SHAPES / "datasets" / "invalid").glob("*.trig"))
CLOSURE = sorted((SHAPES / "closure").glob("*.ttl"))
VALID = [p for p in sorted((SHAPES / "valid").glob("*")) if p != BASE] + sorted((SHAPES / "datasets" / "valid").glob("*.trig"))


def with_project(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith("# with-kg")


# -- the data each door holds --------------------------------------------------------------


@pytest.fixture(scope="module")
def kgs(built, tmp_path_factory):
    """name -> (the --data files of the CLI, the folder of the build's dumps)."""
    root = tmp_path_factory.mktemp("doors")
    base_dumps = root / "base-dumps"
    export(build(Sources.default(data_files=[BASE])), base_dumps)
    project_dumps = root / "project-dumps"
    export(built, project_dumps)
    return {"base": ([BASE], base_dumps), "project": ([], project_dumps)}


@pytest.fixture(scope="module")
def validate_apps(kgs):
    apps = {name: create_app({"TESTING": True, "SCO_KG_LOADED": open_store(dumps_dir=dumps, key=name)})
            for name, (_, dumps) in kgs.items()}
    yield apps
    for app in apps.values():
        app.extensions["sco_kg"].close()


@pytest.fixture(scope="module")
def ingest_apps(kgs, tmp_path_factory):
    """One on-disk store per data for the files that must be refused (a refusal writes nothing)."""
    apps = {}
    for name, (_, dumps) in kgs.items():
        store = tmp_path_factory.mktemp(f"store-{name}")
        loaded = open_store(dumps_dir=dumps, key=name, store_path=store)
        apps[name] = (create_app({"TESTING": True, "SCO_KG_LOADED": loaded, "SCO_KG_INGEST_TOKEN": TOKEN}), store)
    yield apps
    for app, _ in apps.values():
        app.extensions["sco_kg"].close()


# -- the doors -------------------------------------------------------------------------------


def door_cli_validate(path, kg, tmp_path, **_):
    data, _ = kg
    out = tmp_path / "validate-report.ttl"
    args = ["validate", "--with-kg", *(a for f in data for a in ("--data", str(f))), str(path), "--report", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return result.exit_code == 0, _graph(out.read_text(encoding="utf-8"))


def door_cli_build(path, kg, tmp_path, **_):
    data, _ = kg
    out = tmp_path / "build-report.ttl"
    args = ["build", "-q", "--out", str(tmp_path / "dist"), *(a for f in data for a in ("--data", str(f))),
            "--also-data", str(path), "--report", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "dist").exists() is (result.exit_code == 0)
    return result.exit_code == 0, _graph(out.read_text(encoding="utf-8"))


def door_http_validate(path, kg_name, validate_apps, **_):
    client = validate_apps[kg_name].test_client()
    resp = client.post("/validate?with-kg=true", data=path.read_bytes(),
                       headers={"Content-Type": _media_type(path), "Accept": "text/turtle"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:600]
    report = _graph(resp.get_data(as_text=True))
    (node,) = report.subjects(RDF.type, shapes_tests.SH.ValidationReport)
    return bool(report.value(node, shapes_tests.SH.conforms).toPython()) or not _violations(report), report


def door_http_data(path, kg_name, kgs, ingest_apps, tmp_path, expect_conforms, **_):
    if expect_conforms:  # an accepted file changes the store: a store of its own
        store = tmp_path / "store"
        loaded = open_store(dumps_dir=kgs[kg_name][1], key=kg_name, store_path=store)
        app = create_app({"TESTING": True, "SCO_KG_LOADED": loaded, "SCO_KG_INGEST_TOKEN": TOKEN})
    else:
        app, store = ingest_apps[kg_name]
    try:
        before = sorted((store / LOG_DIR).glob("*.nq")) if (store / LOG_DIR).is_dir() else []
        resp = app.test_client().post("/data", data=path.read_bytes(), headers={
            "Content-Type": _media_type(path), "Accept": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
        after = sorted((store / LOG_DIR).glob("*.nq")) if (store / LOG_DIR).is_dir() else []
        if resp.status_code == 201:
            assert len(after) == len(before) + 1
            return True, Graph()
        assert after == before  # nothing written
        if resp.status_code == 409 and expect_conforms:  # the data passed; the build's graph names are not a client's
            assert "in the build's namespace" in resp.get_data(as_text=True)
            return True, Graph()
        assert resp.status_code == 422, resp.get_data(as_text=True)[:600]
        return False, _graph(resp.get_data(as_text=True))
    finally:
        if expect_conforms:
            app.extensions["sco_kg"].close()


def door_rebuild(path, kg_name, kgs, tmp_path, **_):
    """The file in the ingest log of a store, as an older server might have accepted it
    unchecked; the rebuild runs the pipeline over the build and the log."""
    store = tmp_path / "rebuilt"
    (store / LOG_DIR).mkdir(parents=True)
    (store / LOG_DIR / "000001-older.nq").write_bytes(_as_logged(path))
    try:
        loaded = open_store(dumps_dir=kgs[kg_name][1], key=kg_name, store_path=store, rebuild=True)
    except (ValidationError, InconsistencyError) as exc:
        return False, report_of(exc).graph
    del loaded
    return True, Graph()


DOORS = {
    "sco-kg validate": door_cli_validate,
    "sco-kg build": door_cli_build,
    "POST /validate": door_http_validate,
    "POST /data": door_http_data,
    "rebuild": door_rebuild,
}


def _as_logged(path: Path) -> bytes:
    """N-Quads of the file as an ingest stores it: a dataset's graphs as they are (what it
    left outside them too), the triples of a plain graph in a graph of the ingest, described
    as the ingest describes it."""
    parsed = read_untrusted_file(path)
    graph = URIRef(INGESTED + "older")
    named = [g for g in parsed.graphs() if g.identifier != parsed.default_graph.identifier and len(g)]
    where = ox.DefaultGraph() if named else to_oxigraph(graph)
    quads = [ox.Quad(*map(to_oxigraph, (s, p, o)), where) for s, p, o in parsed.default_graph]
    for g in named:
        quads += [ox.Quad(*map(to_oxigraph, t), to_oxigraph(g.identifier)) for t in g]
    record = [(graph, RDF.type, PROV.Entity)] + [(graph, DCTERMS.hasPart, g.identifier) for g in named]
    quads += [ox.Quad(*map(to_oxigraph, t), to_oxigraph(graph)) for t in record]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def _media_type(path: Path) -> str:
    return "application/trig" if path.suffix == ".trig" else "text/turtle"


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=turtle, format="turtle") if turtle.strip() else Graph()


def _violations(report: Graph) -> bool:
    return any(report.subjects(shapes_tests.SH.resultSeverity, shapes_tests.SH.Violation))


# -- the test --------------------------------------------------------------------------------


def _through_every_door(path: Path, expect_conforms: bool, kgs, validate_apps, ingest_apps, tmp_path):
    kg_name = "project" if with_project(path) else "base"
    verdicts = {}
    for name, door in DOORS.items():
        folder = tmp_path / name.replace(" ", "-").replace("/", "")
        folder.mkdir()
        conforms, report = door(path, kg=kgs[kg_name], kg_name=kg_name, kgs=kgs, validate_apps=validate_apps,
                                ingest_apps=ingest_apps, tmp_path=folder, expect_conforms=expect_conforms)
        verdicts[name] = (conforms, shapes_tests.results(report) if not conforms else set())
    return verdicts


@pytest.mark.parametrize("path", INVALID + CLOSURE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_door_refuses_for_the_same_reasons(path, kgs, validate_apps, ingest_apps, tmp_path):
    expected = shapes_tests.expectations(path, pipeline=True)
    assert expected, f"{path.name} pins no result"
    verdicts = _through_every_door(path, False, kgs, validate_apps, ingest_apps, tmp_path)
    for door, (conforms, results) in verdicts.items():
        assert not conforms, f"{door} accepted {path.name}"
        assert results == expected, (f"{door} on {path.name}:\nexpected:\n{shapes_tests.show(expected)}\n"
                                     f"got:\n{shapes_tests.show(results)}")


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_door_accepts_valid_data(path, kgs, validate_apps, ingest_apps, tmp_path):
    verdicts = _through_every_door(path, True, kgs, validate_apps, ingest_apps, tmp_path)
    assert all(conforms for conforms, _ in verdicts.values()), {d: shapes_tests.show(r) for d, (c, r) in verdicts.items()}


def test_the_corpus_is_all_here():
    assert len(INVALID) >= 90 and len(CLOSURE) >= 4 and len(VALID) >= 4
    stages = {line.split(":", 1)[1].strip() for p in CLOSURE for line in p.read_text().splitlines()
              if line.startswith("# stage:")}
    assert stages == {"asserted", "closure", "consistency"}


# -- the closure of data from outside is bounded ----------------------------------------------


def _chain(places: int) -> str:
    """116 KB of Turtle whose OWL RL closure is ~500,000 triples: places in a chain of
    skg:locatedIn, a transitive property (each place labelled, so the asserted data passes)."""
    lines = ["@prefix skg: <https://w3id.org/sco-kg/ontology#> .", "@prefix kg: <https://w3id.org/sco-kg/id/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    lines += [f'kg:place-{i} a skg:Place ; rdfs:label "lieu {i}"@fr, "place {i}"@en .' for i in range(places + 1)]
    lines += [f"kg:place-{i} skg:locatedIn kg:place-{i + 1} ." for i in range(places)]
    return "\n".join(lines) + "\n"


def test_a_closure_past_its_limit_is_refused_at_every_door_that_takes_strangers_data(
        kgs, validate_apps, ingest_apps, tmp_path):
    chain = tmp_path / "chain.ttl"
    chain.write_text(_chain(1000), encoding="utf-8")
    names = "skg:locatedIn grew by"
    result = CliRunner().invoke(main, ["validate", "--with-kg", str(chain)])
    assert result.exit_code == 1 and "passed its limit of" in result.stderr and names in result.stderr
    assert "Traceback" not in result.output
    resp = validate_apps["project"].test_client().post(
        "/validate?with-kg=true", data=chain.read_bytes(), headers={"Content-Type": "text/turtle"})
    assert resp.status_code == 413 and resp.get_json()["reason"] == "reasoning", resp.get_data(as_text=True)
    assert names in resp.get_json()["error"]
    app, store = ingest_apps["project"]
    before = sorted((store / LOG_DIR).glob("*.nq")) if (store / LOG_DIR).is_dir() else []
    resp = app.test_client().post("/data", data=chain.read_bytes(), headers={
        "Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 413 and resp.get_json()["reason"] == "reasoning", resp.get_data(as_text=True)
    assert names in resp.get_json()["error"]
    assert (sorted((store / LOG_DIR).glob("*.nq")) if (store / LOG_DIR).is_dir() else []) == before
    # the project's own build is not bounded: the same file builds (~500,000 inferred triples)
    result = CliRunner().invoke(main, ["build", "-q", "--out", str(tmp_path / "dist"), "--also-data", str(chain)])
    assert result.exit_code == 0, result.output
