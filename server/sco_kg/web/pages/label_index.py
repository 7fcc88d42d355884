"""The app-wide index of the pages: every label of every IRI (for display and search), and
where the triples of each named graph come from (a sentence, an editorial graph, the
ontology, the closure). Built once per store by triple pattern, kept in the app's cache."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...store.memory import source_quads
from ..app import current_kg
from .vocabulary import LABEL_PROPERTIES, OA, PROV, RDF_TYPE, RDFS_COMMENT, SKG


@dataclass
class Source:
    """Where the triples of one named graph come from."""

    graph: str
    kind: str  # "sentence", "editorial", "inferred", "proofs", "ontology", "data", "default"
    quote: str = ""
    span: str = ""
    article: str = ""
    start: int = -1
    comment: str = ""


@dataclass
class Index:
    base: str
    labels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # iri -> (value, lang, kind)
    sources: dict[str, Source] = field(default_factory=dict)
    search: list[tuple[str, str, str, str]] = field(default_factory=list)  # (normalised, value, lang, iri)

    def label(self, iri: str, lang: str = "en") -> str:
        """The best label of ``iri``: a main label in ``lang``, then in fr/en, then any."""
        labels = self.labels.get(iri)
        if not labels:
            return ""
        alts = {(v, lg) for v, lg, kind in labels if kind == "alt"}  # also rdfs:labels after reasoning
        ranked = sorted(labels, key=lambda t: ((t[0], t[1]) in alts, t[1] != lang, t[1] not in ("en", "fr"),
                                               t[2] != "pref", len(t[0]), t[0]))
        return ranked[0][0]

    def labels_by_lang(self, iri: str) -> dict[str, dict[str, list[str]]]:
        """{"en": {"main": [...], "alt": [...]}, "fr": {...}, ...} (sorted, no duplicates)."""
        out: dict[str, dict[str, list[str]]] = {}
        alts = {(v, lang) for v, lang, kind in self.labels.get(iri, ()) if kind == "alt"}
        for value, lang, kind in self.labels.get(iri, ()):
            slot = "alt" if (value, lang) in alts else "main"
            bucket = out.setdefault(lang or "", {"main": [], "alt": []})[slot]
            if value not in bucket:
                bucket.append(value)
        for d in out.values():
            d["main"].sort()
            d["alt"].sort()
        return dict(sorted(out.items(), key=lambda kv: (kv[0] not in ("fr", "en"), kv[0] != "fr", kv[0])))

    def source(self, graph) -> Source:
        if not isinstance(graph, ox.NamedNode):
            return Source("", "default")
        return self.sources.get(graph.value) or Source(graph.value, "data")


def normalise(text: str) -> str:
    """Case-, accent- and apostrophe-insensitive form: "Shanghaï" -> "shanghai"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text.casefold()).strip()


def build_index(store: ox.Store, base: str) -> Index:
    index = Index(base)
    for prop, kind in LABEL_PROPERTIES.items():
        for q in source_quads(store, None, ox.NamedNode(prop), None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                entry = (q.object.value, q.object.language or "", kind)
                labels = index.labels.setdefault(q.subject.value, [])
                if entry not in labels:
                    labels.append(entry)
    seen = set()
    for iri, labels in index.labels.items():
        for value, lang, _kind in labels:
            if (iri, value, lang) not in seen:
                seen.add((iri, value, lang))
                index.search.append((normalise(value), value, lang, iri))

    def first(s, p):
        for q in source_quads(store, s, ox.NamedNode(p), None, None):
            return q.object
        return None

    kgg = base + "graph/"
    graph_names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    for q in source_quads(store, None, ox.NamedNode(PROV + "wasDerivedFrom"), None, None):
        graph, span = q.subject, q.object
        if not isinstance(graph, ox.NamedNode) or not isinstance(span, ox.NamedNode):
            continue
        if graph.value not in graph_names:
            continue  # a quotation derived from its sentence's span: not a graph of facts
        src = Source(graph.value, "sentence", span=span.value)
        article = first(span, OA + "hasSource")
        src.article = article.value if isinstance(article, ox.NamedNode) else ""
        for sq in source_quads(store, span, ox.NamedNode(OA + "hasSelector"), None, None):
            exact = first(sq.object, OA + "exact")
            if isinstance(exact, ox.Literal):
                src.quote = exact.value
            start = first(sq.object, OA + "start")
            if isinstance(start, ox.Literal):
                try:
                    src.start = int(start.value)
                except ValueError:
                    pass
        if src.quote:
            index.sources[graph.value] = src
    for q in source_quads(store, None, RDF_TYPE, ox.NamedNode(SKG + "EditorialGraph"), None):
        if isinstance(q.subject, ox.NamedNode) and q.subject.value not in index.sources:
            comment = first(q.subject, RDFS_COMMENT)
            index.sources[q.subject.value] = Source(q.subject.value, "editorial",
                                                    comment=comment.value if isinstance(comment, ox.Literal) else "")
    for g in store.named_graphs():
        if not isinstance(g, ox.NamedNode) or g.value in index.sources:
            continue
        if g.value == kgg + "inferred":
            index.sources[g.value] = Source(g.value, "inferred")
        elif g.value == kgg + "proofs":  # outside the union: its own description is inside it
            comment = next((q.object for q in store.quads_for_pattern(g, ox.NamedNode(RDFS_COMMENT), None, g)), None)
            index.sources[g.value] = Source(g.value, "proofs",
                                            comment=comment.value if isinstance(comment, ox.Literal) else "")
        elif g.value == kgg + "ontology" or g.value.startswith(kgg + "imports/"):
            index.sources[g.value] = Source(g.value, "ontology")
    return index


def current_index() -> Index:
    kg = current_kg()
    return kg.cached("linked-data-index", lambda: build_index(kg.store, kg.base))
