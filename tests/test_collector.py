"""Reading holds the garbage collector off, and always gives it back as it found it."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from moderate import collector
from moderate.reading import InspectionError, load, parse_text


def test_the_collector_is_on_again_after_a_file_is_read_or_refused(stockton: Path, tmp_path: Path) -> None:
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
