"""Case ids read whole and apart in the grid's header, whatever made them: `moderate new`, a
table of the inspection's own ids, or thousands of generated cases."""

from __future__ import annotations

import re

import pytest

from helpers.cli import moderate
from helpers.files import generated
from helpers.screen import screen_text
from helpers.terminal import Terminal
from moderate.layout import abbreviations, clipped
from moderate.screens.app import ModerateApp
from moderate.screens.grid import CaseGrid
from moderate.workspace import Opening

SIZES = [(80, 24), (100, 30), (120, 40)]


def new_inspection(tmp_path, *arguments: str):
    path = tmp_path / "n.toml"
    result = moderate("new", path, "--framework", "hmip-youth-2025", *arguments)
    assert result.returncode == 0, result.stderr
    path.chmod(0o600)
    return path


def heads(line: str, after: int) -> list[str]:
    """The case ids in the header line, each as it is written after the fixed columns."""
    return line[after:].split()


def header(app) -> tuple[str, int]:
    grid = app.screen.query_one(CaseGrid)
    return screen_text(app).splitlines()[grid.region.y], grid.region.x + grid._fixed_width


@pytest.mark.subprocess
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_ids_of_a_new_2025_inspection_are_whole_and_apart_in_the_header(size, tmp_path):
    path = new_inspection(tmp_path, "--cases", "children=3")
    async with ModerateApp(Opening.of(path, "jb"), theme="textual-dark").run_test(size=size) as pilot:
        await pilot.pause()
        line, after = header(pilot.app)
        assert heads(line, after) == ["children-01", "children-02", "children-03"], line
        assert "children-01  children-02" in line  # a gap between them
        assert " Yes/rel" in line, line  # and between the count of cases and the columns' heads


@pytest.mark.subprocess
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_moving_across_a_sample_of_long_ids_shows_each_whole_once_and_never_a_cut_one(size, tmp_path):
    path = new_inspection(tmp_path, "--cases", "children=2,victims=12")
    ids = {f"victims-{n:02}" for n in range(1, 13)}
    async with ModerateApp(Opening.of(path, "jb"), theme="textual-dark").run_test(size=size) as pilot:
        await pilot.press("s")  # the victims' sample
        await pilot.pause()
        seen = set()
        for _ in range(13):
            line, after = header(pilot.app)
            shown = heads(line, after)
            assert set(shown) <= ids and len(set(shown)) == len(shown), line
            assert "of 12" in line, line  # how many there are, never cut
            seen |= set(shown)
            await pilot.press("right")
        assert seen == ids


@pytest.mark.subprocess
async def test_ids_too_long_for_any_column_are_shortened_each_to_its_own(tmp_path):
    table = tmp_path / "cases.csv"
    names = [f"northumberland-court-{n:03}" for n in range(1, 21)]
    table.write_text("id,sample,label,inspector\n" + "".join(f"{n},children,,ak\n" for n in names))
    path = new_inspection(tmp_path, "--cases-from", str(table))
    async with ModerateApp(Opening.of(path, "jb"), theme="textual-dark").run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(20):
            line, after = header(pilot.app)
            seen += [head for head in heads(line, after) if head not in seen]
            await pilot.press("right")
        assert len(seen) == 20 and all("…" in head and len(head) <= 13 for head in seen), seen
        assert [head[-2:] for head in seen] == [n[-2:] for n in names]  # where they differ, kept


@pytest.mark.subprocess
@pytest.mark.slow
@pytest.mark.parametrize("size", [(60, 20), *SIZES], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_2000_case_header_says_how_many_cases_in_full(size, tmp_path):
    path = generated(tmp_path / "large.toml", 2000)
    async with ModerateApp(Opening.of(path, "jb"), theme="textual-dark").run_test(size=size) as pilot:
        await pilot.pause()
        grid = pilot.app.screen.query_one(CaseGrid)
        total = len(grid.cases)
        await pilot.press("right", "right", "right", "right", "right", "right", "right", "right", "right", "right")
        await pilot.pause()
        line, _ = header(pilot.app)
        assert re.search(rf"◂ \S+ of {total} ▸", line), line


def test_abbreviations_keep_what_tells_ids_apart():
    ids = ["children-01", "children-02", "children-10", "C1"]
    assert abbreviations(ids, 11) == {i: i for i in ids}
    short = abbreviations(ids, 8)
    assert short == {"children-01": "child…01", "children-02": "child…02", "children-10": "child…10", "C1": "C1"}
    apart = abbreviations(["01-court-case", "02-court-case"], 8)  # apart at their beginnings
    assert len(set(apart.values())) == 2 and all(len(v) == 8 for v in apart.values())


@pytest.mark.terminal
@pytest.mark.subprocess
def test_in_a_real_terminal_the_new_inspections_ids_are_whole_at_each_width(tmp_path):
    path = new_inspection(tmp_path, "--cases", "children=3")
    for width, height in SIZES:
        terminal = Terminal(tmp_path / f"tmux-{width}.socket", path, width, height, {"TERM": "xterm-256color"})
        try:
            screen = terminal.wait_for("Band")
            line = next(line for line in screen.splitlines() if "Band" in line)
            plain = re.sub(r"\x1b\[[0-9;:]*m", "", line)
            assert re.search(r"Band +children-01  children-02  children-03\b", plain), plain
        finally:
            terminal.close()


def test_text_is_cut_with_an_ellipsis_at_a_words_end_when_one_is_near():
    assert clipped("5 percentage points below the 80% boundary for 'Outstanding'", 50) == (
        "5 percentage points below the 80% boundary for…"
    )
    assert clipped("Does assessment sufficiently analyse", 14) == "Does assessme…"  # no word's end near: mid-word
    assert clipped("short", 10) == "short" and clipped("anything", 0) == ""
