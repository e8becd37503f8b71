"""The one way this program opens a path: regular files only, never waiting on a pipe,
never reading without a size limit, and never following a link where none belongs.

On a shared server anyone who can write the directory can put a named pipe, a device or
a symbolic link where the program expects its own file. Every open goes through here:
`O_NONBLOCK` so that a pipe is refused rather than waited on (then cleared, so that
writes behave), a check of what was opened (not of the name, which could be swapped in
between), and `O_NOFOLLOW` for the files only this program makes (journal, lock, temporary
files), where a link is never legitimate.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import secrets
import stat
from pathlib import Path


class Refused(Exception):
    """A path that is not what it should be; says which and why."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def open_fd(
    path: str | Path, flags: int = os.O_RDONLY, mode: int = 0o600, *, follow: bool = True, what: str = "a regular file"
) -> int:
    """Open a regular file (else `Refused`: "is a named pipe, not WHAT"), with O_NONBLOCK used
    to open it and then cleared. `follow=False`: a symbolic link at `path` is refused. Other
    failures are the OSError."""
    extra = os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags | extra, mode)
    except OSError as error:
        if not follow and error.errno == 40:  # ELOOP: the last component is a link
            raise Refused(path, "is a symbolic link, where only a file of moderate's own belongs") from None
        if error.errno == 6:  # ENXIO: a named pipe opened for writing with no reader
            raise Refused(path, f"is a named pipe, not {what}") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(path, f"is {_kind(info.st_mode)}, not {what}")
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_fd(fd: int, path: str | Path, limit: int, what: str = "a regular file") -> bytes:
    """At most `limit` bytes of an open file; a longer one is `Refused`, saying the limit."""
    if os.fstat(fd).st_size > limit:
        raise Refused(path, too_large(os.fstat(fd).st_size, limit, what))
    chunks: list[bytes] = []
    size = 0
    while True:  # the size said may be wrong (a file still growing): never read past the limit
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise Refused(path, too_large(size, limit, what, at_least=True))


def too_large(size: int, limit: int, what: str, at_least: bool = False) -> str:
    return f"is {'at least ' if at_least else ''}{_size(size)}, over the limit of {_size(limit)} for {what}"


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def read(path: str | Path, limit: int, what: str = "a regular file", *, follow: bool = True) -> bytes:
    """The whole of a regular file of at most `limit` bytes (else `Refused`)."""
    fd = open_fd(path, follow=follow, what=what)
    try:
        return read_fd(fd, path, limit, what)
    finally:
        os.close(fd)


def why(error: Refused | OSError) -> str:
    """What a user is told of a file that was refused or could not be read: the refusal's
    reason, or the system's, said once here for every file a user names or keeps."""
    if isinstance(error, Refused):
        return error.reason
    if isinstance(error, PermissionError):
        return "cannot be read: permission denied"
    return f"cannot be read: {error.strerror or error}"


def check_private(fd: int, path: str | Path, what: str) -> None:
    """Refuse a file of ours that someone else made, or that others may read: a journal is
    replayed under its user's name, so one planted by another user must never be."""
    info = os.fstat(fd)
    if info.st_uid != os.geteuid():
        raise Refused(
            path,
            f"this {what} belongs to {user_name(info.st_uid)}, not to you "
            f"({user_name(os.geteuid())}): not used. Remove it if you did not make it.",
        )
    if info.st_mode & 0o077:
        raise Refused(
            path,
            f"this {what} can be read by others (mode {stat.S_IMODE(info.st_mode):o}), "
            "though moderate makes it readable by its owner only: not used. Remove it if you did not "
            "make it.",
        )


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"user {uid}"


def create_temporary(directory: Path, prefix: str, flags: int = 0) -> tuple[int, Path]:
    """A new file `PREFIX.RANDOM.tmp` in `directory`, readable by its owner only, never
    through a link (O_EXCL)."""
    while True:
        temporary = directory / f"{prefix}.{secrets.token_hex(4)}.tmp"
        try:
            return open_fd(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | flags, 0o600, follow=False), temporary
        except FileExistsError:
            continue
