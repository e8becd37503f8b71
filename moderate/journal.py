"""A journal beside the inspection file, so that no answer entered is lost to a crash.

`.NAME.USER.UID.journal` (owner-only; one per moderator, since several may have the file
open at once and merge their saves; the Unix uid as well as the name given with --as, so
that two accounts using one name never share a journal) starts with a header holding the file's text as the
session read it, and its sha256; then every command on the session is one JSON line,
handed to the kernel with os.write before the command returns. That survives the
process being killed (kill -9, the SIGHUP of a dropped SSH connection). Lines are not
fsynced one by one, which would cost a disk flush per keypress; `close` fsyncs (call it
on a clean exit and from the SIGHUP/SIGTERM handler), so only a crash of the machine
itself may lose the last few seconds.

After each save the journal starts afresh from the saved text (`rebase`); a clean quit
discards it. A journal found on opening (`pending`) holds what a crashed session did not
save: `Workspace.restore` replays it onto the text it was made on, so exactly, even if someone has
saved the file since (the next save merges); `Pending.discard` throws it away. A session
holds a lock on its journal, so that the same moderator opening the file twice is told,
not let in.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import itertools
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import guard, words
from .reading import MAX_BYTES, InspectionError, read_file
from .replay import Record, history, record_of
from .session import Done, Session
from .storage import sync_directory

VERSION = 1
MAX_JOURNAL = 4 * MAX_BYTES  # the file's text and a session's commands: refuse anything bigger unread
_SAVING = "saving"  # written just before a save, with the sha256 of the text being saved


def journal_path(path: str | Path, user: str) -> Path:
    path = Path(os.path.realpath(path))  # beside the file itself, whatever link it was opened through
    return path.with_name(f".{path.name}.{re.sub(r'[^A-Za-z0-9_.-]', '_', user)}.{os.geteuid()}.journal")


def text_sha256(text: str) -> str:
    """The sha256 of `text`'s UTF-8, as a journal's header and a save's mark (`saving`) hold it."""
    digest = hashlib.sha256()
    for piece in _encoded(text):
        digest.update(piece)
    return digest.hexdigest()


def _encoded(text: str) -> Iterator[bytes]:
    """`text` in UTF-8, a piece at a time: encoded whole, a large file's text held the GIL, and
    the screen's thread with it, for as long as the copy took."""
    for i in range(0, len(text), _PIECE):
        yield text[i : i + _PIECE].encode("utf-8")


def _line(record: Record) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _json_text(text: str) -> Iterator[bytes]:
    """`text` as a JSON string in UTF-8, encoded a piece at a time (as `_encoded`)."""
    yield b'"'
    for i in range(0, len(text), _PIECE):
        yield json.dumps(text[i : i + _PIECE], ensure_ascii=False)[1:-1].encode("utf-8")
    yield b'"'


_PIECE = 1 << 16


def _write(fd: int, data: bytes) -> None:
    while data:  # one write, in practice: a line reaches the file whole, or cut short by a crash
        data = data[os.write(fd, data) :]


class JournalInUse(Exception):
    """The file has a journal to deal with first: `pending` says what it holds."""

    def __init__(self, found: Pending):
        self.pending = found
        super().__init__(f"{found.target}: {found.summary}")


class Journal:
    """One moderator's journal of one file: the text the session was read from, then a line
    for each command on it, each in the kernel's hands before the command returns (`record`).

    Started afresh from the text a save wrote or another's save brought (`rebase`, or
    `prepare` in a thread then `adopt`); closed keeping the work (`close`) or removed (`discard`).
    Should a write fail, it stops whole (`failed`, `on_failure`) and the work goes on in memory.
    """

    def __init__(self, target: Path, user: str):
        self.target = Path(os.path.realpath(target))
        self.user = user
        self.path = journal_path(target, user)
        self._fd = -1
        self._written = 0  # bytes of whole lines in the journal
        # The records since the header, as written: a save running beside the session (in
        # another thread) takes the ones made meanwhile from here, to carry them over.
        self.records: list[Record] = []
        self.base = ""  # the text they were made on
        self._writing = threading.Lock()  # a save's mark, from its thread, and the session's records
        # Why the journal stopped (a full disk): the work since is in memory only, until a save.
        self.failed: OSError | None = None
        self.on_failure: Callable[[OSError], None] | None = None  # told as it stops, from the thread that wrote

    @classmethod
    def open(cls, path: str | Path, base_text: str, user: str, restoring: Pending | None = None) -> Journal:
        """Start `user`'s journal of `path`, whose text (`Loaded.text`) the session was built from.

        Refuses (JournalInUse) while another session of the same user has it open, or while
        it holds unsaved work, unless that is what `restoring` found: its records are carried
        over, so that they stay safe until saved. A directory that will not take a journal is
        an `InspectionError` saying so.
        """
        found = pending(path, user)
        if found is not None and (found.live or restoring is None or found.records != restoring.records):
            raise JournalInUse(found)
        journal = cls(Path(path), user)
        try:
            journal._begin(base_text, restoring.records if restoring else ())
        except guard.Refused as refused:
            raise InspectionError(refused.path, [refused.reason]) from None
        except PermissionError:
            raise InspectionError(
                str(path),
                [
                    f"cannot be moderated where it is: you cannot write in {Path(path).parent}, where moderate keeps "
                    "the journal of your unsaved work and saves the file. Copy it to a directory of yours, "
                    "or ask for write access to this one."
                ],
            ) from None
        return journal

    def record(self, done: Done) -> None:
        """Append the record of a command done; it is in the kernel's hands when this returns.
        Fit for `Session(listener=...)`.

        Should the write fail (a full disk), the line cut short is taken back, the journal
        stops (`failed` says why) and the work goes on in memory: the caller tells the user,
        who saves, here or elsewhere. A save starts the journal afresh."""
        self.extend([record_of(done)])

    def extend(self, records: Iterable[Record]) -> None:
        """Append records already made: the work done while a save ran, carried over onto it."""
        for record in records:
            self.records.append(record)
            self._append(record)

    def _append(self, record: Record) -> None:
        with self._writing:
            if self.failed is not None or self._fd < 0:
                return
            line = _line(record)
            try:
                _write(self._fd, line)
                self._written += len(line)
                return
            except OSError as error:
                failed = self.failed = error
                try:
                    os.ftruncate(self._fd, self._written)
                except OSError:
                    pass
        if self.on_failure is not None:
            self.on_failure(failed)

    def saving(self, sha256: str, after: int | None = None) -> None:
        """Say that the text whose UTF-8 has this `sha256` (`text_sha256`), made of the first
        `after` records (all so far, by default), is about to be saved: should a crash come
        after the file is written but before `rebase`, `pending` then knows that those are in
        the file, and replays only the rest onto it. Safe from a save's thread."""
        self._append({"do": _SAVING, "sha256": sha256, "after": len(self.records) if after is None else after})

    def rebase(self, text: str, session: Session | None) -> None:
        """The file now holds `text` (saved, merged, or reloaded) and `session` goes on from it:
        start the journal afresh from there, carrying the session's undo history (if any)."""
        steps = session and history(session)
        self._begin(text, [steps] if steps else [])

    def restart(self) -> None:
        """Start afresh from the same text and records, leaving out the marks of saves: a save
        whose result the session could not take leaves all of its work unsaved, on that text."""
        self._begin(self.base, list(self.records))

    def close(self) -> None:
        """fsync and stop, leaving the journal, and any unsaved work in it, for `pending` to find."""
        if self._fd >= 0:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1

    def discard(self) -> None:
        """Remove the journal, while open: after a clean save, or unsaved work thrown away on purpose."""
        if self._fd >= 0:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = -1

    def _begin(self, base_text: str, records: Iterable[Record]) -> None:
        """Write a new journal (header, then `records`) beside the old one and rename it into
        place, so that a crash leaves one or the other whole, never neither."""
        self.adopt(self.prepare(base_text), records)

    def prepare(self, base_text: str) -> Fresh:
        """A new journal of `base_text` (its header), written and fsynced beside this one but not
        yet in its place (`adopt`, or `Fresh.drop`): the slow part of starting afresh, which may
        run in a save's thread."""
        header = {"journal": VERSION, "file": self.target.name, "base_sha256": text_sha256(base_text), "user": self.user}
        written = 0
        fd, temporary = guard.create_temporary(self.path.parent, self.path.name, os.O_APPEND)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            for data in itertools.chain([_line(header)[:-2] + b',"base":'], _json_text(base_text), [b"}\n"]):
                _write(fd, data)
                written += len(data)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            temporary.unlink(missing_ok=True)
            raise
        return Fresh(fd, temporary, base_text, written)

    def adopt(self, fresh: Fresh, records: Iterable[Record]) -> None:
        """Go on in `fresh`, `records` appended, renamed into this journal's place."""
        records = list(records)
        data = b"".join(_line(r) for r in records)
        try:
            _write(fresh.fd, data)
            if data:
                os.fsync(fresh.fd)
            os.replace(fresh.temporary, self.path)
        except BaseException:
            fresh.drop()
            raise
        with self._writing:
            if self._fd >= 0:
                os.close(self._fd)
            self._fd, self._written, self.failed = fresh.fd, fresh.written + len(data), None
            self.base, self.records = fresh.base, records
        sync_directory(self.path.parent)


@dataclass(frozen=True)
class Fresh:
    """A journal started afresh, not yet in place (`Journal.prepare`)."""

    fd: int
    temporary: Path
    base: str
    written: int

    def drop(self) -> None:
        os.close(self.fd)
        self.temporary.unlink(missing_ok=True)


# ---------------------------------------------------------------- after a crash


@dataclass(frozen=True)
class Pending:
    """A journal found beside the file."""

    target: Path
    user: str
    base: str  # the file's text the records were made on
    records: tuple[Record, ...]  # to replay onto it, in order
    matches: bool  # the file is still that text: nobody has saved it since
    live: bool  # a session has it open now
    dropped: int = 0  # lines cut short by the crash (the last), left out

    def discard(self) -> None:
        """Throw the unsaved work away, on purpose."""
        if self.live:
            raise JournalInUse(self)
        journal_path(self.target, self.user).unlink(missing_ok=True)

    @property
    def summary(self) -> str:
        """What was not saved, for a person to decide on: "Not saved: work by jb between 14:03
        and 14:40 UTC on 2026-11-23 / 12 answers changed: C03 2.2.2 no→yes, ...", one item a line."""
        if self.live:
            return f"is open in another moderate session of {self.user}'s; close that one first"
        return "\n".join(_summary(self.records, self.matches, self.dropped))


def pending(path: str | Path, user: str) -> Pending | None:
    """`user`'s journal of `path`, if it holds unsaved work or is in use; else None.

    A journal that is not a regular file of this user's, readable by nobody else, is never
    read: `InspectionError` naming it (another user could have planted work in our name)."""
    target = Path(os.path.realpath(path))
    name = journal_path(target, user)
    try:
        fd = guard.open_fd(name, follow=False, what="a journal")
    except FileNotFoundError:
        return None
    except guard.Refused as refused:
        raise InspectionError(refused.path, [refused.reason]) from None
    except OSError as error:  # one we may not read is not ours
        owner = guard.user_name(os.lstat(name).st_uid) if os.path.lexists(name) else "nobody"
        raise InspectionError(
            str(name),
            [
                f"cannot be read ({error.strerror}): this journal belongs to {owner}, "
                "not to you: not used. Remove it if you did not make it."
            ],
        ) from None
    with os.fdopen(fd, "rb") as f:
        try:
            guard.check_private(fd, name, "journal")
            fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
            live = False
        except BlockingIOError:
            live = True
        except guard.Refused as refused:
            raise InspectionError(refused.path, [refused.reason]) from None
        try:
            data = guard.read_fd(fd, name, MAX_JOURNAL, "a journal")
        except guard.Refused as refused:
            raise InspectionError(refused.path, [refused.reason]) from None
    lines, dropped = _read(data)
    try:
        text = read_file(target).decode("utf-8")
    except (InspectionError, UnicodeDecodeError):
        text = None
    current = text and text_sha256(text)
    header = lines[0] if lines else {}
    base, base_sha256, records = str(header.get("base", "")), header.get("base_sha256"), []
    for record in lines[1:]:
        if record.get("do") != _SAVING:
            records.append(record)
        elif text is not None and record.get("sha256") == current:  # that save reached the file, and the work it held
            after = record.get("after")
            kept = records[after:] if isinstance(after, int) and 0 <= after <= len(records) else []
            base, base_sha256, records = text, current, kept
    if not live and all(r.get("do") == "history" for r in records):
        return None
    return Pending(target, user, base, tuple(records), base_sha256 == current, live, dropped)


def _read(data: bytes) -> tuple[list[Record], int]:
    """The journal's lines, up to any that does not read whole; and how many were left out."""
    lines = [line for line in data.split(b"\n") if line.strip()]
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:  # UnicodeDecodeError included
            break
        if not isinstance(record, dict):
            break
        records.append(record)
    return records, len(lines) - len(records)


# ---------------------------------------------------------------- the summary

_SHOWN = 8  # answer changes listed by name; the rest counted


def _summary(records: tuple[Record, ...], matches: bool, dropped: int) -> list[str]:
    cells: dict[tuple[str, str], list[str | None]] = {}  # (case, question) -> [first from, last to]
    reasons = 0
    moderated: list[str] = []
    decided: list[str] = []
    rated: list[str] = []
    sampled: list[str] = []
    settled: list[str] = []
    seconds: dict[str, tuple[set[str], bool]] = {}  # case -> (questions answered, finished)
    commands = [r for r in records if r.get("do") != "history"]
    for r in commands:
        do = r.get("do")
        step = r.get("step")
        if do in ("answer", "import", "redo", "undo") and step in (None, "import"):  # answers, an import's each
            for case, question, old, new in r.get("cells") or [[r.get(k) for k in ("case", "question", "old", "new")]]:
                old, new = (new, old) if do == "undo" else (old, new)
                cells.setdefault((str(case), str(question)), [old, new])[1] = new
        elif do in ("redo", "undo") and step in ("sample", "withdraw"):
            sampled.append(f"{'undone' if do == 'undo' else 'redone'} {step} {', '.join(map(str, r.get('cases') or ()))}")
        elif do in ("redo", "undo") and step is not None:  # a mark, a rating or a decision taken back or given again
            (moderated if step == "moderated" else rated if step == "rate" else decided).append(
                f"{'undone' if do == 'undo' else 'redone'} {r.get('case') or r.get('standard')}"
            )
        elif do == "reason":
            reasons += 1
        elif do == "moderated":
            moderated.append(str(r.get("case")))
        elif do == "decide":
            decided.append(f"{r.get('standard')} {r.get('rating')}")
        elif do == "settle":
            where = r.get("standard") or f"{r.get('case')} {r.get('question')}"
            settled.append(f"{where} → {r.get('value')}")
            if r.get("case") is not None:  # an answer, changed or not: counted with the others
                cells.setdefault((str(r.get("case")), str(r.get("question"))), [r.get("old"), r.get("new")])[1] = r.get("new")
        elif do == "rate":
            rated.append(f"{r.get('standard')} {r.get('old') or 'unrated'}→{r.get('new')}")
        elif do in ("second", "second-answer", "second-finish"):
            answered, finished = seconds.setdefault(str(r.get("case")), (set(), False))
            if do == "second-answer":
                answered.add(str(r.get("question")))
            seconds[str(r.get("case"))] = (answered, finished or do == "second-finish")
        elif do in ("sample", "withdraw"):
            sampled.append(f"{'chose' if do == 'sample' else 'withdrew'} {', '.join(map(str, r.get('cases') or ()))}")
    changed = [
        f"{case} {question} {old or 'unanswered'}→{new or 'unanswered'}"
        for (case, question), (old, new) in cells.items()
        if old != new
    ]
    shown = ", ".join(changed[:_SHOWN]) + (f" and {len(changed) - _SHOWN} more" if len(changed) > _SHOWN else "")
    parts = [f"{words.counted(len(changed), 'answer')} changed" + (f": {shown}" if changed else "")]
    if reasons:
        parts.append(f"{words.counted(reasons, 'reason')} given")
    if moderated:
        parts.append(f"marked moderated: {', '.join(moderated)}")
    if decided:
        parts.append(f"panel decisions: {', '.join(decided)}")
    if rated:
        parts.append(f"judgement ratings: {', '.join(rated)}")
    if sampled:
        parts.append(f"dip sample: {'; '.join(sampled)}")
    if settled:
        parts.append(f"merge conflicts settled: {', '.join(settled)}")
    if seconds:
        parts.append(words.seconds_unsaved({case: (len(answered), done) for case, (answered, done) in seconds.items()}))
    lines = [f"Not saved: work {_who_and_when(commands)}", *(f"  {part}" for part in parts)]
    if dropped:
        lines.append(f"  ({words.counted(dropped, 'line')} cut short by the crash left out)")
    if not matches:
        lines.append("The file has been saved since: restored, this work is merged with that save when you save.")
    return lines


def _who_and_when(records: list[Record]) -> str:
    who = " and ".join(sorted({str(r.get("by")) for r in records}))
    times = sorted(_utc(r.get("at")) for r in records)
    first, last = times[0], times[-1]
    if first.date() == last.date():
        return f"by {who} between {first:%H:%M} and {last:%H:%M} UTC on {first:%Y-%m-%d}"
    return f"by {who} between {first:%Y-%m-%d %H:%M} and {last:%Y-%m-%d %H:%M} UTC"


def _utc(at: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(at).astimezone(dt.timezone.utc)
    except (TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
