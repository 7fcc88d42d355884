"""Helpers of the tests of the doors that change the graph (``/update``, Graph Store writes,
``/history``): tests/web/test_update.py, test_graph_writes.py, test_history.py.

* ``open_write_app(dumps, store_dir, **config)``: an app over an on-disk store of the
  project's build, with an update token (``alice``) and an ingest token (``ingester``), as
  ``sco-kg serve --store DIR --update-token-file F --ingest-token-file G`` would be.
* ``Writer(app)``: the client of the tests, its token sent with each write.
* ``snapshot(app)`` / ``assert_unchanged(app, before)``: every quad the app serves, sorted,
  and the store's log folder: a refused write leaves both as they were.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

UPDATE_TOKEN = "upd-4lice-T0ken-0123456789abcdef"
INGEST_TOKEN = "ing-B0b-T0ken-0123456789abcdef"
BOTH_TOKEN = "both-C4rol-T0ken-0123456789abcdef"

KG = "https://w3id.org/sco-kg/id/"
KGG = "https://w3id.org/sco-kg/graph/"
KGC = "https://w3id.org/sco-kg/change/"
SKG = "https://w3id.org/sco-kg/ontology#"
INFERRED = KGG + "inferred"
PROOFS = KGG + "proofs"
HISTORY = KGG + "history"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX skg: <{SKG}>
PREFIX org: <{ORG}>
PREFIX rdfs: <{RDFS}>
"""

#: a new country and its observer status: valid, and the reasoner makes it an org:Membership
GOOD_TRIPLES = """
kg:turkmenistan a skg:Country ; rdfs:label "Turkménistan"@fr , "Turkmenistan"@en .
kg:membership-turkmenistan-sco-observer a skg:Membership ;
    org:member kg:turkmenistan ; org:organization kg:sco ; org:role kg:role-observer .
"""

UPDATE_CTYPE = "application/sparql-update"


def insert_data(graph: str, triples: str) -> str:
    return f"{PREFIXES}INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}"


def open_write_app(dumps: Path, store_dir: Path, *, update: str | None = f"alice {UPDATE_TOKEN}",
                   ingest: str | None = f"bob {INGEST_TOKEN}", rebuild: bool = False, **config):
    """An app over the on-disk store ``store_dir`` made from the build's dumps (a restart:
    call again on the same folder, after closing the previous app)."""
    from sco_kg.store.served import open_store
    from sco_kg.web import create_app

    loaded = open_store(dumps_dir=dumps, key="test", store_path=store_dir, rebuild=rebuild)
    cfg = {"TESTING": True, "SCO_KG_LOADED": loaded, **config}
    if update is not None:
        cfg["SCO_KG_UPDATE_TOKEN"] = update
    if ingest is not None:
        cfg["SCO_KG_INGEST_TOKEN"] = ingest
    return create_app(cfg)


class Writer:
    """A test client that sends its token (``token=None``: none) with every write."""

    def __init__(self, app, token: str | None = UPDATE_TOKEN):
        self.app = app
        self.client = app.test_client()
        self.token = token

    def headers(self, token="default") -> dict:
        token = self.token if token == "default" else token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def update(self, text, *, token="default", reason=None, ctype=UPDATE_CTYPE, query_string=None, accept=None):
        headers = self.headers(token)
        if reason is not None:
            headers["X-Change-Reason"] = reason
        if accept:
            headers["Accept"] = accept
        data = text.encode("utf-8") if isinstance(text, str) else text
        return self.client.post("/update", data=data, headers=headers, content_type=ctype,
                                query_string=query_string)

    def graph(self, method: str, graph: str | None, body=None, *, ctype="text/turtle", token="default",
              query_string=None, reason=None):
        headers = self.headers(token)
        if reason is not None:
            headers["X-Change-Reason"] = reason
        qs = query_string if query_string is not None else {"graph": graph}
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.client.open("/graph", method=method, query_string=qs, data=data, headers=headers,
                                content_type=ctype if body is not None else None)

    def revert(self, change_id: str, *, token="default", reason=None):
        headers = self.headers(token)
        if reason is not None:
            headers["X-Change-Reason"] = reason
        return self.client.post(f"/history/{change_id}/revert", headers=headers)

    def ask(self, query: str) -> bool:
        resp = self.client.get("/sparql", query_string={"query": PREFIXES + query},
                               headers={"Accept": "application/sparql-results+json"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["boolean"]

    def select(self, query: str) -> list[dict]:
        resp = self.client.get("/sparql", query_string={"query": PREFIXES + query},
                               headers={"Accept": "application/sparql-results+json"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return [{k: v["value"] for k, v in row.items()} for row in resp.get_json()["results"]["bindings"]]

    def history(self) -> list[dict]:
        resp = self.client.get("/history")
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["changes"]


def store_root(app) -> Path:
    return Path(app.extensions["sco_kg"].loaded.store_root)


def log_files(app) -> list[tuple[str, bytes]]:
    folder = store_root(app) / "ingest-log"
    return sorted((p.name, p.read_bytes()) for p in folder.iterdir()) if folder.is_dir() else []


def quads(app, *, without=()) -> list[str]:
    """Every quad the app serves (the named graphs, the union default graph), sorted, but
    those of the graphs ``without``."""
    left_out = {ox.NamedNode(g) for g in without}
    return sorted(str(q) for q in app.extensions["sco_kg"].store if q.graph_name not in left_out)


def snapshot(app) -> tuple[list[str], list]:
    return quads(app), log_files(app)


def assert_unchanged(app, before) -> None:
    after = snapshot(app)
    assert after[1] == before[1], "the log changed"
    if after[0] != before[0]:
        gone, new = sorted(set(before[0]) - set(after[0])), sorted(set(after[0]) - set(before[0]))
        raise AssertionError(f"the store changed: {len(gone)} quads gone {gone[:3]}, {len(new)} new {new[:3]}")


RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
RDF_PREDICATE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"
_RUN = f"<{KG}reasoning-run>"
_ENDED = f"<{PROV}endedAtTime>"


def without_run_time(rows: list[str]) -> list[str]:
    """``rows`` (of :func:`quads`) but the time of the reasoning run (``kg:reasoning-run
    prov:endedAtTime``, in ``kgg:inferred`` and the union) and the proof of that triple (in
    ``kgg:proofs``): every change reasons again, and says when."""
    proof_nodes = {r.split(" ", 1)[0] for r in rows if r.split(" ")[1:3] == [f"<{RDF_SUBJECT}>", _RUN]}
    proof_nodes &= {r.split(" ", 1)[0] for r in rows if r.split(" ")[1:3] == [f"<{RDF_PREDICATE}>", _ENDED]}
    return [r for r in rows if not r.startswith(f"{_RUN} {_ENDED} ") and r.split(" ", 1)[0] not in proof_nodes]



def grep_tree(root: Path, needle: str) -> list[Path]:
    """Files under ``root`` whose bytes contain ``needle``."""
    data = needle.encode("utf-8")
    return [p for p in Path(root).rglob("*") if p.is_file() and data in p.read_bytes()]
