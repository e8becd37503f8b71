"""Shared test helpers: real inspection files built in temporary directories."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_data"
# HMIP's published reports and the figures transcribed from them, copied here so the tests
# never depend on a folder beside the clone; test_published checks the copies are exact.
REPORTS = Path(__file__).resolve().parent / "data"
SHARED_REPORTS = REPO.parent / "shared" / "reports"
FIGURES = REPORTS / "published-figures.json"


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported: what one reads or runs at import (a load, a copy of
    the environment for its processes) never touches the settings or cache of whoever runs them."""
    home = Path(tempfile.mkdtemp(prefix="moderate-tests-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(home / name.lower())


@pytest.fixture(autouse=True)
def own_settings(tmp_path_factory, monkeypatch) -> None:
    """Every test starts with no saved settings (theme, keymap, cursor advance) and no copy of
    the sample: what a user of this machine saved must never change what a test sees."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))


@pytest.fixture
def stockton(tmp_path) -> Path:
    """A copy of the Stockton-on-Tees sample to moderate."""
    path = tmp_path / "stockton.toml"
    path.write_bytes((SAMPLES / "stockton-on-tees-2021.toml").read_bytes())
    return path


def published_reports() -> list[dict]:
    return json.loads(FIGURES.read_text(encoding="utf-8"))["reports"]


def moderate(*args: str, cwd: Path | None = None):
    """Run the real command line, as a user would."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "moderate.cli", *args], capture_output=True, text=True, cwd=cwd)


def inspection_text(
    answers: dict[str, list[str]], sample_size: int | None = None, extra: str = "", framework: str = "hmip-youth-2021"
) -> str:
    """A small inspection: one judgement standard (1.1, Good) and one case-based standard 2.1
    whose key questions are given as {question id: [answer per case, "" for unanswered]}."""
    size = sample_size or max(len(v) for v in answers.values())
    lines = [
        "format = 1",
        "",
        "[inspection]",
        'title = "Test"',
        f'framework = "{framework}"',
        "",
        "[samples]",
        'court = "Court disposals"',
        "",
        "[[standards]]",
        'id = "1.1"',
        'domain = "Organisational delivery"',
        'title = "Governance"',
        'rating = "Good"',
        "",
        "[[standards]]",
        'id = "2.1"',
        'domain = "Court disposals"',
        'title = "Assessment"',
        'sample = "court"',
        "",
    ]
    for question in answers:
        lines += ["[[standards.key_questions]]", f'id = "{question}"', f'text = "Question {question}?"', ""]
    for i in range(size):
        lines += ["[[cases]]", f'id = "C{i + 1:02}"', 'sample = "court"', "", "[cases.answers]"]
        for question, given in answers.items():
            if i < len(given) and given[i]:
                lines.append(f'"{question}" = "{given[i]}"')
        lines.append("")
    return "\n".join(lines) + extra
