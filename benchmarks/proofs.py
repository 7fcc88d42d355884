"""The rows of benchmarks/run.py that measure reasoning with proofs (issue 14): fastrl with
``proofs=True`` against the same reasoning without them, in the same run.

Not a script of its own: ``benchmarks/run.py`` runs these rows in a full run and alone with
``--proofs-only`` (the other rows of the results file are kept). Each sample is one fresh
Python process (``run.py --child proofs on|off FILE``): it loads the ontology, its imports and
the synthetic file as a build does (``sco_kg.pipeline.load``), then times
``fastrl.closure(dataset, exclude=[kgg:inferred], proofs=...)`` alone, the call
``sco-kg explain`` makes; the two sides differ by that flag only. Memory as in every row of
run.py: the peak RSS of the process (``ru_maxrss``, read by the parent with ``wait4``), the
input included. The child also reports its RSS just before the closure, so the growth
during the closure (peak minus that) is recorded beside it.

The samples of one graph alternate (without, with, with, without, ...: each side goes first
as often) and the row gives the medians and the ratios with / without. The target of the
issue: at most :data:`TARGET` times the time and the memory, at 100k and 1M triples. A
graph with ``owl:sameAs`` (``sco-kg synth --same-as``) is measured too: each of its
equalities makes the eq-rep-* rules copy every triple about the entity.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Callable

TARGET = 2.0  # with proofs / without, in time and in peak memory (issue 14)


def child(flag: str, path: str) -> dict:
    """One sample, in this fresh process: the closure of ontology + imports + ``path``, with
    proofs if ``flag`` is ``on``. Seconds of the closure alone."""
    from sco_kg.pipeline import fastrl
    from sco_kg.pipeline.load import load
    from sco_kg.pipeline.sources import Sources
    from sco_kg.rdf.namespaces import INFERRED_GRAPH

    started = time.perf_counter()
    dataset = load(Sources.default(data_files=[path]))
    input_s = time.perf_counter() - started
    before = _rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    result = fastrl.closure(dataset, exclude=[INFERRED_GRAPH], proofs=flag == "on")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    stats = result.stats
    out = {"seconds": seconds, "cpu_s_closure": round(cpu, 3), "input_s": round(input_s, 3), "rss_before_mib": before,
           "phases_s": {k[len("seconds_"):]: v for k, v in stats.items() if k.startswith("seconds_")},
           "asserted": stats["asserted"], "inferred": stats["inferred"], "rounds": stats["rounds"],
           "same_as_classes": stats["same_as_classes"]}
    if result.proofs is not None:
        out.update(proofs=stats["proofs"], proof_rounds=stats["proof_rounds"],
                   unproven=sum(1 for t in result.triples if t not in result.proofs))
    return out


def _rss_mib() -> float:
    """The resident set size of this process now, MiB (Linux)."""
    with open("/proc/self/statm") as f:
        return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def cases(sizes: list[int], same_as_size: int, same_as: float) -> list[dict]:
    """The graphs measured: ``sco-kg synth`` at each size, and one with ``--same-as``."""
    out = [{"name": f"synth {n:,}", "triples": n, "same_as": 0.0, "target": True} for n in sizes]
    if same_as_size and same_as:  # the target is about the synthetic graphs as they are
        out.append({"name": f"synth {same_as_size:,}, same-as {same_as:g}", "triples": same_as_size,
                    "same_as": same_as, "target": False})
    return out


def measure(case: dict, path, repeat: int, sample: Callable[[str, str], dict]) -> dict:
    """``repeat`` samples of each side of one graph, alternating; ``sample(flag, path)`` is
    run.py's measurement of one child. Returns the row (:func:`summary`) with its samples."""
    samples: dict = {"off": [], "on": []}
    for i in range(repeat):
        for flag in (("off", "on") if i % 2 == 0 else ("on", "off")):
            samples[flag].append(sample(flag, str(path)))
    return {**case, "file": os.path.basename(str(path)), "samples": samples, **summary(samples)}


def _median(rows: list[dict], key: str):
    xs = [r[key] for r in rows if r.get(key) is not None]
    return round(statistics.median(xs), 3) if xs else None


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def summary(samples: dict) -> dict:
    """Medians of each side, the ratios with / without, and the target checks."""
    failed = [r for side in samples.values() for r in side if "seconds" not in r]
    if failed:
        r = failed[0]
        why = f"killed after {r['limit_s']:g} s" if r.get("timeout") else r.get("error", r.get("unavailable", "?"))
        return {"error": why}
    off, on = samples["off"], samples["on"]
    for side in (off, on):
        for r in side:
            r["growth_mib"] = round(r["peak_rss_mib"] - r["rss_before_mib"], 1)
    out: dict = {}
    for name, side in (("without", off), ("with", on)):
        out[name] = {"seconds": _median(side, "seconds"), "cpu_s": _median(side, "cpu_s_closure"),
                     "peak_rss_mib": _median(side, "peak_rss_mib"),
                     "growth_mib": _median(side, "growth_mib"), "samples": len(side),
                     "seconds_min": min(r["seconds"] for r in side), "seconds_max": max(r["seconds"] for r in side)}
    first = on[0]
    out["asserted"], out["inferred"] = first["asserted"], first["inferred"]
    out["proofs"], out["same_as_classes"] = first.get("proofs"), first["same_as_classes"]
    out["unproven"] = max(r.get("unproven", 0) for r in on)
    w, wo = out["with"], out["without"]
    out["time_ratio"] = _ratio(w["seconds"], wo["seconds"])
    out["cpu_ratio"] = _ratio(w["cpu_s"], wo["cpu_s"])  # the CPU time of the closure: less moved by other load
    out["peak_ratio"] = _ratio(w["peak_rss_mib"], wo["peak_rss_mib"])
    out["growth_ratio"] = _ratio(w["growth_mib"], wo["growth_mib"])
    out["time_met"] = out["time_ratio"] is not None and out["time_ratio"] <= TARGET
    out["peak_met"] = out["peak_ratio"] is not None and out["peak_ratio"] <= TARGET
    return out


def run(cases_: list[dict], files: dict, repeat: int, sample: Callable[[str, str], dict]) -> dict:
    """Every row: ``files`` maps (triples, same_as) to the synthetic file of a case."""
    from datetime import datetime, timezone

    doc: dict = {"date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                 "load_average_before": [round(x, 2) for x in os.getloadavg()],
                 "repeat": repeat, "target_ratio": TARGET, "rows": []}
    for case in cases_:
        row = measure(case, files[case["triples"], case["same_as"]], repeat, sample)
        doc["rows"].append(row)
        print(f"  proofs   {case['name']:<28} {show(row)}", flush=True)
    doc["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return doc


def show(row: dict) -> str:
    if "error" in row:
        return f"ERROR {row['error']}"
    w, wo = row["with"], row["without"]
    return (f"without {wo['seconds']:.2f} s {wo['peak_rss_mib']:.0f} MiB, with {w['seconds']:.2f} s "
            f"{w['peak_rss_mib']:.0f} MiB: {row['time_ratio']}x time, {row['peak_ratio']}x peak")


def markdown(section: dict) -> list[str]:
    """The section of run.md."""
    m = section.get("machine")
    where = (f" Measured {section['date']}"
             + (f" (git {m['git']}, {m['cores']} cores, {m['memory_gib']} GiB)" if m else "")
             + f", load average before {section['load_average_before']}, after {section['load_average_after']}.")
    lines = ["", "## Reasoning with proofs (fastrl `closure(proofs=True)` / the same closure without)", "",
             f"Median of {section['repeat']} samples a side, alternating; time of the closure alone / peak RSS "
             f"of the process (input included); growth: peak minus the RSS just before the closure; CPU: the ratio of "
             f"the closure's CPU time, less moved by other load on the machine. "
             f"Target (issue 14): with / without <= {section['target_ratio']:g} in time and in peak memory."
             + where, "",
             "| data | asserted / inferred | without proofs | with proofs | time ratio | peak ratio | growth "
             "(without / with) | target |",
             "|---|---|---|---|---|---|---|---|"]
    for r in section["rows"]:
        if "error" in r:
            lines.append(f"| {r['name']} | | | | | | | error: {r['error']} |")
            continue
        w, wo = r["with"], r["without"]
        over = [k for k, ok in (("time", r["time_met"]), ("memory", r["peak_met"])) if not ok]
        verdict = ("met" if not over else f"not met ({', '.join(over)})") if r.get("target", True) else (
            "none (" + (f"over {TARGET:g}x in {' and '.join(over)}" if over else f"within {TARGET:g}x") + ")")
        same = f"; {r['same_as_classes']:,} sameAs classes" if r["same_as_classes"] else ""
        lines.append(
            f"| {r['name']} | {r['asserted']:,} / {r['inferred']:,}{same} | {wo['seconds']:.2f} s / "
            f"{wo['peak_rss_mib']:.0f} MiB | {w['seconds']:.2f} s / {w['peak_rss_mib']:.0f} MiB | "
            f"{r['time_ratio']} (CPU {r.get('cpu_ratio')}) | {r['peak_ratio']} | {wo['growth_mib']:.0f} / {w['growth_mib']:.0f} MiB "
            f"({r['growth_ratio']}x) | {verdict} |")
    return lines
