"""Saving the file from the app, and noticing others' saves of it, with keys alive throughout.

One object holds what is under way (a save, a ctrl+s or a quit pressed during it, a wait on
another's save, a look at another's save) and runs the file work in threads: the workspace
does the work, the app's loop takes back the result, and the user is asked (a conflict, a
file gone) and told. What the screens must redraw goes up to the app as a message.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from pathlib import Path
from typing import Any, Callable, Literal, TypeVar

from textual.app import App
from textual.message import Message
from textual.worker import WorkerFailed

from .. import words
from ..session import Session
from ..workspace import (
    LOCK_TIMEOUT,
    Cell,
    Choices,
    FileReplaced,
    InspectionError,
    MergeStopped,
    Saved,
    SaveError,
    Saving,
    Stopped,
    Theirs,
    Workspace,
)
from .dialogs import AskText, FileGone, ResolveConflicts

_Result = TypeVar("_Result")
# How one save ended: a copy elsewhere is asked for once the save is over, the top line saying so.
_Ended = Literal["saved", "not saved", "copy elsewhere"]


class Saver:
    """Our saves (merging anyone else's, asking about conflicts) and others' saves taken in.

    Never two saves at once: a ctrl+s during one saves once more when it ends, a quit during
    one is asked again when it ends. A look at another's save is not begun during ours (ours
    merges theirs), and what it read is dropped if ours began meanwhile.
    """

    class Replaced(Message):
        """The session was replaced by the file as saved (ours merged, or another's taken in):
        `elsewhere` are the answers others changed."""

        def __init__(self, elsewhere: frozenset[Cell]) -> None:
            super().__init__()
            self.elsewhere = elsewhere

    class Busy(Message):
        """A save began or ended: the status line says so."""

    def __init__(self, app: App[Any], path: Path, workspace: Callable[[], Workspace]) -> None:
        """`path` is the file as the user named it; `workspace` gives it open now (it raises once
        there is none)."""
        self._app = app
        self._path = path
        self._workspace = workspace
        self.saving = False  # a save is under way (in a thread): keys go on meanwhile
        self._save_again = False  # ctrl+s pressed during it: one more save once it ends
        self._quit_after_save = False  # quit pressed during it: asked again once it ends
        self.waiting_for: str | None = None  # whose save ours waits on, while it does
        self._looking = False  # reading another's save (in a thread)

    @property
    def workspace(self) -> Workspace:
        return self._workspace()

    # ------------------------------------------------------------ our saves

    def save_soon(self) -> None:
        """ctrl+s: a save begun now, or once more when the one under way ends."""
        if self.saving:
            self._save_again = True  # once more when this one ends: never two at once
            self._app.post_message(self.Busy())
        else:
            self._app.run_worker(self.save(), name="save", group="save", description="save")

    def quit_after_save(self) -> bool:
        """Quit pressed: True if a save is under way, and quit is asked again once it ends."""
        if self.saving:
            self._quit_after_save = True  # quitting now would cut it short
        return self.saving

    def stop_waiting(self) -> None:
        """Esc while waiting for another's save: ours gives up."""
        self.waiting_for = None

    async def save(self) -> bool:
        """Save, merging anyone else's save; asks about any answer both changed. True once saved.
        The file work runs in a thread: keys go on meanwhile, and what they do is carried over,
        unsaved. A ctrl+s meanwhile saves once more at the end; a quit meanwhile waits."""
        if self.saving:
            self._save_again = True
            return False
        self.saving = True
        self._app.post_message(self.Busy())  # "saving…"
        try:
            ended = await self._save_once()
            while ended == "saved" and self._save_again and self.workspace.session.dirty:
                self._save_again = False
                ended = await self._save_once()
        finally:
            self.saving = self._save_again = False
            self._app.post_message(self.Busy())
        if ended == "copy elsewhere":
            await self.save_elsewhere()
        if self._quit_after_save:
            self._quit_after_save = False
            await self._app.run_action("quit")
        return ended == "saved"

    async def _save_once(self) -> _Ended:
        workspace = self.workspace
        comments = workspace.comments
        saving = workspace.start_save()  # what there is now; what is done from here on stays unsaved
        if not await self._wait_for_others():
            return "not saved"
        give_up = time.monotonic() + 5  # whoever took the lock since we looked saves in well under that
        waiting = lambda holder: time.monotonic() < give_up  # noqa: E731
        try:
            try:
                outcome = await self._write(saving, waiting=waiting)
            except FileReplaced as gone:
                choice = await self._app.push_screen_wait(FileGone(str(gone)))
                if choice != "overwrite":
                    return "copy elsewhere" if choice == "elsewhere" else "not saved"
                outcome = await self._write(saving, waiting=waiting, overwrite=True)
            if outcome.conflicts:
                blind = self.workspace.session.blind()
                if any(conflict.shows_blind(blind) for conflict in outcome.conflicts):
                    self._app.notify(words.conflicts_after_blind(blind), severity="warning", timeout=20)
                    return "not saved"
                choices = await self._app.push_screen_wait(ResolveConflicts(outcome.conflicts))
                if choices is None:
                    self._app.notify("Not saved: the conflicts are still to resolve.", severity="warning")
                    return "not saved"
                outcome = await self._write(saving, choices, waiting=waiting)
                if outcome.conflicts:
                    self._app.notify(
                        "Not saved: someone saved again meanwhile. Save again to see their changes.", severity="warning"
                    )
                    return "not saved"
        except InspectionError as error:
            self._app.notify(
                f"Not saved: {self._path.name} on disk is broken and is left for you to see "
                f"({error.problems[0]}). Your work is still here.",
                severity="error",
                timeout=20,
            )
            return "not saved"
        except MergeStopped as error:
            self._app.notify(words.merge_stopped(str(error)), severity="error", timeout=20)
            return "not saved"
        except (SaveError, OSError) as error:
            self._app.notify(f"Not saved: {error}. Your work is still here and in the journal.", severity="error", timeout=20)
            return "copy elsewhere"
        if outcome.replaced:
            self._app.post_message(self.Replaced(frozenset(outcome.elsewhere)))
        self._app.post_message(self.Busy())
        merged = words.merged_in(len(outcome.elsewhere), self.workspace.session.blind())
        dropped = f"; its comments (lines {', '.join(map(str, comments[:6]))}) were dropped" if comments else ""
        if outcome.behind:
            after = "; what you did while it saved is kept here, unsaved, with all before it: save again to merge it"
        elif outcome.kept:
            after = "; what you did while it saved is kept, unsaved"
        else:
            after = ""
        self._app.notify(f"Saved {self._path.name}{merged}{dropped}{after}.", severity="warning" if dropped else "information")
        return "saved"

    async def _write(
        self,
        saving: Saving,
        choices: Choices | None = None,
        waiting: Callable[[str], bool] | None = None,
        overwrite: bool = False,
    ) -> Saved:
        """Write the save in a thread; what was saved taken back here, on the loop."""
        result = await self._in_thread(partial(saving.write, choices, waiting, overwrite))
        return self.workspace.finish_save(saving, result)

    async def _in_thread(self, job: Callable[[], _Result]) -> _Result:
        """Run file work in a thread worker, the loop free for keys meanwhile; its exception raised here."""
        # A finished worker lives on in a reference cycle (its task's context names it) until the
        # collector's next pass, and the model frozen after a save (`collector.long_lived`) froze
        # it with the rest, for good: with it the job and its result, the file as it was and as
        # saved, 3-4 MiB a save at 2,000 cases. So the worker holds neither: it takes the job out
        # of a box, and the result goes back in one emptied here.
        boxed: list[Callable[[], _Result]] = [job]
        result: list[_Result] = []
        # Described in words: Textual's default description is the job's repr, which for a save
        # is the whole inspection, made on the loop while the keys wait.
        worker = self._app.run_worker(
            lambda: result.append(boxed.pop()()),
            name="file work",
            group="file",
            description="file work",
            thread=True,
            exit_on_error=False,
        )
        try:
            await worker.wait()
        except WorkerFailed as failed:
            raise failed.error from None
        finally:
            boxed.clear()
        return result.pop()

    async def _wait_for_others(self) -> bool:
        """Wait, keys and signals alive, while someone else's save holds the file; False if the
        user stops waiting (Esc) or it takes too long."""
        holder = self.workspace.saving_now()
        if holder is None:
            return True
        self._app.notify(f"Waiting for {holder}'s save (Esc to stop)…", timeout=3)
        deadline = time.monotonic() + LOCK_TIMEOUT
        self.waiting_for = holder
        try:
            while (holder := self.workspace.saving_now()) is not None:
                if self.waiting_for is None or time.monotonic() > deadline:
                    self._app.notify(
                        f"Not saved: {holder}'s save still holds {self._path.name}. Your work is still here; "
                        "save again in a moment.",
                        severity="warning",
                        timeout=10,
                    )
                    return False
                await asyncio.sleep(0.1)
        finally:
            self.waiting_for = None
        return True

    def save_elsewhere_soon(self) -> None:
        """Offer to save a copy elsewhere (the journal failed, say), in a worker of its own."""
        self._app.run_worker(self.save_elsewhere(), name="save elsewhere", description="save elsewhere")

    async def save_elsewhere(self) -> None:
        where = await self._app.push_screen_wait(
            AskText("Save a copy somewhere else meanwhile?", str(Path.home() / self._path.name), required=False)
        )
        if where:
            try:
                workspace = self.workspace
                await self._in_thread(partial(workspace.save_copy, Path(where).expanduser(), workspace.session.snapshot()))
            except OSError as error:
                self._app.notify(f"The copy was not saved either: {error}", severity="error", timeout=20)
            else:
                self._app.notify(f"A copy is saved at {where}; the original file is as it was.", timeout=10)

    # ------------------------------------------------------------ others saving the same file

    def look(self) -> None:
        """Notice within a second or two that someone else saved the file (one stat), and show
        their work: read and parsed in a thread, taken on the loop if ours is still clean."""
        if self.saving or self._looking:
            return  # a save notes what it wrote itself; a look already under way tells
        workspace = self.workspace
        news = workspace.moved()
        if news == "gone":
            self._app.notify(
                f"{self._path} has been deleted or moved away. Your work is still here: saving asks what to do.",
                severity="error",
                timeout=20,
            )
        elif news is not None:
            self._looking = True
            read = partial(self._read_theirs, workspace, not workspace.session.dirty)
            self._app.run_worker(read, name="look", group="watch", description="look", thread=True, exit_on_error=False)

    def _read_theirs(self, workspace: Workspace, clean: bool) -> None:
        try:
            theirs = workspace.read_theirs(clean)
        except InspectionError as error:
            self._app.call_from_thread(self._unreadable, error)
        except (Stopped, OSError) as error:
            self._app.call_from_thread(self._not_read, str(error))
        else:
            self._app.call_from_thread(self._take_theirs, theirs)

    def _unreadable(self, error: InspectionError) -> None:
        self._looking = False
        self._app.notify(f"{self._path.name} changed on disk but cannot be read: {error.problems[0]}", severity="error")

    def _not_read(self, why: str) -> None:
        self._looking = False
        self._app.notify(words.reading_stopped(self._path.name, why), severity="error", timeout=20)

    def _take_theirs(self, theirs: Theirs) -> None:
        self._looking = False
        if self.saving:
            theirs.drop()  # our save merges theirs, and goes on from there
            return
        workspace = self.workspace
        before = workspace.session  # clean, if it is taken: its log is the file's as last read
        elsewhere = workspace.take(theirs)
        if elsewhere is not None:
            self._app.post_message(self.Replaced(elsewhere))
            by = _whose(before, workspace.session)
            self._app.notify(words.reloaded(self._path.name, len(elsewhere), workspace.session.blind(), by), timeout=8)
        elif theirs.differs and workspace.session.dirty:
            self._app.notify(
                f"{self._path.name} was saved by someone else. Your unsaved work stays here and is "
                "merged with theirs when you save.",
                severity="warning",
                timeout=10,
            )


def _whose(before: Session, after: Session) -> list[str]:
    """Who saved what was taken in, as far as the logs say: whoever wrote their new entries and
    panel decisions (first answers are not logged: a save of those alone names no one)."""
    names = [e.by for e in after.moderation[len(before.moderation) :]]
    names += [d.by for d in after.discretion[len(before.discretion) :]]
    return list(dict.fromkeys(names))
