"""Reasoning with and without proofs (fastrl ``proofs=True``) on synthetic data: time and
peak memory, each run in a fresh process so that ru_maxrss is its own.

    PYTHONPATH=server python benchmarks/proofs.py 100000
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time


def one(proofs: bool, n: int) -> str:
    # imported in the child only: the parent process just starts one child per run
    from sco_kg.pipeline import fastrl, synth
    from sco_kg.pipeline.load import load
    from sco_kg.pipeline.sources import Sources, ontology_dir

    triples = set()
    for src in (load(Sources.from_dirs(ontology_dir())), synth.generate(n, seed=1)):
        for s, p, o, _g in src.quads((None, None, None, None)):
            triples.add((s, p, o))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    result = fastrl.closure_of_triples(triples, proofs=proofs)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    unproven = sum(1 for t in result.triples if t not in result.proofs) if proofs else "-"
    return (
        f"proofs={proofs} asserted={len(triples)} inferred={len(result.triples)} seconds={seconds:.2f} "
        f"peak_rss={peak // 1024}MB growth={(peak - base) // 1024}MB unproven={unproven}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(one(sys.argv[2] == "1", int(sys.argv[3])))
    else:
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
        for flag in ("0", "1"):
            subprocess.run([sys.executable, __file__, "--one", flag, str(n)], check=True)
