"""What the app tells the screens of the session: each redraws what it shows of it.

Posted by the app to each screen in the stack that shows the session (those beneath the
top one too, so that the grid under a dialog or the panel is up to date), never bubbling:
a screen handles them with `@on`, and what a message does not name stays as it is.
"""

from __future__ import annotations

from textual.message import Message

from ..session import Changed
from ..workspace import Cell


class ShowsSession:
    """A screen that shows the session, and so is told of its changes. Only these are: a
    message to a screen just beneath the top one has Textual repaint the whole top screen."""


class SessionChanged(Message, bubble=False):
    """A command on the session changed what `changed` names."""

    def __init__(self, changed: Changed) -> None:
        super().__init__()
        self.changed = changed


class SessionReplaced(Message, bubble=False):
    """The file was read again (another moderator saved it): everything may have changed, and
    `elsewhere` are the answers they changed."""

    def __init__(self, elsewhere: frozenset[Cell]) -> None:
        super().__init__()
        self.elsewhere = elsewhere


class StatusChanged(Message, bubble=False):
    """What the status line says may have changed, the session's figures not (a save, say)."""
