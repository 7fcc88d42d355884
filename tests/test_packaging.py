"""``pip install .`` (not editable) gives a working ``sco-kg``: the wheel carries the
ontology, shapes, data and queries as ``sco_kg/_resources/`` and the web's static files.

The install goes into a fresh virtual environment that sees the dependencies already
installed beside the tests (a .pth file), so it needs no network: ``--no-index --no-deps
--no-build-isolation``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from pipeline_support import ROOT

pytestmark = pytest.mark.slow


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    result = subprocess.run([str(a) for a in args], **kwargs)
    assert result.returncode == 0, f"{args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCO_KG_RESOURCES", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
        "-q", "-w", out, ROOT, env=clean_env())
    (path,) = out.glob("sco_kg-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A new venv with the wheel installed; returns its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    py = venv / "bin" / "python"
    site = Path(run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # the dependencies from the test environment; --ignore-installed below, so that an
    # sco-kg installed there (.ci/run installs one) is not taken for this install
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps", "--no-index", "--ignore-installed", wheel,
        env=clean_env())
    return venv / "bin"


def test_the_wheel_carries_the_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"sco_kg/_resources/ontology/sco-kg.ttl", "sco_kg/_resources/data/vocabulary.trig"}
    for folder in ("ontology", "data", "queries"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                expected.add(f"sco_kg/_resources/{path.relative_to(ROOT).as_posix()}")
    assert expected <= names, sorted(expected - names)
    assert "sco_kg/cli/__init__.py" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    ).decode()
    assert "sco-kg = sco_kg.cli:main" in entry_points


def test_the_wheel_carries_the_static_files_npm_fetched(wheel):
    static = ROOT / "server/sco_kg/web/static"
    assert static.is_dir(), "server/sco_kg/web/static is missing"
    names = set(zipfile.ZipFile(wheel).namelist())
    files = [p for p in static.rglob("*") if p.is_file()]
    expected = {f"sco_kg/{p.relative_to(ROOT / 'server/sco_kg').as_posix()}" for p in files}
    assert expected <= names, sorted(expected - names)  # vendor/ too, though .gitignore hides it


def test_the_wheel_carries_the_queries_the_web_app_runs(wheel):
    """The SPARQL of sco_kg/web/queries/*.rq is read at import time: a wheel without it
    would give a server that cannot start."""
    names = set(zipfile.ZipFile(wheel).namelist())
    rq = sorted((ROOT / "server/sco_kg/web/queries").glob("*.rq"))
    assert rq, "server/sco_kg/web/queries has no .rq file"
    expected = {f"sco_kg/web/queries/{p.name}" for p in rq}
    assert expected <= names, sorted(expected - names)


def test_the_installed_web_app_reads_its_queries(installed, tmp_path):
    result = run(installed / "python", "-c",
                 "from sco_kg.web import queries; print(queries.load('timeline').count('$org'))",
                 cwd=tmp_path, env=clean_env())
    assert int(result.stdout) >= 2


def test_the_installed_command_builds_from_the_packaged_resources(installed, tmp_path):
    env = clean_env()
    where = run(installed / "python", "-c", "import sco_kg.pipeline.sources as r; print(r.resource_root())",
                cwd=tmp_path, env=env).stdout.strip()
    assert Path(where).parts[-2:] == ("sco_kg", "_resources")
    assert str(installed.parent) in where
    result = run(installed / "sco-kg", "build", "--no-validate", "--out", tmp_path / "dist", cwd=tmp_path, env=env)
    assert "built" in result.stderr
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == sorted([
        "sco-kg.trig", "sco-kg.nq", "sco-kg.ttl", "sco-kg.nt", "sco-kg.rdf", "sco-kg.jsonld",
        "void.ttl", "summary.json", "manifest.json",
    ])
