"""The namespaces of docs/design.md and the IRIs of the named graphs of a build."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

BASE = "https://w3id.org/sco-kg/"

SKG = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = URIRef(BASE + "ontology")
KG = Namespace(BASE + "id/")
KGG = Namespace(BASE + "graph/")
KGA = Namespace(BASE + "id/article/")
#: the proofs of the closure: one node per triple of a proof, one per rule application, the rules
KGP = Namespace(BASE + "proof/")
#: the accepted changes of the served graph (updates, Graph Store writes), and who made them
KGC = Namespace(BASE + "change/")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: prefix -> namespace, bound in every output (stable order: outputs are deterministic).
PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "time": str(TIME),
    "prov": str(PROV),
    "skos": str(SKOS),
    "oa": str(OA),
    "skg": str(SKG),
    "kg": str(KG),
    "kgg": str(KGG),
    "kga": str(KGA),
    "kgp": str(KGP),
}

#: namespaces whose terms are built into RDF/RDFS/OWL/XSD (their axioms are reasoning noise)
BUILTIN_NAMESPACES: tuple[str, ...] = (str(RDF), str(RDFS), str(OWL), str(XSD))

ONTOLOGY_GRAPH = KGG["ontology"]
VOCABULARY_GRAPH = KGG["vocabulary"]
INFERRED_GRAPH = KGG["inferred"]
#: the proof of every triple of ``kgg:inferred`` (made by the build; outside the union default graph)
PROOFS_GRAPH = KGG["proofs"]
#: IRIs the project no longer uses (data/replaced.trig): the only graph the server trusts for redirects
REPLACED_GRAPH = KGG["replaced"]
#: every accepted change, a prov:Activity (made by the store from its change log; outside the union)
HISTORY_GRAPH = KGG["history"]
#: the graphs the reasoner and the store make: never written by a client, never an input
MADE_GRAPHS = (INFERRED_GRAPH, PROOFS_GRAPH, HISTORY_GRAPH)
REASONING_RUN = KG["reasoning-run"]


def import_graph(name: str) -> URIRef:
    """``kgg:imports/<name>``, the graph of ``ontology/imports/<name>.ttl``."""
    return KGG[f"imports/{name}"]


def article(article_id: str) -> URIRef:
    """``kga:<id>``, the source article."""
    return KGA[article_id]


def article_graph(article_id: str, name: str) -> URIRef:
    """``kgg:<id>/<name>``: ``provenance``, ``labels``, ``s01``..."""
    return KGG[f"{article_id}/{name}"]


def is_schema_graph(graph: URIRef) -> bool:
    """The ontology and its imports (the TBox), as opposed to data graphs and the closure."""
    return graph == ONTOLOGY_GRAPH or str(graph).startswith(str(KGG) + "imports/")


def compact(iri: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """``prefix:rest`` for an IRI under one of ``prefixes`` (the longest namespace wins), for
    people: even where Turtle would not allow it (``kgg:000_1cb7668562977704/s01``); else the IRI."""
    best = max((p for p, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
               key=lambda p: len(prefixes[p]), default=None)
    return f"{best}:{iri[len(prefixes[best]):]}" if best else iri


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on a Graph, Dataset or NamespaceManager."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
