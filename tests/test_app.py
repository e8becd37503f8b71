"""The moderation app, driven through Textual's pilot as a moderator would."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers.app import go_to, line_with, open_app, typed
from helpers.cli import moderate
from helpers.files import SAMPLES
from helpers.screen import screen_text
from moderate.model import Answer
from moderate.reading import load
from moderate.screens.app import ModerateApp
from moderate.workspace import Opening
from moderate.screens.dialogs import AskText, ConfirmQuit
from moderate.screens.grid import CaseGrid
from textual.widgets import DataTable


@pytest.mark.parametrize(
    "sample, score",
    [
        ("stockton-on-tees-2021.toml", "32/36 · Outstanding"),
        ("county-durham-2022.toml", "11/36 · Requires improvement"),
        ("northumberland-2023.toml", "26/36 · Good"),
    ],
)
async def test_each_sample_opens_with_its_published_score(sample, score, tmp_path):
    path = tmp_path / sample
    shutil.copy(SAMPLES / sample, path)
    async with open_app(path).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(pilot.app)
        assert f"Score {score}" in text
        assert "Court disposals" in text and "Out-of-court disposals" in text


async def test_moderating_stockton_planning_into_another_band_updates_everything_on_screen(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        assert pilot.app.session.answer("C01", "2.2.2") == Answer.NO
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(pilot.app)
        row = line_with(text, "2.2.2 Does planning")
        assert "6/8" in row and "75%" in row and "Good" in row
        standard = line_with(text, "2.2 Planning")
        assert "STALE panel decision" in standard  # the uplift was made against Requires improvement
        assert "Score 32/36 · Outstanding · ● unsaved" in text

        await go_to(pilot, "2.1.1", "C02")
        await pilot.press("n")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "5/8" in line_with(text, "2.1.1 Does assessment") and "63%" in line_with(text, "2.1.1 Does assessment")
        assert "2.1 Assessment  Requires improvement" in text
        assert "⚑ ↑ 2.5 percentage points below the 65% boundary for 'Good'; one case from 'Good'" in line_with(
            text, "2.1 Assessment"
        )
        assert "Score 31/36 · Outstanding" in text

        await pilot.press("u", "u")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "5/8" in line_with(text, "2.2.2 Does planning") and "63%" in line_with(text, "2.2.2 Does planning")
        assert "Requires improvement → Good (panel)" in line_with(text, "2.2 Planning")
        assert "Score 32/36 · Outstanding" in text
        assert pilot.app.session.moderation == []


async def test_an_answer_in_the_case_form_shows_at_once_in_the_form_the_grid_and_the_status_beneath(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("f")
        await pilot.pause()
        form = pilot.app.screen.query_one(DataTable)
        for _ in range(form.row_count):  # down to the question, as a user would; never past the last row
            if form.coordinate_to_cell_key(form.cursor_coordinate).row_key.value == "2.2.2":
                break
            await pilot.press("down")
        assert form.coordinate_to_cell_key(form.cursor_coordinate).row_key.value == "2.2.2"
        assert "✗" in form.get_row("2.2.2")
        await pilot.press("y")
        await pilot.pause()
        assert "✓" in form.get_row("2.2.2")
        text = screen_text(pilot.app)  # the form still open: the screen beneath shows through
        assert "Score 32/36 · Outstanding · ● unsaved" in text
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(pilot.app)
        row = line_with(text, "2.2.2 Does planning")
        assert "6/8" in row and "75%" in row and "✓*" in row
        assert "STALE panel decision" in line_with(text, "2.2 Planning")


async def test_an_undo_in_the_panel_shows_in_the_panel_and_in_the_grid_beneath(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("y", "P")
        await pilot.pause()
        text = screen_text(pilot.app)
        planning = line_with(text, "2.2 Planning")
        assert "STALE" in planning and "6/8" in planning and "● unsaved" in text
        await pilot.press("u")
        await pilot.pause()
        text = screen_text(pilot.app)
        planning = line_with(text, "2.2 Planning")
        assert "STALE" not in planning and "Requires improvement  panel" in planning and "● unsaved" not in text
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "5/8" in line_with(text, "2.2.2 Does planning") and "63%" in line_with(text, "2.2.2 Does planning")
        assert "Requires improvement → Good (panel)" in line_with(text, "2.2 Planning")
        assert "● unsaved" not in text


@pytest.mark.subprocess
async def test_a_save_writes_the_change_and_its_moderation_entry(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C02")
        await pilot.press("N")  # no, with a reason
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)
        await typed(pilot, *"No analysis of the exploitation risk", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "● unsaved" not in screen_text(pilot.app)
    report = json.loads(moderate("report", str(stockton), "--json").stdout)
    assessment = next(s for s in report["standards"] if s["id"] == "2.1")
    assert assessment["computed"] == "Requires improvement" and report["overall"]["score"] == 31
    entry = load(stockton).inspection.moderation[-1]
    assert (entry.case, entry.question, entry.from_, entry.to, entry.by) == ("C02", "2.1.1", "yes", "no", "jb")
    assert entry.reason == "No analysis of the exploitation risk"


async def test_quitting_with_unsaved_changes_asks_first(stockton):
    before = stockton.read_bytes()
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C01")
        await pilot.press("space")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmQuit)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ConfirmQuit) and pilot.app.is_running
        await pilot.press("q", "d")
        await pilot.pause()
        assert not pilot.app.is_running
    assert stockton.read_bytes() == before


async def test_save_and_quit_from_the_question(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C01")
        await pilot.press("x", "q", "s")
        await pilot.pause()
        assert not pilot.app.is_running
    assert "2.1.1" not in load(stockton).inspection.case("C01").answers


async def test_a_required_reason_takes_the_change_back_when_refused(tmp_path):
    path = tmp_path / "strict.toml"
    path.write_text(
        (SAMPLES / "northumberland-2023.toml")
        .read_text()
        .replace('lead_inspector = "lead"', 'lead_inspector = "lead"\nreasons_required = true')
    )
    async with open_app(path).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.4.3", "C01")
        before = pilot.app.session.answer("C01", "2.4.3")
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)
        await pilot.press("enter")  # empty: refused
        assert isinstance(pilot.app.screen, AskText)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.session.answer("C01", "2.4.3") == before and pilot.app.session.moderation == []


async def test_the_other_sample_prompts_and_moderated_mark(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "3.4 Joint working" in text and "O05" in text
        await pilot.press("p")
        await pilot.pause()
        assert "3.1.1.a" in screen_text(pilot.app)
        await pilot.press("m")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert load(stockton).inspection.case("O01").moderated.by == "jb"


@pytest.mark.subprocess
async def test_next_unanswered_and_next_flagged(tmp_path):
    path = tmp_path / "new.toml"
    moderate("new", str(path), "--framework", "hmip-youth-2021", "--cases", "court=3,oocd=2")
    async with open_app(path).run_test(size=(80, 24)) as pilot:
        await pilot.press("y", "left", "full_stop")  # back on the answered cell: `.` finds the next one
        grid = pilot.app.screen.query_one(CaseGrid)
        assert (grid.current_row.question, grid.current_case.id) == ("2.1.1", "court-02")
    stockton = shutil.copy(SAMPLES / "stockton-on-tees-2021.toml", tmp_path / "stockton.toml")
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("right_square_bracket")
        grid = pilot.app.screen.query_one(CaseGrid)
        assert grid.current_row.kind == "standard" and grid.current_row.standard == "2.2"


async def test_every_action_is_in_the_command_palette(stockton):
    app = open_app(stockton)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {
            "Yes",
            "No",
            "N/a",
            "Cycle",
            "Clear",
            "Undo",
            "Redo",
            "Reason",
            "Save",
            "Quit",
            "Keys",
            "Go to a case, standard or question",
            "Case detail",
            "Prompts",
            "Next sample",
            "Next flag",
            "Next unanswered",
            "Panel",
        } <= titles
        await pilot.press("question_mark")  # Textual's help panel, beside the grid: keys the footer leaves out too
        await pilot.pause()
        assert "⌫ del x Clear" in screen_text(app) and "Yes, with a" in screen_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Clear" not in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_main_screen_looks_as_it_did(size, stockton, snap_compare):
    stockton.chmod(0o600)  # private, as moderate makes its files: no warning naming a temporary path
    assert snap_compare(open_app(stockton), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_ratings_panel_looks_as_it_did(size, stockton, snap_compare):
    stockton.chmod(0o600)
    assert snap_compare(open_app(stockton), press=["P"], terminal_size=size)


async def test_a_click_moves_the_cursor_and_a_click_on_its_cell_cycles_the_answer(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        row = next(i for i, r in enumerate(grid.rows) if r.question == "2.2.2")
        header = line_with(screen_text(pilot.app), " Question ")
        x = header.index("C01") + 1 - grid.region.x  # the first case's cell: C01, whose answer is no
        await pilot.click(CaseGrid, offset=(x, row + 1))
        assert grid.cursor == (row, 0) and grid.current_case.id == "C01"  # selected, as a spreadsheet does
        assert pilot.app.session.answer("C01", "2.2.2") == Answer.NO and not pilot.app.session.dirty
        await pilot.click(CaseGrid, offset=(x, row + 1))  # again, on the cell the cursor is on
        assert pilot.app.session.answer("C01", "2.2.2") == Answer.NA  # no -> n/a
        await pilot.click(CaseGrid, offset=(x + 5, row))  # C02 on the line above: moves, changes nothing
        assert grid.cursor == (row - 1, 1) and pilot.app.session.answer("C02", "2.2.1") == Answer.YES


def test_over_ssh_or_under_no_color_the_app_starts_in_the_16_colour_theme(monkeypatch):
    from moderate.screens.app import default_theme

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLORTERM", "truecolor")
    assert default_theme() == "textual-dark"
    monkeypatch.delenv("COLORTERM")  # as over ssh, which does not forward it
    assert default_theme() == "ansi-dark"
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.setenv("NO_COLOR", "1")
    assert default_theme() == "ansi-dark"


async def test_the_theme_a_user_chooses_is_remembered_for_them_alone(stockton, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    app = ModerateApp(Opening.of(stockton, "jb"))
    async with app.run_test() as pilot:
        pilot.app.theme = "moderate-high-contrast"
        await pilot.pause()
    remembered = tmp_path / "config" / "moderate" / "theme"
    assert remembered.stat().st_mode & 0o777 == 0o600
    assert remembered.parent.stat().st_mode & 0o777 == 0o700
    assert ModerateApp(Opening.of(stockton, "mk")).theme == "moderate-high-contrast"
    assert ModerateApp(Opening.of(stockton, "ls"), theme="textual-light").theme == "textual-light"  # --theme still wins


async def test_every_palette_entry_is_listed_once(stockton):
    app = open_app(stockton)
    async with app.run_test(size=(80, 24)) as pilot:
        for opened_by in (None, "P"):  # the main screen, then the ratings panel
            if opened_by:
                await pilot.press(opened_by)
                await pilot.pause()
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert sorted({t for t in titles if titles.count(t) > 1}) == [], type(app.screen).__name__
