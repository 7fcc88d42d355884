"""RDF Patch files: one accepted change of the graph (an update, a Graph Store write), as
quads removed and quads added.

The format is Apache Jena's RDF Patch (https://afs.github.io/rdf-patch/, what Jena's
RDF Delta keeps in its logs): a transaction ``TX .``, then one row per quad, ``D`` (delete)
or ``A`` (add) followed by the quad in N-Quads syntax, then ``TC .``; ``H`` rows are
headers (``H id <urn:uuid:...> .``). rdflib reads it (``format="patch"``, tested in
tests/test_changes.py), so does Jena; here the rows are read and written with pyoxigraph's
N-Quads parser and serialiser: rdflib's parser is its regex N-Triples parser, ~30x slower,
and yields to an rdflib Dataset rather than to the quad sets the store and the pipeline use.

Only what this project writes is read: a transaction, ``H``, ``D`` and ``A`` rows, deletions
before additions (a change is the set difference of two states: the removed and the added
quads are disjoint, so their order within the change does not matter). Blank nodes keep
their labels (``_:b0`` names the same node as in the store the change was computed on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

MEDIA_TYPE = "application/rdf-patch"
EXTENSION = ".rdfp"


class PatchError(ValueError):
    """A patch file this project did not write (or that was damaged): what and where."""


@dataclass
class Patch:
    """The quads a change removed and added (pyoxigraph quads), and its headers."""

    removed: list = field(default_factory=list)
    added: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)  # name -> the header's value, as written

    def inverse(self) -> "Patch":
        """The change that undoes this one (applied to the state this one made)."""
        return Patch(list(self.added), list(self.removed), dict(self.headers))


def _rows(op: str, quads) -> list[str]:
    if not quads:
        return []
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return [f"{op} {line}" for line in text.splitlines() if line.strip()]


def write_patch(patch: Patch) -> bytes:
    """The patch as RDF Patch text (one transaction)."""
    lines = [f"H {name} {value} ." for name, value in patch.headers.items()]
    lines.append("TX .")
    lines += _rows("D", patch.removed)
    lines += _rows("A", patch.added)
    lines.append("TC .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def read_patch(path: Path) -> Patch:
    """A patch file written by :func:`write_patch` (raises :class:`PatchError`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatchError(f"{path}: unreadable: {exc}") from None
    return parse_patch(text, str(path))


def parse_patch(text: str, where: str = "the patch") -> Patch:
    rows: dict[str, list[str]] = {"D": [], "A": []}
    headers: dict[str, str] = {}
    opened = closed = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        op, _, rest = stripped.partition(" ")
        if op == "H" and not opened:
            name, _, value = rest.rstrip(" .").partition(" ")
            headers[name] = value
        elif op == "TX" and not opened:
            opened = True
        elif op == "TC" and opened and not closed:
            closed = True
        elif op in rows and opened and not closed:
            rows[op].append(rest)
        else:
            raise PatchError(f"{where}, line {number}: unexpected {op!r} (a patch is H rows, TX, D and A rows, TC)")
    if not closed:
        raise PatchError(f"{where}: the transaction is not committed (no 'TC .'): a write cut short")
    quads = {}
    for op, lines in rows.items():
        try:
            quads[op] = list(ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        except SyntaxError as exc:
            raise PatchError(f"{where}: a {op} row is not a quad: {exc}") from None
    return Patch(quads["D"], quads["A"], headers)
