"""The footer: the keys of where the user is, each whole, at any width."""

from __future__ import annotations

from moderate.screens.app import ModerateApp
from moderate.workspace import Opening
from helpers.screen import screen_text


def footer(app: ModerateApp) -> str:
    return screen_text(app).rstrip("\n").splitlines()[-1]


async def test_the_footer_fits_its_keys_whole_as_the_window_narrows_and_widens(stockton):
    app = ModerateApp(Opening.of(stockton, "jb"), theme="textual-dark")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        wide = footer(app)
        assert "y Yes" in wide and "P Panel" in wide and "? Keys" in wide and "^p palette" in wide, wide
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        narrow = footer(app)
        # how to quit and how to see every key stay to the last
        assert narrow.rstrip().endswith("q Quit ? Keys") and "palette" not in narrow and "P Panel" in narrow, narrow
        await pilot.resize_terminal(44, 20)
        await pilot.pause()
        narrowest = footer(app)
        assert narrowest.rstrip().endswith("q Quit ? Keys") and "P Panel" not in narrowest, narrowest
        kept = narrowest.rstrip().removesuffix("q Quit ? Keys")
        assert narrow.startswith(kept), narrowest  # the keys after dropped, whole
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert footer(app) == wide


async def test_the_footer_shows_the_keys_of_the_screen_on_top(stockton):
    app = ModerateApp(Opening.of(stockton, "jb"), theme="textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = footer(app)
        assert "y Yes" in grid and "P Panel" in grid, grid
        await pilot.press("P")
        await pilot.pause()
        assert "Raise" in footer(app) and "y Yes" not in footer(app), footer(app)
        await pilot.press("escape")
        await pilot.pause()
        assert footer(app) == grid


async def test_at_60_columns_every_screens_footer_says_how_to_quit(stockton):
    app = ModerateApp(Opening.of(stockton, "jb"), theme="textual-dark")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert "q Quit" in footer(app), footer(app)
        await pilot.press("P")
        await pilot.pause()
        assert "q Quit" in footer(app) and "Raise" in footer(app), footer(app)
