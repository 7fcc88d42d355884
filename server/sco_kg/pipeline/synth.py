"""Synthetic data in the shape of the project's graph, for benchmarks and scale tests.

:func:`generate` returns an ``rdflib.Dataset``; :func:`write` streams the same quads
as TriG or N-Quads without building a Dataset (1M triples in a few seconds). Both are
deterministic: the same ``(triples, seed)`` gives the same bytes.

The data has the layout of data/: a vocabulary graph (``kgg:vocabulary``: the roles
``kg:role-member``/``kg:role-observer`` and a topics scheme) and, per generated article
``kga:<id>``, one graph per sentence (``kgg:<id>/sNN``), a labels graph
(``kgg:<id>/labels``) and a provenance graph (``kgg:<id>/provenance``) holding the
article with its ``schema:text`` (there is no article.txt beside a single file) and, for
every sentence graph, a span with a position selector and a quote selector that match
the text exactly (0-based code points, end exclusive). Quotations are verbatim substrings
of their sentence and ``prov:wasDerivedFrom`` its span, as the real data's are. Facts use
the skg: terms as the real data does: meetings chaired and attended, held at places
nested by ``skg:locatedIn``; declarations adopted at events and
signed; quotations and reported statements; memberships with roles and intervals (an
observer status ending where the full membership begins); posts in ministries or
countries; accessions; founding of organisations; proposals about exercises.

``same_as`` (0 by default: no ``owl:sameAs`` at all, the same bytes as without it) is the
share of the entities (countries, organisations, persons, places) that also go by a second
IRI (``<entity>-aka``): the sentence that types the entity states ``owl:sameAs`` between
the two, and each later mention of it in a fact or a label names either IRI (even odds), as
data merged from two sources would. That makes the eq-rep-* rules of OWL 2 RL fire on
every triple about those entities (benchmarks/run.py measures reasoning with proofs on
it). Its draws come from a random stream of their own: the rest of the data is the same.

The CLI command is :data:`synth_command` (``sco-kg synth --triples N --seed S --out FILE``).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from ..rdf.namespaces import KG, KGA, KGG, OA, ORG, SCHEMA, SKG, VOCABULARY_GRAPH, bind_prefixes

__all__ = ["generate", "quads", "write", "synth_command"]

Quad = tuple  # (s, p, o, g)

# Words to build names and sentences from (French first, English second).
_SYLLABLES = ["ka", "ro", "mi", "ta", "se", "lu", "na", "vo", "ri", "de", "zan", "gor", "bel", "tur", "ash", "kir"]
_ORG_KINDS = [
    ("Organisation de coopération", "Cooperation Organisation"),
    ("Alliance de sécurité", "Security Alliance"),
    ("Communauté économique", "Economic Community"),
    ("Conseil régional", "Regional Council"),
]
_TOPICS = [
    ("terrorisme", "terrorism"),
    ("extrémisme", "extremism"),
    ("coopération militaire", "military cooperation"),
    ("sécurité de l'information", "information security"),
    ("coopération économique", "economic cooperation"),
    ("contrôle des armements", "arms control"),
    ("lutte contre le trafic de drogue", "fight against drug trafficking"),
    ("sécurité énergétique", "energy security"),
    ("santé publique", "public health"),
    ("transports", "transport"),
    ("mémoire historique", "historical memory"),
    ("coopération bilatérale", "bilateral cooperation"),
]
_VERBS = ["a souligné", "a déclaré", "a rappelé", "a affirmé", "a estimé"]
_QUOTES = [
    "Notre coopération se renforce d'année en année",
    "Cette rencontre ouvre une nouvelle étape de nos relations",
    "La sécurité de la région est notre priorité commune",
    "Nous devons agir ensemble face aux menaces",
    "Les résultats de cette réunion serviront de base solide",
    "Nous sommes fiers du chemin parcouru ensemble",
]


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


@dataclass
class _World:
    """Entities already introduced (by earlier articles), to refer back to."""

    rng: random.Random
    countries: list = field(default_factory=list)  # (iri, fr, en)
    orgs: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    places: list = field(default_factory=list)
    ministries: dict = field(default_factory=dict)  # country iri -> ministry iri
    topics: list = field(default_factory=list)  # (iri, fr, en)
    founded: set = field(default_factory=set)  # organisations whose founding was stated
    memberships: set = field(default_factory=set)  # (country, organisation) pairs stated
    names: set = field(default_factory=set)

    def unique_name(self, parts: int) -> str:
        """A new name: entity IRIs derive from names (PROFILE.md), so no two entities share one."""
        tries = 0
        while True:
            name = _name(self.rng, parts + tries // 8)  # longer names once short ones run out
            if _slug(name) not in self.names:
                self.names.add(_slug(name))
                return name
            tries += 1


class _Article:
    """Builds one article: sentences (text + graph), labels and provenance."""

    def __init__(self, world: _World, article_id: str):
        self.w = world
        self.id = article_id
        self.base = KGA[article_id]
        self.sentences: list[tuple[str, list]] = []  # (text, triples)
        self.labels: list = []

    def label(self, iri, fr: str, en: str) -> None:
        self.labels.append((iri, RDFS.label, Literal(fr, lang="fr")))
        self.labels.append((iri, RDFS.label, Literal(en, lang="en")))

    # -- entities: new ones are typed in the sentence that names them first -------------
    def country(self, triples) -> tuple:
        w = self.w
        if w.countries and w.rng.random() < 0.85:
            return w.rng.choice(w.countries)
        return self._new_country(triples)

    def _new_country(self, triples) -> tuple:
        w = self.w
        name = w.unique_name(3)
        iri = KG[_slug(name)]
        entry = (iri, name, name)
        w.countries.append(entry)
        triples.append((iri, RDF.type, SKG.Country))
        self.label(iri, name, name)
        return entry

    def org(self, triples) -> tuple:
        w = self.w
        if w.orgs and w.rng.random() < 0.8:
            return w.rng.choice(w.orgs)
        name = w.unique_name(2)
        kind_fr, kind_en = w.rng.choice(_ORG_KINDS)
        iri = KG[_slug(name)]
        fr, en = f"{kind_fr} de {name}", f"{name} {kind_en}"
        entry = (iri, fr, en)
        w.orgs.append(entry)
        triples.append((iri, RDF.type, SKG.IntergovernmentalOrganisation))
        self.label(iri, fr, en)
        acronym = "".join(x[0] for x in fr.split() if x[0].isupper()) + name[:2].upper()
        self.labels.append((iri, SKOS.altLabel, Literal(acronym, lang="fr")))
        return entry

    def person(self, triples) -> tuple:
        w = self.w
        if w.persons and w.rng.random() < 0.7:
            return w.rng.choice(w.persons)
        name = f"{_name(w.rng, 2)} {w.unique_name(3)}"
        iri = KG[_slug(name)]
        entry = (iri, name, name)
        w.persons.append(entry)
        triples.append((iri, RDF.type, SKG.Person))
        self.label(iri, name, name)
        return entry

    def place(self, triples) -> tuple:
        w = self.w
        if w.places and w.rng.random() < 0.6:
            return w.rng.choice(w.places)
        name = w.unique_name(2)
        iri = KG[_slug(name)]
        entry = (iri, name, name)
        triples.append((iri, RDF.type, SKG.Place))
        if w.places and w.rng.random() < 0.7:  # nested: a chain of skg:locatedIn
            triples.append((iri, SKG.locatedIn, w.rng.choice(w.places)[0]))
        w.places.append(entry)
        self.label(iri, name, name)
        return entry

    def topic(self) -> tuple:
        return self.w.rng.choice(self.w.topics)

    def date(self) -> tuple[Literal, str]:
        rng = self.w.rng
        year = rng.randint(1996, 2024)
        kind = rng.random()
        if kind < 0.5:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            return Literal(f"{year}-{month:02d}-{day:02d}", datatype=XSD.date), f"le {day}/{month:02d}/{year}"
        if kind < 0.8:
            month = rng.randint(1, 12)
            return Literal(f"{year}-{month:02d}", datatype=XSD.gYearMonth), f"en {month:02d}/{year}"
        return Literal(str(year), datatype=XSD.gYear), f"en {year}"

    # -- sentences ----------------------------------------------------------------------
    def sentence(self, text: str, triples: list) -> None:
        self.sentences.append((text, triples))

    def span(self, n: int) -> URIRef:
        """The span of sentence ``n`` (1-based): what graph ``sNN`` and its quotations derive from."""
        return URIRef(f"{self.base}/span/s{n:02d}")

    def meeting(self) -> URIRef:
        w, t = self.w, []
        event = KG[f"event-meeting-{self.id}"]
        orgs = {self.org(t) for _ in range(w.rng.randint(1, 3))}
        chair = self.person(t)
        place = self.place(t)
        date, said = self.date()
        topics = {self.topic() for _ in range(w.rng.randint(1, 3))}
        t.append((event, RDF.type, SKG.Meeting))
        for o in sorted(orgs):
            t.append((event, SKG.participant, o[0]))
        t += [
            (event, SKG.chairedBy, chair[0]),
            (event, SKG.heldAt, place[0]),
            (event, SKG.date, date),
        ]
        for tp in sorted(topics):
            t.append((event, SKG.topic, tp[0]))
        names = ", ".join(o[1] for o in sorted(orgs))
        self.label(event, f"réunion de {names} à {place[1]}", f"meeting of {', '.join(o[2] for o in sorted(orgs))} in {place[2]}")
        self.sentence(
            f"Les représentants de {names} se sont réunis {said} à {place[1]}, sous la présidence de {chair[1]}, "
            f"pour parler de {', '.join(tp[1] for tp in sorted(topics))}.",
            t,
        )
        self.chair = chair
        return event

    def quotation(self, event, n: int) -> None:
        w, t = self.w, []
        words = w.rng.choice(_QUOTES) + f" ({n})"
        q = KG[f"quotation-{self.id}-{n}"]
        t += [
            (q, RDF.type, SKG.Quotation),
            (q, SKG.speaker, self.chair[0]),
            (q, SKG.saidAt, event),
            (q, PROV.wasDerivedFrom, self.span(len(self.sentences) + 1)),  # the sentence added below
            (q, SCHEMA.text, Literal(words, lang="fr")),
        ]
        self.label(q, f"citation de {self.chair[1]} ({n})", f"quotation of {self.chair[2]} ({n})")
        self.sentence(f"« {words} », {w.rng.choice(_VERBS)} {self.chair[1]}.", t)

    def statement(self, event) -> None:
        w, t = self.w, []
        st = KG[f"statement-{self.id}-{len(self.sentences) + 1}"]
        tp = self.topic()
        t += [
            (st, RDF.type, SKG.ReportedStatement),
            (st, DCTERMS.type, KG["document-kind-statement"]),
            (st, SKG.speaker, self.chair[0]),
            (st, SKG.saidAt, event),
            (st, SKG.topic, tp[0]),
            (st, SCHEMA.description, Literal(f"l'importance de {tp[1]}", lang="fr")),
        ]
        self.label(st, f"{self.chair[1]} sur {tp[1]}", f"{self.chair[2]} on {tp[2]}")
        self.sentence(f"{self.chair[1]} a souligné l'importance de {tp[1]}.", t)

    def declaration(self, event) -> None:
        w, t = self.w, []
        d = KG[f"declaration-{self.id}-{len(self.sentences) + 1}"]
        signers = {self.org(t) for _ in range(w.rng.randint(1, 3))}
        tp = self.topic()
        t += [(d, RDF.type, SKG.Declaration), (d, DCTERMS.type, KG["document-kind-declaration"]),
              (d, SKG.adoptedAt, event), (d, SKG.topic, tp[0])]
        verb = SKG.signatory if w.rng.random() < 0.5 else SKG.issuedBy
        for s in sorted(signers):
            t.append((d, verb, s[0]))
        self.label(d, f"déclaration sur {tp[1]}", f"declaration on {tp[2]}")
        self.sentence(
            f"{', '.join(s[1] for s in sorted(signers))} ont adopté une déclaration commune sur {tp[1]}.", t
        )

    def membership(self) -> None:
        """An observer status, then full membership from the year the observer status ends."""
        w, t = self.w, []
        org = self.org(t)
        for _ in range(5):  # one observer-then-member history per country and organisation
            country = self.country(t)
            if (country[0], org[0]) not in w.memberships:
                break
        else:
            country = self._new_country(t)
        w.memberships.add((country[0], org[0]))
        start = w.rng.randint(1996, 2015)
        join = start + w.rng.randint(1, 8)
        pair = f"{country[0][len(KG):]}-{org[0][len(KG):]}"
        obs, mem = KG[f"membership-{pair}-observer"], KG[f"membership-{pair}-member"]
        obs_during, mem_during = KG[f"membership-{pair}-observer-during"], KG[f"membership-{pair}-member-during"]
        i_start, i_join = KG[f"instant-{start}"], KG[f"instant-{join}"]
        for m, role, during in ((obs, KG["role-observer"], obs_during), (mem, KG["role-member"], mem_during)):
            t += [
                (m, RDF.type, SKG.Membership),
                (m, ORG.member, country[0]),
                (m, ORG.organization, org[0]),
                (m, ORG.role, role),
                (m, ORG.memberDuring, during),
            ]
        t += [
            (obs_during, TIME.hasBeginning, i_start),
            (obs_during, TIME.hasEnd, i_join),
            (mem_during, TIME.hasBeginning, i_join),
            (i_start, TIME.inXSDgYear, Literal(str(start), datatype=XSD.gYear)),
            (i_join, TIME.inXSDgYear, Literal(str(join), datatype=XSD.gYear)),
        ]
        self.sentence(
            f"{country[1]} est observateur auprès de {org[1]} depuis {start} et en est devenu membre en {join}.", t
        )

    def post(self) -> None:
        w, t = self.w, []
        country = self.country(t)
        person = self.person(t)
        ministry = w.ministries.get(country[0])
        if ministry is None:
            ministry = KG[f"{country[0][len(KG):]}-ministry-of-defence"]
            w.ministries[country[0]] = ministry
            t += [(ministry, RDF.type, SKG.Ministry), (ministry, SKG.ministryOf, country[0])]
            self.label(ministry, f"ministère de la Défense de {country[1]}", f"Ministry of Defence of {country[2]}")
        minister = w.rng.random() < 0.5
        kind = "minister-of-defence" if minister else "ambassador"
        post = KG[f"post-{country[0][len(KG):]}-{kind}-{person[0][len(KG):]}"]
        if minister:
            t += [(post, RDF.type, SKG.MinisterPost), (post, ORG.postIn, ministry)]
        else:
            t += [(post, RDF.type, SKG.AmbassadorPost), (post, ORG.postIn, country[0])]
            if w.orgs:
                t.append((post, SKG.accreditedTo, w.rng.choice(w.orgs)[0]))
        t.append((post, ORG.heldBy, person[0]))
        self.label(post, f"poste de {person[1]}", f"post of {person[2]}")
        self.sentence(f"{person[1]} représente {country[1]} dans ses fonctions officielles.", t)

    def accession(self) -> None:
        w, t = self.w, []
        cand, org, sup = self.country(t), self.org(t), self.country(t)
        date, said = self.date()
        a = KG[f"event-accession-{self.id}-{len(self.sentences) + 1}"]
        # the accession happened; the support is a stance (skg:SupportForAccession), not an event
        stance = KG[f"support-{self.id}-{len(self.sentences) + 1}"]
        t += [
            (a, RDF.type, SKG.Accession),
            (a, SKG.candidate, cand[0]),
            (a, SKG.accedingTo, org[0]),
            (a, SKG.date, date),
            (stance, RDF.type, SKG.SupportForAccession),
            (stance, SKG.holder, sup[0]),
            (stance, SKG.candidate, cand[0]),
            (stance, SKG.accedingTo, org[0]),
        ]
        self.label(a, f"adhésion de {cand[1]} à {org[1]}", f"accession of {cand[2]} to {org[2]}")
        self.sentence(f"{sup[1]} a soutenu l'adhésion de {cand[1]} à {org[1]}, acceptée {said}.", t)

    def founding(self) -> None:
        w, t = self.w, []
        org = self.org(t)
        if org[0] in w.founded:  # at most one founding date per organisation
            if t:
                self.sentence(f"{org[1]} a été mentionnée.", t)
            return
        w.founded.add(org[0])
        founders = {self.country(t) for _ in range(w.rng.randint(2, 4))}
        year = w.rng.randint(1950, 2010)
        purpose = f"assurer la {w.rng.choice(_TOPICS)[0]} dans la région"
        t.append((org[0], SKG.foundedIn, Literal(str(year), datatype=XSD.gYear)))
        for f in sorted(founders):
            t.append((org[0], SKG.foundedBy, f[0]))
        t.append((org[0], SKG.purpose, Literal(purpose, lang="fr")))
        if w.orgs and w.rng.random() < 0.3:
            other = w.rng.choice(w.orgs)
            if other[0] != org[0]:
                t.append((org[0], SKG.counterbalances, other[0]))
        self.sentence(
            f"{org[1]} a été créée en {year} par {', '.join(f[1] for f in sorted(founders))} dans le but d'{purpose}.", t
        )

    def proposal(self, event) -> None:
        w, t = self.w, []
        n = len(self.sentences) + 1
        ex, p = KG[f"event-exercise-{self.id}-{n}"], KG[f"proposal-{self.id}-{n}"]
        date, said = self.date()
        tp = self.topic()
        t += [
            (ex, RDF.type, SKG.MilitaryExercise),
            (ex, SKG.date, date),
            (p, RDF.type, SKG.Proposal),
            (p, DCTERMS.type, KG["document-kind-proposal"]),
            (p, SKG.proposedAt, event),
            (p, SKG.topic, tp[0]),
            (p, SKG.concernsEvent, ex),
        ]
        self.label(ex, f"exercice conjoint {said}", f"joint exercise of {date}")
        self.label(p, f"proposition sur {tp[1]}", f"proposal on {tp[2]}")
        self.sentence(f"Il a été proposé de mener {said} un exercice conjoint sur {tp[1]}.", t)

    # -- the article --------------------------------------------------------------------
    def build(self) -> None:
        rng = self.w.rng
        event = self.meeting()
        plan = ["quotation", "statement", "declaration", "membership", "post", "accession", "founding", "proposal"]
        for n in range(rng.randint(4, 8)):
            kind = rng.choice(plan)
            if kind == "quotation":
                self.quotation(event, n + 1)
            elif kind in ("statement", "declaration", "proposal"):
                getattr(self, kind)(event)
            else:
                getattr(self, kind)()

    def quads(self) -> Iterator[Quad]:
        texts = [text for text, _ in self.sentences]
        full = " ".join(texts)
        prov = KGG[f"{self.id}/provenance"]
        labels = KGG[f"{self.id}/labels"]
        art = self.base
        offset = 0
        spans = []
        for n, (text, triples) in enumerate(self.sentences, 1):
            g = KGG[f"{self.id}/s{n:02d}"]
            for s, p, o in triples:
                yield s, p, o, g
            start, end = offset, offset + len(text)
            assert full[start:end] == text
            spans.append((g, n, start, end, text))
            offset = end + 1
        seen = set()
        for s, p, o in self.labels:
            if (s, p, o) not in seen:
                seen.add((s, p, o))
                yield s, p, o, labels
        yield art, RDF.type, SCHEMA.NewsArticle, prov
        yield art, SCHEMA.inLanguage, Literal("fr"), prov
        yield art, SCHEMA.identifier, Literal(self.id), prov
        yield art, SCHEMA.text, Literal(full), prov
        for g, comment in ((labels, "Names and their translations, generated."), (prov, "The article and where the words of each of its graphs are, generated.")):
            yield g, RDF.type, SKG.EditorialGraph, prov
            yield g, RDFS.comment, Literal(comment, lang="en"), prov
        for g, n, start, end, text in spans:
            span = self.span(n)
            pos, quote = URIRef(f"{span}-position"), URIRef(f"{span}-quote")
            yield g, PROV.wasDerivedFrom, span, prov
            yield span, RDF.type, OA.SpecificResource, prov
            yield span, OA.hasSource, art, prov
            yield span, OA.hasSelector, pos, prov
            yield span, OA.hasSelector, quote, prov
            yield pos, RDF.type, OA.TextPositionSelector, prov
            yield pos, OA.start, Literal(start, datatype=XSD.nonNegativeInteger), prov
            yield pos, OA.end, Literal(end, datatype=XSD.nonNegativeInteger), prov
            yield quote, RDF.type, OA.TextQuoteSelector, prov
            yield quote, OA.exact, Literal(text), prov


def _vocabulary(world: _World) -> Iterator[Quad]:
    g = VOCABULARY_GRAPH
    roles, topics = KG["roles"], KG["topics"]
    yield roles, RDF.type, SKOS.ConceptScheme, g
    yield roles, SKOS.prefLabel, Literal("Membership roles", lang="en"), g
    yield roles, SKOS.prefLabel, Literal("Rôles d'adhésion", lang="fr"), g
    for slug, en, fr in (("role-member", "member", "membre"), ("role-observer", "observer", "observateur")):
        yield KG[slug], RDF.type, SKG.Role, g
        yield KG[slug], SKOS.prefLabel, Literal(en, lang="en"), g
        yield KG[slug], SKOS.prefLabel, Literal(fr, lang="fr"), g
        yield KG[slug], SKOS.inScheme, roles, g
    yield topics, RDF.type, SKOS.ConceptScheme, g
    yield topics, SKOS.prefLabel, Literal("Topics", lang="en"), g
    yield topics, SKOS.prefLabel, Literal("Sujets", lang="fr"), g
    for iri, fr, en in world.topics:
        yield iri, RDF.type, SKG.Topic, g
        yield iri, SKOS.prefLabel, Literal(en, lang="en"), g
        yield iri, SKOS.prefLabel, Literal(fr, lang="fr"), g
        yield iri, SKOS.inScheme, topics, g
    kinds = KG["document-kinds"]  # the kinds of documents (dcterms:type), as in data/vocabulary.trig
    yield kinds, RDF.type, SKOS.ConceptScheme, g
    yield kinds, SKOS.prefLabel, Literal("Kinds of documents", lang="en"), g
    yield kinds, SKOS.prefLabel, Literal("Types de documents", lang="fr"), g
    for slug, en, fr in (("declaration", "declaration", "déclaration"), ("proposal", "proposal", "proposition"),
                         ("statement", "statement", "déclaration rapportée")):
        yield KG[f"document-kind-{slug}"], RDF.type, SKOS.Concept, g
        yield KG[f"document-kind-{slug}"], SKOS.prefLabel, Literal(en, lang="en"), g
        yield KG[f"document-kind-{slug}"], SKOS.prefLabel, Literal(fr, lang="fr"), g
        yield KG[f"document-kind-{slug}"], SKOS.inScheme, kinds, g
    yield g, RDF.type, SKG.EditorialGraph, g
    # the labels of data/vocabulary.trig, so that generated data loads beside the real data
    yield g, RDFS.label, Literal("Roles and topics", lang="en"), g
    yield g, RDFS.label, Literal("Rôles et sujets", lang="fr"), g
    yield g, RDFS.comment, Literal("Generated by sco-kg synth: membership roles and topics.", lang="en"), g


#: the classes whose instances may go by a second IRI (``same_as``)
_ALIASED = frozenset({SKG.Country, SKG.IntergovernmentalOrganisation, SKG.Person, SKG.Place})


class _SameAs:
    """The ``same_as`` overlay on an article's quads: see the module docstring."""

    def __init__(self, share: float, seed: int):
        self.share = share
        self.rng = random.Random(f"{seed}/same-as")
        self.aka: dict = {}  # entity -> its second IRI (only the entities that have one)

    def quads(self, quads: Iterator[Quad]) -> Iterator[Quad]:
        rng, aka = self.rng, self.aka
        for s, p, o, g in quads:
            if p == RDF.type and o in _ALIASED and s not in aka and rng.random() < self.share:
                aka[s] = URIRef(f"{s}-aka")
                yield s, OWL.sameAs, aka[s], g
            elif s in aka and rng.random() < 0.5:
                s = aka[s]
            if o in aka and rng.random() < 0.5:
                o = aka[o]
            yield s, p, o, g


def quads(triples: int, seed: int, same_as: float = 0.0) -> Iterator[Quad]:
    """The generated quads, about ``triples`` of them (at least: the last article is completed).

    ``triples`` counts statements, one per quad: a triple stated in two graphs (the year of
    an instant shared by two articles) counts twice, as it is written twice. ``same_as``:
    the share of the entities that also go by a second IRI (module docstring)."""
    if not 0.0 <= same_as <= 1.0:
        raise ValueError(f"same_as is a share, from 0 to 1: {same_as}")
    rng = random.Random(seed)
    overlay = _SameAs(same_as, seed) if same_as else None
    world = _World(rng)
    for n, (fr, en) in enumerate(_TOPICS):
        world.topics.append((KG[f"topic-synth-{n:02d}"], fr, en))
    count = 0
    for q in _vocabulary(world):
        count += 1
        yield q
    n = 0
    while count < triples:
        n += 1
        digest = hashlib.sha1(f"{seed}/{n}".encode()).hexdigest()[:16]
        art = _Article(world, f"{n:03d}_{digest}")
        art.build()
        for q in art.quads() if overlay is None else overlay.quads(art.quads()):
            count += 1
            yield q


def generate(triples: int, seed: int, same_as: float = 0.0) -> Dataset:
    """A Dataset of about ``triples`` generated triples (see the module docstring)."""
    ds = Dataset(default_union=False)
    bind_prefixes(ds)
    graphs: dict = {}
    for s, p, o, g in quads(triples, seed, same_as):
        graph = graphs.get(g)
        if graph is None:
            graph = graphs[g] = ds.graph(g)
        graph.add((s, p, o))
    return ds


def write(path: Path | str, triples: int, seed: int, same_as: float = 0.0) -> int:
    """Stream the generated quads to ``path``: N-Quads for ``.nq``, else TriG. Returns the count."""
    path = Path(path)
    count = 0
    nquads = path.suffix == ".nq"
    with path.open("w", encoding="utf-8") as out:
        current = None
        for s, p, o, g in quads(triples, seed, same_as):
            count += 1
            if nquads:
                out.write(f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n")
                continue
            if g != current:
                if current is not None:
                    out.write("}\n")
                out.write(f"{g.n3()} {{\n")
                current = g
            out.write(f"  {s.n3()} {p.n3()} {o.n3()} .\n")
        if current is not None and not nquads:
            out.write("}\n")
    return count
