"""A save runs beside the user, not in their way: keys go on during it, and what they do is kept."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import time

import pytest

from moderate.journal import pending
from moderate.model import Answer
from moderate.reading import load
from moderate.screens.app import ModerateApp
from moderate.screens.grid import CaseGrid
from moderate.guard import user_name
from moderate.storage import busy, write_text
from moderate.workspace import Opening, Workspace
from helpers.files import REPO
from helpers.screen import Notified, screen_text, until
from helpers.terminal import app_in_a_terminal, until_journaled
from processes import state


def someone_else_saves(path) -> None:
    """Another moderator's save of the last "yes" in the file (an answer, or a log entry's): ours must then merge."""
    text = path.read_text()
    at = text.rindex('= "yes"')
    write_text(path, text[:at] + '= "no"' + text[at + len('= "yes"') :])


def cell(app) -> tuple[str, str]:
    grid = app.screen.query_one(CaseGrid)
    return grid.current_case.id, grid.rows[grid.cursor[0]].question


def saving(app) -> bool:
    return "saving…" in screen_text(app).splitlines()[0]


async def test_a_key_pressed_during_a_save_is_handled_at_once_and_its_change_stays_unsaved(stockton, held):
    notified = Notified()
    app = ModerateApp(Opening.of(stockton, "tester"), theme="textual-dark")
    async with app.run_test(size=(100, 30), message_hook=notified) as pilot:
        await pilot.press("space")
        first = cell(app)
        someone_else_saves(stockton)  # so that ours merges
        await pilot.press("ctrl+s", "down", "space")  # the save waits on the lock meanwhile
        second = cell(app)
        assert second != first and second in app.session.unsaved_cells and saving(app)  # handled during the save
        held()
        await until(pilot, lambda: any(m.startswith("Saved") for m in notified))
        saves = [m for m in notified if m.startswith("Saved")]
        assert len(saves) == 1 and saves[0].endswith("; what you did while it saved is kept, unsaved.")
        saved = load_answers(stockton)
        assert saved.get(first) == app.session.answer(*first) and saved.get(second) != app.session.answer(*second)
        assert app.session.dirty and app.session.unsaved_cells == {second}  # saved: the first; not: the second
        journaled = pending(stockton, "tester")
        assert [(r["case"], r["question"]) for r in journaled.records if r["do"] == "answer"] == [second]
        logged = [(e.case, e.question) for e in saved_log(stockton) if e.by == "tester"]
        assert logged == [first]  # the log holds what was saved, and only that
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.session.dirty)
    assert load_answers(stockton).get(second) == app.session.answer(*second)
    assert [(e.case, e.question) for e in saved_log(stockton) if e.by == "tester"] == [first, second]


async def test_the_status_line_says_saving_while_a_save_runs(stockton, held):
    app = ModerateApp(Opening.of(stockton, "tester"), theme="textual-dark")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert saving(app)
        held()
        await until(pilot, lambda: not saving(app))
        assert "unsaved" not in screen_text(app).splitlines()[0]


@pytest.fixture
def held(stockton):
    """Someone else's save, holding the file's lock until the test lets it go."""
    lock = os.open(stockton.with_name(f".{stockton.name}.lock"), os.O_RDONLY | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    yield lambda: os.close(lock)
    with contextlib.suppress(OSError):
        os.close(lock)


async def test_a_second_save_asked_for_during_a_save_comes_after_it_once(stockton, held):
    notified = Notified()
    app = ModerateApp(Opening.of(stockton, "tester"), theme="textual-dark")
    async with app.run_test(size=(100, 30), message_hook=notified) as pilot:
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        await pilot.press("n", "ctrl+s", "ctrl+s")
        assert saving(app) and len(app.session.unsaved_cells) == 2
        held()  # their save ends: ours goes on
        await until(pilot, lambda: not saving(app))
        assert not app.session.dirty
    assert len([m for m in notified if m.startswith("Saved")]) == 2  # the first, then one more: not three
    assert [e.case for e in load(stockton).inspection.moderation if e.by == "tester"] == ["C01", "C02"]


async def test_quitting_during_a_save_waits_for_it(stockton, held):
    notified = Notified()
    app = ModerateApp(Opening.of(stockton, "tester"), theme="textual-dark")
    async with app.run_test(size=(100, 30), message_hook=notified) as pilot:
        await pilot.press("n", "ctrl+s", "q")
        await until(pilot, lambda: any(message.startswith("Quitting once the save ends") for message in notified))
        assert saving(app) and app.return_code is None  # not cut short
        held()
        await until(pilot, lambda: app.return_code is not None)
    assert load(stockton).inspection.moderation[-1].by == "tester" and pending(stockton, "tester") is None


def load_answers(path) -> dict[tuple[str, str], object]:
    return {(c.id, q): a for c in load(path).inspection.cases for q, a in c.answers.items()}


def saved_log(path):
    return load(path).inspection.moderation


# ---------------------------------------------------------------- the workspace, step by step


def other(answer):
    return Answer.NO if answer == Answer.YES else Answer.YES


def test_a_crash_after_the_file_is_written_keeps_what_was_done_while_it_saved(stockton):
    opened = Workspace.open(stockton, "jb")
    session = opened.session
    session.set_answer("C03", "2.2.2", other(session.answer("C03", "2.2.2")))
    saving = opened.start_save()
    during = other(session.answer("C04", "2.2.1"))
    session.set_answer("C04", "2.2.1", during)  # while the save runs
    saving.write()
    opened.journal.close()  # the crash, before the loop took the save back
    found = pending(stockton, "jb")
    assert found.matches and [(r["do"], r["case"]) for r in found.records] == [("answer", "C04")]
    restored = Workspace.restore(found)
    assert restored.session.answer("C04", "2.2.1") == during and restored.session.unsaved_cells == {("C04", "2.2.1")}
    restored.close(keep_unsaved=False)


def test_an_undo_during_a_save_takes_back_what_was_saved_and_leaves_that_unsaved(stockton):
    opened = Workspace.open(stockton, "jb")
    session = opened.session
    before = session.answer("C03", "2.2.2")
    session.set_answer("C03", "2.2.2", other(before))
    saving = opened.start_save()
    session.undo()  # while the save runs
    outcome = opened.finish_save(saving, saving.write())
    assert outcome.replaced and not outcome.behind
    assert load(stockton).inspection.case("C03").answers["2.2.2"] == other(before)  # saved
    assert opened.session.answer("C03", "2.2.2") == before and opened.session.dirty  # taken back, not yet saved
    assert opened.save().saved
    saved = load(stockton).inspection
    assert saved.case("C03").answers["2.2.2"] == before
    assert [(e.from_, e.to) for e in saved.moderation if e.about == ("C03", "2.2.2")] == [
        (before.value, other(before).value),
        (other(before).value, before.value),
    ]  # the log says both, as they were saved
    opened.close(keep_unsaved=False)


def test_a_change_during_a_merging_save_to_an_answer_the_merge_took_from_another_is_asked_about_next(stockton):
    mine, theirs = Workspace.open(stockton, "jb"), Workspace.open(stockton, "ak")
    theirs.session.set_answer("C04", "2.2.1", Answer.NA)
    theirs.save()
    mine.session.set_answer("C03", "2.2.2", other(mine.session.answer("C03", "2.2.2")))
    saving = mine.start_save()
    mine.session.set_answer("C04", "2.2.1", Answer.NO)  # while the save runs: ak's n/a is merged in meanwhile
    outcome = mine.finish_save(saving, saving.write())
    assert outcome.behind and mine.session.dirty  # all of ours kept, unsaved
    conflicts = mine.save().conflicts
    assert [(c.case, c.question, c.ours, c.theirs) for c in conflicts] == [("C04", "2.2.1", "no", "n/a")]
    mine.close(keep_unsaved=False)
    theirs.close(keep_unsaved=False)


def test_a_save_by_another_landing_while_ours_is_handed_back_is_noticed_as_theirs(stockton):
    mine, theirs = Workspace.open(stockton, "jb"), Workspace.open(stockton, "ak")
    mine.session.set_answer("C03", "2.2.2", other(mine.session.answer("C03", "2.2.2")))
    saving = mine.start_save()
    written = saving.write()  # done in a thread: the loop has not taken it back yet
    theirs.session.set_answer("C04", "2.2.1", Answer.NA)
    assert theirs.save().saved  # merged with ours, and written
    mine.finish_save(saving, written)
    assert mine.moved() == "changed"  # so the app reads and shows ak's n/a
    read = mine.read_theirs(clean=not mine.session.dirty)
    assert read.differs and mine.take(read) == {("C04", "2.2.1")}
    assert mine.session.answer("C04", "2.2.1") == Answer.NA
    mine.close(keep_unsaved=False)
    theirs.close(keep_unsaved=False)


# Another moderator's real save, stopped (as ctrl+z or SIGSTOP stops it) under the file's lock,
# just before it writes: the moment its `writing` hears the text it is about to write.
STOPPED_MID_SAVE = """
import os, signal, sys
from moderate.model import Answer
from moderate.reading import load
from moderate.session import Session
from moderate.storage import save_merging
loaded = load(sys.argv[1])
session = Session(loaded.inspection, loaded.framework, "ak")
session.set_answer("C03", "2.1.1", Answer.NO)
save_merging(sys.argv[1], loaded.text, session.snapshot(), writing=lambda text: os.kill(os.getpid(), signal.SIGSTOP))
"""


def stopped(pid: int) -> bool:
    return state(pid) == "T"


@pytest.mark.terminal
@pytest.mark.subprocess
def test_another_save_stopped_holding_the_lock_leaves_the_app_answering_keys(stockton):
    other = subprocess.Popen([sys.executable, "-c", STOPPED_MID_SAVE, str(stockton)], cwd=REPO)
    app = app_in_a_terminal(stockton, "jb")
    try:
        deadline = time.monotonic() + 30
        while not stopped(other.pid):
            assert other.poll() is None and time.monotonic() < deadline, "the other save never stopped mid-way"
            time.sleep(0.05)
        holder = user_name(os.geteuid())
        assert busy(stockton) == holder  # stopped with the lock held
        app.read_until(b"Score 32/36")
        app.write(b"n")  # C01 2.1.1: no; the cursor moves on to C02
        until_journaled(stockton, "jb", 1)
        app.write(b"\x13")  # ctrl+s: waits on the stopped save
        app.read_until(f"Waiting for {holder}'s save".encode())
        app.write(b"n")  # C02 2.1.1, while our save waits
        until_journaled(stockton, "jb", 2)  # the key was handled: the app answers keys
        app.write(b"\x1b")  # Esc: stop waiting
        app.read_until(b"Not saved")
        other.kill()  # the stopped save is ended: its lock goes with it, nothing of it written
        other.wait(timeout=30)
        app.write(b"\x13")
        app.read_until(b"Saved")
    finally:
        app.close()
        if other.poll() is None:
            other.kill()
            other.wait()
    saved = load(stockton).inspection
    assert [(e.by, e.case, e.question) for e in saved.moderation] == [("jb", "C01", "2.1.1"), ("jb", "C02", "2.1.1")]
    assert saved.case("C03").answers["2.1.1"] == Answer.YES  # the stopped save wrote nothing
