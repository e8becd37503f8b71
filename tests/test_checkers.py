"""The checkers configured in pyproject.toml pass: the core/UI seam (import-linter), types
(mypy, strict for the core) and lint (ruff). Each runs from this venv, as `.ci/run` does."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["lint-imports"],
        ["mypy"],
        ["ruff", "check"],
        ["ruff", "format", "--check"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_checker_passes(command: list[str]) -> None:
    run = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"{' '.join(command)} failed:\n{run.stdout}\n{run.stderr}"


# What the core may import beyond the standard library, each as mypy finds it on MYPYPATH
# (a stub package by its module's name). Textual and Rich are not among them.
CORE_LIBRARIES = {"tomli": "tomli", "tomli_w": "tomli_w", "tabulate": "tabulate-stubs"}


def test_the_core_type_checks_with_no_library_but_its_own(tmp_path):
    """mypy over the core with site-packages hidden and only the core's own libraries on its path:
    a core module that imports Textual (or anything else undeclared) fails with import-not-found.
    The screens, reached through the CLI's import of the app, are followed silently."""
    site = Path(importlib.util.find_spec("tomli_w").origin).parent.parent
    path = tmp_path / "path"
    path.mkdir()
    for module, folder in CORE_LIBRARIES.items():
        (path / module).symlink_to(site / folder)
    core = sorted(str(p) for p in (ROOT / "moderate").glob("*.py"))
    run = subprocess.run(
        [str(BIN / "mypy"), "--no-site-packages", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"), *core],
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(path)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, f"mypy over the core alone failed:\n{run.stdout}\n{run.stderr}"
