"""The membership timeline of an organisation: one row per member, a bar per membership
(from the year it begins to the year it ends, open when the source gives no date), a mark
for each accession accepted, drawn as SVG by ``templates/_timeline.html``. The two queries
(``queries/timeline.rq``, ``queries/accessions.rq``) run through the endpoint's runner."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import queries
from ..query_runner import select
from .label_index import Index, normalise
from .terms import compact, local_href

TIMELINE_QUERY = queries.load("timeline")
ACCESSION_QUERY = queries.load("accessions")
TIMELINE_MAX_ROWS = 100  # members drawn; the others are counted under the picture


def _year(binding) -> int | None:
    if not binding:
        return None
    m = re.match(r"-?\d{4}", binding["value"])
    return int(m.group(0)) if m else None


@dataclass
class Bar:
    role: str
    role_label: str
    begin: int | None
    end: int | None
    x: float = 0
    width: float = 0
    title: str = ""
    css: str = ""


@dataclass
class Marker:
    year: int
    href: str
    title: str
    x: float = 0


@dataclass
class Row:
    iri: str
    label: str
    href: str
    bars: list[Bar]
    y: float = 0
    markers: list[Marker] = field(default_factory=list)


def timeline(org_iri: str, index: Index) -> dict | None:
    """The SVG geometry of ``org_iri``'s memberships (None when it has none)."""
    memberships = queries.bind(TIMELINE_QUERY, org=org_iri)
    accessions = queries.bind(ACCESSION_QUERY, org=org_iri)
    rows_by_member: dict[str, Row] = {}
    founded = None
    seen = set()
    for b in select(memberships):
        founded = founded or _year(b.get("founded"))
        key = b["membership"]["value"]
        if key in seen:
            continue
        seen.add(key)
        member = b["member"]["value"]
        label = b.get("memberLabel", {}).get("value") or index.label(member) or compact(member)
        row = rows_by_member.setdefault(member, Row(member, label, local_href(member, index.base), []))
        role = b["role"]["value"]
        role_label = b.get("roleLabel", {}).get("value") or index.label(role) or compact(role)
        row.bars.append(Bar(role, role_label, _year(b.get("begin")), _year(b.get("end"))))
    if not rows_by_member:
        return None
    for b in select(accessions):  # accessions accepted: a mark on the row
        row, year = rows_by_member.get(b["candidate"]["value"]), _year(b.get("date"))
        if row is not None and year is not None and all(m.year != year for m in row.markers):
            event = b["event"]["value"]
            row.markers.append(Marker(year, local_href(event, index.base),
                                      f"{row.label}: accession accepted in {year} ({index.label(event) or compact(event)})"))
    years = {y for r in rows_by_member.values() for bar in r.bars for y in (bar.begin, bar.end) if y}
    years |= {m.year for r in rows_by_member.values() for m in r.markers}
    if founded:
        years.add(founded)
    first = min(years) if years else 2000
    last = max(years) + 3 if years else first + 10
    left, width, row_h, top = 170, 560, 24, 30
    span = max(1, last - first)

    def x(year):
        return left + (year - first) * width / span

    def order(row: Row):
        begins = [b.begin for b in row.bars if b.begin]
        return (min(begins) if begins else 9999, row.label.casefold())

    rows = sorted(rows_by_member.values(), key=order)
    hidden = max(0, len(rows) - TIMELINE_MAX_ROWS)
    rows = rows[:TIMELINE_MAX_ROWS]
    for i, row in enumerate(rows):
        row.y = top + i * row_h
        row.bars.sort(key=lambda bar: (bar.begin or first - 1, bar.end or 9999))
        for bar in row.bars:
            x0 = x(bar.begin) if bar.begin else left
            x1 = x(bar.end) if bar.end else left + width
            bar.x, bar.width = x0, max(2.0, x1 - x0)
            kind = "member" if normalise(bar.role_label) == "member" else (
                "observer" if normalise(bar.role_label) == "observer" else "other")
            bar.css = f"bar-{kind}" + ("" if bar.begin else " bar-open-start")
            since = str(bar.begin) if bar.begin else "a date the source does not give"
            until = f" until {bar.end}" if bar.end else ""
            bar.title = f"{row.label}: {bar.role_label} from {since}{until}"
        for m in row.markers:
            m.x = x(m.year)
    ticks = [y for y in range(first, last + 1) if y in years or (y - first) % 4 == 0]
    return {
        "rows": rows, "left": left, "width": width, "top": top, "row_h": row_h,
        "height": top + len(rows) * row_h + 46, "total_width": left + width + 20,
        "ticks": [(y, x(y)) for y in ticks], "founded": founded,
        "founded_x": x(founded) if founded else None, "first": first, "last": last,
        "hidden": hidden,
        "query": memberships.strip() + "\n\n" + accessions.strip(),
    }
