"""The user's own settings kept between runs (the theme, where the cursor goes after an answer,
where it was in each file) and their keymap, in ~/.config/moderate/.

Owner-only, like everything the program creates: the directory 0700, the file 0600. Read
through the guarded open, as every file is: a pipe, a device or a runaway file put there is
refused, saying so, and the default used.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import guard

MAX_KEYMAP = 64 * 1024  # a keymap of every binding is a few KiB
MAX_SETTING = 1024  # one line of at most 64 characters
MAX_PLACES = 64 * 1024  # PLACES_KEPT places, ids of a few dozen characters each
PLACES_KEPT = 100


def config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "moderate"


def chosen_theme() -> str | None:
    """The theme the user last chose, or None (never chosen: the default then); a file there
    that cannot be used: a ValueError saying why."""
    return remembered("theme")


def remember_theme(name: str) -> None:
    remember("theme", name)


ADVANCES = ("across", "down", "off")  # where the cursor goes after an answer: the next case, the next question, nowhere


def chosen_advance() -> str:
    """Where the cursor goes after an answer; a file there that cannot be used: a ValueError."""
    advance = remembered("advance")
    return advance if advance in ADVANCES else ADVANCES[0]


def remember_advance(advance: str) -> None:
    remember("advance", advance)


def _place_key(path: Path) -> str:
    """A file named as its place is kept: a hash of its real path (which it says nothing of)."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _places() -> dict[str, list[str]]:
    """Where the cursor was in each file, by `_place_key`; one that cannot be read is forgotten."""
    try:
        text = _read(config_dir() / "places", MAX_PLACES, "a setting of moderate")
        places = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(places, dict):
        return {}
    return {
        key: value
        for key, value in places.items()
        if isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value)
    }


def remembered_place(path: Path) -> tuple[str, str, str] | None:
    """Where the cursor was when the file was last closed: (sample, case, question), "" for none."""
    place = _places().get(_place_key(path))
    return (place[0], place[1], place[2]) if place else None


def remember_place(path: Path, sample: str, case: str, question: str) -> None:
    """Keep where the cursor is, for the file's next opening: the PLACES_KEPT files last closed."""
    places, key = _places(), _place_key(path)
    places.pop(key, None)  # then put back last: the most recently closed are the ones kept
    places[key] = [sample, case, question]
    remember("places", json.dumps(dict(list(places.items())[-PLACES_KEPT:])))


def keymap_file() -> Path:
    return config_dir() / "keymap.toml"


def keymap_text() -> str | None:
    """The user's keymap file, if there is one (one that cannot be used: a ValueError saying why)."""
    return _read(keymap_file(), MAX_KEYMAP, "a keymap")


def remembered(name: str) -> str | None:
    """A setting kept in its own one-line file, or None (never set, or not one we wrote: the
    default then); a file there that cannot be used: a ValueError saying why, with its path."""
    path = config_dir() / name
    try:
        text = _read(path, MAX_SETTING, "a setting of moderate")
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    value = (text or "").strip()
    return value if value.isprintable() and 0 < len(value) <= 64 else None


def _read(path: Path, limit: int, what: str) -> str | None:
    """A file of the user's, through the guarded open: None if there is none."""
    try:
        return guard.read(path, limit, what).decode("utf-8-sig")
    except FileNotFoundError:
        return None
    except (guard.Refused, OSError) as error:
        raise ValueError(guard.why(error)) from None
    except UnicodeDecodeError as error:
        raise ValueError(f"is not UTF-8 text (byte {error.start + 1})") from None


def remember(name: str, value: str) -> None:
    """Keep a setting for next time; a setting that cannot be written is not worth an error."""
    try:
        config_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(config_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)  # a file made before, by hand, is made owner-only too
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(value + "\n")
    except OSError:
        pass
