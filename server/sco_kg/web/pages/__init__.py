"""The HTML pages and the linked-data documents, one job per module.

Every IRI under the base (``https://w3id.org/sco-kg/`` by default) is served at the same path
on this host:

* ``/id/<slug>`` (:mod:`.entity`): a thing, not a document: ``303 See Other`` to a document
  about it chosen by Accept (``/id/<slug>.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``,
  ``.trig``, ``.nq``), each a plain URL with one media type;
* ``/ontology`` (:mod:`.ontology`) and ``/graph/<name>`` (:mod:`.named_graph`): documents
  already, ``200`` by content negotiation with ``Content-Location`` and ``Vary: Accept``
  (:mod:`.documents` negotiates and writes every document).

The HTML page of a resource (:mod:`.describe`) shows its labels (:mod:`.label_index`), types,
every property in and out as links (:mod:`.terms`), and for each fact the sentence of the
article it comes from; an organisation's page draws its membership timeline
(:mod:`.timeline`), an article's its text cut into sentences (:mod:`.article`). Beside them:
the home page (:mod:`.home`), the competency questions (:mod:`.questions`), search and
browse (:mod:`.search`).

The pages read the store directly by triple pattern (the app's own, bounded lookups); their
SPARQL (the timeline, the questions) goes through :func:`..query_runner.run_query`, with the
endpoint's inspection, timeout and row cap.
"""
