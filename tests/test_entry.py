"""Getting answers in and finding one's way, driven through the pilot as a moderator would."""

from __future__ import annotations

from conftest import moderate
from moderate.screens.app import ModerateApp
from moderate.screens.dialogs import AskText, ConfirmQuit
from moderate.screens.grid import CaseGrid
from moderate.screens.panel import PanelScreen
from screen import screen_text
from test_panel import select


def open_app(path, user: str = "jb") -> ModerateApp:
    return ModerateApp(path, user, theme="textual-dark")


async def keep_planning(pilot) -> None:
    """On the panel, keep 2.2's computed rating (withdrawing Stockton's uplift): 32/36 becomes 31/36."""
    await pilot.press("P")
    await select(pilot, "2.2")
    await pilot.press("k")
    assert isinstance(pilot.app.screen, AskText)
    await pilot.press(*"Keep", "enter")
    await pilot.pause()


async def test_quitting_with_only_a_panel_decision_unsaved_says_so(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await keep_planning(pilot)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmQuit)
        assert "Unsaved changes: 1 panel decision not saved." in screen_text(pilot.app)


async def test_a_panel_decision_is_undone_on_the_panel(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await keep_planning(pilot)
        assert "Overall  31/36" in screen_text(pilot.app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)
        assert "Overall  32/36" in screen_text(pilot.app) and "● unsaved" not in screen_text(pilot.app)


async def test_undoing_a_moderated_mark_back_to_the_saved_state_clears_unsaved(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        await pilot.press("m")
        await pilot.pause()
        assert "● unsaved" in screen_text(pilot.app) and grid.cases[0].moderated is not None
        await pilot.press("y")  # an answer too: C01 2.1.1 is already yes, so this changes nothing
        await pilot.press("n", "u")
        await pilot.pause()
        assert "● unsaved" in screen_text(pilot.app)
        await pilot.press("u")
        await pilot.pause()
        assert grid.cases[0].moderated is None
        assert "● unsaved" not in screen_text(pilot.app)
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running  # nothing to ask about
    assert moderate("check", str(stockton)).returncode == 0
