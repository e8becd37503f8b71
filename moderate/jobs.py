"""The file work a workspace hands off the event loop, and what it hands back: a save under
way (`Saving`) and how it ended (`Saved`), another's save read (`Theirs`). Each is taken on
the loop, done on any thread, and taken back on the loop by the `Workspace`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from . import collector
from .journal import Fresh, Journal
from .merge import Conflict, Side
from .model import Answer, Case, Inspection
from .reading import Loaded
from .session import Session, Step
from .storage import SaveResult, Waiting, save_merging

Cell = tuple[str, str]  # (case id, question id)
Choices = Mapping[Conflict, Side]  # a side chosen for each conflict of a merging save


def changed_cells(before: tuple[Case, ...], after: tuple[Case, ...]) -> set[Cell]:
    """The answers that differ between two states of the same inspection's cases."""
    old: dict[str, Mapping[str, Answer]] = {c.id: c.answers for c in before}
    cells: set[Cell] = set()
    for case in after:
        answers, was = case.answers, old.get(case.id, {})
        if answers != was:  # nearly every case is as it was: said at once, a file's answers as bytes
            cells.update((case.id, q) for q in answers.keys() | was.keys() if answers.get(q) != was.get(q))
    return cells


@dataclass(frozen=True)
class Saved:
    conflicts: tuple[Conflict, ...] = ()  # nothing written: the user chooses a side for each
    elsewhere: frozenset[Cell] = frozenset()  # answers someone else had saved, now merged in
    replaced: bool = False  # the session is a new one (`Workspace.session`): redraw from it
    kept: int = 0  # things done while the save ran: carried over, unsaved
    behind: bool = False  # saved, but what was done meanwhile could not be carried onto it: all still unsaved here

    @property
    def saved(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class Written:
    """A save done, and what the loop goes on from, made beside it: a session of what was
    saved (when the session cannot simply mark its own saved) and a journal started afresh."""

    result: SaveResult
    session: Session | None = None  # None with conflicts, and after the last save (nothing goes on from it)
    elsewhere: frozenset[Cell] = frozenset()  # answers others saved, merged in
    journal: Fresh | None = None  # None: it could not be made here (a full disk, say): made on the loop, or said why


@dataclass(frozen=True)
class Saving:
    """One save under way: what the session was when the user saved, taken on the loop;
    `write` may run on any thread, and again with a side chosen for each conflict."""

    path: Path
    base: Loaded  # the file as last read or written
    ours: Inspection
    author: tuple[str, dt.datetime]
    clock: Callable[[], dt.datetime]
    journal: Journal
    after: int  # the journal's records that `ours` holds: the ones after it are made meanwhile
    undo: tuple[Step, ...] = ()  # the session's stacks then, as saving leaves them (saved decisions leave)
    redo: tuple[Step, ...] = ()

    def write(
        self, choices: Choices | None = None, waiting: Waiting | None = None, overwrite: bool = False, last: bool = False
    ) -> Written:
        """Save under the lock, merging anyone else's save since ours was read. With
        conflicts nothing is written. A file deleted or replaced meanwhile is
        `storage.FileReplaced` unless `overwrite`. The session and journal to go on from are
        made here too, off the loop (the session is not used when it marks its own saved),
        unless this is the `last` save, the one a command makes before it closes the file.
        The garbage collector waits meanwhile, as for any reading (`collector`): its passes
        over what the merge makes would hold the screen's thread too."""
        with collector.paused():
            return self._write(choices, waiting, overwrite, last)

    def _write(self, choices: Choices | None, waiting: Waiting | None, overwrite: bool, last: bool) -> Written:
        result = save_merging(
            self.path,
            self.base.text,
            self.ours,
            choices,
            lambda sha256: self.journal.saving(sha256, self.after),
            author=self.author,
            base=self.base.inspection,
            waiting=waiting,
            overwrite=overwrite,
            last=last,
        )
        if result.conflicts or last:
            return Written(result)
        assert result.text is not None  # kept by every save but the last
        session = Session(result.inspection, self.base.framework, self.author[0], self.clock)
        elsewhere = changed_cells(self.ours.cases, result.inspection.cases) if result.merged else set()
        try:
            journal = self.journal.prepare(result.text)
        except OSError:
            journal = None
        return Written(result, session, frozenset(elsewhere), journal)


@dataclass(frozen=True)
class Theirs:
    """The file as read off the loop, to be taken on it (`Workspace.take`)."""

    against: Loaded  # ours when it was read
    differs: bool  # someone else saved something else
    loaded: Loaded | None = None  # theirs, if ours was clean
    session: Session | None = None  # made from it, ready to go on from
    elsewhere: frozenset[Cell] = frozenset()
    journal: Fresh | None = None  # started afresh from theirs

    def drop(self) -> None:
        """Not taken after all."""
        if self.journal is not None:
            self.journal.drop()
