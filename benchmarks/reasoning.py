"""Reasoning benchmark: owlrl against fastrl on synthetic data (not part of the test run).

    .venv/bin/python benchmarks/reasoning.py                 # 10k and 100k both, 1M fastrl only
    .venv/bin/python benchmarks/reasoning.py --sizes 10000   # a quick run
    .venv/bin/python benchmarks/reasoning.py --no-owlrl-at 100000 ...
    .venv/bin/python benchmarks/reasoning.py --chains 200 500 1000   # transitive chains, fastrl
    .venv/bin/python benchmarks/reasoning.py --functional 5000 10000 20000   # functional properties

Each measurement runs in a fresh Python process, so that its peak memory is its own:
the process generates ``sco-kg synth`` data (seed 1), loads it with the ontology and its
imports into one rdflib Graph (the input of every reasoner of ``sco_kg.pipeline.reason``), then
times the registered reasoner functions themselves (``reason.owlrl_reasoner`` and
``reason.fastrl_reasoner``: input Graph -> set of inferred triples and error messages). Where
both engines run on a size, the owlrl process also runs fastrl afterwards and checks
that the two closures are equal after ``fastrl.is_noise``.

Writes ``benchmarks/results/reasoning.json``: per size, the samples, the median seconds
of each engine, the ratio owlrl / fastrl, the peak resident memory of each process and
the memory of the loaded input alone (both in MiB), and the machine.

``--chains`` measures the case that made the reasoning bound (sco_kg.pipeline.reasoning_limits):
N places in a chain of one ``owl:TransitiveProperty`` (N * (N - 1) / 2 pairs in the closure),
closed by fastrl without a bound and with the strangers' one (10 inferred triples per
asserted triple), each in a fresh process; prints JSON (``--out`` writes it too).

``--functional`` measures N subjects each with one value of a property that is both
``owl:FunctionalProperty`` and ``owl:InverseFunctionalProperty``, all values distinct: no
merge follows, and an engine that pairs every two uses of the property (prp-fp, prp-ifp
read naively) is quadratic. fastrl and owlrl (up to ``--owlrl-max``) on the same graph, each
in a fresh process; the ratio owlrl / fastrl and fastrl's growth from one size to the next
(about 2 for a doubling when it is linear). It was a wall-clock assertion in
tests/test_fastrl.py (< 5 s at 20,000 uses); the test keeps the answer (no merge), this
keeps the time. Prints JSON (``--out`` writes it too).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "reasoning.json"
SEED = 1


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_rss_mib() -> float:
    try:
        with open("/proc/self/statm") as f:
            return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except OSError:  # pragma: no cover - not Linux
        return rss_mib()


def load_input(triples: int):
    """ontology + imports + ``triples`` synthetic triples, as one rdflib Graph."""
    sys.path.insert(0, str(ROOT / "server"))
    from rdflib import Graph
    from sco_kg.pipeline import synth
    from sco_kg.pipeline.load import load
    from sco_kg.pipeline.sources import Sources, ontology_dir

    union = Graph()
    for s, p, o, _g in load(Sources.from_dirs(ontology_dir())).quads((None, None, None, None)):
        union.add((s, p, o))
    for s, p, o, _g in synth.quads(triples, SEED):
        union.add((s, p, o))
    return union


def child(engine: str, triples: int, repeats: int) -> dict:
    """One measurement, in this (fresh) process."""
    started = time.perf_counter()
    graph = load_input(triples)
    loaded_in = time.perf_counter() - started
    from sco_kg.pipeline import fastrl, reason

    baseline = current_rss_mib()
    fn = {"owlrl": reason.owlrl_reasoner, "fastrl": reason.fastrl_reasoner}[engine]
    samples, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn(graph)
        samples.append(round(time.perf_counter() - t0, 3))
    out = {
        "engine": engine,
        "asserted": len(graph),
        "inferred": len(result.triples),
        "errors": len(result.errors),
        "samples_s": samples,
        "median_s": round(statistics.median(samples), 3),
        "input_load_s": round(loaded_in, 2),
        "input_rss_mib": baseline,
        "peak_rss_mib": rss_mib(),
    }
    if engine == "owlrl":  # check the closures agree, after owlrl's peak was read
        ref = {t for t in result.triples if not fastrl.is_noise(*t)}
        mine = {t for t in reason.fastrl_reasoner(graph).triples if not fastrl.is_noise(*t)}
        out["equal_to_fastrl"] = ref == mine
        out["owlrl_only"] = len(ref - mine)
        out["fastrl_only"] = len(mine - ref)
        out["inferred_normalised"] = len(ref)
    return out


def chain_child(places: int, per_triple: float | None) -> dict:
    """One transitive chain closed by fastrl, in this (fresh) process."""
    sys.path.insert(0, str(ROOT / "server"))
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF
    from sco_kg.core.errors import ReasoningLimitExceeded
    from sco_kg.pipeline import fastrl
    from sco_kg.pipeline.reasoning_limits import ReasoningLimits

    ex = "http://example.org/"
    prop = URIRef(ex + "in")
    triples = [(prop, RDF.type, OWL.TransitiveProperty)]
    triples += [(URIRef(f"{ex}p{k}"), prop, URIRef(f"{ex}p{k + 1}")) for k in range(1, places)]
    limits = ReasoningLimits(max_inferred_per_triple=per_triple) if per_triple is not None else None
    out = {"places": places, "asserted": len(triples), "per_triple": per_triple}
    started = time.perf_counter()
    try:
        result = fastrl.closure(triples, limits=limits)
        out["inferred"] = len(result.triples)
    except ReasoningLimitExceeded as exc:
        out["stopped"] = {"bound": exc.bound, "after": exc.inferred, "grew": list(exc.grew), "rule": exc.rule}
    out["seconds"] = round(time.perf_counter() - started, 3)
    out["peak_rss_mib"] = rss_mib()
    return out


def print_report(report: dict, out: Path | None) -> int:
    """A side measurement's report: JSON on stdout, and in ``out`` when given."""
    report = {**report, "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(), "machine": machine()}
    text = json.dumps(report, indent=2) + "\n"
    print(text, end="")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


def functional_child(engine: str, uses: int) -> dict:
    """``uses`` distinct values of one functional and inverse-functional property, closed by
    ``engine`` in this (fresh) process."""
    sys.path.insert(0, str(ROOT / "server"))
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDF
    from sco_kg.pipeline import reason

    ex = "http://example.org/"
    prop = URIRef(ex + "f")
    graph = Graph()
    graph.add((prop, RDF.type, OWL.FunctionalProperty))
    graph.add((prop, RDF.type, OWL.InverseFunctionalProperty))
    for i in range(uses):
        graph.add((URIRef(f"{ex}s{i}"), prop, URIRef(f"{ex}o{i}")))
    fn = {"owlrl": reason.owlrl_reasoner, "fastrl": reason.fastrl_reasoner}[engine]
    started = time.perf_counter()
    result = fn(graph)
    seconds = time.perf_counter() - started
    merges = sum(1 for t in result.triples if t[1] == OWL.sameAs and t[0] != t[2])
    return {"engine": engine, "uses": uses, "seconds": round(seconds, 3), "same_as": merges,
            "peak_rss_mib": rss_mib()}


def functional(sizes: list[int], owlrl_max: int, out: Path | None) -> int:
    rows, previous = [], None
    for n in sorted(sizes):
        row: dict = {"uses": n}
        for engine in ("fastrl", "owlrl"):
            if engine == "owlrl" and n > owlrl_max:
                continue
            cmd = [sys.executable, __file__, "--functional-child", engine, str(n)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            row[engine] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {n:>6} uses, {engine}: {row[engine]['seconds']} s", file=sys.stderr)
        if "owlrl" in row:
            row["ratio_owlrl_over_fastrl"] = round(row["owlrl"]["seconds"] / max(row["fastrl"]["seconds"], 1e-6), 1)
        if previous is not None:
            row["fastrl_growth"] = {"size": round(n / previous["uses"], 2),
                                    "time": round(row["fastrl"]["seconds"] / max(previous["fastrl"]["seconds"], 1e-6), 2)}
        rows.append(row)
        previous = row
    report = {
        "benchmark": "reasoning: one functional and inverse-functional property used N times, no merge (fastrl, owlrl)",
        "target": "fastrl grows linearly (time growth about the size growth); faster than owlrl",
        "sizes": rows,
    }
    return print_report(report, out)


def chains(sizes: list[int], per_triple: float, out: Path | None) -> int:
    rows = []
    for n in sizes:
        for bound in (None, per_triple):
            cmd = [sys.executable, __file__, "--chain-child", str(n), "none" if bound is None else str(bound)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  chain of {n:>5} places, bound {bound}: {row['seconds']} s, peak {row['peak_rss_mib']} MiB",
                  file=sys.stderr)
            rows.append(row)
    report = {
        "benchmark": "reasoning: fastrl on a chain of places in one owl:TransitiveProperty, without and with a bound",
        "chains": rows,
    }
    return print_report(report, out)


def run_child(engine: str, triples: int, repeats: int) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, str(triples), str(repeats)]
    print(f"  {engine:7} {triples:>9,} triples x{repeats} ...", end="", flush=True, file=sys.stderr)
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f" median {result['median_s']} s, peak {result['peak_rss_mib']} MiB", file=sys.stderr)
    return result


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover
        pass
    try:
        mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):  # pragma: no cover
        mem = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "rdflib": version("rdflib"),
        "owlrl": version("owlrl"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "TRIPLES", "REPEATS"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--owlrl-max", type=int, default=100_000, help="largest size owlrl runs on")
    parser.add_argument("--out", type=Path, default=None, help=f"default {RESULTS.relative_to(ROOT)} (--chains, --functional: none)")
    parser.add_argument("--chains", type=int, nargs="+", metavar="PLACES", help="measure transitive chains instead")
    parser.add_argument("--per-triple", type=float, default=10, help="--chains: the bound per asserted triple (the strangers' one)")
    parser.add_argument("--chain-child", nargs=2, metavar=("PLACES", "PER_TRIPLE"), help=argparse.SUPPRESS)
    parser.add_argument("--functional", type=int, nargs="+", metavar="USES",
                        help="measure a functional property used USES times instead")
    parser.add_argument("--functional-child", nargs=2, metavar=("ENGINE", "USES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        engine, triples, repeats = args.child
        print(json.dumps(child(engine, int(triples), int(repeats))))
        return 0
    if args.chain_child:
        places, per_triple = args.chain_child
        print(json.dumps(chain_child(int(places), None if per_triple == "none" else float(per_triple))))
        return 0
    if args.functional_child:
        engine, uses = args.functional_child
        print(json.dumps(functional_child(engine, int(uses))))
        return 0
    if args.chains:
        return chains(args.chains, args.per_triple, args.out)
    if args.functional:
        return functional(args.functional, args.owlrl_max, args.out)
    args.out = args.out or RESULTS

    sizes = []
    for n in args.sizes:
        print(f"{n:,} triples", file=sys.stderr)
        entry = {"triples_requested": n}
        entry["fastrl"] = run_child("fastrl", n, 5 if n <= 100_000 else 3)
        if n <= args.owlrl_max:
            entry["owlrl"] = run_child("owlrl", n, 3 if n <= 10_000 else 1)
            entry["ratio_owlrl_over_fastrl"] = round(entry["owlrl"]["median_s"] / entry["fastrl"]["median_s"], 1)
        sizes.append(entry)
    report = {
        "benchmark": "reasoning: owlrl vs fastrl, reasoner functions of sco_kg.pipeline.reason on one rdflib Graph",
        "command": "benchmarks/reasoning.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "machine": machine(),
        "data": f"ontology + imports + sco_kg.pipeline.synth (seed {SEED})",
        "targets": {"ratio_at_100k": ">= 20", "fastrl_1M_s": "< 60"},
        "sizes": sizes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
