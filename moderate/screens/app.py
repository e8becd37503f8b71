"""The moderate app: the file open, its screens, and the routes between them.

The app composes and routes. Saving is the saver's (`saving.py`), the process's hold on its
terminal the lifeline's (`lifeline.py`); the screens are handed the app as their `Host`
(`host.py`) and never import it. A command on the session says what it changed, and the
app tells every screen that shows the session; what the saver and the workspace have to
say comes up to the app as messages, and goes on to the screens or to the user from here.
"""

from __future__ import annotations

import os
from functools import partial
from typing import Any, Callable, Iterable, Sequence

from textual import on, work
from textual.app import App, SystemCommand
from textual.filter import LineFilter
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from .. import words
from ..people import NotPermitted
from ..preferences import chosen_theme, keymap_file, keymap_text, remember_theme
from ..replay import ReplayError
from ..session import Changed, Session
from ..shown import shown, shown_lines
from ..workspace import Cell, InspectionError, Loaded, Opening, Workspace
from .ascii import AsciiFilter
from .dialogs import ConfirmQuit, Detail, KeysPage, RestoreWork
from .host import status_line
from .keymap import check_keymap, scopes
from .lifeline import Lifeline
from .messages import SessionChanged, SessionReplaced, ShowsSession, StatusChanged
from .moderation import GoTo, ModerationScreen
from .saving import Saver

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


def default_theme() -> str:
    """Truecolour themes where the terminal says it has them; else the 16-colour ANSI theme.

    ssh does not forward COLORTERM, so over SSH this usually picks ansi-dark, which uses the
    terminal's own palette and reads on any terminal, and plainly under NO_COLOR.
    """
    if os.environ.get("NO_COLOR") or os.environ.get("COLORTERM") not in ("truecolor", "24bit"):
        return "ansi-dark"
    return "textual-dark"


class ModerateApp(App[None]):
    """One inspection file open for moderation, and the `Host` of every screen that shows it.

    Composes the workspace (the file, its session and journal), the saver, the lifeline, the
    keymap and the theme; routes what changed to the screens, and quitting through the saver.
    """

    CSS_PATH = "../styles/app.tcss"
    COMMANDS = App.COMMANDS | {GoTo}  # the palette finds cases, standards and questions too
    TITLE = "moderate"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="app.save"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "toggle_keys", "Keys", id="app.keys"),
        Binding("escape", "stop_waiting", "Stop waiting", id="app.stop-waiting", priority=True, show=False),
    ]

    class JournalFailed(Message):
        """Unsaved work is no longer journaled (a full disk): `why`, in words."""

        def __init__(self, why: str) -> None:
            super().__init__()
            self.why = why

    def __init__(
        self,
        opening: Opening,
        theme: str | None = None,
        note: str | None = None,
        drawn: Callable[[], None] | None = None,
        second: str | None = None,
        ascii: bool = False,
    ) -> None:
        """The file already opened (`Opening.of`), so that a broken or busy one was refused
        before the app was made. `drawn` is called once the first screen is. `second`: a case
        whose blind second assessment the user begins (or goes back to) before anything is shown.
        `ascii`: everything drawn in ASCII (`ascii.py`), for a terminal that lacks the glyphs."""
        # Under NO_COLOR Textual strips colour with its NoColor filter only when the theme uses the
        # terminal's own colours at start-up; asking for them says so (otherwise it greys to black).
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        self.path = opening.path
        self._ascii = [AsciiFilter()] if ascii else []
        self.note = note  # something to tell the user once the screen is up
        self._second = second
        self._drawn = drawn
        self.opening: Opening | None = opening if opening.waiting else None  # a crash's work: asked about on mount
        self._workspace = opening.workspace
        self._keep_journal = True  # unless quitting cleanly: a signal or a crash keeps the work
        self._journal_told = False
        self._unseen: frozenset[Cell] = frozenset()  # answers others changed while a blind assessment hid the grid
        self.saver = Saver(self, self.path, lambda: self.workspace)
        self.lifeline = Lifeline(self, self._let_go)
        self.register_theme(HIGH_CONTRAST)
        self._settings_problems: list[str] = []  # files of the user's not used, told once the screen is up
        self.theme = theme or self._remembered_theme()
        self._theme_shown = self.theme  # changes from here on are the user's choice, remembered
        self._keymap_problems = self._load_keymap()

    def _remembered_theme(self) -> str:
        try:
            remembered = chosen_theme()
        except ValueError as error:
            self._settings_problems.append(f"{error}: the default theme is in use.")
            remembered = None
        return remembered if remembered in self.available_themes else default_theme()

    def _load_keymap(self) -> list[str]:
        """Apply the user's keymap if it is sound; else its problems, told once the screen is up."""
        try:
            text = keymap_text()
        except ValueError as error:
            return [str(error)]
        if text is None:
            return []
        keymap, problems = check_keymap(text, scopes(ModerateApp))
        self.set_keymap(keymap)
        return problems

    # ------------------------------------------------------------ the Host of the screens

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

    def session_changed(self, changed: Changed) -> None:
        """What a command on the session changed (as it returned it): every screen redraws that."""
        if changed:
            self._tell(lambda: SessionChanged(changed))

    def status(self, blind: bool = False) -> str:
        return status_line(self.workspace, self.saver.saving, blind)

    def _tell(self, message: Callable[[], Message]) -> None:
        """Post a message to every screen that shows the session, beneath the top one too (each
        its own message: posting marks it)."""
        for screen in self.screen_stack:
            if isinstance(screen, ShowsSession):
                screen.post_message(message())

    # ------------------------------------------------------------ opening and closing

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.lifeline.hold()
        if self.opening is None:
            self._begin()
        else:
            assert self.opening.waiting is not None
            self.push_screen(RestoreWork(self.opening.waiting.summary), self._restore_or_not)

    def _blind(self) -> None:
        """A blind second assessment under way goes on top at once, before the grid is ever drawn."""
        if self._second is not None:
            try:
                self.session_changed(self.session.begin_second(self._second))
            except (KeyError, NotPermitted) as refused:
                self.notify(words.second_refused(self._second, refused), severity="error", timeout=15)
        self.show_blind(self._second)

    def show_blind(self, case: str | None = None) -> None:
        """While the user has a blind second assessment under way, its screen is on top of whatever
        else is open (of `case`, if it is one of them): the grid shows none of the case meanwhile."""
        blind = self.session.blind()
        if not blind:
            return
        from .second import SecondAssessmentScreen  # imported only once there is one: the app starts without it

        if not any(isinstance(screen, SecondAssessmentScreen) for screen in self.screen_stack):
            self.push_screen(SecondAssessmentScreen(self, case if case in blind else blind[0]))

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
        self.workspace.on_journal_failure = self._journal_failing
        self.set_interval(WATCH_SECONDS, self.saver.look)
        self.push_screen(ModerationScreen(self))
        self._blind()
        self.call_after_refresh(self._keep_parsed, self.workspace)  # the file's cache entry, once the screen is up
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
        for problem in self._settings_problems:
            self.notify(problem, severity="warning", timeout=30)
        warning = self.workspace.privacy_warning
        if warning:
            self.notify(warning, severity="warning", timeout=15)
        left = self.workspace.leftover_conflicts
        if left:
            self.notify(f"{self.path.name}: {left} (a git merge left them in the file).", severity="error", timeout=30)

    @work(thread=True, exit_on_error=False)
    def _keep_parsed(self, workspace: Workspace) -> None:
        """Beside the screen, which goes on drawing and taking keys meanwhile."""
        workspace.keep_parsed()

    def on_unmount(self) -> None:
        self.lifeline.release()
        if self._workspace is not None:
            self._workspace.close(keep_unsaved=self._keep_journal)

    def _let_go(self) -> None:
        """A signal or the terminal gone: the file closed, its unsaved work kept in the journal."""
        if self._workspace is not None:
            self._workspace.close(keep_unsaved=True)
            self._workspace = None

    # ------------------------------------------------------------ what the saver and the workspace say

    @on(Saver.Replaced)
    def _replaced(self, event: Saver.Replaced) -> None:
        # Behind a blind second assessment what others changed adds up, to be marked once it is finished.
        self._unseen = self._unseen | event.elsewhere if self.session.blind() else frozenset()
        elsewhere = event.elsewhere | self._unseen
        self._tell(lambda: SessionReplaced(elsewhere))
        self.show_blind()  # one the file brings in (a pull of a clone where it was begun) hides the grid too

    @on(Saver.Busy)
    def _busy(self) -> None:
        self._tell(StatusChanged)

    def _journal_failing(self, why: str) -> None:
        self.post_message(self.JournalFailed(why))  # from whichever thread wrote: posting is thread-safe

    @on(JournalFailed)
    def _journal_failed(self, event: JournalFailed) -> None:
        if self._journal_told:
            return
        self._journal_told = True
        self._tell(StatusChanged)  # "NOT JOURNALED"
        self.notify(
            f"Your changes can no longer be kept safe in the journal: {event.why}. They are kept here; "
            "save them (ctrl+s), or somewhere else.",
            severity="error",
            timeout=30,
        )
        self.saver.save_elsewhere_soon()

    # ------------------------------------------------------------ saving and quitting

    def action_save(self) -> None:
        self.saver.save_soon()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_waiting":
            return self.saver.waiting_for is not None  # else Esc goes on to the screen
        return True

    def action_stop_waiting(self) -> None:
        self.saver.stop_waiting()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification as plain text: most quote the file (its name, its ids, its problems),
        which is data, never markup or terminal codes."""
        super().notify(shown_lines(message), title=shown(title), severity=severity, timeout=timeout, markup=False)

    async def action_quit(self) -> None:
        if self.saver.quit_after_save():
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
        if await self.saver.save():
            await self.action_quit()  # quits, unless something was done while it saved: asked again

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters (NO_COLOR's), and ours: ASCII for a terminal that lacks the glyphs."""
        return [*super().get_line_filters(), *self._ascii]

    # ------------------------------------------------------------ keys and commands

    def action_help_quit(self) -> None:
        """ctrl+c, pressed to quit out of habit: which key quits, in words (Textual's own says it in markup)."""
        keys = [key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")]
        quit_key = next((key for key in keys if key != "ctrl+q"), keys[0] if keys else "ctrl+q")
        self.notify(words.how_to_quit(self.get_key_display(Binding(quit_key, "quit"))), title=words.QUIT_TITLE)

    def action_toggle_keys(self) -> None:
        """Every key of where the user is, and what it does, on a page of its own (`?` again closes it):
        beside the screen it hid every case at 60 columns and ran off the bottom at 30 lines."""
        if isinstance(self.screen, KeysPage):
            self.screen.dismiss()
        else:
            self.push_screen(KeysPage(words.KEYS_TITLE, keys_page(self.screen)))

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


def keys_page(screen: Screen[Any]) -> str:
    """Each key of the screen and what it does, a binding's keys together: the screen's own first, in
    the order it binds them (its answers), then its widgets' (moving), then the app's, and Textual's
    own (focus, copy) last."""
    order = [b.id for b in screen.BINDINGS if isinstance(b, Binding)]
    keys: dict[tuple[int, int, str, str], list[str]] = {}
    for key, (node, binding, _, _) in screen.active_bindings.items():
        if binding.description:
            rank = 3 if binding.id is None else 0 if node is screen else 2 if node is screen.app else 1
            place = order.index(binding.id) if binding.id in order else len(order)
            display = screen.app.get_key_display(binding.__class__(key, binding.action))
            keys.setdefault((rank, place, binding.action, binding.description), []).append(display)
    width = max((len(" ".join(k)) for k in keys.values()), default=0)
    ranked = sorted(keys.items(), key=lambda item: item[0][:2])
    return "\n".join(f"{' '.join(k):>{width}} {description}" for (*_, description), k in ranked)


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
