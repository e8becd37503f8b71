"""Textual's footer, keeping only the keys that fit whole on the line.

A narrow terminal (60 columns) would otherwise cut the last key in half and leave a stray
character by the command palette's key. Every key is also under `?` and in the palette.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def _width(key: FooterKey) -> int:
    """Its cells in the compact footer: key, space, description, the margin after it."""
    words = len(key.key_display) + (1 + len(key.description) if key.description else 0) + 1
    return words + 2 if key.has_class("-command-palette") else words  # its border and padding


class FittingFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        width = (self.size.width or self.app.size.width) - 1
        keys = [widget for widget in super().compose() if isinstance(widget, FooterKey)]
        palette = [k for k in keys if k.has_class("-command-palette")]
        shown = [k for k in keys if not k.has_class("-command-palette")]
        if sum(map(_width, keys)) > width:
            palette = []  # ctrl+p still opens it, and `?` lists it
        while shown and sum(map(_width, shown)) > width:
            # the keys help last of all: drop the one before it
            shown.pop(-2 if len(shown) > 1 and shown[-1].action.endswith("keys") else -1)
        yield from shown + palette

    def on_resize(self) -> None:
        self.refresh(recompose=True)
