"""The checkers configured in pyproject.toml pass: the core/UI seam (import-linter), types
(mypy, strict for the core) and lint (ruff). Each runs from this venv, as `.ci/run` does."""

from __future__ import annotations

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
