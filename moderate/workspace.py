"""One inspection file open for moderation: its session, journal, saves and reloads.

The file's life cycle, kept out of the screens: open (or restore what a crash left in the
journal), save under the lock, merging whatever someone else saved meanwhile, notice their
saves, and close leaving nothing behind but the file.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from . import journal as journals
from .merge import Conflict as Conflict  # re-exported: the screens show conflicts, not merge them
from .merge import Side, leftover_conflicts
from .model import Inspection
from .reading import InspectionError, Loaded, load, read_file
from .session import Session
from .storage import LOCK_TIMEOUT as LOCK_TIMEOUT  # re-exported, with FileReplaced: the screens wait and ask
from .storage import FileReplaced as FileReplaced
from .storage import SaveResult, Waiting, busy, save, save_merging, warn_if_world_readable
from .writing import comment_lines

Cell = tuple[str, str]  # (case id, question id)
Choices = Mapping[Conflict, Side]  # a side chosen for each conflict of a merging save


def changed_cells(before: Inspection | Session, after: Session) -> set[Cell]:
    """The answers that differ between two states of the same inspection."""
    old = before.answers if isinstance(before, Session) else {c.id: c.answers for c in before.cases}
    return {
        (case, q)
        for case, answers in after.answers.items()
        for q in answers.keys() | old.get(case, {}).keys()
        if answers.get(q) != old.get(case, {}).get(q)
    }


@dataclass(frozen=True)
class Saved:
    conflicts: tuple[Conflict, ...] = ()  # nothing written: the user chooses a side for each
    elsewhere: frozenset[Cell] = frozenset()  # answers someone else had saved, now merged in

    @property
    def saved(self) -> bool:
        return not self.conflicts


def _long_lived() -> None:
    """A model was just built, to live as long as the file is open: out of the garbage
    collector's sight, no full collection walks it again (83-128 ms at 10,000 cases, and
    they landed while the user typed). Its records hold no cycles: reference counting
    still frees them when the model is replaced."""
    gc.freeze()


class Workspace:
    def __init__(self, path: Path, loaded: Loaded, session: Session, journal: journals.Journal):
        self.path = path
        self.loaded = loaded  # the file as last read or written: the base of the next save
        self.session = session
        self.journal = journal
        self.comments = comment_lines(loaded.text) if "#" in loaded.text else []
        _long_lived()

    @classmethod
    def open(cls, path: str | Path, user: str) -> Workspace:
        """Open a file with no unsaved work waiting (else `journal.JournalInUse`, with what waits)."""
        path = Path(os.path.realpath(path))  # once: saves write the target of a link, and lock it by its own name
        loaded, session, journal = journals.start(path, user)
        return cls(path, loaded, session, journal)

    @classmethod
    def restore(cls, found: journals.Pending) -> Workspace:
        """Open the file with the unsaved work a crash left replayed onto it."""
        loaded, session, journal = journals.restore(found)
        return cls(found.target, loaded, session, journal)

    @property
    def leftover_conflicts(self) -> str | None:
        """What a git merge left in the file to settle, if anything."""
        return leftover_conflicts(self.loaded.inspection)

    def saving_now(self) -> str | None:
        """Who is saving the file at this moment (holding its lock), if anyone."""
        return busy(self.path)

    @property
    def journal_failure(self) -> str | None:
        """Why unsaved work is no longer journaled (a full disk), if it is not."""
        failed = self.journal.failed
        return None if failed is None else f"{failed.strerror or failed} ({self.journal.path})"

    @property
    def privacy_warning(self) -> str | None:
        return warn_if_world_readable(self.path)

    # ------------------------------------------------------------ saving

    def save(self, choices: Choices | None = None, waiting: Waiting | None = None, overwrite: bool = False) -> Saved:
        """Save under the lock, merging anyone else's save since ours was read. With
        conflicts nothing is written; call again with a side chosen for each. A file deleted
        or replaced meanwhile is `storage.FileReplaced` unless `overwrite`."""
        result = save_merging(
            self.path,
            self.loaded.text,
            self.session.snapshot(),
            choices,
            self.journal.saving,
            author=(self.session.user, self.session.clock()),
            base=self.loaded.inspection,
            waiting=waiting,
            overwrite=overwrite,
        )
        if result.conflicts:
            return Saved(conflicts=tuple(result.conflicts))
        elsewhere: set[Cell] = set()
        if result.merged:
            merged = Session(
                result.inspection, self.session.framework, self.session.user, self.session.clock, listener=self.journal.record
            )
            elsewhere = changed_cells(self.session, merged)
            self.session = merged
            _long_lived()
        else:
            self.session.mark_saved()
        self._now_on_disk(result)
        return Saved(elsewhere=frozenset(elsewhere))

    def _now_on_disk(self, result: SaveResult) -> None:
        self.loaded = Loaded(result.inspection, self.session.framework, result.text)
        self.comments = []
        self.journal.rebase(result.text, self.session)

    def save_copy(self, path: str | Path) -> None:
        """Somewhere else, when the file's own place will not take it (a full disk, a read-only directory)."""
        save(path, self.session.snapshot())

    # ------------------------------------------------------------ others' saves

    def changed_on_disk(self) -> bool:
        """Whether the file's contents differ from what we last read or wrote (a plain `touch` does not count)."""
        try:
            return read_file(self.path) != self.loaded.text.encode("utf-8")
        except InspectionError:
            return True  # gone, or not a file any more: `reload` says why, a save asks what to do

    def reload(self) -> set[Cell] | None:
        """If someone else saved the file and we have nothing unsaved, take their version; the
        answers they changed. None when there is nothing to take (or ours waits for a merging save)."""
        if self.session.dirty or not self.changed_on_disk():
            return None  # our unsaved work is merged with theirs at the next save
        loaded = load(self.path)
        session = Session(
            loaded.inspection, loaded.framework, self.session.user, self.session.clock, listener=self.journal.record
        )
        elsewhere = changed_cells(self.session, session)
        self.session, self.loaded = session, loaded
        self.journal.rebase(loaded.text, session)
        _long_lived()
        return elsewhere

    # ------------------------------------------------------------ closing

    def close(self, keep_unsaved: bool) -> None:
        """Stop journaling: keeping any unsaved work for next time (a signal), or not (a clean quit)."""
        if keep_unsaved and self.session.dirty:
            self.journal.close()
        else:
            self.journal.discard()
