"""SHACL validation of the data, by the fast engine (:mod:`.fastshacl`, the default) or
pySHACL (the reference); returns a :class:`~.report.ValidationReport`, never prints.

The shapes (ontology/shapes.ttl) target the *standard* classes of PROFILE.md while the
data is written with the project's sub-classes and sub-properties, so the data graph is
validated with the ontology and its imports as pySHACL's ``ont_graph`` and an inference:

* stage ``"asserted"`` (before reasoning): the union of the data graphs, expanded by
  pySHACL's RDFS inference (``rdfs:subClassOf``/``rdfs:subPropertyOf`` through the
  ontology), enough to target ``skg:Person`` as a ``foaf:Person``;
* stage ``"closure"`` (after reasoning): the data graphs plus ``kgg:inferred``, the
  OWL RL closure, with no further inference.

SHACL-SPARQL is enabled (``advanced=True``). Warnings and infos do not make the data
non-conforming (``ValidationReport.conforms``); violations do. The report graph itself keeps
SHACL's ``sh:conforms`` (false on any result, whatever its severity), as the W3C suite expects.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import NamespaceManager

from ..core.errors import ConfigError
from ..rdf.namespaces import INFERRED_GRAPH, PROOFS_GRAPH, bind_prefixes, is_schema_graph
from ..rdf.readers import read_triples
from . import fastshacl, literal_rules, provenance_rules
from .report import ValidationReport, results_of, with_failures

STAGES = {"asserted": "rdfs", "closure": "none"}
ENGINES = ("fast", "pyshacl")  # sco_kg.pipeline.fastshacl, and pySHACL the reference
#: the one default SHACL engine, of the build, the command line, the server and this module
DEFAULT_VALIDATOR = "fast"


def load_shapes(path: Path | str) -> Graph:
    return read_triples(Path(path))


def data_union(dataset: Dataset, include_inferred: bool) -> Graph:
    """The data graphs (not the ontology and imports), with or without ``kgg:inferred``
    (``kgg:proofs`` is about the closure, not data: :mod:`.proof_check` checks it)."""
    union = Graph()
    bind_prefixes(union)
    for graph in dataset.graphs():
        ident = graph.identifier
        if is_schema_graph(ident) or ident == PROOFS_GRAPH or (ident == INFERRED_GRAPH and not include_inferred):
            continue
        for triple in graph:
            union.add(triple)
    return union


def schema_union(dataset: Dataset) -> Graph:
    union = Graph()
    for graph in dataset.graphs():
        if is_schema_graph(graph.identifier):
            for triple in graph:
                union.add(triple)
    return union


def validate(
    dataset: Dataset,
    shapes: Graph | Path | str | None,
    *,
    stage: str = "asserted",
    inference: str | None = None,
    engine: str = DEFAULT_VALIDATOR,
) -> ValidationReport:
    """Validate ``dataset`` (stage ``asserted`` or ``closure``) against ``shapes``.

    ``shapes=None`` gives a conforming report that says nothing was validated.
    ``engine``: ``"fast"`` (:mod:`sco_kg.pipeline.fastshacl`, :data:`DEFAULT_VALIDATOR`: the
    same results as pySHACL, 100x and more faster; refuses with a ConfigError the few SHACL
    features it does not implement) or ``"pyshacl"`` (the reference).
    """
    if stage not in STAGES:
        raise ConfigError(f"unknown validation stage {stage!r}")
    if engine not in ENGINES:
        raise ConfigError(f"unknown validator {engine!r} (one of: {', '.join(ENGINES)})")
    if shapes is None:
        return ValidationReport(True, [], Graph(), stage, None, dataset.namespace_manager)
    shapes_name = str(shapes) if not isinstance(shapes, Graph) else "shapes graph"
    shacl = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
    if engine == "fast":
        report_graph, data = _validate_fast(dataset, shacl, stage, inference or STAGES[stage])
        return _report(report_graph, shacl, data, dataset, stage, shapes_name)

    import pyshacl  # slow to import: only when validating

    data = data_union(dataset, include_inferred=(stage == "closure"))
    try:
        conforms, report_graph, _ = pyshacl.validate(
            data,
            shacl_graph=shacl,
            ont_graph=schema_union(dataset),
            inference=inference or STAGES[stage],
            advanced=True,
            allow_warnings=False,  # the report graph keeps SHACL's sh:conforms (any result: false)
            inplace=True,
        )
    except Exception as exc:  # pySHACL's errors about broken shapes
        raise ConfigError(f"pySHACL could not validate with {shapes_name}: {exc}") from exc
    return _report(report_graph, shacl, data, dataset, stage, shapes_name)


def _validate_fast(dataset: Dataset, shacl: Graph, stage: str, inference: str):
    """The fast engine over the same graphs as pySHACL's: data (with ``kgg:inferred`` for
    the closure stage) and the ontology with its imports, as one set of triples."""
    def triples():
        for graph in dataset.graphs():
            ident = graph.identifier
            if ident == PROOFS_GRAPH or (ident == INFERRED_GRAPH and stage != "closure"):
                continue
            yield from graph.triples((None, None, None))

    data = fastshacl.DataGraph.from_triples(triples(), inference)
    _, report_graph, _ = fastshacl.validate((), shacl, data=data)
    return report_graph, data


def _report(report_graph, shacl, data, dataset, stage, shapes_name) -> ValidationReport:
    nm = NamespaceManager(Graph(bind_namespaces="none"))
    for prefix, ns in shacl.namespaces():
        nm.bind(prefix, ns, override=False)
    bind_prefixes(nm)
    for prefix, ns in dataset.namespaces():  # the data's own prefixes (ex:...) for people
        nm.bind(prefix, ns, override=False)
    bind_prefixes(report_graph)
    results = results_of(report_graph, shacl, data, nm)
    # Ours: only violations make the data non-conforming (warnings and infos do not).
    ours = not any(r.is_violation for r in results)
    return ValidationReport(ours, results, report_graph, stage, shapes_name, nm, shapes_graph=shacl)


def validate_asserted(dataset, shapes, *, engine: str = DEFAULT_VALIDATOR, declared=()) -> ValidationReport:
    """The pipeline's first check, of the asserted data: the shapes (with RDFS inference
    through the ontology), then what SHACL cannot see in the union of the graphs: the
    provenance of the graphs each input declared (:mod:`.provenance_rules`) and literals
    that are not of their datatype (:mod:`.literal_rules`). One report."""
    report = validate(dataset, shapes, stage="asserted", engine=engine)
    if shapes is None:
        return report
    return with_failures(report, provenance_rules.check(list(declared), dataset) + literal_rules.check(dataset))
