"""The second reading of the article: who did what, at the precision the words give.

A careful reader found the graph crediting organisations with what their ministers did,
making a wish an event, giving a sentence a topic it does not state, and weakening words
("proposed" read as "adopted"). One test per point, each written from the sentence's own
words (read from the article's text through the graph's selector, so a test cannot pass on a
sentence that says something else), each failing on the data as it was before the reading.

The questions in queries/ (01, 05, 07, 10, 14, 15, 29-32) ask the same in SPARQL.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS
from sco_kg.rdf.namespaces import KG, OA, ORG, SCHEMA, SKG, article_graph

FIRST = "000_1cb7668562977704"
MEETING = KG["event-defence-ministers-meeting-patriot-park"]
PARADE = KG["event-victory-parade-2020-06-24"]
JALALI_HAKIMOV = KG["event-jalali-hakimov-meeting"]
MINISTERS = KG["defence-ministers-sco-cis-csto"]  # "Les ministres de la Défense des États membres de [...]"
COUNTERPARTS = KG["defence-ministers-sco-csto"]  # "ses homologues de l'[OCS] et de l'[OTSC]"
SHOIGU = KG["sergei-shoigu"]
ORGANISATIONS = {KG.sco, KG.cis, KG.csto}
DECLARATIONS = {KG["declaration-victory-75th-anniversary"], KG["declaration-terrorism-extremism"],
                KG["declaration-common-security-approach"]}


def graph(built_dataset, sentence: str) -> Graph:
    return built_dataset.graph(article_graph(FIRST, sentence))


def words(built_dataset, union, sentence: str) -> str:
    """The words the sentence's graph is derived from, read through its quote selector."""
    span = graph(built_dataset, "provenance").value(article_graph(FIRST, sentence), PROV.wasDerivedFrom)
    quotes = [s for s in union.objects(span, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in union]
    return str(union.value(quotes[0], OA.exact))


def test_the_ministers_and_the_chair_attend_the_meeting_not_the_organisations(built_dataset, union):
    said = words(built_dataset, union, "s01")
    assert "Les ministres de la Défense des États membres de l'Organisation de coopération de Shanghaï" in said
    assert "ont participé à une réunion" in said and "présidée par le ministre russe de la Défense, Sergueï Choïgou" in said
    assert set(union.objects(MEETING, SCHEMA.attendee)) == {MINISTERS, SHOIGU}
    # the group is one agent, linked to the three organisations it is named after
    assert (MINISTERS, RDF.type, ORG.Organization) in union
    assert set(union.objects(MINISTERS, ORG.linkedTo)) == ORGANISATIONS
    # no sentence says an organisation attended anything as a body
    assert not {o for o in ORGANISATIONS if (None, SCHEMA.attendee, o) in union}


def test_shoigus_counterparts_took_part_in_the_parade_not_the_organisations(built_dataset, union):
    said = words(built_dataset, union, "s04")
    assert "ses homologues de l'Organisation de coopération de Shanghaï et de l'Organisation du traité" in said
    assert "pour leur participation au défilé militaire" in said
    assert set(union.objects(PARADE, SCHEMA.attendee)) == {COUNTERPARTS}
    assert set(union.objects(COUNTERPARTS, ORG.linkedTo)) == {KG.sco, KG.csto}  # the CIS is not named here


def test_the_declarations_are_attributed_to_the_ministers_who_signed_or_issued_them(built_dataset, union):
    assert "Les ministres de la Défense de l'Organisation de coopération de Shanghaï" in words(built_dataset, union, "s06")
    assert "ont signé une déclaration commune" in words(built_dataset, union, "s06")
    assert "nous sommes fiers de notre victoire" in words(built_dataset, union, "s06")  # Shoigu among them
    assert words(built_dataset, union, "s09").startswith("Les participants ont émis une déclaration")
    assert words(built_dataset, union, "s11").startswith("Les participants ont signé une déclaration")
    for declaration in DECLARATIONS:
        assert set(union.objects(declaration, PROV.wasAttributedTo)) == {MINISTERS, SHOIGU}, declaration
        assert (declaration, DCTERMS.type, KG["document-kind-declaration"]) in union
    assert (SHOIGU, ORG.memberOf, MINISTERS) in graph(built_dataset, "s06")
    assert not {o for o in ORGANISATIONS if (None, PROV.wasAttributedTo, o) in union}


def test_russias_support_for_irans_full_membership_is_a_stance_not_an_event(built_dataset, union):
    assert "la partie russe a évoqué le soutien de Moscou à l'adhésion permanente de l'Iran" in words(built_dataset, union, "s13")
    assert "La partie russe a surtout encouragé l'adhésion à part entière de l'Iran" in words(built_dataset, union, "s17")
    events = set(union.subjects(RDF.type, SCHEMA.Event))
    assert not [e for e in events if (e, SKG.candidate, KG.iran) in union], "an accession of Iran that never happened"
    stances = set(union.subjects(SKG.candidate, KG.iran))
    assert len(stances) == 1
    stance = stances.pop()
    assert (stance, RDF.type, PROV.Entity) in union and stance not in events
    assert set(union.objects(stance, PROV.wasAttributedTo)) == {KG.russia}
    assert set(union.objects(stance, SKG.accedingTo)) == {KG.sco}
    assert set(union.objects(stance, SKG.membershipRole)) == {KG["role-member"]}  # "permanente", "à part entière"
    assert set(union.objects(stance, SKG.voicedAt)) == {JALALI_HAKIMOV}  # "lors de la rencontre"
    for sentence in ("s13", "s17"):
        assert (stance, SKG.holder, KG.russia) in graph(built_dataset, sentence)


def test_the_ministers_agreed_on_cooperation_against_terrorism_not_military_cooperation(built_dataset, union):
    said = words(built_dataset, union, "s07")
    assert said == ("Les ministres de la Défense participants ont convenu de renforcer la coopération dans la lutte "
                    "contre le terrorisme.")
    s07 = graph(built_dataset, "s07")
    assert (MEETING, SKG.topic, KG["topic-military-cooperation"]) not in s07
    agreements = set(s07.subjects(RDF.type, SKG.Agreement))
    assert len(agreements) == 1
    agreement = agreements.pop()
    assert (agreement, PROV.wasGeneratedBy, MEETING) in union
    assert set(union.objects(agreement, PROV.wasAttributedTo)) == {MINISTERS, SHOIGU}
    assert set(union.objects(agreement, SCHEMA.about)) == {KG["topic-counter-terrorism-cooperation"]}
    assert (KG["topic-counter-terrorism-cooperation"], SKOS.broader, KG["topic-terrorism"]) in union
    # military cooperation is Shoigu's forecast ("s'est dit convaincu que la coopération militaire", g:s03)
    assert "la coopération militaire internationale se renforcerait" in words(built_dataset, union, "s03")
    about_military = set(union.subjects(SKG.topic, KG["topic-military-cooperation"]))
    assert about_military == {KG["statement-shoigu-military-cooperation"]}


def test_the_caucasus_measures_were_proposed_not_adopted(built_dataset, union):
    assert "il a été proposé" in words(built_dataset, union, "s08")
    proposal = KG["proposal-caucasus-2020-counter-terrorism"]
    assert (proposal, SKG.adoptedAt, None) not in union
    assert (proposal, SKG.proposedAt, MEETING) in graph(built_dataset, "s08")
    assert (proposal, PROV.wasGeneratedBy, MEETING) in union  # made there, in standard terms
    assert (proposal, PROV.wasAttributedTo, None) not in union  # proposed by nobody named
    assert (proposal, DCTERMS.type, KG["document-kind-proposal"]) in union


def test_the_jalali_hakimov_meeting_stressed_a_more_active_presence_not_membership(built_dataset, union):
    assert "une présence plus active de l'Iran au sein de l'Organisation de Shanghaï" in words(built_dataset, union, "s16")
    s16 = graph(built_dataset, "s16")
    assert set(s16.objects(JALALI_HAKIMOV, SKG.topic)) == {KG["topic-iran-active-presence-sco"]}


def test_shoigus_thanks_to_his_counterparts_is_a_fact(built_dataset, union):
    assert "Il a également remercié ses homologues" in words(built_dataset, union, "s04")
    s04 = graph(built_dataset, "s04")
    thanks = set(s04.subjects(RDF.type, SKG.Thanks))
    assert len(thanks) == 1
    one = thanks.pop()
    assert (one, SCHEMA.creator, SHOIGU) in union
    assert set(union.objects(one, SCHEMA.recipient)) == {COUNTERPARTS}
    assert set(union.objects(one, SKG.concernsEvent)) == {PARADE}  # "pour leur participation au défilé"


def test_the_mutual_aid_examined_and_the_experience_exchanged_are_facts(built_dataset, union):
    said = words(built_dataset, union, "s10")
    assert "examiné les mesures nécessaires et les aides mutuelles en cas d’attaques biologiques menées par les pays extrarégionaux" in said
    assert "procédé à un échange d’expérience pour la lutte contre le coronavirus" in said
    parts = set(union.subjects(SCHEMA.superEvent, MEETING))
    assert {KG["discussion-mutual-aid-biological-attacks"], KG["exchange-of-experience-coronavirus"]} == parts
    aid = KG["discussion-mutual-aid-biological-attacks"]
    assert set(union.objects(aid, SCHEMA.about)) == {KG["topic-mutual-aid-biological-attacks"]}
    assert (KG["topic-mutual-aid-biological-attacks"], SKOS.broader, KG["topic-biological-attacks"]) in union
    for part in parts:  # "Ils": the participants of g:s09
        assert set(union.objects(part, SCHEMA.attendee)) == {MINISTERS, SHOIGU}
        assert (part, RDF.type, URIRef(SCHEMA.Event)) in union
