"""The one pipeline every door into the graph runs: load the sources (:mod:`.load`), validate
the asserted data (:mod:`.validate`, :mod:`.fastshacl` or pySHACL, :mod:`.provenance_rules`),
reason (:mod:`.reason`, :mod:`.fastrl` or owlrl), validate the closure; :mod:`.build` strings
the stages together. Above :mod:`sco_kg.rdf`; it knows nothing of stores or the web."""
