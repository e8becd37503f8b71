"""The user's own settings kept between runs (the theme, where the cursor goes after an answer)
and their keymap, in ~/.config/moderate/.

Owner-only, like everything the program creates: the directory 0700, the file 0600.
"""

from __future__ import annotations

import os
from pathlib import Path


def config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "moderate"


def chosen_theme() -> str | None:
    """The theme the user last chose, or None (never chosen, or unreadable: the default then)."""
    return remembered("theme")


def remember_theme(name: str) -> None:
    remember("theme", name)


ADVANCES = ("across", "down", "off")  # where the cursor goes after an answer: the next case, the next question, nowhere


def chosen_advance() -> str:
    advance = remembered("advance")
    return advance if advance in ADVANCES else ADVANCES[0]


def remember_advance(advance: str) -> None:
    remember("advance", advance)


def keymap_file() -> Path:
    return config_dir() / "keymap.toml"


def keymap_text() -> str | None:
    """The user's keymap file, if there is one (unreadable or not UTF-8: a ValueError saying so)."""
    path = keymap_file()
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ValueError(f"cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"is not UTF-8 text (byte {error.start + 1})") from None


def remembered(name: str) -> str | None:
    """A setting kept in its own one-line file, or None (never set, or unreadable: the default then)."""
    try:
        value = (config_dir() / name).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return value if value.isprintable() and 0 < len(value) <= 64 else None


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
