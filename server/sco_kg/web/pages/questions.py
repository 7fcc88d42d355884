"""The competency questions: ``/questions/`` lists them, ``/questions/<name>`` shows one: the
question (en, fr), the query and its live answer, run through the endpoint's runner
(inspection, timeout, row cap) like any client's query, and compared with the expected
answer beside it.

The questions are ``queries/*.rq`` of the packaged resources (:mod:`sco_kg.pipeline.sources`),
or of the folder in the app's ``SCO_KG_QUERIES`` setting. Each ``.rq`` opens with comment
lines: the question in English and in French, either marked (``# en: ...``, ``# fr: ...``)
or, unmarked, English first, then French; further comment lines before the query are notes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from flask import Blueprint, current_app, render_template
from rdflib.compare import isomorphic

from ...core.errors import ConfigError
from ...pipeline.sources import queries_dir as packaged_queries_dir
from ..errors import KNOWN_FAILURES, as_api_error, page_status
from ..query_runner import Answer, answer
from .documents import not_found
from .label_index import current_index
from .terms import json_term

bp = Blueprint("questions", __name__)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
    try:
        return packaged_queries_dir()
    except ConfigError:  # no resources at all: no questions
        return None


def questions() -> list[Question]:
    folder = queries_dir()
    if folder is None or not folder.is_dir():
        return []
    return [parse_question(p) for p in sorted(folder.glob("*.rq")) if NAME.match(p.stem)]


@bp.route("/questions/")
def question_list():
    return render_template("questions.html", questions=questions())


@bp.route("/questions/<name>")
def question(name: str):
    """The question's page; a query that could not run is said on the page, with the
    failure's status when the server failed (:func:`..errors.page_status`)."""
    folder = queries_dir()
    path = folder / f"{name}.rq" if folder is not None and NAME.match(name) else None
    if path is None or not path.is_file():
        return not_found(f"there is no competency question named {name!r}")
    q = parse_question(path)
    shown, failed, expected = None, None, None
    try:
        out = answer(q.query)
    except KNOWN_FAILURES as exc:
        failed = as_api_error(exc)
    else:
        expected = compare_expected(q, out)
        shown = _shown(out)
    html = render_template("question.html", q=q, answer=shown, error=failed.message if failed else None,
                           expected=expected)
    if failed is None:
        return html
    return html, page_status(failed), failed.headers


def _shown(out: Answer) -> dict:
    """An answer as question.html shows it."""
    if out.kind == "results":
        index = current_index()
        return {"kind": "results", "vars": out.vars, "truncated": out.truncated,
                "rows": [[json_term(r.get(v), index) for v in out.vars] for r in out.rows]}
    if out.kind == "boolean":
        return {"kind": "boolean", "value": out.boolean}
    return {"kind": "graph", "text": out.text, "truncated": out.truncated}


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
            if out.truncated:
                return ("skipped", "not compared: the answer was cut at the row limit")
            live = rdflib.Graph().parse(data=out.text, format="turtle")
            expected = rdflib.Graph().parse(ttl, format="turtle")
            return ("same" if isomorphic(live, expected) else "different", ttl.name)
    except (ValueError, SyntaxError, OSError) as exc:  # an unreadable expected file: say so
        return ("skipped", f"the expected result could not be read: {exc}")
    return None
