"""Every term the data and the shapes use is declared: a typo must not create a new term.

* IRIs of the vocabularies the project relies on (skg:, ORG, schema.org, FOAF, OWL-Time,
  PROV, SKOS, Web Annotation), in any position of the data, the shapes or the ontology,
  must be declared (typed) in ontology/sco-kg.ttl or ontology/imports/.
* IRIs of RDF, RDFS, OWL, XSD, SHACL and DCMI terms must exist in those vocabularies
  (rdflib's closed definitions of them).
* Predicates and classes in the data come from one of those namespaces, nowhere else.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline_support import FIXTURES
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, XSD
from sco_kg.pipeline.load import load
from sco_kg.pipeline.sources import Sources
from sco_kg.rdf.namespaces import FOAF, OA, ORG, PROV, SCHEMA, SKG, SKOS, TIME, is_schema_graph
from sco_kg.rdf.readers import read_triples

DECLARED_IN_ONTOLOGY = tuple(str(ns) for ns in (SKG, ORG, SCHEMA, FOAF, TIME, PROV, SKOS, OA))
CLOSED = (RDF, RDFS, OWL, XSD, SH, DCTERMS)
REFERENCES = {RDFS.isDefinedBy, RDFS.seeAlso, OWL.imports}


@lru_cache(maxsize=1)
def sources_and_graphs():
    sources = Sources.default(data_dirs=[FIXTURES / "second-article"])  # its facts too
    ds = load(sources)
    schema, data = Graph(), Graph()
    for graph in ds.graphs():
        target = schema if is_schema_graph(graph.identifier) else data
        for triple in graph:
            target.add(triple)
    shapes = read_triples(sources.shapes) if sources.shapes else Graph()
    return schema, data, shapes


def declared(schema: Graph) -> set[URIRef]:
    return {s for s in schema.subjects(RDF.type, None) if isinstance(s, URIRef)}


def problems(graph: Graph, schema: Graph, strict_positions: bool) -> list[str]:
    known = declared(schema)
    found = set()
    for s, p, o in graph:
        for position, term in (("subject", s), ("predicate", p), ("object", o)):
            if not isinstance(term, URIRef):
                continue
            if position == "object" and p in REFERENCES:
                continue  # a document, not a term: rdfs:isDefinedBy <http://xmlns.com/foaf/0.1/>
            iri = str(term)
            if iri.startswith(DECLARED_IN_ONTOLOGY):
                if term not in known:
                    found.add(f"{term.n3()} is not declared in the ontology or its imports")
            elif any(iri.startswith(str(ns)) for ns in CLOSED):
                if not any(term in ns for ns in CLOSED):
                    found.add(f"{term.n3()} is not a term of its vocabulary")
            elif strict_positions and (position == "predicate" or (p == RDF.type and position == "object")):
                found.add(f"{term.n3()} used as a {'class' if position == 'object' else 'property'} "
                          "comes from no known vocabulary")
    return sorted(found)


def test_the_data_uses_only_declared_terms():
    schema, data, _ = sources_and_graphs()
    assert problems(data, schema, strict_positions=True) == []


def test_the_shapes_use_only_declared_terms():
    schema, _, shapes = sources_and_graphs()
    assert len(shapes), "ontology/shapes.ttl is empty or missing"
    assert problems(shapes, schema, strict_positions=False) == []


def test_the_ontology_uses_only_declared_terms():
    schema, _, _ = sources_and_graphs()
    assert problems(schema, schema, strict_positions=False) == []


def test_the_check_catches_a_typo():
    schema, _, _ = sources_and_graphs()
    typo = Graph()
    typo.add((URIRef("https://w3id.org/sco-kg/id/x"), ORG.subOrganzationOf, URIRef("https://w3id.org/sco-kg/id/y")))
    typo.add((URIRef("https://w3id.org/sco-kg/id/x"), RDF.type, SKG.Persn))
    typo.add((URIRef("https://w3id.org/sco-kg/id/x"), URIRef(str(RDFS) + "lable"), URIRef("https://w3id.org/sco-kg/id/y")))
    typo.add((URIRef("https://w3id.org/sco-kg/id/x"), URIRef("http://example.org/p"), URIRef("https://w3id.org/sco-kg/id/y")))
    assert problems(typo, schema, strict_positions=True) == [
        "<http://example.org/p> used as a property comes from no known vocabulary",
        "<http://www.w3.org/2000/01/rdf-schema#lable> is not a term of its vocabulary",
        "<http://www.w3.org/ns/org#subOrganzationOf> is not declared in the ontology or its imports",
        "<https://w3id.org/sco-kg/ontology#Persn> is not declared in the ontology or its imports",
    ]
