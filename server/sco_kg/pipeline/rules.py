"""The OWL 2 RL rules that proofs name, in words: one table, read by ``sco-kg explain``, the
pages and the proofs graph (:mod:`.proof_graph`, which gives each rule an IRI and its words)."""

from __future__ import annotations

__all__ = ["RULE_WORDS", "SPEC"]

#: OWL 2 RL rule -> what it says, in words (the rules that occur in proofs of the project's data
#: and of the synthetic graphs; others are named by their identifier only)
RULE_WORDS: dict[str, str] = {
    "cax-sco": "an instance of a class is an instance of its super-classes (rdfs:subClassOf)",
    "cax-eqc1": "an instance of a class is an instance of the classes equivalent to it",
    "cax-eqc2": "an instance of a class is an instance of the classes equivalent to it",
    "prp-spo1": "a statement with a property also holds with its super-properties (rdfs:subPropertyOf)",
    "prp-dom": "the subject of a property is an instance of the property's domain (rdfs:domain)",
    "prp-rng": "the object of a property is an instance of the property's range (rdfs:range)",
    "prp-inv1": "a statement holds in reverse with the inverse property (owl:inverseOf)",
    "prp-inv2": "a statement holds in reverse with the inverse property (owl:inverseOf)",
    "prp-trp": "a transitive property chains: x to y and y to z give x to z",
    "prp-symp": "a symmetric property holds in both directions",
    "prp-eqp1": "a statement holds with the properties equivalent to its property",
    "prp-eqp2": "a statement holds with the properties equivalent to its property",
    "prp-fp": "a functional property has one value: two values are the same individual",
    "prp-ifp": "an inverse-functional property identifies its subject: two subjects are the same",
    "eq-sym": "owl:sameAs is symmetric",
    "eq-trans": "owl:sameAs is transitive",
    "eq-rep-s": "what holds of an individual holds of every individual the same as it (subject)",
    "eq-rep-p": "what holds with a property holds with every property the same as it",
    "eq-rep-o": "what holds of an individual holds of every individual the same as it (object)",
    "cls-hv1": "an instance of an owl:hasValue restriction has that value",
    "cls-hv2": "what has the value of an owl:hasValue restriction is an instance of it",
    "cls-svf1": "what has a value of the class of an owl:someValuesFrom restriction is an instance of it",
    "cls-avf": "a value of an instance of an owl:allValuesFrom restriction is an instance of its class",
    "scm-sco": "rdfs:subClassOf is transitive",
    "scm-spo": "rdfs:subPropertyOf is transitive",
    "scm-cls": "every class is a sub-class of itself and of owl:Thing",
    "scm-op": "every object property is a sub-property of itself",
    "scm-dp": "every datatype property is a sub-property of itself",
    "scm-eqc1": "equivalent classes are sub-classes of each other",
    "scm-eqc2": "classes that are sub-classes of each other are equivalent",
    "scm-eqp1": "equivalent properties are sub-properties of each other",
    "scm-dom1": "a property's domain extends to the domain's super-classes",
    "scm-dom2": "a property has the domains of its super-properties",
    "scm-rng1": "a property's range extends to the range's super-classes",
    "scm-rng2": "a property has the ranges of its super-properties",
    "dt-type2": "a literal is an instance of its datatype",
    "owlrl-prop": "every property is a sub-property of itself (owlrl's closure, beside OWL 2 RL)",
    # the rules whose conclusion is false: an inconsistency (fastrl.consistency)
    "cax-dw": "classes declared disjoint (owl:disjointWith) have no common instance",
    "cax-adc": "the classes of an owl:AllDisjointClasses have no common instance",
    "cls-nothing2": "owl:Nothing has no instance",
    "cls-com": "nothing is an instance of a class and of its complement (owl:complementOf)",
    "cls-maxc1": "an instance of an owl:maxCardinality 0 restriction has no value of its property",
    "cls-maxqc1": "an instance of an owl:maxQualifiedCardinality 0 restriction has no value of its class",
    "cls-maxqc2": "an instance of an owl:maxQualifiedCardinality 0 restriction on owl:Thing has no value",
    "prp-irp": "an irreflexive property (owl:IrreflexiveProperty) never links an individual to itself",
    "prp-asyp": "an asymmetric property (owl:AsymmetricProperty) never holds in both directions",
    "prp-pdw": "disjoint properties (owl:propertyDisjointWith) never link the same two individuals",
    "prp-adp": "the properties of an owl:AllDisjointProperties never link the same two individuals",
    "prp-npa1": "a negative property assertion (owl:NegativePropertyAssertion) does not hold",
    "prp-npa2": "a negative property assertion (owl:NegativePropertyAssertion) does not hold",
    "eq-diff1": "individuals the same (owl:sameAs) cannot be different (owl:differentFrom)",
    "eq-diff2": "the members of an owl:AllDifferent cannot be the same (owl:sameAs)",
    "eq-diff3": "the members of an owl:AllDifferent cannot be the same (owl:sameAs)",
    "dt-not-type": "a literal is of its datatype: its lexical form is one of the datatype's",
}

SPEC = "https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules"
