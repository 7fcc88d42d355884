"""What a validation finds: one :class:`Result` per failing value, shaped like a
``sh:ValidationResult`` of pySHACL's report, and the pieces every check uses to make one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Literal, URIRef

from ...rdf.namespaces import SH

__all__ = ["Result", "NO_VALUE", "Tagged", "generic_messages", "component_iri"]

NO_VALUE = object()  # a result without sh:value


@dataclass(frozen=True)
class Result:
    focus: object
    path: object  # the path node (of the shapes graph), or a predicate a SPARQL row gave, or None
    value: object  # None: no sh:value
    component: URIRef
    shape: object
    severity: URIRef
    messages: tuple


class Tagged:
    """A failing value that reports a component (or path) other than its check's."""

    __slots__ = ("value", "component", "path")

    def __init__(self, value, component, path=None) -> None:
        self.value, self.component, self.path = value, component, path


@lru_cache(maxsize=None)
def generic_messages(component) -> tuple:
    """pySHACL's message for a result whose shape gives none: ``"<Component> failed"``."""
    name = str(component).rsplit("#", 1)[-1]
    return (Literal(f"{name} failed"),)


@lru_cache(maxsize=None)
def component_iri(name: str) -> URIRef:
    return SH[name]
