"""Everything on the screen in ASCII, for terminals known to lack the glyphs (the Linux console,
a VT100) or a user who asks (`--ascii`): a line filter over all that is drawn, each character
given one that takes the same cells, so that nothing moves.

The answers read as letters (`y` yes, `n` no, `-` n/a, `.` unanswered); the marks as `%`
(another's save), `#` (moderated), `@` (in the dip sample), `!` (a flag); arrows as `^ v < >`;
box drawing as `- | +`; a cut as `~`. Letters with accents lose them; anything else is `?`
(`??` for a wide character, so that the columns stay where they are).
"""

from __future__ import annotations

import os
import unicodedata

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

# Terminals whose fonts lack these glyphs: the Linux console and the DEC terminals it emulates.
ASCII_TERMINALS = ("linux", "vt100", "vt102", "vt220", "vt52", "cons25", "dumb")

GLYPHS = {
    "✓": "y",
    "✗": "n",
    "–": "-",
    "—": "-",
    "·": ".",
    "◆": "%",
    "✔": "#",
    "◎": "@",
    "⚑": "!",
    "↑": "^",
    "↓": "v",
    "←": "<",
    "→": ">",
    "◂": "<",
    "▸": ">",
    "…": "~",
    "⏎": "E",
    "⌫": "<",
    "␛": "^",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
}
# Box drawing and block elements: rules, corners and the edges of dialogs, tabs and scroll bars.
LINES = {
    **dict.fromkeys("─━═╌╍┄┅┈┉╴╶╸╺▔▀", "-"),
    **dict.fromkeys("▁▄_", "_"),
    **dict.fromkeys("│┃║╎╏┆┇┊┋╵╷╹╻▏▕▎▍▌▐█▊▋▉", "|"),
    **dict.fromkeys("┌┐└┘├┤┬┴┼┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬╭╮╯╰", "+"),
    **dict.fromkeys("▂▃▅▆▇░▒▓■□▪▫", "#"),
}


def wanted(asked: bool, term: str | None = None) -> bool:
    """ASCII: asked for, or a terminal known to lack the glyphs (TERM=linux, vt100, ...)."""
    term = os.environ.get("TERM", "") if term is None else term
    return asked or term.split("-")[0] in ASCII_TERMINALS


class Ascii(dict[int, str]):
    """Each character's ASCII stand-in, worked out once (a `str.translate` table)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in GLYPHS or char in LINES:
            plain = GLYPHS.get(char) or LINES[char]
        else:
            bare = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
            plain = bare[:1] if bare.isprintable() and bare else "?"
        width = cell_len(char)  # a wide character keeps its two cells, a combining one none
        plain = plain.ljust(width, plain)[:width]
        self[code] = plain
        return plain


class AsciiFilter(LineFilter):
    """What is drawn, in ASCII (see the module's docstring)."""

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled)
        self._table = Ascii()

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        table = self._table
        return [
            segment if segment.text.isascii() else Segment(segment.text.translate(table), segment.style, segment.control)
            for segment in segments
        ]
