"""The garbage collector held off while a file is read.

Reading a 2,000-case file makes a few hundred thousand records and strings, none in a
cycle; each batch of them sets off a collection that walks everything still alive, the
model half built: 50-200 ms of a 0.4 s load. Reference counting frees them all the same.
Saves and reloads read in a thread beside the screen's, so the pause is counted: the
collector comes back when the last reader is done, as it was before the first began.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_readers = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    global _readers, _was_enabled
    counted = False
    try:  # counted within: an interruption (ctrl+c) anywhere leaves the count as it was
        with _lock:
            if _readers == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _readers += 1
            counted = True
        yield
    finally:
        if counted:
            with _lock:
                _readers -= 1
                if _readers == 0 and _was_enabled:
                    gc.enable()
