"""The one way a query reaches the engine from a request: the endpoint (``/sparql``) and the
pages (a competency question, the membership timeline) call :func:`run_query`.

The steps, in order: the size limit (413), the inspection of :mod:`.limits` (SERVICE, updates,
nesting, operators; FROM only with graphs of this dataset unless the protocol names the
dataset), the formats of the answer (chosen by the caller once the query's form is known),
then a worker of the executor under the timeout, the answer cut at the row cap. Failures
rise as they are (QueryRefused, QueryError, QueryTimeout, WorkersBusy, WorkerCrashed,
EngineError, BackendFailed): :data:`.errors.FAILURES` says how each one answers, for
every route.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from .app import current_kg
from .errors import ApiError
from .executor import Reply
from .limits import check_dataset_clause, inspect_query

#: query form (SELECT, ASK, CONSTRUCT, DESCRIBE or None) -> (results format key, graph format key)
FormatChooser = Callable[[str | None], tuple[str, str]]


def json_and_turtle(form: str | None) -> tuple[str, str]:
    """The formats the pages read: SPARQL JSON results, Turtle graphs."""
    return "json", "turtle"


def run_query(query: str, *, formats: FormatChooser = json_and_turtle, base_iri: str | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              max_rows: int | None = None) -> Reply:
    """Inspect ``query``, run it in a worker under the timeout, cut it at ``max_rows`` (the
    ``max_rows`` setting when None). ``default_graphs``/``named_graphs``, when either is
    given, are the protocol's dataset: they replace the dataset and any FROM of the query."""
    kg = current_kg()
    settings = kg.settings
    if len(query.encode("utf-8")) > settings["max_request_bytes"]:
        raise ApiError(413, f"the query is larger than the limit of {settings['max_request_bytes']} bytes")
    info = inspect_query(query, base_iri=base_iri, max_depth=settings["max_depth"],
                         max_operators=settings["max_operators"])
    protocol_dataset = default_graphs is not None or named_graphs is not None
    if info.has_dataset_clause and not protocol_dataset:
        check_dataset_clause(info, kg.graphs)
    results_format, graph_format = formats(info.form)
    job = {
        "op": "query", "query": query, "base_iri": base_iri,
        "default_graph": (default_graphs or []) if protocol_dataset else None,
        "named_graphs": (named_graphs or []) if protocol_dataset else None,
        "has_from": info.has_dataset_clause,
        "results_format": results_format, "graph_format": graph_format,
        "max_rows": settings["max_rows"] if max_rows is None else max_rows,
    }
    return kg.executor.query(job, settings["timeout"])


# --- answers the pages read ---------------------------------------------------------------


@dataclass
class Answer:
    """A reply in JSON and Turtle (:func:`json_and_turtle`), decoded: ``kind`` "results"
    (``vars``, ``rows`` of SPARQL JSON terms), "boolean" (``boolean``) or "graph" (``text``)."""

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool = False
    text: str = ""
    truncated: bool = False


def answer(query: str, *, max_rows: int | None = None) -> Answer:
    """:func:`run_query` for a page, its reply decoded."""
    reply = run_query(query, max_rows=max_rows)
    if reply.kind == "graph":
        return Answer("graph", text=reply.body.decode("utf-8"), truncated=reply.truncated)
    data = json.loads(reply.body)
    if "boolean" in data:
        return Answer("boolean", boolean=bool(data["boolean"]))
    return Answer("results", vars=data["head"]["vars"], rows=data["results"]["bindings"], truncated=reply.truncated)


def select(query: str) -> list[dict]:
    """The rows of a SELECT of the app's own, as {var: SPARQL JSON term}."""
    out = answer(query)
    if out.kind != "results":
        raise TypeError(f"not a SELECT query: its answer is a {out.kind}")
    return out.rows
