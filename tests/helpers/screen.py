"""What a user sees and is told, through Textual's public API only.

`screen_text` reads the screen back out of `App.export_screenshot`, the public SVG that
snapshot tests compare: Rich places each run of text at x = column × cell width and
y = row × line height + cell height, so the grid of characters can be laid out again.
`Notified` collects every notification the app shows, as a `run_test(message_hook=...)`;
`until` waits for what a save in a worker will show, `offered` for the command
palette's search to catch up with what was typed.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Callable

from rich.cells import cell_len
from textual.command import Command, CommandList, CommandPalette
from textual.message import Message
from textual.notifications import Notify

CELL_HEIGHT = 20  # Rich's export_svg: a cell is 20 high, 0.61 of that wide, lines 1.22 apart
CELL_WIDTH = CELL_HEIGHT * 0.61
LINE_HEIGHT = CELL_HEIGHT * 1.22
TEXT = re.compile(r'<text class="[\w-]+-r\d+" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')


def screen_text(app) -> str:
    """The current screen as lines of plain text, as wide as the terminal."""
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for x, y, text in TEXT.findall(app.export_screenshot()):
        row, column = round((float(y) - CELL_HEIGHT) / LINE_HEIGHT), round(float(x) / CELL_WIDTH)
        # Rich writes each space as &#160; and ends each line's last run with a newline
        for char in unescape(text.replace("&#160;", " ")).rstrip("\n"):
            rows[row][column] = char
            for _ in range(cell_len(char) - 1):  # a wide character takes the next cell too
                column += 1
                rows[row][column] = ""
            column += 1
    return "\n".join("".join(row) for row in rows) + "\n"


class Notified(list[str]):
    """The message of every notification shown while an app ran with `message_hook=` this."""

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.append(message.notification.message)


def offered(app, place: str) -> bool:
    """Whether the command palette (or `g`) is showing `place`, a case's or a question's id,
    highlighted first: what enter would go to, once the search has caught up with the typing."""
    palette = app.screen
    if not isinstance(palette, CommandPalette):
        return False
    commands = palette.query_one(CommandList)
    if commands.highlighted is None:
        return False
    command = commands.get_option_at_index(commands.highlighted)
    return isinstance(command, Command) and str(command.hit.text).split()[0] == place


async def until(pilot, condition: Callable[[], bool]) -> None:
    """Let the app run until `condition()` holds, as a user waits for the screen to change: on a
    loaded machine a save in a worker may take a while; an app that never gets there fails."""
    for _ in range(200):  # ten seconds at most
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def joined(text: str) -> str:
    """A screen's words as one line: a dialog's edges and the breaks of wrapped lines gone."""
    return " ".join(text.replace("█", " ").split())
