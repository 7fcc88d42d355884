"""The RDF, RDFS, OWL and XSD terms the rules of :mod:`sco_kg.pipeline.fastrl` key on."""

from __future__ import annotations

from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.OWLRL import OWLRL_Annotation_properties
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ...rdf.namespaces import BUILTIN_NAMESPACES

__all__ = [
    "OWL",
    "RDF",
    "RDFS",
    "XSD",
    "SCHEMA_PREDICATES",
    "SCHEMA_TYPES",
    "OWL_RL_DATATYPES",
    "DATATYPE_SUBSUMPTIONS",
    "DATATYPE_DISJOINTNESS",
    "ANNOTATION_PROPERTIES",
    "is_noise",
    "noisy_subject",
    "noisy_predicate",
]

#: predicates whose triples are axioms: a new one means the rules must be compiled again
SCHEMA_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        OWL.equivalentClass,
        RDFS.subPropertyOf,
        OWL.equivalentProperty,
        OWL.inverseOf,
        RDFS.domain,
        RDFS.range,
        OWL.propertyChainAxiom,
        OWL.hasKey,
        OWL.onProperty,
        OWL.onClass,
        OWL.hasValue,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.intersectionOf,
        OWL.unionOf,
        OWL.complementOf,
        OWL.oneOf,
        OWL.disjointWith,
        OWL.propertyDisjointWith,
        OWL.members,
        OWL.distinctMembers,
        OWL.sourceIndividual,
        OWL.assertionProperty,
        OWL.targetIndividual,
        OWL.targetValue,
        RDF.first,
        RDF.rest,
    }
)

#: classes whose instances are axioms (property characteristics, declarations)
SCHEMA_TYPES = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        RDF.Property,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.IrreflexiveProperty,
        OWL.AllDisjointClasses,
        OWL.AllDisjointProperties,
        OWL.AllDifferent,
    }
)

OWL_RL_DATATYPES = frozenset(OWL_RL_Datatypes)
DATATYPE_SUBSUMPTIONS = OWL_Datatype_Subsumptions
DATATYPE_DISJOINTNESS = tuple(OWLRL_Datatypes_Disjointness)
ANNOTATION_PROPERTIES = tuple(OWLRL_Annotation_properties)

def noisy_subject(s) -> bool:
    """A subject that makes any inferred triple noise: a literal, or a built-in IRI."""
    return isinstance(s, Literal) or (isinstance(s, URIRef) and str.startswith(s, BUILTIN_NAMESPACES))


def noisy_predicate(p) -> bool:
    """A predicate RDF cannot write: a literal or a blank node."""
    return isinstance(p, (Literal, BNode))


def is_noise(s, p, o) -> bool:
    """Whether an inferred triple is reasoning noise, dropped from the closure.

    The engine-level normalisation, used by fastrl's output and by the tests that compare
    it with owlrl's (the build then leaves out more: :func:`sco_kg.pipeline.reason.is_trivial_entailment`):

    * reflexive ``owl:sameAs`` (rule eq-ref, true of every term);
    * a literal typed with a datatype (dt-type2, and prp-rng on datatype properties),
      and any other generalised triple RDF cannot write: a literal subject, a literal
      or blank predicate (owlrl drops blank-predicate triples itself);
    * axiomatic triples about the built-in vocabularies: an IRI subject in the RDF,
      RDFS, OWL or XSD namespace (cls-thing, prp-ap, dt-type1,
      ``owl:Nothing rdfs:subClassOf C``).
    """
    return (p == OWL.sameAs and s == o) or noisy_subject(s) or noisy_predicate(p)
