"""Round trips: the dump loaded into another engine and written back is the same dataset
(the same named graphs, each isomorphic to the build's)."""

from __future__ import annotations

import pytest
from interop_compare import canonical_graph, graphs_differ, graphs_from_json, named_graphs
from interop_dumps import DUMP_NAMES
from interop_engines import run
from rdflib import Dataset

pytestmark = pytest.mark.interop

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.mark.parametrize("name", DUMP_NAMES)
def test_jena_round_trip(name, dumps, jena, tmp_path):
    """riot reads the TriG and writes N-Quads: the same dataset."""
    dump = dumps(name)
    proc = run([jena.riot_cmd, "--output=nquads", dump.trig])
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr[-3000:]
    back = Dataset()
    back.parse(data=proc.stdout, format="nquads")
    problems = graphs_differ(named_graphs(dump.dataset), named_graphs(back))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize("name", DUMP_NAMES)
def test_server_round_trip(engine, name, dumps, request):
    """Every quad read back over SPARQL: the same dataset. Oxigraph keeps typed literals by
    value only (test_oxigraph_keeps_typed_literals) and Virtuoso writes UTC dateTimes with
    ``Z``: literals are compared in that canonical form for them."""
    dump = dumps(name)
    endpoint = request.getfixturevalue(engine)(name)
    back = graphs_from_json(endpoint.request(ALL_QUADS, "application/sparql-results+json"))
    only_datetime = engine == "virtuoso"
    expected = {g: canonical_graph(graph, only_datetime) for g, graph in named_graphs(dump.dataset).items()}
    actual = {g: canonical_graph(graph, only_datetime) for g, graph in back.items()}
    problems = graphs_differ(expected, actual)
    assert not problems, "\n".join(problems)
