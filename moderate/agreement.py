"""What the moderation log says about agreement (`spec/format.md`, "The machine-readable report").

A *reviewed* answer is a (case, question) with at least one entry in the log; it is
*changed* when its value now differs from the `from` of its first entry, and *changed and
changed back* when entries moved it but it stands now as it was before them. Counts go by
question (framework and id), by the case's inspector and by moderator, each listed in file order and only
where something was reviewed. Judgement ratings are in the log but not in the counts.
The one count, used by `moderate report` and `moderate stats` alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterable, Mapping, TypeVar

from .model import UNANSWERED, Inspection, ModerationEntry
from .pairs import QuestionKey, added, questions_asked

Cell = tuple[str, str]  # (case id, question id)


@dataclass(frozen=True, slots=True)
class Count:
    reviewed: int = 0
    changed: int = 0
    # Changed and changed back: entries that moved the answer, which now stands as it did before
    # them (ann yes → no, bob no → yes). Not `changed`, and never to be said as only reviewed.
    changed_back: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.reviewed + other.reviewed, self.changed + other.changed, self.changed_back + other.changed_back)

    @property
    def agreed(self) -> int:
        """Reviewed answers no entry moved: each reviewed and agreed with (`from` = `to`) only."""
        return self.reviewed - self.changed - self.changed_back

    @property
    def agreement(self) -> Fraction | None:
        """The share of reviewed answers left as they were; None when nothing was reviewed."""
        return Fraction(self.reviewed - self.changed, self.reviewed) if self.reviewed else None


@dataclass(frozen=True, slots=True)
class Agreement:
    total: Count = Count()
    by_question: Mapping[QuestionKey, Count] = field(default_factory=dict)  # by framework and id: never one id across frameworks
    by_inspector: Mapping[str, Count] = field(default_factory=dict)
    # A moderator reviewed an answer when they made an entry on it, and changed it when
    # their own entries on it, taken together, moved it (their last `to` is not their first `from`).
    by_moderator: Mapping[str, Count] = field(default_factory=dict)

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            self.total + other.total,
            added(self.by_question, other.by_question),
            added(self.by_inspector, other.by_inspector),
            added(self.by_moderator, other.by_moderator),
        )


_Key = TypeVar("_Key", str, QuestionKey)


def count(inspection: Inspection) -> Agreement:
    """The agreement figures of one inspection's moderation log."""
    entries: dict[Cell, list[ModerationEntry]] = {}
    for entry in inspection.moderation:
        if not entry.is_rating:
            entries.setdefault((entry.case, entry.question), []).append(entry)
    cases = {case.id: case for case in inspection.cases}
    counted: dict[Cell, Count] = {}
    for (case_id, question), logged in entries.items():
        case = cases.get(case_id)
        answer = case.answers.get(question) if case is not None else None
        counted[case_id, question] = _one(logged[0].from_, UNANSWERED if answer is None else answer.value, logged)

    def tally(keys: Iterable[_Key], key_of: Callable[[tuple[str, str]], _Key]) -> dict[_Key, Count]:
        counts: dict[_Key, Count] = {key: Count() for key in keys}
        for cell, one in counted.items():
            key = key_of(cell)
            counts[key] = counts.get(key, Count()) + one
        return {key: c for key, c in counts.items() if c.reviewed}

    inspectors = [case.inspector or "" for case in inspection.cases]
    by_moderator: dict[str, Count] = {}
    for logged in entries.values():
        by_moderator = added(by_moderator, _moderators(logged))
    return Agreement(
        total=sum(counted.values(), Count()),
        by_question=tally(questions_asked(inspection), lambda cell: (inspection.framework, cell[1])),
        by_inspector=tally(inspectors, lambda cell: (cases[cell[0]].inspector or "") if cell[0] in cases else ""),
        by_moderator=by_moderator,
    )


def _moderators(logged: list[ModerationEntry]) -> dict[str, Count]:
    """One answer's entries, counted for each moderator who made one (in the order they first did)."""
    spans: dict[str, tuple[str, str]] = {}
    for entry in logged:
        first = spans.get(entry.by, (entry.from_, entry.to))[0]
        spans[entry.by] = (first, entry.to)
    return {by: _one(first, last, [e for e in logged if e.by == by]) for by, (first, last) in spans.items()}


def _one(first: str, now: str, logged: list[ModerationEntry]) -> Count:
    """One reviewed answer: changed (now other than it first was), changed and changed back, or agreed with."""
    if now != first:
        return Count(1, 1)
    return Count(1, 0, int(any(entry.from_ != entry.to for entry in logged)))
