"""The garbage collector held off while a file is read.

Reading a 2,000-case file makes a few hundred thousand records and strings, none in a
cycle; each batch of them sets off a collection that walks everything still alive, the
model half built: 50-200 ms of a 0.4 s load. Reference counting frees them all the same.
Saves and reloads read in a thread beside the screen's, and the app's start (imports, the
load, its first screen: 10-30 ms of collections that found little) holds it off too, so
the pause is counted: the collector comes back when the last holder is done, as it was
before the first began. This module is the only one that turns it off or on.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
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
