"""The soak (tools/soak.py), for a minute: moderators answering, undoing, saving, importing,
killed with kill -9 and hung up on, their work restored, lose nothing, tear nothing, and the
moderation log only ever grows. The README says how to run it for an hour."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.files import REPO

pytestmark = [pytest.mark.slow, pytest.mark.terminal, pytest.mark.subprocess]


def test_a_minute_of_moderators_saving_undoing_importing_and_being_killed_loses_nothing():
    # In a directory of its own under /tmp (pytest's are closed to other users), kept if it fails.
    run = subprocess.run(
        [sys.executable, str(REPO / "tools" / "soak.py"), "--seconds", "60", "--seed", "1"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    said = run.stdout + run.stderr
    figures = dict(line.split(": ", 1) for line in run.stdout.splitlines() if ": " in line and not line.startswith(" "))
    for kind in ("lost", "torn", "log mismatches", "out of step", "unjournaled"):
        assert figures.get(kind) == "0", said
    for kind in ("saves", "kills", "hangups", "restores", "imports"):  # it did what it says it does
        assert int(figures[kind]) > 0, said
    assert run.returncode == 0, said
