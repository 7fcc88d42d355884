"""The web UI: YASGUI at ``/``, a page per competency question, the entity search.

* ``/``: YASGUI (from npm, served from ``static/vendor/yasgui/``, see tools/vendor-ui.sh)
  pointed at ``/sparql``, with one tab per competency question of ``queries/*.rq``; the
  list of questions; the search box. Without the vendor files (a checkout where
  tools/vendor-ui.sh has not run), a plain query form instead.
* ``/questions/<name>``: the question (en, fr), the query and its live answer, run
  through the endpoint's runner (inspection, timeout, row cap) like any client's query; a
  query that could not run is said on the page, with its status when the server failed.
* ``/search?q=``: entities whose ``rdfs:label``, ``skos:prefLabel`` or ``skos:altLabel``
  (any language) contains every word of ``q``, ignoring case and accents.

The questions are ``queries/*.rq`` of the packaged resources (:mod:`sco_kg.pipeline.sources`), or
of the folder in the app's ``SCO_KG_QUERIES`` setting. Each ``.rq`` opens with comment lines: the question in English and in French, either
marked (``# en: ...``, ``# fr: ...``) or, unmarked, English first, then French; further
comment lines before the query are notes.

Every HTML response of the app gets ``Content-Security-Policy`` (scripts and styles from
this host only, no inline script, requests to this host only) and
``X-Content-Type-Options: nosniff`` (every response).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request

from . import conneg
from .errors import KNOWN_FAILURES, as_api_error, page_status
from .linked_data import current_index, json_term, local_href, normalise, not_found
from .query_runner import Answer, answer

bp = Blueprint("ui", __name__)

#: the policy of every HTML page (YASGUI needs no eval; CodeMirror and YASR set inline styles)
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
VENDOR = Path(__file__).resolve().parent / "static" / "vendor" / "yasgui"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_SEARCH_RESULTS = 50


@bp.after_app_request
def security_headers(resp):
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    if resp.mimetype in ("text/html", "application/xhtml+xml"):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp


# --- competency questions --------------------------------------------------------------


@dataclass
class Question:
    name: str
    path: Path
    query: str
    en: str = ""
    fr: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.en or self.fr or self.name


_MARK = re.compile(r"^(?:q(?:uestion)?\s*)?(?:[\[(](en|fr)[\])]\s*[:\-\u2013\u2014]?|(en|fr)\s*[:\-\u2013\u2014]|@(en|fr)\b)\s*",
                   re.I)


def parse_question(path: Path) -> Question:
    """The question of a ``.rq`` file from its opening comment lines (see the module doc).

    A comment line indented by two spaces or more after ``#`` continues the line before.
    """
    text = path.read_text(encoding="utf-8")
    comments: list[tuple[str, bool]] = []  # (text, continues the previous line)
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            body = stripped.lstrip("#")
            comments.append((body.strip(), body.startswith("  ") and bool(body.strip())))
        elif stripped:
            break
    q = Question(path.stem, path, text)
    entries: list[list] = []  # [lang or None, text]
    for body, continues in comments:
        if continues and entries and entries[-1][1]:
            entries[-1][1] += " " + body
            continue
        m = _MARK.match(body)
        if m:
            entries.append([(m.group(1) or m.group(2) or m.group(3)).lower(), body[m.end():].strip()])
        else:
            entries.append([None, body])
    entries = [e for e in entries if e[1]]
    if any(lang for lang, _ in entries):
        for lang, value in entries:
            if lang == "en" and not q.en:
                q.en = value
            elif lang == "fr" and not q.fr:
                q.fr = value
            else:
                q.notes.append(value)
    else:  # unmarked: English, then French, then notes
        values = [v for _, v in entries]
        q.en = values.pop(0) if values else ""
        q.fr = values.pop(0) if values else ""
        q.notes = values
    return q


def queries_dir() -> Path | None:
    configured = current_app.config.get("SCO_KG_QUERIES")
    if configured:
        return Path(configured)
    from ..core.errors import ConfigError
    from ..pipeline.sources import queries_dir as default

    try:
        return default()
    except ConfigError:  # no resources at all: no questions
        return None


def questions() -> list[Question]:
    folder = queries_dir()
    if folder is None or not folder.is_dir():
        return []
    return [parse_question(p) for p in sorted(folder.glob("*.rq")) if NAME.match(p.stem)]


# --- views -------------------------------------------------------------------------------


@bp.route("/")
def index():
    qs = questions()
    examples = {
        "endpoint": "/sparql",
        "base": current_index().base,
        "examples": [{"name": q.name, "title": q.title, "query": q.query} for q in qs],
    }
    return render_template("index.html", questions=qs, examples=examples, yasgui=(VENDOR / "yasgui.min.js").is_file(),
                           stats=dataset_stats())


def dataset_stats() -> dict:
    """Counts of the served dataset (the service description's VoID statistics) and the dumps."""
    from .app import current_kg
    from .service_description import compute_stats, dump_files

    kg = current_kg()
    stats = kg.cached("void-stats", lambda: compute_stats(kg.store))
    return {"triples": stats["union"]["triples"], "entities": stats["union"]["entities"],
            "graphs": len(stats["graphs"]), "dumps": dump_files(kg)}


@bp.route("/questions/")
def question_list():
    return render_template("questions.html", questions=questions())


@bp.route("/questions/<name>")
def question(name: str):
    folder = queries_dir()
    path = folder / f"{name}.rq" if folder is not None and NAME.match(name) else None
    if path is None or not path.is_file():
        return not_found(f"there is no competency question named {name!r}")
    q = parse_question(path)
    index = current_index()
    shown, failed, expected = None, None, None
    try:
        out = answer(q.query)
    except KNOWN_FAILURES as exc:
        failed = as_api_error(exc)
    else:
        expected = compare_expected(q, out)
        if out.kind == "results":
            shown = {"kind": "results", "vars": out.vars, "truncated": out.truncated,
                     "rows": [[json_term(r.get(v), index) for v in out.vars] for r in out.rows]}
        elif out.kind == "boolean":
            shown = {"kind": "boolean", "value": out.boolean}
        else:
            shown = {"kind": "graph", "text": out.text, "truncated": out.truncated}
    html = render_template("question.html", q=q, answer=shown, error=failed.message if failed else None,
                           expected=expected)
    if failed is None:
        return html
    return html, page_status(failed), failed.headers


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _row_key(binding: dict) -> frozenset:
    """A SPARQL JSON row, comparable: blank nodes by kind only, xsd:string as plain."""
    items = []
    for var, t in binding.items():
        kind = "literal" if t["type"] == "typed-literal" else t["type"]
        value = "" if kind == "bnode" else t["value"]
        dt = t.get("datatype", "")
        items.append((var, kind, value, t.get("xml:lang", "").lower(), "" if dt == XSD_STRING else dt))
    return frozenset(items)


def compare_expected(q: Question, out: Answer) -> tuple[str, str] | None:
    """("same"|"different"|"skipped", message) against the sibling ``.srj`` (SELECT, ASK) or
    ``.ttl`` (CONSTRUCT) of the question, as the tests compare them; None without one."""
    from collections import Counter

    srj, ttl = q.path.with_suffix(".srj"), q.path.with_suffix(".ttl")
    try:
        if out.kind in ("results", "boolean") and srj.is_file():
            expected = json.loads(srj.read_text(encoding="utf-8"))
            if out.kind == "boolean":
                same = expected.get("boolean") == out.boolean
            elif out.truncated:
                return ("skipped", "not compared: the answer was cut at the row limit")
            else:
                rows = Counter(_row_key(b) for b in expected.get("results", {}).get("bindings", []))
                same = rows == Counter(_row_key(b) for b in out.rows)
            return ("same" if same else "different", srj.name)
        if out.kind == "graph" and ttl.is_file():
            import rdflib
            from rdflib.compare import isomorphic

            if out.truncated:
                return ("skipped", "not compared: the answer was cut at the row limit")
            live = rdflib.Graph().parse(data=out.text, format="turtle")
            expected = rdflib.Graph().parse(ttl, format="turtle")
            return ("same" if isomorphic(live, expected) else "different", ttl.name)
    except (ValueError, SyntaxError, OSError) as exc:  # an unreadable expected file: say so
        return ("skipped", f"the expected result could not be read: {exc}")
    return None


@dataclass
class Hit:
    iri: str
    href: str
    label: str
    label_fr: str
    matches: list[tuple[str, str]]
    score: tuple


def search_labels(text: str, limit: int = MAX_SEARCH_RESULTS) -> list[Hit]:
    """Entities with a label containing every word of ``text`` (case- and accent-insensitive)."""
    words = normalise(text).split()
    if not words:
        return []
    index = current_index()
    hits: dict[str, Hit] = {}
    wanted = " ".join(words)
    for norm, value, lang, iri in index.search:
        if not all(w in norm for w in words):
            continue
        rank = 0 if norm == wanted else 1 if norm.startswith(wanted) else 2 if wanted in norm else 3
        hit = hits.get(iri)
        if hit is None:
            hit = hits[iri] = Hit(iri, local_href(iri, index.base), index.label(iri) or iri,
                                  index.label(iri, "fr"), [], (rank, len(norm)))
        hit.score = min(hit.score, (rank, len(norm)))
        if (value, lang) not in hit.matches:
            hit.matches.append((value, lang))
    ordered = sorted(hits.values(), key=lambda h: (h.score, not h.iri.startswith(index.base + "id/"),
                                                   h.label.casefold()))
    return ordered[:limit]


BROWSE_PER_TYPE = 200


def browse() -> list[dict]:
    """The entities of the dataset by their asserted class of the ontology (skg:), labelled."""
    from .app import current_kg
    from .linked_data import INFERRED, RDF_TYPE, SKG, compact

    kg = current_kg()
    index = current_index()
    ids = kg.base + "id/"
    groups: dict[str, set[str]] = {}
    for q in kg.store.quads_for_pattern(None, RDF_TYPE, None, None):
        if (q.subject.value.startswith(ids) and q.object.value.startswith(SKG)
                and getattr(q.graph_name, "value", "") != kg.base + INFERRED):
            groups.setdefault(q.object.value, set()).add(q.subject.value)
    out = []
    for cls, members in groups.items():
        items = sorted(((index.label(m) or compact(m), index.label(m, "fr"), local_href(m, index.base))
                        for m in members), key=lambda t: t[0].casefold())
        out.append({"class": cls, "label": index.label(cls) or compact(cls), "href": local_href(cls, index.base),
                    "count": len(items), "items": items[:BROWSE_PER_TYPE]})
    return sorted(out, key=lambda g: g["label"].casefold())


@bp.route("/search")
def search():
    """HTML, or JSON (``Accept: application/json``): ``{"q", "results": [{"iri", "href",
    "label", "label_fr", "matches": [{"value", "lang"}]}]}``."""
    text = request.args.get("q", "")[:200]
    hits = search_labels(text) if text.strip() else []
    if conneg.best_of(request.headers.get("Accept"), ("text/html", "application/json")) == "application/json":
        resp = jsonify({"q": text, "results": [
            {"iri": h.iri, "href": h.href, "label": h.label, "label_fr": h.label_fr,
             "matches": [{"value": v, "lang": lang} for v, lang in h.matches]} for h in hits]})
        resp.headers["Vary"] = "Accept"
        return resp
    groups = [] if text.strip() else browse()
    return render_template("search.html", q=text, search_q=text, hits=hits, limit=MAX_SEARCH_RESULTS,
                           groups=groups, per_type=BROWSE_PER_TYPE)
