"""Text from a file on the screen: never read as markup, never a raw control character.

A title "[/] ..." or a case id "[/b]C01[" would otherwise crash Textual's markup parser, and
"Referral order [amended]" would lose its last word; ESC sequences would reach the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.markup import escape

from ..shown import shown_lines


def plain(text: str) -> Content:
    """Text holding anything from a file, for a Static, a Label, a Tab or an option."""
    return Content(shown_lines(text))


def plain_cell(text: str, style: str = "") -> Text:
    """The same for a DataTable cell, which would read a str as markup."""
    return Text(shown_lines(text), style=style)


def as_markup(text: str) -> str:
    """For the few APIs that take only markup (notifications, the command palette's search)."""
    return escape(shown_lines(text))
