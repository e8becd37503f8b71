"""Child process of bench/benchmark.py: run an app in a pseudo-terminal and note when its
first full frame was handed to the terminal.

    python bench/_first_frame.py LOG moderate FILE [moderate's options...]
    python bench/_first_frame.py LOG bare

Counts the bytes the app writes (every write goes through `Driver.write`) and, once the
first full frame has been written, writes "BYTES MONOTONIC PEAK" to LOG: the bytes
written up to the end of that frame, `time.monotonic()` then, and the peak RSS so far (KiB). The parent, reading the terminal,
takes the moment those bytes had all arrived. Nothing here changes what the app writes.

A full frame is, for moderate, the first frame of the moderation screen with its grid
filled (rows and cases); for the bare app, its first frame.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

LOG, MODE, ARGS = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo, as after `pip install -e .`

from textual.app import App  # noqa: E402
from textual.drivers.linux_driver import LinuxDriver  # noqa: E402

written = 0
done = False
_write = LinuxDriver.write
_display = App._display


def write(self, data: str) -> None:
    global written
    written += len(data.encode("utf-8"))
    _write(self, data)


def peak_rss_kib() -> int:
    """This process's high-water mark so far (VmHWM, the ru_maxrss of a fresh process)."""
    with open("/proc/self/status") as f:
        return int(next(line.split()[1] for line in f if line.startswith("VmHWM")))


def full(app: App) -> bool:
    if MODE == "bare":
        return True
    screen = app.screen
    if type(screen).__name__ != "ModerationScreen":
        return False
    grid = screen.query("#grid")
    return bool(grid) and bool(grid.first().rows) and bool(grid.first().cases)


def display(self: App, screen, renderable) -> None:
    global done
    check = not done and renderable is not None and full(self)
    before = written
    _display(self, screen, renderable)
    if check and written > before:
        done = True
        with open(LOG, "w") as f:
            f.write(f"{written} {time.monotonic()} {peak_rss_kib()}\n")


LinuxDriver.write = write
App._display = display

if MODE == "bare":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bare_app import BareApp

    BareApp().run()
else:
    from moderate.cli import main

    sys.exit(main(ARGS))
