"""The status line above the grid, drawn a line at a time (`DrawnText`).

As a Static it was rendered again through Textual's whole pipeline on every toggle that puts
'● unsaved' up or takes it down (0.3-0.5 ms); here the line is made as a Static makes it (its
ellipsis too), once for each text it has read lately, and repainted up to its last change.
An edge beneath the end of the score (`Edges`) lets a change after it ('● unsaved', the
title it moves) be written from there, not from the line's first column.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual

from .repaint import DrawnText

KEPT = 8  # lines kept: toggles cycle an answer through its four values, the line through a few texts


class StatusLine(DrawnText):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._made: dict[str, list[Strip]] = {}  # text -> its line, at this width and in this theme

    def show(self, text: str, steady: str = "") -> None:
        """Say `text`, never read as markup; `steady`, its beginning, changes less often than the
        rest (the score, which '● unsaved' follows)."""
        super().show(text)
        self._steady = cell_len(steady)
        self._place()  # moved only when the score's width changes

    def _draw(self, everything: bool = False) -> None:
        if not self.size.width:
            return  # drawn once it has a size
        strips = self._made.get(self._text)
        if strips is None:
            if len(self._made) >= KEPT:
                self._made.clear()
            strips = Visual.to_strips(self, Content(self._text), self.size.width, 1, self.visual_style)
            self._made[self._text] = strips
        self._paint(strips, everything)

    def _forget(self) -> None:
        self._made.clear()
