"""The bottom layer, which every other may use: the typed errors (:mod:`.errors`), the
child processes and their confinement (:mod:`.sandbox`, with :mod:`.confinement` inside
the child and :mod:`.zygote` for forked workers), the garbage-collector pause of the large
in-memory passes (:mod:`.gc_pause`). It imports nothing of the package."""
