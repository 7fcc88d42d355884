"""Describing one resource for its HTML page: its labels and types, and every statement in
and out grouped into facts, each with the sources (a sentence, an editorial graph, the
closure...) that state it. At most :data:`MAX_HTML_STATEMENTS` per direction: a role with a
million memberships must not make a page of a million rows; beyond it the page says so."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ...store.memory import source_quads
from ..app import current_kg
from .documents import capped
from .explain_page import why_href
from .label_index import Index, Source, current_index
from .terms import Term, compact, term
from .vocabulary import LABEL_PROPERTIES, RDF_TYPE

MAX_HTML_STATEMENTS = 1000
#: facts by where they come from: the article's words first, the closure last
SOURCE_ORDER = {"sentence": 0, "editorial": 1, "data": 2, "default": 2, "ontology": 3, "inferred": 4}


@dataclass
class Fact:
    predicate: Term
    value: Term
    sources: list[Source]
    why: str = ""  # the link to its proof, when the closure states it


    @property
    def inferred_only(self) -> bool:
        return all(s.kind == "inferred" for s in self.sources)


def facts(quads, index: Index, outgoing: bool) -> list[Fact]:
    """``quads`` about one resource as facts (predicate, the other end, its sources), types
    first, then labels, then the rest by predicate."""
    grouped: dict[tuple, list[Source]] = {}
    terms: dict[tuple, tuple] = {}
    for q in quads:
        other = q.object if outgoing else q.subject
        key = (q.predicate.value, str(other))
        grouped.setdefault(key, [])
        src = index.source(q.graph_name)
        if src not in grouped[key]:
            grouped[key].append(src)
        terms[key] = (q.predicate, other, (q.subject, q.predicate, q.object))
    out = []
    for key, sources in grouped.items():
        p, other, triple = terms[key]
        sources.sort(key=lambda s: (SOURCE_ORDER.get(s.kind, 9), s.start, s.graph))
        why = why_href(*triple) if any(s.kind == "inferred" for s in sources) else ""
        out.append(Fact(term(p, index), term(other, index), sources, why))

    def sort_key(f: Fact):
        p = f.predicate.value
        rank = 0 if p == RDF_TYPE.value else 1 if p in LABEL_PROPERTIES else 2
        return (rank, f.predicate.label or f.predicate.compact, f.value.label or f.value.value)

    out.sort(key=sort_key)
    return out


def describe(node: ox.NamedNode) -> dict:
    kg = current_kg()
    index = current_index()
    out_quads, cut_out = capped(source_quads(kg.store, node, None, None, None), MAX_HTML_STATEMENTS)
    in_quads, cut_in = capped(source_quads(kg.store, None, None, node, None), MAX_HTML_STATEMENTS)
    out_facts = facts(out_quads, index, True)
    in_facts = facts(in_quads, index, False)
    types = []
    for f in out_facts:
        if f.predicate.value == RDF_TYPE.value and f.value not in types:
            types.append(f.value)
    asserted_types = [f.value for f in out_facts if f.predicate.value == RDF_TYPE.value and not f.inferred_only]
    return {
        "iri": node.value,
        "label": index.label(node.value) or compact(node.value),
        "label_fr": index.label(node.value, "fr"),
        "labels": index.labels_by_lang(node.value),
        "types": asserted_types or types,
        "inferred_types": [t for t in types if t not in asserted_types],
        "out_asserted": [f for f in out_facts if not f.inferred_only],
        "out_inferred": [f for f in out_facts if f.inferred_only],
        "in_asserted": [f for f in in_facts if not f.inferred_only],
        "in_inferred": [f for f in in_facts if f.inferred_only],
        "compact": compact(node.value),
        "source": index.sources.get(node.value),
        "truncated": MAX_HTML_STATEMENTS if cut_out or cut_in else 0,
    }


def exists(node: ox.NamedNode) -> bool:
    """Whether the store says anything of ``node`` (as subject, object, predicate) or holds a graph of that name."""
    store = current_kg().store
    for pattern in ((node, None, None, None), (None, None, node, None), (None, node, None, None)):
        for _ in store.quads_for_pattern(*pattern):
            return True
    return node.value in current_kg().graphs
