"""Reading holds the garbage collector off, and always gives it back as it found it."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path
from typing import Iterator

import pytest

from moderate import collector
from moderate.reading import InspectionError, load, parse_text
from helpers.screen import until
from moderate.screens.app import ModerateApp
from moderate.session import Session
from moderate.workspace import Opening, Workspace


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    """Each test starts with the collector on, and leaves it on even when it fails."""
    assert gc.isenabled()
    yield
    gc.enable()


def test_the_collector_is_on_again_after_a_file_is_read_or_refused(stockton: Path) -> None:
    assert gc.isenabled()
    load(stockton)
    assert gc.isenabled()
    with pytest.raises(InspectionError):
        parse_text('format = 1\n[inspection]\ntitle = "no framework"\n')
    assert gc.isenabled()


def test_it_stays_off_until_the_last_of_overlapping_readers_is_done() -> None:
    first, second = collector.paused(), collector.paused()  # a save's reader and a reload's, say
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second still reads
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_the_start_held_off_until_drawn_lets_go_once_however_often_told(stockton: Path) -> None:
    drawn = collector.held()  # as `moderate FILE` holds it until its first screen
    load(stockton)
    assert not gc.isenabled()
    reading = collector.held()
    drawn()
    drawn()  # told again: the reader still holds it
    assert not gc.isenabled()
    reading()
    assert gc.isenabled()


def test_readers_in_threads_leave_it_on_whichever_ends_last(stockton: Path) -> None:
    text = stockton.read_text(encoding="utf-8")
    broken = text.replace("format = 1", "format = 'one'", 1)
    errors: list[BaseException] = []

    def read(which: str) -> None:
        for _ in range(20):
            try:
                parse_text(which)
            except InspectionError:
                pass
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=read, args=(t,)) for t in (text, broken, text, broken)]
    for thread in threads:
        thread.start()
    read(text)
    for thread in threads:
        thread.join()
    assert not errors and gc.isenabled()


def test_a_collector_turned_off_by_someone_else_is_left_off(stockton: Path) -> None:
    gc.disable()
    try:
        load(stockton)
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_the_app_lets_go_of_the_start_once_its_first_screen_is_drawn(stockton: Path) -> None:
    drawn = collector.held()  # as cli._app does, before the app's imports and the load
    app = ModerateApp(Opening.of(stockton, "jb"), theme="textual-dark", drawn=drawn)
    assert not gc.isenabled()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert gc.isenabled()


async def test_the_app_keeps_no_session_or_file_of_its_earlier_saves(stockton: Path) -> None:
    """A model is frozen out of the collector's sight after a merging save (`long_lived`): what
    the save's thread worker held then, the file before and after and the sessions on them,
    was frozen too, and kept for good, 3-4 MiB a save at 2,000 cases."""
    app = ModerateApp(Opening.of(stockton, "jb"), theme="textual-dark")
    earlier: list[weakref.ref[Session]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for case in ("C01", "C02", "C03"):
            earlier.append(weakref.ref(app.session))
            await pilot.press("space")  # ours, on the first case's first question
            theirs = Workspace.open(stockton, "ak")  # another's save, of another answer: ours merges it
            theirs.session.set_answer(case, "2.1.2", None)
            assert theirs.save().saved
            theirs.close(keep_unsaved=False)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.session is not earlier[-1]() and not app.session.dirty)
        # The save's worker lets go of the last one as it ends, a moment after the screen has it.
        await until(pilot, lambda: all(ref() is None for ref in earlier))
        assert [ref() is None for ref in earlier] == [True, True, True]
