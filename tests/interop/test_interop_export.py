"""Round trip of every file of ``sco-kg export``: loaded into a new Oxigraph store
(``oxigraph load``), dumped back (``oxigraph dump``), the same data: TriG and N-Quads the
same named graphs, each isomorphic; the union files the union (every graph but kgg:proofs). Oxigraph keeps typed
literals by value only: literals are compared in that canonical form."""

from __future__ import annotations

import pytest
from interop_compare import canonical_graph, graphs_differ, named_graphs
from interop_dumps import DUMP_NAMES
from interop_engines import oxigraph_command, run
from rdflib import Dataset, Graph

pytestmark = pytest.mark.interop

QUAD_FILES = ("sco-kg.trig", "sco-kg.nq")
UNION_FILES = ("sco-kg.ttl", "sco-kg.nt", "sco-kg.rdf", "sco-kg.jsonld")


def _load_and_dump(path, tmp_path, quads: bool) -> str:
    cmd = oxigraph_command()
    store = tmp_path / f"store-{path.suffix[1:]}"
    load = run([cmd, "load", "--location", store, "--file", path])
    assert load.returncode == 0, load.stderr[-3000:]
    args = ["--format", "nq"] if quads else ["--format", "nt", "--graph", "default"]
    dump = run([cmd, "dump", "--location", store, *args])
    assert dump.returncode == 0, dump.stderr[-3000:]
    return dump.stdout


@pytest.mark.parametrize("file", QUAD_FILES)
@pytest.mark.parametrize("name", DUMP_NAMES)
def test_oxigraph_round_trips_the_quad_dumps(name, file, dumps, tmp_path):
    dump = dumps(name)
    back = Dataset()
    back.parse(data=_load_and_dump(dump.dir / file, tmp_path, True), format="nquads")
    expected = {g: canonical_graph(x) for g, x in named_graphs(dump.dataset).items()}
    actual = {g: canonical_graph(x) for g, x in named_graphs(back).items()}
    problems = graphs_differ(expected, actual)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("file", UNION_FILES)
@pytest.mark.parametrize("name", DUMP_NAMES)
def test_oxigraph_round_trips_the_union_dumps(name, file, dumps, tmp_path):
    dump = dumps(name)
    back = Graph().parse(data=_load_and_dump(dump.dir / file, tmp_path, False), format="nt")
    union = Graph()
    for triple in dump.union_triples:
        union.add(triple)
    problems = graphs_differ({"union": canonical_graph(union)}, {"union": canonical_graph(back)})
    assert not problems, "\n".join(problems)
