"""The text report fits the terminal it is printed on: 80 columns at least, wider when the
terminal is, whatever the length of the file's words and reasons."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers.cli import moderate
from helpers.files import SAMPLES

pytestmark = pytest.mark.subprocess

SAMPLE_FILES = sorted(SAMPLES.glob("*.toml"))


def _report(path, columns: int | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    done = subprocess.run([sys.executable, "-m", "moderate.cli", "report", str(path)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_no_line_is_wider_than_an_80_column_terminal(path):
    assert SAMPLE_FILES, "the bundled samples are missing"
    lines = _report(path, 80).splitlines()
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]


def test_without_a_terminal_the_report_is_80_columns_and_a_wider_terminal_is_used():
    path = SAMPLES / "stockton-on-tees-2021.toml"
    assert max(map(len, _report(path, None).splitlines())) <= 80
    wide = _report(path, 160).splitlines()
    assert 80 < max(map(len, wide)) <= 160
    # the key questions no longer wrap when there is room for them
    assert any(line.startswith("Does assessment sufficiently analyse how to support the child's desistance?") for line in wide)


def test_long_reasons_and_log_entries_wrap_beneath_their_row(tmp_path):
    path = tmp_path / "long.toml"
    text = (SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")
    reason = "The assessment missed the exploitation risk that the police had recorded. " * 4
    text += (
        '\n[[moderation]]\ncase = "C01"\nquestion = "2.1.1"\nfrom = "yes"\nto = "no"\nby = "a-moderator-with-a-long-name"\n'
        f'at = 2020-09-25T10:00:00Z\nreason = "{reason.strip()}"\n'
    )
    path.write_text(text.replace('"2.1.1" = "yes"', '"2.1.1" = "no"', 1), encoding="utf-8")
    assert moderate("check", str(path)).returncode == 0
    out = _report(path, 80)
    lines = out.splitlines()
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]
    # every word of the reason is there, in order, beneath its entry
    log = out[out.index("\nLog\n") :]
    assert " ".join(log.split()).count(" ".join(reason.split())) == 1


def test_a_files_long_words_wrap_too(tmp_path):
    path = tmp_path / "long.toml"
    text = (SAMPLES / "county-durham-2022.toml").read_text(encoding="utf-8")
    long_title = "County Durham Youth Justice Service and its partners across the whole of the county, " * 2
    text = text.replace('title = "County Durham Youth Justice Service"', f'title = "{long_title.strip()}"', 1)
    text = text.replace('domain = "Court disposals"', 'domain = "' + "Court disposals " * 8 + '"')
    text = text.replace('title = "Assessment"', "title = \"\u202eAssessment of the child's " + "needs " * 12 + '"', 1)
    path.write_text(text, encoding="utf-8")
    assert moderate("check", str(path)).returncode == 0
    lines = _report(path, 80).splitlines()
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]
    assert " ".join(" ".join(lines).split()).count(" ".join(long_title.split())) == 1
    assert any("<U+202E>" in line for line in lines)  # shown, not sent to the terminal, and still fitted
