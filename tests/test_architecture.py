"""The shape of the package, checked: the layers and cycles by import-linter (its contracts in
pyproject.toml, run here and by .ci/run), modules of at most 600 lines, and imports inside
functions only where a comment says why (a heavy dependency loaded lazily)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "server" / "sco_kg"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 600


def test_import_linter_contracts_are_kept():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "2 kept, 0 broken" in out.stdout


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_at_most_600_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by job"


def _function_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield inner


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_inside_functions_say_why(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    silent = []
    for node in _function_imports(ast.parse(text)):
        here = lines[node.lineno - 1]
        above = node.lineno - 2  # a comment on the line, or above the block of imports it opens
        while above >= 0 and lines[above].strip().startswith(("import ", "from ")):
            above -= 1
        if "#" not in here and not (above >= 0 and lines[above].strip().startswith("#")):
            silent.append(f"{path.relative_to(ROOT)}:{node.lineno}: {here.strip()}")
    assert not silent, "imports inside functions without a comment saying why:\n" + "\n".join(silent)
