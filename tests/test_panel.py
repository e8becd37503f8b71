"""The ratings panel, driven as the lead inspector would."""

from __future__ import annotations

import asyncio
import time

import pytest

from moderate.reading import load
from moderate.screens.dialogs import AskText
from moderate.screens.panel import ChooseRating, PanelScreen
from moderate.session import Session
from moderate.storage import save
from helpers.app import go_to, line_with, open_app, select, typed
from helpers.screen import Notified, screen_text


async def test_stockton_planning_shows_its_computed_rating_reasons_and_standing_uplift(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)
        text = screen_text(pilot.app)
        row = line_with(text, "2.2 Planning")
        assert "Requires improvement" in row and "Good (lead, 24 Sep)" in row
        assert "⚑ ↑" in row and "2.5 percentage points below the 65%" in row
        assert "↑1 Good · ↓2 Inade" in row
        assert "Overall  32/36  Outstanding" in text
        await select(pilot, "2.2")
        text = screen_text(pilot.app)
        assert "2.2 Planning: Good" in text and "Computed from the answers: Requires improvement." in text
        assert "Sensitivity: one case from Good; 2 cases from Inadequate." in text
        assert "Eligible for discretion ↑ 2.5 percentage points below the 65% boundary for 'Good'; one case from 'Good'." in text
        assert "Panel: Good against computed Requires improvement, by lead" in text


@pytest.mark.slow
async def test_withdrawing_and_re_deciding_the_uplift_updates_the_overall(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await pilot.press("P")
        await select(pilot, "2.2")
        await pilot.press("equals_sign")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)
        await typed(pilot, *"Panel keeps the computed rating", "enter")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Overall  31/36  Outstanding" in text
        assert line_with(text, "2.2 Planning").split()[2:5] == ["Requires", "improvement", "1"]  # final, score
        await pilot.press("plus")
        await typed(pilot, *"Contingency planning was the only shortfall", "enter")
        await pilot.pause()
        assert "Overall  32/36  Outstanding" in screen_text(pilot.app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    decisions = load(stockton).inspection.discretion
    assert [(d.rating, d.by) for d in decisions] == [("Good", "lead"), ("Requires improvement", "jb"), ("Good", "jb")]


async def test_a_moderation_change_that_moves_the_computed_rating_makes_the_decision_stale(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("y")
        await pilot.press("P")
        await pilot.pause()
        row = line_with(screen_text(pilot.app), "2.2 Planning")
        assert "STALE Good (made against Requires improvement)" in row


async def test_a_judgement_standard_is_rated_on_the_panel_and_logged(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await pilot.press("P")
        await select(pilot, "1.1")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChooseRating)
        await pilot.press("down", "enter")  # from its rating, Good, to Outstanding
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)  # why
        await typed(pilot, *"Board", "space", *"challenge", "enter")
        await pilot.pause()
        assert "Overall  33/36  Outstanding" in screen_text(pilot.app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    inspection = load(stockton).inspection
    assert inspection.standard("1.1").rating == "Outstanding"
    entry = inspection.moderation[-1]
    assert (entry.standard, entry.from_, entry.to, entry.reason) == ("1.1", "Good", "Outstanding", "Board challenge")


async def test_a_file_saved_by_another_process_shows_on_the_panel_within_two_seconds(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await pilot.press("P")
        await pilot.pause()
        # another inspector saves: C01 gets a yes on 2.2.2, so Planning is computed Good
        other = load(stockton)
        theirs = Session(other.inspection, other.framework, "ak")
        theirs.set_answer("C01", "2.2.2", theirs.answer("C01", "2.2.3"))
        await asyncio.sleep(0.01)
        save(stockton, theirs.snapshot())
        started = time.monotonic()
        while "STALE" not in screen_text(pilot.app):
            assert time.monotonic() - started < 2.0, "the change did not show within two seconds"
            await pilot.pause(0.1)
        assert "6/8" in line_with(screen_text(pilot.app), "2.2 Planning")


async def test_the_panel_moves_a_rating_only_the_way_discretion_allows(stockton):
    notified = Notified()
    async with open_app(stockton).run_test(size=(200, 40), message_hook=notified) as pilot:
        await pilot.press("P")
        await select(pilot, "2.2")  # eligible upwards only
        await pilot.press("minus")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)
        assert "2.2 is a candidate for moving up only." in notified
        await select(pilot, "2.3")  # 8/8, 8/8, 8/8 on 8 cases: not eligible
        await pilot.press("plus")
        await pilot.pause()
        assert "2.3 is not eligible for discretion." in notified
        await select(pilot, "1.1")
        assert "from" not in line_with(screen_text(pilot.app), "1.1 Governance and leadership: Good")


async def test_the_large_mode_gives_the_overall_more_room_for_a_projector(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        await pilot.press("P", "b")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.query_one("#score").region.height == 3  # the score in big digits
        assert screen.table.get_row_height("2.2") == 2 and len(screen.table.columns) == 4  # standard, rating, panel mark, arrows
        await pilot.press("b")
        await pilot.pause()
        assert screen.query_one("#score").region.height == 0
        assert screen.table.get_row_height("2.2") == 1


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_panel_fits_the_terminal_with_every_rows_arrows(stockton, size):
    async with open_app(stockton).run_test(size=size) as pilot:
        await pilot.press("P")
        await pilot.pause()
        text = screen_text(pilot.app)
        planning = line_with(text, "2.2 Planning")
        assert "Good" in planning and ("RI" in planning or "Requires improvement" in planning)
        assert "panel" in planning or "Good (lead" in planning
        assert "⚑ ↑" in planning and "⚑ ↑↓" in line_with(text, "2.1 Assessment")
        table = pilot.app.screen.table
        assert table.virtual_size.width <= size[0]  # nothing off to the side
        if size[0] >= 120:
            assert "↓1 RI" in line_with(text, "3.1 Assessment")  # its sensitivity, in the band reached


async def test_the_explanation_names_the_band_reached_and_opens_the_cases_behind_each_percentage(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        await select(pilot, "3.1")
        await pilot.press("enter")
        await pilot.pause()
        explanation = pilot.app.screen.query_one("#explain")
        text = str(explanation.render())
        assert "Sensitivity: one case from Requires improvement." in text
        assert "3.1.1 4/5 yes · 80% · Outstanding" in text and "yes: O01 O02 O04 O05 · no: O03" in text
        assert pilot.app.screen.query_one("#explain-scroll").max_scroll_y > 0  # it scrolls; nothing is cut
        await pilot.press("e")
        await pilot.pause()
        assert "2.3" not in pilot.app.screen.table.rows and "2.2" in pilot.app.screen.table.rows
