"""One way in (issue 22, finding 3): every file the program reads goes through the guarded
open, so that a pipe, a device or a runaway file is refused at once, saying so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import moderate
from helpers.files import REPO


# ---------------------------------------------------------------- in: tables


def _pipe(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _device(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _huge(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.truncate(size)  # sparse: nothing written
    return path


TABLES = [
    (_pipe, "is a named pipe, not a CSV table"),
    (_device, "is a device, not a CSV table"),
    (lambda path: _huge(path, 17 << 20), "is 17 MiB, over the limit of 16 MiB for a CSV table"),
]


@pytest.mark.parametrize("make, refusal", TABLES)
def test_a_table_that_is_a_pipe_a_device_or_too_large_is_refused_at_once(stockton, tmp_path, make, refusal):
    table = make(tmp_path / "table.csv")
    before = stockton.read_bytes()
    for args in (
        ("import", str(stockton), str(table)),
        ("new", str(tmp_path / "new.toml"), "--framework", "hmip-youth-2021", "--cases-from", str(table)),
    ):
        result = moderate(*args)  # bounded: a pipe waited on would hang until the timeout fails it
        assert result.returncode == 2, result
        assert f"{table}: {refusal}" in result.stderr
    assert stockton.read_bytes() == before and not (tmp_path / "new.toml").exists()


# ---------------------------------------------------------------- in: the user's own settings

OPEN_APP = """
import asyncio, sys
sys.path.insert(0, sys.argv[2])
from helpers.screen import Notified
from moderate.screens.app import ModerateApp
from moderate.workspace import Opening

async def main():
    told = Notified()
    app = ModerateApp(Opening.of(sys.argv[1], "tester"))
    async with app.run_test(size=(120, 40), message_hook=told) as pilot:
        await pilot.pause()
        await pilot.press("n")  # the default key
        print(app.session.answer("C01", "2.1.1").value, app.theme)
    print(*told, sep="\\n")

asyncio.run(main())
"""

KINDS = {
    "pipe": (_pipe, "is a named pipe"),
    "device": (_device, "is a device"),
    "huge": (lambda path: _huge(path, 1 << 20), "is 1 MiB, over the limit of"),
}


@pytest.mark.parametrize("keymap, theme", [("pipe", "device"), ("device", "huge"), ("huge", "pipe")])
def test_a_keymap_or_theme_that_is_a_pipe_a_device_or_too_large_opens_the_app_saying_so(stockton, tmp_path, keymap, theme):
    config = tmp_path / "config"
    (config / "moderate").mkdir(parents=True)
    KINDS[keymap][0](config / "moderate" / "keymap.toml")
    KINDS[theme][0](config / "moderate" / "theme")
    result = subprocess.run(  # its own process: a read that hung would fail at the timeout, not hang the tests
        [sys.executable, "-c", OPEN_APP, str(stockton), str(REPO / "tests")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CONFIG_HOME": str(config)},
    )
    assert result.returncode == 0, result.stderr
    answered, *told = result.stdout.splitlines()
    assert answered.split()[0] == "no"  # the app answers, with its default keys
    keymap_told = f"{config}/moderate/keymap.toml: {KINDS[keymap][1]}"
    theme_told = f"{config}/moderate/theme: {KINDS[theme][1]}"
    assert any(m.startswith(keymap_told) and m.endswith("The default keys are in use.") for m in told), told
    assert any(m.startswith(theme_told) and m.endswith("the default theme is in use.") for m in told), told
