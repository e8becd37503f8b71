"""A review is recorded only when it is given: `=` then Esc leaves nothing in the log.

The dialog says "esc to cancel"; a review counted after Esc would tell the panel that an answer
was checked when nobody checked it."""

from __future__ import annotations

import pytest

import time

from moderate.reading import load
from moderate.screens.dialogs import AskText
from helpers.app import go_to, open_app, typed
from helpers.screen import Notified, screen_text
from helpers.terminal import Terminal


async def test_escape_on_the_review_dialog_records_no_review(stockton):
    before = load(stockton).inspection.moderation
    notified = Notified()
    async with open_app(stockton).run_test(size=(100, 30), message_hook=notified) as pilot:
        await go_to(pilot, "2.1.2", "C01")
        await pilot.press("equals_sign")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)
        await typed(pilot, *"half", "escape")
        await pilot.pause()
        assert "No review recorded for C01 2.1.2." in notified
        assert not pilot.app.session.dirty
        await pilot.press("enter")  # the case's detail and its moderation history
        await pilot.pause()
        assert "(agreed)" not in screen_text(pilot.app)
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
    assert load(stockton).inspection.moderation == before


@pytest.mark.terminal
def test_escape_on_the_review_dialog_in_a_real_terminal_records_nothing(stockton, tmp_path):
    """The sequence a quality lead reported: `=`, Esc, the case's detail, ctrl+s."""
    before = load(stockton).inspection.moderation
    terminal = Terminal(tmp_path / "tmux.socket", stockton, 100, 30, {"TERM": "xterm-256color"})
    try:
        terminal.wait_for("Yes/rel")
        terminal.keys("=")
        terminal.wait_for("Comment?")
        terminal.keys("Escape")
        terminal.wait_for("No review recorded")
        terminal.keys("Enter")
        assert "(agreed)" not in terminal.wait_for("Moderation history")
        terminal.keys("Escape")  # alone: Esc and ctrl+s sent together read as one alt+ctrl+s
        deadline = time.monotonic() + 20
        while "Moderation history" in terminal.capture(escapes=False) and time.monotonic() < deadline:
            time.sleep(0.2)
        terminal.keys("C-s")
        terminal.wait_for("Saved")
    finally:
        terminal.close()
    assert load(stockton).inspection.moderation == before
