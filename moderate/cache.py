"""The user's own cache of parsed inspections: a file opened again, unchanged, is not parsed again.

Parsing a 2,000-case file and checking every value takes about 0.25 s; unpickling the
model it made, 10 ms (10,000 cases: 1.2 s and 50 ms). An entry is keyed by the file's
bytes and by this program's own code, so an edited file or another version of moderate
never meets an entry made for something else; only files that were read without a
problem are kept, and only the newest few.

The entries hold the file's contents, about children: like every file of ours they are
readable by their owner only (the directory 0700, each entry 0600), in the user's cache
directory (`$XDG_CACHE_HOME/moderate`, else `~/.cache/moderate`). They are ignored, never
trusted, when anything is off: a directory or entry not the user's own, open to others,
or a link; an entry that does not unpickle into what was asked for. Unpickling runs what
the pickle says, but only a pickle in a directory that no one else can write: whoever
can write there can already run anything as the user. `MODERATE_CACHE=off` turns it off.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import stat
import sys
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import guard

KEPT = 8  # entries: the files a user has open this week, not every file ever opened
_SUFFIX = ".parsed"
_MAX_BYTES = 256 * 1024 * 1024


def recall(data: bytes) -> object | None:
    """What `keep` kept for these bytes, or None."""
    directory = _directory()
    key = _key(data)
    if directory is None or key is None:
        return None
    entry = directory / (key + _SUFFIX)
    try:
        fd = guard.open_fd(entry, follow=False)
    except (OSError, guard.Refused):
        return None
    try:
        guard.check_private(fd, entry, "cache entry")
        kept_key, value = pickle.loads(guard.read_fd(fd, entry, _MAX_BYTES))
        os.utime(fd)  # the newest is kept longest
    except Exception:  # anything off: read the file itself instead, and make a new entry
        _remove(entry)
        return None
    finally:
        os.close(fd)
    return value if kept_key == key else None


def keep(data: bytes, value: object) -> None:
    """Keep `value`, made from these bytes, for the next `recall`; nothing if it cannot be."""
    directory = _directory()
    key = _key(data)
    if directory is None or key is None:
        return
    temporary = None
    try:
        fd, temporary = guard.create_temporary(directory, key)
        with os.fdopen(fd, "wb") as out:
            pickle.dump((key, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, directory / (key + _SUFFIX))
        _forget_the_oldest(directory)
    except Exception:  # a full disk, a value that does not pickle: only slower next time
        if temporary is not None:
            _remove(temporary)


def _directory() -> Path | None:
    """The cache directory, made owner-only if new; None when off or not the user's own alone."""
    if os.environ.get("MODERATE_CACHE", "").lower() == "off":
        return None
    home = os.environ.get("XDG_CACHE_HOME", "")
    directory = (Path(home) if os.path.isabs(home) else Path.home() / ".cache") / "moderate"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(directory)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        return None
    return directory


def _key(data: bytes) -> str | None:
    code = _code()
    return None if code is None else hashlib.sha256(code + data).hexdigest()


@cache
def _code() -> bytes | None:
    """This program, as far as it decides what a file reads as: its core's source, its
    frameworks, the parser and the Python. None (no cache) if they cannot be read."""
    package = Path(__file__).parent
    parser = getattr(sys.modules.get("tomli"), "__version__", "tomllib")  # the one `reading` imported
    digest = hashlib.sha256(f"{sys.version}\n{parser}\n{pickle.HIGHEST_PROTOCOL}\n".encode())
    try:
        for source in sorted([*package.glob("*.py"), *(package / "presets").glob("*.toml")]):
            digest.update(f"{source.name}\n{source.stat().st_size}\n".encode() + source.read_bytes())
    except OSError:
        return None
    return digest.digest()


def _forget_the_oldest(directory: Path) -> None:
    """Keep the newest entries; and remove what a process killed while writing one left."""
    entries = []
    for entry in directory.iterdir():
        try:
            entries.append((entry.lstat().st_mtime, entry))
        except OSError:
            continue
    for _, entry in sorted(entries, reverse=True)[KEPT:]:
        _remove(entry)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _proxy(table: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(table)


# The model's read-only tables (`extra`, a framework's bands) are mapping proxies, which
# pickle cannot take as they are: they go as the table they show.
copyreg.pickle(MappingProxyType, lambda proxy: (_proxy, (dict(proxy),)))
