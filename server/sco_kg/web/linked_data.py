"""Linked data: every IRI under the base (``https://w3id.org/sco-kg/`` by default) is
served at the same path on this host.

* ``/id/<slug>`` (an entity, a thing rather than a document): ``303 See Other`` to a
  document about it, chosen by Accept: ``/id/<slug>.html`` for browsers, ``.ttl``,
  ``.jsonld``, ``.nt``, ``.rdf`` (and ``.trig``, ``.nq``, which keep the named graphs)
  for RDF clients. The documents themselves are plain URLs with one media type each.
* ``/ontology`` and ``/graph/<name>`` (documents already: the ontology's terms are hash
  IRIs, a named graph is a document): ``200`` by content negotiation with
  ``Content-Location`` naming the document in the format chosen (``/ontology.ttl``...)
  and ``Vary: Accept``.
* HTML pages: labels in fr and en, types, every property in and out as links, and for
  each fact the sentence of the article it comes from, quoted (the graph holding the
  triple is ``prov:wasDerivedFrom`` a span whose ``oa:TextQuoteSelector`` gives
  ``oa:exact``); editorial and inferred facts say so. ``/ontology`` documents every class
  and property of the ontology graph. The SCO's page shows the membership timeline.

The pages read the store directly by triple pattern (the app's own, bounded lookups);
the SPARQL queries of the pages (the timeline, the competency questions) go through the
endpoint's runner (:func:`.query_runner.run_query`), with its inspection, timeout and row
cap; a failure is said on the page, with its status when the server failed
(:func:`.errors.page_status`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request

from ..rdf import formats
from ..rdf.namespaces import PREFIXES
from ..store.memory import source_quads
from . import conneg, queries
from .app import current_kg
from .errors import KNOWN_FAILURES, ApiError, as_api_error, page_status
from .query_runner import select

bp = Blueprint("linked_data", __name__)

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
OA = PREFIXES["oa"]
SKG = PREFIXES["skg"]

RDF_TYPE = ox.NamedNode(RDF + "type")
INFERRED = "graph/inferred"  # under the base
RDFS_LABEL = RDFS + "label"
RDFS_COMMENT = RDFS + "comment"
SKOS_PREF = SKOS + "prefLabel"
SKOS_ALT = SKOS + "altLabel"
LABEL_PROPERTIES = {RDFS_LABEL: "label", SKOS_PREF: "pref", SKOS_ALT: "alt"}

#: document extension -> media type (HTML) or a graph format key of the conneg registry
EXTENSIONS: dict[str, str] = {"html": "text/html",
                              **{formats.BY_KEY[f.key].extension: f.key for f in conneg.GRAPH_FORMATS}}
EXTENSION_OF = {v: k for k, v in EXTENSIONS.items()}
QUAD_FORMATS = ("trig", "nquads")  # documents with their graph names (JSON-LD ones hold the triples)
LONG_LITERAL = 280
#: statements shown per direction on a page, and served per direction in an RDF document
#: (a role with a million memberships must not make a page of a million rows); beyond it,
#: the page says so, and the RDF document carries a comment and the header below
MAX_HTML_STATEMENTS = 1000
MAX_RDF_STATEMENTS = 20000
TRUNCATED_HEADER = "SCO-KG-Truncated"


# --- terms as the templates see them ------------------------------------------------


def is_local(iri: str, base: str) -> bool:
    return iri.startswith(base)


def local_href(iri: str, base: str) -> str:
    """``https://w3id.org/sco-kg/id/russia`` -> ``/id/russia`` (percent-encoded); else the IRI."""
    if not iri.startswith(base):
        return iri
    return "/" + quote(iri[len(base):], safe="/#:@!$&'()*+,;=-._~")


def compact(iri: str) -> str:
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


@dataclass
class Term:
    kind: str  # "iri", "literal", "bnode"
    value: str
    href: str = ""
    label: str = ""
    lang: str = ""
    datatype: str = ""
    local: bool = False
    long: bool = False

    @property
    def compact(self) -> str:
        return compact(self.value) if self.kind == "iri" else self.value


@bp.app_template_filter("local")
def _local_filter(iri: str) -> str:
    return local_href(iri, current_kg().base)


@bp.app_template_filter("compact")
def _compact_filter(iri: str) -> str:
    return compact(iri)


# --- the app-wide indexes: labels, provenance of each graph -------------------------


@dataclass
class Source:
    """Where the triples of one named graph come from."""

    graph: str
    kind: str  # "sentence", "editorial", "inferred", "ontology", "data", "default"
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
        elif g.value == kgg + "ontology" or g.value.startswith(kgg + "imports/"):
            index.sources[g.value] = Source(g.value, "ontology")
    return index


def current_index() -> Index:
    kg = current_kg()
    return kg.cached("linked-data-index", lambda: build_index(kg.store, kg.base))


def term(t, index: Index) -> Term:
    if isinstance(t, ox.NamedNode):
        return Term("iri", t.value, href=local_href(t.value, index.base), label=index.label(t.value),
                    local=is_local(t.value, index.base))
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype else ""
        if t.language or dt in (PREFIXES["xsd"] + "string", RDF + "langString"):
            dt = ""
        return Term("literal", t.value, lang=t.language or "", datatype=compact(dt) if dt else "",
                    long=len(t.value) > LONG_LITERAL)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", "_:" + t.value)
    return Term("literal", str(t))


# --- terms of SPARQL JSON results ------------------------------------------------------


def json_term(binding: dict | None, index: Index) -> Term | None:
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return term(ox.NamedNode(value), index)
    if kind == "bnode":
        return Term("bnode", "_:" + value)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang", "")
        dt = binding.get("datatype", "")
        return Term("literal", value, lang=lang, datatype=compact(dt) if dt and not lang else "",
                    long=len(value) > LONG_LITERAL)
    return Term("literal", json.dumps(value))


# --- the membership timeline -----------------------------------------------------------

TIMELINE_QUERY = queries.load("timeline")
ACCESSION_QUERY = queries.load("accessions")

TIMELINE_MAX_ROWS = 100  # members drawn; the others are counted under the picture


def _year(binding) -> int | None:
    if not binding:
        return None
    m = re.match(r"-?\d{4}", binding["value"])
    return int(m.group(0)) if m else None


@dataclass
class Bar:
    role: str
    role_label: str
    begin: int | None
    end: int | None
    x: float = 0
    width: float = 0
    title: str = ""
    css: str = ""


@dataclass
class Marker:
    year: int
    href: str
    title: str
    x: float = 0


@dataclass
class Row:
    iri: str
    label: str
    href: str
    bars: list[Bar]
    y: float = 0
    markers: list[Marker] = field(default_factory=list)


def timeline(org_iri: str, index: Index) -> dict | None:
    """The SVG geometry of ``org_iri``'s memberships (None when it has none)."""
    memberships = queries.bind(TIMELINE_QUERY, org=org_iri)
    accessions = queries.bind(ACCESSION_QUERY, org=org_iri)
    rows_by_member: dict[str, Row] = {}
    founded = None
    seen = set()
    for b in select(memberships):
        founded = founded or _year(b.get("founded"))
        key = b["membership"]["value"]
        if key in seen:
            continue
        seen.add(key)
        member = b["member"]["value"]
        label = b.get("memberLabel", {}).get("value") or index.label(member) or compact(member)
        row = rows_by_member.setdefault(member, Row(member, label, local_href(member, index.base), []))
        role = b["role"]["value"]
        role_label = b.get("roleLabel", {}).get("value") or index.label(role) or compact(role)
        row.bars.append(Bar(role, role_label, _year(b.get("begin")), _year(b.get("end"))))
    if not rows_by_member:
        return None
    for b in select(accessions):  # accessions accepted: a mark on the row
        row, year = rows_by_member.get(b["candidate"]["value"]), _year(b.get("date"))
        if row is not None and year is not None and all(m.year != year for m in row.markers):
            event = b["event"]["value"]
            row.markers.append(Marker(year, local_href(event, index.base),
                                      f"{row.label}: accession accepted in {year} ({index.label(event) or compact(event)})"))
    years = {y for r in rows_by_member.values() for bar in r.bars for y in (bar.begin, bar.end) if y}
    years |= {m.year for r in rows_by_member.values() for m in r.markers}
    if founded:
        years.add(founded)
    first = min(years) if years else 2000
    last = max(years) + 3 if years else first + 10
    left, width, row_h, top = 170, 560, 24, 30
    span = max(1, last - first)

    def x(year):
        return left + (year - first) * width / span

    def order(row: Row):
        begins = [b.begin for b in row.bars if b.begin]
        return (min(begins) if begins else 9999, row.label.casefold())

    rows = sorted(rows_by_member.values(), key=order)
    hidden = max(0, len(rows) - TIMELINE_MAX_ROWS)
    rows = rows[:TIMELINE_MAX_ROWS]
    for i, row in enumerate(rows):
        row.y = top + i * row_h
        row.bars.sort(key=lambda bar: (bar.begin or first - 1, bar.end or 9999))
        for bar in row.bars:
            x0 = x(bar.begin) if bar.begin else left
            x1 = x(bar.end) if bar.end else left + width
            bar.x, bar.width = x0, max(2.0, x1 - x0)
            kind = "member" if normalise(bar.role_label) == "member" else (
                "observer" if normalise(bar.role_label) == "observer" else "other")
            bar.css = f"bar-{kind}" + ("" if bar.begin else " bar-open-start")
            since = str(bar.begin) if bar.begin else "a date the source does not give"
            until = f" until {bar.end}" if bar.end else ""
            bar.title = f"{row.label}: {bar.role_label} from {since}{until}"
        for m in row.markers:
            m.x = x(m.year)
    ticks = [y for y in range(first, last + 1) if y in years or (y - first) % 4 == 0]
    return {
        "rows": rows, "left": left, "width": width, "top": top, "row_h": row_h,
        "height": top + len(rows) * row_h + 46, "total_width": left + width + 20,
        "ticks": [(y, x(y)) for y in ticks], "founded": founded,
        "founded_x": x(founded) if founded else None, "first": first, "last": last,
        "hidden": hidden,
        "query": memberships.strip() + "\n\n" + accessions.strip(),
    }


# --- describing one resource -----------------------------------------------------------


@dataclass
class Fact:
    predicate: Term
    value: Term
    sources: list[Source]

    @property
    def inferred_only(self) -> bool:
        return all(s.kind == "inferred" for s in self.sources)


def _facts(quads, index: Index, outgoing: bool) -> list[Fact]:
    grouped: dict[tuple, list[Source]] = {}
    terms: dict[tuple, tuple] = {}
    for q in quads:
        other = q.object if outgoing else q.subject
        key = (q.predicate.value, str(other))
        grouped.setdefault(key, [])
        src = index.source(q.graph_name)
        if src not in grouped[key]:
            grouped[key].append(src)
        terms[key] = (q.predicate, other)
    order = {"sentence": 0, "editorial": 1, "data": 2, "default": 2, "ontology": 3, "inferred": 4}
    facts = []
    for key, sources in grouped.items():
        p, other = terms[key]
        sources.sort(key=lambda s: (order.get(s.kind, 9), s.start, s.graph))
        facts.append(Fact(term(p, index), term(other, index), sources))

    def sort_key(f: Fact):
        p = f.predicate.value
        rank = 0 if p == RDF_TYPE.value else 1 if p in LABEL_PROPERTIES else 2
        return (rank, f.predicate.label or f.predicate.compact, f.value.label or f.value.value)

    facts.sort(key=sort_key)
    return facts


def describe(node: ox.NamedNode) -> dict:
    kg = current_kg()
    index = current_index()
    cap = MAX_HTML_STATEMENTS
    out_quads = list(islice(source_quads(kg.store, node, None, None, None), cap + 1))
    in_quads = list(islice(source_quads(kg.store, None, None, node, None), cap + 1))
    truncated = len(out_quads) > cap or len(in_quads) > cap
    out_quads, in_quads = out_quads[:cap], in_quads[:cap]
    out_facts = _facts(out_quads, index, True)
    in_facts = _facts(in_quads, index, False)
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
        "truncated": cap if truncated else 0,
    }


def article_text(node: ox.NamedNode, index: Index) -> list[dict] | None:
    """The ``schema:text`` of an article cut into its sentences' spans: [{"text", "graph",
    "anchor"}], each span linked to the graph of facts it states; None if ``node`` has no text."""
    store = current_kg().store
    text = next((q.object for q in source_quads(store, node, ox.NamedNode(PREFIXES["schema"] + "text"), None, None)
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


def exists(node: ox.NamedNode) -> bool:
    store = current_kg().store
    for pattern in ((node, None, None, None), (None, None, node, None), (None, node, None, None)):
        for _ in store.quads_for_pattern(*pattern):
            return True
    return node.value in current_kg().graphs


# --- responses -----------------------------------------------------------------------------


def wants_html() -> bool:
    best = conneg.best_of(request.headers.get("Accept"), ("application/json", "text/html", "text/plain"))
    return best == "text/html"


def not_found(what: str):
    """404: an HTML page for browsers, the one error shape for others."""
    if wants_html():
        return render_template("not_found.html", message=what), 404
    raise ApiError(404, what)


def choose(extra_html: bool = True) -> str:
    """The extension of the document to answer with, by Accept (406 when nothing fits)."""
    override = request.args.get("format")
    try:
        fmt = conneg.negotiate(request.headers.get("Accept"), "graph", override,
                               extra=("text/html", "application/xhtml+xml") if extra_html else ())
    except conneg.NotAcceptable as exc:
        raise ApiError(406, str(exc) + ", text/html", available=exc.offered + ["text/html"]) from None
    except conneg.UnknownFormat as exc:
        raise ApiError(400, str(exc)) from None
    if isinstance(fmt, str):
        return "html"
    return EXTENSION_OF[fmt.key]


def rdf_response(quads, ext: str, truncated: int = 0) -> Response:
    """``quads`` in the syntax of ``ext`` (triple syntaxes: the distinct triples)."""
    fmt = conneg.BY_KEY[EXTENSIONS[ext]]
    quads = list(dict.fromkeys(quads))
    if fmt.key in QUAD_FORMATS:
        items = quads
    else:
        items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    body = conneg.serialize_graph(fmt, items, bool(truncated), truncated)
    resp = Response(body, content_type=fmt.content_type)
    if truncated:
        resp.headers[TRUNCATED_HEADER] = f"true; max-statements={truncated}"
    return resp


def capped(pattern, cap: int) -> tuple[list, bool]:
    items = list(islice(pattern, cap + 1))
    return items[:cap], len(items) > cap


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(href, media type, name) of each document about the resource at ``path``."""
    names = {"html": "HTML", "ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML",
             "trig": "TriG", "nq": "N-Quads"}
    out = []
    for ext, target in EXTENSIONS.items():
        mt = target if ext == "html" else conneg.BY_KEY[target].media_type
        out.append((f"{path}.{ext}", mt, names[ext]))
    return out


def _link_header(path: str) -> str:
    return ", ".join(f'<{href}>; rel="alternate"; type="{mt}"' for href, mt, _ in alternates(path))


def _split_ext(rest: str) -> tuple[str, str | None]:
    stem, dot, ext = rest.rpartition(".")
    if dot and ext in EXTENSIONS and stem:
        return stem, ext
    return rest, None


#: characters an IRI cannot hold: a path with one names nothing here (404, not an engine error)
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f\ufffd]|%(?![0-9A-Fa-f]{2})')


def _iri_or_none(iri: str) -> ox.NamedNode | None:
    """The node named ``iri``, or None when a request path cannot be an IRI (a 404, not a 500)."""
    if _NOT_IN_IRI.search(iri):
        return None
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


@bp.route("/id/<path:rest>")
def entity(rest: str):
    kg = current_kg()
    if _iri_or_none(kg.base + "id/" + rest) is None:
        return not_found(f"not an IRI of this dataset: {kg.base}id/{rest}")
    node = ox.NamedNode(kg.base + "id/" + rest)
    if exists(node):
        ext = choose()
        path = local_href(node.value, kg.base)
        resp = redirect(f"{path}.{ext}", code=303)
        resp.headers["Vary"] = "Accept"
        resp.headers["Link"] = _link_header(path)
        return resp
    stem, ext = _split_ext(rest)
    if ext:
        node = ox.NamedNode(kg.base + "id/" + stem)
        if exists(node):
            return entity_document(node, ext)
    return not_found(f"nothing is known about {kg.base}id/{rest}")


def entity_document(node: ox.NamedNode, ext: str):
    kg = current_kg()
    path = local_href(node.value, kg.base)
    if ext == "html":
        data = describe(node)
        org_timeline, failed = None, None
        if any(f.predicate.value == PREFIXES["org"] + "organization" for f in data["in_asserted"]):
            try:
                org_timeline = timeline(node.value, current_index())
            except KNOWN_FAILURES as exc:
                failed = as_api_error(exc)
        resp = Response(render_template("resource.html", r=data, path=path, alternates=alternates(path),
                                        timeline=org_timeline, timeline_error=failed.message if failed else None,
                                        article=article_text(node, current_index())),
                        status=page_status(failed) if failed else 200, headers=failed.headers if failed else None)
    else:
        store = kg.store
        out, cut_out = capped(source_quads(store, node, None, None, None), MAX_RDF_STATEMENTS)
        into, cut_in = capped(source_quads(store, None, None, node, None), MAX_RDF_STATEMENTS)
        resp = rdf_response(out + into, ext, MAX_RDF_STATEMENTS if cut_out or cut_in else 0)
    resp.headers["Link"] = _link_header(path)
    return resp


# --- the ontology ------------------------------------------------------------------------

KIND_OF = {
    OWL + "Class": "class", RDFS + "Class": "class",
    OWL + "ObjectProperty": "property", OWL + "DatatypeProperty": "property",
    OWL + "AnnotationProperty": "property", RDF + "Property": "property",
}
PROPERTY_TRAITS = ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty",
                   "AsymmetricProperty", "ReflexiveProperty", "IrreflexiveProperty")


def _class_expression(store, node, graph, index: Index, depth: int = 0):
    """A term, or for a blank node an OWL expression: ("union"|"intersection", [terms])."""
    if isinstance(node, ox.NamedNode) or depth > 4:
        return term(node, index)
    for op in ("unionOf", "intersectionOf"):
        for q in source_quads(store, node, ox.NamedNode(OWL + op), None, graph):
            items, cur, guard = [], q.object, 0
            while isinstance(cur, (ox.BlankNode, ox.NamedNode)) and cur.value != RDF + "nil" and guard < 50:
                guard += 1
                first = next(iter(source_quads(store, cur, ox.NamedNode(RDF + "first"), None, graph)), None)
                rest = next(iter(source_quads(store, cur, ox.NamedNode(RDF + "rest"), None, graph)), None)
                if first is None:
                    break
                items.append(_class_expression(store, first.object, graph, index, depth + 1))
                cur = rest.object if rest else None
            return {"op": "or" if op == "unionOf" else "and", "items": items}
    return term(node, index)


def ontology_terms(index: Index) -> dict:
    kg = current_kg()
    store = kg.store
    graph = ox.NamedNode(kg.base + "graph/ontology")
    onto = ox.NamedNode(kg.base + "ontology")

    def values(s, p):
        return [q.object for q in source_quads(store, s, ox.NamedNode(p), None, graph)]

    def texts(s, p):
        return sorted(((o.value, o.language or "") for o in values(s, p) if isinstance(o, ox.Literal)),
                      key=lambda t: (t[1] != "en", t[1] != "fr", t[1], t[0]))

    entries: dict[str, dict] = {}
    for q in source_quads(store, None, RDF_TYPE, None, graph):
        kind = KIND_OF.get(q.object.value) if isinstance(q.object, ox.NamedNode) else None
        if not kind or not isinstance(q.subject, ox.NamedNode):
            continue
        s = q.subject
        e = entries.setdefault(s.value, {"iri": s.value, "kind": kind, "types": []})
        e["types"].append(compact(q.object.value))
    for iri, e in entries.items():
        s = ox.NamedNode(iri)
        e["compact"] = compact(iri)
        e["anchor"] = iri.rpartition("#")[2] if iri.startswith(SKG) else compact(iri).replace(":", "-")
        e["local"] = iri.startswith(SKG)
        e["labels"] = texts(s, RDFS_LABEL) + texts(s, SKOS_PREF)
        e["comments"] = texts(s, RDFS_COMMENT) + texts(s, SKOS + "definition")
        rel = {}
        props = ([("subclass of", RDFS + "subClassOf"), ("equivalent to", OWL + "equivalentClass"),
                  ("disjoint with", OWL + "disjointWith")] if e["kind"] == "class" else
                 [("sub-property of", RDFS + "subPropertyOf"), ("inverse of", OWL + "inverseOf"),
                  ("equivalent to", OWL + "equivalentProperty"), ("domain", RDFS + "domain"),
                  ("range", RDFS + "range")])
        for name, p in props:
            vals = [_class_expression(store, o, graph, index) for o in values(s, p)]
            if e["kind"] == "property" and p == OWL + "inverseOf":
                vals += [term(q.subject, index) for q in source_quads(store, None, ox.NamedNode(p), s, graph)]
            if vals:
                rel[name] = vals
        if e["kind"] == "class":
            subs = [term(q.subject, index) for q in source_quads(store, None, ox.NamedNode(RDFS + "subClassOf"), s, graph)
                    if isinstance(q.subject, ox.NamedNode)]
        else:
            subs = [term(q.subject, index) for q in source_quads(store, None, ox.NamedNode(RDFS + "subPropertyOf"), s, graph)
                    if isinstance(q.subject, ox.NamedNode)]
        if subs:
            rel["narrower: " + ("subclasses" if e["kind"] == "class" else "sub-properties")] = sorted(
                subs, key=lambda t: t.compact)
        e["relations"] = rel
        e["traits"] = [t.rpartition("#")[2] for t in (o.value for o in values(s, RDF_TYPE.value))
                       if t.rpartition("#")[2] in PROPERTY_TRAITS]
        e["types"] = sorted(set(e["types"]))
    ordered = sorted(entries.values(), key=lambda e: (not e["local"], e["compact"].casefold()))
    header = {
        "iri": onto.value,
        "labels": texts(onto, RDFS_LABEL) + texts(onto, PREFIXES["dcterms"] + "title"),
        "comments": texts(onto, RDFS_COMMENT) + texts(onto, PREFIXES["dcterms"] + "description"),
        "version": [v for v, _ in texts(onto, OWL + "versionInfo")],
        "license": [term(o, index) for o in values(onto, PREFIXES["dcterms"] + "license")],
        "imports": [term(o, index) for o in values(onto, OWL + "imports")],
    }
    return {
        "header": header,
        "classes": [e for e in ordered if e["kind"] == "class"],
        "properties": [e for e in ordered if e["kind"] == "property"],
    }


def graph_rdf(graph_iri: str, ext: str) -> Response:
    """A whole named graph in RDF, serialised by a query worker (as the Graph Store does)."""
    kg = current_kg()
    fmt = conneg.BY_KEY[EXTENSIONS[ext]]
    reply = kg.executor.query({"op": "graph", "graph": graph_iri, "graph_format": fmt.key},
                              kg.settings["timeout"])  # failures: errors.FAILURES
    return Response(reply.body, content_type=fmt.content_type)


def _negotiated_document(path: str, ext: str | None, html, graph_iri: str):
    """A document by conneg (``ext`` None) with Content-Location, or in the format of ``ext``."""
    negotiated = ext is None
    if negotiated:
        ext = choose()
    if ext == "html":
        resp = Response(html())
    else:
        resp = graph_rdf(graph_iri, ext)
    if negotiated:
        resp.headers["Content-Location"] = f"{path}.{ext}"
        resp.headers["Vary"] = "Accept"
    resp.headers["Link"] = _link_header(path)
    return resp


def _ontology_page(kg) -> dict:
    index = current_index()  # (kg.cached holds a lock: never call it from inside another)
    return kg.cached("ontology-page", lambda: ontology_terms(index))


@bp.route("/ontology")
@bp.route("/ontology.<ext>")
def ontology(ext: str | None = None):
    if ext is not None and ext not in EXTENSIONS:
        abort(404)
    kg = current_kg()
    graph = kg.base + "graph/ontology"
    if graph not in kg.graphs:
        return not_found("this dataset has no ontology graph")
    return _negotiated_document(
        "/ontology", ext,
        lambda: render_template("ontology.html", o=_ontology_page(kg), alternates=alternates("/ontology")),
        graph)


# --- named graphs ------------------------------------------------------------------------


@bp.route("/graph/<path:rest>")
def named_graph(rest: str):
    kg = current_kg()
    if _iri_or_none(kg.base + "graph/" + rest) is None:
        return not_found(f"not an IRI of this dataset: {kg.base}graph/{rest}")
    graphs = kg.graphs
    stem, ext = rest, None
    node = ox.NamedNode(kg.base + "graph/" + rest)
    if node.value not in graphs:
        stem, ext = _split_ext(rest)
        node = ox.NamedNode(kg.base + "graph/" + stem)
        if ext is None or node.value not in graphs:
            return not_found(f"this dataset has no graph {kg.base}graph/{rest}")
    path = local_href(node.value, kg.base)

    def html():
        index = current_index()
        quads, _ = capped(source_quads(kg.store, None, None, None, node), MAX_HTML_STATEMENTS)
        triples = [(term(q.subject, index), term(q.predicate, index), term(q.object, index)) for q in quads]
        triples.sort(key=lambda t: (t[0].value, t[1].value, t[2].value))
        count = sum(1 for _ in source_quads(kg.store, None, None, None, node))
        return render_template("graph.html", g=describe(node), triples=triples, count=count,
                               source=index.source(node), path=path, alternates=alternates(path))

    return _negotiated_document(path, ext, html, node.value)
