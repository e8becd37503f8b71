"""One way in and one way out (issue 22, findings 2, 3 and 4): every file the program reads
goes through the guarded open, and everything it prints or writes as CSV through the guards
that keep a file's text from driving the terminal or the spreadsheet that opens it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import moderate
from helpers.files import REPO
from hypothesis import given
from hypothesis import strategies as st

from moderate.reading import load
from moderate.shown import FORMULA_STARTS, from_cell, spreadsheet_csv

BY = "\x1b]0;PWN\x07\x1b[2J…"  # renames the terminal's window and clears its screen
INSPECTOR = "\x1b[5mak\u202e"  # blinks, then turns what follows right to left
FORMULA = '=HYPERLINK("http://x/","C01")'
RAW = ("\x1b", "\x07", "\u202e")


def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string with \u escapes is a TOML basic string


@pytest.fixture
def hostile(stockton) -> Path:
    """The sample with an inspector named in escapes, a case id that is a formula, and one
    answer changed by a moderator named in escapes."""
    text = stockton.read_text(encoding="utf-8")
    text = text.replace('inspector = "ak"', f"inspector = {toml_string(INSPECTOR)}", 1)
    stockton.write_text(text.replace('id = "C02"', f"id = {toml_string(FORMULA)}", 1), encoding="utf-8")
    table = stockton.with_name("one.csv")
    table.write_text("case,question,answer\nC01,2.1.1,no\n", encoding="utf-8")
    assert moderate("import", str(stockton), str(table), "--as", BY).returncode == 0
    return stockton


def raw_controls(text: str) -> list[str]:
    return [ch for ch in RAW if ch in text]


# ---------------------------------------------------------------- out: to the terminal


def test_stats_shows_the_escapes_of_names_and_never_sends_them(hostile):
    result = moderate("stats", str(hostile), "--by", "moderator", "--by", "inspector", "--by", "question")
    assert result.returncode == 0, result.stderr
    assert raw_controls(result.stdout + result.stderr) == []
    assert "\\x1b]0;PWN\\x07\\x1b[2J…" in result.stdout  # as the text report's tables show it
    assert "\\x1b[5mak\\u202e" in result.stdout


@pytest.mark.parametrize("command", [("stats", "--json"), ("report", "--json")])
def test_json_escapes_every_control_and_keeps_the_data(hostile, command):
    result = moderate(command[0], str(hostile), *command[1:])
    assert result.returncode == 0, result.stderr
    assert raw_controls(result.stdout) == []
    data = json.loads(result.stdout)
    moderation = data if command[0] == "stats" else data["moderation"]
    assert [m["moderator"] for m in moderation["by_moderator"]] == [BY]  # the same data, read back
    assert INSPECTOR in [i["inspector"] for i in moderation["by_inspector"]]


def test_every_command_shows_what_it_quotes_from_a_file_or_a_name(hostile, tmp_path):
    named = tmp_path / "x\x1b[2J\u202e.toml"  # a file's own name, quoted in every message
    named.write_bytes(hostile.read_bytes())
    results = [
        moderate("check", str(named)),
        moderate("format", str(named)),
        moderate("report", str(named), "--format", "csv", "--entries"),
        moderate("answers", str(named)),
        moderate("new", str(named), "--framework", "hmip-youth-2021", "--cases", "court=1"),
        moderate("import", str(named), str(tmp_path / "x\x1b[2J.csv")),
    ]
    for result in results:
        assert raw_controls(result.stdout + result.stderr) == [], result
    assert "x␛[2J<U+202E>.toml: ok" in results[0].stdout
    assert "x␛[2J<U+202E>.toml: already exists; nothing written" in results[4].stderr
    assert "x␛[2J.csv: cannot be read: No such file or directory" in results[5].stderr


# ---------------------------------------------------------------- out: to a spreadsheet


def test_a_formula_id_is_written_as_text_and_imported_back_as_itself(hostile):
    result = moderate("answers", str(hostile))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[2][0] == "'" + FORMULA  # text to a spreadsheet: never run
    assert rows[0][1] == "2.1.1" and rows[2][1] == "yes"
    rows[2][1] = "no"
    table = hostile.with_name("back.csv")
    with table.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    imported = moderate("import", str(hostile), str(table), "--as", "jb")
    assert imported.returncode == 0, imported.stderr
    assert "1 answer set (0 first answers, 1 changed)" in imported.stdout
    assert load(hostile).inspection.case(FORMULA).answers["2.1.1"].value == "no"


@given(st.text(alphabet=st.sampled_from("=+-@'\t\n,\"aC0"), max_size=8))  # a CR goes out as ␍: the output's guard
def test_no_cell_written_starts_a_formula_and_every_cell_reads_back_as_it_was(text):
    written = list(csv.reader(io.StringIO(spreadsheet_csv(["h"], [[text, 1]]), newline="")))[1]
    assert not written[0].startswith(FORMULA_STARTS)
    assert from_cell(written[0]) == text and written[1] == "1"


def test_check_warns_about_a_formula_id_and_still_passes_the_file(hostile):
    result = moderate("check", str(hostile))
    assert result.returncode == 0, result.stderr
    assert f"warning: case id {FORMULA!r} starts with '=': a spreadsheet opening a table of it would run it" in result.stderr


# ---------------------------------------------------------------- in: tables


def _pipe(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _device(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _huge(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.truncate(size)  # sparse: nothing written
    return path


TABLES = [
    (_pipe, "is a named pipe, not a CSV table"),
    (_device, "is a device, not a CSV table"),
    (lambda path: _huge(path, 17 << 20), "is 17 MiB, over the limit of 16 MiB for a CSV table"),
]


@pytest.mark.parametrize("make, refusal", TABLES)
def test_a_table_that_is_a_pipe_a_device_or_too_large_is_refused_at_once(stockton, tmp_path, make, refusal):
    table = make(tmp_path / "table.csv")
    before = stockton.read_bytes()
    for args in (
        ("import", str(stockton), str(table)),
        ("new", str(tmp_path / "new.toml"), "--framework", "hmip-youth-2021", "--cases-from", str(table)),
    ):
        result = moderate(*args)  # bounded: a pipe waited on would hang until the timeout fails it
        assert result.returncode == 2, result
        assert f"{table}: {refusal}" in result.stderr
    assert stockton.read_bytes() == before and not (tmp_path / "new.toml").exists()


# ---------------------------------------------------------------- in: the user's own settings

OPEN_APP = """
import asyncio, sys
sys.path.insert(0, sys.argv[2])
from helpers.screen import Notified
from moderate.screens.app import ModerateApp
from moderate.workspace import Opening

async def main():
    told = Notified()
    app = ModerateApp(Opening.of(sys.argv[1], "tester"))
    async with app.run_test(size=(120, 40), message_hook=told) as pilot:
        await pilot.pause()
        await pilot.press("n")  # the default key
        print(app.session.answer("C01", "2.1.1").value, app.theme)
    print(*told, sep="\\n")

asyncio.run(main())
"""

KINDS = {
    "pipe": (_pipe, "is a named pipe"),
    "device": (_device, "is a device"),
    "huge": (lambda path: _huge(path, 1 << 20), "is 1 MiB, over the limit of"),
}


@pytest.mark.parametrize("keymap, theme", [("pipe", "device"), ("device", "huge"), ("huge", "pipe")])
def test_a_keymap_or_theme_that_is_a_pipe_a_device_or_too_large_opens_the_app_saying_so(stockton, tmp_path, keymap, theme):
    config = tmp_path / "config"
    (config / "moderate").mkdir(parents=True)
    KINDS[keymap][0](config / "moderate" / "keymap.toml")
    KINDS[theme][0](config / "moderate" / "theme")
    result = subprocess.run(  # its own process: a read that hung would fail at the timeout, not hang the tests
        [sys.executable, "-c", OPEN_APP, str(stockton), str(REPO / "tests")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CONFIG_HOME": str(config)},
    )
    assert result.returncode == 0, result.stderr
    answered, *told = result.stdout.splitlines()
    assert answered.split()[0] == "no"  # the app answers, with its default keys
    keymap_told = f"{config}/moderate/keymap.toml: {KINDS[keymap][1]}"
    theme_told = f"{config}/moderate/theme: {KINDS[theme][1]}"
    assert any(m.startswith(keymap_told) and m.endswith("The default keys are in use.") for m in told), told
    assert any(m.startswith(theme_told) and m.endswith("the default theme is in use.") for m in told), told
