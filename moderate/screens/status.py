"""The status line above the grid, drawn a line at a time (`DrawnText`).

As a Static it was rendered again through Textual's whole pipeline on every toggle that puts
'● unsaved' up or takes it down (0.3-0.5 ms); here the line is made once per change, as a
Static makes it (its ellipsis too), and repainted up to its last change.
"""

from __future__ import annotations

from textual.content import Content
from textual.visual import Visual

from .repaint import DrawnText


class StatusLine(DrawnText):
    def _draw(self, everything: bool = False) -> None:
        if self.size.width:  # drawn once it has a size
            strips = Visual.to_strips(self, Content(self._text), self.size.width, 1, self.visual_style)
            self._paint(strips, everything)
