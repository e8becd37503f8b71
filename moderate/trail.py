"""The moderation log's invariant (`spec/format.md`, "The moderation log"), in one place.

For every answer with entries, the last entry's `to` is its value in the file (`unanswered`
when it has none, as for a case or question the file no longer has); the same for a
judgement standard's rating (`unrated` when it has none). `moderate check`, the merge and
the tests all ask `breaks` whether a file keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import UNANSWERED, UNRATED, Inspection, ModerationEntry

Logged = tuple[str | None, str]  # (case, question), or (None, standard) for a judgement rating


@dataclass(frozen=True, slots=True)
class Break:
    """An answer (or judgement rating) whose last log entry does not say what the file holds."""

    last: ModerationEntry  # the last entry about it
    index: int  # where that entry is in [[moderation]], from 0
    held: str  # what the file holds, as the log writes it ("unanswered", "unrated")

    @property
    def about(self) -> Logged:
        return self.last.about


def held(inspection: Inspection, about: Logged) -> str:
    """What the file holds for an answer or judgement rating, as the log writes it."""
    case_id, item = about
    if case_id is None:
        try:
            rating = inspection.standard(item).rating
        except KeyError:
            rating = None
        return rating or UNRATED
    try:
        answer = inspection.case(case_id).answers.get(item)
    except KeyError:  # a case the file no longer has holds no answers
        answer = None
    return UNANSWERED if answer is None else answer.value


def last_entries(inspection: Inspection) -> dict[Logged, int]:
    """For each answer and judgement rating with entries, where its last entry is."""
    return {entry.about: i for i, entry in enumerate(inspection.moderation)}


def breaks(inspection: Inspection) -> list[Break]:
    """Every answer and judgement rating whose log does not end where the file does, in log order."""
    found = []
    for about, index in sorted(last_entries(inspection).items(), key=lambda item: item[1]):
        entry = inspection.moderation[index]
        value = held(inspection, about)
        if entry.to != value:
            found.append(Break(entry, index, value))
    return found
