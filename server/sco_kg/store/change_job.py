"""One change of the served graph (a SPARQL Update, a Graph Store ``PUT``/``POST``/``DELETE``),
as the writer's child process does it (:mod:`.ingest_child` runs it, confined, like an ingest).

1. **The state before**: the served generation, opened read-only, copied into an in-memory
   store: the asserted named graphs as they are (blank nodes keep their labels), and, as
   the default graph, the union the endpoint serves (``kgg:inferred`` included), and the
   graphs the reasoner and the store make (``kgg:inferred``, ``kgg:proofs``,
   ``kgg:history``), so an update's ``WHERE`` sees what ``/sparql`` sees, ``GRAPH
   kgg:inferred { ... }`` included.
2. **The change**: the update run on that copy by pyoxigraph (``LOAD`` and ``SERVICE`` were
   refused before, by the route), or the Graph Store write. Then the difference, quad by
   quad: what the named graphs lost and gained.
3. **What no change may do** (refused, nothing written): add triples to the default graph,
   which is the union of the named graphs (400: name a graph); write ``kgg:inferred``,
   ``kgg:proofs`` or ``kgg:history`` (403); change a graph of the build (data/, the ontology)
   unless the server curates them (409). Removing triples from the default graph changes
   nothing by itself (it is made again from the named graphs: ``CLEAR ALL`` clears the
   named graphs, and so the union): a triple removed from it that the union still holds
   after the change (stated in a named graph, or inferred) is named in the answer's
   ``warnings``, with where to remove it. So are triples removed from the graphs the store
   makes (``CLEAR ALL``, ``DROP GRAPH kgg:inferred``): they are made again, not removed.
4. **The one pipeline** over the state after (:func:`sco_kg.pipeline.check.check`, as an ingest:
   the served files, the log, and this change as an RDF Patch applied last): the asserted
   data validated, the closure reasoned within the strangers' limits and validated; 422
   with the report (and the proofs of the inferred triples involved) when it fails.
5. **When it passes**: the log entry (:mod:`sco_kg.rdf.patch`: the quads removed and added,
   then the change's record in ``kgg:history``) and the next generation; the web process
   commits them as it commits an ingest (:mod:`.ingest`).

A change that changes nothing (``CLEAR SILENT GRAPH`` of a graph that does not exist, or
``DELETE DATA`` of a triple from the default graph alone) is answered without a log entry,
with the warnings of 3. (the union it tried to shrink is as it was).
"""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox

from ..pipeline.report_formats import render
from ..pipeline.sources import PATCH_SYNTAX, Input, Sources, log_input
from ..rdf.namespaces import HISTORY_GRAPH, INFERRED_GRAPH, MADE_GRAPHS, PROOFS_GRAPH
from ..rdf.patch import Patch, read_patch, write_patch
from ..rdf.terms import to_oxigraph
from ..rdf.untrusted import UntrustedInputError, parse_untrusted
from .change_record import record_quads
from .disk import generation_from_previous, generation_quads
from .ingest_job import INGESTED_BASE, MAX_GRAPH_NAME, RESERVED_BASE, IngestRefused, check_job
from .memory import quads_of

_MADE = {ox.NamedNode(str(g)) for g in MADE_GRAPHS}
_OUTSIDE_UNION = {ox.NamedNode(str(g)) for g in (PROOFS_GRAPH, HISTORY_GRAPH)}
_DEFAULT = ox.DefaultGraph()


def prepare(job: dict) -> dict:
    """Apply, check and, when it passes, write the entry and the next generation: the result dict."""
    try:
        return _prepare(job)
    except IngestRefused as exc:
        return {"status": exc.status, "message": exc.message, **exc.detail}


def _prepare(job: dict) -> dict:
    seconds, steps = {}, {}
    started = t = time.perf_counter()
    work, named_before, default_before, made_before, served = _state_before(Path(job["generation"]))
    steps["copy"] = round(time.perf_counter() - t, 3)
    _apply(work, job)
    named_after, made_after = set(), set()
    for q in work:
        if q.graph_name != _DEFAULT:
            (made_after if q.graph_name in _MADE else named_after).add(q)
    removed = sorted(named_before - named_after, key=str)
    added = sorted(named_after - named_before, key=str)
    default_after = {q.triple for q in work.quads_for_pattern(None, None, None, _DEFAULT)}
    seconds["apply"] = round(time.perf_counter() - t, 3)
    steps["update"] = round(seconds["apply"] - steps["copy"], 3)
    _check_default_graph(default_after - default_before)
    made_added = sorted({str(q.graph_name.value) for q in made_after - made_before})
    if made_added:
        _refuse_made(made_added[0])
    graphs = sorted({str(q.graph_name.value) for q in (*removed, *added)})
    _check_graphs(graphs, job, {str(q.graph_name.value) for q in added})
    not_made = _made_not_removed(made_before - made_after)
    if not removed and not added:  # the union is as before: all it lost from the default graph, it still holds
        warnings = _still_in_union(default_before - default_after, named_before, made_before) + not_made
        return {"status": 200, "changed": False, "added": 0, "removed": 0, "graphs": [], "seconds": seconds,
                "warnings": warnings}

    t = time.perf_counter()
    job_dir = Path(job["entry"]).parent
    data_patch = job_dir / "change.rdfp"
    data_patch.write_bytes(write_patch(Patch(removed, added)))
    log = [log_input(p) for p in job["log"]]
    sources = Sources.of_served(job["sources"], extra=[*log, Input(data_patch, syntax=PATCH_SYNTAX,
                                                                   keep_blank_labels=True, name="the change")])
    checked = check_job(sources, job)
    seconds["check"] = round(time.perf_counter() - t, 3)
    if not checked.conforms:
        return {"status": 422, "report": render(checked.report, job["report_format"]).decode("utf-8")}
    steps.update({f"check {k}": round(v, 3) for k, v in checked.result.timings.items()})
    dataset = checked.result.dataset
    warnings = _still_in_union(default_before - default_after, quads_of(dataset)) + not_made

    t = time.perf_counter()
    record = record_quads(job, removed, added, graphs)
    Path(job["entry"]).write_bytes(write_patch(Patch(removed, added + record, {"id": f"<urn:uuid:{job['id']}>"})))
    t2 = time.perf_counter()
    after = generation_quads(dataset, [*job["log"], job["entry"]])
    steps["store quads"] = round(time.perf_counter() - t2, 3)
    quads = generation_from_previous(Path(job["new"]), Path(job["generation"]), served, after, timings=steps)
    seconds["store"] = round(time.perf_counter() - t, 3)
    steps["child"] = round(time.perf_counter() - started, 3)  # the job in the child, its start aside
    return {"status": 200, "changed": True, "quads": quads, "added": len(added), "removed": len(removed),
            "graphs": graphs, "seconds": {**seconds, "steps": steps}, "warnings": warnings}


# -- the state before, and the change -----------------------------------------------------------


def _state_before(generation: Path):
    """An in-memory copy of what a change may read and write (see the module's docstring):
    the store, its asserted named quads, the triples of its default graph, the quads of the
    graphs the store makes (``kgg:inferred``, ``kgg:proofs``, ``kgg:history``: there to be
    read, as ``/sparql`` reads them, never written), and every quad of the generation (the
    next one is made from it: :func:`.disk.generation_from_previous`)."""
    served = ox.Store.read_only(str(generation))
    work = ox.Store()
    named, default, made, every = set(), set(), set(), set()
    for quad in served:
        every.add(quad)
        name = quad.graph_name
        if name == _DEFAULT:
            default.add(quad.triple)
        else:
            (made if name in _MADE else named).add(quad)
    work.bulk_extend(named)
    work.bulk_extend(made)
    work.bulk_extend(ox.Quad(*t, _DEFAULT) for t in default)
    del served
    return work, named, default, made, every


def _apply(work: ox.Store, job: dict) -> None:
    kind = job["kind"]
    if kind == "update":
        try:
            work.update(job["update"], base_iri=job.get("update_base"))
        except SyntaxError as exc:
            raise IngestRefused(400, f"the update is not valid SPARQL 1.1 Update: {exc}") from None
        except (OSError, ValueError, RuntimeError) as exc:  # evaluation errors (e.g. CREATE of an existing graph)
            raise IngestRefused(400, f"the update failed: {exc}") from None
        return
    if kind == "patch":  # a revert: the inverse of a change of the log, data rows only
        patch = read_patch(Path(job["patch"]))
        for q in patch.removed:
            if q.graph_name not in _MADE:
                work.remove(q)
        work.extend(q for q in patch.added if q.graph_name not in _MADE)
        return
    graph = ox.NamedNode(job["graph"])
    if graph in _MADE:  # the store's own graphs: never a client's to write, however asked
        _refuse_made(job["graph"])
    if kind == "delete":
        if not any(True for _ in work.quads_for_pattern(None, None, None, graph)):
            raise IngestRefused(404, f"no graph <{job['graph']}> to delete")
        work.remove_graph(graph)
        return
    triples = _body_triples(job)
    if kind == "put":
        if work.contains_named_graph(graph):
            work.remove_graph(graph)
    work.bulk_extend(ox.Quad(*t, graph) for t in triples)


def _body_triples(job: dict) -> list:
    """The triples of a Graph Store body (a triple syntax, or a dataset without named graphs)."""
    try:
        parsed = parse_untrusted(Path(job["body"]).read_bytes(), job["media_type"], base=job["base"],
                                 max_bytes=job["max_bytes"], max_triples=job["max_triples"])
    except UntrustedInputError as exc:
        raise IngestRefused(exc.status, exc.message, line=exc.line, column=exc.column) from None
    if any(len(g) for g in parsed.graphs() if g.identifier != parsed.default_graph.identifier):
        raise IngestRefused(400, "the body names graphs of its own: a Graph Store write takes the triples of one "
                                 "graph (Turtle, N-Triples, RDF/XML...); POST a dataset to /data")
    return [tuple(map(to_oxigraph, t)) for t in parsed.default_graph]


# -- what no change may do -----------------------------------------------------------------------


def _check_default_graph(added: set) -> None:
    if added:
        s, p, o = sorted(added, key=str)[0]
        raise IngestRefused(400, f"{len(added)} triple(s) written to the default graph, first: {s} {p} {o}. The "
                                 "default graph of this store is the union of its named graphs: write into a named "
                                 "graph (INSERT DATA { GRAPH <g> { ... } }, or WITH <g>)")


def _made_not_removed(quads: set) -> list[str]:
    """What an update removed from the graphs the store makes (``CLEAR ALL`` does): not
    removed, they are made again from the asserted triples (as the default graph is)."""
    by_graph: dict = {}
    for q in quads:
        by_graph[q.graph_name.value] = by_graph.get(q.graph_name.value, 0) + 1
    return [f"{n} triple(s) removed from <{g}> are still in it: the reasoner and the store make that graph "
            + ("(remove the asserted triples they follow from: GET /explain shows them)" if g == str(INFERRED_GRAPH)
               else "from the asserted triples and the history of changes")
            for g, n in sorted(by_graph.items())]


def _still_in_union(removed_from_default: set, *quad_sets) -> list[str]:
    """Triples removed from the default graph that the union still holds after the change
    (``quad_sets``: the named graphs after it)."""
    if not removed_from_default:
        return []
    held: dict = {}
    for q in (q for quads in quad_sets for q in quads):
        if q.triple in removed_from_default and isinstance(q.graph_name, ox.NamedNode) \
                and q.graph_name not in _OUTSIDE_UNION:
            held.setdefault(q.triple, q.graph_name)
    if not held:
        return []
    (s, p, o), graph = sorted(held.items(), key=str)[0]
    how = ("inferred: remove its premises (GET /explain shows them)" if graph.value.endswith("/graph/inferred")
           else f"stated in {graph}: remove it there (DELETE DATA {{ GRAPH {graph} {{ ... }} }})")
    return [f"{len(held)} triple(s) removed from the default graph are still in it (it is the union of the named "
            f"graphs), first: {s} {p} {o}, {how}"]


def _refuse_made(graph: str) -> None:
    raise IngestRefused(403, f"graph <{graph}> is made by the reasoner and the store: no client writes it; "
                             "change the asserted triples it follows from")


def _check_graphs(graphs: list[str], job: dict, written: set[str]) -> None:
    made = sorted(set(graphs) & {str(g.value) for g in _MADE})
    if made:
        _refuse_made(made[0])
    long = sorted(g for g in written if len(g) > MAX_GRAPH_NAME)  # one made before the bound may be emptied
    if long:
        raise IngestRefused(400, f"graph <{long[0][:200]}...> is {len(long[0])} characters long: a graph's name "
                                 f"is at most {MAX_GRAPH_NAME}")
    if job.get("curate_build_graphs"):
        return
    reserved = sorted(g for g in graphs if g.startswith(RESERVED_BASE) and not g.startswith(INGESTED_BASE))
    protected = sorted(set(graphs) & set(job.get("protected") or ()))
    if reserved and not protected:
        raise IngestRefused(409, f"graph <{reserved[0]}> is in the build's namespace {RESERVED_BASE}: choose another "
                                 f"name (or one under {INGESTED_BASE}), or curate the build's graphs "
                                 "(--curate-build-graphs)")
    if protected:
        raise IngestRefused(409, f"{len(protected)} graph(s) of the build would change, first <{protected[0]}>: the "
                                 "build's graphs (data/, the ontology) are changed in their files, or by a server "
                                 "started with --curate-build-graphs")
