"""The layers hold: import rules (import-linter contracts in pyproject.toml) and pure modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = ["assessments/scoring.py", "assessments/peers.py", "frameworks/kinds.py"]
IMPURE = ("django.db", "django.http", "django.shortcuts", "django.contrib", "django.template")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_orm_and_no_request(module):
    impure = {n for n in _imports(ROOT / module) if n.startswith(IMPURE)}
    assert not impure, f"{module} imports {sorted(impure)}"


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "broken" in run.stdout and " 0 broken" in run.stdout
