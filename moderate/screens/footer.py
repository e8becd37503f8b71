"""Textual's footer, keeping only the keys that fit whole on the line.

A narrow terminal (60 columns) would otherwise cut the last key in half and leave a stray
character by the command palette's key. Quit and the keys page stay longest; every key is
also under `?` and in the palette.
"""

from __future__ import annotations

from typing import Any, Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


STAY = ("quit", "keys")  # the actions a narrow footer keeps longest


def _width(key: FooterKey) -> int:
    """Its cells in the compact footer: key, space, description, the margin after it."""
    words = len(key.key_display) + (1 + len(key.description) if key.description else 0) + 1
    return words + 2 if key.has_class("-command-palette") else words  # its border and padding


class FittingFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)
        self._shown: Hashable = None  # the width and bindings the keys were composed for

    def _showing(self) -> Hashable:
        """What `compose` makes the keys of: the width and the bindings it shows."""
        palette = self.app.COMMAND_PALETTE_BINDING
        bindings = tuple(
            (key, binding.action, binding.description, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )
        return self.size.width or self.app.size.width, bindings

    def compose(self) -> ComposeResult:
        self._shown = self._showing() if self._bindings_ready else None
        width = (self.size.width or self.app.size.width) - 1
        keys = [widget for widget in super().compose() if isinstance(widget, FooterKey)]
        palette = [k for k in keys if k.has_class("-command-palette")]
        shown = [k for k in keys if not k.has_class("-command-palette")]
        if sum(map(_width, keys)) > width:
            palette = []  # ctrl+p still opens it, and `?` lists it
        while shown and sum(map(_width, shown)) > width:
            # the last key that may go: how to quit and how to find every key stay to the last
            droppable = [i for i, key in enumerate(shown) if not key.action.endswith(STAY)] or [len(shown) - 1]
            shown.pop(droppable[-1])
        yield from shown + palette

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Textual's footer recomposes once per call, and focus moving at start-up calls it
        # several times: each time its keys were mounted afresh and the screen drawn again.
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen and self._showing() != self._shown:
            self.refresh(recompose=True)  # once, however many calls come before the next refresh

    def on_resize(self) -> None:
        if self._showing() != self._shown:
            self.refresh(recompose=True)
