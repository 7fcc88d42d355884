"""Ingest benchmark: how long POST /data takes, phase by phase (not part of the test run).

    .venv/bin/python benchmarks/ingest.py            # 8 ingests into a fresh on-disk store
    .venv/bin/python benchmarks/ingest.py --count 3

Serves the project's build (the cached one, as ``sco-kg serve`` does) from a new on-disk
store in a temporary folder, with a token, and posts ``--count`` small graphs (a country
and its membership, 7 triples) one after another through the app's test client. Each 201
carries the seconds of each phase (``parse``, ``validate``: reading the served data and
pySHACL over all of it, ``store``: the next generation with kgg:inferred recomputed,
``commit``: log fsync + record + swap + workers restarted, ``total``); the rest of the
wall time is the child interpreter's start. Then one query checks the new facts answer.

Writes ``benchmarks/results/ingest.json``: the samples, the median per phase, the machine
and its load average at the start (the machine is shared: read the figures with it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "ingest.json"
TOKEN = "benchmark-token"
BODY = """@prefix kg: <https://w3id.org/sco-kg/id/> . @prefix skg: <https://w3id.org/sco-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:country-TAG a skg:Country ; rdfs:label "pays TAG"@fr , "country TAG"@en .
kg:membership-TAG a skg:Membership ; org:member kg:country-TAG ; org:organization kg:sco ; org:role kg:role-observer .
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=8)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "server"))
    from sco_kg.store.served import cached_build, open_store
    from sco_kg.web import create_app

    load = os.getloadavg()
    dumps, key = cached_build()
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SCO_KG_LOADED": open_store(dumps_dir=dumps, key=key, store_path=Path(tmp) / "store"),
                          "SCO_KG_INGEST_TOKEN": TOKEN})
        client = app.test_client()
        try:
            for i in range(args.count):
                started = time.perf_counter()
                resp = client.post("/data", data=BODY.replace("TAG", f"bench-{i}"),
                                   headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
                wall = time.perf_counter() - started
                if resp.status_code != 201:
                    raise SystemExit(f"ingest {i}: {resp.status_code} {resp.get_data(as_text=True)[:500]}")
                samples.append({"wall": round(wall, 3), **resp.get_json()["seconds"]})
                print(f"ingest {i}: {wall:.2f} s {resp.get_json()['seconds']}")
            ask = client.get("/sparql", query_string={
                "query": f"ASK {{ <https://w3id.org/sco-kg/id/membership-bench-{args.count - 1}> ?p ?o }}"},
                headers={"Accept": "application/sparql-results+json"})
            assert ask.get_json()["boolean"] is True, "the last ingest does not answer"
        finally:
            app.extensions["sco_kg"].close()
    medians = {k: round(statistics.median(s[k] for s in samples), 3) for k in samples[0]}
    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "count": args.count,
              "median_seconds": medians, "samples": samples,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average_at_start": [round(x, 2) for x in load]}}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print("median seconds:", medians)


if __name__ == "__main__":
    main()
