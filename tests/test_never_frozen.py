"""A save runs beside the user, not in their way: keys go on during it, and what they do is kept."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from moderate.journal import pending
from moderate.reading import load
from moderate.screens.app import ModerateApp
from moderate.screens.grid import CaseGrid
from moderate.storage import write_text
from moderate.workspace import Opening
from screen import Notified, screen_text, until


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """2,000 cases: big enough that a merging save takes a while (parsing and merging theirs)."""
    path = tmp_path_factory.mktemp("large") / "large.toml"
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_inspection.py"), str(path), "--cases", "2000"],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def large(generated, tmp_path):
    path = shutil.copy(generated, tmp_path / "large.toml")
    path.chmod(0o600)
    return path


def someone_else_saves(path) -> None:
    """Another moderator's save of one answer of the last case: ours must then merge."""
    text = path.read_text()
    at = text.rindex('= "yes"')
    write_text(path, text[:at] + '= "no"' + text[at + len('= "yes"') :])


def cell(app) -> tuple[str, str]:
    grid = app.screen.query_one(CaseGrid)
    return grid.current_case.id, grid.rows[grid.cursor[0]].question


def saving(app) -> bool:
    return "saving…" in screen_text(app).splitlines()[0]


async def test_a_key_pressed_during_a_save_is_handled_at_once_and_its_change_stays_unsaved(large):
    app = ModerateApp(Opening.of(large, "tester"), theme="textual-dark")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        first = cell(app)
        someone_else_saves(large)
        await pilot.press("ctrl+s", "down", "space")
        second = cell(app)
        assert second != first and second in app.session.unsaved_cells  # handled...
        assert saving(app)  # ...while the save still runs
        await until(pilot, lambda: not saving(app))
        saved = load_answers(large)
        assert saved[first] == app.session.answer(*first) and saved[second] != app.session.answer(*second)
        assert app.session.dirty and app.session.unsaved_cells == {second}  # saved: the first; not: the second
        journaled = pending(large, "tester")
        assert [(r["case"], r["question"]) for r in journaled.records if r["do"] == "answer"] == [second]
        logged = [(e.case, e.question) for e in saved_log(large) if e.by == "tester"]
        assert logged == [first]  # the log holds what was saved, and only that
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.session.dirty)
    assert load_answers(large)[second] == app.session.answer(*second)
    assert [(e.case, e.question) for e in saved_log(large) if e.by == "tester"] == [first, second]


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
    app = ModerateApp(Opening.of(stockton, "tester"), theme="textual-dark")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "ctrl+s", "q")
        await pilot.pause(0.3)
        assert saving(app) and app.return_code is None  # not cut short
        held()
        await until(pilot, lambda: app.return_code is not None)
    assert load(stockton).inspection.moderation[-1].by == "tester" and pending(stockton, "tester") is None


def load_answers(path) -> dict[tuple[str, str], object]:
    return {(c.id, q): a for c in load(path).inspection.cases for q, a in c.answers.items()}


def saved_log(path):
    return load(path).inspection.moderation
