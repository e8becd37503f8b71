"""How fast and lean moderate is, each figure beside its floor measured in the same run.

    python bench/benchmark.py            # full run, about 4 minutes
    python bench/benchmark.py --quick    # fewer repetitions, about a minute
    python bench/benchmark.py --only entry --large   # with the import at 50,000 cases (minutes)
    python bench/benchmark.py --only merging,frozen --large   # merging saves and key delays at 50,000 too

Run from the repository root after `pip install -e .` (it also works from a plain
checkout). Inspections of 30, 2,000 and 10,000 cases are generated with
tools/generate_inspection.py into a temporary directory (or --data-dir, e.g. bench/data/,
which git ignores). Each row prints ours and its floor as median (min–max) over the
repetitions, the ratio of the medians, the target and whether it is met. The floors run
beside ours, alternately, so a busy machine slows both: read the ratios, not the times.

The app runs in a real pseudo-terminal of 80×24 with TERM=xterm-256color and no
COLORTERM (as over SSH), under bench/_probe.py, which notes for us what the terminal's
side cannot see (the first full frame, each later frame, each garbage collection). Child
processes may write bytecode caches (as an installed program would have them); the first
run of each kind is a warm-up and is not counted.

What each row measures:

- Parse and load. `reading.load` (parse, validate, build the model) vs `tomllib.load`
  of the same file, in this process. `moderate check` and `moderate report`, whole
  processes, vs a process that only `tomllib.load`s the file (target ≤ 0.6×). Each
  twice: on a file's first reading (the cache of parsed inspections emptied before each
  run, so the parse and the writing of an entry are counted), and read again (cached).
- Start. From just before the fork to the settled first screen: the last byte written
  before the terminal has been quiet for 0.5 s, after the first full frame (for
  moderate, the moderation grid filled in). Floor: a process that only parses the same
  file with `tomllib` (target ≤ 1× at 2,000 and 10,000 cases); and, the row below it, the
  bare Textual app (bench/bare_app.py) started by a process that first parses the same file
  with the compiled `tomli` (target ≤ 1.2× at 2,000 and 10,000 cases), all three in turn.
  The bare app's own start is shown for scale. Each size twice, as for parse and load:
  on its first opening and opened again (cached); memory from both.
- A key press, 30 cases. From writing the key to the pty to the last byte of what it
  caused (quiet for 0.25 s after), and the bytes and frames (`App._display` calls that
  wrote) in that time: a toggle (space) and a cursor move (↓ and ↑ alternately), vs the
  bare app's one key, pressed in its own pty just before each of ours (both apps run
  throughout). Targets: ≤ 1.3× the bare key's settled time, ≤ 200 bytes a toggle,
  one frame a key. One toggle and one move first, uncounted (the first toggle also writes
  "unsaved" in the status line); then 40 of each (10 with --quick), so that a row swings
  less than 0.1× between runs.
- Never frozen, 2,000 and 10,000 cases (and 50,000 with --large). Cursor moves are pressed one after another while the app
  saves or reloads, each as soon as the previous one has been answered (its first byte
  back, then 30 ms quiet); the row is the longest wait for a first byte. A merging save:
  one toggle, another process saves a different answer into the file, the app is given
  1.5 s to notice, then ctrl+s and the moves until "Saved" has been shown. A reload:
  the app clean, moves from 0.3 s before another process's save until "Reloaded" has
  been shown. Target ≤ 50 ms. Floor: the longest of 60 such moves in the same app with
  nothing else running (what the machine gives a key at that moment).
- Memory. Resident memory (VmRSS) of the app at its settled first screen above the bare
  app's, per case, at 2,000 and 10,000 cases (target ≤ 4 KB at 10,000); peak (VmHWM) for
  information. The longest garbage-collection pause (`gc.callbacks`) while typing at
  10,000 cases: 80 keys (40 with --quick), toggles and cursor moves 80 ms apart, from
  the moment the first screen has settled; then the same again after a merging save (ours
  and another process's) and after a reload of another's save, the models those built
  being the ones that live on; target ≤ 20 ms. And the memory per case after both. Then
  VmRSS after each of 8 merging saves at 2,000 cases (a toggle, another process's save of
  another answer, ctrl+s, "Saved"): the eighth's against the first's, target ≤ 1.1×.
- Save and recompute, in this process. `writing.dumps` and `storage.save` (dumps, a
  temporary file, fsync, rename, fsync of the directory) vs `tomli_w.dumps` of the dict
  tomllib parsed from the same file. A merging save (`storage.save_merging` of ours, one
  answer changed, after another process saved another answer: theirs read, parsed and
  merged in a child process, the merge written) vs a clean save (the same call, the file
  as ours was read), each in a thread as the app saves, alternately, at 10,000 cases (and 50,000 with --large): target ≤ 2×.
  Then the resident memory of the merge process kept waiting for the next save, for
  information, beside this process's.
  `Session.set_answer` on one answer then reading the overall score, per change, vs
  `rules.rate_inspection` from scratch (target < 50 µs at 2,000 cases, flat in cases).

- Entry and import. Key presses per answer to enter a blank 20-case inspection (`moderate
  new`, court=10, oocd=10) in the pilot, typing every key question's answer as a
  transcriber would (one key each: the cursor moves on by itself; `.` on to the next
  sample counts too), checked against the answers the session then holds. And `moderate
  import` (the command, as a user runs it) of the wide CSV of the whole inspection into a
  copy with every answer cleared, beside `moderate check` of the full file (target ≤ 2×),
  at 2,000 and 10,000 cases, and at 50,000 with --large (a file of about 55 MB, made and
  opened in the app in a minute or more: the import runs once, unwarmed, after one `check`);
  with the import's peak memory (the child's own, from wait4 in a process between) beside the app's
  (VmHWM at its settled first screen on the same file, target ≤ 1×).

The code's comments say why a choice was made and leave its figures to these rows: the
compiled parser and a large file parsed a case at a time (parse and memory), the pure-Python
parser off the main thread (never frozen), the garbage collector held off while reading and
the model frozen out of its sight (parse, start, and the longest collection while typing),
the cache of parsed files (the cached rows), a case's answers kept a byte a question and
copied only when changed (memory per case).

To add rows: write a function `(Bench) -> list[Row]` (helpers below: `Bench.file(n)`,
`Bench.reps`, `side_by_side`, `start_app`, `PseudoTerminal.press`, `longest_key_delay`,
`another_save`) and add it to SECTIONS with its title.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import gc
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for path in (str(REPO), str(BENCH), str(REPO / "tools")):
    if path not in sys.path:
        sys.path.insert(0, path)

# No user keymap, config or cache: the app as shipped. Set before moderate is imported.
HOME = tempfile.mkdtemp(prefix="moderate-bench-home-")
os.environ["XDG_CONFIG_HOME"] = str(Path(HOME) / "config")
os.environ["XDG_CACHE_HOME"] = str(Path(HOME) / "cache")
atexit.register(shutil.rmtree, HOME, ignore_errors=True)


def _uncached(fn: Callable[[], object]) -> Callable[[], object]:
    """`fn` as on a file's first opening: nothing in the cache of parsed inspections."""

    def first() -> object:
        shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
        return fn()

    return first


import tomli_w  # noqa: E402
import tabulate  # noqa: E402

from generate_inspection import generate  # noqa: E402
from processes import children, resident  # noqa: E402
from pseudo_terminal import PseudoTerminal  # noqa: E402
from moderate.model import Answer  # noqa: E402
from moderate.reading import load  # noqa: E402
from moderate.rules import rate_inspection  # noqa: E402
from moderate.session import Session  # noqa: E402
from moderate.storage import save, save_merging, write_text  # noqa: E402
from moderate.writing import dumps  # noqa: E402

COLS, ROWS = 80, 24
KB = 1024
PYTHON = sys.executable


# ---------------------------------------------------------------- figures and the table


@dataclass
class Stat:
    values: list[float]
    unit: str = "s"  # "s" (seconds), "B" (bytes), "KB" (bytes, shown in KB), "MiB", "presses", or "" (a count)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def text(self) -> str:
        lo, mid, hi = min(self.values), self.median, max(self.values)
        if len(self.values) == 1 or lo == hi:
            return _fmt(mid, self.unit, mid)
        return f"{_fmt(mid, self.unit, mid)} ({_fmt(lo, self.unit, mid, bare=True)}–{_fmt(hi, self.unit, mid, bare=True)})"


def _fmt(value: float, unit: str, like: float, bare: bool = False) -> str:
    """`value` in the unit and precision that suit `like` (the median it is shown beside)."""
    if unit == "":
        return f"{value:g}"
    if unit == "B":
        return f"{value:,.0f}" + ("" if bare else " B")
    if unit == "KB":
        return f"{value / KB:,.1f}" + ("" if bare else " KB")
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
    floor: Stat | None = None
    target: str = "(info)"
    limit: float | None = None  # ours.median / floor.median must be at most this
    absolute: float | None = None  # ours.median must be at most this (in ours' unit: seconds, bytes, count)
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
        return "met" if all(checks) else "MISSED"

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


@dataclass
class Bench:
    """What every section needs: the generated files, the repetitions, a scratch directory."""

    quick: bool
    work: Path
    data: Path
    seed: int
    large: bool = False  # the rows at 50,000 cases too
    files: dict[int, Path] = field(default_factory=dict)
    # Noted by the start-up runs for the Memory section: the bare app's VmRSS and, per
    # size, each run's (VmRSS, VmHWM) at the settled first screen.
    bare_rss: float = 0.0
    memory: dict[tuple[int, str], list[tuple[int, int]]] = field(default_factory=dict)  # (cases, how opened)

    def reps(self, full: int, quick: int = 2) -> int:
        return quick if self.quick else full

    def file(self, cases: int) -> Path:
        """A generated inspection of `cases` cases (made once; never changed: copy it to change it)."""
        if cases not in self.files:
            path = self.data / f"generated-{cases}-seed{self.seed}.toml"
            if not path.exists():
                say(f"  generating {cases:,} cases")
                save(path, generate(cases, self.seed))
            self.files[cases] = path
        return self.files[cases]

    def copy(self, cases: int) -> Path:
        """A fresh copy of the generated file, for a run that saves or changes it."""
        target = self.work / f"copy-{time.monotonic_ns()}.toml"
        shutil.copyfile(self.file(cases), target)
        target.chmod(0o600)
        return target


# ---------------------------------------------------------------- timing helpers


def _time(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def side_by_side(ours: Callable[[], object], floor: Callable[[], object], reps: int, warm_up: bool = True) -> tuple[Stat, Stat]:
    """Both, alternately (and in alternating order), after one untimed warm-up of each."""
    if warm_up:
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


def in_turn(runs: list[Callable[[], object]], reps: int) -> list[Stat]:
    """Each of `runs` `reps` times, in turn, each round starting one further along (no warm-up)."""
    times: list[list[float]] = [[] for _ in runs]
    for i in range(reps):
        for j in range(len(runs)):
            at = (i + j) % len(runs)
            times[at].append(_time(runs[at]))
    return [Stat(t) for t in times]


def _child_env() -> dict[str, str]:
    """As over SSH: TERM=xterm-256color, no COLORTERM; no Textual or colour overrides."""
    drop = ("COLORTERM", "NO_COLOR", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in drop}
    env.update(TERM="xterm-256color", PYTHONPATH=os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    return env


def _process(argv: list[str]) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(argv, env=_child_env(), cwd=REPO, check=True, stdout=subprocess.DEVNULL)

    return run


def _bare_parse(path: Path) -> Callable[[], None]:
    """The floor of start-up and of the CLI: a process that only parses the file with tomllib."""
    return _process([PYTHON, "-c", "import sys, tomllib\ntomllib.load(open(sys.argv[1], 'rb'))", str(path)])


def _user() -> str:
    # A user of its own each run: a killed run's journal never asks the next to restore it.
    return f"bench-{os.getpid()}-{time.monotonic_ns()}"


# ---------------------------------------------------------------- a real pseudo-terminal


@dataclass
class App:
    """An app started in a pty under bench/_probe.py, its first screen settled."""

    term: PseudoTerminal
    log: Path
    settled: float  # seconds from the fork to the settled first screen

    def notes(self, kind: str, since: float, until: float) -> list[list[float]]:
        """The probe's `kind` lines noted between two moments: their numbers after the time."""
        found = []
        for line in self.log.read_text().splitlines():
            what, when, *rest = line.split()
            if what == kind and since <= float(when) <= until:
                found.append([float(x) for x in rest])
        return found

    def close(self) -> None:
        self.term.close()
        for journal in self.log.parent.glob(".*.journal"):  # what SIGTERM kept of our runs
            journal.unlink(missing_ok=True)


def start_app(bench: Bench, args: list[str]) -> App:
    """["bare"] or ["moderate", FILE, ...]; returns once its first screen has settled."""
    log = bench.work / f"probe-{time.monotonic_ns()}.log"
    if args[0] == "moderate":
        args = [*args, "--as", _user()]
    term = PseudoTerminal([PYTHON, str(BENCH / "_probe.py"), str(log), *args], _child_env(), COLS, ROWS, cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        framed = None
        while framed is None or term.total < framed:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no full first frame from {args}")
            term.read(0.02)
            if framed is None and log.exists():
                line = next((x for x in log.read_text().splitlines() if x.startswith("frame ")), None)
                framed = int(line.split()[2]) if line else None
        last = term.settle(0.5, first=0.5) or next(t for t, total in term.arrivals if total >= framed)
    except BaseException:
        term.close()
        raise
    return App(term, log, last - term.started)


def another_save(path: Path) -> None:
    """Someone else's save: one answer of the last case changed, written atomically."""
    text = path.read_text()
    at = text.index('= "yes"', text.rindex("\n[[cases]]"))  # not the log's, after the cases: an answer
    write_text(path, text[:at] + '= "no"' + text[at + len('= "yes"') :])


MOVES = (b"\x1b[B", b"\x1b[A")  # down, up: the cursor moves and stays in the same place


def longest_key_delay(
    term: PseudoTerminal,
    done: bytes | None,
    limit: float = 30.0,
    at: tuple[float, Callable[[], None]] | None = None,
    keys: int | None = None,
) -> tuple[float, int]:
    """Cursor moves, each once the previous one was answered, until `done` has appeared in
    the output (and 0.3 s more), or (`done` None) `keys` of them; `at` = (seconds, action)
    does something meanwhile. (The longest wait for a key's first byte back, keys pressed.)"""
    start = time.monotonic()
    mark = len(term.output)
    longest, presses, finished = 0.0, 0, None
    while time.monotonic() - start < limit:
        if at is not None and time.monotonic() - start >= at[0]:
            at[1]()
            at = None
        before = term.total
        sent = time.monotonic()
        term.write(MOVES[presses % 2])
        presses += 1
        while term.total == before and time.monotonic() - sent < limit:
            if term.chunk(0.5) is None:
                raise RuntimeError("the app has gone")
        longest = max(longest, time.monotonic() - sent)
        term.settle(0.03, limit=0.3)
        if done is None and presses == keys:
            return longest, presses
        if finished is None and done is not None and term.shown(done, mark):
            finished = time.monotonic()
        if finished is not None and time.monotonic() - finished > 0.3:
            return longest, presses
    raise RuntimeError(f"{done!r} never appeared")


# ---------------------------------------------------------------- parse and load


def bench_parse(bench: Bench) -> list[Row]:
    rows = []
    for n in (30, 2000):
        path = bench.file(n)
        say(f"  load, {n:,} cases")

        def floor(path: Path = path) -> object:
            with path.open("rb") as f:
                return tomllib.load(f)

        for first, how in ((True, "first read"), (False, "read again, cached")):
            ours, bare = side_by_side(
                _uncached(lambda path=path: load(path)) if first else lambda path=path: load(path),
                floor,
                bench.reps(5 if n < 2000 else 3, 2),
                warm_up=n < 2000 or not first,
            )
            rows.append(Row(f"reading.load, {n:,} cases, {how} (vs tomllib.load)", ours, bare, "≤ 1× tomllib", limit=1.0))
    path = bench.file(2000)
    _process([PYTHON, "-m", "moderate.cli", "report", str(bench.file(30))])()  # a warm-up: bytecode caches
    for command in ("check", "report"):
        for first, how in ((True, "first read"), (False, "read again, cached")):
            say(f"  moderate {command}, 2,000 cases, {how}")
            run = _process([PYTHON, "-m", "moderate.cli", command, str(path)])
            ours, bare = side_by_side(_uncached(run) if first else run, _bare_parse(path), bench.reps(3, 1), warm_up=not first)
            rows.append(
                Row(
                    f"moderate {command}, 2,000 cases, {how}, a process (vs one that only tomllib.loads)",
                    ours,
                    bare,
                    "≤ 0.6× tomllib",
                    limit=0.6,
                )
            )
    return rows


# ---------------------------------------------------------------- start-up and memory


def bench_start(bench: Bench) -> list[Row]:
    say("  start to settled first screen, bare app")
    start_app(bench, ["bare"]).close()  # a warm-up: bytecode caches written
    bare_runs = []
    for _ in range(bench.reps(3, 1)):
        app = start_app(bench, ["bare"])
        bare_runs.append((app.settled, *app.term.memory()))
        app.close()
    bench.bare_rss = statistics.median(r for _, r, _ in bare_runs)
    rows = [Row("bare app (one Static): start → settled first screen", Stat([t for t, _, _ in bare_runs]), None)]
    for n, reps in ((30, bench.reps(3, 1)), (2000, bench.reps(3, 1)), (10000, bench.reps(2, 1))):
        path = bench.file(n)
        if n == 30:
            start_app(bench, ["moderate", str(path)]).close()  # a warm-up: bytecode caches written
        for first, how in ((True, "first opening"), (False, "opened again, cached")):
            say(f"  start to settled first screen, {n:,} cases, {how}")
            runs: list[tuple[float, int, int]] = []
            bare_parse: list[float] = []

            def ours(path: Path = path, runs: list = runs) -> None:
                app = start_app(bench, ["moderate", str(path)])
                runs.append((app.settled, *app.term.memory()))
                app.close()

            def bare_app(path: Path = path, settled: list = bare_parse) -> None:
                app = start_app(bench, ["bare", str(path)])
                settled.append(app.settled)
                app.close()

            _, floor, _ = in_turn([_uncached(ours) if first else ours, _bare_parse(path), bare_app], reps)
            goal = n >= 2000
            rows.append(
                Row(
                    f"moderate FILE, {n:,} cases, {how}: start → settled first screen (vs a tomllib parse of it)",
                    Stat([t for t, _, _ in runs]),
                    floor,
                    "≤ 1× tomllib" if goal else "(info)",
                    limit=1.0 if goal else None,
                )
            )
            rows.append(
                Row(
                    f"  moderate FILE, {n:,} cases, {how}, vs the bare app started after a compiled tomli parse of it",
                    Stat([t for t, _, _ in runs]),
                    Stat(bare_parse),
                    "≤ 1.2× bare app + tomli" if goal else "(info)",
                    limit=1.2 if goal else None,
                )
            )
            bench.memory[n, how] = [(rss, hwm) for _, rss, hwm in runs]
    return rows


def bench_memory(bench: Bench) -> list[Row]:
    rows = []
    for (n, how), runs in sorted(bench.memory.items()):
        if n < 2000:
            continue
        big = n == 10000
        rows += [
            Row(
                f"memory per case above the bare app (VmRSS), {n:,} cases, {how}",
                Stat([(rss - bench.bare_rss) / n for rss, _ in runs], "KB"),
                None,
                "≤ 4 KB" if big else "(info)",
                absolute=4 * KB if big else None,
            ),
            Row(
                f"  peak (VmHWM) per case above the bare app's VmRSS, {n:,} cases, {how}",
                Stat([(hwm - bench.bare_rss) / n for _, hwm in runs], "KB"),
                None,
            ),
        ]
    return rows + bench_gc(bench)


def bench_gc(bench: Bench) -> list[Row]:
    say("  garbage collection while typing, 10,000 cases")
    keys = [b" ", MOVES[0], b" ", MOVES[1]] * bench.reps(20, 10)
    path = bench.copy(10000)
    app = start_app(bench, ["moderate", str(path)])
    rows = []
    try:
        for after in ("", "after a merging save", "after a reload"):
            if after == "after a merging save":
                say("  garbage collection while typing, 10,000 cases, after a merging save")
                app.term.press(b" ")  # something unsaved, whatever the keys left
                another_save(path)
                app.term.read(1.5)  # the app notices another's save before ours
                app.term.write(b"\x13")  # ctrl+s: ours merged with theirs
                _wait_for(app.term, b"Saved")
            elif after:
                say("  garbage collection while typing, 10,000 cases, after a reload")
                app.term.press(b" ")
                app.term.write(b"\x13")  # ctrl+s: clean, so that another's save is reloaded
                _wait_for(app.term, b"Saved")
                another_save(path)
                _wait_for(app.term, b"Reloaded")
            app.term.settle(0.5)
            began = time.monotonic()
            for key in keys:
                app.term.write(key)
                app.term.read(0.08)
            app.term.settle(0.5)
            pauses = app.notes("gc", began, time.monotonic())
            longest = max((ms for _, ms in pauses), default=0.0) / 1e3
            full = sum(1 for generation, _ in pauses if generation == 2)
            rows.append(
                Row(
                    f"{'  ' if after else ''}longest GC pause while typing, 10,000 cases{', ' + after if after else ''} "
                    f"({len(keys)} keys; {len(pauses)} collections ≥ 1 ms, {full} of generation 2)",
                    Stat([longest]),
                    None,
                    "≤ 20 ms",
                    absolute=0.020,
                )
            )
        if bench.bare_rss:  # measured by bench_start
            rss, _ = app.term.memory()
            rows.append(
                Row(
                    "  memory per case above the bare app (VmRSS), 10,000 cases, after both",
                    Stat([(rss - bench.bare_rss) / 10000], "KB"),
                    None,
                )
            )
    finally:
        app.close()
    return rows


def bench_saves(bench: Bench) -> list[Row]:
    """Resident memory of the app after each of 8 merging saves, 2,000 cases: flat, as the same
    saves are without the app (they grew 3-4 MiB a save while a finished worker kept them)."""
    say("  memory over 8 merging saves, 2,000 cases")
    path = bench.copy(2000)
    app = start_app(bench, ["moderate", str(path)])
    after: list[float] = []
    try:
        for _ in range(8):
            app.term.press(b" ")  # ours
            another_save(path)  # theirs, another answer each time
            app.term.read(1.5)  # the app notices another's save before ours
            app.term.write(b"\x13")  # ctrl+s: ours merged with theirs
            _wait_for(app.term, b"Saved")
            app.term.settle(0.5)
            after.append(app.term.memory()[0])
    finally:
        app.close()
    return [
        Row(
            "memory (VmRSS) after 8 merging saves, 2,000 cases (vs after the first)",
            Stat([after[-1]], "MiB"),
            Stat([after[0]], "MiB"),
            "≤ 1.1× the first",
            limit=1.1,
        )
    ]


def _wait_for(term: PseudoTerminal, text: bytes, limit: float = 120.0) -> None:
    """Read until `text` has been written (it may come late: 10,000 cases are parsed and merged meanwhile)."""
    mark = len(term.output)
    end = time.monotonic() + limit
    while not term.shown(text, mark):
        if time.monotonic() > end:
            raise RuntimeError(f"{text!r} never appeared")
        term.read(0.1)


# ---------------------------------------------------------------- key presses


def bench_keys(bench: Bench) -> list[Row]:
    presses = bench.reps(40, 10)  # 30 or more: one row's swing between runs stays under 0.1×
    say("  key presses, bare app and moderate (30 cases), alternately")
    bare = start_app(bench, ["bare"])
    try:
        app = start_app(bench, ["moderate", str(bench.copy(30))])
    except BaseException:
        bare.close()
        raise
    figures: list[tuple[float, int, float, float]] = []  # the bare app's
    results: dict[str, tuple[Stat, Stat, Stat]] = {}
    try:
        bare.term.press(b" ")
        app.term.press(b" "), app.term.press(MOVES[0]), app.term.press(MOVES[1])
        for name, keys in (("toggle (space)", [b" "]), ("cursor move (↓, ↑)", list(MOVES))):
            runs = []
            for i in range(presses):  # the floor's key beside each of ours: a busy moment slows both
                figures.append(bare.term.press(b" "))
                runs.append(app.term.press(keys[i % len(keys)]))
            frames = [len(app.notes("display", sent, last + 0.001)) for _, _, sent, last in runs]
            results[name] = Stat([r[0] for r in runs]), Stat([r[1] for r in runs], "B"), Stat(frames, "")
    finally:
        app.close()
        bare.close()
    bare_time = Stat([f[0] for f in figures])
    bare_bytes = Stat([f[1] for f in figures], "B")
    rows = [Row("bare app: a key → settled screen", bare_time, None), Row("  bytes written", bare_bytes, None)]
    for name, (seconds, size, frames) in results.items():
        toggle = name.startswith("toggle")
        rows += [
            Row(f"{name} → settled screen, 30 cases (vs the bare app's key)", seconds, bare_time, "≤ 1.3× bare", limit=1.3),
            Row(
                "  bytes written (vs the bare app's key)",
                size,
                bare_bytes,
                "≤ 200 B" if toggle else "(info)",
                absolute=200 if toggle else None,
            ),
            Row("  frames painted", frames, None, "1", absolute=1),
        ]
    return rows


def bench_frozen(bench: Bench) -> list[Row]:
    rows = []
    for n in (2000, 10000, 50000) if bench.large else (2000, 10000):
        rows += _frozen(bench, n)
    return rows


def _frozen(bench: Bench, n: int) -> list[Row]:
    reps = bench.reps(2, 1)
    saving, reloading, idle = [], [], []
    for _ in range(reps):
        say(f"  keys during a merging save, {n:,} cases")
        path = bench.copy(n)
        app = start_app(bench, ["moderate", str(path)])
        try:
            app.term.press(b" ")
            idle.append(longest_key_delay(app.term, None, keys=60))  # the floor: as many moves, nothing else running
            another_save(path)
            app.term.read(1.5)  # the app notices (and says so) before we save
            app.term.settle(0.2)
            app.term.write(b"\x13")  # ctrl+s
            saving.append(longest_key_delay(app.term, b"Saved", limit=300))
        finally:
            app.close()
        say(f"  keys during a reload after another's save, {n:,} cases")
        path = bench.copy(n)
        app = start_app(bench, ["moderate", str(path)])
        try:
            reloading.append(longest_key_delay(app.term, b"Reloaded", limit=300, at=(0.3, lambda path=path: another_save(path))))
        finally:
            app.close()
    return [
        Row(
            f"longest key delay during a merging save, {n:,} cases ({saving[0][1]} keys)",
            Stat([s for s, _ in saving]),
            Stat([s for s, _ in idle]),
            "≤ 50 ms",
            absolute=0.050,
        ),
        Row(
            f"longest key delay during a reload after another's save, {n:,} cases ({reloading[0][1]} keys)",
            Stat([s for s, _ in reloading]),
            Stat([s for s, _ in idle]),
            "≤ 50 ms",
            absolute=0.050,
        ),
    ]


# ---------------------------------------------------------------- entry and import


async def _enter_blank(path: Path) -> float:
    """Key presses per answer, typing every key question of a blank inspection in the pilot."""
    from moderate.screens.app import ModerateApp
    from moderate.workspace import Opening

    app = ModerateApp(Opening.of(path, _user()), theme="textual-dark")
    pressed = answers = 0
    async with app.run_test(size=(120, 40)) as pilot:
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


def bench_entry(bench: Bench) -> list[Row]:
    say("  entering a blank 20-case inspection, pilot")
    blank = bench.work / "blank-20.toml"
    cli = [PYTHON, "-m", "moderate.cli"]
    subprocess.run(
        [*cli, "new", str(blank), "--framework", "hmip-youth-2021", "--cases", "court=10,oocd=10"],
        check=True,
        capture_output=True,
        env=_child_env(),
        cwd=REPO,
    )
    rows = [
        Row(
            "key presses per answer, blank 20-case inspection, pilot",
            Stat([asyncio.run(_enter_blank(blank))], "presses"),
            None,
            "≤ 1.1",
            absolute=1.1,
        )
    ]
    for cases, reps in ((2000, bench.reps(5, 2)), (10000, bench.reps(3, 1)), *(((50000, 1),) if bench.large else ())):
        rows += _import_rows(bench, cases, reps)
    return rows


# Runs a command and prints its peak memory. In between, as a child forked from this process
# (which holds the large inspections) is charged this process's resident memory too: Linux
# keeps a process's peak across the exec.
_PEAK = """import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))"""


def _peak(argv: list[str]) -> int:
    """Run a command as the CLI rows do (its output dropped); its own peak resident memory, in bytes."""
    ran = subprocess.run(
        [PYTHON, "-c", _PEAK, *argv], check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_child_env(), cwd=REPO
    )
    return int(ran.stdout.split()[-1]) * KB


def _import_rows(bench: Bench, cases: int, reps: int) -> list[Row]:
    """`moderate import` of the wide CSV of every answer into a copy with every answer cleared,
    beside `moderate check` of the full file; its peak memory beside the app's at its first screen."""
    say(f"  moderate import, {cases:,} cases")
    cli = [PYTHON, "-m", "moderate.cli"]
    table = bench.work / f"answers-{cases}.csv"
    answers = [*cli, "answers", str(bench.file(cases))]
    table.write_bytes(subprocess.run(answers, check=True, capture_output=True, env=_child_env(), cwd=REPO).stdout)
    inspection = load(bench.file(cases)).inspection
    cleared, target = bench.work / f"cleared-{cases}.toml", bench.work / f"import-{cases}.toml"
    save(cleared, replace(inspection, cases=tuple(replace(case, answers={}) for case in inspection.cases)))
    del inspection
    peaks: list[float] = []

    def imported() -> None:
        shutil.copyfile(cleared, target)  # every answer a first one again
        peaks.append(_peak([*cli, "import", str(target), str(table), "--as", "bench"]))

    def check() -> None:  # run the same way, so that both pay for the process in between
        _peak([*cli, "check", str(bench.file(cases))])

    if reps == 1:  # the largest, once: no warm-up of the import, the floor's cache made first
        check()
    ours, floor = side_by_side(imported, check, reps, warm_up=reps > 1)
    apps = []
    for _ in range(max(1, reps // 2)):
        app = start_app(bench, ["moderate", str(bench.file(cases))])
        apps.append(app.term.memory()[1])
        app.close()
    return [
        Row(f"moderate import of every answer, {cases:,} cases (vs moderate check)", ours, floor, "≤ 2× check", limit=2.0),
        Row(
            f"  peak memory of that import, {cases:,} cases (vs the app's VmHWM at its first screen)",
            Stat(peaks[-len(ours.values) :], "MiB"),
            Stat(apps, "MiB"),
            "≤ 1× the app's",
            limit=1.0,
        ),
    ]


# ---------------------------------------------------------------- save and recompute, in process


def bench_save(bench: Bench) -> list[Row]:
    say("  save, 2,000 cases")
    path = bench.file(2000)
    inspection = load(path).inspection
    with path.open("rb") as f:
        document = tomllib.load(f)
    target = bench.work / "saved-2000.toml"
    reps = bench.reps(3, 1)
    rows = []
    ours, bare = side_by_side(lambda: dumps(inspection), lambda: tomli_w.dumps(document), reps)
    rows.append(Row("writing.dumps, 2,000 cases (vs tomli_w.dumps)", ours, bare, "≤ 2× tomli_w", limit=2.0))
    ours, bare = side_by_side(lambda: save(target, inspection), lambda: tomli_w.dumps(document), reps)
    rows.append(
        Row("storage.save (+ fsync'd atomic write), 2,000 cases (vs tomli_w.dumps)", ours, bare, "≤ 2× tomli_w", limit=2.0)
    )
    return rows


def bench_merging(bench: Bench) -> list[Row]:
    rows = []
    for n in (10000, 50000) if bench.large else (10000,):
        say(f"  merging save and clean save, {n:,} cases, alternately")
        path = bench.copy(n)
        loaded = load(path)
        session = Session(loaded.inspection, loaded.framework, "bench")
        case, question = loaded.inspection.cases[0].id, next(iter(loaded.inspection.cases[0].answers))
        session.set_answer(case, question, Answer.NO if session.answer(case, question) != Answer.NO else Answer.YES)
        ours = session.snapshot()

        def saved() -> object:  # in a thread, as the app saves: off the main thread the parsers differ
            worker = threading.Thread(target=save_merging, args=(path, loaded.text, ours), kwargs={"base": loaded.inspection})
            worker.start()
            worker.join()
            return None

        def fresh(merging: bool) -> None:
            write_text(path, loaded.text)  # the file as ours was read
            if merging:
                another_save(path)  # theirs: another answer

        merged, clean = [], []
        for i in range(bench.reps(3, 1) + 1):  # the first of each a warm-up
            for merging in (True, False) if i % 2 else (False, True):
                fresh(merging)
                took = _time(saved)
                if i:
                    (merged if merging else clean).append(took)
        rows.append(
            Row(
                f"merging save (another's save merged in), {n:,} cases (vs a clean save)",
                Stat(merged),
                Stat(clean),
                "≤ 2× a clean save",
                limit=2.0,
            )
        )
        kept = [float(resident(pid)) for pid in children(os.getpid(), b"moderate.apart")]
        rows.append(
            Row(
                f"  the merge process kept waiting after those saves, VmRSS, {n:,} cases (vs this process's)",
                Stat(kept, "MiB") if kept else None,
                Stat([float(resident(os.getpid()))], "MiB"),
            )
        )
    return rows


def _pick_cell(session: Session) -> tuple[str, str]:
    """A case's key question in the standard the panel decided on (the most work to re-rate)."""
    standard = next((session.standards[d.standard] for d in session.discretion), None)
    if standard is None:
        standard = next(s for s in session.standards.values() if s.is_case_based)
    case = [c for c in session.cases.values() if c.sample == standard.sample]
    return case[len(case) // 2].id, standard.key_questions[0].id


def bench_recompute(bench: Bench) -> list[Row]:
    changes, reps = bench.reps(1000, 300), bench.reps(3, 2)
    cycle = [Answer.YES, Answer.NO, Answer.NA, None]
    results: dict[int, tuple[Stat, Stat]] = {}
    for n in (30, 2000):
        say(f"  recompute, {n:,} cases")
        loaded = load(bench.file(n))
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
        full = [_time(lambda: rate_inspection(loaded.inspection, loaded.framework)) for _ in range(3)]
        results[n] = (Stat(per_change[1:]), Stat(full))
    flat = results[2000][0].median / results[30][0].median
    rows = []
    for n, (ours, floor) in results.items():
        big = n == 2000
        rows.append(
            Row(
                f"one answer changed → ratings recomputed, {n:,} cases (vs rate_inspection from scratch)",
                ours,
                floor,
                f"< 50 µs, flat (2000/30 = {flat:.2f}×)" if big else "flat in cases",
                absolute=50e-6 if big else None,
                extra_ok=flat <= 1.5 if big else None,
            )
        )
    return rows


# ---------------------------------------------------------------- main

SECTIONS: list[tuple[str, Callable[[Bench], list[Row]]]] = [
    ("Parse and load", bench_parse),
    ("Start (pty 80×24)", bench_start),
    ("A key press (pty 80×24, TERM=xterm-256color, no COLORTERM)", bench_keys),
    ("Never frozen (pty 80×24)", bench_frozen),
    ("Entry and import", bench_entry),
    ("Memory", bench_memory),
    ("", bench_saves),
    ("Save and recompute (in process)", bench_save),
    ("", bench_merging),
    ("", bench_recompute),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark moderate against its floors.")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a rough look, about a minute)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where to keep the generated inspections (default: a temporary directory); bench/data/ is git-ignored",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--large", action="store_true", help="the rows at 50,000 cases too (import, merging save, never frozen: several minutes)"
    )
    parser.add_argument(
        "--only",
        metavar="NAME",
        help="run only the sections whose function's name contains a NAME "
        "(comma-separated: parse, start, keys, frozen, entry, memory, "
        "saves, save, merging, recompute; memory per case needs start)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="moderate-bench-") as temporary:
        work = Path(temporary)
        data = args.data_dir or work
        data.mkdir(parents=True, exist_ok=True)
        bench = Bench(args.quick, work, data, args.seed, args.large)
        sections = []
        for title, measure in SECTIONS:
            if args.only and not any(name in measure.__name__ for name in args.only.split(",")):
                continue
            say(f"{title or 'more'} ...")
            sections.append((title, measure(bench)))

    import textual

    print(
        f"moderate benchmark{' (--quick)' if args.quick else ''}{' (--large)' if args.large else ''}: "
        f"Python {platform.python_version()}, "
        f"Textual {textual.__version__}, {platform.machine()} × {os.cpu_count()} CPUs, {platform.system()}; "
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"inspections from tools/generate_inspection.py (seed {args.seed})"
    )
    print("ours and floor: median (min–max) over the repetitions, measured side by side; ratio = ours/floor")
    table = []
    for title, rows in sections:
        if title:
            table.append([f"— {title} —", "", "", "", "", ""])
        table += [row.cells() for row in rows]
    tabulate.PRESERVE_WHITESPACE = True  # indented rows belong to the row above
    print(tabulate.tabulate(table, headers=["measure", "ours", "floor", "ratio", "target", "met"], tablefmt="simple"))
    missed = [row.measure.strip() for _, rows in sections for row in rows if row.met == "MISSED"]
    print(f"\n{len(missed)} target(s) missed" + (":\n  " + "\n  ".join(missed) if missed else ""))
    print(f"(run took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
