"""The moderate app: one inspection file open, its session, saving, quitting and signals."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import tomllib
from functools import partial
from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from ..reading import InspectionError, Loaded, load
from ..session import Session
from ..storage import save
from ..writing import comment_lines
from .dialogs import ConfirmQuit, Detail
from .moderation import ModerationScreen

HIGH_CONTRAST = Theme(
    name="moderate-high-contrast", primary="#ffff00", secondary="#00ffff", accent="#ffff00",
    foreground="#ffffff", background="#000000", surface="#000000", panel="#1a1a1a",
    success="#00ff00", warning="#ffaa00", error="#ff4040", dark=True,
)
WATCH_SECONDS = 1.0
KEYMAP = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "moderate" / "keymap.toml"


def default_theme() -> str:
    """Truecolour themes where the terminal says it has them; else the 16-colour ANSI theme.

    ssh does not forward COLORTERM, so over SSH this usually picks ansi-dark, which uses the
    terminal's own palette and reads on any terminal, and plainly under NO_COLOR.
    """
    if os.environ.get("NO_COLOR") or os.environ.get("COLORTERM") not in ("truecolor", "24bit"):
        return "ansi-dark"
    return "textual-dark"


class ModerateApp(App):
    CSS_PATH = "../styles/app.tcss"
    TITLE = "moderate"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="app.save"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "keys", "Keys", id="app.keys"),
    ]

    def __init__(self, path: Path, loaded: Loaded, user: str, theme: str | None = None) -> None:
        super().__init__()
        self.path = path
        self.loaded = loaded
        self.session = Session(loaded.inspection, loaded.framework, user)
        self.reasons_required = loaded.inspection.inspection_extra.get("reasons_required") is True
        self._comments = comment_lines(loaded.text)
        self.register_theme(HIGH_CONTRAST)
        self.theme = theme or default_theme()
        if KEYMAP.exists():
            with KEYMAP.open("rb") as f:
                self.set_keymap(tomllib.load(f).get("keymap", {}))

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(number, self._hang_up, number)
        self._on_disk = self._stat()
        self.set_interval(WATCH_SECONDS, self._watch_disk)
        self.push_screen(ModerationScreen())

    # ------------------------------------------------------------ others saving the same file

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def _watch_disk(self) -> None:
        """Notice within a second or two that someone else saved the file, and show their work."""
        seen = self._stat()
        if seen is None or seen == self._on_disk:
            return
        self._on_disk = seen
        try:
            loaded = load(self.path)
        except InspectionError as error:
            self.notify(f"{self.path.name} changed on disk but cannot be read: {error.problems[0]}", severity="error")
            return
        if loaded.text == self.loaded.text:
            return
        if self.session.dirty:
            self.notify(f"{self.path.name} was saved by someone else. Your unsaved work stays here and is merged "
                        "with theirs when you save.", severity="warning", timeout=10)
            return
        before = self.session
        self.loaded = loaded
        self.session = Session(loaded.inspection, loaded.framework, before.user)
        elsewhere = {(case, q) for case, answers in self.session.answers.items()
                     for q in answers.keys() | before.answers.get(case, {}).keys()
                     if answers.get(q) != before.answers.get(case, {}).get(q)}
        for screen in self.screen_stack:
            if hasattr(screen, "session_replaced"):
                screen.session_replaced(elsewhere)
        self.refresh_title()
        self.notify(f"Reloaded {self.path.name}: saved elsewhere, {len(elsewhere)} answers changed (marked ◆).",
                    timeout=8)

    def refresh_title(self) -> None:
        overall = self.session.ratings.overall
        rating = overall.rating or "incomplete"
        if overall.rating and not overall.complete:
            rating += " (provisional)"
        # The score first: on a narrow terminal the header cuts its end, the inspection's title.
        self.title = f"Score {overall.score}/{overall.max} · {rating}" + (" · ● unsaved" if self.session.dirty else "")
        self.sub_title = self.loaded.inspection.title

    # ------------------------------------------------------------ saving and quitting

    def action_save(self) -> None:
        if self._comments:
            lines = ", ".join(map(str, self._comments[:6]))
            self.notify(f"The file's comments (lines {lines}) are dropped by this save: "
                        "the canonical layout keeps none.", severity="warning", timeout=10)
            self._comments = []
        try:
            save(self.path, self.session.snapshot())
        except OSError as error:
            self.notify(f"Not saved: {error.strerror or error}. Your work is still here; fix it and save again.",
                        severity="error", timeout=15)
            return
        self.session.mark_saved()
        self._on_disk = self._stat()
        self.refresh_title()
        self.notify(f"Saved {self.path.name}.")

    async def action_quit(self) -> None:
        if not self.session.dirty:
            self.exit()
            return
        if isinstance(self.screen, ConfirmQuit):
            return

        def chosen(choice: str | None) -> None:
            if choice == "save":
                self.action_save()
                if not self.session.dirty:
                    self.exit()
            elif choice == "discard":
                self.exit()

        self.push_screen(ConfirmQuit(f"{len(self.session.changed)} answers changed"), chosen)

    def _hang_up(self, number: int) -> None:
        """A dropped SSH connection (SIGHUP) or a kill (SIGTERM): keep the work, then leave cleanly."""
        if self.session.dirty:
            recovery = self.path.with_name(f".{self.path.name}.recovered.toml")
            save(recovery, self.session.snapshot())
        watchdog = threading.Timer(3.0, os._exit, args=(128 + number,))
        watchdog.daemon = True  # if teardown blocks on a dead terminal, still exit
        watchdog.start()
        self.exit(return_code=128 + number)

    # ------------------------------------------------------------ keys and commands

    def action_keys(self) -> None:
        self.push_screen(Detail("Keys", keys_listing(self.screen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action with a key is also a command in the palette."""
        yield from super().get_system_commands(screen)
        seen = set()
        for node, binding, enabled, _ in screen.active_bindings.values():
            if binding.id is None or not enabled or binding.id in seen:
                continue
            seen.add(binding.id)
            yield SystemCommand(binding.description, f"key: {self.get_key_display(binding)}",
                                partial(self.run_action, binding.action, node))


def keys_listing(screen: Screen) -> str:
    keys: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for key, (_, binding, _, _) in screen.active_bindings.items():
        if binding.id is None:
            continue
        keys.setdefault(binding.id, []).append(screen.app.get_key_display(binding.__class__(key, binding.action)))
        descriptions[binding.id] = binding.description
    lines = [f"{', '.join(keys[i]):<22} {descriptions[i]}" for i in keys]
    lines += ["", "ctrl+p                 Command palette: every action, themes, go to case",
              f"Keys can be remapped by binding id in {KEYMAP} ([keymap] table, e.g. \"answer.yes\" = \"1\")."]
    return "\n".join(lines)
