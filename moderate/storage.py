"""Putting an inspection on disk without ever leaving a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .model import Inspection
from .writing import dumps

PRIVATE = 0o600  # the data is about children: no one else on the server reads what we create


def write_text(path: str | Path, text: str) -> None:
    """Replace `path` with `text` atomically: a temporary file beside it, fsynced, renamed over it.

    A new file is readable by its owner only; an existing one keeps its permissions.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = PRIVATE
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
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def save(path: str | Path, inspection: Inspection) -> str:
    """Write the inspection in the canonical layout; returns the text written."""
    text = dumps(inspection)
    write_text(path, text)
    return text
