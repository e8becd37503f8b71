"""The lines beneath the grid about the cell under the cursor: its case, its question in full.

Drawn with Textual's line API rather than as a Static: a Static renders all of itself again,
through its whole pipeline, on every cursor move (a quarter of a move's time). Here only the
lines of the text that changed are wrapped again, and only the screen lines that read
differently are repainted (a move down a case's questions keeps the case's line). Each line
is wrapped where a Static wraps it and carries the same offsets, so that a mouse selection
reads the same text; while one is shown, the widget draws as a Static would.
"""

from __future__ import annotations

import itertools

from rich._wrap import divide_line  # where Textual's own Content breaks a line
from rich.cells import cell_len
from rich.segment import Segment
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from ..shown import shown_lines
from .repaint import differing


class DetailPane(Widget):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._wrapped: dict[tuple[int, str], list[Strip]] = {}  # (line number, line) -> its screen lines
        self._strips: list[Strip] = []  # what is drawn

    def show(self, text: str) -> None:
        """Say `text`, which holds the file's words: never read as markup, its control characters
        shown (as `plain` does for a Static). Only the lines that changed are repainted."""
        text = shown_lines(text)
        if text != self._text:
            self._text = text
            self._draw()

    def render(self) -> Content:
        """The text, as a Static holds it: what a mouse selection reads, and shows."""
        return Content(self._text)

    def _draw(self, everything: bool = False) -> None:
        width, height = self.size
        wrapped = {}
        strips: list[Strip] = []
        for y, line in enumerate(self._text.split("\n")):
            lines = self._wrapped.get((y, line)) or self._wrap(y, line, width)
            wrapped[y, line] = lines
            strips += lines
        self._wrapped = wrapped
        before, self._strips = self._strips, strips[:height]
        for y in range(max(len(before), len(self._strips))):
            if everything or y >= len(before) or y >= len(self._strips):
                self.refresh(Region(0, y, width, 1))
            elif span := differing(before[y], self._strips[y]):  # up to its last change: a shorter line's
                self.refresh(Region(0, y, span[1], 1))  # blanks written only as far as the longer one went

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
            strips.append(Strip([Segment(piece, style.rich_style_with_offset(start, y))], len(piece)))
        return strips

    def render_line(self, y: int) -> Strip:
        if self.text_selection is not None:
            return super().render_line(y)  # the selection shown over the text, by Textual, as in a Static
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def on_resize(self) -> None:
        self._wrapped.clear()
        self._draw(everything=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped.clear()  # the theme's colours are in the lines
        if self.is_mounted:
            self._draw(everything=True)
