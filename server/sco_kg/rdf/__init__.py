"""RDF itself: the registry of syntaxes (:mod:`.formats`), the bridge between rdflib's and
pyoxigraph's terms (:mod:`.terms`), the namespaces and graph names (:mod:`.namespaces`), the
readers of our own files (:mod:`.readers`, :mod:`.fastparse`) and of strangers'
(:mod:`.untrusted`), the build's set of graphs (:mod:`.quadset`), the Turtle writer
(:mod:`.turtle`). Above :mod:`sco_kg.core`; below everything else."""
