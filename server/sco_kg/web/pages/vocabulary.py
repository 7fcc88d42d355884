"""The IRIs the pages look for in the store (namespaces from :mod:`sco_kg.rdf.namespaces`)."""

from __future__ import annotations

import pyoxigraph as ox

from ...rdf.namespaces import PREFIXES

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
OA = PREFIXES["oa"]
SKG = PREFIXES["skg"]
ORG = PREFIXES["org"]
SCHEMA = PREFIXES["schema"]
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]

RDF_TYPE = ox.NamedNode(RDF + "type")
RDFS_LABEL = RDFS + "label"
RDFS_COMMENT = RDFS + "comment"
SKOS_PREF = SKOS + "prefLabel"
SKOS_ALT = SKOS + "altLabel"
#: the properties of a label, and how the label index files each
LABEL_PROPERTIES = {RDFS_LABEL: "label", SKOS_PREF: "pref", SKOS_ALT: "alt"}
#: the graph of the OWL RL closure, under the base
INFERRED = "graph/inferred"
