"""The app in a real terminal (tmux, on a socket of the test's own), read back with its escape codes.

What the pilot cannot see: the colour codes a terminal is sent, after Textual's filters
(NO_COLOR) and the theme's 16 colours.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pseudo_terminal import PseudoTerminal

from moderate.journal import pending

from .files import REPO

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
BLACK = 0  # a dark terminal's own background, which ansi-dark draws on


def needs_tmux() -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the real-terminal tests (apt-get install tmux)")


class Terminal:
    """One tmux server and session of a given size running `moderate FILE`, its environment given."""

    def __init__(self, socket: Path, path: Path, width: int, height: int, env: dict[str, str]) -> None:
        needs_tmux()
        self.socket = str(socket)
        moderate = Path(sys.executable).with_name("moderate")
        environment = " ".join(f"{key}={value}" for key, value in env.items())
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            str(width),
            "-y",
            str(height),
            # Not COLUMNS and LINES either: pytest's process has them at C level (readline sets them, for
            # 80x24), tmux hands them on, and Textual would take them over the pane's real size.
            f"env -u NO_COLOR -u COLORTERM -u COLUMNS -u LINES {environment} {moderate} --as tester {path}",
        )

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def capture(self, escapes: bool = True) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "app")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """The screen once `text` shows on it (the app starts in a second or two, slower under load)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.capture(escapes=False)
            if text in screen:
                time.sleep(0.3)  # let the frame that showed it settle
                return self.capture()
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed:\n{self.capture(escapes=False)}")

    def size(self) -> tuple[int, int]:
        width, height = self.tmux("display-message", "-p", "-t", "app", "#{pane_width} #{pane_height}").split()
        return int(width), int(height)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


@dataclass
class Cell:
    char: str
    fg: int | str  # an ANSI colour number, a 256-colour or RGB code, or "default"
    bg: int | str
    bold: bool
    underline: bool
    reverse: bool


def _colour(params: list[str], i: int) -> tuple[int | str, int]:
    """A 38/48 extended colour starting after params[i]: (the colour, the index after it)."""
    if params[i + 1 : i + 2] == ["5"]:
        return f"256:{params[i + 2]}", i + 3
    return "rgb:" + ",".join(params[i + 2 : i + 5]), i + 5


RESET = {"fg": "default", "bg": "default", "bold": False, "underline": False, "reverse": False}
ATTRIBUTES = {
    1: ("bold", True),
    22: ("bold", False),
    4: ("underline", True),
    24: ("underline", False),
    7: ("reverse", True),
    27: ("reverse", False),
    39: ("fg", "default"),
    49: ("bg", "default"),
}


def cells(screen: str) -> list[list[Cell]]:
    """Each character of a `capture-pane -e` screen with the attributes it is drawn in."""
    state: dict[str, int | str | bool] = dict(RESET)
    rows = []
    for line in screen.split("\n"):
        row = []
        position = 0
        for match in [*SGR.finditer(line), None]:
            end = match.start() if match else len(line)
            row += [Cell(c, **state) for c in line[position:end]]  # type: ignore[arg-type]
            if match is None:
                break
            position = match.end()
            params = match.group(1).replace(":", ";").split(";")
            i = 0
            while i < len(params):
                code = int(params[i] or 0)
                i += 1
                if code == 0:
                    state.update(RESET)
                elif code in ATTRIBUTES:
                    state.update([ATTRIBUTES[code]])
                elif 30 <= code <= 37 or 90 <= code <= 97:
                    state["fg"] = code - 30 if code < 90 else code - 82
                elif 40 <= code <= 47 or 100 <= code <= 107:
                    state["bg"] = code - 40 if code < 100 else code - 92
                elif code in (38, 48):
                    state["fg" if code == 38 else "bg"], i = _colour(params, i - 1)
        rows.append(row)
    return rows


def colour_codes(screen: str) -> list[str]:
    """Every SGR parameter that sets a colour (30–37, 40–47, 90–97, 100–107, 38, 48)."""
    found = []
    for match in SGR.finditer(screen):
        params = match.group(1).replace(":", ";").split(";")
        i = 0
        while i < len(params):
            code = int(params[i] or 0)
            if code in (38, 48):
                found.append(";".join(params[i:]))
                break
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                found.append(str(code))
            i += 1
    return found


def invisible(screen: str) -> list[str]:
    """Characters drawn in their own background's colour (the terminal's default background: black)."""
    found = []
    for y, row in enumerate(cells(screen)):
        for x, cell in enumerate(row):
            if cell.char.isspace():
                continue
            fg = "light" if cell.fg == "default" else cell.fg  # the terminal's own text colour
            bg = BLACK if cell.bg == "default" else cell.bg
            fg, bg = (bg, fg) if cell.reverse else (fg, bg)
            if fg == bg:
                found.append(f"{cell.char!r} at ({x}, {y}) in colour {fg} on {bg}")
    return found


class Client:
    """A tmux client attached from a pseudo-terminal of its own size, as a second person would."""

    def __init__(self, terminal: Terminal, width: int, height: int, read_only: bool) -> None:
        command = ["tmux", "-S", terminal.socket, "attach", *(["-f", "read-only,!ignore-size"] if read_only else []), "-t", "app"]
        env = {**os.environ, "TERM": "xterm-256color"}
        self.terminal = PseudoTerminal(command, env, width, height, controlling=False)
        self._reading = threading.Thread(target=self._drain, daemon=True)  # a full pty would stall tmux
        self._reading.start()

    def _drain(self) -> None:
        try:
            while self.terminal.chunk(0.5) is not None:
                pass
        except (OSError, ValueError):  # closed: the client has gone
            pass

    def type(self, text: str) -> None:
        self.terminal.write(text.encode())

    def close(self) -> None:
        self.terminal.close()


def app_in_a_terminal(path: Path, user: str) -> PseudoTerminal:
    """The real app on `path` in a 100x30 pseudo-terminal of its own, as over SSH."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    return PseudoTerminal([sys.executable, "-m", "moderate.cli", str(path), "--as", user], env, 100, 30, cwd=REPO)


def until_journaled(path: Path, user: str, answers: int, seconds: float = 15) -> None:
    """Wait until the app of `user` has journaled `answers` answers: each key it handled."""
    deadline = time.monotonic() + seconds
    while sum(r["do"] == "answer" for r in getattr(pending(path, user), "records", ())) < answers:
        assert time.monotonic() < deadline, f"{answers} answers never reached the journal"
        time.sleep(0.1)


def bytes_per_key(path: Path, keys: list[bytes], env: dict[str, str], width: int = 80, height: int = 24) -> list[int]:
    """The bytes the app writes to a real pseudo-terminal after each key, once the screen is settled."""
    moderate = Path(sys.executable).with_name("moderate")
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    app = PseudoTerminal([str(moderate), "--as", "tester", str(path)], {**environment, **env}, width, height, controlling=False)
    try:
        # the first screen: at least 1,000 bytes (each read waited for up to 20 s), then quiet for half a second
        app.settle(0.5, limit=120, first=20, least=1000)
        if app.total < 1000:
            raise AssertionError("the app drew no first screen")
        counts = []
        for key in keys:
            before = app.total
            app.write(key)
            app.settle(0.5, limit=120, first=5)
            counts.append(app.total - before)
        return counts
    finally:
        app.close()
