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
class Sources:
    """The input files of a build.

    ``data_dirs`` are laid out like data/: ``*.trig`` at the top (vocabulary.trig) and one
    folder per article, ``articles/<id>/`` with ``article.txt`` and ``*.trig``. ``extra``
    are more RDF files of any syntax (by extension), e.g. from ``sco-kg build --data`` (instead
    of data/) or ``--also-data`` (beside it).
    """

    ontology: Path
    imports: tuple[Path, ...] = ()
    shapes: Path | None = None
    data_dirs: tuple[Path, ...] = ()
    extra: tuple[Path, ...] = field(default=())

    @classmethod
    def from_dirs(
        cls,
        ontology_dir: Path | str,
        data_dirs: Iterable[Path | str] = (),
        extra: Iterable[Path | str] = (),
    ) -> "Sources":
        """Sources from an ontology/ folder (sco-kg.ttl, imports/*.ttl, shapes.ttl) and data folders."""
        odir = Path(ontology_dir)
        shapes = odir / SHAPES_FILE
        return cls(
            ontology=odir / ONTOLOGY_FILE,
            imports=tuple(sorted((odir / "imports").glob("*.ttl"))),
            shapes=shapes if shapes.is_file() else None,
            data_dirs=tuple(Path(d) for d in data_dirs),
            extra=tuple(Path(e) for e in extra),
        )

    @classmethod
    def default(
        cls,
        extra: Iterable[Path | str] = (),
        data_dirs: Iterable[Path | str] = (),
        *,
        data_files: Iterable[Path | str] = (),
    ) -> "Sources":
        """The packaged (or checked-out) ontology and data, plus extra files and data folders.

        ``data_files`` (``sco-kg build --data``) replace the packaged data/: the build is
        then the ontology, its imports and those files (plus ``extra`` and ``data_dirs``).
        """
        root = resource_root()
        data_files = tuple(data_files)
        packaged = () if data_files else (root / "data",)
        return cls.from_dirs(root / "ontology", (*packaged, *data_dirs), (*data_files, *extra))

    def with_extra(self, *paths: Path | str) -> "Sources":
        return replace(self, extra=self.extra + tuple(Path(p) for p in paths))

    def with_data_dirs(self, *dirs: Path | str) -> "Sources":
        return replace(self, data_dirs=self.data_dirs + tuple(Path(d) for d in dirs))
