"""Where the ontology, shapes, data and queries are.

In an installed package they sit in ``sco_kg/_resources/{ontology,data,queries}`` (the
wheel build copies them there, see pyproject.toml); in a source checkout they are at the
repository root. ``SCO_KG_RESOURCES`` (a directory holding ontology/, data/, queries/)
overrides both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from ..core.errors import ConfigError
from ..rdf.patch import EXTENSION as PATCH_EXTENSION

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # sco_kg/
INSTALLED_ROOT = PACKAGE_DIR / "_resources"
CHECKOUT_ROOT = PACKAGE_DIR.parent.parent  # server/sco_kg/ -> repository root

ONTOLOGY_FILE = "sco-kg.ttl"
SHAPES_FILE = "shapes.ttl"


def resource_root() -> Path:
    """The directory holding ontology/, data/ and queries/."""
    override = os.environ.get("SCO_KG_RESOURCES")
    candidates = [Path(override)] if override else [INSTALLED_ROOT, CHECKOUT_ROOT]
    for root in candidates:
        if (root / "ontology" / ONTOLOGY_FILE).is_file():
            return root
    raise ConfigError(
        "cannot find the ontology: looked for ontology/"
        + ONTOLOGY_FILE
        + " in "
        + ", ".join(str(c) for c in candidates)
    )


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"


def shapes_path() -> Path:
    return ontology_dir() / SHAPES_FILE


@dataclass(frozen=True)
class Input:
    """One file from outside the project's data/ (``--data``, ``--also-data``, ``validate
    FILE``, a POST body written to a file): read by the one reader of strangers' RDF
    (:mod:`sco_kg.rdf.untrusted`), whatever door it comes through.

    ``syntax``: a name of :mod:`sco_kg.rdf.formats` (default: by extension). ``graph``: the
    graph that holds its triples when it names no graph of its own (default
    ``kgg:extra/<file stem>``). ``max_triples``: parsing stops past it (the doors' limits).
    """

    path: Path
    syntax: str | None = None
    graph: str | None = None
    max_triples: int | None = None
    name: str | None = None  # how reports name it (default: the file's name)
    keep_blank_labels: bool = False  # the store's own log entries: later changes name their blank nodes

    @property
    def where(self) -> str:
        return self.name or Path(self.path).name


#: the syntax of a change of the store's log (:mod:`sco_kg.rdf.patch`): applied, not parsed as data
PATCH_SYNTAX = "rdf-patch"


def log_input(path: Path | str) -> Input:
    """An entry of the on-disk store's log, read as it was when accepted: an ingest's N-Quads
    (an input like the body it came from: the provenance rules check its graphs again) or a
    change's RDF Patch (``*.rdfp``: its removals and additions applied, in log order)."""
    path = Path(path)
    return Input(path, syntax=PATCH_SYNTAX if path.suffix == PATCH_EXTENSION else None, keep_blank_labels=True)


@dataclass(frozen=True)
class Sources:
    """The input files of a build.

    ``ontology`` and ``imports``: the TBox (``None``: it comes with ``served``).
    ``data_dirs`` are laid out like data/: ``*.trig`` at the top (vocabulary.trig) and one
    folder per article, ``articles/<id>/`` with ``article.txt`` and ``*.trig``: the project's
    own, hand-written files. ``extra`` are more RDF files of any syntax (:class:`Input`, or
    paths), e.g. from ``sco-kg build --data`` (instead of data/) or ``--also-data`` (beside
    it), ``validate FILE`` or a POST body. ``served`` are datasets a build already checked
    and wrote (its N-Quads dump, the ingest log's entries): loaded whole, graphs kept,
    without their ``kgg:inferred`` (the pipeline reasons again over everything).
    """

    ontology: Path | None
    imports: tuple[Path, ...] = ()
    shapes: Path | None = None
    data_dirs: tuple[Path, ...] = ()
    extra: tuple[Input, ...] = field(default=())
    served: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        inputs = tuple(e if isinstance(e, Input) else Input(Path(e)) for e in self.extra)
        object.__setattr__(self, "extra", inputs)

    @classmethod
    def from_dirs(
        cls,
        ontology_dir: Path | str,
        data_dirs: Iterable[Path | str] = (),
        extra: Iterable[Path | str | Input] = (),
    ) -> "Sources":
        """Sources from an ontology/ folder (sco-kg.ttl, imports/*.ttl, shapes.ttl) and data folders."""
        odir = Path(ontology_dir)
        shapes = odir / SHAPES_FILE
        return cls(
            ontology=odir / ONTOLOGY_FILE,
            imports=tuple(sorted((odir / "imports").glob("*.ttl"))),
            shapes=shapes if shapes.is_file() else None,
            data_dirs=tuple(Path(d) for d in data_dirs),
            extra=tuple(extra),
        )

    @classmethod
    def default(
        cls,
        extra: Iterable[Path | str | Input] = (),
        data_dirs: Iterable[Path | str] = (),
        *,
        data_files: Iterable[Path | str | Input] = (),
    ) -> "Sources":
        """The packaged (or checked-out) ontology and data, plus extra files and data folders.

        ``data_files`` (``sco-kg build --data``) replace the packaged data/: the build is
        then the ontology, its imports and those files (plus ``extra`` and ``data_dirs``).
        """
        root = resource_root()
        data_files = tuple(data_files)
        packaged = () if data_files else (root / "data",)
        return cls.from_dirs(root / "ontology", (*packaged, *data_dirs), (*data_files, *extra))

    @classmethod
    def of_served(cls, served: Iterable[Path | str], extra: Iterable[Path | str | Input] = ()) -> "Sources":
        """What a server holds (``served``: its build's dump, the ingest log's entries), plus
        ``extra`` inputs, checked with the packaged shapes; the TBox is the one in the dump."""
        return cls(ontology=None, shapes=shapes_path(), served=tuple(Path(p) for p in served), extra=tuple(extra))

    def ontology_only(self) -> "Sources":
        """The same ontology, imports and shapes, without any data."""
        return replace(self, data_dirs=(), extra=(), served=())

    def with_extra(self, *paths: Path | str | Input) -> "Sources":
        return replace(self, extra=self.extra + tuple(paths))

    def with_data_dirs(self, *dirs: Path | str) -> "Sources":
        return replace(self, data_dirs=self.data_dirs + tuple(Path(d) for d in dirs))

    def files(self) -> list[Path]:
        """Every file and folder the sources read (for a cache key)."""
        schema = [p for p in (self.ontology, *self.imports, self.shapes) if p is not None]
        return [*schema, *self.data_dirs, *(i.path for i in self.extra), *self.served]
