"""The checkers configured in pyproject.toml pass: the core/UI seam (import-linter), types
(mypy, strict for the core) and lint (ruff). Each runs from this venv, as `.ci/run` does."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "command",
    [
        ["lint-imports"],
        pytest.param(["mypy"], marks=pytest.mark.slow),  # from no cache, in a fresh clone
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


@pytest.mark.subprocess
@pytest.mark.slow  # mypy from no cache, every time
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


def test_the_screens_reach_the_file_only_through_the_workspace() -> None:
    """No exception to "the screens do no file I/O": the app opens, watches and saves through the workspace."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    seam = next(c for c in contracts if c["name"] == "The screens do no file I/O")
    assert not seam.get("ignore_imports")
    assert {"moderate.reading", "moderate.storage", "moderate.journal"} <= set(seam["forbidden_modules"])


def test_the_screens_are_type_checked_as_strictly_as_the_core() -> None:
    """Strict mypy over every module, the screens too: no override relaxes it, no error in a screen is silenced."""
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["strict"] is True and "overrides" not in mypy
    silenced = [p for p in (ROOT / "moderate" / "screens").glob("*.py") if "type: ignore" in p.read_text(encoding="utf-8")]
    assert not silenced


def test_ci_runs_the_readmes_test_command_exactly() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("## Test it", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    assert command.splitlines()[-1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_test_modules_import_their_helpers_from_the_helper_package() -> None:
    """Never from another test module or from conftest: a helper lives once, in tests/helpers/."""
    borrowed = [
        f"{path.name}: {line}"
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith(("from conftest import", "import conftest", "from test_", "import test_"))
    ]
    assert not borrowed


def test_the_readmes_layout_names_every_core_module() -> None:
    layout = (ROOT / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    unnamed = [
        p.name for p in sorted((ROOT / "moderate").glob("*.py")) if p.name != "__init__.py" and f"`{p.name}`" not in layout
    ]
    assert not unnamed
