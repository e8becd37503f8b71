"""The user's own settings kept between runs: the theme they chose, in ~/.config/moderate/.

Owner-only, like everything the program creates: the directory 0700, the file 0600.
"""

from __future__ import annotations

import os
from pathlib import Path


def config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "moderate"


def _theme_file() -> Path:
    return config_dir() / "theme"


def chosen_theme() -> str | None:
    """The theme the user last chose, or None (never chosen, or unreadable: the default then)."""
    try:
        name = _theme_file().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if name.isprintable() and 0 < len(name) <= 64 else None


def remember_theme(name: str) -> None:
    """Keep the theme for next time; a setting that cannot be written is not worth an error."""
    try:
        config_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(_theme_file(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)  # a file made before, by hand, is made owner-only too
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(name + "\n")
    except OSError:
        pass
