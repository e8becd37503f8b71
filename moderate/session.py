"""A moderation session: commands on an open inspection, and the ratings they lead to.

The one mutable object in the core. Screens call its commands (set an answer, undo, record
a decision); each command updates the per-question tally it touches and re-rates the one
standard that owns the question, so a change costs the same at 5 cases or 2,000. The
ratings it exposes are the engine's immutable results; `snapshot()` gives the inspection
to save.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable

from .frameworks import Framework
from .model import UNANSWERED, Answer, Case, Decision, Inspection, Moderated, ModerationEntry, Standard
from .rules import (
    Figures,
    Ratings,
    Tally,
    rate_inspection,
    rate_key_questions,
    rate_overall,
    rate_question,
    rate_standard,
    standing_decision,
    tallies,
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Change:
    """One answer changed, with the log entry that records it."""

    case: str
    question: str
    old: Answer | None
    new: Answer | None
    entry: ModerationEntry


def _logged(answer: Answer | None) -> str:
    return UNANSWERED if answer is None else answer.value


class Session:
    def __init__(self, inspection: Inspection, framework: Framework, user: str,
                 clock: Callable[[], dt.datetime] = now):
        self.framework = framework
        self.user = user
        self.clock = clock
        self._base = inspection
        self.standards: dict[str, Standard] = {s.id: s for s in inspection.standards}
        self.cases: dict[str, Case] = {c.id: c for c in inspection.cases}
        self.answers: dict[str, dict[str, Answer]] = {c.id: dict(c.answers) for c in inspection.cases}
        self.moderation: list[ModerationEntry] = list(inspection.moderation)
        self.discretion: list[Decision] = list(inspection.discretion)
        self.tallies: dict[str, Tally] = tallies(inspection)
        self.ratings: Ratings = rate_inspection(inspection, framework)
        # question id -> the standard it belongs to, and whether it is a prompt
        self._owner: dict[str, tuple[str, bool]] = {}
        for standard in inspection.standards:
            for kq in standard.key_questions:
                self._owner[kq.id] = (standard.id, False)
                for prompt in kq.prompts:
                    self._owner[prompt.id] = (standard.id, True)
        self._sample_sizes = {s: len(inspection.cases_in(s)) for s in inspection.samples}
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self.changed: set[tuple[str, str]] = set()  # cells changed in this session
        self.dirty = False
        self._saved_log = len(self.moderation)  # entries before this are in the file: append-only

    # ------------------------------------------------------------ reading

    def answer(self, case_id: str, question: str) -> Answer | None:
        return self.answers[case_id].get(question)

    def figures(self, question: str) -> Figures:
        standard_id, is_prompt = self._owner[question]
        if is_prompt:
            return self.ratings.prompts[question]
        return next(f for f in self.ratings.standards[standard_id].key_questions if f.id == question)

    def standard_of(self, question: str) -> Standard:
        return self.standards[self._owner[question][0]]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def last_change(self) -> Change | None:
        return self._undo[-1] if self._undo else None

    # ------------------------------------------------------------ commands

    def set_answer(self, case_id: str, question: str, answer: Answer | None, reason: str | None = None) -> Change | None:
        """Give (or clear, with None) one case's answer; logged for moderation. None if unchanged."""
        old = self.answers[case_id].get(question)
        if old == answer:
            return None
        entry = ModerationEntry(case_id, question, _logged(old), _logged(answer), self.user, self.clock(), reason)
        change = Change(case_id, question, old, answer, entry)
        self._apply(change.case, change.question, old, answer)
        self.moderation.append(entry)
        self._undo.append(change)
        self._redo.clear()
        return change

    def give_reason(self, reason: str) -> Change | None:
        """Record why the last answer change was made (replacing any reason not yet saved)."""
        change = self.last_change
        if change is None:
            return None
        entry = replace(change.entry, reason=reason.strip() or None)
        index = self._unsaved_index(change.entry)
        if index is None:  # already saved: the log is append-only, so say it again
            self.moderation.append(entry)
        else:
            self.moderation[index] = entry
        self._undo[-1] = replace(change, entry=entry)
        self.dirty = True
        return self._undo[-1]

    def undo(self) -> Change | None:
        """Take back the last answer change, and its log entry (or log the reversal, once saved)."""
        if not self._undo:
            return None
        change = self._undo.pop()
        self._apply(change.case, change.question, change.new, change.old)
        index = self._unsaved_index(change.entry)
        if index is None:
            self.moderation.append(ModerationEntry(change.case, change.question, _logged(change.new),
                                                   _logged(change.old), self.user, self.clock(), "undone"))
        else:
            del self.moderation[index]
        self._redo.append(change)
        return change

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        change = self._redo.pop()
        self._apply(change.case, change.question, change.old, change.new)
        self.moderation.append(change.entry)
        self._undo.append(change)
        return change

    def mark_moderated(self, case_id: str) -> Case:
        case = replace(self.cases[case_id], moderated=Moderated(self.user, self.clock()))
        self.cases[case_id] = case
        self.dirty = True
        return case

    def decide(self, standard_id: str, rating: str, reason: str) -> Decision:
        """Record the ratings panel's decision against the standard's current computed rating."""
        computed = self.ratings.standards[standard_id].computed
        if computed is None:
            raise ValueError(f"{standard_id} has no computed rating to decide on")
        decision = Decision(standard_id, computed.rating, rating, self.user, self.clock(), reason)
        self.discretion.append(decision)
        self._rerate(standard_id)
        self.dirty = True
        return decision

    # ------------------------------------------------------------ saving

    def snapshot(self) -> Inspection:
        """The inspection as it now stands, ready to write."""
        cases = tuple(
            replace(case, answers=self.answers[case.id]) if self.answers[case.id] != case.answers else case
            for case in self.cases.values()
        )
        return replace(
            self._base,
            standards=tuple(self.standards.values()),
            cases=cases,
            moderation=tuple(self.moderation),
            discretion=tuple(self.discretion),
        )

    def mark_saved(self) -> None:
        self.dirty = False
        self._saved_log = len(self.moderation)

    def _unsaved_index(self, entry: ModerationEntry) -> int | None:
        """Where `entry` stands in the log, if it has not been saved yet."""
        for index in range(len(self.moderation) - 1, self._saved_log - 1, -1):
            if self.moderation[index] is entry:
                return index
        return None

    # ------------------------------------------------------------ recomputing

    def _apply(self, case_id: str, question: str, old: Answer | None, new: Answer | None) -> None:
        if new is None:
            del self.answers[case_id][question]
        else:
            self.answers[case_id][question] = new
        self.changed.add((case_id, question))
        self.dirty = True
        standard_id, is_prompt = self._owner[question]
        if self.cases[case_id].sample != self.standards[standard_id].sample:
            return  # an answer outside the standard's sample counts for nothing
        self.tallies[question] = self.tallies[question].moved(old, new)
        if is_prompt:
            size = self._sample_sizes[self.standards[standard_id].sample]
            prompts = dict(self.ratings.prompts)
            prompts[question] = rate_question(question, self.tallies[question], size, self.framework)
            self.ratings = replace(self.ratings, prompts=prompts)
        else:
            self._rerate(standard_id)

    def _rerate(self, standard_id: str) -> None:
        standard = self.standards[standard_id]
        size = self._sample_sizes.get(standard.sample, 0)
        figures = rate_key_questions(standard, self.tallies, size, self.framework)
        decision = standing_decision(self.discretion, standard_id)
        standards = dict(self.ratings.standards)
        standards[standard_id] = rate_standard(standard, figures, decision, self.framework)
        self.ratings = Ratings(standards, self.ratings.prompts, rate_overall(standards.values(), self.framework))
