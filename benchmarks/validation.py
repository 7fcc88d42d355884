"""Validation benchmark: pySHACL against sco_kg.pipeline.fastshacl on synthetic data (not part of the test run).

    .venv/bin/python benchmarks/validation.py                       # 10k and 100k both, 1M fast only
    .venv/bin/python benchmarks/validation.py --sizes 10000         # a quick run
    .venv/bin/python benchmarks/validation.py --pyshacl-timeout 1800

Each measurement runs in a fresh Python process, so that its peak memory is its own. The
process parses the same input for both engines: the ontology with its imports (the
build's loader) and ``sco-kg synth`` data (seed 1) written once as TriG and parsed by
rdflib, into one rdflib Dataset; then it times ``sco_kg.pipeline.validate.validate(dataset,
shapes, stage="asserted", engine=...)``, the call the build makes (RDFS inference, as
the asserted stage asks). Times are given both ways: validation alone, and parsing the
data file plus validation. Where both engines run on a size, the pySHACL process also
runs the fast engine afterwards and checks that the two reports hold the same results
(focus, path, value, component, shape, severity, messages; blank nodes by their triples)
and the same verdict.

Writes ``benchmarks/results/validation.json``: per size, the samples, the medians, the
ratio pyshacl / fast (validation alone, and with parsing), peak resident memory of each
process (MiB), the agreement check, and the machine. pySHACL gets one run above 10k
triples and a time limit (``--pyshacl-timeout``); when it does not finish, the file says
so and gives the ratio as a lower bound.
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
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "validation.json"
SEED = 1


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def data_file(triples: int, folder: Path) -> Path:
    path = folder / f"synth-{triples}-{SEED}.trig"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "server"))
        from sco_kg.pipeline import synth

        synth.write(path, triples, SEED)
    return path


def load_input(path: Path):
    """(dataset, parse seconds, data triples): the ontology and imports, and the data file's
    named graphs (TriG, as ``sco-kg synth`` writes it)."""
    import warnings

    sys.path.insert(0, str(ROOT / "server"))
    from sco_kg.pipeline.load import load
    from sco_kg.pipeline.sources import Sources, ontology_dir

    dataset = load(Sources.from_dirs(ontology_dir()))
    before = len(dataset)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib 7.6's Dataset.parse
        dataset.parse(path, format="trig")
    parse_s = time.perf_counter() - started
    return dataset, parse_s, len(dataset) - before


def canonical(report, data) -> set:
    from rdflib import BNode
    from rdflib.namespace import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")

    def describe(node, depth=2):
        if not isinstance(node, BNode):
            return str(node)
        if depth == 0:
            return "_"
        return "_" + str(sorted((str(p), describe(o, depth - 1)) for p, o in data.predicate_objects(node)))

    def path_key(path):
        from sco_kg.pipeline.report import render_path

        return render_path(report, path, None) if path is not None else None

    return {
        (
            describe(report.value(r, sh.focusNode)),
            path_key(report.value(r, sh.resultPath)),
            describe(report.value(r, sh.value)),
            str(report.value(r, sh.sourceConstraintComponent)),
            str(report.value(r, sh.sourceShape)),
            str(report.value(r, sh.resultSeverity)),
            tuple(sorted(str(m) for m in report.objects(r, sh.resultMessage))),
        )
        for r in report.objects(None, sh.result)
    }


def child(engine: str, path: Path, repeats: int) -> dict:
    """One measurement, in this (fresh) process."""
    dataset, parse_s, data_triples = load_input(path)
    from rdflib import Graph
    from sco_kg.pipeline.sources import Sources
    from sco_kg.pipeline.validate import validate

    shapes = Graph().parse(Sources.default().shapes)
    samples, report = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        report = validate(dataset, shapes, stage="asserted", engine=engine)
        samples.append(round(time.perf_counter() - t0, 3))
    out = {
        "engine": engine,
        "data_quads": data_triples,
        "parse_s": round(parse_s, 3),
        "samples_s": samples,
        "median_s": round(statistics.median(samples), 3),
        "median_with_parse_s": round(statistics.median(samples) + parse_s, 3),
        "conforms": report.conforms,
        "results": len(report.results),
        "peak_rss_mib": rss_mib(),
    }
    if engine == "pyshacl":  # the same results from the fast engine, after pySHACL's peak was read
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        fast = validate(dataset, shapes, stage="asserted", engine="fast")
        ref_keys, fast_keys = canonical(report.graph, union), canonical(fast.graph, union)
        out["same_results_as_fast"] = ref_keys == fast_keys and report.verdict == fast.verdict
        out["pyshacl_only"] = len(ref_keys - fast_keys)
        out["fast_only"] = len(fast_keys - ref_keys)
    return out


def run_child(engine: str, path: Path, repeats: int, timeout: float | None) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, str(path), str(repeats)]
    print(f"  {engine:8} {path.name} x{repeats} ...", end="", flush=True, file=sys.stderr)
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f" did not finish in {timeout:.0f} s", file=sys.stderr)
        return {"engine": engine, "timeout_s": timeout, "finished": False}
    except subprocess.CalledProcessError as exc:
        print(" failed", file=sys.stderr)
        raise SystemExit(f"{engine} failed on {path}:\n{exc.stderr}") from exc
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["finished"] = True
    result["process_s"] = round(time.perf_counter() - started, 1)
    print(f" median {result['median_s']} s (+{result['parse_s']} s parse), peak {result['peak_rss_mib']} MiB",
          file=sys.stderr)
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
        load = os.getloadavg()
    except (ValueError, OSError):  # pragma: no cover
        mem, load = None, None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "load_average_at_start": load,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "rdflib": version("rdflib"),
        "pyshacl": version("pyshacl"),
        "pyoxigraph": version("pyoxigraph"),
    }


def ratios(entry: dict) -> None:
    fast, ref = entry["fast"], entry.get("pyshacl")
    if not ref:
        return
    if ref.get("finished"):
        entry["ratio_pyshacl_over_fast"] = round(ref["median_s"] / fast["median_s"], 1)
        entry["ratio_with_parse"] = round(ref["median_with_parse_s"] / fast["median_with_parse_s"], 1)
    else:  # a lower bound: pySHACL's time limit against the fast engine's median
        entry["ratio_pyshacl_over_fast_at_least"] = round(ref["timeout_s"] / fast["median_s"], 1)
        entry["ratio_with_parse_at_least"] = round(
            (ref["timeout_s"]) / fast["median_with_parse_s"], 1
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "FILE", "REPEATS"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--pyshacl-max", type=int, default=100_000, help="largest size pySHACL runs on")
    parser.add_argument("--pyshacl-timeout", type=float, default=1800.0, help="seconds before pySHACL is stopped")
    parser.add_argument("--repeats", type=int, default=3, help="runs of the fast engine per size")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.child:
        engine, path, repeats = args.child
        print(json.dumps(child(engine, Path(path), int(repeats))))
        return 0

    sizes = []
    with tempfile.TemporaryDirectory(prefix="sco-kg-validation-") as tmp:
        for n in args.sizes:
            print(f"{n:,} triples", file=sys.stderr)
            path = data_file(n, Path(tmp))
            entry: dict = {"triples_requested": n}
            entry["fast"] = run_child("fast", path, args.repeats, None)
            if n <= args.pyshacl_max:
                entry["pyshacl"] = run_child("pyshacl", path, 3 if n <= 10_000 else 1, args.pyshacl_timeout)
            ratios(entry)
            sizes.append(entry)
    report = {
        "benchmark": "validation: pySHACL vs sco_kg.pipeline.fastshacl, sco_kg.pipeline.validate.validate(stage='asserted') "
        "on one rdflib Dataset (ontology + imports + data)",
        "command": "benchmarks/validation.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "machine": machine(),
        "data": f"ontology + imports + sco_kg.pipeline.synth (seed {SEED}), written as TriG, parsed by rdflib",
        "parsing": "median_s excludes parsing the data file; median_with_parse_s adds the same rdflib parse "
        "(parse_s of that process) to each engine",
        "targets": {"ratio_at_100k": ">= 5"},
        "sizes": sizes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
