"""pySHACL 0.40's reading of literals: which literals ``sh:datatype`` accepts, the string
``sh:pattern`` and the length components see, and how ``sh:lessThan`` compares two values.

Each test repeats pySHACL's, quirks included, so that the fast validator and the reference
report the same values (tests/test_fastshacl.py and tests/test_w3c_shacl_core.py).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from owlrl.DatatypeHandling import AltXSDToPYTHON
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ...core.errors import ConfigError

__all__ = ["string_of", "compare", "datatype_test"]

XSD_STRING, LANG_STRING = XSD.string, RDF.langString
RDFS_LITERAL, RDFS_DATATYPE = RDFS.Literal, RDFS.Datatype


def string_of(v) -> str:
    """pySHACL's string of a value node (lexical form, or the Python value of a string literal)."""
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _comparable(v):
    if isinstance(v, BNode):
        raise ConfigError("sh:lessThan cannot compare a blank node")
    if isinstance(v, URIRef):
        return str(v), True
    if isinstance(v, Literal) and isinstance(v.value, str):
        return v.value, True
    return v, False


def compare(values, others, strict: bool) -> list:
    """sh:lessThan / sh:lessThanOrEquals: the values not below every value of the other
    property (a failing value is listed once per value it is not below, as pySHACL does)."""
    others = set(others)
    out = []
    for v in set(values):
        a, a_str = _comparable(v)
        for w in others:
            b, b_str = _comparable(w)
            try:
                fails = a_str != b_str or not (a < b if strict else a <= b)
            except TypeError as exc:
                raise ConfigError(f"sh:lessThan cannot compare {v!r} with {w!r}: {exc}") from exc
            if fails:
                out.append(v)
    return out


@lru_cache(maxsize=None)
def datatype_test(dt):
    """pySHACL 0.40's sh:datatype test for ``dt``, with what depends on ``dt`` alone
    (which branch can accept, which Python value fits) decided once."""
    fits = _fits(dt)
    checks_g_type = dt in _G_TYPES
    accepts_any_literal = dt == RDFS_LITERAL
    accepts_typed = dt == RDFS_DATATYPE
    is_string, is_lang_string = dt == XSD_STRING, dt == LANG_STRING

    def ok(v) -> bool:
        if not isinstance(v, Literal):
            return False
        datatype = v.datatype
        if datatype == dt:
            if getattr(v, "ill_typed", None) is True or (checks_g_type and _ill_formed_g_type(v)):
                return False
            return fits(v)
        if accepts_any_literal:
            return True
        if accepts_typed and datatype:
            return True
        if is_string and datatype is None and v.language is None:
            return fits(v)
        if is_lang_string and v.language:
            return fits(v)
        return False

    return ok


_G_TYPES = frozenset({XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gDay, XSD.gMonthDay})


def _ill_formed_g_type(v: Literal) -> bool:
    """An xsd:gYear (and the other g types) whose lexical form is not one.

    rdflib does not check these lexical forms, so a Literal's ``ill_typed`` stays None
    unless owlrl's lexical conversions are installed in rdflib (process-wide) when the
    literal is made, which pySHACL's RDFS inference does: the reference then reports
    ``"20x1"^^xsd:gYear`` under sh:datatype. Checked here with owlrl's own conversions, so
    the verdict no longer depends on what ran earlier in the process."""
    if v.datatype not in _G_TYPES:
        return False
    try:
        AltXSDToPYTHON[v.datatype](str(v))
    except ValueError:
        return True
    return False


def _fits(dt):
    """v -> does the Python value of literal ``v`` fit ``dt`` (pySHACL's check of the value)."""
    if dt in (XSD_STRING, LANG_STRING):
        return lambda v: isinstance(v.value, (str, bytes))
    kind = _VALUE_KINDS.get(dt)
    if kind is None:
        return lambda v: True
    return lambda v: isinstance(v.value, kind)


_VALUE_KINDS = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date,
                XSD.time: time, XSD.dateTime: datetime}
