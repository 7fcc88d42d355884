"""One change of the served graph (a SPARQL Update, a Graph Store ``PUT``/``POST``/``DELETE``),
as the writer's child process does it (:mod:`.ingest_child` runs it, confined, like an ingest).

1. **The state before**: the served generation, opened read-only, copied into an in-memory
   store: the asserted named graphs as they are (blank nodes keep their labels), and, as
   the default graph, the union the endpoint serves (``kgg:inferred`` included), so an
   update's ``WHERE`` sees what ``/sparql`` sees. ``kgg:inferred``, ``kgg:proofs`` and
   ``kgg:history`` are not graphs of that store: the reasoner and the store make them.
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
   ``warnings``, with where to remove it.
4. **The one pipeline** over the state after (:func:`sco_kg.pipeline.check.check`, as an ingest:
   the served files, the log, and this change as an RDF Patch applied last): the asserted
   data validated, the closure reasoned within the strangers' limits and validated; 422
   with the report (and the proofs of the inferred triples involved) when it fails.
5. **When it passes**: the log entry (:mod:`sco_kg.rdf.patch`: the quads removed and added,
   then the change's record in ``kgg:history``) and the next generation; the web process
   commits them as it commits an ingest (:mod:`.ingest`).

A change that changes nothing (``CLEAR SILENT GRAPH`` of a graph that does not exist) is
answered without a log entry.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import InputError, ReasoningLimitExceeded
from ..pipeline.check import check
from ..pipeline.reasoning_limits import ReasoningLimits
from ..pipeline.report_formats import render
from ..pipeline.sources import PATCH_SYNTAX, Input, Sources, log_input
from ..pipeline.validate import DEFAULT_VALIDATOR
from ..rdf.namespaces import MADE_GRAPHS
from ..rdf.patch import Patch, read_patch, write_patch
from ..rdf.terms import to_oxigraph
from ..rdf.untrusted import UntrustedInputError, parse_untrusted
from .change_record import record_quads
from .disk import generation_from_previous, generation_quads
from .ingest_job import IngestRefused
from .memory import quads_of

_MADE = {ox.NamedNode(str(g)) for g in MADE_GRAPHS}
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
    work, named_before, default_before, served = _state_before(Path(job["generation"]))
    steps["copy"] = round(time.perf_counter() - t, 3)
    _apply(work, job)
    named_after = {q for q in work if q.graph_name != _DEFAULT}
    removed = sorted(named_before - named_after, key=str)
    added = sorted(named_after - named_before, key=str)
    default_after = {q.triple for q in work.quads_for_pattern(None, None, None, _DEFAULT)}
    seconds["apply"] = round(time.perf_counter() - t, 3)
    steps["update"] = round(seconds["apply"] - steps["copy"], 3)
    _check_default_graph(default_after - default_before)
    graphs = sorted({str(q.graph_name.value) for q in (*removed, *added)})
    _check_graphs(graphs, job)
    if not removed and not added:
        return {"status": 200, "changed": False, "added": 0, "removed": 0, "graphs": [], "seconds": seconds}

    t = time.perf_counter()
    job_dir = Path(job["entry"]).parent
    data_patch = job_dir / "change.rdfp"
    data_patch.write_bytes(write_patch(Patch(removed, added)))
    log = [log_input(p) for p in job["log"]]
    sources = Sources.of_served(job["sources"], extra=[*log, Input(data_patch, syntax=PATCH_SYNTAX,
                                                                   keep_blank_labels=True, name="the change")])
    try:
        limits = ReasoningLimits(**job["limits"]) if job.get("limits") else None
        checked = check(sources, validator=job.get("validator", DEFAULT_VALIDATOR), limits=limits, proofs=True)
    except InputError as exc:
        raise IngestRefused(400, exc.message, line=exc.line, column=exc.column) from None
    except ReasoningLimitExceeded as exc:
        raise IngestRefused(413, str(exc), reason="reasoning") from None
    seconds["check"] = round(time.perf_counter() - t, 3)
    if not checked.conforms:
        return {"status": 422, "report": render(checked.report, job["report_format"]).decode("utf-8")}
    steps.update({f"check {k}": round(v, 3) for k, v in checked.result.timings.items()})
    dataset = checked.result.dataset
    warnings = _still_in_union(default_before - default_after, dataset)

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
    the store, its named quads, the triples of its default graph, and every quad of the
    generation (the next one is made from it: :func:`.disk.generation_from_previous`)."""
    served = ox.Store.read_only(str(generation))
    work = ox.Store()
    named, default, every = set(), set(), set()
    for quad in served:
        every.add(quad)
        name = quad.graph_name
        if name == _DEFAULT:
            default.add(quad.triple)
        elif name not in _MADE:
            named.add(quad)
    work.bulk_extend(named)
    work.bulk_extend(ox.Quad(*t, _DEFAULT) for t in default)
    del served
    return work, named, default, every


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


def _still_in_union(removed_from_default: set, dataset) -> list[str]:
    """Triples removed from the default graph that the union still holds after the change."""
    if not removed_from_default:
        return []
    held: dict = {}
    for q in quads_of(dataset):
        if q.triple in removed_from_default:
            held.setdefault(q.triple, q.graph_name)
    if not held:
        return []
    (s, p, o), graph = sorted(held.items(), key=str)[0]
    how = ("inferred: remove its premises (GET /explain shows them)" if graph.value.endswith("/graph/inferred")
           else f"stated in {graph}: remove it there (DELETE DATA {{ GRAPH {graph} {{ ... }} }})")
    return [f"{len(held)} triple(s) removed from the default graph are still in it (it is the union of the named "
            f"graphs), first: {s} {p} {o}, {how}"]


def _check_graphs(graphs: list[str], job: dict) -> None:
    made = sorted(set(graphs) & {str(g.value) for g in _MADE})
    if made:
        raise IngestRefused(403, f"graph <{made[0]}> is made by the reasoner and the store: no client writes it; "
                                 "change the asserted triples it follows from")
    if job.get("curate_build_graphs"):
        return
    protected = sorted(set(graphs) & set(job.get("protected") or ()))
    if protected:
        raise IngestRefused(409, f"{len(protected)} graph(s) of the build would change, first <{protected[0]}>: the "
                                 "build's graphs (data/, the ontology) are changed in their files, or by a server "
                                 "started with --curate-build-graphs")
