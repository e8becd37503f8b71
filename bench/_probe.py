"""Child process of bench/benchmark.py: run an app in a pseudo-terminal and note, for the
parent, what it cannot see from the terminal's side.

    python bench/_probe.py LOG moderate FILE [moderate's options...]
    python bench/_probe.py LOG bare [FILE]

(bare FILE: the bare app, having first parsed FILE with the compiled `tomli`, the floor of
moderate's first opening.)

Appends lines to LOG, each "WHAT MONOTONIC ...", `time.monotonic()` being the same clock
in the parent:

- `frame T BYTES`: the first full frame was handed to the terminal, BYTES being all
  that the app had written by its end (the parent takes the moment those bytes arrived).
  A full frame is, for moderate, the first frame of the moderation screen with its grid
  filled (rows and cases); for the bare app, its first frame.
- `display T BYTES`: each later frame (one `App._display` that wrote something).
- `gc T GENERATION MS`: each later garbage collection that took 1 ms or more.

Nothing here changes what the app writes.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

LOG, MODE, ARGS = sys.argv[1], sys.argv[2], sys.argv[3:]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # the repo, as after `pip install -e .`

from textual.app import App  # noqa: E402
from textual.drivers.linux_driver import LinuxDriver  # noqa: E402

written = 0
framed = False
_write = LinuxDriver.write
_display = App._display
log = open(LOG, "a", buffering=1)  # noqa: SIM115  (line-buffered: the parent reads it live)


def write(self: LinuxDriver, data: str) -> None:
    global written
    written += len(data.encode("utf-8"))
    _write(self, data)


def full(app: App) -> bool:
    if MODE == "bare":
        return True
    screen = app.screen
    if type(screen).__name__ != "ModerationScreen":
        return False
    grid = screen.query("#grid")
    return bool(grid) and bool(grid.first().rows) and bool(grid.first().cases)


def display(self: App, screen, renderable) -> None:  # type: ignore[no-untyped-def]
    global framed
    check = not framed and renderable is not None and full(self)
    before = written
    _display(self, screen, renderable)
    if written > before:
        now = time.monotonic()
        if check:
            framed = True
            log.write(f"frame {now} {written}\n")
        elif framed:
            log.write(f"display {now} {written - before}\n")


collecting = 0.0


def collection(phase: str, info: dict[str, int]) -> None:
    global collecting
    if phase == "start":
        collecting = time.perf_counter()
    elif framed:
        took = (time.perf_counter() - collecting) * 1e3
        if took >= 1:
            log.write(f"gc {time.monotonic()} {info['generation']} {took:.2f}\n")


LinuxDriver.write = write  # type: ignore[method-assign]
App._display = display  # type: ignore[method-assign]
gc.callbacks.append(collection)

if MODE == "bare":
    sys.path.insert(0, str(BENCH))
    from bare_app import BareApp

    if ARGS:
        import tomli

        with open(ARGS[0], "rb") as f:
            tomli.load(f)
    BareApp().run()
else:
    from moderate.cli import main

    sys.exit(main(ARGS))
