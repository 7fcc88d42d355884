"""The rows of benchmarks/run.py that measure a change (issue 15, item 5): the latency of a
10-triple ``INSERT DATA`` into a curated graph, beside the full check of the same data.

Not a script of its own: ``benchmarks/run.py`` runs these rows in a full run and alone with
``--updates-only`` (the other rows of the results file are kept).

* **The server**: ``sco-kg serve --store DIR --data synth.trig --update-token-file F``, the
  project's data plus ``sco-kg synth`` data (``--updates-size``, 100k), built (validated,
  reasoned, with proofs) into a fresh on-disk store, one query worker. Its start is timed.
* **The samples**: one warm-up, then ``--updates-samples`` (20) updates, one after the other,
  each ``INSERT DATA`` of 10 new triples into ``<https://example.org/bench/curated>``, each
  committed (200 and a change id, else the run stops). Latency: the client's, request sent
  to answer read. p99 is the nearest rank: of 20 samples, the slowest.
* **The profile**: each answer's ``seconds`` (the writer's own clock:
  :mod:`sco_kg.store.ingest`, :mod:`sco_kg.store.change_job`): ``child start`` (the confined
  child's start, the job sent, the answer read), ``copy`` (the served generation copied into
  memory), ``update`` (the update run on it, the difference), ``check load`` / ``check validate`` /
  ``check reason`` / ``check validate closure`` (the one pipeline over the served dump, the
  log and the change), ``store quads`` / ``store history`` / ``store union`` (the next
  generation written, the union materialised), ``commit log`` (to the commit point), ``commit
  record``, ``commit open`` (the new generation opened and counted), ``commit swap`` (the app
  repointed, idle query workers replaced); ``http`` is the client's latency less the writer's
  total. Medians over the samples.
* **The full check**: :func:`sco_kg.pipeline.check.check` over what the store is made of
  after the samples (its build's dump and its log), as each change runs it, in a fresh
  process (``run.py --child updates check STORE``); ``--updates-checks`` samples (3).

The target of the issue: p50 under :data:`TARGET_P50_S` s at 100k triples.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
TARGET_P50_S = 1.0
TOKEN = "bench-update-token-0123456789abcdef"
GRAPH = "https://example.org/bench/curated"
TRIPLES = 10
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def child(store: str) -> dict:
    """The full check, in this fresh process: the pipeline over the store's dump and log."""
    from sco_kg.pipeline.check import check, strangers_limits
    from sco_kg.pipeline.sources import Sources, log_input
    from sco_kg.store.disk import log_entries, read_record

    files = read_record(Path(store))["files"]
    log = log_entries(Path(store))
    started = time.perf_counter()
    checked = check(Sources.of_served(files, [log_input(p) for p in log]), limits=strangers_limits(), proofs=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "conforms": checked.conforms, "log_entries": len(log),
            "steps": {k: round(v, 3) for k, v in (checked.result.timings if checked.result else {}).items()}}


def insert(i: int) -> str:
    triples = " ".join(f'<https://example.org/bench/item-{i}-{j}> <{RDFS_LABEL}> "item {i} {j}" .'
                       for j in range(TRIPLES))
    return f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {triples} }} }}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _update(url: str, text: str) -> tuple[int, dict, float]:
    req = urllib.request.Request(url + "/update", data=text.encode(), method="POST", headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=600) as resp:
            body = json.loads(resp.read())
            return resp.status, body, time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, {"error": exc.read().decode("utf-8", "replace")[:500]}, time.perf_counter() - started


def _start(synth: Path, work: Path, timeout: float) -> tuple[subprocess.Popen, str, float]:
    store, cache = work / "updates-store", work / "updates-cache"
    shutil.rmtree(store, ignore_errors=True)
    token = work / "updates-token"
    token.write_text(f"bench {TOKEN}\n")
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sco_kg", "serve", "--store", str(store), "--data", str(synth),
                             "--cache-dir", str(cache), "--update-token-file", str(token), "--workers", "1",
                             "--port", str(port), "-q"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=(work / "updates-serve.log").open("wb"), start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "server")})
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}): see {work / 'updates-serve.log'}")
        try:
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=5):
                return proc, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit(f"the server did not answer within {timeout:g} s")


def measure(size: int, synth: Path, work: Path, samples: int, checks: int, timeout: float,
            full_check: Callable[[Path], dict], seed: int) -> dict:
    """The row (see the module's docstring); ``full_check(store)`` is run.py's measurement of
    one child (:func:`child`)."""
    print(f"updates: a {TRIPLES}-triple INSERT DATA on project data + {synth.name}", flush=True)
    proc, url, start_s = _start(synth, work, timeout)
    runs = []
    try:
        for i in range(samples + 1):
            status, body, latency = _update(url, insert(i))
            if status != 200 or not body.get("change"):
                raise SystemExit(f"update {i} was not committed: {status} {body}")
            runs.append({"latency_s": round(latency, 3), "seconds": body["seconds"]})
            print(f"  update {i}{' (warm-up)' if i == 0 else ''}: {latency:6.2f} s  {body['seconds']}", flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    full = [full_check(work / "updates-store") for _ in range(checks)]
    for f in full:
        print(f"  full check: {f.get('seconds')} s  {f.get('steps')}", flush=True)
    quads = json.loads((work / "updates-store" / "build.json").read_text())["quads"]
    return {"data": f"project data + sco-kg synth {size:,} (seed {seed})", "triples": size, "store_quads": quads,
            "serve_start_s": round(start_s, 2), "warm_up": runs[0], "samples": runs[1:], "full_check": full,
            **summary(runs[1:], full)}


def percentile(values: list[float], q: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(runs: list[dict], full: list[dict]) -> dict:
    latency = [r["latency_s"] for r in runs]
    keys: dict = {}
    for r in runs:
        parts = {**{k: v for k, v in r["seconds"].items() if k != "steps"}, **r["seconds"].get("steps", {})}
        parts["http"] = round(r["latency_s"] - r["seconds"]["total"], 3)
        for k, v in parts.items():
            keys.setdefault(k, []).append(v)
    checks = [f["seconds"] for f in full if "seconds" in f]
    p50 = round(statistics.median(latency), 3) if latency else None
    return {"p50_s": p50, "p99_s": percentile(latency, 0.99) if latency else None,
            "profile_median_s": {k: round(statistics.median(v), 3) for k, v in keys.items()},
            "full_check_s": round(statistics.median(checks), 3) if checks else None,
            "target_p50_s": TARGET_P50_S, "target_met": p50 is not None and p50 < TARGET_P50_S}


#: the profile's rows, in the order a change runs, each with what it is
STEPS = [("child start", "the confined child started, the job sent, the answer read"),
         ("copy", "the served generation copied into memory"), ("update", "the update run, the difference"),
         ("check load", "the pipeline reads the served dump, the log and the change"),
         ("check validate", "the asserted data validated"), ("check reason", "the closure, with proofs"),
         ("check validate closure", "the closure validated"),
         ("store quads", "the next generation's quads (a set, or written)"),
         ("store history", "kgg:history written"), ("store union", "the union default graph materialised, counted"),
         ("store checkpoint", "a checkpoint of the served generation (hard links)"),
         ("store delta", "the difference written into it"),
         ("commit log", "the entry fsynced, renamed into the log, folder fsynced"),
         ("commit record", "build.json replaced"), ("commit open", "the new generation opened, counted"),
         ("commit swap", "the app repointed, idle query workers replaced"),
         ("http", "the request's way through waitress and the route, the lock")]


def markdown(row: dict) -> list[str]:
    """The section of run.md."""
    if "p50_s" not in row:
        return ["", "## Updates", "", f"Not measured: {row.get('error', 'no result')}"]
    prof = row["profile_median_s"]
    total = prof.get("total")
    lines = ["", f"## Updates ({row['data']}; store of {row['store_quads']:,} quads)", "",
             f"A {TRIPLES}-triple `INSERT DATA` into a curated graph, {len(row['samples'])} sequential samples "
             f"after one warm-up, each committed (benchmarks/updates.py). Measured "
             f"{row.get('date', '')} at git {row.get('git', '?')}, load average after "
             f"{row.get('load_average_after', '?')} (2 cores shared with other runs: the copy and the "
             f"child's start, which no change here touched, took 1.5-4x their time in the first run).", "",
             f"* latency p50 **{row['p50_s']:.2f} s**, p99 {row['p99_s']:.2f} s (nearest rank: the slowest of "
             f"{len(row['samples'])}); target p50 < {row['target_p50_s']:g} s: "
             f"{'met' if row['target_met'] else 'not met'}",
             f"* the full check of the same data (the pipeline over the store's dump and log, a fresh process): "
             f"{row['full_check_s']} s (median of {len(row['full_check'])})",
             f"* the server's start (build of the data, store written): {row['serve_start_s']} s", "",
             "| step | median s | share | what |", "|---|---|---|---|"]
    for key, what in STEPS:
        if key in prof:
            share = f"{100 * prof[key] / row['p50_s']:.0f} %" if row["p50_s"] else ""
            lines.append(f"| {key} | {prof[key]:.3f} | {share} | {what} |")
    lines.append(f"| (writer's total) | {total} | | the sum, `seconds.total` of the answer |")
    return lines
