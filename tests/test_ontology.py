"""The ontology documents itself: a header, and every term labelled, explained, owned."""

import pytest
from pipeline_support import ROOT
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

ONTOLOGY = URIRef("https://w3id.org/sco-kg/ontology")
SKG = "https://w3id.org/sco-kg/ontology#"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "sco-kg.ttl")


def terms(g: Graph):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(SKG)})


def test_header_has_version_licence_and_creation_date(ontology):
    assert ontology.value(ONTOLOGY, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.license) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.created) is not None


def test_every_term_has_labels_in_english_and_french_a_comment_and_its_definer(ontology):
    found = terms(ontology)
    assert len(found) > 40
    for term in found:
        langs = {label.language for label in ontology.objects(term, RDFS.label)}
        assert {"en", "fr"} <= langs, term
        assert ontology.value(term, RDFS.comment) is not None, term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_every_skg_term_used_in_the_ontology_is_declared_there(ontology):
    used = {t for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(SKG)}
    assert used <= set(terms(ontology)), sorted(used - set(terms(ontology)))


def test_the_chair_of_an_event_is_an_attendee(ontology):
    chaired_by = URIRef(SKG + "chairedBy")
    assert (chaired_by, RDFS.subPropertyOf, URIRef("https://schema.org/attendee")) in ontology


def test_a_person_is_not_an_organisation(ontology):
    assert (URIRef(SKG + "Organisation"), OWL.disjointWith, URIRef(SKG + "Person")) in ontology
    foaf = Graph().parse(ROOT / "ontology" / "imports" / "foaf.ttl")
    assert (URIRef("http://xmlns.com/foaf/0.1/Person"), OWL.disjointWith,
            URIRef("http://xmlns.com/foaf/0.1/Organization")) in foaf
