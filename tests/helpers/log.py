"""What every moderation log must be, whatever was done."""

from __future__ import annotations

from moderate import words
from moderate.model import Inspection
from moderate.trail import breaks


def assert_the_log_ends_at_the_file(inspection: Inspection) -> None:
    """The invariant: every answer (and judgement rating) with entries ends where the file has it."""
    assert [words.log_break(b) for b in breaks(inspection)] == []
