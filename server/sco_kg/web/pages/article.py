"""An article's page: its ``schema:text`` cut into the spans of its sentences, each linked
to the graph of the facts it states (the spans come from the label index's sources)."""

from __future__ import annotations

import pyoxigraph as ox

from ...store.memory import source_quads
from ..app import current_kg
from .label_index import Index
from .terms import LONG_LITERAL, local_href
from .vocabulary import SCHEMA


def article_text(node: ox.NamedNode, index: Index) -> list[dict] | None:
    """The ``schema:text`` of an article cut into its sentences' spans: [{"text", "graph",
    "anchor"}], each span linked to the graph of facts it states; None if ``node`` has no text."""
    store = current_kg().store
    text = next((q.object for q in source_quads(store, node, ox.NamedNode(SCHEMA + "text"), None, None)
                 if isinstance(q.object, ox.Literal)), None)
    if text is None or len(text.value) < LONG_LITERAL:
        return None
    body = text.value
    spans = sorted((s for s in index.sources.values()
                    if s.kind == "sentence" and s.article == node.value and s.start >= 0
                    and body[s.start:s.start + len(s.quote)] == s.quote), key=lambda s: s.start)
    out, pos = [], 0
    for s in spans:
        if s.start < pos:
            continue  # overlapping spans: the first one wins
        if s.start > pos:
            out.append({"text": body[pos:s.start], "graph": "", "anchor": ""})
        out.append({"text": s.quote, "graph": local_href(s.graph, index.base), "anchor": s.graph.rpartition("/")[2]})
        pos = s.start + len(s.quote)
    if pos < len(body):
        out.append({"text": body[pos:], "graph": "", "anchor": ""})
    return out
