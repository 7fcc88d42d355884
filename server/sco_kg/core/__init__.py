"""The bottom layer, which every other may use: the typed errors (:mod:`.errors`), the
confinement of child processes (:mod:`.sandbox`), the garbage-collector pause of the large
in-memory passes (:mod:`.gc_pause`). It imports nothing of the package."""
