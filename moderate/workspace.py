"""One inspection file open for moderation: its session, journal, saves and reloads.

The file's life cycle, kept out of the screens: open (or first offer back what a crash left
in the journal), save under the lock, merging whatever someone else saved meanwhile, notice
their saves, and close leaving nothing behind but the file.

The session lives on one thread (the app's event loop); the file work (reading, parsing,
merging, writing) can run on another, so that keys are never kept waiting behind it. Each
such job comes in three steps: taken on the loop (`start_save`), done anywhere
(`Saving.write`, `read_theirs`), and taken back on the loop (`finish_save`, `take`), where
whatever the user did meanwhile is carried over.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from . import collector
from .apart import Stopped as Stopped  # re-exported: the screens say a reading was stopped
from .apart import parse_apart
from .jobs import Cell as Cell  # re-exported, with the jobs: the app runs them in its threads
from .jobs import Choices as Choices
from .jobs import Saved as Saved
from .jobs import Saving as Saving
from .jobs import Theirs as Theirs
from .jobs import Written
from .jobs import changed_cells
from .limits import decoded
from .journal import Fresh, Journal, JournalInUse, Pending, pending
from .merge import Conflict as Conflict  # re-exported: the screens show conflicts, not merge them
from .conflicts import leftover_conflicts
from .model import Inspection
from .people import UnknownPerson as UnknownPerson  # re-exported: the command line says who is not let in
from .people import check_user
from .reading import InspectionError as InspectionError  # re-exported: the screens say why a file is refused
from .reading import Loaded as Loaded  # re-exported: the screens read the inspection as opened
from .reading import load, load_unkept, parse_text, read_file
from .replay import ReplayError, history, replay
from .session import APPENDED, Session, now
from .storage import LOCK_TIMEOUT as LOCK_TIMEOUT  # re-exported, with FileReplaced and SaveError: the screens wait and ask
from .storage import FileReplaced as FileReplaced
from .storage import MergeStopped as MergeStopped
from .storage import SaveError as SaveError
from .storage import Waiting, busy, identity, save, warn_if_world_readable
from .writing import comment_lines

Clock = Callable[[], dt.datetime]


class Workspace:
    """One inspection file open for moderation: the file as last read or written (`loaded`),
    the session going on from it, and the journal keeping that session's unsaved work.

    Saves and others' saves are taken in three steps, the slow middle one fit for a thread
    (`start_save`, `Saving.write`, `finish_save`; `moved`, `read_theirs`, `take`): whatever the
    user did meanwhile is carried over. `close` leaves the unsaved work in the journal, or not.
    """

    def __init__(self, path: Path, loaded: Loaded, session: Session, journal: Journal, unkept: Callable[[], None] | None = None):
        self.path = path
        self.loaded = loaded  # the file as last read or written: the base of the next save
        self.session = session
        self.journal = journal
        self.comments = comment_lines(loaded.text) if "#" in loaded.text else []
        self._seen = identity(path)  # the file as we last looked
        # Told why, once unsaved work stops being journaled (a full disk): from the thread that wrote.
        self.on_journal_failure: Callable[[str], None] | None = None
        journal.on_failure = self._journal_failed
        self._unkept = unkept  # the cache entry of the file as opened, not yet written: `keep_parsed`
        self._keeping = threading.Lock()
        collector.long_lived()

    @classmethod
    def open(cls, path: str | Path, user: str, clock: Clock = now) -> Workspace:
        """Open a file with no unsaved work waiting (else `journal.JournalInUse`, with what waits);
        `people.UnknownPerson` when the file names its people and `user` is not one of them."""
        path = Path(os.path.realpath(path))  # once: saves write the target of a link, and lock it by its own name
        loaded, unkept = load_unkept(path)
        try:
            check_user(loaded.inspection, user)
            journal = Journal.open(path, loaded.text, user)
        except BaseException:
            unkept()  # the file was read without a problem: kept, as every such file is
            raise
        session = Session(loaded.inspection, loaded.framework, user, clock, listener=journal.record)
        return cls(path, loaded, session, journal, unkept)

    @classmethod
    def restore(cls, found: Pending, clock: Clock = now) -> Workspace:
        """Open the file with the unsaved work a crash left replayed onto the text it was made
        on, so exactly, even if someone has saved the file since (the next save merges).
        ReplayError only if the journal was damaged (nothing changed, the journal kept)."""
        loaded = parse_text(found.base, str(found.target))
        session = Session(loaded.inspection, loaded.framework, found.user, clock)
        replay(session, found.records)
        journal = Journal.open(found.target, loaded.text, found.user, restoring=found)
        session.listen(journal.record)
        return cls(found.target, loaded, session, journal)

    def keep_parsed(self) -> None:
        """Write the cache entry of the file as it was opened, if it was parsed and not yet written:
        the app has it written in a thread once its first screen is up, so as not to hold that
        screen back; `close` writes it if nothing has, or waits for it to be written."""
        with self._keeping:
            unkept, self._unkept = self._unkept, None
            if unkept is not None:
                unkept()

    @property
    def leftover_conflicts(self) -> str | None:
        """What a git merge left in the file to settle, if anything."""
        return leftover_conflicts(self.loaded.inspection, in_app=True, blind=self.session.blind())

    def saving_now(self) -> str | None:
        """Who is saving the file at this moment (holding its lock), if anyone."""
        return busy(self.path)

    @property
    def journal_failure(self) -> str | None:
        """Why unsaved work is no longer journaled (a full disk), if it is not."""
        failed = self.journal.failed
        return None if failed is None else self._why(failed)

    def _why(self, failed: OSError) -> str:
        return f"{failed.strerror or failed} ({self.journal.path})"

    def _journal_failed(self, failed: OSError) -> None:
        if self.on_journal_failure is not None:
            self.on_journal_failure(self._why(failed))

    @property
    def privacy_warning(self) -> str | None:
        return warn_if_world_readable(self.path)

    # ------------------------------------------------------------ saving

    def save(
        self, choices: Choices | None = None, waiting: Waiting | None = None, overwrite: bool = False, last: bool = False
    ) -> Saved:
        """Save here and now (`start_save`, `Saving.write`, `finish_save` in one). `last`: the
        save a command makes before it closes the file, which nothing goes on from."""
        saving = self.start_save()
        return self.finish_save(saving, saving.write(choices, waiting, overwrite, last))

    def save_last(self, ours: Inspection) -> Saved:
        """Save `ours`, the file as opened changed by a command without the session (`importing`),
        as that command's last save: merged, locked and journaled as any save."""
        saving = replace(self.start_save(), ours=ours)
        saved = self.finish_save(saving, saving.write(last=True))
        if saved.saved:  # no file holds the bytes opened now: an entry for them would only push out one in use
            with self._keeping:
                self._unkept = None
        return saved

    def start_save(self) -> Saving:
        """What is to be saved: the session as it stands, which may go on meanwhile."""
        author = (self.session.user, self.session.clock())
        session, journal = self.session, self.journal
        undo, redo = (tuple(s for s in steps if not isinstance(s, APPENDED)) for steps in session.history())
        return Saving(
            self.path, self.loaded, session.snapshot(), author, session.clock, journal, len(journal.records), undo, redo
        )

    def finish_save(self, saving: Saving, written: Written) -> Saved:
        """Go on from what was saved, with whatever was done since `start_save` carried over:
        replayed onto it, unsaved and journaled. Should that not apply (an undo reaching back
        past the save, a change to an answer the merge took from someone else), the session is
        left as it is, all of it unsaved on the text it was read from: the next save merges
        it with the file."""
        result = written.result
        if result.conflicts or written.session is None:  # or it was the last save: nothing goes on from it
            return Saved(conflicts=tuple(result.conflicts))
        assert result.text is not None  # kept by every save but the last
        self._seen = result.identity
        meanwhile = self.journal.records[saving.after :]
        if not result.merged and not meanwhile:
            self.session.mark_saved(result.inspection.moderation)
            self._now_on_disk(result.inspection, result.text, self.session, written.journal)
            return Saved()
        session = written.session
        if not result.merged:  # an undo meanwhile may take back what was saved, as after the save
            session.restore_history(saving.undo, saving.redo)
        try:
            replay(session, meanwhile)
        except ReplayError:
            if written.journal is not None:
                written.journal.drop()
            self.journal.restart()  # without this save's mark: after a crash, all of it replays onto that text
            return Saved(behind=True)
        self._now_on_disk(result.inspection, result.text, None, written.journal)
        self.journal.extend(meanwhile)
        session.listen(self.journal.record)
        session.carry_changed(self.session.changed)  # still what this user changed since opening (marked *)
        self.session = session
        collector.long_lived()
        return Saved(elsewhere=written.elsewhere, replaced=True, kept=len(meanwhile))

    def _now_on_disk(self, inspection: Inspection, text: str, session: Session | None, fresh: Fresh | None) -> None:
        """The file holds `text` now: the base of the next save, and of the journal, started
        afresh (in `fresh`, if made already), carrying `session`'s undo history."""
        self.loaded = Loaded(inspection, self.loaded.framework, text)
        self.comments = []
        if fresh is None:
            self.journal.rebase(text, session)
        else:
            steps = session and history(session)
            self.journal.adopt(fresh, [steps] if steps else [])

    def save_copy(self, path: str | Path, ours: Inspection | None = None) -> None:
        """Somewhere else (`ours`, a snapshot, or the session now), when the file's own place
        will not take it (a full disk, a read-only directory). May run off the loop."""
        save(path, ours or self.session.snapshot())

    # ------------------------------------------------------------ others' saves

    def moved(self) -> str | None:
        """A cheap look (one stat) for a change on disk since we last looked: "gone", "changed" or None."""
        seen = identity(self.path)
        if seen == self._seen:
            return None
        self._seen = seen
        return "changed" if seen else "gone"

    def read_theirs(self, clean: bool) -> Theirs:
        """The file as someone else saved it, read (and, if ours is `clean`, parsed and made a
        session) without touching ours: may run off the loop. InspectionError if it cannot be
        read; `Stopped` if its reading was (its process killed)."""
        with collector.paused():  # as in a save (`Saving.write`)
            return self._read_theirs(clean)

    def _read_theirs(self, clean: bool) -> Theirs:
        against = self.loaded
        data, base_data = read_file(self.path), against.text.encode("utf-8")
        if data == base_data:
            return Theirs(against, differs=False)
        if not clean:
            return Theirs(against, differs=True)
        # Parsed in a child process, sharing with ours what they did not change: the compiled
        # parser there holds no GIL of the screen's.
        inspection, framework = parse_apart(against.inspection, base_data, data, str(self.path))
        loaded = Loaded(inspection, framework, decoded(data, str(self.path)))
        session = Session(loaded.inspection, loaded.framework, self.session.user, self.session.clock)
        elsewhere = frozenset(changed_cells(against.inspection.cases, loaded.inspection.cases))
        try:
            journal = self.journal.prepare(loaded.text)
        except OSError:
            journal = None  # started on the loop instead, which says why if it cannot
        return Theirs(against, True, loaded, session, elsewhere, journal)

    def take(self, theirs: Theirs) -> frozenset[Cell] | None:
        """Go on from their version, if ours is still clean and as it was read: the answers they
        changed. None when there is nothing to take (ours waits for a merging save)."""
        if theirs.session is None or theirs.loaded is None or self.session.dirty or self.loaded is not theirs.against:
            theirs.drop()
            return None
        self.session, self.loaded = theirs.session, theirs.loaded
        if theirs.journal is None:
            self.journal.rebase(theirs.loaded.text, None)
        else:
            self.journal.adopt(theirs.journal, [])
        self.session.listen(self.journal.record)
        collector.long_lived()
        return theirs.elsewhere

    # ------------------------------------------------------------ closing

    def close(self, keep_unsaved: bool) -> None:
        """Stop journaling: keeping any unsaved work for next time (a signal), or not (a clean quit).
        The file's cache entry is written now if it was not yet."""
        if keep_unsaved and self.session.dirty:
            self.journal.close()
        else:
            self.journal.discard()
        self.keep_parsed()


@dataclass(frozen=True)
class Opening:
    """A file about to be moderated: its workspace, or first the unsaved work a crash left
    (`waiting`), for the user to restore or discard."""

    path: Path
    user: str
    workspace: Workspace | None = None
    waiting: Pending | None = None

    @classmethod
    def of(cls, path: str | Path, user: str) -> Opening:
        """InspectionError for a file that cannot be used; JournalInUse when this user has it open
        elsewhere; UnknownPerson for a name the file's `[people]` does not list."""
        found = pending(path, user)
        if found is None:
            return cls(Path(path), user, workspace=Workspace.open(path, user))
        if found.live:
            raise JournalInUse(found)
        check_user(load(path).inspection, user)  # refuse a broken file, or a stranger, now, not after the question
        return cls(Path(path), user, waiting=found)

    def restore(self) -> Workspace:
        assert self.waiting is not None
        return Workspace.restore(self.waiting)

    def discard(self) -> Workspace:
        assert self.waiting is not None
        self.waiting.discard()
        return Workspace.open(self.path, self.user)
