"""The real command line, run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable


def moderate(
    *args: str | Path, cwd: Path | None = None, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `moderate ARGS...` and take what it printed; bounded, so that a hang fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "moderate.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        preexec_fn=preexec_fn,
    )
