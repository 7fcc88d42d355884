"""The endpoint rows of benchmarks/run.py (issue 6): ours beside Oxigraph server.

Not a script of its own: ``benchmarks/run.py`` runs them in a full run and alone with
``--endpoint-only``.

At ``--endpoint-size`` (default 100k): the project's data plus the synthetic file,
reasoned by fastrl, written as N-Quads (the build's own writer), served by
``sco-kg serve --no-build --data served.nq`` (in memory, waitress, query workers) and by
``oxigraph serve-read-only`` over the same N-Quads (``oxigraph load``) with the union
default graph materialised as ours is (``oxigraph update``: INSERT every triple of every
graph into the default graph, so both answer the same; checked on every CQ before timing).
The load is driven by wrk (C, epoll: one thread costs a few percent of a core at these rates;
its CPU time is recorded beside the servers' so a saturated client would show), POSTing each
competency question (``application/sparql-query``) for a fixed duration at concurrency 1
and 8 (every CQ), same client, same flags for both servers. The machine has 2 cores: client and
server share them. A CQ counts as join-heavy when Oxigraph server itself needs at least
``JOIN_HEAVY_MS`` at p50 at concurrency 1 to answer it: the engine's join work then outweighs
any HTTP stack's. Counting triple patterns (the first version of this script) called
anchored lookups join-heavy: 03 and 10 have seven patterns, all hanging off one IRI, and
Oxigraph answers them in 0.2 ms. The summary gives the ratios of both groups; the targets
are about the join-heavy one.
"""

from __future__ import annotations

import json
import os
import re
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
PYTHON = sys.executable
OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")
JOIN_HEAVY_MS = 1.0  # Oxigraph server's own p50 at c=1 from which a CQ counts as join-heavy
UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, query: str, accept: str, timeout: float = 60) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=query.encode(), method="POST",
                                 headers={"Content-Type": "application/sparql-query", "Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}): see its log in the --work folder")
        try:
            if post(url, "ASK {}", "application/sparql-results+json", 5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} not ready after {seconds} s")


#: Joins over the whole graph (the CQs are anchored on the article's entities, so even over
#: 100k triples most of them touch few triples): the membership join the issue measured.
_JOIN_PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_MEMBERSHIPS = """?m a org:Membership ; org:member ?who ; org:organization ?org ; org:role ?role .
  ?who rdfs:label ?name . ?org rdfs:label ?orgname .
  FILTER(lang(?name) = "en" && lang(?orgname) = "en")"""
JOINS = {
    "x1-membership-join-count": _JOIN_PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE {\n  " + _MEMBERSHIPS + "\n}\n",
    "x2-membership-join-sorted": _JOIN_PREFIXES + "SELECT ?name ?orgname ?role WHERE {\n  " + _MEMBERSHIPS
    + "\n}\nORDER BY ?name ?orgname ?role\nLIMIT 100\n",
}


def competency_questions() -> list[dict]:
    """queries/*.rq: name, text, accept (by the expected result beside it), triple patterns."""
    out = []
    for rq in sorted((ROOT / "queries").glob("*.rq")):
        text = rq.read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines()
                         if not line.lstrip().startswith(("#", "PREFIX", "prefix")))
        patterns = len(re.findall(r"(?:\s\.|;)\s*$", body, re.M)) + 1
        construct = rq.with_suffix(".ttl").is_file()
        out.append({"name": rq.stem, "query": text, "patterns": patterns,
                    "accept": "application/n-triples" if construct else "application/sparql-results+json"})
    return out


def benchmark_queries() -> list[dict]:
    """The competency questions, then the whole-graph joins of :data:`JOINS` (join-heavy)."""
    joins = [{"name": name, "query": text, "patterns": 8, "accept": "application/sparql-results+json"}
             for name, text in JOINS.items()]
    return competency_questions() + joins


def answer_key(body: bytes, accept: str):
    """An answer as a comparable value: SELECT rows as a multiset, ASK a boolean, a graph as
    sorted N-Triples lines with blank nodes blanked (labels differ from server to server)."""
    if accept == "application/n-triples":
        return sorted(re.sub(r"_:\S+", "_:b", line) for line in body.decode().splitlines() if line.strip())
    doc = json.loads(body)
    if "boolean" in doc:
        return doc["boolean"]
    rows = [json.dumps({k: {"type": v["type"], "value": v["value"], "datatype": v.get("datatype"),
                            "lang": v.get("xml:lang")} for k, v in sorted(b.items())}, sort_keys=True)
            for b in doc["results"]["bindings"]]
    return sorted(rows)


WRK_LUA = """wrk.method = "POST"
wrk.body = [==[%s]==]
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.headers["Accept"] = "%s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%%d,"duration_us":%%d,"status_errors":%%d,"connect_errors":%%d,"read_errors":%%d,"write_errors":%%d,"timeouts":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"mean_us":%%.1f,"max_us":%%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        stats[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += stats.get(p, 0.0)
        todo.extend(children.get(p, []))
    return total


def wrk(url: str, cq: dict, connections: int, duration: float, work: Path, server_pid: int) -> dict:
    script = work / f"wrk-{cq['name']}.lua"
    assert "]==]" not in cq["query"]
    script.write_text(WRK_LUA % (cq["query"], cq["accept"]), encoding="utf-8")
    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "30s", "-s", str(script), url]
    before = tree_cpu(server_pid)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, rusage = os.wait4(proc.pid, 0)
    server_cpu = tree_cpu(server_pid) - before
    text = proc.stdout.read().decode()
    line = next((ln for ln in text.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        return {"error": f"wrk: {proc.stderr.read().decode()[-300:]} {text[-300:]}"}
    r = json.loads(line[len("WRKJSON "):])
    seconds = r["duration_us"] / 1e6
    errors = sum(r[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
    stalled = r["requests"] == 0  # no answer within the duration (wrk's 30 s timeout not reached): a failure
    return {
        "requests": r["requests"], "errors": errors + stalled, "stalled": stalled,
        "rps": round(r["requests"] / seconds, 1),
        "p50_ms": r["p50_us"] / 1000, "p90_ms": r["p90_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
        "mean_ms": round(r["mean_us"] / 1000, 3), "max_ms": r["max_us"] / 1000,
        "client_cpu_cores": round((rusage.ru_utime + rusage.ru_stime) / seconds, 3),
        "server_cpu_cores": round(server_cpu / seconds, 3),
    }


def start_servers(served: Path, work: Path) -> dict:
    """Our server and Oxigraph's, on the same N-Quads; returns name -> (url, process)."""
    ours_port, ox_port = free_port(), free_port()
    # the servers' logs go to files: a pipe nobody reads fills up (waitress logs a line per queued
    # task at c=8) and the server then blocks on its next write: it stalled that way once
    ours = subprocess.Popen([PYTHON, "-m", "sco_kg", "serve", "--no-build", "--data", str(served),
                             "--port", str(ours_port), "-q"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=(work / "sco-kg-serve.log").open("wb"),
                            env={**os.environ, "PYTHONPATH": str(ROOT / "server")}, start_new_session=True)
    db = work / "oxigraph-db"
    shutil.rmtree(db, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([OXIGRAPH, "load", "--location", str(db), "--file", str(served)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([OXIGRAPH, "update", "--location", str(db), "--update", UNION], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ox_load_s = time.perf_counter() - started
    oxi = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", str(db), "--bind", f"127.0.0.1:{ox_port}"],
                           stdout=subprocess.DEVNULL, stderr=(work / "oxigraph-serve.log").open("wb"),
                           start_new_session=True)
    servers = {"sco-kg": (f"http://127.0.0.1:{ours_port}/sparql", ours),
               "oxigraph": (f"http://127.0.0.1:{ox_port}/query", oxi)}
    for url, proc in servers.values():
        wait_ready(url, proc)
    servers["_oxigraph_load_s"] = round(ox_load_s, 2)
    return servers


def endpoint(size: int, synth_file: Path, work: Path, c1_duration: float, c8_duration: float,
             make_served: Callable[[Path, Path], dict], seed: int) -> dict:
    """The endpoint rows: ``make_served(synth_file, out)`` writes the served N-Quads (run.py's
    child, measured); ``seed`` the synthetic data's, for the record."""
    served = work / f"served-{size}.nq"
    print(f"endpoint: project data + {synth_file.name}, reasoned (fastrl) -> {served.name}", flush=True)
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    made = make_served(synth_file, served)
    if "seconds" not in made:
        return {"error": f"could not make the served data: {made}"}
    servers = start_servers(served, work)
    ox_load_s = servers.pop("_oxigraph_load_s")
    cqs = benchmark_queries()
    result: dict = {"data": f"project data + sco-kg synth {size} (seed {seed}), fastrl closure", "git": git,
                    "load_average_before": [round(x, 2) for x in os.getloadavg()],
                    "quads": sum(1 for _ in served.open(encoding="utf-8")), "oxigraph_load_s": ox_load_s,
                    "join_heavy_ms": JOIN_HEAVY_MS, "agreement": {}, "runs": []}
    try:
        disagree = []
        for cq in cqs:
            answers = {}
            for name, (url, _) in servers.items():
                status, body = post(url, cq["query"], cq["accept"])
                answers[name] = (status, answer_key(body, cq["accept"]) if status == 200 else body[:200])
            same = answers["sco-kg"] == answers["oxigraph"] and answers["sco-kg"][0] == 200
            if not same:
                disagree.append(cq["name"])
        result["agreement"] = {"cqs": len(cqs), "same_answers": len(cqs) - len(disagree), "different": disagree}
        print(f"  the {len(cqs)} CQs: {len(cqs) - len(disagree)} answered the same by both servers {disagree or ''}",
              flush=True)
        plan = [(1, c1_duration, c) for c in cqs] + [(8, c8_duration, c) for c in cqs]
        for connections, duration, cq in plan:
            for name, (url, proc) in servers.items():
                r = wrk(url, cq, connections, duration, work, proc.pid)
                r.update(server=name, cq=cq["name"], concurrency=connections, duration_s=duration)
                result["runs"].append(r)
                print(f"  c={connections} {cq['name']:<40} {name:<9} "
                      + (f"{r['rps']:8.1f} req/s p50 {r['p50_ms']:7.2f} ms p99 {r['p99_ms']:7.2f} ms "
                         f"err {r['errors']} client {r['client_cpu_cores']:.2f} server {r['server_cpu_cores']:.2f} cores"
                         if "error" not in r else r["error"]), flush=True)
    finally:
        for _, proc in servers.values():
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
    return result


def endpoint_summary(ep: dict) -> dict:
    """Per CQ and concurrency, ours against Oxigraph's; medians over the CQs; target checks."""
    pairs: dict = {}
    for r in ep.get("runs", []):
        pairs.setdefault((r["concurrency"], r["cq"]), {})[r["server"]] = r
    rows = []
    for (c, cq), p in sorted(pairs.items()):
        ours, ox = p.get("sco-kg"), p.get("oxigraph")
        if not ours or not ox or "error" in ours or "error" in ox:
            continue
        rows.append({"concurrency": c, "cq": cq,
                     "ours_rps": ours["rps"], "oxigraph_rps": ox["rps"],
                     "throughput_ratio": round(ours["rps"] / ox["rps"], 3) if ox["rps"] else None,
                     "ours_p50_ms": ours["p50_ms"], "oxigraph_p50_ms": ox["p50_ms"],
                     "overhead_p50_ms": round(ours["p50_ms"] - ox["p50_ms"], 3),
                     "ours_p99_ms": ours["p99_ms"], "oxigraph_p99_ms": ox["p99_ms"],
                     "p99_ratio": round(ours["p99_ms"] / ox["p99_ms"], 3) if ox["p99_ms"] and not ours.get("stalled")
                     else None,
                     "ours_errors": ours["errors"], "oxigraph_errors": ox["errors"],
                     "client_cpu_cores_max": max(ours["client_cpu_cores"], ox["client_cpu_cores"])})
    c1 = [r for r in rows if r["concurrency"] == 1]
    heavy = sorted(r["cq"] for r in c1 if r["oxigraph_p50_ms"] >= ep.get("join_heavy_ms", JOIN_HEAVY_MS))
    c8 = [r for r in rows if r["concurrency"] == 8 and r["cq"] in heavy]
    light = [r for r in rows if r["concurrency"] == 8 and r["cq"] not in heavy]
    med = lambda xs: round(statistics.median(xs), 3) if xs else None  # noqa: E731
    summary = {
        "join_heavy": heavy,
        "c8_light_throughput_ratio_median": med([r["throughput_ratio"] for r in light]),
        "c8_light_p99_ratio_median": med([r["p99_ratio"] for r in light if r["p99_ratio"] is not None]),
        "c1_overhead_p50_ms_median": med([r["overhead_p50_ms"] for r in c1]),
        "c1_overhead_p50_ms_max": max((r["overhead_p50_ms"] for r in c1), default=None),
        "c8_join_heavy_throughput_ratio_median": med([r["throughput_ratio"] for r in c8]),
        "c8_join_heavy_throughput_ratio_min": min((r["throughput_ratio"] for r in c8), default=None),
        "c8_join_heavy_p99_ratio_median": med([r["p99_ratio"] for r in c8 if r["p99_ratio"] is not None]),
        "c8_join_heavy_p99_ratio_max": max((r["p99_ratio"] for r in c8 if r["p99_ratio"] is not None), default=None),
        "errors_ours": sum(r["ours_errors"] for r in rows),
        "errors_oxigraph": sum(r["oxigraph_errors"] for r in rows),
        "client_cpu_cores_max": max((r["client_cpu_cores_max"] for r in rows), default=None),
    }
    return {"rows": rows, "summary": summary}


def markdown(ep: dict) -> list[str]:
    """The endpoint's section of run.md."""
    lines: list[str] = []
    if "summary" in ep:
        s = ep["summary"]
        lines += ["", f"## Endpoint ({ep['data']}, {ep['quads']:,} quads; wrk POST, loopback)", "",
                  f"Both servers gave the same answers to {ep['agreement']['same_answers']} of {ep['agreement']['cqs']} CQs"
                  + (f" (different: {', '.join(ep['agreement']['different'])})" if ep["agreement"]["different"] else "") + ".",
                  f"Join-heavy (Oxigraph server's own p50 at c=1 >= {ep.get('join_heavy_ms', JOIN_HEAVY_MS)} ms): "
                  f"{', '.join(s['join_heavy'])}.", "",
                  f"* c=1, overhead at p50 over Oxigraph server (ours - theirs): median {s['c1_overhead_p50_ms_median']} ms, "
                  f"max {s['c1_overhead_p50_ms_max']} ms (target <= 1 ms)",
                  f"* c=8, join-heavy: throughput ours/theirs median {s['c8_join_heavy_throughput_ratio_median']}, "
                  f"min {s['c8_join_heavy_throughput_ratio_min']} (target >= 0.8); p99 ours/theirs median "
                  f"{s['c8_join_heavy_p99_ratio_median']}, max {s['c8_join_heavy_p99_ratio_max']} (target <= 1.5)",
                  f"* c=8, the other CQs (lookups, where the HTTP stack is the cost): throughput ours/theirs median "
                  f"{s['c8_light_throughput_ratio_median']}, p99 ratio median {s['c8_light_p99_ratio_median']}",
                  f"* errors: ours {s['errors_ours']}, Oxigraph {s['errors_oxigraph']}; wrk used at most "
                  f"{s['client_cpu_cores_max']} of a core", "",
                  "| c | CQ | ours req/s | Oxigraph req/s | ratio | ours p50 / p99 ms | Oxigraph p50 / p99 ms | p99 ratio |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in ep["rows"]:
            lines.append(f"| {r['concurrency']} | {r['cq']} | {r['ours_rps']:.0f} | {r['oxigraph_rps']:.0f} | "
                         f"{r['throughput_ratio']} | {r['ours_p50_ms']:.2f} / {r['ours_p99_ms']:.2f} | "
                         f"{r['oxigraph_p50_ms']:.2f} / {r['oxigraph_p99_ms']:.2f} | {r['p99_ratio']} |")
    return lines
