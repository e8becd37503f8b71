"""The app driven through Textual's pilot, as a moderator would drive it."""

from __future__ import annotations

from pathlib import Path

from moderate.screens.app import ModerateApp
from moderate.screens.grid import CaseGrid
from moderate.workspace import Opening


def open_app(path: Path, user: str = "jb") -> ModerateApp:
    return ModerateApp(Opening.of(path, user), theme="textual-dark")


async def go_to(pilot, question: str, case: str) -> None:
    """Move the cursor with the arrow keys, as a user would, to one cell."""
    grid = pilot.app.screen.query_one(CaseGrid)
    target_row = next(i for i, r in enumerate(grid.rows) if r.question == question)
    target_column = next(i for i, c in enumerate(grid.cases) if c.id == case)
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
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")
