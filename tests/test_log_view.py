"""The moderation log in the app: a review recorded with `=`, the log view filtered as one types."""

from __future__ import annotations

from moderate.reading import load
from moderate.screens.dialogs import AskText
from moderate.screens.log import LogScreen
from helpers.app import go_to, open_app, typed
from helpers.screen import screen_text


async def test_a_review_is_recorded_and_the_log_view_filters_it(stockton):
    text = stockton.read_text().replace('"2.1.2" = "yes"', '"2.1.2" = "no"', 1)  # C01
    stockton.write_text(
        text + '\n[[moderation]]\ncase = "C02"\nquestion = "2.1.1"\nfrom = "no"\nto = "yes"\n'
        'by = "ak"\nat = 2026-11-20T09:00:00Z\nreason = "[bold]kept[/bold] as written"\n'
    )
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        await go_to(pilot, "2.1.2", "C01")
        await pilot.press("equals_sign")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)
        await typed(pilot, *"dip", "enter")
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(pilot.app.screen, LogScreen)
        shown = screen_text(pilot.app)
        assert "Moderation log: 2 of 2 entries" in shown
        assert "[bold]kept[/bold] as written" in shown  # file text as written, never markup
        assert "no (agreed)" in shown and "dip" in shown
        await typed(pilot, *"ak")  # the case filter has the focus: no case is called "ak"
        await pilot.pause()
        assert "0 of 2 entries" in screen_text(pilot.app)
        await pilot.press("backspace", "backspace", "tab", "tab", *"jb")
        await pilot.pause()
        assert "1 of 2 entries" in screen_text(pilot.app)
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
    entry = load(stockton).inspection.moderation[-1]
    assert (entry.case, entry.question, entry.from_, entry.to, entry.by, entry.reason) == (
        "C01",
        "2.1.2",
        "no",
        "no",
        "jb",
        "dip",
    )
