"""An independent check of proofs: each step an instance of the OWL 2 RL rule it names, each
premise asserted or proven, no proof resting on itself.

It does not import :mod:`sco_kg.pipeline.fastrl` (whose proofs it checks): the rules are
written here again from the tables of the OWL 2 RL specification (W3C, OWL 2 Web Ontology
Language Profiles, section 4.3, tables 4 to 9), as patterns over variables (``?x``), the
premises in the order of the table's ``If`` column, a list (``LIST[?x, ?c1, ..., ?cn]``)
spelt out as its ``rdf:first``/``rdf:rest`` triples right after the axiom that names it.
A module of the pipeline rather than a test helper: ``sco-kg explain`` and the pages
that show proofs are to check what they show with it.

:func:`check` returns the problems found, as sentences; none means every proof holds.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions
from rdflib import Literal
from rdflib.namespace import OWL, RDF, RDFS

__all__ = ["RULES", "LIST_RULES", "check", "step_problem"]

T, SAME = RDF.type, OWL.sameAs
SCO, EQC, SPO, EQP = RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty
DOM, RNG, INV, ONP = RDFS.domain, RDFS.range, OWL.inverseOf, OWL.onProperty
SVF, AVF, HV = OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue
MAXC, MAXQC, ONCLASS = OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.onClass
THING, NOTHING = OWL.Thing, OWL.Nothing


#: rule name -> (premise patterns, conclusion patterns (any one), condition on the binding)
RULES: dict = {
    "eq-sym": ([("?x", SAME, "?y")], [("?y", SAME, "?x")]),
    "eq-trans": ([("?x", SAME, "?y"), ("?y", SAME, "?z")], [("?x", SAME, "?z")]),
    "eq-rep-s": ([("?s", SAME, "?s2"), ("?s", "?p", "?o")], [("?s2", "?p", "?o")]),
    "eq-rep-p": ([("?p", SAME, "?p2"), ("?s", "?p", "?o")], [("?s", "?p2", "?o")]),
    "eq-rep-o": ([("?o", SAME, "?o2"), ("?s", "?p", "?o")], [("?s", "?p", "?o2")]),
    "prp-dom": ([("?p", DOM, "?c"), ("?x", "?p", "?y")], [("?x", T, "?c")]),
    "prp-rng": ([("?p", RNG, "?c"), ("?x", "?p", "?y")], [("?y", T, "?c")]),
    "prp-symp": ([("?p", T, OWL.SymmetricProperty), ("?x", "?p", "?y")], [("?y", "?p", "?x")]),
    "prp-trp": ([("?p", T, OWL.TransitiveProperty), ("?x", "?p", "?y"), ("?y", "?p", "?z")], [("?x", "?p", "?z")]),
    "prp-fp": ([("?p", T, OWL.FunctionalProperty), ("?x", "?p", "?y1"), ("?x", "?p", "?y2")], [("?y1", SAME, "?y2")]),
    "prp-ifp": (
        [("?p", T, OWL.InverseFunctionalProperty), ("?x1", "?p", "?y"), ("?x2", "?p", "?y")],
        [("?x1", SAME, "?x2")],
    ),
    "prp-spo1": ([("?p1", SPO, "?p2"), ("?x", "?p1", "?y")], [("?x", "?p2", "?y")]),
    "prp-eqp1": ([("?p1", EQP, "?p2"), ("?x", "?p1", "?y")], [("?x", "?p2", "?y")]),
    "prp-eqp2": ([("?p1", EQP, "?p2"), ("?x", "?p2", "?y")], [("?x", "?p1", "?y")]),
    "prp-inv1": ([("?p1", INV, "?p2"), ("?x", "?p1", "?y")], [("?y", "?p2", "?x")]),
    "prp-inv2": ([("?p1", INV, "?p2"), ("?x", "?p2", "?y")], [("?y", "?p1", "?x")]),
    "cls-thing": ([], [(THING, T, OWL.Class)]),
    "cls-nothing1": ([], [(NOTHING, T, OWL.Class)]),
    "cls-svf1": ([("?x", SVF, "?y"), ("?x", ONP, "?p"), ("?u", "?p", "?v"), ("?v", T, "?y")], [("?u", T, "?x")]),
    "cls-svf2": ([("?x", SVF, THING), ("?x", ONP, "?p"), ("?u", "?p", "?v")], [("?u", T, "?x")]),
    "cls-avf": ([("?x", AVF, "?y"), ("?x", ONP, "?p"), ("?u", T, "?x"), ("?u", "?p", "?v")], [("?v", T, "?y")]),
    "cls-hv1": ([("?x", HV, "?y"), ("?x", ONP, "?p"), ("?u", T, "?x")], [("?u", "?p", "?y")]),
    "cls-hv2": ([("?x", HV, "?y"), ("?x", ONP, "?p"), ("?u", "?p", "?y")], [("?u", T, "?x")]),
    "cls-maxc2": (
        [("?x", MAXC, "?n"), ("?x", ONP, "?p"), ("?u", T, "?x"), ("?u", "?p", "?y1"), ("?u", "?p", "?y2")],
        [("?y1", SAME, "?y2")],
    ),
    "cls-maxqc3": (
        [("?x", MAXQC, "?n"), ("?x", ONP, "?p"), ("?x", ONCLASS, "?c"), ("?u", T, "?x"),
         ("?u", "?p", "?y1"), ("?y1", T, "?c"), ("?u", "?p", "?y2"), ("?y2", T, "?c")],
        [("?y1", SAME, "?y2")],
    ),
    "cls-maxqc4": (
        [("?x", MAXQC, "?n"), ("?x", ONP, "?p"), ("?x", ONCLASS, THING), ("?u", T, "?x"),
         ("?u", "?p", "?y1"), ("?u", "?p", "?y2")],
        [("?y1", SAME, "?y2")],
    ),
    "cax-sco": ([("?c1", SCO, "?c2"), ("?x", T, "?c1")], [("?x", T, "?c2")]),
    "cax-eqc1": ([("?c1", EQC, "?c2"), ("?x", T, "?c1")], [("?x", T, "?c2")]),
    "cax-eqc2": ([("?c1", EQC, "?c2"), ("?x", T, "?c2")], [("?x", T, "?c1")]),
    "scm-cls": (
        [("?c", T, OWL.Class)],
        [("?c", SCO, "?c"), ("?c", EQC, "?c"), ("?c", SCO, THING), (NOTHING, SCO, "?c")],
    ),
    "scm-sco": ([("?c1", SCO, "?c2"), ("?c2", SCO, "?c3")], [("?c1", SCO, "?c3")]),
    "scm-eqc1": ([("?c1", EQC, "?c2")], [("?c1", SCO, "?c2"), ("?c2", SCO, "?c1")]),
    "scm-eqc2": ([("?c1", SCO, "?c2"), ("?c2", SCO, "?c1")], [("?c1", EQC, "?c2")]),
    "scm-op": ([("?p", T, OWL.ObjectProperty)], [("?p", SPO, "?p"), ("?p", EQP, "?p")]),
    "scm-dp": ([("?p", T, OWL.DatatypeProperty)], [("?p", SPO, "?p"), ("?p", EQP, "?p")]),
    # owlrl's extension of scm-op/scm-dp to rdf:Property (not in the OWL 2 RL tables)
    "owlrl-prop": ([("?p", T, RDF.Property)], [("?p", SPO, "?p"), ("?p", EQP, "?p")]),
    "scm-spo": ([("?p1", SPO, "?p2"), ("?p2", SPO, "?p3")], [("?p1", SPO, "?p3")]),
    "scm-eqp1": ([("?p1", EQP, "?p2")], [("?p1", SPO, "?p2"), ("?p2", SPO, "?p1")]),
    "scm-eqp2": ([("?p1", SPO, "?p2"), ("?p2", SPO, "?p1")], [("?p1", EQP, "?p2")]),
    "scm-dom1": ([("?p", DOM, "?c1"), ("?c1", SCO, "?c2")], [("?p", DOM, "?c2")]),
    "scm-dom2": ([("?p2", DOM, "?c"), ("?p1", SPO, "?p2")], [("?p1", DOM, "?c")]),
    "scm-rng1": ([("?p", RNG, "?c1"), ("?c1", SCO, "?c2")], [("?p", RNG, "?c2")]),
    "scm-rng2": ([("?p2", RNG, "?c"), ("?p1", SPO, "?p2")], [("?p1", RNG, "?c")]),
    "scm-hv": (
        [("?c1", HV, "?i"), ("?c1", ONP, "?p1"), ("?c2", HV, "?i"), ("?c2", ONP, "?p2"), ("?p1", SPO, "?p2")],
        [("?c1", SCO, "?c2")],
    ),
    "scm-svf1": (
        [("?c1", SVF, "?y1"), ("?c1", ONP, "?p"), ("?c2", SVF, "?y2"), ("?c2", ONP, "?p"), ("?y1", SCO, "?y2")],
        [("?c1", SCO, "?c2")],
    ),
    "scm-svf2": (
        [("?c1", SVF, "?y"), ("?c1", ONP, "?p1"), ("?c2", SVF, "?y"), ("?c2", ONP, "?p2"), ("?p1", SPO, "?p2")],
        [("?c1", SCO, "?c2")],
    ),
    "scm-avf1": (
        [("?c1", AVF, "?y1"), ("?c1", ONP, "?p"), ("?c2", AVF, "?y2"), ("?c2", ONP, "?p"), ("?y1", SCO, "?y2")],
        [("?c1", SCO, "?c2")],
    ),
    "scm-avf2": (
        [("?c1", AVF, "?y"), ("?c1", ONP, "?p1"), ("?c2", AVF, "?y"), ("?c2", ONP, "?p2"), ("?p1", SPO, "?p2")],
        [("?c2", SCO, "?c1")],
    ),
}

#: the rules with a list, checked by :func:`_list_rule`
LIST_RULES = frozenset({"scm-int", "scm-uni", "cls-int1", "cls-oo", "prp-spo2", "prp-key"})
_LIST_AXIOM = {
    "scm-int": OWL.intersectionOf, "cls-int1": OWL.intersectionOf, "scm-uni": OWL.unionOf,
    "cls-oo": OWL.oneOf, "prp-spo2": OWL.propertyChainAxiom, "prp-key": OWL.hasKey,
}
_CARDINALITY_ONE = {"cls-maxc2", "cls-maxqc3", "cls-maxqc4"}
# rdfs:label and the others OWL 2 RL takes as annotation properties (prp-ap)
_ANNOTATION_PROPERTIES = frozenset(
    {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.deprecated, OWL.versionInfo,
     OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith}
)


def _match(pattern: tuple, triple: tuple, binding: dict) -> dict | None:
    out = binding
    for want, got in zip(pattern, triple):
        if isinstance(want, str) and want.startswith("?"):
            bound = out.get(want)
            if bound is None:
                out = {**out, want: got}
            elif bound != got:
                return None
        elif want != got:
            return None
    return out


def _cardinality_one(term) -> bool:
    try:
        return isinstance(term, Literal) and int(term.toPython()) == 1
    except (TypeError, ValueError):
        return False


def _axiomatic(rule: str, conclusion: tuple) -> str | None:
    s, p, o = conclusion
    if rule == "prp-ap":
        ok = p == T and o == OWL.AnnotationProperty and s in _ANNOTATION_PROPERTIES
    else:  # dt-type2: a literal is in the value space of its datatype and of those above it
        dt = getattr(s, "datatype", None)
        ok = isinstance(s, Literal) and p == T and dt is not None and (o == dt or o in OWL_Datatype_Subsumptions.get(dt, ()))
    return None if ok else f"{rule} does not conclude {conclusion}"


def _spelt_list(premises: list, start: int, head) -> tuple[list, int] | None:
    """The members of the list at ``head`` spelt out from ``premises[start]``, and the index
    after its last triple; None if the triples there are not that list."""
    members, i = [], start
    while head != RDF.nil:
        if i + 1 >= len(premises):
            return None
        (a, p1, m), (b, p2, nxt) = premises[i], premises[i + 1]
        if a != head or b != head or p1 != RDF.first or p2 != RDF.rest:
            return None
        members.append(m)
        head, i = nxt, i + 2
    return members, i


def _list_rule(rule: str, conclusion: tuple, premises: list) -> str | None:
    if not premises or premises[0][1] != _LIST_AXIOM[rule]:
        return f"{rule} needs a {_LIST_AXIOM[rule].n3()} axiom first"
    c, _p, head = premises[0]
    spelt = _spelt_list(premises, 1, head)
    if spelt is None:
        return f"{rule}: the list {head} is not spelt out after its axiom"
    members, i = spelt
    rest = premises[i:]
    if rule in ("scm-int", "scm-uni", "cls-oo"):
        wanted = {
            "scm-int": [(c, SCO, m) for m in members],
            "scm-uni": [(m, SCO, c) for m in members],
            "cls-oo": [(m, T, c) for m in members],
        }[rule]
        return None if not rest and conclusion in wanted else f"{rule} does not conclude {conclusion}"
    if rule == "cls-int1":
        y = conclusion[0]
        ok = conclusion == (y, T, c) and rest == [(y, T, m) for m in members]
        return None if ok else f"cls-int1: {conclusion} is not an instance of every member"
    if rule == "prp-spo2":
        if len(rest) != len(members) or not members:
            return "prp-spo2: one triple per property of the chain is needed"
        for k, (triple, pk) in enumerate(zip(rest, members)):
            if triple[1] != pk or (k and triple[0] != rest[k - 1][2]):
                return f"prp-spo2: {triple} does not continue the chain"
        ok = conclusion == (rest[0][0], c, rest[-1][2])
        return None if ok else f"prp-spo2 does not conclude {conclusion}"
    # prp-key: (x a c), (x pi zi)..., (y a c), (y pi zi)... -> x sameAs y
    n = len(members)
    if len(rest) != 2 * (n + 1) or not members:
        return "prp-key: the instances' key values are not all there"
    x, y = rest[0][0], rest[n + 1][0]
    values = [t[2] for t in rest[1 : n + 1]]
    ok = (
        rest[0] == (x, T, c)
        and rest[n + 1] == (y, T, c)
        and rest[1 : n + 1] == [(x, k, z) for k, z in zip(members, values)]
        and rest[n + 2 :] == [(y, k, z) for k, z in zip(members, values)]
        and conclusion == (x, SAME, y)
    )
    return None if ok else f"prp-key does not conclude {conclusion}"


def step_problem(conclusion: tuple, rule: str, premises: Iterable[tuple]) -> str | None:
    """Why this step is not an instance of ``rule`` (None if it is)."""
    premises = [tuple(p) for p in premises]
    if rule in ("prp-ap", "dt-type2"):
        return _axiomatic(rule, conclusion) if not premises else f"{rule} has no premises"
    if rule in LIST_RULES:
        return _list_rule(rule, conclusion, premises)
    if rule not in RULES:
        return f"unknown rule {rule!r}"
    patterns, conclusions = RULES[rule]
    if len(premises) != len(patterns):
        return f"{rule} takes {len(patterns)} premises, not {len(premises)}"
    binding: dict | None = {}
    for pattern, premise in zip(patterns, premises):
        binding = _match(pattern, premise, binding)
        if binding is None:
            return f"{premise} does not fit {rule}'s premise {pattern}"
    if rule in _CARDINALITY_ONE and not _cardinality_one(binding["?n"]):
        return f"{rule} needs a cardinality of 1"
    if not any(_match(c, conclusion, binding) is not None for c in conclusions):
        return f"{rule} does not conclude {conclusion} from its premises"
    return None


def check(asserted, derivations: Mapping) -> list[str]:
    """Every problem of the proofs ``derivations`` (triple -> an object with ``rule`` and
    ``premises``, or a ``(rule, premises)`` pair) over the ``asserted`` triples (a set, or
    anything that answers ``in``): steps that are not instances of their rule, premises
    neither asserted nor derived, and proofs that rest on themselves."""
    problems: list[str] = []
    steps: dict = {}
    for conclusion, found in derivations.items():
        rule, premises = (found.rule, found.premises) if hasattr(found, "rule") else found
        steps[conclusion] = (rule, tuple(premises))
        why = step_problem(conclusion, rule, premises)
        if why:
            problems.append(f"{conclusion}: {why}")
        for premise in premises:
            if premise not in asserted and premise not in derivations:
                problems.append(f"{conclusion}: its premise {premise} is neither asserted nor derived")
    problems.extend(_cycles(asserted, steps))
    return problems


def _cycles(asserted, steps: dict) -> list[str]:
    """The derived triples whose proof reaches themselves again (depth first, no recursion)."""
    done: set = set()
    on_path: set = set()
    out: list[str] = []
    for root in steps:
        if root in done:
            continue
        stack = [(root, iter(steps[root][1]))]
        on_path.add(root)
        while stack:
            node, premises = stack[-1]
            for premise in premises:
                if premise in asserted or premise not in steps or premise in done:
                    continue
                if premise in on_path:
                    out.append(f"{premise}: its proof is circular (it rests on itself)")
                    continue
                on_path.add(premise)
                stack.append((premise, iter(steps[premise][1])))
                break
            else:
                stack.pop()
                on_path.discard(node)
                done.add(node)
    return out
