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


def second_assessed(path: Path, by: str = "qa", sample: str = "court") -> None:
    """`by`'s second assessment of a sample's cases, imported as a user would: the first answers
    with every other case's first three yes answered no, so that some pairs disagree."""
    answers = moderate("answers", path, "--sample", sample).stdout.splitlines()
    flipped = [answers[0]] + [line.replace("yes", "no", 3) if i % 2 else line for i, line in enumerate(answers[1:])]
    table = path.with_name(f"{path.stem}-second-{by}.csv")
    table.write_text("\n".join(flipped) + "\n", encoding="utf-8")
    done = moderate("import", path, table, "--second", "--as", by)
    assert done.returncode == 0, done.stderr
