"""Putting an inspection on disk without ever leaving a half-written file, or losing
what someone else saved to it meanwhile."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shlex
import stat
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from . import guard
from .apart import Stopped, merge_apart
from .merge import Author, Conflict, Side
from .model import Inspection
from .reading import MAX_BYTES, parse_text
from .writing import dumps, pieces

PRIVATE = 0o600  # the data is about children: no one else on the server reads what we create
ACL = "system.posix_acl_access"
LOCK_TIMEOUT = 30.0  # seconds waiting for someone else's save before giving up (theirs takes well under one)
STALE_TEMPORARY = 24 * 3600  # a temporary file of ours this old was left by a killed save
_BUFFER = 1 << 16  # a file written in pieces of a case each: a write to the kernel for every 64 KiB


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def write_text(path: str | Path, text: str | bytes | bytearray, mode: int | None = None, like: Path | None = None) -> None:
    """Replace `path` with `text` (or bytes, as they are) atomically: a temporary file beside
    it, fsynced, renamed over it.

    The new file keeps the permissions, group (and owner, for root) and ACL of the file it
    replaces, or of `like`; `mode` overrides the permissions. A new file with neither is
    readable by its owner only.
    """
    path = Path(path)
    _put_in_place(_written_beside(path, [text.encode("utf-8") if isinstance(text, str) else text], mode, like), path)


def _written_beside(path: Path, chunks: Iterable[bytes | bytearray], mode: int | None = None, like: Path | None = None) -> Path:
    """A temporary file beside `path` holding `chunks`, written as they come, with the
    permissions `write_text` gives, fsynced: for `_put_in_place`. Removed if anything fails."""
    model = like or path
    fd, temporary = guard.create_temporary(path.parent, f".{path.name}")
    try:
        with os.fdopen(fd, "wb", buffering=_BUFFER) as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            _keep_permissions(f.fileno(), model, _stat(model), mode)
            os.fsync(f.fileno())
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _put_in_place(temporary: Path, path: Path) -> None:
    """Rename a temporary file of `_written_beside` over `path`, durably; removed if that fails."""
    try:
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise
    sync_directory(path.parent)


def _remove(temporary: Path) -> None:
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass


def _keep_permissions(fd: int, model: Path, info: os.stat_result | None, mode: int | None) -> None:
    """Give a new file what the one it replaces had: its group (in a shared directory without
    setgid the new file would otherwise take the saver's own group, and lock the others out),
    its owner where we may (root), its mode and its POSIX ACL."""
    if info is not None:
        try:
            os.fchown(fd, info.st_uid if os.geteuid() == 0 else -1, info.st_gid)
        except PermissionError:
            pass  # not a member of the file's group: it takes ours, and the mode below still applies
    os.fchmod(fd, mode if mode is not None else stat.S_IMODE(info.st_mode) if info else PRIVATE)
    if info is not None:
        try:
            os.setxattr(fd, ACL, os.getxattr(model, ACL))
        except OSError:
            pass  # no ACL, or a file system without them


def sync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(path: Path, now: float | None = None) -> list[Path]:
    """Temporary files of ours beside `path` (`.NAME.*.tmp`) left by a save or journal killed
    more than a day ago; never anyone else's, never a link."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(f".{path.name}.") and entry.name.endswith(".tmp")):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and now - info.st_mtime > STALE_TEMPORARY:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def save(path: str | Path, inspection: Inspection) -> str:
    """Write the inspection in the canonical layout; returns the text written."""
    text = dumps(inspection)
    write_text(path, text)
    return text


class SaveError(Exception):
    """Nothing was saved: the file on disk is as it was."""


class MergeStopped(SaveError):
    """Nothing was saved: the merge with someone else's save ended without its answer (its
    process killed, out of memory). Saving again starts it afresh."""


class FileReplaced(SaveError):
    """The file is no longer the inspection that was opened: deleted, replaced by another
    inspection, or no longer a regular file. Nothing was written: the user chooses (save
    again with `overwrite=True`, or save elsewhere)."""

    def __init__(self, path: Path, what: str):
        self.path = path
        self.what = what
        super().__init__(f"{path} {what} since you opened it: not saved, nothing written")


Waiting = Callable[[str], bool]  # told who holds the lock, about ten times a second; False to stop waiting


@dataclass(frozen=True)
class SaveResult:
    text: str | None  # the file's text now on disk: the base for the next save (None after a `last` save of ours)
    # Saved: what is on disk. With conflicts: the merged candidate, ours kept at each one.
    inspection: Inspection
    merged: bool = False  # someone else's save was merged in: reopen `inspection` to see it
    conflicts: tuple[Conflict, ...] = ()  # when any, nothing was written
    # The file as this save left it (`identity`), looked at before the lock was let go: a
    # save by someone else right after ours is then seen as theirs, not taken for ours.
    identity: Identity | None = None

    @property
    def saved(self) -> bool:
        return not self.conflicts


def save_merging(
    path: str | Path,
    base_text: str,
    ours: Inspection,
    choices: Mapping[Conflict, Side] | None = None,
    writing: Callable[[str], None] | None = None,
    base: Inspection | None = None,
    waiting: Waiting | None = None,
    overwrite: bool = False,
    timeout: float = LOCK_TIMEOUT,
    author: Author | None = None,
    last: bool = False,
) -> SaveResult:
    """Save `ours`, an edit of `base_text`, merging in whatever others saved to `path` since.

    Under the file's lock, so that two saves never interleave: if the file is still
    `base_text`, ours is written; else ours and the file are merged three-way and the merge
    written, unless it has conflicts. Then nothing is written, and the result lists them:
    call again with the same `base_text` and `ours` and a side chosen for each conflict.
    After a save that merged, continue from the result (its inspection and text), not from
    `ours`, or the next save would take back the others' changes.
    A file someone broke by hand is not overwritten: `InspectionError`. A file deleted,
    replaced by another inspection or by something not a file is not merged into:
    `FileReplaced`, unless `overwrite` (ours is then written, theirs kept as NAME.bak).
    While someone else's save holds the lock, `waiting` is told who (and may stop the wait);
    after `timeout` seconds the save gives up. Any other failure is a `SaveError` saying why,
    with the file as it was. `writing` is told the sha256 of the exact bytes written just
    before they take the file's place (a journal notes it, to know after a crash that they
    got there). `base`, if the caller has it, is `base_text` already read: a large file is
    not parsed again. `author`, who saves and when, logs what the merge needs logged that
    ours did not (`merge`). `last`: the caller goes on from nothing but whether it saved
    (a command's last save), so ours is written without its text kept whole (`text` None).
    """
    path = Path(os.path.realpath(path))  # through a link: the target is saved, and locked under its own name
    try:
        with _locked(path, waiting, timeout):
            saved = _save(path, base_text, ours, choices, writing, base, overwrite, author, last)
            result = replace(saved, identity=identity(path))
    except guard.Refused as refused:
        raise SaveError(f"{path}: not saved, the file is as it was: {refused}") from None
    except Stopped as stopped:
        raise MergeStopped(f"{path}: not saved, the file is as it was: {stopped}") from None
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise SaveError(f"{path}: not saved, the file is as it was: {error.strerror or error}{where}") from error
    remove_stale_temporaries(path)
    return result


Identity = tuple[int, int, int]  # a file's modification time, size and inode


def identity(path: Path) -> Identity | None:
    """What tells one version of a file from the next, at the cost of a stat (None: no file)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


@contextmanager
def _locked(path: Path, waiting: Waiting | None, timeout: float) -> Iterator[None]:
    """Hold `.NAME.lock` beside the file while a save reads, merges and writes it; never
    waiting blind: `waiting` hears who holds it, and the wait ends after `timeout`."""
    lock = path.with_name(f".{path.name}.lock")
    descriptor = guard.open_fd(lock, os.O_RDONLY | os.O_CREAT, PRIVATE, follow=False, what="a lock file")
    try:
        _share_like(descriptor, path)
        _acquire(descriptor, path, waiting, timeout)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _acquire(descriptor: int, path: Path, waiting: Waiting | None, timeout: float) -> None:
    """Take the lock; if someone else holds it, wait in a helper thread (so that the kernel
    still hands the lock over in turn), while this one stays free to hear signals, tell
    `waiting` who holds it, and give up after `timeout`. A helper left blocked after we gave
    up and closed ours takes the lock when it comes free and, closing the last descriptor,
    lets it go at once."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    taken = threading.Event()
    own = os.dup(descriptor)  # the same lock; the helper's to close, whenever it returns

    def take() -> None:
        try:
            fcntl.flock(own, fcntl.LOCK_EX)
            taken.set()
        except OSError:
            pass
        finally:
            os.close(own)

    threading.Thread(target=take, name="moderate-lock", daemon=True).start()
    deadline = time.monotonic() + timeout
    while not taken.wait(0.1):
        holder = lock_holder(descriptor)
        if waiting is not None and not waiting(holder):
            raise SaveError(f"{path}: not saved (you stopped waiting for {holder}'s save); the file is as it was")
        if time.monotonic() > deadline:
            raise SaveError(
                f"{path}: not saved: {holder}'s save has held the file for over {timeout:.0f} s; try again in a moment"
            )


def busy(path: str | Path) -> str | None:
    """Who is saving `path` at this moment (holding its lock), if anyone: for a caller that
    waits in its own way (the app, which keeps its screen and keys alive meanwhile)."""
    lock = Path(os.path.realpath(path)).with_name(f".{Path(os.path.realpath(path)).name}.lock")
    try:
        descriptor = guard.open_fd(lock, follow=False, what="a lock file")
    except (OSError, guard.Refused):
        return None  # no lock file, or one the save itself will refuse, saying why
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return None
    except BlockingIOError:
        return lock_holder(descriptor)
    finally:
        os.close(descriptor)


def _share_like(descriptor: int, path: Path) -> None:
    """Whoever shares the inspection (its group, on a shared server) must be able to lock it,
    whatever the umask of whoever made the lock file first; never others."""
    info = _stat(path)
    if info is None or os.fstat(descriptor).st_uid != os.geteuid():
        return
    try:
        os.fchown(descriptor, -1, info.st_gid)
    except PermissionError:
        pass
    os.fchmod(descriptor, stat.S_IMODE(info.st_mode) & 0o660 | PRIVATE)


def lock_holder(descriptor: int) -> str:
    """Who holds the lock on an open file, from the kernel's table of locks: "bob", or "someone"."""
    info = os.fstat(descriptor)
    inode = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as table:
            for line in table:
                fields = line.split()
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == inode:
                    return guard.user_name(os.stat(f"/proc/{fields[4]}").st_uid)
    except (OSError, ValueError):
        pass
    return "someone"


def _save(
    path: Path,
    base_text: str,
    ours: Inspection,
    choices: Mapping[Conflict, Side] | None,
    writing: Callable[[str], None] | None,
    base: Inspection | None,
    overwrite: bool,
    author: Author | None,
    last: bool,
) -> SaveResult:
    try:
        current: bytes | None = guard.read(path, MAX_BYTES, "an inspection file")
    except FileNotFoundError:
        current = None  # moved away or deleted meanwhile
        if not overwrite:
            raise FileReplaced(path, "was deleted or moved away") from None
    except guard.Refused as refused:
        if not overwrite:
            raise FileReplaced(path, refused.reason.split(",")[0].replace("is ", "became ", 1)) from None
        current = None
    base_data = base_text.encode("utf-8")
    if current is None or current == base_data:
        return _save_ours(path, current, ours, writing, last)
    if base is None:
        base = parse_text(base_text, f"{path} (as last opened)").inspection
    # Parsed and merged in a child process: the compiled parser there holds no GIL of ours.
    found = merge_apart(base, base_data, ours, current, str(path), choices, author)
    if found.another:
        if not overwrite:
            raise FileReplaced(path, f"was replaced by another inspection ({found.another})")
        return _save_ours(path, current, ours, writing, last)
    assert found.inspection is not None
    if found.conflicts:
        return SaveResult(found.text, found.inspection, merged=True, conflicts=found.conflicts)
    _replace(path, current, [found.data], writing)
    return SaveResult(found.text, found.inspection, merged=True)


def _save_ours(
    path: Path, current: bytes | None, ours: Inspection, writing: Callable[[str], None] | None, last: bool
) -> SaveResult:
    """Write `ours` as it is made; its text kept for the result unless this is the `last` save."""
    kept: list[str] | None = None if last else []
    _replace(path, current, _ours(ours, kept), writing)
    return SaveResult(None if kept is None else "".join(kept), ours)


def _replace(
    path: Path, current: bytes | None, chunks: Iterable[bytes | bytearray], writing: Callable[[str], None] | None
) -> None:
    """Write the bytes `chunks` make, as they come, first keeping the version they replace as
    NAME.bak, byte for byte, with its permissions; the file and its backup left as they are if
    they are that version.
    No copy of a large file is held whole, decoded or encoded, while the screen's thread
    waits; `writing` is told their sha256 once they are on disk, before they are put in place."""
    digest, same, size = hashlib.sha256(), current is not None, 0

    def noted() -> Iterator[bytes | bytearray]:
        nonlocal same, size
        for chunk in chunks:
            digest.update(chunk)
            same = same and current is not None and current.startswith(chunk, size)
            size += len(chunk)
            yield chunk

    temporary = _written_beside(path, noted())
    try:
        if same and size == len(current or b""):
            _remove(temporary)  # unchanged: rewriting would only replace the backup with this same text
            return
        if current is not None:
            write_text(path.with_name(f"{path.name}.bak"), current, like=path)
        if writing is not None:
            writing(digest.hexdigest())
    except BaseException:
        _remove(temporary)
        raise
    _put_in_place(temporary, path)


def _ours(ours: Inspection, kept: list[str] | None) -> Iterator[bytes]:
    """`ours` in UTF-8 as it is made, a section at a time; its text appended to `kept`, if given."""
    for piece in pieces(ours):
        if kept is not None:
            kept.append(piece)
        yield piece.encode("utf-8")


def warn_if_world_readable(path: str | Path) -> str | None:
    """A warning when everyone on the server can read the inspection: it is about children."""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return None
    if not mode & 0o004:
        return None
    return (
        f"{path} can be read by everyone on this server (mode {mode & 0o777:o}); "
        f"to keep it to yourself and your group: chmod o-rwx {shlex.quote(str(path))}"
    )
