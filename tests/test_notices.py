"""What the app says in its notifications reads as words, whole, over whatever is beneath."""

from __future__ import annotations

import pytest

from helpers.app import open_app
from helpers.screen import Notified, screen_text, until


async def test_ctrl_c_says_in_words_which_key_quits(stockton):
    stockton.chmod(0o600)  # no warning about who may read it
    notified = Notified()
    async with open_app(stockton).run_test(size=(80, 24), message_hook=notified, notifications=True) as pilot:
        await pilot.press("P")  # in the grid ctrl+c copies the cell, and says q quits
        await pilot.press("ctrl+c")
        await until(pilot, lambda: notified)
        assert notified == ["Press q to quit: it asks first if anything is unsaved."]
        await until(pilot, lambda: "Press q to quit" in screen_text(pilot.app))
        assert "[b]" not in screen_text(pilot.app)
        await pilot.press("escape", "ctrl+c")
        await until(pilot, lambda: len(notified) == 2)
        assert notified[1].startswith("Copied C01 2.1.1 yes") and notified[1].endswith("q quits.")
        assert pilot.app.is_running  # ctrl+c quits nothing


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_notification_covers_the_screen_to_its_right_edge(stockton, size):
    async with open_app(stockton).run_test(size=size, notifications=True) as pilot:
        await pilot.press("ctrl+c")
        await until(pilot, lambda: bool(pilot.app.screen.query("Toast")))
        await pilot.pause()
        toast = pilot.app.screen.query("Toast").last()
        assert toast.region.right == size[0]  # no column left through which the text beneath shows
