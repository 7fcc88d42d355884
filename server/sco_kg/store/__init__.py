"""Where the pipeline's output lives: pyoxigraph stores in memory (:mod:`.memory`) or on
disk with the ingest log (:mod:`.disk`), the served store and the build cache
(:mod:`.served`), the guarded ingest (:mod:`.ingest`), the dumps (:mod:`.export`), another
store over HTTP (:mod:`.remote`, :mod:`.push`, :mod:`.http_client`). Above
:mod:`sco_kg.pipeline`; below :mod:`sco_kg.web` and :mod:`sco_kg.cli`."""
