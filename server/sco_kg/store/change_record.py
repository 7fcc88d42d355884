"""The record of one accepted change, in ``kgg:history``, and reading it back.

Each change is a ``prov:Activity`` (``skg:Change``), ``kgc:<uuid>``:

* ``prov:wasAssociatedWith`` the agent of the token that made it, ``kgc:agent/<name>``
  (``a prov:Agent``, ``rdfs:label`` its name; the token itself is never written);
* ``prov:endedAtTime`` when it was accepted; ``skg:logEntry`` its place in the log
  (``"000003"``: the order of changes);
* ``skg:request`` what was asked (the update's text, or ``PUT <graph>``...), ``skg:reason``
  the client's reason (``X-Change-Reason`` or the form's ``reason``), when given;
* ``skg:changedGraph`` each graph it changed; ``skg:triplesAdded`` / ``skg:triplesRemoved``;
* ``skg:addedStatement`` / ``skg:removedStatement``: each quad, reified (``rdf:Statement``,
  ``rdf:subject``/``rdf:predicate``/``rdf:object``, ``skg:inGraph``), so a store that knows
  nothing of RDF Patch can ask what a change did;
* ``skg:reverts`` the change a revert undoes.

The graph is outside the union default graph (as ``kgg:proofs``): it is about the graph,
not facts of the world, and it holds the triples a change removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from ..rdf.namespaces import HISTORY_GRAPH, KGC, SKG

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"

_G = ox.NamedNode(str(HISTORY_GRAPH))


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def change_iri(ident: str) -> str:
    return f"{KGC}{ident}"


def agent_iri(name: str) -> str:
    return f"{KGC}agent/{quote(name, safe='')}"


def record_quads(job: dict, removed: list, added: list, graphs: list[str]) -> list:
    """The quads of the record of the change ``job`` describes (see the module's docstring)."""
    change = _n(change_iri(job["id"]))
    agent = _n(agent_iri(job["agent"]))
    out = [
        (change, _n(RDF + "type"), _n(PROV + "Activity")),
        (change, _n(RDF + "type"), _n(str(SKG.Change))),
        (change, _n(PROV + "wasAssociatedWith"), agent),
        (agent, _n(RDF + "type"), _n(PROV + "Agent")),
        (agent, _n(RDFS + "label"), ox.Literal(job["agent"])),
        (change, _n(PROV + "endedAtTime"), ox.Literal(job["time"], datatype=_n(XSD + "dateTime"))),
        (change, _n(str(SKG.logEntry)), ox.Literal(entry_number(job["entry"]))),
        (change, _n(str(SKG.request)), ox.Literal(job["request"])),
        (change, _n(str(SKG.triplesAdded)), ox.Literal(str(len(added)), datatype=_n(XSD + "integer"))),
        (change, _n(str(SKG.triplesRemoved)), ox.Literal(str(len(removed)), datatype=_n(XSD + "integer"))),
    ]
    if job.get("reason"):
        out.append((change, _n(str(SKG.reason)), ox.Literal(job["reason"])))
    if job.get("reverts"):
        out.append((change, _n(str(SKG.reverts)), _n(change_iri(job["reverts"]))))
    out += [(change, _n(str(SKG.changedGraph)), _n(g)) for g in graphs]
    for kind, quads in (("added", added), ("removed", removed)):
        link = _n(str(SKG.addedStatement if kind == "added" else SKG.removedStatement))
        for i, q in enumerate(quads, 1):
            node = _n(f"{change.value}/{kind}/{i}")
            out += [(change, link, node), (node, _n(RDF + "type"), _n(RDF + "Statement")),
                    (node, _n(RDF + "subject"), q.subject), (node, _n(RDF + "predicate"), q.predicate),
                    (node, _n(RDF + "object"), q.object), (node, _n(str(SKG.inGraph)), q.graph_name)]
    return [ox.Quad(s, p, o, _G) for s, p, o in out]


def entry_number(path) -> str:
    """The number of a log entry: ``"000003"`` of ``.../000003-<uuid>.rdfp``."""
    return str(path).rsplit("/", 1)[-1].split("-", 1)[0]


@dataclass
class ChangeSummary:
    """One change as ``/history`` and ``sco-kg history`` list it."""

    id: str
    entry: str
    time: str
    agent: str
    request: str
    reason: str | None = None
    added: int = 0
    removed: int = 0
    graphs: list[str] = field(default_factory=list)
    reverts: str | None = None

    def as_json(self) -> dict:
        return {"id": self.id, "iri": change_iri(self.id), "entry": self.entry, "time": self.time,
                "agent": self.agent, "request": self.request, "reason": self.reason, "added": self.added,
                "removed": self.removed, "graphs": self.graphs, "reverts": self.reverts}


def summaries(quads) -> list[ChangeSummary]:
    """The changes recorded by ``quads`` (of ``kgg:history``), newest first."""
    by_change: dict[str, dict] = {}
    labels: dict[str, str] = {}
    for q in quads:
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p == RDFS + "label":
            labels[s] = o.value
        if not s.startswith(str(KGC)) or "/" in s[len(str(KGC)):]:
            continue
        d = by_change.setdefault(s, {"graphs": []})
        key = p[len(str(SKG)):] if p.startswith(str(SKG)) else p.rsplit("#", 1)[-1]
        if key == "changedGraph":
            d["graphs"].append(o.value)
        elif key in ("wasAssociatedWith", "reverts"):
            d[key] = o.value
        elif key in ("endedAtTime", "logEntry", "request", "reason", "triplesAdded", "triplesRemoved"):
            d[key] = o.value
    out = []
    for iri, d in by_change.items():
        if "logEntry" not in d:
            continue
        out.append(ChangeSummary(
            id=iri[len(str(KGC)):], entry=d["logEntry"], time=d.get("endedAtTime", ""),
            agent=labels.get(d.get("wasAssociatedWith", ""), ""), request=d.get("request", ""),
            reason=d.get("reason"), added=int(d.get("triplesAdded", 0)), removed=int(d.get("triplesRemoved", 0)),
            graphs=sorted(d["graphs"]), reverts=d["reverts"][len(str(KGC)):] if d.get("reverts") else None))
    return sorted(out, key=lambda c: c.entry, reverse=True)
