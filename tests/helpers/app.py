"""The app driven through Textual's pilot, as a moderator would drive it."""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path

from textual import events
from textual.keys import key_to_character

from moderate.screens.app import ModerateApp
from moderate.screens.grid import CaseGrid
from moderate.workspace import Opening


def open_app(path: Path, user: str = "jb") -> ModerateApp:
    return ModerateApp(Opening.of(path, user), theme="textual-dark")


# Textual's names for the typed characters that its rule (the character's Unicode name) would not give.
_RENAMED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def _key(name: str) -> events.Key:
    """A key event as the terminal gives it: a typed character, or a named key (`enter`, `down`)."""
    if len(name) > 1:
        return events.Key(name, key_to_character(name))
    key = name if name.isalnum() else unicodedata.name(name).lower().replace("-", "_").replace(" ", "_")
    return events.Key(_RENAMED.get(key, key), name)


async def typed(pilot, *keys: str) -> None:
    """Keys as a quick typist (or a held key over SSH) sends them: all at once, in order, then one
    wait for the app to have handled every one. `pilot.press` waits for the app to idle after each
    key, twice, which is most of the time a test that types a sentence takes."""
    app = pilot.app
    for name in keys:
        app.post_message(_key(name))
    handled = asyncio.Event()
    # The app forwards each key to the focused widget's queue: once it has forwarded the last, a
    # callback queued behind them on whatever then has the focus runs after they have all been handled.
    app.call_later(lambda: (app.screen.focused or app.screen).call_later(handled.set))
    await handled.wait()
    await pilot.pause()


async def go_to(pilot, question: str, case: str) -> None:
    """Move the cursor with the arrow keys, as a user would, to one cell."""
    grid = pilot.app.screen.query_one(CaseGrid)
    target_row = next(i for i, r in enumerate(grid.rows) if r.question == question)
    target_column = next(i for i, c in enumerate(grid.cases) if c.id == case)
    row, column = grid.cursor
    # All the way at once, then a key at a time for what a hidden row or case made it miss.
    await typed(pilot, *["down" if target_row > row else "up"] * abs(target_row - row))
    await typed(pilot, *["right" if target_column > column else "left"] * abs(target_column - column))
    while grid.cursor[0] != target_row:
        await pilot.press("down" if grid.cursor[0] < target_row else "up")
    while grid.cursor[1] != target_column:
        await pilot.press("right" if grid.cursor[1] < target_column else "left")


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


async def select(pilot, standard: str) -> None:
    """On the panel, move the cursor to a standard's row."""
    table = pilot.app.screen.table
    target = table.get_row_index(standard)
    await typed(pilot, *["down" if target > table.cursor_row else "up"] * abs(target - table.cursor_row))
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")
