"""Literals that are not of their datatype: ``"2024-13-45"^^xsd:date``, ``"abc"^^xsd:integer``.

Why a check of its own. SHACL's ``sh:datatype`` catches an ill-typed literal only where a
shape asks for that datatype on that path; elsewhere the literal passed validation, and
then either the OWL RL reasoner stopped the build as inconsistent (rule dt-not-type) or
rdflib printed a traceback for each. Three doors gave three verdicts. Here every asserted
literal with a datatype of XML Schema is checked, once, before reasoning, and each
ill-typed one is a Violation naming its subject, its property, the literal and its datatype.

What "ill-typed" means: rdflib could not map the lexical form to a value of the datatype
(``Literal.ill_typed``: xsd:date, xsd:dateTime, xsd:integer and its sub-types, xsd:decimal,
xsd:boolean, xsd:double...), or, for the Gregorian types that rdflib does not check
(xsd:gYear, xsd:gYearMonth...), owlrl's conversions refuse it, as the reasoner and the fast
SHACL engine do.
"""

from __future__ import annotations

import logging

from owlrl.DatatypeHandling import AltXSDToPYTHON
from rdflib import Literal
from rdflib.namespace import XSD

from ..rdf.namespaces import is_schema_graph
from .report import SKGSH, WELL_TYPED, Failure

#: the sh:sourceShape of the results of this module
LITERAL_WELL_TYPED = SKGSH["Literal-wellTyped"]
_XSD = str(XSD)
_GREGORIAN = {XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gMonthDay, XSD.gDay}


def quiet_conversions() -> None:
    """rdflib logs a warning with a traceback for each ill-typed literal it makes: the
    report names them instead (:func:`check`), so those warnings are not printed."""
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)


def ill_typed(literal: Literal) -> bool:
    """Whether ``literal``'s lexical form is not one of its (XML Schema) datatype."""
    datatype = literal.datatype
    if datatype is None or not str(datatype).startswith(_XSD):
        return False
    if literal.ill_typed:
        return True
    if datatype in _GREGORIAN:
        try:
            AltXSDToPYTHON[datatype](str(literal))
        except ValueError:
            return True
    return False


def check(dataset) -> list[Failure]:
    """One Violation per ill-typed literal of the data graphs (not the ontology's)."""
    failures = []
    seen = set()
    for graph in dataset.graphs():
        if is_schema_graph(graph.identifier):
            continue
        for s, p, o in graph.triples((None, None, None)):
            if type(o) is Literal and o.datatype is not None and (s, p, o) not in seen and ill_typed(o):
                seen.add((s, p, o))
                failures.append(Failure(
                    s, p, LITERAL_WELL_TYPED,
                    f"the literal {_quoted(o)}^^{_short_datatype(o.datatype)} is not a valid "
                    f"{_short_datatype(o.datatype)}: its lexical form is not one of the datatype's",
                    WELL_TYPED, value=o))
    return sorted(failures, key=lambda f: (str(f.focus), str(f.path), str(f.value)))


def _quoted(literal: Literal) -> str:
    text = Literal(str(literal)[:120]).n3()  # quoted and escaped as in Turtle
    return text if len(str(literal)) <= 120 else text[:-1] + '..."'


def _short_datatype(datatype) -> str:
    text = str(datatype)
    return "xsd:" + text[len(_XSD):] if text.startswith(_XSD) else f"<{text}>"
