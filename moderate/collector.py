"""The garbage collector held off while a file is read.

Reading a 2,000-case file makes a few hundred thousand records and strings, none in a
cycle; each batch of them sets off a collection that walks everything still alive, the
model half built, for a good part of the load. Reference counting frees them all the same.
Saves and reloads read in a thread beside the screen's, and the app's start (imports, the
load, its first screen: collections that found little) holds it off too, so
the pause is counted: the collector comes back when the last holder is done, as it was
before the first began. And a model built to live as long as its file is open is put out
of the collector's sight (`long_lived`). This module is the only one that turns the
collector off or on, or freezes what it sees. The benchmark measures each: its parse and
start rows, and the longest collection while typing.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from functools import cache
from typing import Callable, Iterator

_lock = threading.Lock()
_holders = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    """The collector held off for a block: a file read, merged or written."""
    let_go = _noop
    try:  # held within: an interruption (ctrl+c) anywhere leaves the count as it was
        let_go = held()
        yield
    finally:
        let_go()


def held() -> Callable[[], None]:
    """The collector held off until the function returned is called (once: again, it does
    nothing), for a span that is not one block: the app's start until its first screen."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    done = False

    def let_go() -> None:
        global _holders
        nonlocal done
        with _lock:
            if done:
                return
            done = True
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()

    return let_go


def _noop() -> None:
    pass


def long_lived() -> None:
    """A model was just built, to live as long as the file is open: out of the garbage
    collector's sight, no full collection walks it again (such a walk of a large model
    landed while the user typed). Its records hold no cycles: reference counting still
    frees them when the model is replaced. And what reading, merging and writing the file
    freed goes back to the system, which the C library keeps otherwise (glibc's
    malloc_trim; elsewhere nothing). The benchmark's memory rows measure both, after a
    merging save and a reload too."""
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes  # here, when a model is first kept: the commands that keep none start without it

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):  # not glibc (macOS, musl): it has none
        return None
    return trim
