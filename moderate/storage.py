"""Putting an inspection on disk without ever leaving a half-written file, or losing
what someone else saved to it meanwhile."""

from __future__ import annotations

import fcntl
import os
import shlex
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .merge import Author, Conflict, Side, merge
from .model import Inspection
from .reading import parse_bytes, parse_text
from .writing import dumps

PRIVATE = 0o600  # the data is about children: no one else on the server reads what we create


def _mode(path: Path, default: int) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return default


def write_text(path: str | Path, text: str, mode: int | None = None) -> None:
    """Replace `path` with `text` atomically: a temporary file beside it, fsynced, renamed over it.

    With no `mode`, a new file is readable by its owner only; an existing one keeps its permissions.
    """
    path = Path(path)
    if mode is None:
        mode = _mode(path, PRIVATE)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    sync_directory(path.parent)


def sync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(path: str | Path, inspection: Inspection) -> str:
    """Write the inspection in the canonical layout; returns the text written."""
    text = dumps(inspection)
    write_text(path, text)
    return text


class SaveError(Exception):
    """Nothing was saved: the file on disk is as it was."""


@dataclass(frozen=True)
class SaveResult:
    text: str  # the file's text now on disk: the base for the next save
    # Saved: what is on disk. With conflicts: the merged candidate, ours kept at each one.
    inspection: Inspection
    merged: bool = False  # someone else's save was merged in: reopen `inspection` to see it
    conflicts: tuple[Conflict, ...] = ()  # when any, nothing was written

    @property
    def saved(self) -> bool:
        return not self.conflicts


def save_merging(path: str | Path, base_text: str, ours: Inspection,
                 choices: Mapping[Conflict, Side] | None = None,
                 writing: Callable[[str], None] | None = None, base: Inspection | None = None,
                 author: Author | None = None) -> SaveResult:
    """Save `ours`, an edit of `base_text`, merging in whatever others saved to `path` since.

    Under the file's lock, so that two saves never interleave: if the file is still
    `base_text`, ours is written; else ours and the file are merged three-way and the merge
    written, unless it has conflicts. Then nothing is written, and the result lists them:
    call again with the same `base_text` and `ours` and a side chosen for each conflict.
    After a save that merged, continue from the result (its inspection and text), not from
    `ours`, or the next save would take back the others' changes.
    A file someone broke by hand is not overwritten: `InspectionError`. Any other failure
    is a `SaveError` saying why, with the file as it was. `writing` is told the exact text
    just before it is written (a journal notes it, to know after a crash that it got there).
    `base`, if the caller has it, is `base_text` already read: a large file is not parsed again.
    `author`, who saves and when, logs what the merge needs logged that ours did not (`merge`).
    """
    path = Path(path)
    try:
        with _locked(path):
            return _save(path, base_text, ours, choices, writing, base, author)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise SaveError(f"{path}: not saved, the file is as it was: {error.strerror or error}{where}") from error


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold `.NAME.lock` beside the file while a save reads, merges and writes it."""
    # Whoever shares the file (its group, on a shared server) must be able to lock it; never others.
    mode = _mode(path, PRIVATE) & 0o660 | PRIVATE
    descriptor = os.open(path.with_name(f".{path.name}.lock"), os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, mode)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _save(path: Path, base_text: str, ours: Inspection, choices: Mapping[Conflict, Side] | None,
          writing: Callable[[str], None] | None, base: Inspection | None, author: Author | None) -> SaveResult:
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None  # moved away or deleted meanwhile: ours is the only version left
    if current is None or current == base_text.encode("utf-8"):
        return SaveResult(_replace(path, current, dumps(ours), writing), ours)
    theirs = parse_bytes(current, str(path))
    if base is None:
        base = parse_text(base_text, f"{path} (as last opened)").inspection
    merged = merge(base, ours, theirs.inspection, choices, author)
    if merged.conflicts:
        return SaveResult(theirs.text, merged.inspection, merged=True, conflicts=merged.conflicts)
    return SaveResult(_replace(path, current, merged.text, writing), merged.inspection, merged=True)


def _replace(path: Path, current: bytes | None, text: str, writing: Callable[[str], None] | None) -> str:
    """Write `text`, first keeping the version it replaces as NAME.bak, with its permissions."""
    if current is not None:
        if current == text.encode("utf-8"):
            return text  # unchanged: rewriting would only replace the backup with this same text
        write_text(path.with_name(f"{path.name}.bak"), current.decode("utf-8"), _mode(path, PRIVATE))
    if writing is not None:
        writing(text)
    write_text(path, text)
    return text


def warn_if_world_readable(path: str | Path) -> str | None:
    """A warning when everyone on the server can read the inspection: it is about children."""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return None
    if not mode & 0o004:
        return None
    return (f"{path} can be read by everyone on this server (mode {mode & 0o777:o}); "
            f"to keep it to yourself and your group: chmod o-rwx {shlex.quote(str(path))}")
