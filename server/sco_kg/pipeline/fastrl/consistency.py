"""Consistency: the OWL 2 RL rules whose conclusion is ``false``, checked once on the final
closure. Each finding is an :class:`Inconsistency`: the rule, owlrl's own words for it (so
that both engines give the same messages), the axiom it breaks and the triples of the
closure that clash with it, so that a refusal can name them and prove each one
(:mod:`sco_kg.pipeline.refusal_proofs`).

cax-dw, cax-adc, cls-nothing2, cls-com, cls-maxc1, cls-maxqc1/2, prp-irp, prp-asyp, prp-pdw,
prp-adp, prp-npa1/2, eq-diff1-3 and dt-not-type. The store holds one name per sameAs class:
a message is repeated for every name, as owlrl, which materialises them all, writes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from owlrl.DatatypeHandling import AltXSDToPYTHON
from rdflib import Literal

from . import vocab as V
from .schema import int_value
from .vocab import OWL, RDF

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine

__all__ = ["Inconsistency", "errors", "inconsistencies"]

Triple = tuple  # (s, p, o) of rdflib terms


@dataclass(frozen=True)
class Inconsistency:
    """One contradiction of the closure.

    ``rule`` is the OWL 2 RL rule whose conclusion is false (``cax-dw``); ``message`` its
    words, owlrl's; ``axiom`` the triples of the ontology the rule reads (``skg:Stance
    owl:disjointWith schema:Event``; none for cls-nothing2, eq-diff1 and dt-not-type, whose
    axiom is OWL's own); ``clash`` the triples of the closure that together break it (the
    individual's two types), each asserted or inferred (none for dt-not-type: the literal
    is the whole clash)."""

    rule: str
    message: str
    axiom: tuple[Triple, ...] = ()
    clash: tuple[Triple, ...] = ()


def errors(eng: Engine) -> list[str]:
    """The inconsistencies of the closure, in owlrl's words."""
    return [found.message for found in inconsistencies(eng)]


def inconsistencies(eng: Engine) -> list[Inconsistency]:
    """The inconsistencies of the closure, one per distinct message, in the order found."""
    i, P, T, terms = eng.intern, eng.P, eng.T, eng.terms
    members = eng.uf.classes()

    def all_of(x):
        return members.get(x, (x,))

    def pairs(term):
        return P.get(i(term), ())

    def lst(head):
        return eng.rdf_list(head)

    eng.SO.pop(eng.FIRST, None)
    eng.SO.pop(eng.REST, None)
    out: dict[str, Inconsistency] = {}
    # lists as asserted: the store holds representatives only, owlrl reads the names given
    first0 = {s: o for s, o in eng.input_P.get(eng.FIRST, ())}
    rest0 = {s: o for s, o in eng.input_P.get(eng.REST, ())}

    def asserted_list(head):
        if head not in first0:
            return lst(head)
        items, seen = [], set()
        while head in first0 and head not in seen:
            seen.add(head)
            items.append(first0[head])
            head = rest0.get(head, eng.NIL)
        return items

    c = eng.c

    def t(s, p, o) -> Triple:
        """A triple of ids (or rdflib terms for the predicate) in rdflib terms."""
        return (terms[s], p if not isinstance(p, int) else terms[p], terms[o])

    def err(rule, msg, axiom=(), clash=()):
        if msg not in out:
            out[msg] = Inconsistency(rule, msg, tuple(axiom), tuple(clash))

    # cls-nothing2
    for x in sorted(T.get(eng.NOTHING, ())):
        for m in all_of(x):
            err("cls-nothing2", "%s is defined of type 'Nothing'" % terms[m], (),
                (t(m, RDF.type, eng.NOTHING),))
    # cax-dw
    for c1, c2 in pairs(OWL.disjointWith):
        for x in T.get(c1, set()) & T.get(c2, set()):
            for m1 in all_of(c1):  # owlrl names every pair of names of the two classes
                for m2 in all_of(c2):
                    for m in all_of(x):
                        err("cax-dw",
                            "Disjoint classes %s and %s have a common individual %s" % (terms[m1], terms[m2], terms[m]),
                            (t(m1, OWL.disjointWith, m2),), (t(m, RDF.type, m1), t(m, RDF.type, m2)))
    # cax-adc
    adc = i(OWL.AllDisjointClasses)
    for x in T.get(adc, ()):
        for _x, y in [(s, o) for s, o in pairs(OWL.members) if s == x]:
            classes = asserted_list(y)
            for k, cl1 in enumerate(classes):
                for cl2 in classes[k + 1 :]:
                    for z in T.get(c(cl1), set()) & T.get(c(cl2), set()):
                        for m in all_of(z):
                            err("cax-adc",
                                "Disjoint classes %s and %s have a common individual %s"
                                % (terms[cl1], terms[cl2], terms[m]),
                                (t(x, RDF.type, adc), t(x, OWL.members, y)), (t(m, RDF.type, cl1), t(m, RDF.type, cl2)))
    # cls-com
    for c1, c2 in pairs(OWL.complementOf):
        for x in T.get(c1, set()) & T.get(c2, set()):
            for m1 in all_of(c1):
                for m2 in all_of(c2):
                    for m in all_of(x):
                        err("cls-com",
                            "Violation of complementarity for classes %s and %s on element %s"
                            % (terms[m1], terms[m2], terms[m]),
                            (t(m1, OWL.complementOf, m2),), (t(m, RDF.type, m1), t(m, RDF.type, m2)))
    # cls-maxc1, cls-maxqc1/2
    onp = defaultdict(set)
    for r, pr in pairs(OWL.onProperty):
        onp[r].add(pr)
    on_class = defaultdict(set)
    for r, cc in pairs(OWL.onClass):
        on_class[r].add(cc)
    for r, n in pairs(OWL.maxCardinality):
        if int_value(terms[n]) == 0:
            tr = T.get(r, ())
            for pr in onp.get(r, ()):
                for u, y in P.get(pr, ()):
                    if u in tr:
                        for ym in all_of(y):
                            err("cls-maxc1",
                                "Erroneous usage of maximum cardinality with %s and %s" % (terms[r], terms[ym]),
                                (t(r, OWL.maxCardinality, n), t(r, OWL.onProperty, pr)),
                                (t(u, RDF.type, r), t(u, pr, ym)))
    for r, n in pairs(OWL.maxQualifiedCardinality):
        if int_value(terms[n]) == 0:
            tr = T.get(r, ())
            for pr in onp.get(r, ()):
                for cc in on_class.get(r, ()):
                    tcc = T.get(cc, ())
                    for u, y in P.get(pr, ()):
                        if u in tr and (cc == eng.THING or y in tcc):
                            for ym in all_of(y):
                                thing = cc == eng.THING
                                err("cls-maxqc2" if thing else "cls-maxqc1",
                                    "Erroneous usage of maximum qualified cardinality with %s, %s and %s"
                                    % (terms[r], terms[cc], terms[ym]),
                                    (t(r, OWL.maxQualifiedCardinality, n), t(r, OWL.onProperty, pr),
                                     t(r, OWL.onClass, cc)),
                                    (t(u, RDF.type, r), t(u, pr, ym), *(() if thing else (t(ym, RDF.type, cc),))))
    # prp-irp, prp-asyp
    irreflexive = i(OWL.IrreflexiveProperty)
    for pr in T.get(irreflexive, ()):
        for x, y in P.get(pr, ()):
            if x == y:
                for m in all_of(x):
                    err("prp-irp", "Irreflexive property used on %s with %s" % (terms[m], terms[pr]),
                        (t(pr, RDF.type, irreflexive),), (t(m, pr, m),))
    asymmetric = i(OWL.AsymmetricProperty)
    for pr in T.get(asymmetric, ()):
        pairs_p = P.get(pr, set())
        for x, y in pairs_p:
            if (y, x) in pairs_p:
                for xm in all_of(x):
                    for ym in all_of(y):
                        err("prp-asyp",
                            "Erroneous usage of asymmetric property %s on %s and %s" % (terms[pr], terms[xm], terms[ym]),
                            (t(pr, RDF.type, asymmetric),), (t(xm, pr, ym), t(ym, pr, xm)))

    # prp-pdw, prp-adp
    def disjoint_props(rule, p1, p2, axiom, fmt):
        common = P.get(p1, set()) & P.get(p2, set())
        for x, y in common:
            for xm in all_of(x):
                for ym in all_of(y):
                    err(rule, fmt(xm, ym), axiom, (t(xm, p1, ym), t(xm, p2, ym)))

    for p1, p2 in pairs(OWL.propertyDisjointWith):
        disjoint_props(
            "prp-pdw", p1, p2, (t(p1, OWL.propertyDisjointWith, p2),),
            lambda x, y, p1=p1, p2=p2: "Erroneous usage of disjoint properties %s and %s on %s and %s"
            % (terms[p1], terms[p2], terms[x], terms[y]),
        )
    adp = i(OWL.AllDisjointProperties)
    for x in T.get(adp, ()):
        for _x, y in [(s, o) for s, o in pairs(OWL.members) if s == x]:
            props = asserted_list(y)
            for k, pi in enumerate(props):
                for pj in props[k + 1 :]:
                    disjoint_props(
                        "prp-adp", c(pi), c(pj), (t(x, RDF.type, adp), t(x, OWL.members, y)),
                        lambda a, b, pi=pi, pj=pj: "Disjoint properties in an 'AllDisjointProperties' are not "
                        "really disjoint: (%s, %s,%s) and (%s,%s,%s)"
                        % (terms[a], terms[pi], terms[b], terms[a], terms[pj], terms[b]),
                    )
    # prp-npa1/2
    ap = defaultdict(set)
    for x, pr in pairs(OWL.assertionProperty):
        ap[x].add(pr)
    tgt = defaultdict(set)
    for x, v in pairs(OWL.targetIndividual):
        tgt[x].add(("object", v))
    for x, v in pairs(OWL.targetValue):
        tgt[x].add(("datatype", v))
    for x, i1 in pairs(OWL.sourceIndividual):
        for pr in ap.get(x, ()):
            for kind, i2 in tgt.get(x, ()):
                if (i1, i2) in P.get(pr, ()):
                    target = OWL.targetIndividual if kind == "object" else OWL.targetValue
                    err("prp-npa1" if kind == "object" else "prp-npa2",
                        "Negative (%s) property assertion violated for: (%s, %s, %s)"
                        % (kind, terms[i1], terms[pr], terms[i2]),
                        (t(x, OWL.sourceIndividual, i1), t(x, OWL.assertionProperty, pr), t(x, target, i2)),
                        (t(i1, pr, i2),))
    # eq-diff1
    for x, y in pairs(OWL.differentFrom):
        if x == y:  # canonical: the same individual; owlrl names every pair of its class
            for a in all_of(x):
                for b in all_of(x):
                    clash = (t(a, OWL.differentFrom, b),) if a == b else (t(a, OWL.sameAs, b), t(a, OWL.differentFrom, b))
                    err("eq-diff1",
                        "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: (%s, %s)"
                        % (terms[a], terms[b]), (), clash)
    # eq-diff2/3
    all_different = i(OWL.AllDifferent)
    for x in T.get(all_different, ()):
        for kind in (OWL.members, OWL.distinctMembers):
            for _x, y in [(s, o) for s, o in pairs(kind) if s == x]:
                zs = asserted_list(y)
                for k, zi in enumerate(zs):
                    for zj in zs[k + 1 :]:
                        if c(zi) == c(zj) and zi != zj:
                            err("eq-diff2" if kind == OWL.members else "eq-diff3",
                                "'sameAs' and 'AllDifferent' cannot be used on the same subject-object "
                                "pair: (%s, %s)" % (terms[zi], terms[zj]),
                                (t(x, RDF.type, all_different), t(x, kind, y)), (t(zi, OWL.sameAs, zj),))
    # dt-not-type
    for term in terms:
        if isinstance(term, Literal) and term.datatype in V.OWL_RL_DATATYPES:
            conv = AltXSDToPYTHON.get(term.datatype)
            if conv is not None:
                try:
                    conv(str(term))
                except ValueError:
                    err("dt-not-type",
                        "Lexical value of the literal '%s' does not match its datatype (%s)" % (term, term.datatype))
    return list(out.values())
