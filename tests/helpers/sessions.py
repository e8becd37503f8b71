"""A session on a sample, in memory: for the tests of the core's commands."""

from __future__ import annotations

import datetime as dt
import itertools

from moderate.reading import load
from moderate.session import Session

from .files import SAMPLES


def stockton_session(user: str = "jb") -> Session:
    """A session on the Stockton-on-Tees sample, its commands a minute apart from 09:00 on 23 November 2026."""
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    start = dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc)
    times = (start + dt.timedelta(minutes=minute) for minute in itertools.count())
    return Session(loaded.inspection, loaded.framework, user, clock=lambda: next(times))
