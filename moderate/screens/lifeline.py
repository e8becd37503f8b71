"""The process's lifeline: a dropped SSH connection, a kill, or a terminal gone ends the app cleanly.

The journal holds every change, so leaving is always safe: the unsaved work is kept for the
next start to offer back. Leaving must also be sure: a process left behind on a shared
server spins a core and holds the user's journal.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from typing import Any, Callable

from textual.app import App


class Lifeline:
    """SIGHUP and SIGTERM, and a watch on the terminal itself, each ending the app: `let_go`
    first (the app closes the file, keeping its unsaved work), then exit, and should
    the teardown block on a dead terminal, a hard exit a few seconds later."""

    def __init__(self, app: App[Any], let_go: Callable[[], None]) -> None:
        self._app = app
        self._let_go = let_go
        self._ended = threading.Event()  # the app has ended: the terminal's watch stops

    def hold(self) -> None:
        """From the app's mount, on its loop."""
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(number, self.hang_up, number)
        if sys.__stdin__ is not None and sys.__stdin__.isatty():
            watch = threading.Thread(
                target=_hang_up_when_the_terminal_goes, args=(sys.__stdin__.fileno(), self._ended), daemon=True
            )
            watch.start()

    def release(self) -> None:
        """The app has ended: the watch stops."""
        self._ended.set()

    def hang_up(self, number: int) -> None:
        """A dropped SSH connection (SIGHUP) or a kill (SIGTERM): the journal holds every change; leave cleanly."""
        self._let_go()
        watchdog = threading.Timer(3.0, os._exit, args=(128 + number,))
        watchdog.daemon = True  # if teardown blocks on a dead terminal, still exit
        watchdog.start()
        self._app.exit(return_code=128 + number)


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
