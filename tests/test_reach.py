"""Every case of every sample can be brought wholly into view, at the sizes terminals really have."""

from __future__ import annotations

import re
import shutil

import pytest
from textual.widgets import Tabs

from helpers.app import typed
from helpers.files import generated, SAMPLES
from helpers.screen import screen_text
from moderate.screens.app import ModerateApp
from moderate.workspace import Opening
from moderate.screens.grid import CaseGrid

SIZES = [(80, 24), (100, 30), (120, 40)]


def header(app) -> str:
    """The grid's first line: the case ids in view, after the fixed columns."""
    grid = app.screen.query_one(CaseGrid)
    lines = screen_text(app).splitlines()
    return lines[grid.region.y]


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.toml")))
async def test_moving_right_brings_every_case_wholly_into_view_in_every_sample(sample, size, tmp_path):
    path = tmp_path / sample
    shutil.copy(SAMPLES / sample, path)
    app = ModerateApp(Opening.of(path, "jb"), theme="textual-dark")
    async with app.run_test(size=size) as pilot:
        grid = app.screen.query_one(CaseGrid)
        for _ in range(app.screen.query_one(Tabs).tab_count):  # a tab for each sample with standards
            await pilot.pause()
            seen = set()
            for _ in range(len(grid.cases) + 2):
                line = header(app)
                seen |= {c.id for c in grid.cases if f" {c.id} " in line}
                assert f" {grid.current_case.id} " in line, f"the cursor's case is not wholly in view: {line}"
                await pilot.press("right")
            assert seen == {c.id for c in grid.cases}
            assert f"of {len(grid.cases)}" in line or f"{len(grid.cases)} cases" in line
            await pilot.press("s")  # the next sample, which starts at its own first case


def durham(tmp_path) -> ModerateApp:
    path = tmp_path / "durham.toml"
    shutil.copy(SAMPLES / "county-durham-2022.toml", path)
    return ModerateApp(Opening.of(path, "jb"), theme="textual-dark")


async def test_each_sample_keeps_its_own_cursor_and_scroll(tmp_path):
    app = durham(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.screen.query_one(CaseGrid)
        await pilot.pause()
        await typed(pilot, *["right"] * 12, "down")
        court = grid.cursor, grid.current_case.id
        assert " ◂ C07–C13 of 13" in header(app)
        await pilot.press("s")
        await pilot.pause()
        assert grid.current_case.id == "O01" and " O01–O07 of 20 ▸" in header(app)
        await pilot.press("s")
        await pilot.pause()
        assert (grid.cursor, grid.current_case.id) == court and " ◂ C07–C13 of 13" in header(app)


async def test_a_narrower_window_brings_the_cursors_case_back_into_view(tmp_path):
    app = durham(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await typed(pilot, *["right"] * 12)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert " C13 " in header(app)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert " C13 " in header(app) and header(app).rstrip().endswith("C13")


@pytest.mark.subprocess
async def test_figures_columns_are_as_wide_as_their_figures_at_2000_cases(tmp_path):
    path = generated(tmp_path / "large.toml", 2000)
    async with ModerateApp(Opening.of(path, "jb"), theme="textual-dark").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = [line for line in screen_text(pilot.app).splitlines() if re.search(r"….*\d+/\d+", line)]
        assert lines and all(re.search(r"… +\d{3,4}/\d{4}[? ] +\d+%", line) for line in lines), lines
