"""The promises of PROFILE.md, one test function per promise, run on the built dataset.

PROFILE.md promises that *after OWL RL reasoning* the endpoint's default graph (the union
of every named graph) answers in standard terms. Each test reads that union, asks the
promise of every instance it concerns (not a sample), lists the offenders, and also
checks that the promise is not vacuous (the instances the article gives are there).
"""

from __future__ import annotations

import hashlib
import re

import pytest
from pipeline_support import ROOT
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD
from sco_kg.rdf.namespaces import (
    BASE,
    INFERRED_GRAPH,
    KG,
    KGA,
    OA,
    ORG,
    PROOFS_GRAPH,
    REASONING_RUN,
    SCHEMA,
    SKG,
    article,
    article_graph,
    is_schema_graph,
)

ARTICLES = sorted(p.name for p in (ROOT / "data" / "articles").iterdir() if p.is_dir())
FIRST = "000_1cb7668562977704"
#: sha256 of the source article ../shared/article/000_1cb7668562977704.txt, so the check
#: holds in a clean clone where the shared folder is absent
SOURCE_SHA256 = {FIRST: "f0b9fd26290fc2073b0a5b19a5738e9bdca40ff5d873da090e15601409cd57bf"}
SHARED_ARTICLES = ROOT.parent / "shared" / "article"

STANDARD = tuple(
    str(ns)
    for ns in (RDF, RDFS, OWL, XSD, ORG, SCHEMA, FOAF, PROV, SKOS, TIME, OA, DCTERMS)
)
DATES = {XSD.gYear, XSD.gYearMonth, XSD.date}
TIME_DATATYPES = {TIME.inXSDgYear: XSD.gYear, TIME.inXSDgYearMonth: XSD.gYearMonth, TIME.inXSDDate: XSD.date}


@pytest.fixture(scope="module")
def data_graphs(built_dataset) -> dict[URIRef, Graph]:
    """The asserted data graphs: every named graph but the ontology, its imports, kgg:inferred
    and kgg:proofs (the build's proofs of the closure: tests/test_proof_graph.py)."""
    return {
        g.identifier: g
        for g in built_dataset.graphs()
        if len(g) and not is_schema_graph(g.identifier) and g.identifier not in (INFERRED_GRAPH, PROOFS_GRAPH)
    }


def instances(graph: Graph, cls) -> set:
    return set(graph.subjects(RDF.type, cls))


def kg(*slugs: str) -> set[URIRef]:
    return {KG[s] for s in slugs}


def langs(graph: Graph, subject, prop=RDFS.label) -> set[str]:
    return {o.language for o in graph.objects(subject, prop) if isinstance(o, Literal) and o.language}


def one(graph: Graph, subject, prop):
    values = list(graph.objects(subject, prop))
    assert len(values) == 1, f"{subject} {prop}: {values}"
    return values[0]


ORGANISATIONS = kg("sco", "cis", "csto", "nato", "russia-ministry-of-defence")
INTERGOVERNMENTAL = kg("sco", "cis", "csto", "nato")
COUNTRIES = kg(
    "russia", "china", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan", "mongolia",
    "iran", "pakistan", "india", "afghanistan", "belarus", "usa",
)
PERSONS = kg("sergei-shoigu", "kazem-jalali", "bakhtiar-hakimov")
NAMED_CLASSES = (
    ORG.Organization, SCHEMA.Country, FOAF.Person, SCHEMA.Place, ORG.Post, SCHEMA.Event,
    SCHEMA.CreativeWork, ORG.Role, SKOS.Concept, SKOS.ConceptScheme,
)


# --- Entities ----------------------------------------------------------------------------


def test_every_organisation_is_an_org_organization(union):
    organisations = instances(union, SKG.Organisation) | set(union.objects(None, ORG.organization))
    organisations |= {o for o in union.objects(None, ORG.postIn) if (o, RDF.type, SCHEMA.Country) not in union}
    assert ORGANISATIONS <= organisations
    assert sorted(o for o in organisations if (o, RDF.type, ORG.Organization) not in union) == []


def test_intergovernmental_organisations_are_formal_organizations(union):
    intergovernmental = instances(union, SKG.IntergovernmentalOrganisation)
    assert intergovernmental == INTERGOVERNMENTAL
    assert sorted(o for o in intergovernmental if (o, RDF.type, ORG.FormalOrganization) not in union) == []


def test_every_country_is_a_schema_country(union):
    countries = instances(union, SKG.Country)
    countries |= {m for m in union.objects(None, ORG.member)}  # the SCO's members are states
    countries |= set(union.objects(KG.sco, SCHEMA.founder))
    assert countries == COUNTRIES
    assert sorted(c for c in countries if (c, RDF.type, SCHEMA.Country) not in union) == []


def test_every_person_is_a_foaf_person(union):
    persons = instances(union, SKG.Person) | set(union.objects(None, ORG.heldBy))
    persons |= set(union.objects(None, SCHEMA.creator)) | set(union.subjects(SKG.chairs, None))
    assert persons == PERSONS
    assert sorted(p for p in persons if (p, RDF.type, FOAF.Person) not in union) == []


def test_every_named_entity_has_a_label_in_french_and_english(union):
    named = set().union(*(instances(union, cls) for cls in NAMED_CLASSES)) - instances(union, SCHEMA.Article)
    named = {n for n in named if isinstance(n, URIRef) and str(n).startswith(BASE)}
    assert ORGANISATIONS | COUNTRIES | PERSONS <= named
    missing = sorted((n, sorted({"fr", "en"} - langs(union, n))) for n in named if not {"fr", "en"} <= langs(union, n))
    assert missing == []


def test_alternative_names_are_language_tagged(union):
    alt = list(union.subject_objects(SKOS.altLabel))
    assert (KG.sco, Literal("OCS", lang="fr")) in alt and (KG.sco, Literal("SCO", lang="en")) in alt
    assert sorted((s, o) for s, o in alt if not (isinstance(o, Literal) and o.language)) == []


def test_iris_are_under_one_base_derived_from_names_and_no_blank_node(built_dataset, data_graphs):
    offenders = []
    for name, graph in data_graphs.items():
        for triple in graph:
            for term in triple:
                if isinstance(term, BNode):
                    offenders.append(("blank node", name, triple))
                elif isinstance(term, URIRef) and not str(term).startswith((BASE, *STANDARD)):
                    offenders.append(("foreign IRI", name, term))
    for triple in built_dataset.graph(INFERRED_GRAPH):
        if any(isinstance(t, BNode) for t in triple):
            offenders.append(("blank node", INFERRED_GRAPH, triple))
    assert offenders == []
    slug = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
    entities = {s for g in data_graphs.values() for s in g.subjects() if str(s).startswith(str(KG))}
    bad = sorted(
        e for e in entities
        if not str(e).startswith(str(KGA)) and not slug.match(str(e).removeprefix(str(KG)))
    )
    assert bad == []


# --- Memberships -------------------------------------------------------------------------


def test_a_membership_has_exactly_one_member_organisation_and_role(union):
    memberships = instances(union, ORG.Membership)
    assert len(memberships) == 14  # 6 founders + India and Pakistan members; 6 observers
    bad = []
    for m in memberships:
        for prop in (ORG.member, ORG.organization, ORG.role):
            values = list(union.objects(m, prop))
            if len(values) != 1 or not isinstance(values[0], URIRef):
                bad.append((m, prop, values))
    assert bad == []


def test_roles_are_org_roles_labelled_member_and_observer(union):
    roles = set(union.objects(None, ORG.role))
    assert sorted(r for r in roles if (r, RDF.type, ORG.Role) not in union or not {"en", "fr"} <= langs(union, r)) == []
    by_label = {label: set(union.subjects(RDFS.label, Literal(label, lang="en"))) & roles for label in ("member", "observer")}
    assert by_label == {"member": {KG["role-member"]}, "observer": {KG["role-observer"]}}


def test_membership_times_are_intervals_of_instants_with_the_stated_precision(union):
    bad = []
    intervals = set(union.objects(None, ORG.memberDuring))
    assert intervals
    for interval in intervals:
        if (interval, RDF.type, TIME.Interval) not in union:
            bad.append((interval, "not a time:Interval"))
        sides = list(union.objects(interval, TIME.hasBeginning)) + list(union.objects(interval, TIME.hasEnd))
        if not sides:
            bad.append((interval, "neither beginning nor end"))
        for instant in sides:
            if (instant, RDF.type, TIME.Instant) not in union:
                bad.append((instant, "not a time:Instant"))
            stamps = [(p, o) for p, o in union.predicate_objects(instant) if p in TIME_DATATYPES]
            if not stamps or any(not isinstance(o, Literal) or o.datatype != TIME_DATATYPES[p] for p, o in stamps):
                bad.append((instant, stamps))
    assert bad == []
    # A change of status is two memberships, the first ending where the second begins.
    for country in ("india", "pakistan"):
        observer = KG[f"membership-{country}-sco-observer"]
        member = KG[f"membership-{country}-sco-member"]
        end = one(union, one(union, observer, ORG.memberDuring), TIME.hasEnd)
        begin = one(union, one(union, member, ORG.memberDuring), TIME.hasBeginning)
        assert end == begin and one(union, begin, TIME.inXSDgYear) == Literal("2017", datatype=XSD.gYear)
        assert list(union.objects(one(union, observer, ORG.memberDuring), TIME.hasBeginning)) == []  # not given


def test_founding_date_and_founders(union):
    assert set(union.objects(KG.sco, SCHEMA.foundingDate)) == {Literal("2001", datatype=XSD.gYear)}
    assert set(union.objects(KG.sco, SCHEMA.founder)) == kg("china", "russia", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan")
    assert sorted(o for o in union.objects(None, SCHEMA.foundingDate) if getattr(o, "datatype", None) not in DATES) == []


# --- Posts -------------------------------------------------------------------------------


def test_posts_are_org_posts_in_an_organisation_held_by_a_person(union):
    posts = instances(union, ORG.Post) | set(union.subjects(ORG.heldBy, None)) | set(union.objects(None, ORG.holds))
    assert posts == kg("post-russia-minister-of-defence", "post-iran-ambassador", "post-russia-president-representative-to-sco")
    bad = []
    for post in posts:
        if (post, RDF.type, ORG.Post) not in union or not {"en", "fr"} <= langs(union, post):
            bad.append((post, "type or labels"))
        within = list(union.objects(post, ORG.postIn))
        if len(within) != 1 or not ({(within[0], RDF.type, ORG.Organization), (within[0], RDF.type, SCHEMA.Country)} & set(union.triples((within[0], RDF.type, None)))):
            bad.append((post, "postIn", within))
        holders = list(union.objects(post, ORG.heldBy))
        if not holders or any((h, ORG.holds, post) not in union or (h, RDF.type, FOAF.Person) not in union for h in holders):
            bad.append((post, "heldBy / holds", holders))
    assert bad == []


# --- Events ------------------------------------------------------------------------------


def test_events_are_schema_events_located_dated_and_attended(union):
    events = instances(union, SKG.Event)
    # the meeting, its two discussions (g:s10), the parade, the victory it commemorates,
    # Caucasus 2020, the Jalali-Hakimov meeting, the accession of India and Pakistan
    assert len(events) == 8 and events <= instances(union, SCHEMA.Event)
    bad = []
    for event in instances(union, SCHEMA.Event):
        for place in union.objects(event, SCHEMA.location):
            if (place, RDF.type, SCHEMA.Place) not in union:
                bad.append((event, "location", place))
        for prop in (SCHEMA.startDate, SCHEMA.endDate):
            for date in union.objects(event, prop):
                if not isinstance(date, Literal) or date.datatype not in DATES:
                    bad.append((event, prop, date))
        for who in union.objects(event, SKG.participant):
            if (event, SCHEMA.attendee, who) not in union:
                bad.append((event, "participant not attendee", who))
        for chair in union.objects(event, SKG.chairedBy):
            if (event, SCHEMA.attendee, chair) not in union:
                bad.append((event, "chair not attendee", chair))
    for place in instances(union, SCHEMA.Place):
        for outer in union.objects(place, SCHEMA.containedInPlace):
            if (outer, RDF.type, SCHEMA.Place) not in union:
                bad.append((place, "containedInPlace", outer))
    assert bad == []
    meeting = KG["event-defence-ministers-meeting-patriot-park"]
    assert set(union.objects(meeting, SCHEMA.attendee)) == kg("defence-ministers-sco-cis-csto", "sergei-shoigu")
    assert set(union.objects(KG["patriot-park"], SCHEMA.containedInPlace)) == kg("moscow", "kubinka")
    assert set(union.objects(KG["event-victory-parade-2020-06-24"], SCHEMA.startDate)) == {Literal("2020-06-24", datatype=XSD.date)}
    assert set(union.objects(KG["event-caucasus-2020"], SCHEMA.startDate)) == {Literal("2020-09", datatype=XSD.gYearMonth)}


def test_what_things_are_about_is_a_concept_of_one_scheme(union):
    topics = set(union.objects(None, SCHEMA.about))
    assert len(topics) == 18 and topics == set(union.subjects(SKOS.inScheme, KG.topics))
    bad = []
    for topic in topics:
        if (topic, RDF.type, SKOS.Concept) not in union or not {"en", "fr"} <= langs(union, topic, SKOS.prefLabel):
            bad.append((topic, "concept with prefLabel @en @fr"))
    schemes = {s for t in topics for s in union.objects(t, SKOS.inScheme)}
    assert bad == []
    assert schemes == {KG.topics} and (KG.topics, RDF.type, SKOS.ConceptScheme) in union
    assert all(len(list(union.objects(t, SKOS.inScheme))) == 1 for t in topics)


# --- Declarations and quotations ---------------------------------------------------------


def test_declarations_are_creative_works_and_prov_entities_generated_attributed_about(union):
    documents = instances(union, SKG.Declaration) | instances(union, SKG.Proposal) | instances(union, SKG.Agreement)
    assert len(documents) == 5
    bad = []
    for doc in documents:
        for cls in (SCHEMA.CreativeWork, PROV.Entity):
            if (doc, RDF.type, cls) not in union:
                bad.append((doc, cls))
        generated = list(union.objects(doc, PROV.wasGeneratedBy))
        if not generated or any((e, RDF.type, SCHEMA.Event) not in union for e in generated):
            bad.append((doc, "wasGeneratedBy", generated))
        if not list(union.objects(doc, SCHEMA.about)):
            bad.append((doc, "about"))
        kinds = set(union.objects(doc, DCTERMS.type))
        if len(kinds) != 1 or any((k, RDF.type, SKOS.Concept) not in union for k in kinds):
            bad.append((doc, "dcterms:type", kinds))
    for declaration in instances(union, SKG.Declaration):  # "Les ministres [...] ont signé", "Les participants"
        if set(union.objects(declaration, PROV.wasAttributedTo)) != kg("defence-ministers-sco-cis-csto", "sergei-shoigu"):
            bad.append((declaration, "wasAttributedTo"))
    assert bad == []


def test_quotations_have_a_creator_and_their_french_words(union, built_dataset):
    quotations = instances(union, SCHEMA.Quotation)
    assert quotations == kg("quotation-shoigu-first-meeting-of-its-kind", "quotation-shoigu-patriot-park",
                            "quotation-shoigu-declaration-victory-75th-anniversary",
                            "quotation-shoigu-arms-control-treaties")
    text = str(one(union, article(FIRST), SCHEMA.text))
    bad = []
    for q in quotations:
        creators = list(union.objects(q, SCHEMA.creator))
        if not creators or any((c, RDF.type, FOAF.Person) not in union for c in creators):
            bad.append((q, "creator", creators))
        words = list(union.objects(q, SCHEMA.text))
        if len(words) != 1 or words[0].language != "fr" or str(words[0]) not in text:
            bad.append((q, "text", words))
    assert bad == []


# --- Provenance --------------------------------------------------------------------------


def test_the_article_is_a_french_news_article_with_its_text(union):
    for article_id in ARTICLES:
        node = article(article_id)
        assert (node, RDF.type, SCHEMA.NewsArticle) in union
        assert set(union.objects(node, SCHEMA.inLanguage)) == {Literal("fr")}
        raw = (ROOT / "data" / "articles" / article_id / "article.txt").read_bytes().decode("utf-8")
        assert [str(t) for t in union.objects(node, SCHEMA.text)] == [raw]


def _editorial(union: Graph, name) -> bool:
    return (name, RDF.type, SKG.EditorialGraph) in union and any(union.objects(name, RDFS.comment))


def test_every_asserted_triple_sits_in_a_graph_derived_from_its_words_or_described_as_editorial(union, data_graphs):
    texts = {a: str(one(union, article(a), SCHEMA.text)) for a in ARTICLES}
    bad = []
    derived = 0
    for name in data_graphs:
        spans = list(union.objects(name, PROV.wasDerivedFrom))
        if not spans:
            if not _editorial(union, name):
                bad.append((name, "neither derived from a span nor described as editorial"))
            continue
        for span in spans:
            derived += 1
            source = one(union, span, OA.hasSource)
            text = texts.get(next((a for a in ARTICLES if article(a) == source), None))
            if (span, RDF.type, OA.SpecificResource) not in union or text is None:
                bad.append((name, span, "not a SpecificResource of an article"))
                continue
            selectors = set(union.objects(span, OA.hasSelector))
            position = [s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in union]
            quote = [s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in union]
            if len(position) != 1 or len(quote) != 1:
                bad.append((name, span, "needs one position and one quote selector"))
                continue
            start, end = one(union, position[0], OA.start), one(union, position[0], OA.end)
            exact = str(one(union, quote[0], OA.exact))
            if {start.datatype, end.datatype} != {XSD.nonNegativeInteger}:
                bad.append((name, "offsets are not xsd:nonNegativeInteger"))
            if text[int(start):int(end)] != exact:
                bad.append((name, "the quote is not the text between the offsets", int(start), int(end)))
    assert bad == []
    assert derived >= 20
    assert article_graph(FIRST, "s01") in data_graphs


def test_inferred_triples_sit_in_their_own_graph_generated_by_the_reasoning_run(built_dataset, data_graphs):
    inferred = built_dataset.graph(INFERRED_GRAPH)
    assert (INFERRED_GRAPH, PROV.wasGeneratedBy, REASONING_RUN) in inferred
    assert (REASONING_RUN, RDF.type, PROV.Activity) in inferred
    ended = list(inferred.objects(REASONING_RUN, PROV.endedAtTime))
    assert len(ended) == 1 and ended[0].datatype == XSD.dateTime
    engines = list(inferred.objects(REASONING_RUN, PROV.wasAssociatedWith))
    assert engines and all(list(inferred.objects(e, OWL.versionInfo)) for e in engines)
    # nothing inferred is also asserted: the two stay apart
    asserted = set().union(*(set(g) for g in data_graphs.values()))
    assert [t for t in inferred if t in asserted] == []
    # the inferred graph holds the standard terms the data does not write
    assert (KG.sco, RDF.type, ORG.Organization) in inferred
    assert not any((KG.sco, RDF.type, ORG.Organization) in g for g in data_graphs.values())


def test_the_article_is_byte_identical_to_the_source():
    for article_id, digest in SOURCE_SHA256.items():
        data = (ROOT / "data" / "articles" / article_id / "article.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        shared = SHARED_ARTICLES / f"{article_id}.txt"
        assert shared.exists(), f"the source article is laid beside the repository: {shared}"
        assert data == shared.read_bytes()


# --- Datasets ----------------------------------------------------------------------------


def test_the_default_graph_is_the_union_of_named_graphs(built_dataset, union):
    assert len(built_dataset.default_graph) == 0
    names = {g.identifier for g in built_dataset.graphs() if len(g)}
    assert {URIRef(BASE + "graph/ontology"), INFERRED_GRAPH, article_graph(FIRST, "provenance")} <= names
    # every graph but kgg:proofs, which is reached by name (docs/profile.md, "Proofs")
    assert len(union) == len({t for g in built_dataset.graphs() if g.identifier != PROOFS_GRAPH for t in g})
    assert (None, RDF.subject, None) not in union


def test_a_comment_of_the_data_names_no_year_the_article_does_not_give():
    """The data's comments say how a value follows from the article's words: a year they
    name is one the article writes, or one the data states with the words it follows from
    (2017, "deux ans plus tard" than 2015). The parade's year was once argued from "won in
    1945", which is not in the article."""
    for name in ARTICLES:
        folder = ROOT / "data" / "articles" / name
        text = (folder / "article.txt").read_text(encoding="utf-8")
        for trig in sorted(folder.glob("*.trig")):
            lines = trig.read_text(encoding="utf-8").splitlines()
            data = "\n".join(line.split("#", 1)[0] for line in lines)
            for number, line in enumerate(lines, 1):
                comment = line.split("#", 1)[1] if "#" in line else ""
                if comment.lstrip().startswith("«"):  # the article's own sentence, quoted
                    continue
                for year in re.findall(r"(?<![0-9])[12][0-9]{3}(?![0-9])", comment):
                    assert year in text or f'"{year}' in data, (
                        f"{trig.name}:{number}: the comment names {year}, which neither the article nor the data has")


def test_no_iri_of_the_data_is_numbered(union):
    """IRIs are derived from names or content, never from counters (profile, "Entities"):
    no two IRIs of the project's namespace differ only by a trailing number (the four
    quotations of Shoigu were once quotation-shoigu-1 to -4, in article order, so a
    quotation found earlier in the text would have renamed the others). A date ends an
    IRI alone (event-victory-parade-2020-06-24), not as one of a numbered series; a year
    names what it is the year of (instant-2001)."""
    stems: dict[str, set[str]] = {}
    # the old names stay, deprecated, so that old links are redirected (data/replaced.trig)
    deprecated = set(union.subjects(OWL.deprecated, Literal(True)))
    assert {str(d).removeprefix(str(KG)) for d in deprecated} >= {f"quotation-shoigu-{n}" for n in range(1, 5)}
    for term in {t for triple in union for t in triple if isinstance(t, URIRef)} - deprecated:
        local = str(term).removeprefix(str(KG))
        if local == str(term) or "/" in local:  # another namespace, or an article's span
            continue
        m = re.fullmatch(r"(.*)-([0-9]{1,3})", local)  # four digits: a year (instant-2001, instant-2017)
        if m:
            stems.setdefault(m.group(1), set()).add(local)
    numbered = {stem: sorted(names) for stem, names in stems.items() if len(names) > 1}
    assert numbered == {}
