"""The lines beneath the grid about the cell under the cursor: its case, its question in full.

Drawn a line at a time (`DrawnText`) rather than as a Static, which rendered all of itself
again on every cursor move (a quarter of a move's time). Here only the lines of the text that
changed are wrapped again, and only the screen lines that read differently are repainted (a
move down a case's questions keeps the case's line). Each line is wrapped where a Static wraps
it and carries the same offsets, so that a mouse selection reads the same text.
"""

from __future__ import annotations

import itertools

from rich._wrap import divide_line  # where Textual's own Content breaks a line
from rich.cells import cell_len
from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual

from ..shown import shown_lines
from .repaint import DrawnText

KEPT = 32  # lines kept wrapped: the cursor and the toggles of a cell come back to the same few texts


class DetailPane(DrawnText):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._wrapped: dict[tuple[int, str], list[Strip]] = {}  # (line number, line) -> its screen lines, lately

    def show(self, text: str) -> None:
        """Say `text`, which holds the file's words: never read as markup, its control characters
        shown (as `plain` does for a Static). Only the lines that changed are repainted."""
        super().show(shown_lines(text))

    def _draw(self, everything: bool = False) -> None:
        width, height = self.size
        strips: list[Strip] = []
        for y, line in enumerate(self._text.split("\n")):
            lines = self._wrapped.get((y, line))
            if lines is None:
                if len(self._wrapped) >= KEPT:
                    self._wrapped.clear()
                lines = self._wrapped[y, line] = self._wrap(y, line, width)
            strips += lines
        self._paint(strips[:height], everything)

    def _wrap(self, y: int, line: str, width: int) -> list[Strip]:
        if not line or line != line.rstrip() or cell_len(line) != len(line) or not width:
            # the uncommon line, with what the wrapping below does not handle as Textual does; after
            # y empty lines, so that its offsets say which line of the text it is
            return Visual.to_strips(self, Content("\n" * y + line), width, None, self.visual_style)[y:]
        style = self.visual_style
        offsets = [0, *divide_line(line, width, fold=True), len(line)]
        strips = []
        for start, end in itertools.pairwise(offsets):
            piece = line[start:end].rstrip()  # a wrapped line's trailing spaces are dropped
            if end == len(line):
                # the blanks after a line's end written with it, in its style, not after it in another; a
                # click on them still lands after its end (a wrapped line's first pieces keep theirs apart:
                # a click there would land in the next piece)
                piece = piece.ljust(width)
            strips.append(Strip([Segment(piece, style.rich_style_with_offset(start, y))], len(piece)))
        return strips

    def _forget(self) -> None:
        self._wrapped.clear()
