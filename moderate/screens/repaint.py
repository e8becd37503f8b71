"""Which columns of a line to repaint: only those that read or look different; and which widgets
a frame draws: only those on the lines it repaints.

Textual writes a repainted region of a line from the nearest widget edge before it up to the
region's end, so a region that ends at the last changed column leaves the rest unwritten.
"""

from __future__ import annotations

from itertools import pairwise, zip_longest

from rich.segment import Segment
from rich.style import Style
from textual.containers import Container
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def differing(old: Strip | None, new: Strip) -> tuple[int, int] | None:
    """The columns from the first to the last at which two lines read or look different (None:
    alike); a line drawn afresh, or one with wide characters, from its first column to its last."""
    if old is None:
        return (0, new.cell_length)
    if list(old) == list(new):
        return None
    before = [(c, s.style) for s in old for c in s.text]
    after = [(c, s.style) for s in new for c in s.text]
    if old.cell_length != len(before) or new.cell_length != len(after):  # wide characters: not by column
        return (0, max(old.cell_length, new.cell_length))
    changed = [x for x, (a, b) in enumerate(zip_longest(before, after)) if a != b]
    return (changed[0], changed[-1] + 1) if changed else None


def looks(line: Strip, width: int, blank: Style) -> Strip:
    """How a line looks, `width` wide: beyond its end, blanks in `blank` (as Textual fills a line);
    without what only says where a click lands in a text (Rich's own copy of a style, as a copy
    by Textual would still compare by the style it was copied from)."""
    kept = [Segment(text, style and style.clear_meta_and_links()) for text, style, _ in line]
    return Strip(kept, line.cell_length).extend_cell_length(width, blank)


def unseen(crop: Region) -> list[Strip]:
    """What a widget that is never seen draws: nothing, at once. Drawn as other widgets are (their
    styles, their background) on every frame, the grid's edges took a toggle's frame longer to make
    than the bytes they spared."""
    return [Strip.blank(crop.width)] * crop.height


class Covered(Container):
    """A container wholly covered by what it holds, so never seen nor drawn.

    Textual draws, on every frame, each widget whose clip meets the lines the frame repaints;
    a child of the screen is clipped by the whole screen, so the status line, the tabs and
    the footer were drawn again (from their caches, 30-100 µs each) for a toggle's cell and
    detail lines. Inside one of these, a widget is clipped by its own lines: drawn only on the
    frames that repaint them.
    """

    DEFAULT_CSS = "Covered { height: auto; layers: edges default; }"  # any `Edges` beneath the rest

    def render_lines(self, crop: Region) -> list[Strip]:
        return unseen(crop)


class _Edge(Widget):
    def render_lines(self, crop: Region) -> list[Strip]:
        return unseen(crop)


class Edges(Widget):
    """Blank widgets beneath a widget's lines, never seen, that put an edge where each part of its
    lines begins: the grid's question, figures, band and cells; where '● unsaved' comes in the
    status line.

    Textual writes a repainted region from the left edge of the widget it lies in (or of the
    nearest widget edge before it on that line), so a repainted cell of the grid alone would
    be written from the grid's first column. Behind these edges a toggle writes its cell and
    its figures only: a few dozen bytes to the terminal, not a line's hundreds. Composed in a
    `Covered` container, before the widget it lies beneath.
    """

    DEFAULT_CSS = """
    Edges { position: absolute; layer: edges; layout: horizontal; height: 100%; width: 0; display: none; }
    Edges > _Edge { height: 100%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._at: tuple[int, ...] = ()

    def render_lines(self, crop: Region) -> list[Strip]:
        return unseen(crop)

    def place(self, at: list[int]) -> None:
        """An edge at each of these columns of the lines, left to right (moved, they are laid out
        again: each move redraws the screen's layout)."""
        if tuple(at) == self._at or not self.is_attached:  # placed again once the widget is laid out
            return
        self._at = tuple(at)
        widths = [b - a for a, b in pairwise(at)]
        if len(widths) > len(self.children):
            self.mount_all(_Edge() for _ in range(len(widths) - len(self.children)))
        for i, child in enumerate(self.children):
            child.display = i < len(widths)
            if child.display:
                child.styles.width = widths[i]
        self.display = bool(widths)
        if widths:
            self.styles.offset = (at[0], 0)
            self.styles.width = at[-1] - at[0]


class DrawnText(Widget):
    """A text drawn with Textual's line API, its lines made by `_draw` as a Static makes them.

    A Static renders all of itself again, through its whole pipeline, whenever its text changes;
    here only the screen lines that read differently are repainted, each up to its last change,
    and from where the text begins (an edge beneath it, `Edges`): the padding before it is never
    written again. While a mouse selection is shown, the widget draws as a Static would, and the
    selection reads the same text.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._strips: list[Strip] = []  # what is drawn
        self._looked: list[Strip | None] = []  # how each drawn line looks (`looks`), once asked
        self._steady = 0  # the cells at the text's beginning that most changes leave as they are
        self.edges = Edges()  # composed beneath the text by its screen

    def show(self, text: str) -> None:
        """Say `text`, never read as markup."""
        if text != self._text:
            self._text = text
            self._draw()

    def _place(self) -> None:
        """An edge where the text begins, and one where its steady beginning ends, if in view."""
        x, width = self.content_offset.x, self.outer_size.width
        self.edges.place(sorted({x, min(x + self._steady, width), width}))

    def render(self) -> Content:
        """The text, as a Static holds it: what a mouse selection reads, and shows."""
        return Content(self._text)

    def _draw(self, everything: bool = False) -> None:
        """Make the lines of the text (`_paint` them), all of them repainted if `everything`."""
        raise NotImplementedError

    def _forget(self) -> None:
        """What was made for the width or the theme, which have changed."""

    def _paint(self, strips: list[Strip], everything: bool) -> None:
        width = self.size.width
        before, self._strips = self._strips, strips
        looked, self._looked = self._looked, [None] * len(strips)
        blank = self.visual_style.rich_style  # beyond a line's end, as Textual fills it: blanks alike
        for y in range(max(len(before), len(strips))):
            if everything or y >= len(before) or y >= len(strips):
                self.refresh(Region(0, y, width, 1))
            elif before[y] is strips[y]:
                self._looked[y] = looked[y]  # the same line, as made before
                continue
            # up to its last change, by how it looks (not where a click lands in the text): a shorter
            # line's blanks written only as far as the longer one went
            else:
                now = self._looked[y] = looks(strips[y], width, blank)
                if span := differing(looked[y] or looks(before[y], width, blank), now):
                    self.refresh(Region(span[0], y, span[1] - span[0], 1))

    def render_line(self, y: int) -> Strip:
        if self.text_selection is not None:
            return super().render_line(y)  # the selection shown over the text, by Textual, as in a Static
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def on_resize(self) -> None:
        self._forget()
        self._draw(everything=True)
        self._place()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget()  # the theme's colours are in the lines
        if self.is_mounted:
            self._draw(everything=True)
