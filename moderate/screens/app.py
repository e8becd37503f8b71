"""The moderate app: one inspection file open, its session, saving, quitting and signals."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerFailed

from .. import words
from ..preferences import chosen_theme, keymap_file, keymap_text, remember_theme
from ..replay import ReplayError
from ..session import Changed, Session
from ..shown import shown, shown_lines
from ..workspace import (
    LOCK_TIMEOUT,
    Cell,
    Choices,
    FileReplaced,
    InspectionError,
    Loaded,
    Opening,
    Saved,
    SaveError,
    Saving,
    Theirs,
    Workspace,
)
from .dialogs import AskText, ConfirmQuit, Detail, FileGone, ResolveConflicts, RestoreWork
from .grid import CaseGrid
from .keymap import check_keymap
from .log import LogScreen
from .messages import SessionChanged, SessionReplaced, ShowsSession, StatusChanged
from .moderation import GoTo, ModerationScreen
from .panel import ChooseRating, PanelScreen

DIALOGS = (ConfirmQuit, RestoreWork, AskText, ResolveConflicts, Detail, ChooseRating, LogScreen)

HIGH_CONTRAST = Theme(
    name="moderate-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    success="#00ff00",
    warning="#ffaa00",
    error="#ff4040",
    dark=True,
)
WATCH_SECONDS = 1.0
_Result = TypeVar("_Result")


def default_theme() -> str:
    """Truecolour themes where the terminal says it has them; else the 16-colour ANSI theme.

    ssh does not forward COLORTERM, so over SSH this usually picks ansi-dark, which uses the
    terminal's own palette and reads on any terminal, and plainly under NO_COLOR.
    """
    if os.environ.get("NO_COLOR") or os.environ.get("COLORTERM") not in ("truecolor", "24bit"):
        return "ansi-dark"
    return "textual-dark"


class ModerateApp(App[None]):
    CSS_PATH = "../styles/app.tcss"
    COMMANDS = App.COMMANDS | {GoTo}  # the palette finds cases, standards and questions too
    TITLE = "moderate"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="app.save"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "toggle_keys", "Keys", id="app.keys"),
        Binding("escape", "stop_waiting", "Stop waiting", id="app.stop-waiting", priority=True, show=False),
    ]

    def __init__(
        self, opening: Opening, theme: str | None = None, note: str | None = None, drawn: Callable[[], None] | None = None
    ) -> None:
        """The file already opened (`Opening.of`), so that a broken or busy one was refused
        before the app was made. `drawn` is called once the first screen is."""
        # Under NO_COLOR Textual strips colour with its NoColor filter only when the theme uses the
        # terminal's own colours at start-up; asking for them says so (otherwise it greys to black).
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        self.path = opening.path
        self.note = note  # something to tell the user once the screen is up
        self._drawn = drawn
        self.opening: Opening | None = opening if opening.waiting else None  # a crash's work: asked about on mount
        self._workspace = opening.workspace
        self._keep_journal = True  # unless quitting cleanly: a signal or a crash keeps the work
        self._waiting_for: str | None = None  # whose save ours waits on, while it does
        self._saving = False  # a save is under way (in a thread): keys go on meanwhile
        self._save_again = False  # ctrl+s pressed during it: one more save once it ends
        self._quit_after_save = False  # quit pressed during it: asked again once it ends
        self._looking = False  # reading another's save (in a thread)
        self._journal_told = False
        self._ended = threading.Event()  # the app has ended: the terminal's watch stops
        self.register_theme(HIGH_CONTRAST)
        remembered = chosen_theme()
        self.theme = theme or (remembered if remembered in self.available_themes else default_theme())
        self._theme_shown = self.theme  # changes from here on are the user's choice, remembered
        self._keymap_problems = self._load_keymap()

    def _load_keymap(self) -> list[str]:
        """Apply the user's keymap if it is sound; else its problems, told once the screen is up."""
        try:
            text = keymap_text()
        except ValueError as error:
            return [str(error)]
        if text is None:
            return []
        scopes = [
            [ModerateApp.BINDINGS, ModerationScreen.BINDINGS, CaseGrid.BINDINGS],
            *([ModerateApp.BINDINGS, screen.BINDINGS] for screen in (PanelScreen, *DIALOGS)),
        ]
        keymap, problems = check_keymap(text, scopes)
        self.set_keymap(keymap)
        return problems

    @property
    def workspace(self) -> Workspace:
        """The file open for moderation: there is one once any unsaved work found is dealt with."""
        if self._workspace is None:
            raise RuntimeError("no workspace yet: the unsaved work found is still to restore or discard")
        return self._workspace

    @property
    def session(self) -> Session:
        return self.workspace.session

    @property
    def loaded(self) -> Loaded:
        return self.workspace.loaded

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(number, self._hang_up, number)
        if sys.__stdin__ is not None and sys.__stdin__.isatty():
            watch = threading.Thread(
                target=_hang_up_when_the_terminal_goes, args=(sys.__stdin__.fileno(), self._ended), daemon=True
            )
            watch.start()
        if self.opening is None:
            self._begin()
        else:
            assert self.opening.waiting is not None
            self.push_screen(RestoreWork(self.opening.waiting.summary), self._restore_or_not)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._theme_shown:
            self._theme_shown = theme.name
            remember_theme(theme.name)

    def _restore_or_not(self, choice: str | None) -> None:
        opening, self.opening = self.opening, None
        if opening is None or opening.waiting is None:
            return
        try:
            if choice == "restore":
                self._workspace = opening.restore()
            elif choice == "discard":
                self._workspace = opening.discard()
            else:
                self.exit()
                return
        except (ReplayError, InspectionError) as error:
            self.exit(
                message=f"moderate: cannot restore the unsaved work of {self.path}: {error}\n"
                f"It is kept, untouched, in {opening.waiting.target.parent}.",
                return_code=2,
            )
            return
        self._begin()
        if choice == "restore":
            self.notify("Unsaved work restored: save it with ctrl+s.", timeout=8)

    def _begin(self) -> None:
        self.set_interval(WATCH_SECONDS, self._watch_disk)
        self.push_screen(ModerationScreen())
        if self._drawn is not None:
            self.call_after_refresh(self._drawn)
        if self.note:
            self.notify(self.note, timeout=10)
        if self._keymap_problems:
            self.notify(
                f"{keymap_file()}: " + "; ".join(self._keymap_problems) + ". The default keys are in use.",
                title="Keymap not used",
                severity="error",
                timeout=30,
                markup=False,
            )
        warning = self.workspace.privacy_warning
        if warning:
            self.notify(warning, severity="warning", timeout=15)
        left = self.workspace.leftover_conflicts
        if left:
            self.notify(f"{self.path.name}: {left} (a git merge left them in the file).", severity="error", timeout=30)

    def on_unmount(self) -> None:
        self._ended.set()
        if self._workspace is not None:
            self._workspace.close(keep_unsaved=self._keep_journal)

    # ------------------------------------------------------------ others saving the same file

    def _watch_disk(self) -> None:
        """Notice within a second or two that someone else saved the file (one stat), and show
        their work: read and parsed in a thread, taken on the loop if ours is still clean."""
        if self._saving or self._looking:
            return  # a save notes what it wrote itself; a look already under way tells
        news = self.workspace.moved()
        if news == "gone":
            self.notify(
                f"{self.path} has been deleted or moved away. Your work is still here: saving asks what to do.",
                severity="error",
                timeout=20,
            )
        elif news is not None:
            self._looking = True
            self._read_theirs(self.workspace, clean=not self.session.dirty)

    @work(thread=True, group="watch", exit_on_error=False)
    def _read_theirs(self, workspace: Workspace, clean: bool) -> None:
        try:
            theirs = workspace.read_theirs(clean)
        except InspectionError as error:
            self.call_from_thread(self._unreadable, error)
        else:
            self.call_from_thread(self._take_theirs, theirs)

    def _unreadable(self, error: InspectionError) -> None:
        self._looking = False
        self.notify(f"{self.path.name} changed on disk but cannot be read: {error.problems[0]}", severity="error")

    def _take_theirs(self, theirs: Theirs) -> None:
        self._looking = False
        if self._saving:
            theirs.drop()  # our save merges theirs, and goes on from there
            return
        elsewhere = self.workspace.take(theirs)
        if elsewhere is not None:
            self._replaced(elsewhere)
            self.notify(
                f"Reloaded {self.path.name}: saved elsewhere, {words.counted(len(elsewhere), 'answer')} changed (marked ◆).",
                timeout=8,
            )
        elif theirs.differs and self.session.dirty:
            self.notify(
                f"{self.path.name} was saved by someone else. Your unsaved work stays here and is "
                "merged with theirs when you save.",
                severity="warning",
                timeout=10,
            )

    def _replaced(self, elsewhere: Iterable[Cell]) -> None:
        cells = frozenset(elsewhere)
        self._tell(lambda: SessionReplaced(cells))

    def session_changed(self, changed: Changed) -> None:
        """What a command on the session changed (as it returned it): every screen redraws that."""
        if changed:
            self._tell(lambda: SessionChanged(changed))

    def _tell(self, message: Callable[[], Message]) -> None:
        """Post a message to every screen that shows the session, beneath the top one too (each
        its own message: posting marks it)."""
        for screen in self.screen_stack:
            if isinstance(screen, ShowsSession):
                screen.post_message(message())

    def status(self) -> str:
        """The top line: the overall score first, so that a narrow terminal cuts only the title."""
        overall = self.session.ratings.overall
        unsaved = " · ● unsaved" if self.session.dirty else ""
        failure = self.workspace.journal_failure
        if failure is not None and not self._journal_told:
            self._journal_told = True
            self.call_later(self._journal_failed, failure)
        unjournaled = " · ⚠ NOT JOURNALED: save now" if failure else ""
        saving = " · saving…" if self._saving else ""
        return (
            f"Score {overall.score}/{overall.max} · {words.overall(overall, which=False)}{unsaved}{saving}{unjournaled}"
            f" — {shown(self.workspace.loaded.inspection.title)}"
        )

    def _journal_failed(self, failure: str) -> None:
        self.notify(
            f"Your changes can no longer be kept safe in the journal: {failure}. They are kept here; "
            "save them (ctrl+s), or somewhere else.",
            severity="error",
            timeout=30,
        )
        self._save_elsewhere_now()

    @work
    async def _save_elsewhere_now(self) -> None:
        await self._save_elsewhere()

    def _show_status(self) -> None:
        self._tell(StatusChanged)

    # ------------------------------------------------------------ saving and quitting

    def action_save(self) -> None:
        if self._saving:
            self._save_again = True  # once more when this one ends: never two at once
            self._show_status()
        else:
            self._save_now()

    @work(group="save")
    async def _save_now(self) -> None:
        await self.save()

    async def save(self) -> bool:
        """Save, merging anyone else's save; asks about any answer both changed. True once saved.
        The file work runs in a thread: keys go on meanwhile, and what they do is carried over,
        unsaved. A ctrl+s meanwhile saves once more at the end; a quit meanwhile waits."""
        if self._saving:
            self._save_again = True
            return False
        self._saving = True
        self._show_status()  # "saving…"
        try:
            saved = await self._save_once()
            while saved and self._save_again and self.session.dirty:
                self._save_again = False
                saved = await self._save_once()
        finally:
            self._saving = self._save_again = False
            self._show_status()
        if self._quit_after_save:
            self._quit_after_save = False
            await self.action_quit()
        return saved

    async def _save_once(self) -> bool:
        comments = self.workspace.comments
        saving = self.workspace.start_save()  # what there is now; what is done from here on stays unsaved
        if not await self._wait_for_others():
            return False
        give_up = time.monotonic() + 5  # whoever took the lock since we looked saves in well under that
        waiting = lambda holder: time.monotonic() < give_up  # noqa: E731
        try:
            try:
                outcome = await self._write(saving, waiting=waiting)
            except FileReplaced as gone:
                choice = await self.push_screen_wait(FileGone(str(gone)))
                if choice == "elsewhere":
                    await self._save_elsewhere()
                if choice != "overwrite":
                    return False
                outcome = await self._write(saving, waiting=waiting, overwrite=True)
            if outcome.conflicts:
                choices = await self.push_screen_wait(ResolveConflicts(outcome.conflicts))
                if choices is None:
                    self.notify("Not saved: the conflicts are still to resolve.", severity="warning")
                    return False
                outcome = await self._write(saving, choices, waiting=waiting)
                if outcome.conflicts:
                    self.notify("Not saved: someone saved again meanwhile. Save again to see their changes.", severity="warning")
                    return False
        except InspectionError as error:
            self.notify(
                f"Not saved: {self.path.name} on disk is broken and is left for you to see "
                f"({error.problems[0]}). Your work is still here.",
                severity="error",
                timeout=20,
            )
            return False
        except (SaveError, OSError) as error:
            self.notify(f"Not saved: {error}. Your work is still here and in the journal.", severity="error", timeout=20)
            await self._save_elsewhere()
            return False
        if outcome.replaced:
            self._replaced(outcome.elsewhere)
        self._show_status()
        merged = (
            f", with {words.counted(len(outcome.elsewhere), 'answer')} saved by others merged in (marked ◆)"
            if outcome.elsewhere
            else ""
        )
        dropped = f"; its comments (lines {', '.join(map(str, comments[:6]))}) were dropped" if comments else ""
        if outcome.behind:
            after = "; what you did while it saved is kept here, unsaved, with all before it: save again to merge it"
        elif outcome.kept:
            after = "; what you did while it saved is kept, unsaved"
        else:
            after = ""
        self.notify(f"Saved {self.path.name}{merged}{dropped}{after}.", severity="warning" if dropped else "information")
        return True

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
        # Described in words: Textual's default description is the job's repr, which for a save
        # is the whole inspection (1.2 s at 2,000 cases, on the loop).
        worker = self.run_worker(job, name="file work", group="file", description="file work", thread=True, exit_on_error=False)
        try:
            return await worker.wait()
        except WorkerFailed as failed:
            raise failed.error from None

    async def _wait_for_others(self) -> bool:
        """Wait, keys and signals alive, while someone else's save holds the file; False if the
        user stops waiting (Esc) or it takes too long."""
        holder = self.workspace.saving_now()
        if holder is None:
            return True
        self.notify(f"Waiting for {holder}'s save (Esc to stop)…", timeout=3)
        deadline = time.monotonic() + LOCK_TIMEOUT
        self._waiting_for = holder
        try:
            while (holder := self.workspace.saving_now()) is not None:
                if self._waiting_for is None or time.monotonic() > deadline:
                    self.notify(
                        f"Not saved: {holder}'s save still holds {self.path.name}. Your work is still here; "
                        "save again in a moment.",
                        severity="warning",
                        timeout=10,
                    )
                    return False
                await asyncio.sleep(0.1)
        finally:
            self._waiting_for = None
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_waiting":
            return self._waiting_for is not None  # else Esc goes on to the screen
        return True

    def action_stop_waiting(self) -> None:
        self._waiting_for = None

    def notify(
        self, message: str, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = False
    ) -> None:
        """Every notification as plain text: most quote the file (its name, its ids, its problems),
        which is data, never markup or terminal codes."""
        super().notify(shown_lines(message), title=shown(title), severity=severity, timeout=timeout, markup=False)

    async def _save_elsewhere(self) -> None:
        where = await self.push_screen_wait(
            AskText("Save a copy somewhere else meanwhile?", str(Path.home() / self.path.name), required=False)
        )
        if where:
            try:
                await self._in_thread(partial(self.workspace.save_copy, Path(where).expanduser(), self.session.snapshot()))
            except OSError as error:
                self.notify(f"The copy was not saved either: {error}", severity="error", timeout=20)
            else:
                self.notify(f"A copy is saved at {where}; the original file is as it was.", timeout=10)

    async def action_quit(self) -> None:
        if self._saving:
            self._quit_after_save = True  # asked again once the save ends: quitting now would cut it short
            self.notify("Quitting once the save ends…", timeout=3)
            return
        if not self.session.dirty:
            self._keep_journal = False
            self.exit()
            return
        if isinstance(self.screen, ConfirmQuit):
            return
        self.push_screen(ConfirmQuit(f"{self.session.unsaved} not saved"), self._quit_choice)

    def _quit_choice(self, choice: str | None) -> None:
        if choice == "discard":
            self._keep_journal = False
            self.exit()
        elif choice == "save":
            self._save_and_quit()

    @work
    async def _save_and_quit(self) -> None:
        if await self.save():
            await self.action_quit()  # quits, unless something was done while it saved: asked again

    def _hang_up(self, number: int) -> None:
        """A dropped SSH connection (SIGHUP) or a kill (SIGTERM): the journal holds every change; leave cleanly."""
        if self._workspace is not None:
            self._workspace.close(keep_unsaved=True)
            self._workspace = None
        watchdog = threading.Timer(3.0, os._exit, args=(128 + number,))
        watchdog.daemon = True  # if teardown blocks on a dead terminal, still exit
        watchdog.start()
        self.exit(return_code=128 + number)

    # ------------------------------------------------------------ keys and commands

    def action_toggle_keys(self) -> None:
        """Textual's help panel beside the screen (again to hide it): every key of where the user is, and what it does."""
        if self.screen.query("HelpPanel"):  # by name: its module (Markdown) loads only when it is shown
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action with a key is also a command in the palette; and the binding ids, for a keymap."""
        ours: list[SystemCommand] = []
        seen = set()
        for node, binding, enabled, _ in screen.active_bindings.values():
            if binding.id is None or not enabled or binding.id in seen:
                continue
            seen.add(binding.id)
            ours.append(
                SystemCommand(
                    binding.description, f"key: {self.get_key_display(binding)}", partial(self.run_action, binding.action, node)
                )
            )
        titles = {command.title for command in ours}  # ours (Quit asks about unsaved work) over Textual's own
        yield from (command for command in super().get_system_commands(screen) if command.title not in titles)
        yield from ours
        yield SystemCommand(
            "Binding ids",
            f"every key with its binding id, to remap it in {keymap_file()}",
            partial(self._show_binding_ids, screen),
        )

    def _show_binding_ids(self, screen: Screen[Any]) -> None:
        self.push_screen(Detail("Binding ids", binding_ids(screen)))


def binding_ids(screen: Screen[Any]) -> str:
    """Each key of the screen with what it does and its binding id, the name a keymap file remaps it by."""
    keys: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for key, (_, binding, _, _) in screen.active_bindings.items():
        if binding.id is None:
            continue
        keys.setdefault(binding.id, []).append(screen.app.get_key_display(binding.__class__(key, binding.action)))
        descriptions[binding.id] = binding.description
    lines = [f"{', '.join(keys[i]):<22} {descriptions[i]:<40} {i}" for i in keys]  # the id, for the keymap
    lines += ["", f'Keys can be remapped by binding id in {keymap_file()} ([keymap] table, e.g. "answer.yes" = "1").']
    return "\n".join(lines)


def _hang_up_when_the_terminal_goes(terminal: int, ended: threading.Event) -> None:
    """A terminal can close with no SIGHUP reaching the app (it was not the process's controlling
    terminal, or the hang-up was lost): Textual then reads end-of-file forever, spinning a core of a
    shared server. When the terminal's device is gone, hang up as SIGHUP would; should the loop not
    answer, leave anyway: the journal holds every change."""
    while not ended.wait(2):
        try:
            gone = os.fstat(terminal).st_nlink == 0  # a pseudo-terminal's node is removed when it closes
        except OSError:
            gone = True
        if gone:
            os.kill(os.getpid(), signal.SIGHUP)
            if not ended.wait(5):
                os._exit(128 + signal.SIGHUP)
            return
