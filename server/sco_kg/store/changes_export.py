"""The curated changes of an on-disk store, read offline from its folder (``sco-kg history``,
``sco-kg changes export``): nothing here writes, so it may run beside the server.

How curated changes and the build's data meet: the build (data/, the ontology) is the base;
the store's log (``DIR/ingest-log``: ingests and changes, in order) is applied over it,
whatever build is served, and each start with another build replays it through the one
pipeline (:mod:`.disk`), so a rebuild from data/ never silently undoes a change: a change
that no longer holds with the new data stops the start with the pipeline's report, and a
removal of a triple the new build no longer has applies to nothing. To make changes part of
data/, :func:`changes_trig` writes every graph the changes touched, as it now is, in TriG for
people: comments name each change (who, when, why) above the graphs; a graph the changes
emptied is named in a comment (remove it from data/). Copy the graphs into data/ (replacing
the graphs of the same names), then start the store again from a fresh folder.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..core.errors import ConfigError
from ..rdf.namespaces import HISTORY_GRAPH, PREFIXES
from ..rdf.patch import EXTENSION, PatchError, read_patch
from .change_record import ChangeSummary, summaries
from .disk import GENERATIONS_DIR, log_entries, read_record

_HISTORY = ox.NamedNode(str(HISTORY_GRAPH))


def changes_of(store_path: Path) -> list[ChangeSummary]:
    """The changes recorded in the store's log, newest first."""
    quads = []
    for entry in log_entries(Path(store_path)):
        if entry.suffix != EXTENSION:
            continue
        try:
            quads += [q for q in read_patch(entry).added if q.graph_name == _HISTORY]
        except PatchError as exc:
            raise ConfigError(str(exc)) from None
    return summaries(quads)


def served_generation(store_path: Path) -> ox.Store:
    """The generation the store's record names, opened read-only."""
    store_path = Path(store_path)
    record = read_record(store_path)
    if not record or not record.get("generation"):
        raise ConfigError(f"{store_path} is not an on-disk store of sco-kg (no {store_path / 'build.json'})")
    db = store_path / GENERATIONS_DIR / record["generation"]
    try:
        return ox.Store.read_only(str(db))
    except (OSError, ValueError, RuntimeError) as exc:
        raise ConfigError(f"cannot open {db}: {exc}") from None


def changes_trig(store_path: Path) -> str:
    """Every graph the changes touched, as it is now, in TriG with comments (see the module)."""
    changes = list(reversed(changes_of(store_path)))  # oldest first, as they were made
    if not changes:
        return "# no curated changes in this store\n"
    store = served_generation(store_path)
    by_graph: dict[str, list[ChangeSummary]] = {}
    for change in changes:
        for graph in change.graphs:
            by_graph.setdefault(graph, []).append(change)
    used = {p: ns for p, ns in PREFIXES.items()}
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in used.items()]
    lines += ["", f"# {len(changes)} curated change(s) of {len(by_graph)} graph(s), from {store_path}",
              "# each graph below is as the changes left it: replace the graph of the same name in data/", ""]
    for graph, touched in sorted(by_graph.items()):
        lines += [_comment(c) for c in touched]
        node = ox.NamedNode(graph)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, node)]
        if not triples:
            lines += [f"# <{graph}> is empty now: remove it from data/", ""]
            continue
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
        body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix"))
        lines += [f"<{graph}> {{"] + [f"  {line}" if line else "" for line in body.strip().splitlines()] + ["}", ""]
    return "\n".join(lines) + "\n"


def _comment(change: ChangeSummary) -> str:
    why = f", because: {change.reason}" if change.reason else ""
    request = " ".join(change.request.split())[:160]
    return f"# change {change.entry} ({change.id}) by {change.agent} at {change.time}{why}: {request}"
