"""The app never loses a moderator's work: crashes, hang-ups, other moderators, failing saves."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from helpers.app import go_to, open_app, typed
from helpers.files import REPO, SAMPLES
from helpers.screen import Notified, screen_text, until
from helpers.terminal import app_in_a_terminal, until_journaled
from moderate.journal import pending
from moderate.model import Answer
from moderate.reading import load
from moderate.screens.dialogs import AskText, ResolveConflicts, RestoreWork
from moderate.workspace import Workspace
from pseudo_terminal import PseudoTerminal


async def test_work_left_by_a_crash_is_offered_back_and_restored(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("y", "n", "left", "m")  # each answer moves on to the next case
        answers = {c: dict(a) for c, a in pilot.app.session.answers.items()}
    # the app ended without saving or quitting: its journal holds the work
    found = pending(stockton, "jb")
    assert found is not None and "2 answers changed" in found.summary
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, RestoreWork)
        await pilot.press("r")
        await pilot.pause()
        assert pilot.app.session.answers == answers and pilot.app.session.dirty
        assert pilot.app.session.cases["C02"].moderated.by == "jb"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("q")
    assert pending(stockton, "jb") is None
    assert load(stockton).inspection.case("C01").answers["2.2.2"] == Answer.YES


async def test_discarding_the_work_of_a_crash_is_a_choice(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("y")
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert pilot.app.session.answer("C01", "2.2.2") == Answer.NO and not pilot.app.session.dirty
    assert pending(stockton, "jb") is None


@pytest.mark.terminal
def test_a_hang_up_keeps_every_change_and_leaves_cleanly(stockton, tmp_path):
    """The real app in a pseudo-terminal, its SSH connection dropped (SIGHUP) after three changes."""
    terminal = app_in_a_terminal(stockton, "jb")
    try:
        terminal.read_until(b"Score 32/36")
        for key in (b"n", b"a", b"x"):  # the cursor starts on 2.1.1, C01; each answer moves on: C02, C03
            terminal.write(key)
            time.sleep(0.15)
        terminal.read_until(b"unsaved")
        until_journaled(stockton, "jb", 3)  # all three keys handled (under load, "unsaved" shows after the first)
        terminal.signal(signal.SIGHUP)
        terminal.wait(30)
        status = terminal.status
    finally:
        terminal.close()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 128 + signal.SIGHUP
    found = pending(stockton, "jb")
    assert found is not None and "answers changed" in found.summary
    restored = Workspace.restore(found).session
    assert {case: restored.answer(case, "2.1.1") for case in ("C01", "C02", "C03")} == {
        "C01": Answer.NO,
        "C02": Answer.NA,
        "C03": None,
    }


@pytest.mark.terminal
def test_a_terminal_that_closes_without_a_hang_up_still_ends_the_app_and_keeps_its_work(stockton):
    """The pseudo-terminal is not the app's controlling terminal here, so closing it sends no SIGHUP:
    the app must notice the terminal gone, not spin on end-of-file on a shared server."""
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    app = PseudoTerminal(
        [sys.executable, "-m", "moderate.cli", str(stockton), "--as", "jb"],
        {**environment, "TERM": "xterm-256color"},
        cwd=REPO,
        controlling=False,
    )
    try:
        app.read_until(b"Score 32/36")
        app.write(b"n")
        app.read_until(b"unsaved")
    finally:
        app.let_go()
    try:
        status = app.wait(timeout=20)
    finally:
        app.close()
    assert status == 128 + signal.SIGHUP
    found = pending(stockton, "jb")
    assert found is not None and "1 answer changed" in found.summary


async def test_two_moderators_saving_different_answers_both_keep_their_work(stockton):
    first, second = open_app(stockton, "ak"), open_app(stockton, "jb")
    told = Notified()
    async with first.run_test(size=(80, 24)) as one, second.run_test(size=(80, 24), message_hook=told) as two:
        # jb's change is made before ak saves: else, on a busy machine, jb's app may see ak's
        # save while still clean and take it as a reload, with nothing left to merge
        await go_to(two, "2.1.2", "C02")
        await two.press("n")
        await go_to(one, "2.1.1", "C01")
        await one.press("n", "ctrl+s")
        await until(one, lambda: not first.session.dirty)
        await two.press("ctrl+s")
        await until(two, lambda: not second.session.dirty)
        assert second.session.answer("C01", "2.1.1") == Answer.NO  # ak's save, merged in
        assert any("with 1 answer saved by others merged in (marked ◆)" in m for m in told), told
    saved = load(stockton).inspection
    assert saved.case("C01").answers["2.1.1"] == Answer.NO and saved.case("C02").answers["2.1.2"] == Answer.NO
    assert [(e.by, e.question) for e in saved.moderation] == [("ak", "2.1.1"), ("jb", "2.1.2")]


async def test_the_same_answer_changed_by_two_moderators_is_asked_not_overwritten(stockton):
    first, second = open_app(stockton, "ak"), open_app(stockton, "jb")
    async with first.run_test(size=(80, 24)) as one, second.run_test(size=(80, 24)) as two:
        # jb's change is made before ak saves, as in the test above: jb's app, still clean when
        # it sees ak's save, would take it as a reload (at once, its merge process kept), and
        # jb's change would then meet no conflict
        await go_to(two, "2.1.1", "C01")
        await two.press("a")
        await go_to(one, "2.1.1", "C01")
        await one.press("n", "ctrl+s")
        await until(one, lambda: not first.session.dirty)
        await two.press("ctrl+s")
        # the dialog up and painted (its first frame may come after the screen is pushed)
        await until(two, lambda: isinstance(second.screen, ResolveConflicts) and "keep yours" in screen_text(second))
        assert load(stockton).inspection.case("C01").answers["2.1.1"] == Answer.NO  # ak's, untouched
        lines = screen_text(second)
        assert "[x] keep yours  C01 2.1.1: base yes, ours n/a, theirs no" in lines
        await two.press("space")  # take theirs
        assert "[ ] take theirs C01 2.1.1" in screen_text(second)
        await two.click("#save")
        await until(two, lambda: not second.session.dirty)
    assert load(stockton).inspection.case("C01").answers["2.1.1"] == Answer.NO


@pytest.mark.slow
async def test_a_save_that_fails_says_why_keeps_the_work_and_offers_a_copy(tmp_path):
    folder = tmp_path / "inspections"
    folder.mkdir()
    path = shutil.copy(SAMPLES / "northumberland-2023.toml", folder / "n.toml")
    copy = tmp_path / "rescued.toml"
    notified = Notified()
    async with open_app(path).run_test(size=(80, 24), message_hook=notified) as pilot:
        await go_to(pilot, "2.4.3", "C01")
        await pilot.press("n")
        shutil.rmtree(folder)  # the file's place is gone: nothing can be written there
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        assert any(m.startswith("Not saved:") and "still here" in m for m in notified)
        assert pilot.app.session.dirty
        await typed(pilot, *str(copy), "enter")
        await until(pilot, copy.exists)
    assert load(copy).inspection.case("C01").answers["2.4.3"] == Answer.NO


@pytest.fixture
def small_disk(tmp_path):
    """A file system of 1 MiB of its own, to fill: only root can mount one."""
    if os.geteuid() != 0:
        pytest.skip("filling a disk takes a tmpfs of its own, which only root can mount")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def fill(disk) -> None:
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"x" * 4096)
        except OSError:
            pass


async def test_a_save_that_fails_on_a_full_disk_has_ended_when_a_copy_is_offered(small_disk, tmp_path):
    path = shutil.copy(SAMPLES / "stockton-on-tees-2021.toml", small_disk / "s.toml")
    notified = Notified()
    async with open_app(path).run_test(size=(120, 24), message_hook=notified) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("y")
        fill(small_disk)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        assert any(m.startswith("Not saved:") and "No space left on device" in m for m in notified), notified
        top = screen_text(pilot.app).splitlines()[0]
        assert "unsaved" in top and "saving…" not in top  # the save is over: the copy is asked about after it
        await typed(pilot, *str(tmp_path / "rescued.toml"), "enter")
        await until(pilot, (tmp_path / "rescued.toml").exists)
    assert load(tmp_path / "rescued.toml").inspection.case("C01").answers["2.2.2"] == Answer.YES


@pytest.mark.slow
async def test_a_journal_that_stops_is_told_at_once_and_a_copy_is_offered(stockton, tmp_path):
    """The disk under the journal fills (every write to it fails from then on): the change is
    kept, the user is told at once, the status line says so, and a copy elsewhere is offered."""
    copy = tmp_path / "rescued.toml"
    notified = Notified()
    async with open_app(stockton).run_test(size=(120, 24), message_hook=notified) as pilot:
        journal = pilot.app.workspace.journal
        room, full = os.dup(journal._fd), os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, journal._fd)
        try:
            await go_to(pilot, "2.2.2", "C01")
            await pilot.press("y")
            await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
            assert any(m.startswith("Your changes can no longer be kept safe in the journal: No space left") for m in notified)
            assert "⚠ NOT JOURNALED: save now" in screen_text(pilot.app).splitlines()[0]
            assert pilot.app.session.answer("C01", "2.2.2") == Answer.YES and pilot.app.session.dirty
            await typed(pilot, *str(copy), "enter")
            await until(pilot, copy.exists)
        finally:
            os.dup2(room, journal._fd)  # room again, for the journal's close
            os.close(room)
            os.close(full)
    assert load(copy).inspection.case("C01").answers["2.2.2"] == Answer.YES


async def test_a_world_readable_inspection_is_warned_about(stockton):
    stockton.chmod(0o644)
    notified = Notified()
    async with open_app(stockton).run_test(size=(80, 24), message_hook=notified) as pilot:
        await pilot.pause()
        assert any("readable" in message for message in notified)
