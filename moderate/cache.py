"""The user's own cache of parsed inspections: a file opened again, unchanged, is not parsed again.

Building the model again from its entry is many times faster than parsing the file and
checking every value (the benchmark's parse rows, cached and not). An entry is named for
the file's bytes and for this program's own code, so an edited file or another version of
moderate never meets an entry made for something else; only files read without a problem are
kept, and only the newest few, each for two weeks after its last use at most.

The entries hold what the file holds, about children. Each is encrypted with a key only
the file's own bytes give (a SHAKE-256 keystream, authenticated by HMAC-SHA-256): without
the file, by someone who lost access to it or after it was deleted, an entry is noise;
and an entry is read only once its tag shows it was made from these very bytes. What it
holds is data, never code (`plain`: JSON rebuilt into the model's own records): anyone
who has the file's bytes can make an entry with a good tag, and the worst such an entry,
put in the user's own directory, can do is show a model of other answers.
They live in the user's cache directory (`$XDG_CACHE_HOME/moderate`, else
`~/.cache/moderate`), owner-only like every file of ours (0700, entries 0600); a
directory or entry that is not the user's own alone, or is a link, is never used. The
directory is opened once and everything after is done through that descriptor, so that
swapping the name for something else meanwhile changes nothing. `MODERATE_CACHE=off`
turns it off.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import sys
import time
from functools import cache
from pathlib import Path
from typing import NamedTuple

from . import guard, plain
from .frameworks import Framework
from .model import Inspection

KEPT = 8  # entries: the files a user has had open lately, not every file ever opened
UNUSED_FOR = 14 * 24 * 3600  # seconds after its last use that an entry is removed
_ENTRY = re.compile(r"[0-9a-f]{64}\.parsed")
_LEFT_BEHIND = re.compile(r"[0-9a-f]{64}\.[0-9a-f]{8}\.tmp")  # by a process killed while writing
_TAG = 32
_MAX_BYTES = 256 * 1024 * 1024
_OFF = ("off", "0", "no", "false")


class _Key(NamedTuple):
    name: str  # the entry's file name: says nothing of the bytes but whether they are the same
    secret: bytes  # encrypts and authenticates the entry: only the bytes give it


def recall(data: bytes) -> tuple[Inspection, Framework] | None:
    """The inspection `keep` kept for these bytes, and its framework; or None."""
    key = _key(data)
    directory = _open_directory()
    if key is None or directory is None:
        return None
    try:
        fd = os.open(key.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=directory)
    except OSError:
        os.close(directory)
        return None
    try:
        guard.check_private(fd, key.name, "cache entry")
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise guard.Refused(key.name, "not a regular file")
        entry = guard.read_fd(fd, key.name, _MAX_BYTES)
        tag, sealed = entry[:_TAG], entry[_TAG:]
        if not hmac.compare_digest(tag, hmac.digest(key.secret, sealed, "sha256")):
            raise ValueError("not made from these bytes")
        value = plain.loads(_crypt(key.secret, sealed))
        os.utime(fd)  # the newest used is kept longest
    except Exception:  # anything off: the file itself is read instead, and a new entry made
        _remove(directory, key.name)
        return None
    finally:
        os.close(fd)
        os.close(directory)
    return value


def keep(data: bytes, inspection: Inspection) -> None:
    """Keep `inspection`, read from these bytes, for the next `recall`; nothing if it cannot be."""
    key = _key(data)
    directory = _open_directory()
    if key is None or directory is None:
        return
    temporary = f"{key.name.removesuffix('.parsed')}.{secrets.token_hex(4)}.tmp"
    try:
        sealed = _crypt(key.secret, plain.dumps(inspection))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with os.fdopen(os.open(temporary, flags, 0o600, dir_fd=directory), "wb") as out:
            out.write(hmac.digest(key.secret, sealed, "sha256") + sealed)
        os.replace(temporary, key.name, src_dir_fd=directory, dst_dir_fd=directory)
        _forget_the_old(directory)
    except Exception:  # a full disk: only slower next time
        _remove(directory, temporary)
    finally:
        os.close(directory)


def _open_directory() -> int | None:
    """The cache directory, opened (made owner-only if new); None when off, or when it is not
    the user's own alone."""
    if os.environ.get("MODERATE_CACHE", "").lower() in _OFF:
        return None
    home = os.environ.get("XDG_CACHE_HOME", "")
    try:
        parent = Path(home) if os.path.isabs(home) else Path.home() / ".cache"
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        above = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    try:
        try:
            os.mkdir("moderate", 0o700, dir_fd=above)
        except FileExistsError:
            pass
        directory = os.open("moderate", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=above)
    except OSError:
        return None
    finally:
        os.close(above)
    info = os.fstat(directory)
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        os.close(directory)
        return None
    return directory


def _key(data: bytes) -> _Key | None:
    code = _code()
    if code is None:
        return None
    hashed = hashlib.sha256(code)
    hashed.update(data)  # not code + data: that would copy the whole file
    digest = hashed.digest()
    return _Key(
        hashlib.sha256(b"moderate cache entry\n" + digest).hexdigest() + ".parsed",
        hashlib.sha256(b"moderate cache secret\n" + digest).digest(),
    )


def _crypt(secret: bytes, text: bytes) -> bytes:
    """`text` XORed with the secret's keystream: encrypts, and decrypts what it encrypted."""
    stream = hashlib.shake_256(secret).digest(len(text))
    return (int.from_bytes(text, "little") ^ int.from_bytes(stream, "little")).to_bytes(len(text), "little")


@cache
def _code() -> bytes | None:
    """This program, as far as it decides what a file reads as: its core's source, its
    frameworks, the parser and the Python. None (no cache) if they cannot be read."""
    package = Path(__file__).parent
    parser = getattr(sys.modules.get("tomli"), "__version__", "tomllib")  # the one `reading` imported
    digest = hashlib.sha256(f"{sys.version}\n{parser}\n{plain.VERSION}\n".encode())
    sources = sorted(package.glob("*.py"))
    if not sources:  # installed as bytecode only: no way to tell one version from another
        return None
    try:
        for source in sources + sorted((package / "presets").glob("*.toml")):
            digest.update(f"{source.name}\n{source.stat().st_size}\n".encode() + source.read_bytes())
    except OSError:
        return None
    return digest.digest()


def _forget_the_old(directory: int) -> None:
    """Remove entries beyond the newest few or unused too long, and what killed writers left;
    never anything else that may be in the directory."""
    now = time.time()
    entries = []
    for found in os.scandir(directory):
        try:
            used = found.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if _ENTRY.fullmatch(found.name):
            entries.append((used, found.name))
        elif _LEFT_BEHIND.fullmatch(found.name) and now - used > 3600:
            _remove(directory, found.name)
    entries.sort(reverse=True)
    for i, (used, name) in enumerate(entries):
        if i >= KEPT or now - used > UNUSED_FOR:
            _remove(directory, name)


def _remove(directory: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=directory)
    except OSError:
        pass
