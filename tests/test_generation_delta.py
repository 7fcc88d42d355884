"""The next generation made from the served one plus the difference
(:func:`sco_kg.store.disk.generation_from_previous`, what a change does) holds exactly the
quads :func:`sco_kg.store.disk.generation_from_dataset` writes (what a rebuild does): a
triple added and one removed, a blank node, a literal the store keeps in a canonical form
(``xsd:nonNegativeInteger`` read back as ``xsd:integer``, as the build's spans are), a
graph emptied (gone from the named graphs, as in a rewrite), the union default graph and
the count."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, XSD
from sco_kg.pipeline.build import build
from sco_kg.store.disk import generation_from_dataset, generation_from_previous, generation_quads


def test_delta_generation_equals_the_rebuilt_one(tmp_path):
    dataset = build(proofs=True).dataset
    generation_from_dataset(tmp_path / "served", dataset, [])
    before = set(ox.Store.read_only(str(tmp_path / "served")))

    curated = dataset.graph(URIRef("https://example.org/curated"))
    curated.add((URIRef("https://example.org/x"), RDFS.label, Literal("x")))
    curated.add((BNode("b1"), RDFS.comment, Literal("5", datatype=XSD.nonNegativeInteger)))
    provenance = next(g for g in dataset.graphs() if str(g.identifier).endswith("/provenance"))
    provenance.remove(next(iter(provenance)))
    emptied = next(g.identifier for g in dataset.graphs() if str(g.identifier).endswith("/s01"))
    dataset.remove_graph(emptied)  # a graph the change empties (a Graph Store DELETE) is gone

    rebuilt = generation_from_dataset(tmp_path / "rebuilt", dataset, [])
    timings: dict = {}
    made = generation_from_previous(tmp_path / "delta", tmp_path / "served", before,
                                    generation_quads(dataset, []), timings)
    expected = set(ox.Store.read_only(str(tmp_path / "rebuilt")))
    got = set(ox.Store.read_only(str(tmp_path / "delta")))
    assert got == expected
    assert made == rebuilt == len(got)
    names = {g for g in ox.Store.read_only(str(tmp_path / "delta")).named_graphs()}
    assert names == set(ox.Store.read_only(str(tmp_path / "rebuilt")).named_graphs())
    assert ox.NamedNode(str(emptied)) not in names
    assert set(ox.Store.read_only(str(tmp_path / "served"))) == before  # the served one untouched
    assert {"store checkpoint", "store delta"} <= timings.keys()
