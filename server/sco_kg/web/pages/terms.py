"""Terms as the templates show them: compact IRIs (``skg:Country``), links to this host for
IRIs under the base (``/id/russia``), labels, literals with their language or datatype.
The ``local`` and ``compact`` template filters are registered here, for every template."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint

from ...rdf.namespaces import compact  # noqa: F401 (the pages import compact from here)
from ..app import current_kg
from .label_index import Index
from .vocabulary import RDF, XSD

bp = Blueprint("terms", __name__)

#: a literal longer than this is folded on the pages
LONG_LITERAL = 280


def is_local(iri: str, base: str) -> bool:
    return iri.startswith(base)


def local_href(iri: str, base: str) -> str:
    """``https://w3id.org/sco-kg/id/russia`` -> ``/id/russia`` (percent-encoded); else the IRI."""
    if not iri.startswith(base):
        return iri
    return "/" + quote(iri[len(base):], safe="/#:@!$&'()*+,;=-._~")


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


def term(t, index: Index) -> Term:
    """A pyoxigraph term as the templates show it."""
    if isinstance(t, ox.NamedNode):
        return Term("iri", t.value, href=local_href(t.value, index.base), label=index.label(t.value),
                    local=is_local(t.value, index.base))
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype else ""
        if t.language or dt in (XSD + "string", RDF + "langString"):
            dt = ""
        return Term("literal", t.value, lang=t.language or "", datatype=compact(dt) if dt else "",
                    long=len(t.value) > LONG_LITERAL)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", "_:" + t.value)
    return Term("literal", str(t))


def json_term(binding: dict | None, index: Index) -> Term | None:
    """A term of SPARQL JSON results as the templates show it."""
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
