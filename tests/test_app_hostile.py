"""The app on hostile files and neighbours (issue 14, findings 2, 3, 5, 8, 9, 12): file text is
shown, never obeyed, never parsed as markup; waiting on someone else's save never freezes it."""

from __future__ import annotations

import pytest

import fcntl
import os
import time

from helpers.app import open_app
from helpers.files import SAMPLES
from helpers.screen import Notified, screen_text, until
from helpers.terminal import app_in_a_terminal

from moderate.screens.dialogs import FileGone
from moderate.screens.panel import PanelScreen

ESC = "\\u001b"


def hostile(tmp_path, title: str, replacements: dict[str, str] | None = None):
    text = (SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Stockton-on-Tees', f'title = "{title}', 1)
    for old, new in (replacements or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_file_text_that_looks_like_markup_is_shown_as_it_is(tmp_path):
    path = hostile(
        tmp_path, "[/] [b]Stockton", {'id = "C01"': 'id = "[/b]C01["', 'label = "': 'label = "Referral order [amended] '}
    )
    async with open_app(path).run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "[/] [b]Stockton" in text
        assert "[/b]C01[" in text
        assert "Referral order [amended]" in text
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)
        await pilot.press("escape", "q")


@pytest.mark.terminal
def test_terminal_escapes_in_the_file_never_reach_the_terminal(tmp_path):
    """The real app in a pseudo-terminal: what it writes holds the file's escapes made visible."""
    path = hostile(
        tmp_path, f"{ESC}]2;pwned{ESC}\\\\{ESC}[6n{ESC}[c\\u202e", {'title = "': f'title = "{ESC}[2J'}
    )  # the first standard's title, after the inspection's
    terminal = app_in_a_terminal(path, "jb")
    try:
        terminal.read_until(b"Score 32/36")
        deadline = time.monotonic() + 10
        while b"pwned" not in terminal.output and time.monotonic() < deadline:
            terminal.chunk(0.2)
        terminal.write(b"q")
        terminal.wait(30)  # reading all it writes as it quits
        status = terminal.status
    finally:
        terminal.close()
    seen = bytes(terminal.output)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0  # q still quits: nothing typed replies into it
    for raw in (b"\x1b]2;pwned", b"\x1b[6n", b"\x1b[c", "\u202e".encode()):
        assert raw not in seen
    assert "␛[6n␛[c<U+202E>".encode() in seen


async def test_a_save_waits_visibly_on_someone_elses_and_esc_stops_it(stockton):
    lock = stockton.with_name(f".{stockton.name}.lock")
    fd = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another save, stopped mid-way
    try:
        notified = Notified()
        async with open_app(stockton).run_test(size=(100, 30), message_hook=notified) as pilot:
            await pilot.press("n", "ctrl+s")
            await until(pilot, lambda: any("Waiting for root's save" in message for message in notified))
            assert pilot.app.session.dirty
            assert any("Waiting for root's save (Esc to stop)" in message for message in notified)
            await pilot.press("right")  # the app still answers keys meanwhile
            await pilot.press("escape")
            await until(pilot, lambda: any("Not saved: " in message for message in notified))
            assert any("Not saved: root's save still holds" in message for message in notified)
            assert pilot.app.session.dirty
    finally:
        os.close(fd)


async def test_a_file_deleted_while_open_asks_before_saving(stockton):
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        stockton.unlink()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(pilot.app.screen, FileGone))
        assert isinstance(pilot.app.screen, FileGone)
        assert not stockton.exists()
        await pilot.press("o")
        await until(pilot, lambda: not pilot.app.session.dirty)
        assert stockton.exists() and not pilot.app.session.dirty
        await pilot.press("q")


async def test_leftover_merge_conflicts_are_shown_on_opening(stockton):
    stockton.write_text(
        stockton.read_text() + '\n[[merge_conflicts]]\nkind = "answer"\ncase = "C01"\n'
        'question = "2.1.1"\nbase = "yes"\nours = "no"\ntheirs = "n/a"\n'
    )
    notified = Notified()
    async with open_app(stockton).run_test(size=(100, 30), message_hook=notified) as pilot:
        await pilot.pause()
        assert any("1 merge conflict left to settle" in message for message in notified)
        await pilot.press("q")
