"""The benchmark of issue 6, from one command: every stage of the build and the endpoint,
each beside the peer people would pick instead, on the same synthetic data, in one run.

    benchmarks/setup.sh                      # once: wrk (Debian) and the oxigraph CLI
    .venv/bin/python benchmarks/run.py       # the full run (about 30 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick   # a smoke run: small data, 1 s per load test
    .venv/bin/python benchmarks/run.py --proofs-only   # reasoning with proofs again, other rows kept
    .venv/bin/python benchmarks/run.py --updates-only  # the latency of a change again, other rows kept

Not part of the test run. Writes ``benchmarks/results/run.json`` (every sample, medians,
ratios against the peers, peak memory, machine, versions, load average, date) and
``benchmarks/results/run.md`` (the tables the README quotes).

Stages (``sco-kg synth`` data, seed 1, at each ``--sizes`` and ``--big`` size). Each
measurement runs in a fresh Python process: its time is measured inside it around the
stage alone, its peak memory (``ru_maxrss``, input included) is read by the parent with
``wait4``. A measurement past ``--stage-timeout`` is killed and recorded as such.

* parse: ours (``sco_kg.pipeline.load.load`` with ``--data``: the ontology and imports
  (:mod:`sco_kg.rdf.fastparse`) and the file, a file from outside read by the one reader of
  strangers' RDF (:mod:`sco_kg.rdf.untrusted`: pyoxigraph's streaming parser through the term
  bridge), into the build's :class:`~sco_kg.rdf.quadset.QuadSet`) vs rdflib's own parsers
  (``Dataset.parse``) and ``pyoxigraph.parse`` alone (no rdflib terms) on the same files;
* validate: ``sco_kg.pipeline.validate.validate`` with pySHACL vs the fast validator
  (``engine="fast"``, when ``sco_kg.pipeline.validate.validate`` has it);
* reason: ``sco_kg.pipeline.reason.reason`` with fastrl vs owlrl (owlrl only up to ``--owlrl-max``);
* store: the same files into a pyoxigraph store as ``sco-kg serve`` does
  (``sco_kg.store.served.open_store``: bulk load + union default graph), in memory vs on disk;
* export: ``sco_kg.store.export.export`` of the reasoned dataset (every dump);
* build: the whole ``sco-kg build --data FILE`` command, the one pipeline (the validation
  includes the provenance of the graphs the file names and the check of every literal)
  (targets: 1M under 180 s, 4 GB).
* proofs (``--proofs-sizes``, and ``--same-as-size`` with ``sco-kg synth --same-as``):
  ``fastrl.closure(proofs=True)`` against the same closure without proofs, samples
  alternating (benchmarks/proofs.py; target: at most 2x the time and the peak memory).
* updates (``--updates-size``, 100k): the latency of a 10-triple ``INSERT DATA`` on a served
  store, sequential samples, and where its time goes, beside the full check of the same data
  (benchmarks/updates.py; target: p50 under 1 s at 100k).

Endpoint (``--endpoint-size``, default 100k): ours (``sco-kg serve``) against Oxigraph server
on the same reasoned N-Quads, every competency question under wrk at concurrency 1 and 8
(benchmarks/endpoint.py).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoint as endpoint_rows  # noqa: E402  (benchmarks/endpoint.py: the endpoint beside Oxigraph's)
import proofs as proof_rows  # noqa: E402  (benchmarks/proofs.py: the rows of reasoning with proofs)
import updates as update_rows  # noqa: E402  (benchmarks/updates.py: the latency of a change)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
OXIGRAPH = endpoint_rows.OXIGRAPH
SEED = 1
TARGETS = {
    "build_1M_s": "< 180",
    "build_1M_peak_mib": "< 4096",
    "reason_ratio_100k": ">= 20 (owlrl / fastrl)",
    "validate_ratio_100k": ">= 5 (pyshacl / fast)",
    "endpoint_overhead_c1_p50_ms": "<= 1 (ours - oxigraph, per CQ)",
    "endpoint_throughput_c8_join_heavy": ">= 0.8x oxigraph",
    "endpoint_p99_c8_join_heavy": "<= 1.5x oxigraph",
    "endpoint_errors": "0",
    "proofs_time_ratio_100k_1M": f"<= {proof_rows.TARGET:g} (fastrl with proofs / without)",
    "proofs_peak_ratio_100k_1M": f"<= {proof_rows.TARGET:g} (fastrl with proofs / without)",
    "update_p50_100k_s": f"< {update_rows.TARGET_P50_S:g} (10-triple INSERT DATA, committed)",
}


# ----------------------------------------------------------------------------- children

def child(stage: str, engine: str, path: str, out: str | None) -> dict:
    """One measurement in this fresh process; returns what it saw (seconds of the stage alone)."""
    sys.path.insert(0, str(ROOT / "server"))
    if stage == "proofs":
        return proof_rows.child(engine, path)
    if stage == "updates":
        return update_rows.child(path)
    from sco_kg.pipeline.sources import Sources

    sources = Sources.default(data_files=[path])
    files = [sources.ontology, *sources.imports, Path(path)]
    if stage == "parse" and engine == "pyoxigraph":
        import pyoxigraph as ox
        from sco_kg.store.memory import parse_format

        started = time.perf_counter()
        n = sum(sum(1 for _ in ox.parse(path=str(f), format=parse_format(f))) for f in files)
        return {"seconds": time.perf_counter() - started, "quads": n}
    if stage == "store":
        from sco_kg.store.served import open_store

        started = time.perf_counter()
        loaded = open_store(files=files, store_path=Path(out) if engine == "disk" else None)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "quads": len(loaded.store)}

    from sco_kg.pipeline.load import load
    from sco_kg.pipeline.reason import reason

    if stage == "parse" and engine == "rdflib":  # rdflib's own parsers, as the build used them before
        import warnings

        from rdflib import Dataset
        from sco_kg.rdf.readers import rdf_format

        started = time.perf_counter()
        ds = Dataset()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            for f in files:
                ds.parse(f, format=rdf_format(f))
        return {"seconds": time.perf_counter() - started, "quads": sum(len(g) for g in ds.graphs())}

    if stage == "served":  # the endpoint's data: project data + synthetic file, reasoned, N-Quads
        from sco_kg.store.export import FORMATS

        started = time.perf_counter()
        dataset = load(Sources.default(extra=[path]))
        reason(dataset, "fastrl")
        Path(out).write_text(FORMATS["nquads"].write(dataset), encoding="utf-8")
        return {"seconds": time.perf_counter() - started}

    started = time.perf_counter()
    dataset = load(sources)
    loaded_s = time.perf_counter() - started
    if stage == "parse":
        return {"seconds": loaded_s, "quads": sum(len(g) for g in dataset.graphs())}
    if stage == "validate":
        from sco_kg.pipeline.validate import validate

        kwargs = {"engine": engine} if "engine" in inspect.signature(validate).parameters else {}
        if engine != "pyshacl" and not kwargs:
            return {"unavailable": "sco_kg.pipeline.validate.validate has no engine= yet (fast validator not merged)"}
        started = time.perf_counter()
        report = validate(dataset, sources.shapes, stage="asserted", **kwargs)
        return {"seconds": time.perf_counter() - started, "conforms": report.conforms,
                "results": len(report.results), "input_s": loaded_s}
    if stage == "reason":
        started = time.perf_counter()
        inferred = reason(dataset, engine)
        return {"seconds": time.perf_counter() - started, "inferred": len(inferred), "input_s": loaded_s}
    if stage == "export":
        from sco_kg.store.export import export

        reason(dataset, "fastrl")
        started = time.perf_counter()
        export(dataset, Path(out))
        return {"seconds": time.perf_counter() - started, "input_s": loaded_s}
    raise SystemExit(f"unknown stage {stage}")


def measure(args: list[str], timeout: float, parse_json: bool = True) -> dict:
    """Run a command in a fresh process; its JSON answer plus wall time and peak RSS (MiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "server")}, start_new_session=True)
    deadline = started + timeout
    status = rusage = None
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, rusage = os.wait4(proc.pid, 0)
            return {"timeout": True, "limit_s": timeout, "peak_rss_mib": round(rusage.ru_maxrss / 1024, 1)}
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stdout, stderr = proc.stdout.read().decode(), proc.stderr.read().decode()
    out: dict = {"wall_s": round(wall, 3), "peak_rss_mib": round(rusage.ru_maxrss / 1024, 1),
                 "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 2)}
    if os.waitstatus_to_exitcode(status) != 0:
        out["error"] = (stderr.strip().splitlines() or ["exit " + str(status)])[-1][:300]
        return out
    if parse_json:
        out.update(json.loads(stdout.strip().splitlines()[-1]))
        out["seconds"] = round(out["seconds"], 3)
    return out


def stage(name: str, engine: str, path: Path, work: Path, timeout: float) -> dict:
    out = work / f"out-{name}-{engine}-{path.stem}"
    shutil.rmtree(out, ignore_errors=True)
    result = measure([PYTHON, __file__, "--child", name, engine, str(path), str(out)], timeout)
    shutil.rmtree(out, ignore_errors=True)
    print(f"  {name:<8} {engine:<10} {path.stem:<16} {_show(result)}", flush=True)
    return result


def whole_build(path: Path, work: Path, timeout: float, validate: bool) -> dict:
    out = work / f"build-{path.stem}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [PYTHON, "-m", "sco_kg", "build", "-q", "--data", str(path), "--out", str(out)]
    result = measure(cmd + ([] if validate else ["--no-validate"]), timeout, parse_json=False)
    if "wall_s" in result and "error" not in result:
        result["seconds"] = result["wall_s"]
    shutil.rmtree(out, ignore_errors=True)
    print(f"  build    {'validated' if validate else 'no-validate':<10} {path.stem:<16} {_show(result)}", flush=True)
    return result


def _show(r: dict) -> str:
    if r.get("timeout"):
        return f"TIMEOUT > {r['limit_s']:g} s ({r['peak_rss_mib']} MiB so far)"
    if "error" in r:
        return f"ERROR {r['error']}"
    if "unavailable" in r:
        return f"n/a: {r['unavailable']}"
    return f"{r['seconds']:8.2f} s  peak {r['peak_rss_mib']:7.1f} MiB"


# ----------------------------------------------------------------------------- the run

def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for name in ("rdflib", "pyshacl", "owlrl", "pyoxigraph", "oxigraph", "flask", "waitress"):
        try:
            versions[name] = version(name)
        except Exception:
            versions[name] = None
    versions["wrk"] = (subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout or "").split("[")[0].strip() \
        if shutil.which("wrk") else None
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1), "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions, "git": git}


def ratio(a: dict, b: dict):
    if a.get("seconds") and b.get("seconds"):
        return round(a["seconds"] / b["seconds"], 1)
    return None


def synth_file(work: Path, n: int, same_as: float = 0.0) -> Path:
    """``sco-kg synth`` data (seed 1) in the scratch folder, made once."""
    f = work / (f"synth-{n}.trig" if not same_as else f"synth-{n}-same-as-{same_as:g}.trig")
    if not f.is_file():
        subprocess.run([PYTHON, "-m", "sco_kg", "synth", "--triples", str(n), "--seed", str(SEED), "--out", str(f)]
                       + (["--same-as", str(same_as)] if same_as else []),
                       cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "server")},
                       stderr=subprocess.DEVNULL)
    return f


def proofs(opts, work: Path) -> dict:
    """The rows of reasoning with proofs against without (benchmarks/proofs.py)."""
    cases = proof_rows.cases(opts.proofs_sizes, opts.same_as_size, opts.same_as)
    files = {(c["triples"], c["same_as"]): synth_file(work, c["triples"], c["same_as"]) for c in cases}
    print("reasoning with proofs / without", flush=True)
    sample = lambda flag, path: measure([PYTHON, __file__, "--child", "proofs", flag, path, "-"],  # noqa: E731
                                        opts.stage_timeout)
    return proof_rows.run(cases, files, opts.proofs_repeat, sample)


def updates(opts, work: Path) -> dict:
    """The rows of the latency of a change (benchmarks/updates.py)."""
    check = lambda store: measure([PYTHON, __file__, "--child", "updates", "check", str(store), "-"],  # noqa: E731
                                  opts.build_timeout)
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    row = update_rows.measure(opts.updates_size, synth_file(work, opts.updates_size), work, opts.updates_samples,
                              opts.updates_checks, opts.build_timeout, check, SEED)
    return {**row, "git": git.strip(), "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "load_average_after": [round(x, 2) for x in os.getloadavg()]}


def run(opts) -> dict:
    work = Path(opts.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(opts.sizes) | set(opts.big))
    files = {n: synth_file(work, n) for n in sorted(set(sizes) | ({opts.endpoint_size} - {0}))}  # 0: no endpoint
    doc: dict = {"benchmark": "issue 6: stages and endpoint beside their peers (benchmarks/run.py)",
                 "command": " ".join(["benchmarks/run.py", *sys.argv[1:]]),
                 "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                 "load_average_before": [round(x, 2) for x in os.getloadavg()],
                 "machine": machine(), "targets": TARGETS, "stages": {}}
    t = opts.stage_timeout
    for n in sizes:
        f = files[n]
        print(f"stages at {n} triples ({f.name})", flush=True)
        s: dict = {}
        s["parse"] = {"sco_kg.pipeline.load": stage("parse", "load", f, work, t), "rdflib": stage("parse", "rdflib", f, work, t),
                      "pyoxigraph": stage("parse", "pyoxigraph", f, work, t)}
        s["validate"] = {"fast": stage("validate", "fast", f, work, t)}
        if n <= opts.pyshacl_max:
            s["validate"]["pyshacl"] = stage("validate", "pyshacl", f, work, t)
        s["reason"] = {"fastrl": stage("reason", "fastrl", f, work, t)}
        if n <= opts.owlrl_max:
            s["reason"]["owlrl"] = stage("reason", "owlrl", f, work, t)
        s["store"] = {"memory": stage("store", "memory", f, work, t), "disk": stage("store", "disk", f, work, t)}
        if n <= opts.export_max:
            s["export"] = {"ours": stage("export", "ours", f, work, t)}
        s["build"] = {"no_validate": whole_build(f, work, opts.build_timeout, validate=False),
                      "validated": whole_build(f, work, opts.build_timeout, validate=True)}
        s["ratios"] = {
            "parse_rdflib_over_pyoxigraph": ratio(s["parse"]["rdflib"], s["parse"]["pyoxigraph"]),
            "parse_rdflib_over_load": ratio(s["parse"]["rdflib"], s["parse"]["sco_kg.pipeline.load"]),
            "validate_pyshacl_over_fast": ratio(s["validate"].get("pyshacl", {}), s["validate"]["fast"]),
            "reason_owlrl_over_fastrl": ratio(s["reason"].get("owlrl", {}), s["reason"]["fastrl"]),
            "store_disk_over_memory": ratio(s["store"]["disk"], s["store"]["memory"]),
        }
        doc["stages"][str(n)] = s
    if opts.proofs_sizes or opts.same_as_size:
        doc["proofs"] = proofs(opts, work)
    if opts.endpoint_size:
        served = lambda synth, out: measure([PYTHON, __file__, "--child", "served", "fastrl", str(synth), str(out)],  # noqa: E731
                                            opts.build_timeout)
        ep = endpoint_rows.endpoint(opts.endpoint_size, files[opts.endpoint_size], work, opts.c1_duration,
                                    opts.c8_duration, served, SEED)
        ep.update(endpoint_rows.endpoint_summary(ep))
        doc["endpoint"] = ep
    if opts.updates_size:
        doc["updates"] = updates(opts, work)
    doc["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return doc


# ----------------------------------------------------------------------------- the table

def fmt_s(r: dict | None) -> str:
    if not r:
        return "-"
    if r.get("timeout"):
        return f"> {r['limit_s']:g} s (killed)"
    if "error" in r:
        return "error"
    if "unavailable" in r:
        return "n/a"
    return f"{r['seconds']:.2f} s / {r['peak_rss_mib']:.0f} MiB"


def markdown(doc: dict) -> str:
    m = doc["machine"]
    lines = [f"# Benchmark (benchmarks/run.py), {doc['date']}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
             f"git {m['git']}; load average before {doc['load_average_before']}, after {doc['load_average_after']}.",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".", ""]
    if doc.get("stages_from"):
        f = doc["stages_from"]
        lines += [f"Stages from the run of {f['date']} (load average before {f['load_average_before']}, "
                  f"after {f['load_average_after']}); endpoint measured again with `--endpoint-only`.", ""]
    lines += [f"Note: {note}" for note in doc.get("notes", [])] + ([""] if doc.get("notes") else [])
    lines += [
             "## Stages (time of the stage alone / peak RSS of its process)", "",
             "| triples | stage | ours | peer | peer / ours |", "|---|---|---|---|---|"]
    for n, s in doc["stages"].items():
        rows = [("parse", s["parse"].get("sco_kg.pipeline.load"), "rdflib parser", s["parse"].get("rdflib"), "sco_kg.pipeline.load"),
                ("parse (peers)", s["parse"].get("pyoxigraph"), "rdflib parser", s["parse"].get("rdflib"),
                 "pyoxigraph parse alone"),
                ("validate", s["validate"].get("fast"), "pyshacl", s["validate"].get("pyshacl"), "fast validator"),
                ("reason", s["reason"].get("fastrl"), "owlrl", s["reason"].get("owlrl"), "fastrl"),
                ("store load", s["store"].get("memory"), "on disk", s["store"].get("disk"), "in memory"),
                ("export", (s.get("export") or {}).get("ours"), "", None, "every dump"),
                ("build (no validation)", s["build"].get("no_validate"), "", None, "sco-kg build"),
                ("build (validated)", s["build"].get("validated"), "", None, "sco-kg build")]
        for name, ours, peer_name, peer, ours_name in rows:
            if ours is None and peer is None:
                continue
            r = ratio(peer or {}, ours or {})
            lines.append(f"| {int(n):,} | {name} | {ours_name}: {fmt_s(ours)} | "
                         f"{(peer_name + ': ' + fmt_s(peer)) if peer_name else ''} | {r if r else ''} |")
    if doc.get("endpoint"):
        lines += endpoint_rows.markdown(doc["endpoint"])
    if doc.get("proofs"):
        lines += proof_rows.markdown(doc["proofs"])
    if doc.get("updates"):
        lines += update_rows.markdown(doc["updates"])
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, name, engine, path, out = sys.argv
        result = child(name, engine, path, out)
        print(json.dumps(result))
        return
    ints = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=ints, default=[10_000, 100_000], help="sizes for every stage and its peers")
    p.add_argument("--big", type=ints, default=[1_000_000], help="sizes for our stages only (no slow peers)")
    p.add_argument("--owlrl-max", type=int, default=100_000, help="largest size owlrl runs at")
    p.add_argument("--pyshacl-max", type=int, default=100_000, help="largest size pySHACL runs at")
    p.add_argument("--export-max", type=int, default=1_000_000, help="largest size the export stage runs at")
    p.add_argument("--endpoint-size", type=int, default=100_000, help="synthetic triples served (0: no endpoint)")
    p.add_argument("--c1-duration", type=float, default=5, help="seconds of load per CQ at concurrency 1")
    p.add_argument("--c8-duration", type=float, default=10, help="seconds of load per join-heavy CQ at concurrency 8")
    p.add_argument("--stage-timeout", type=float, default=300, help="a stage measurement past this is killed")
    p.add_argument("--build-timeout", type=float, default=300, help="a whole build past this is killed")
    p.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "sco-kg-bench"), help="scratch folder")
    p.add_argument("--out", default=str(RESULTS / "run"), help="results file stem (.json and .md)")
    p.add_argument("--quick", action="store_true", help="smoke run: 2k triples, 1 s per load test")
    p.add_argument("--endpoint-only", action="store_true",
                   help="measure the endpoint again; keep the stages (and their date) of the results file")
    p.add_argument("--proofs-sizes", type=ints, default=[100_000, 1_000_000],
                   help="sizes at which fastrl runs with proofs and without")
    p.add_argument("--same-as-size", type=int, default=100_000, help="size of the owl:sameAs graph (0: none)")
    p.add_argument("--same-as", type=float, default=0.5,
                   help="share of its entities known by two IRIs (sco-kg synth --same-as)")
    p.add_argument("--proofs-repeat", type=int, default=3, help="samples of each side of the proofs rows")
    p.add_argument("--proofs-only", action="store_true",
                   help="measure the proofs rows again; keep the other rows of the results file")
    p.add_argument("--updates-size", type=int, default=100_000, help="synthetic triples of the updates rows (0: none)")
    p.add_argument("--updates-samples", type=int, default=20, help="updates timed (after one warm-up)")
    p.add_argument("--updates-checks", type=int, default=3, help="samples of the full check beside them")
    p.add_argument("--updates-only", action="store_true",
                   help="measure the updates rows again; keep the other rows of the results file")
    opts = p.parse_args()
    if opts.quick:
        opts.sizes, opts.big, opts.endpoint_size, opts.c1_duration, opts.c8_duration = [2000], [], 2000, 1, 1
        opts.proofs_sizes, opts.same_as_size, opts.proofs_repeat = [2000], 2000, 1
        opts.updates_size, opts.updates_samples, opts.updates_checks = 2000, 3, 1
    for tool in ("wrk", OXIGRAPH) if not (opts.proofs_only or opts.updates_only) else ():
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: run benchmarks/setup.sh")
    out = Path(opts.out)
    if opts.proofs_only:
        doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
        work = Path(opts.work)
        work.mkdir(parents=True, exist_ok=True)
        doc["proofs"] = {**proofs(opts, work), "machine": machine(),
                         "command": " ".join(["benchmarks/run.py", *sys.argv[1:]])}
        doc["targets"] = {**doc.get("targets", {}), **TARGETS}
    elif opts.updates_only:
        doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
        work = Path(opts.work)
        work.mkdir(parents=True, exist_ok=True)
        doc["updates"] = {**updates(opts, work), "machine": machine(),
                          "command": " ".join(["benchmarks/run.py", *sys.argv[1:]])}
        doc["targets"] = {**doc.get("targets", {}), **TARGETS}
    elif opts.endpoint_only:
        previous = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
        opts.sizes, opts.big, opts.proofs_sizes, opts.same_as_size, opts.updates_size = [], [], [], 0, 0
        doc = run(opts)
        doc["stages"] = previous["stages"]
        if previous.get("proofs"):  # measured apart: kept with its own date and machine
            doc["proofs"] = {"machine": previous.get("machine"), **previous["proofs"]}
        if previous.get("updates"):
            doc["updates"] = previous["updates"]
        doc["stages_from"] = {k: previous.get(k) for k in ("date", "command", "load_average_before",
                                                           "load_average_after", "machine")}
    else:
        doc = run(opts)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(doc), encoding="utf-8")
    print(f"wrote {out.with_suffix('.json')} and {out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
