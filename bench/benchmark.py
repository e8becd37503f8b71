"""How fast moderate is, each figure beside its floor, measured side by side on this machine.

    python bench/benchmark.py            # full run, about 2-3 minutes
    python bench/benchmark.py --quick    # fewer repetitions, under a minute

Run from the repository root after `pip install -e .` (it also works from a plain checkout).
Inspections of 30, 500 and 2,000 cases are generated with tools/generate_inspection.py
into a temporary directory (or --data-dir, e.g. bench/data/, which git ignores).

What each row measures (ours, then its floor):

- load: `moderate.reading.load` (parse, validate, build the model) vs `tomllib.load` of
  the same file.
- save: `moderate.writing.dumps` and `moderate.storage.save` (dumps, then a temporary
  file, fsync, rename, fsync of the directory) vs `tomli_w.dumps` of the dict tomllib
  parsed from the same file.
- recompute: `Session.set_answer` on one case's key question, then reading
  `session.ratings.overall`, per change, vs `rules.rate_inspection` from scratch. The
  target is flatness in the number of cases and < 50 µs at 2,000.
- key press → repaint (pilot): in `App.run_test` at 120x40, from just before
  `pilot.press("space")` on a key question cell to the first compositor update after it
  (rendered to the escape sequences a terminal would get, as the real driver does), vs
  the same on a bare Textual app whose one binding updates a Static (bench/bare_app.py).
  Wall time includes waiting for Textual's 60 fps screen-update timer, as a user would;
  CPU is the main thread's CPU time over the same interval, the work alone.
- start → first full frame (pty): from just before `pty.fork()` to the moment the
  terminal (the pty master) has received the last byte of the first frame showing the
  moderation grid filled in, for `moderate FILE --theme textual-dark`; the bare app's
  first frame for the floor. So: interpreter start, imports, loading and validating the
  file, building the session and the screen, the first render. (bench/_first_frame.py
  notes where that frame ends in the byte stream.) Also in-process: from `App(...)`
  construction to that frame in `run_test` (no interpreter start, imports or file load).
- bytes to the terminal: `python -m moderate.cli FILE --theme T` in a real pty (120x40,
  TERM=xterm-256color, COLORTERM=truecolor), bytes read from the master after one key
  once output settles, vs the bare app's key press. The pty adds a CR to each LF.
- memory at 2,000 cases: tracemalloc peak of load + Session vs of tomllib.load; the
  peak RSS of a child process that loads and opens a session vs one that only
  tomllib.loads; the peak RSS of the app itself at its first full frame (pty runs above)
  vs the bare app's. Peak RSS is the child's VmHWM, which is what its ru_maxrss says
  when it is started from a shell; ru_maxrss read here, after fork, would include this
  benchmark's own pages, which Linux carries across exec.
- entry: key presses per answer to enter a blank 20-case inspection (`moderate new`,
  court=10, oocd=10) in the pilot, typing every key question's answer as a transcriber
  would (one key each: the cursor moves on by itself; `.` on to the next sample counts too),
  checked against the answers the session then holds. And `moderate import` (the command,
  as a user runs it) of the wide CSV of the 2,000-case inspection into a copy with every
  answer cleared, beside `moderate answers` printing that CSV.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import fcntl
import gc
import os
import platform
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tomllib
import tracemalloc
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for path in (str(REPO), str(BENCH), str(REPO / "tools")):
    if path not in sys.path:
        sys.path.insert(0, path)

# No user keymap or config: the app as shipped. Set before moderate.screens is imported.
CONFIG_HOME = tempfile.mkdtemp(prefix="moderate-bench-config-")
os.environ["XDG_CONFIG_HOME"] = CONFIG_HOME
atexit.register(shutil.rmtree, CONFIG_HOME, ignore_errors=True)

import tomli_w  # noqa: E402
from tabulate import tabulate  # noqa: E402

from generate_inspection import generate  # noqa: E402
from moderate.model import Answer  # noqa: E402
from moderate.reading import load  # noqa: E402
from moderate.rules import rate_inspection  # noqa: E402
from moderate.session import Session  # noqa: E402
from moderate.storage import save, write_text  # noqa: E402
from moderate.writing import dumps  # noqa: E402

SIZES = (30, 500, 2000)
COLS, ROWS = 120, 40
KB = 1024


# ---------------------------------------------------------------- figures and the table


@dataclass
class Stat:
    values: list[float]
    unit: str = "s"  # "s" (seconds), "B" (bytes) or "MiB" (bytes, shown in MiB)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def text(self) -> str:
        lo, mid, hi = min(self.values), self.median, max(self.values)
        if len(self.values) == 1:
            return _fmt(mid, self.unit, mid)
        return f"{_fmt(mid, self.unit, mid)} ({_fmt(lo, self.unit, mid, bare=True)}–{_fmt(hi, self.unit, mid, bare=True)})"


def _fmt(value: float, unit: str, like: float, bare: bool = False) -> str:
    """`value` in the unit and precision that suit `like` (the median it is shown beside)."""
    if unit == "B":
        return f"{value:,.0f}" + ("" if bare else " B")
    if unit == "MiB":
        return f"{value / KB / KB:,.1f}" + ("" if bare else " MiB")
    if unit == "presses":
        return f"{value:.2f}" + ("" if bare else " presses")
    factor, name = (1, "s") if like >= 1 else (1e3, "ms") if like >= 1e-3 else (1e6, "µs")
    digits = 2 if like * factor < 10 else 1 if like * factor < 100 else 0
    return f"{value * factor:.{digits}f}" + ("" if bare else f" {name}")


@dataclass
class Row:
    measure: str
    ours: Stat | None
    floor: Stat | None
    target: str = "—"
    limit: float | None = None  # ours.median / floor.median must be at most this
    absolute: float | None = None  # ours.median must be at most this (seconds or bytes)
    extra_ok: bool | None = None  # a further condition (flatness)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.floor is None or not self.floor.median:
            return None
        return self.ours.median / self.floor.median

    @property
    def met(self) -> str:
        checks = []
        if self.limit is not None and self.ratio is not None:
            checks.append(self.ratio <= self.limit)
        if self.absolute is not None and self.ours is not None:
            checks.append(self.ours.median <= self.absolute)
        if self.extra_ok is not None:
            checks.append(self.extra_ok)
        if not checks:
            return ""
        return "yes" if all(checks) else "NO"

    def cells(self) -> list[str]:
        ratio = self.ratio
        return [
            self.measure,
            self.ours.text() if self.ours else "—",
            self.floor.text() if self.floor else "—",
            f"{ratio:.2f}×" if ratio is not None else "—",
            self.target,
            self.met,
        ]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- timing helpers


def _time(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def side_by_side(ours: Callable[[], object], floor: Callable[[], object], reps: int) -> tuple[Stat, Stat]:
    """Both, alternately (and in alternating order), after one untimed warm-up of each."""
    ours(), floor()
    a: list[float] = []
    b: list[float] = []
    for i in range(reps):
        if i % 2:
            b.append(_time(floor))
            a.append(_time(ours))
        else:
            a.append(_time(ours))
            b.append(_time(floor))
    return Stat(a), Stat(b)


# ---------------------------------------------------------------- core: load, save, recompute


def bench_load(files: dict[int, Path], reps: dict[int, int]) -> list[Row]:
    rows = []
    for n, path in files.items():
        say(f"  load, {n} cases")

        def floor(path=path):
            with path.open("rb") as f:
                return tomllib.load(f)

        ours, bare = side_by_side(lambda path=path: load(path), floor, reps[n])
        rows.append(Row(f"load + validate, {n:,} cases (vs tomllib.load)", ours, bare, "≤ 1.5× tomllib", limit=1.5))
    return rows


def bench_save(files: dict[int, Path], reps: dict[int, int], out_dir: Path) -> list[Row]:
    rows = []
    for n in (500, 2000):
        path = files[n]
        say(f"  save, {n} cases")
        inspection = load(path).inspection
        with path.open("rb") as f:
            document = tomllib.load(f)
        target = out_dir / f"saved-{n}.toml"
        ours, bare = side_by_side(lambda: dumps(inspection), lambda: tomli_w.dumps(document), reps[n])
        rows.append(Row(f"writing.dumps, {n:,} cases (vs tomli_w.dumps)", ours, bare, "≤ 2× tomli_w", limit=2.0))
        ours, bare = side_by_side(lambda: save(target, inspection), lambda: tomli_w.dumps(document), reps[n])
        rows.append(Row(f"storage.save (+ fsync'd atomic write), {n:,} cases (vs tomli_w.dumps)", ours, bare,
                        "≤ 2× tomli_w", limit=2.0))
        text = dumps(inspection)
        write = Stat([_time(lambda: write_text(target, text)) for _ in range(reps[n])])
        rows.append(Row(f"  of which storage.write_text alone, {n:,} cases", write, None, "(info)"))
    return rows


def _pick_cell(session: Session) -> tuple[str, str]:
    """A case's key question in the standard the panel decided on (the most work to re-rate)."""
    standard = next((session.standards[d.standard] for d in session.discretion), None)
    if standard is None:
        standard = next(s for s in session.standards.values() if s.is_case_based)
    case = [c for c in session.cases.values() if c.sample == standard.sample]
    return case[len(case) // 2].id, standard.key_questions[0].id


def bench_recompute(files: dict[int, Path], changes: int, reps: int) -> list[Row]:
    cycle = [Answer.YES, Answer.NO, Answer.NA, None]
    results: dict[int, tuple[Stat, Stat]] = {}
    for n, path in files.items():
        say(f"  recompute, {n} cases")
        loaded = load(path)
        per_change = []
        for _ in range(reps + 1):  # the first is a warm-up
            session = Session(loaded.inspection, loaded.framework, "bench")
            case, question = _pick_cell(session)
            start = cycle.index(session.answer(case, question))
            sequence = [cycle[(start + 1 + i) % len(cycle)] for i in range(changes)]
            set_answer = session.set_answer
            gc.collect()
            t0 = time.perf_counter()
            for answer in sequence:
                set_answer(case, question, answer)
                overall = session.ratings.overall
                overall.score, overall.rating  # noqa: B018  (read what the title shows)
            per_change.append((time.perf_counter() - t0) / changes)
            assert len(session.moderation) == len(loaded.inspection.moderation) + changes
        full = [_time(lambda: rate_inspection(loaded.inspection, loaded.framework)) for _ in range(max(3, reps))]
        results[n] = (Stat(per_change[1:]), Stat(full))
    flat = results[2000][0].median / results[30][0].median
    rows = []
    for n, (ours, floor) in results.items():
        big = n == 2000
        rows.append(Row(
            f"one answer changed → ratings recomputed, {n:,} cases (vs rate_inspection from scratch)",
            ours, floor,
            f"< 50 µs, flat (2000/30 = {flat:.2f}×)" if big else "flat in cases",
            absolute=50e-6 if big else None, extra_ok=flat <= 1.5 if big else None,
        ))
    return rows


def bench_memory(path: Path, reps: int) -> list[Row]:
    say("  memory, 2000 cases")

    def traced(fn: Callable[[], object]) -> float:
        gc.collect()
        tracemalloc.start()
        tracemalloc.reset_peak()
        keep = fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del keep
        return peak

    def ours():
        loaded = load(path)
        return loaded, Session(loaded.inspection, loaded.framework, "bench")

    def floor():
        with path.open("rb") as f:
            return tomllib.load(f)

    peak_ours = Stat([traced(ours)], "MiB")
    peak_floor = Stat([traced(floor)], "MiB")

    # The child's own high-water mark (VmHWM, what ru_maxrss reports for a process started
    # from a shell): ru_maxrss seen from here would count the pages of this benchmark,
    # which the child inherits at fork and Linux carries across exec.
    peak = "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    code_ours = ("import sys\nfrom moderate.reading import load\nfrom moderate.session import Session\n"
                 "loaded = load(sys.argv[1]); s = Session(loaded.inspection, loaded.framework, 'x')\n" + peak)
    code_floor = "import sys, tomllib\nd = tomllib.load(open(sys.argv[1], 'rb'))\n" + peak

    def maxrss(code: str) -> float:
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                              env=_child_env(), cwd=REPO, check=True)
        return int(done.stdout.strip()) * KB

    rss_ours = Stat([maxrss(code_ours) for _ in range(reps)], "MiB")
    rss_floor = Stat([maxrss(code_floor) for _ in range(reps)], "MiB")
    return [
        Row("tracemalloc peak, load + Session, 2,000 cases (vs tomllib.load)", peak_ours, peak_floor, "(info)"),
        Row("peak RSS of a child (VmHWM = its ru_maxrss): load + Session, 2,000 cases (vs tomllib.load)",
            rss_ours, rss_floor, "(info)"),
    ]


# ---------------------------------------------------------------- the app in the pilot


def _hook_frames(app, frames: list[tuple[float, float, int]]) -> None:
    """Record every compositor update, rendered to the bytes a terminal would get: the
    headless driver renders nothing, the real one does this work in `App._display`."""
    from textual._compositor import CompositorUpdate

    display = app._display

    def hooked(screen, renderable):
        if isinstance(renderable, CompositorUpdate):
            size = len(renderable.render_segments(app.console).encode("utf-8"))
            frames.append((time.perf_counter(), time.thread_time(), size))
        display(screen, renderable)

    app._display = hooked


def _moderate_app(path: Path):
    from moderate.screens.app import ModerateApp

    # A user of its own each time: a run's unsaved presses stay in its own journal, and the
    # next run is not asked to restore them.
    return lambda: ModerateApp(path, _user(), theme="textual-dark")


def _user() -> str:
    return f"bench-{os.getpid()}-{time.monotonic_ns()}"


def _bare_app():
    from bare_app import BareApp

    return BareApp


async def _presses(make_app, presses: int, warmup: int) -> tuple[list[float], list[float], list[int]]:
    frames: list[tuple[float, float, int]] = []
    app = make_app()
    _hook_frames(app, frames)
    wall, cpu, counts = [], [], []
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await pilot.pause()
        await pilot.pause()
        for i in range(warmup + presses):
            frames.clear()
            t0, c0 = time.perf_counter(), time.thread_time()
            await pilot.press("space")
            await pilot.pause()
            if i < warmup:
                continue
            if not frames:
                raise RuntimeError("a key press repainted nothing")
            wall.append(frames[0][0] - t0)
            cpu.append(frames[0][1] - c0)
            counts.append(len(frames))
    return wall, cpu, counts


def bench_pilot(files: dict[int, Path], presses: int, warmup: int) -> list[Row]:
    say("  key press round trip, bare Textual app")
    bare_wall, bare_cpu, _ = asyncio.run(_presses(_bare_app(), presses, warmup))
    rows = []
    for n, limit in ((30, 1.5), (500, 3.0)):
        say(f"  key press round trip, moderate, {n} cases")
        wall, cpu, counts = asyncio.run(_presses(_moderate_app(files[n]), presses, warmup))
        frames = statistics.median(counts)
        rows.append(Row(f"toggle (space) → first repainted frame, pilot, {n} cases, wall (vs bare app)",
                        Stat(wall), Stat(bare_wall), f"≤ {limit:g}× bare Textual", limit=limit))
        rows.append(Row(f"  same, main-thread CPU time  [frames per toggle: {frames:g}]",
                        Stat(cpu), Stat(bare_cpu), f"≤ {limit:g}× bare Textual", limit=limit))
    return rows


async def _enter_blank(path: Path) -> float:
    """Key presses per answer, typing every key question of a blank inspection in the pilot."""
    from moderate.screens.app import ModerateApp

    app = ModerateApp(path, _user(), theme="textual-dark")
    pressed = answers = 0
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await pilot.pause()
        inspection = app.loaded.inspection
        for number, sample in enumerate(inspection.samples):
            if number:  # on to the next sample's first unanswered question
                await pilot.press("full_stop")
                pressed += 1
            count = sum(len(s.key_questions) for s in inspection.standards if s.sample == sample)
            keys = ["n" if i % 5 == 0 else "y" for i in range(count * len(inspection.cases_in(sample)))]
            await pilot.press(*keys)
            pressed += len(keys)
            answers += len(keys)
        given = sum(len(case) for case in app.session.answers.values())
    if given != answers:
        raise RuntimeError(f"{answers} key presses entered {given} answers")
    return pressed / answers


def bench_entry(files: dict[int, Path], work: Path, reps: int) -> list[Row]:
    say("  entering a blank 20-case inspection, pilot")
    blank = work / "blank-20.toml"
    cli = [sys.executable, "-m", "moderate.cli"]
    subprocess.run([*cli, "new", str(blank), "--framework", "hmip-youth-2021", "--cases", "court=10,oocd=10"],
                   check=True, capture_output=True, env=_child_env())
    rows = [Row("key presses per answer, blank 20-case inspection, pilot", Stat([asyncio.run(_enter_blank(blank))],
                "presses"), None, "≤ 1.1", absolute=1.1)]
    say("  moderate import, 2,000 cases")
    table = work / "answers-2000.csv"
    answers = [*cli, "answers", str(files[2000])]
    table.write_bytes(subprocess.run(answers, check=True, capture_output=True, env=_child_env()).stdout)
    inspection = load(files[2000]).inspection
    cleared = replace(inspection, cases=tuple(replace(case, answers={}) for case in inspection.cases))
    target = work / "import-2000.toml"
    ours, floor = [], []
    for _ in range(reps):
        save(target, cleared)
        ours.append(_time(lambda: subprocess.run([*cli, "import", str(target), str(table), "--as", "bench"],
                                                 check=True, capture_output=True, env=_child_env())))
        floor.append(_time(lambda: subprocess.run(answers, check=True, capture_output=True, env=_child_env())))
    rows.append(Row("moderate import of every answer, 2,000 cases (vs moderate answers)", Stat(ours), Stat(floor),
                    "(info)"))
    return rows


async def _start_in_process(make_app, full: Callable[[object], bool]) -> float:
    from textual._compositor import CompositorUpdate

    seen: list[float] = []
    t0 = time.perf_counter()
    app = make_app()
    display = app._display

    def hooked(screen, renderable):
        if not seen and isinstance(renderable, CompositorUpdate) and full(app):
            renderable.render_segments(app.console)
            seen.append(time.perf_counter())
        display(screen, renderable)

    app._display = hooked
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        for _ in range(1000):
            if seen:
                break
            await pilot.pause(0.005)
    if not seen:
        raise RuntimeError("no full frame")
    return seen[0] - t0


def _moderate_full(app) -> bool:
    screen = app.screen
    if type(screen).__name__ != "ModerationScreen":
        return False
    grid = screen.query("#grid")
    return bool(grid) and bool(grid.first().rows) and bool(grid.first().cases)


def bench_start_in_process(files: dict[int, Path], reps: int) -> list[Row]:
    rows = []
    bare = [asyncio.run(_start_in_process(_bare_app(), lambda app: True)) for _ in range(reps + 1)][1:]
    for n in (30, 2000):
        say(f"  start in process, {n} cases")
        make = _moderate_app(files[n])
        ours = [asyncio.run(_start_in_process(make, _moderate_full)) for _ in range(reps + 1)][1:]
        rows.append(Row(f"  in process: App() → first full frame (run_test), {n:,} cases (vs bare app)",
                        Stat(ours), Stat(bare), "(info)"))
    return rows


# ---------------------------------------------------------------- real pseudo-terminal


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k != "NO_COLOR"}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", XDG_CONFIG_HOME=CONFIG_HOME,
               PYTHONPATH=os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    env.update(extra)
    return env


class Pty:
    """A child in a real pseudo-terminal of COLS x ROWS; every byte it writes is read and timed."""

    def __init__(self, argv: list[str]) -> None:
        self.started = time.monotonic()
        env = _child_env()
        pid, fd = pty.fork()
        if pid == 0:  # the child
            try:
                os.chdir(REPO)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.total = 0
        self.arrivals: list[tuple[float, int]] = []  # (time, bytes read so far)
        self.rusage = None

    def read(self, seconds: float) -> bytes:
        """Whatever arrives within `seconds`."""
        out = b""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            chunk = self._chunk(left)
            if chunk is None:
                break
            out += chunk
        return out

    def settle(self, quiet: float = 0.35, limit: float = 10.0, first: float = 1.0) -> bytes:
        """Everything until output has been quiet for `quiet` seconds, waiting up to
        `first` seconds for it to begin and `limit` seconds in all."""
        out = b""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            chunk = self._chunk(quiet if out else max(quiet, first))
            if not chunk:
                break
            out += chunk
        return out

    def _chunk(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return None
        if chunk:
            self.total += len(chunk)
            self.arrivals.append((time.monotonic(), self.total))
        return chunk or None

    def key(self, data: bytes) -> int:
        os.write(self.fd, data)
        return len(self.settle())

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            self.read(0.05)
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.rusage = rusage
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
            _, _, self.rusage = os.wait4(self.pid, 0)
        os.close(self.fd)


def _first_frame(argv_tail: list[str], log: Path) -> tuple[float, int]:
    """Seconds from fork to the first full frame's last byte at the terminal; and peak RSS then."""
    log.unlink(missing_ok=True)
    term = Pty([sys.executable, str(BENCH / "_first_frame.py"), str(log), *argv_tail])
    try:
        deadline = time.monotonic() + 30
        noted = None
        while time.monotonic() < deadline:
            term.read(0.02)
            if noted is None and log.exists():
                text = log.read_text()
                if text.endswith("\n"):
                    noted, rss = int(text.split()[0]), int(text.split()[2]) * KB
            if noted is not None and term.total >= noted:
                break
        else:
            raise RuntimeError(f"no first frame from {argv_tail}")
        arrived = next(t for t, total in term.arrivals if total >= noted)
        term.settle(0.2, 3)
    finally:
        term.close()
    return arrived - term.started, rss


def bench_start_pty(files: dict[int, Path], reps: int, work: Path) -> tuple[list[Row], list[Row]]:
    log = work / "first-frame.log"
    say("  start to first frame (pty), bare Textual app")
    bare = [_first_frame(["bare"], log) for _ in range(reps)]
    rows, memory = [], []
    for n in (30, 2000):
        say(f"  start to first frame (pty), moderate, {n} cases")
        ours = [_first_frame(["moderate", str(files[n]), "--theme", "textual-dark", "--as", _user()], log)
                for _ in range(reps)]
        rows.append(Row(f"process start → first full frame at the terminal (pty), {n:,} cases (vs bare app)",
                        Stat([t for t, _ in ours]), Stat([t for t, _ in bare]), "≤ 1.3× bare Textual", limit=1.3))
        if n == 2000:
            memory.append(Row("peak RSS of the app at its first full frame (VmHWM), 2,000 cases (vs bare app)",
                              Stat([m for _, m in ours], "MiB"), Stat([m for _, m in bare], "MiB"), "(info)"))
    return rows, memory


KEYS = {"space": b" ", "down": b"\x1b[B", "right": b"\x1b[C"}


def _bytes_per_key(argv: list[str], plan: list[str]) -> dict[str, list[int]]:
    term = Pty(argv)
    try:
        startup = len(term.settle(0.6, 30, first=20))
        if startup < 1000:
            raise RuntimeError(f"{argv} wrote only {startup} bytes at start")
        counts: dict[str, list[int]] = {"startup": [startup]}
        for step in plan:
            name = step.split(":")[0]
            counts.setdefault(step, []).append(term.key(KEYS[name]))
        return counts
    finally:
        term.close()


def bench_bytes(path: Path, reps: int) -> list[Row]:
    moderate = [sys.executable, "-m", "moderate.cli", str(path), "--theme"]
    # The first toggle also puts "● unsaved" in the status line; later toggles are the steady state.
    plan = ["space:first"] + ["space"] * reps + ["down"] * reps + ["right"] * reps
    rows = []
    say("  bytes per key, bare Textual app (pty)")
    bare = _bytes_per_key([sys.executable, str(BENCH / "bare_app.py")], ["space"] * (reps + 1))
    bare_key = Stat(bare["space"][1:], "B")
    for theme in ("textual-dark", "ansi-dark"):
        say(f"  bytes per key, moderate, {theme} (pty)")
        counts = _bytes_per_key([*moderate, theme, "--as", _user()], plan)
        rows += [
            Row(f"bytes to the terminal per toggle, 120×40, {theme} (vs bare app's key press)",
                Stat(counts["space"], "B"), bare_key, "≤ 2 KB", absolute=2 * KB),
            Row(f"  first toggle of the session (status gains '● unsaved'), {theme}",
                Stat(counts["space:first"], "B"), bare_key, "(info)"),
            Row(f"  cursor move ↓, {theme}", Stat(counts["down"], "B"), bare_key, "(info)"),
            Row(f"  cursor move →, {theme}", Stat(counts["right"], "B"), bare_key, "(info)"),
        ]
        if theme == "textual-dark":
            rows.append(Row(f"  whole first screen at start, {theme}", Stat(counts["startup"], "B"),
                            Stat(bare["startup"], "B"), "(info)"))
    return rows


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark moderate against its floors.")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a rough look, under a minute)")
    parser.add_argument("--data-dir", type=Path,
                        help="where to put the generated inspections (default: a temporary directory); "
                             "bench/data/ is git-ignored")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    quick = args.quick

    reps = {30: 3, 500: 3, 2000: 2} if quick else {30: 9, 500: 7, 2000: 5}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="moderate-bench-") as temporary:
        work = Path(temporary)
        data = args.data_dir or work
        data.mkdir(parents=True, exist_ok=True)
        say(f"generating inspections in {data} ...")
        files = {}
        for n in SIZES:
            files[n] = data / f"generated-{n}-seed{args.seed}.toml"
            save(files[n], generate(n, args.seed))

        sections: list[tuple[str, list[Row]]] = []
        say("core ...")
        sections.append(("Load", bench_load(files, reps)))
        sections.append(("Save", bench_save(files, reps, work)))
        sections.append(("Recompute after one change", bench_recompute(files, 500 if quick else 2000, 3 if quick else 7)))
        say("real pseudo-terminal ...")
        start_rows, app_memory = bench_start_pty(files, 2 if quick else 5, work)
        byte_rows = bench_bytes(files[500], 2 if quick else 4)
        say("pilot ...")
        pilot_rows = bench_pilot(files, 15 if quick else 50, 4)
        start_rows += bench_start_in_process(files, 2 if quick else 5)
        sections.append(("Key press to repainted screen", pilot_rows))
        sections.append(("Entry and import", bench_entry(files, work, 1 if quick else 3)))
        sections.append(("Start to first full frame", start_rows))
        sections.append(("Bytes written to the terminal", byte_rows))
        sections.append(("Memory", bench_memory(files[2000], 2 if quick else 3) + app_memory))

    import textual

    print(f"moderate benchmark{' (--quick)' if quick else ''}: Python {platform.python_version()}, "
          f"Textual {textual.__version__}, {platform.machine()} × {os.cpu_count()} CPUs, {platform.system()}; "
          f"inspections generated by tools/generate_inspection.py (seed {args.seed})")
    print("ours and floor: median (min–max) over the repetitions, measured side by side; ratio = ours/floor medians")
    table = []
    for title, rows in sections:
        table.append([f"— {title} —", "", "", "", "", ""])
        table += [row.cells() for row in rows]
    print(tabulate(table, headers=["measure", "ours", "floor", "ratio", "target", "met"], tablefmt="simple"))
    missed = [row.measure.strip() for _, rows in sections for row in rows if row.met == "NO"]
    print(f"\n{len(missed)} target(s) missed" + (":\n  " + "\n  ".join(missed) if missed else ""))
    print(f"(run took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
