"""Processes as Linux's /proc shows them: what the tests and the benchmark ask of a merge's
child process, or of a save stopped mid-way (its state, its parent, its memory)."""

from __future__ import annotations

from pathlib import Path


def state(pid: int) -> str | None:
    """Its state's letter (R running, S sleeping, T stopped, Z a zombie...); None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return None


def children(parent: int, named: bytes) -> list[int]:
    """The processes of `parent` running now whose command line holds `named` (a zombie has none)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == parent and named in command:
            found.append(int(entry.name))
    return found


def resident(pid: int) -> int:
    """Its resident memory (VmRSS), in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) * 1024
