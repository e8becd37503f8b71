"""What a screen asks of the app that hosts it, and the status line every screen shows.

The screens never import the app: each is handed a `Host` (the app is one) and reads the
session through it, and says through it what a command on the session changed, so that
every screen showing the session redraws that (data flows one way: a key press, a command
on the session, the change told, the screens redrawn).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .. import words
from ..session import Changed, Session
from ..shown import shown
from ..workspace import Loaded, Workspace


class Host(Protocol):
    """The file open for moderation, as the screens see it."""

    path: Path  # the file, as the user named it

    @property
    def session(self) -> Session:
        """The session as it is now: a save or another's save taken in replaces it."""
        ...

    @property
    def loaded(self) -> Loaded:
        """The inspection as last read or written."""
        ...

    def session_changed(self, changed: Changed) -> None:
        """Tell every screen what a command on the session changed (as the command returned it)."""
        ...

    def show_blind(self, case: str | None = None) -> None:
        """Put the user's blind second assessment under way (of `case`, if it is one) on top, if
        none is on screen: nothing else shows while one is under way."""
        ...

    def status(self, blind: bool = False) -> str:
        """The status line as it reads now (`status_line`)."""
        ...


def status_line(workspace: Workspace, saving: bool, blind: bool = False) -> str:
    """The top line: the overall score first, so that a narrow terminal cuts only the title; `blind`,
    over a blind second assessment: no score and nothing of the dip sample, only what is not yet
    safe (unsaved, saving, not journaled) and the title."""
    session = workspace.session
    qa = None if blind else session.qa_progress()
    return words.status(
        None if blind else session.ratings.overall,
        unsaved=session.dirty,
        saving=saving,
        unjournaled=workspace.journal_failure is not None,
        title=shown(workspace.loaded.inspection.title),
        qa=""
        if qa is None
        else shown(
            words.qa_header(qa.sampled, len(qa.reviewed), ((a, t.reviewed, t.sampled) for a, t in qa.by_assessor.items()))
        ),
    )
