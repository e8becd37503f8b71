"""Which columns of a line to repaint: only those that read or look different.

Textual writes a repainted region of a line from the nearest widget edge before it up to the
region's end, so a region that ends at the last changed column leaves the rest unwritten.
"""

from __future__ import annotations

from itertools import zip_longest

from textual.strip import Strip


def differing(old: Strip | None, new: Strip) -> tuple[int, int] | None:
    """The columns from the first to the last at which two lines read or look different (None:
    alike); a line drawn afresh, or one with wide characters, from its first column to its last."""
    if old is None:
        return (0, new.cell_length)
    if list(old) == list(new):
        return None
    before = [(c, s.style) for s in old for c in s.text]
    after = [(c, s.style) for s in new for c in s.text]
    if old.cell_length != len(before) or new.cell_length != len(after):  # wide characters: not by column
        return (0, max(old.cell_length, new.cell_length))
    changed = [x for x, (a, b) in enumerate(zip_longest(before, after)) if a != b]
    return (changed[0], changed[-1] + 1) if changed else None
