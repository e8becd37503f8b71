"""A soak: several moderators at once on one inspection file, for a bounded time, then a check
that nothing they saved or journaled was lost, no version of the file was torn, and the
moderation log only ever grew.

    python tools/soak.py --seconds 60 --seed 1            # about as CI runs it (tests/test_soak.py)
    python tools/soak.py --seconds 3600 --seed 7 --keep /tmp/soak-hour

Each moderator is the real app (`moderate FILE`) in a terminal of its own (tmux, 80×24),
driven by its keys. Run as root (as here and in CI), each is a Unix user of its own
(`soak-ann`, `soak-ben`, ..., made with useradd if missing, in the group `moderate-soak`)
and the file lives in a group directory with setgid, as on a shared server; run as anyone
else, they are `--as` names of that user. Their changes never touch one another's cases
(each moderator owns some cases, and its imports others), so that every save merges others'
work but none conflicts, and what each cell should hold at the end is known.

The moderators, chosen at random (`--seed`), for `--seconds` or `--operations`:
answer (go to one of their cells with `g`, press y, n, a or x for an answer it does not
hold), undo and redo (`u`, ctrl+r, while they have unsaved work), save (ctrl+s; sometimes
answering on while it saves, sometimes two moderators at once), `moderate import` of a
table of their import cells (as NAME-csv, sometimes killed), `kill -9` (sometimes in the
middle of a save) and SIGHUP of the app, and the app started again, restoring what its
journal kept. The first operations go through every kind once; the rest are random. At
the end every app is started if it was down (restoring), saved and quit.

What is checked, exactly:

- Lost. The soak reads each moderator's journal (`.FILE.NAME.UID.journal`) after every
  operation, the app's record of each command before it returns, and so knows every change
  that was journaled; it waits for each key's record before the next operation (a key that
  never gets one is counted as `unjournaled`). A record it did not expect (a change from a
  value other than the cell held, an undo of something else) is `out of step`. An import
  counts once it exits 0, or, killed, once its entries (its own `reason`) are in the file.
  After the end, each cell holds what its owner last gave it; a cell that does not is lost.
- Torn. Every version of the file (each text the soak saw at the file's path after an
  operation, and each text a save left in its writer's journal) is read as `moderate`
  reads a file; every journal a killed app left is read as a restore reads it. One that
  does not read, or loses lines, is torn.
- Log mismatches. V0, V1, ... are the versions in the order written (the soak works one
  moderator at a time, and a save writes once, so it sees each; when two save at once the
  earlier is in its writer's journal). For each Vi: the [[moderation]] entries of V(i-1),
  each compared whole, are a subsequence of Vi's (none changed, reordered or dropped: a
  prefix, unless a merge placed others' entries among them); every entry of Vi not among
  them is by Vi's writer (the moderator whose save or import wrote it: its own changes,
  appended); and Vi keeps the log's invariant (`trail.breaks`: for every answer with
  entries, the last says what it holds). Each pair or version that does not is a mismatch.

It prints its figures (operations, saves, kills, hangups, restores, imports, versions; lost,
torn, log mismatches, out of step, unjournaled) and exits 1 if any of the last five is not 0.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import grp
import json
import os
import pwd
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generate_inspection import generate  # noqa: E402

from moderate.journal import pending  # noqa: E402
from moderate.reading import InspectionError, parse_text  # noqa: E402
from moderate.storage import save  # noqa: E402
from moderate.trail import breaks  # noqa: E402

NAMES = ("ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal")
GROUP = "moderate-soak"
KEYS = {"yes": "y", "no": "n", "n/a": "a", None: "x"}  # the key that gives each answer
WAIT = 60.0  # seconds for the app to do what a key asks, however loaded the machine
Cell = tuple[str, str]  # (case, question)
Value = str | None  # an answer as the journal writes it: "yes", "no", "n/a" or None


# ---------------------------------------------------------------- who the moderators are


@dataclass(frozen=True)
class Python:
    """An interpreter that runs moderate: `path`, given `packages` (a PYTHONPATH) if they are not its own."""

    path: str
    packages: str | None = None


@dataclass
class Person:
    """A moderator on this machine: a Unix user of its own (as root), else an `--as` name."""

    name: str  # as the moderation log says it
    uid: int
    gid: int  # their own group
    group: int  # the shared one's
    home: Path
    unix: bool

    def command(self, python: Python, *args: str) -> list[str]:
        """`python args` run as this person, in an environment of their own."""
        env = {
            "HOME": str(self.home),
            "USER": self.name,
            "LOGNAME": self.name,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CACHE_HOME": str(self.home / "cache"),
        }
        if python.packages is not None:
            env["PYTHONPATH"] = python.packages
        user = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", "--"] if self.unix else []
        return [*user, "env", "-i", *(f"{k}={v}" for k, v in env.items()), python.path, *args]

    @contextlib.contextmanager
    def acting(self) -> Iterator[None]:
        """This process as the person (effective ids), to read their journal as a restore does."""
        if not self.unix:
            yield
            return
        os.setegid(self.group)
        os.seteuid(self.uid)
        try:
            yield
        finally:
            os.seteuid(0)
            os.setegid(0)


def _people(count: int, work: Path) -> list[Person]:
    homes = work / "home"
    homes.mkdir()
    closed = [p for p in work.parents if os.geteuid() == 0 and not os.stat(p).st_mode & 0o001]
    if closed:
        raise SystemExit(f"soak: {closed[0]} is closed to other users, who could not reach the file: use another --keep")
    if os.geteuid() != 0:
        people = [Person(n, os.getuid(), os.getgid(), os.getgid(), homes / n, False) for n in NAMES[:count]]
        for person in people:
            person.home.mkdir(mode=0o700)
        return people
    if not _exists(grp.getgrnam, GROUP):
        subprocess.run(["groupadd", GROUP], check=True)
    gid = grp.getgrnam(GROUP).gr_gid
    people = []
    for name in NAMES[:count]:
        user = f"soak-{name}"
        if not _exists(pwd.getpwnam, user):
            subprocess.run(
                ["useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "-G", GROUP, user],
                check=True,
            )
        elif gid not in os.getgrouplist(user, pwd.getpwnam(user).pw_gid):
            subprocess.run(["usermod", "-a", "-G", GROUP, user], check=True)
        entry = pwd.getpwnam(user)
        home = homes / name
        home.mkdir(mode=0o700)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        people.append(Person(user, entry.pw_uid, entry.pw_gid, gid, home, True))
    return people


def _exists(look_up: Callable[[str], object], name: str) -> bool:
    try:
        look_up(name)
        return True
    except KeyError:
        return False


def _python(person: Person) -> Python:
    """How `person` runs this Python with moderate: this interpreter if they may, else the
    system's python3 of the same version with this one's packages on its path (a Python under
    root's home cannot be run by anyone else)."""
    packages = os.pathsep.join(dict.fromkeys([str(REPO), *(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))]))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin") or version
    for python in (Python(sys.executable), Python(system, packages)):
        probe = person.command(python, "-c", "import moderate.cli, textual")
        if subprocess.run(probe, capture_output=True, cwd="/").returncode == 0:
            return python
    raise SystemExit(f"soak: {person.name} cannot run {sys.executable} nor a system {version} with its packages")


# ---------------------------------------------------------------- the terminals


class Terminals:
    """One tmux server of the soak's own: a window, 80×24, for each moderator's app."""

    def __init__(self, socket: Path) -> None:
        if shutil.which("tmux") is None:
            raise SystemExit("soak: tmux is needed (apt-get install tmux)")
        self.socket = str(socket)
        self.tmux("new-session", "-d", "-s", "soak", "-x", "80", "-y", "24", "-n", "idle", "sleep 100000")
        self.tmux("set-option", "-g", "remain-on-exit", "on")

    def tmux(self, *args: str) -> str:
        env = {**os.environ, "LANG": "C.UTF-8"}
        done = subprocess.run(["tmux", "-u", "-S", self.socket, *args], capture_output=True, text=True, env=env)
        return done.stdout

    def start(self, window: str, command: list[str], first: bool) -> None:
        line = "exec " + shlex.join(command)
        if first:
            self.tmux("new-window", "-d", "-t", "soak", "-n", window, line)
        else:
            self.tmux("respawn-window", "-k", "-t", f"soak:{window}", line)

    def screen(self, window: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", f"soak:{window}")

    def pid(self, window: str) -> int | None:
        """The app's process, None once it has ended."""
        found = self.tmux("display-message", "-p", "-t", f"soak:{window}", "#{pane_pid} #{pane_dead}").split()
        return int(found[0]) if len(found) == 2 and found[1] == "0" else None

    def ended(self, window: str) -> bool:
        return self.pid(window) is None

    def keys(self, window: str, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", f"soak:{window}", *(["-l"] if literal else []), *keys)

    def close(self) -> None:
        self.tmux("kill-server")


def wait_for(test: Callable[[], Any], seconds: float = WAIT) -> Any:
    """`test()`'s first true result within `seconds` (polled), else None."""
    deadline = time.monotonic() + seconds
    while True:
        found = test()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.03)


# ---------------------------------------------------------------- what the soak knows


@dataclass
class Journal:
    """What the soak has read of one moderator's journal: the file (inode) and how many of its
    records it has taken, and the undo and redo stacks the records leave."""

    inode: int = 0
    taken: int = 0
    undo: int = 0
    redo: int = 0
    dirty: bool = False  # commands in it since its base: unsaved work
    base: str = ""


@dataclass
class Moderator:
    person: Person
    window: str
    cells: list[Cell]  # the app's
    imports: list[Cell]  # its imports'
    journal: Journal = field(default_factory=Journal)
    seen: list[dict[str, Any]] = field(default_factory=list)  # every command record taken, in order
    started: bool = False

    @property
    def name(self) -> str:
        return self.person.name


@dataclass
class Figures:
    operations: int = 0
    saves: int = 0
    kills: int = 0
    hangups: int = 0
    restores: int = 0
    imports: int = 0
    versions: int = 0
    lost: int = 0
    torn: int = 0
    log_mismatches: int = 0
    out_of_step: int = 0
    unjournaled: int = 0

    def failed(self) -> bool:
        return any((self.lost, self.torn, self.log_mismatches, self.out_of_step, self.unjournaled))

    def lines(self) -> list[str]:
        return [f"{name.replace('_', ' ')}: {value}" for name, value in vars(self).items()]


def _commands(data: bytes) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """A journal's header and its records, as far as whole lines go."""
    lines = []
    for line in data.split(b"\n")[:-1]:  # the last, if not ended, is still being written
        try:
            lines.append(json.loads(line))
        except ValueError:
            break
    return (lines[0], lines[1:]) if lines else (None, [])


def _first_found(screen: str) -> str | None:
    """What was typed into the go-to dialog, once the first thing it lists is that (else None)."""
    lines = screen.split("\n")
    at = next((i for i, line in enumerate(lines) if "🔎" in line), None)
    if at is None:
        return None
    typed = lines[at].split("🔎", 1)[1].strip()
    listed = [line.split()[0] for line in lines[at + 1 :] if line.strip()]
    return typed if listed and listed[0] == typed else None


def _value(answers: Any, question: str) -> Value:
    answer = answers.get(question)
    return None if answer is None else answer.value


# ---------------------------------------------------------------- the soak


class Soak:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.work = work
        self.figures = Figures()
        shared = work / "shared"
        shared.mkdir()
        self.people = _people(args.moderators, work)
        self.file = shared / "inspection.toml"
        inspection = generate(args.cases, args.seed)
        save(self.file, inspection)
        if os.geteuid() == 0:
            os.chmod(work, 0o755)
            os.chown(shared, 0, self.people[0].group)
            os.chmod(shared, 0o2770)
            os.chown(self.file, 0, self.people[0].group)
            os.chmod(self.file, 0o660)
        (work / "tables").mkdir(mode=0o755)
        self.python = _python(self.people[0])
        self.terminals = Terminals(work / "tmux.sock")
        self.versions: list[tuple[str, str | None]] = [(self.file.read_text(encoding="utf-8"), None)]
        self.expected: dict[Cell, Value] = {}
        self.moderators = self._share_out(inspection)
        self.tables = 0

    def _share_out(self, inspection: Any) -> list[Moderator]:
        """Each moderator's cases (every 2n-th, from its place), and its imports' (the next)."""
        questions: dict[str | None, list[str]] = {s.sample: [] for s in inspection.standards}
        for standard in inspection.standards:
            questions[standard.sample] += [kq.id for kq in standard.key_questions if not kq.judgement]
        count = len(self.people)
        moderators = []
        for place, person in enumerate(self.people):
            own: list[list[Cell]] = [[], []]
            for index, case in enumerate(inspection.cases):
                if index % (2 * count) in (2 * place, 2 * place + 1):
                    side = own[index % (2 * count) - 2 * place]
                    for question in questions.get(case.sample, []):
                        side.append((case.id, question))
                        self.expected[(case.id, question)] = _value(case.answers, question)
            moderators.append(Moderator(person, person.name.removeprefix("soak-"), own[0], own[1]))
        return moderators

    # ------------------------------------------------------------ looking

    def problem(self, text: str) -> None:
        print(f"  ! {text}", flush=True)

    def observe(self, writer: str | None) -> None:
        """The file as it is now: a new version, if it changed, written by `writer`."""
        text = self.file.read_text(encoding="utf-8")
        if text != self.versions[-1][0]:
            self.versions.append((text, writer))

    def read_journal(self, moderator: Moderator) -> Journal:
        """Take the records the moderator's journal holds that the soak has not yet seen."""
        try:
            path = next(self.file.parent.glob(f".{self.file.name}.{moderator.name}.*.journal"))
            inode = path.stat().st_ino
            data = path.read_bytes()
        except (StopIteration, OSError):
            return moderator.journal
        header, records = _commands(data)
        journal = moderator.journal
        if header is None:
            return journal
        commands = [r for r in records if r.get("do") not in ("history", "saving")]
        if inode != journal.inode:  # started afresh: a save, a reload, a restore; it carries some over
            journal.inode, journal.base = inode, str(header.get("base", ""))
            carried = next(
                k for k in range(min(len(commands), len(moderator.seen)), -1, -1) if k == 0 or commands[:k] == moderator.seen[-k:]
            )
            journal.undo = journal.redo = 0
            for record in records:
                if record.get("do") == "history":
                    journal.undo, journal.redo = len(record["undo"]), len(record["redo"])
            for record in commands[:carried]:
                self._stack(journal, record)
            new = commands[carried:]
        else:
            new = commands[journal.taken :]
        journal.taken = len(commands)
        journal.dirty = bool(commands)
        for record in new:
            self._apply(moderator, record)
        return journal

    def _stack(self, journal: Journal, record: dict[str, Any]) -> None:
        do = record.get("do")
        if do == "answer":
            journal.undo, journal.redo = journal.undo + 1, 0
        elif do == "undo":
            journal.undo, journal.redo = journal.undo - 1, journal.redo + 1
        elif do == "redo":
            journal.undo, journal.redo = journal.undo + 1, journal.redo - 1

    def _apply(self, moderator: Moderator, record: dict[str, Any]) -> None:
        """A command the moderator's app journaled: what its cell now holds."""
        moderator.seen.append(record)
        self._stack(moderator.journal, record)
        do, cell = record.get("do"), (str(record.get("case")), str(record.get("question")))
        was, now = (record.get("new"), record.get("old")) if do == "undo" else (record.get("old"), record.get("new"))
        if do not in ("answer", "undo", "redo") or cell not in moderator.cells:
            self.figures.out_of_step += 1
            self.problem(f"{moderator.name}'s journal holds a command the soak never gave: {record}")
            return
        if self.expected[cell] != was:
            self.figures.out_of_step += 1
            self.problem(f"{moderator.name}: {cell} held {self.expected[cell]!r}, the journal says {was!r}: {record}")
        self.expected[cell] = now

    def settled(self, moderator: Moderator, records: int) -> bool:
        """Wait until the moderator's journal has `records` more commands than it had."""
        before = len(moderator.seen)
        if wait_for(lambda: self.read_journal(moderator) and len(moderator.seen) >= before + records):
            return True
        self.figures.unjournaled += 1
        self.problem(f"{moderator.name}: a change never reached the journal:\n{self.terminals.screen(moderator.window)}")
        return False

    # ------------------------------------------------------------ the app

    def start(self, moderator: Moderator) -> None:
        """Start the app (restoring what its journal kept, if it asks)."""
        command = moderator.person.command(self.python, "-m", "moderate.cli", str(self.file))
        if not moderator.person.unix:
            command += ["--as", moderator.name]
        self.terminals.start(moderator.window, command, first=not moderator.started)
        moderator.started = True
        shown = wait_for(lambda: self._first_screen(moderator))
        if shown == "restore":
            self.terminals.keys(moderator.window, "r")
            self.figures.restores += 1
            shown = wait_for(lambda: self._first_screen(moderator) == "grid")
        if not shown:
            self.problem(f"{moderator.name}'s app never showed its screen:\n{self.terminals.screen(moderator.window)}")
        self.read_journal(moderator)

    def _first_screen(self, moderator: Moderator) -> str | None:
        screen = self.terminals.screen(moderator.window)
        if "Unsaved work from an earlier session" in screen:
            return "restore"
        return "grid" if "^s Save" in screen and " · " in screen else None

    def go_to(self, moderator: Moderator, case: str, question: str) -> bool:
        """Put the cursor on a cell through `g` (the case, then its question), as often as it
        takes (three times at most); False if the screen never said it was there."""
        window = moderator.window

        def shown(target: str) -> bool:  # in the lines beneath the grid: "C011 · ...", "! 2.1.1 answered ..."
            screen = self.terminals.screen(window)
            return "🔎" not in screen and re.search(rf"^ (?:! )?{re.escape(target)} ", screen, re.MULTILINE) is not None

        for _ in range(3):
            for target in (case, question):
                if shown(target) and (target == question or shown(question)):
                    continue  # there already (a case's column keeps the row)
                self.terminals.keys(window, "g")
                if not wait_for(lambda: "🔎 Go to a case" in self.terminals.screen(window), 20):
                    return False
                self.terminals.keys(window, target, literal=True)
                if not wait_for(partial(lambda t: _first_found(self.terminals.screen(window)) == t, target), 20):
                    return False
                self.terminals.keys(window, "Enter")
                wait_for(partial(shown, target), 10)
            if wait_for(lambda: shown(case) and shown(question), 1):
                return True
        return False

    def answer(self, moderator: Moderator) -> None:
        case, question = self.rng.choice(moderator.cells)
        value = self.rng.choice([v for v in KEYS if v != self.expected[(case, question)]])
        if not self.go_to(moderator, case, question):
            self.problem(f"{moderator.name}: could not go to {case} {question}:\n{self.terminals.screen(moderator.window)}")
            self.terminals.keys(moderator.window, "Escape")
            return
        self.terminals.keys(moderator.window, KEYS[value])
        self.settled(moderator, 1)

    def step(self, moderator: Moderator, back: bool) -> None:
        """Undo (or redo), when the moderator's journal says there is one to take."""
        self.read_journal(moderator)
        if not moderator.journal.dirty or not (moderator.journal.undo if back else moderator.journal.redo):
            self.answer(moderator)  # nothing to take back: an answer instead
            return
        self.terminals.keys(moderator.window, "u" if back else "C-r")
        self.settled(moderator, 1)

    def save(self, moderator: Moderator, then: Callable[[], None] | None = None) -> bool:
        """ctrl+s, and wait until the save is done (its journal started afresh); `then` is done
        meanwhile. False if there was nothing to save."""
        self.read_journal(moderator)
        if not moderator.journal.dirty:
            return False
        before = moderator.journal.inode
        self.terminals.keys(moderator.window, "C-s")
        if then is not None:
            then()
        if not wait_for(lambda: self.read_journal(moderator).inode != before):
            self.problem(f"{moderator.name}'s save never finished:\n{self.terminals.screen(moderator.window)}")
            return False
        self.figures.saves += 1
        return True

    def stop(self, moderator: Moderator, number: int, after: float = 0.0) -> None:
        """Send a signal, and wait until the app has ended; then take what its journal kept."""
        pid = self.terminals.pid(moderator.window)
        if pid is None:
            return
        time.sleep(after)
        os.kill(pid, number)
        if number == signal.SIGKILL:
            self.figures.kills += 1
        else:
            self.figures.hangups += 1
        if not wait_for(partial(self.terminals.ended, moderator.window), 30):
            self.problem(f"{moderator.name}'s app did not end on signal {number}")
            os.kill(pid, signal.SIGKILL)
            wait_for(partial(self.terminals.ended, moderator.window), 30)
        self.observe(moderator.name)
        self.read_journal(moderator)
        self.check_journal(moderator)

    def check_journal(self, moderator: Moderator) -> None:
        """What a restore would find reads whole."""
        with moderator.person.acting():
            try:
                found = pending(self.file, moderator.name)
            except InspectionError as refused:
                self.figures.torn += 1
                self.problem(f"{moderator.name}'s journal does not read: {refused}")
                return
        if found is not None and found.dropped:
            self.figures.torn += 1
            self.problem(f"{moderator.name}'s journal lost {found.dropped} line(s) cut short")

    # ------------------------------------------------------------ imports

    def import_table(self, moderator: Moderator, kill: bool) -> None:
        """`moderate import` of a table of the moderator's import cells, as NAME-csv."""
        self.tables += 1
        reason = f"soak import {self.tables}"
        given = {cell: self.rng.choice(["yes", "no", "n/a"]) for cell in moderator.imports}
        table = self.work / "tables" / f"{self.tables}.csv"
        with table.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["case", "question", "answer"])
            writer.writerows([case, question, answer] for (case, question), answer in given.items())
        table.chmod(0o644)
        who = f"{moderator.name}-csv"
        command = moderator.person.command(
            self.python, "-m", "moderate.cli", "import", str(self.file), str(table), "--as", who, "--reason", reason
        )
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd="/")
        if kill:
            time.sleep(self.rng.uniform(0, 0.8))
            process.kill()
            self.figures.kills += 1
        said = process.communicate(timeout=120)[0].decode("utf-8", "replace")
        self.observe(who)
        text = self.file.read_text(encoding="utf-8")
        landed = process.returncode == 0 or reason in text
        if process.returncode not in (0, -signal.SIGKILL):
            self.problem(f"moderate import by {who} ended {process.returncode}: {said.strip()}")
        if landed:
            self.figures.imports += 1
            self.expected.update(given)

    # ------------------------------------------------------------ the run

    def operations(self) -> Iterator[tuple[str, Moderator]]:
        """Every kind once, for each moderator in turn; then at random."""
        tour = ["answer", "answer", "save", "answer", "kill", "answer", "hangup", "import", "answer", "kill-saving"]
        tour += ["answer", "answer-saving", "import-killed", "undo", "redo", "two-saves"]
        for i, kind in enumerate(tour):
            yield kind, self.moderators[i % len(self.moderators)]
        kinds = {
            "answer": 50,
            "undo": 8,
            "redo": 4,
            "save": 12,
            "answer-saving": 4,
            "two-saves": 2,
            "kill": 4,
            "kill-saving": 4,
            "hangup": 4,
            "import": 6,
            "import-killed": 2,
        }
        while True:
            yield self.rng.choices(list(kinds), list(kinds.values()))[0], self.rng.choice(self.moderators)

    def run(self) -> None:
        deadline = time.monotonic() + self.args.seconds
        for moderator in self.moderators:
            self.start(moderator)
        for kind, moderator in self.operations():
            if time.monotonic() > deadline or self.figures.operations >= self.args.operations:
                break
            if self.terminals.ended(moderator.window) and not kind.startswith("import"):
                self.start(moderator)
            self.figures.operations += 1
            self.do(kind, moderator)

    def do(self, kind: str, moderator: Moderator) -> None:
        if kind == "answer":
            self.answer(moderator)
        elif kind in ("undo", "redo"):
            self.step(moderator, back=kind == "undo")
        elif kind == "save":
            if self.save(moderator):
                self.observe(moderator.name)
        elif kind == "answer-saving":
            self.answer(moderator)
            if self.save(moderator, then=lambda: self.answer(moderator)):
                self.observe(moderator.name)
        elif kind == "two-saves":
            self.two_saves(moderator)
        elif kind == "kill":
            self.stop(moderator, signal.SIGKILL)
        elif kind == "kill-saving":
            self.answer(moderator)
            self.terminals.keys(moderator.window, "C-s")
            self.stop(moderator, signal.SIGKILL, after=self.rng.uniform(0, 0.3))
        elif kind == "hangup":
            self.stop(moderator, signal.SIGHUP)
        elif kind.startswith("import"):
            self.import_table(moderator, kill=kind == "import-killed")

    def two_saves(self, first: Moderator) -> None:
        """Two moderators' saves at once: both wait on the lock in turn, the second merges."""
        second = self.rng.choice([m for m in self.moderators if m is not first])
        for moderator in (first, second):
            if self.terminals.ended(moderator.window):
                self.start(moderator)
            self.answer(moderator)
        before = {m.name: m.journal.inode for m in (first, second)}
        for moderator in (first, second):
            self.terminals.keys(moderator.window, "C-s")
        for moderator in (first, second):
            if wait_for(partial(lambda m: self.read_journal(m).inode != before[m.name], moderator)):
                self.figures.saves += 1
        written = {m.name: m.journal.base for m in (first, second)}
        last = self.file.read_text(encoding="utf-8")
        seen = {text for text, _ in self.versions}
        for name, text in written.items():
            if text != last and text not in seen:  # the first of the two, overwritten by the second
                self.versions.append((text, name))
        self.observe(next((n for n, t in written.items() if t == last), None))

    def finish(self) -> None:
        """Every app started if down (restoring), saved until it has nothing unsaved, and quit."""
        for moderator in self.moderators:
            if self.terminals.ended(moderator.window):
                self.start(moderator)
            for _ in range(3):
                if not self.save(moderator):
                    break
                self.observe(moderator.name)
            self.terminals.keys(moderator.window, "q")
            if not wait_for(partial(self.terminals.ended, moderator.window)):
                self.problem(f"{moderator.name}'s app did not quit:\n{self.terminals.screen(moderator.window)}")
                self.stop(moderator, signal.SIGKILL)
            with moderator.person.acting():
                left = pending(self.file, moderator.name)
            if left is not None:
                self.figures.lost += 1
                self.problem(f"{moderator.name} quit leaving unsaved work: {left.summary}")
        self.observe(None)

    # ------------------------------------------------------------ the checks

    def check(self) -> None:
        self.figures.versions = len(self.versions) - 1
        previous = None
        for number, (text, writer) in enumerate(self.versions):
            try:
                inspection = parse_text(text, f"version {number}").inspection
            except InspectionError as refused:
                self.figures.torn += 1
                self.problem(f"version {number} (by {writer}) does not read: {refused}")
                continue
            for broken in breaks(inspection):
                self.figures.log_mismatches += 1
                self.problem(
                    f"version {number} (by {writer}): the log's last entry for {broken.about} "
                    f"says {broken.last.to!r}, the file {broken.held!r}"
                )
            if previous is not None:
                self.chain(previous, inspection.moderation, writer, number)
            previous = inspection.moderation
        final = parse_text(self.versions[-1][0]).inspection
        for (case, question), value in self.expected.items():
            held = _value(final.case(case).answers, question)
            if held != value:
                self.figures.lost += 1
                self.problem(f"{case} {question}: {value!r} was saved or journaled, the file holds {held!r}")

    def chain(self, before: tuple[Any, ...], after: tuple[Any, ...], writer: str | None, number: int) -> None:
        rest = iter(after)
        if not all(any(entry == later for later in rest) for entry in before):
            self.figures.log_mismatches += 1
            self.problem(f"version {number} (by {writer}) does not keep the log of the version before it in order")
            return
        kept = list(before)
        for entry in after:
            if kept and entry == kept[0]:
                kept.pop(0)
            elif entry.by != writer:
                self.figures.log_mismatches += 1
                self.problem(f"version {number} (by {writer}) adds an entry by {entry.by}: {entry}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the moderators work (default 60)")
    parser.add_argument("--operations", type=int, default=1_000_000, help="at most this many operations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--moderators", type=int, default=3, choices=range(2, len(NAMES) + 1))
    parser.add_argument("--cases", type=int, default=48, help="cases in the generated inspection (default 48)")
    parser.add_argument("--keep", type=Path, help="work in this new directory and leave it (default: a temporary one)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="moderate-soak-")) if args.keep is None else args.keep
    if args.keep is not None:
        work.mkdir(parents=True)
    started = time.monotonic()
    soak = Soak(args, work)
    try:
        soak.run()
        soak.finish()
    finally:
        soak.terminals.close()
    soak.check()
    print(f"soak: {len(soak.moderators)} moderators, seed {args.seed}, {time.monotonic() - started:.0f} s, in {work}")
    print("\n".join(soak.figures.lines()))
    if args.keep is None and not soak.figures.failed():
        shutil.rmtree(work, ignore_errors=True)
    return 1 if soak.figures.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
