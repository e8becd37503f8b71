"""A moderation session: commands on an open inspection, and the ratings they lead to.

The one mutable object in the core. Screens call its commands (set an answer, undo, record
a decision); each command updates the per-question tally it touches and re-rates the one
standard that owns the question, so a change costs the same at 5 cases or 2,000, and
returns what it changed (`Changed`), so that the screens redraw that and no more. The
ratings it exposes are the engine's immutable results; `snapshot()` gives the inspection
to save.

Each command, once done, is told to an optional `listener` (`Done`: the step, who gave it
and when); `replay.py` turns that into a plain record, and re-applies such records. The
journal (`journal.py`) writes them down so that a crash loses nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from types import MappingProxyType
from collections import ChainMap
from dataclasses import dataclass, replace
from itertools import groupby
from operator import itemgetter
from typing import AbstractSet, Any, Callable, Final, Iterable, Mapping, Sequence

from .frameworks import Band, Framework
from .model import (
    NOT_RATED,
    UNANSWERED,
    UNRATED,
    Answer,
    Case,
    Decision,
    Inspection,
    KeyQuestion,
    Moderated,
    ModerationEntry,
    PHASES,
    SampleEntry,
    SecondAssessment,
    Standard,
    in_log,
)
from .conflicts import KEY as CONFLICTS
from .consistency import doubts as in_doubt
from .consistency import problem, with_prompts
from .conflicts import Conflict
from .conflicts import tables as conflict_tables
from .people import NotPermitted, permit_rating
from . import words
from .words import counted
from .qa import Cell, Progress, checkers, in_sample, phase_now, progress
from .rules import (
    Pivotal,
    Figures,
    Ratings,
    StandardResult,
    Tally,
    decision_options,
    pivotal_cases,
    rate_inspection,
    rate_key_questions,
    rate_overall,
    rate_question,
    rate_standard,
    standing_decision,
    tallies,
)


# What the moderation log is about: (case id, question id), or (None, standard id) for a judgement rating.
Logged = tuple[str | None, str]


def now() -> dt.datetime:
    """The time to the second, as the log keeps it: made once, not made and then truncated."""
    return dt.datetime.fromtimestamp(int(time.time()), dt.timezone.utc)


@dataclass(frozen=True, slots=True)
class Change:
    """One answer changed (or, with `old == new`, reviewed and agreed), with what its log entry would say."""

    case: str
    question: str
    old: Answer | None
    new: Answer | None
    entry: ModerationEntry
    settles: int | None = None  # the file's merge conflict it settles (`Session.settle`), until saved


@dataclass(frozen=True, slots=True)
class Marked:
    """A case marked moderated (`old`: the mark it had before, if any)."""

    case: str
    old: Moderated | None
    new: Moderated


@dataclass(frozen=True, slots=True)
class Rated:
    """A judgement standard rated, with the log entry that records it."""

    standard: str
    old: str | None
    new: str
    entry: ModerationEntry
    settles: int | None = None


@dataclass(frozen=True, slots=True)
class Decided:
    """A ratings panel decision, undoable until saved (the discretion table is append-only)."""

    decision: Decision
    settles: int | None = None


@dataclass(frozen=True, slots=True)
class Sampling:
    """Entries appended to the dip sample's log, cases chosen or one withdrawn: undoable until
    saved, as the log is append-only."""

    entries: tuple[SampleEntry, ...]


@dataclass(frozen=True, slots=True)
class Seconded:
    """A blind second assessment begun, answered or finished: the case's assessment by the user
    as the command left it (`question`: the one answered, if any). Never on the undo stack: the
    second assessor answers again, or clears; once finished it is never changed."""

    case: str
    question: str | None
    assessment: SecondAssessment


Move = tuple[str, str, Answer | None, Answer | None]  # an answer changed: case, question, old, new (never old)


@dataclass(frozen=True, slots=True)
class Imported:
    """Many answers set at once (an imported table): one step, undone and redone whole. Each
    answer is logged as a change of its own would be; they share who gave them, when and why
    (`entry`; its case, question, from and to are each answer's own)."""

    moves: tuple[Move, ...]
    entry: ModerationEntry

    @classmethod
    def of(cls, moves: Iterable[Move], by: str, at: dt.datetime, reason: str | None) -> Imported:
        return cls(tuple(moves), ModerationEntry("", "", "", "", by, at, reason))

    def change(self, move: Move) -> Change:
        """One of its answers as a change of its own."""
        case, question, old, new = move
        return Change(
            case, question, old, new, replace(self.entry, case=case, question=question, from_=in_log(old), to=in_log(new))
        )

    @property
    def changes(self) -> tuple[Change, ...]:
        """Each of its answers as a change of its own: made when asked for, as there may be 100,000."""
        return tuple(map(self.change, self.moves))


Single = Change | Marked | Rated | Decided | Sampling  # a step of one thing: what `Changed.step` says
Step = Single | Imported  # what undo and redo take back and give again
Told = Step | Seconded  # what a command tells its listener and its caller it did
SETTLING = (Change, Rated, Decided)  # steps that may settle a merge conflict
APPENDED = (Decided, Sampling)  # steps that append to a log kept append-only: they leave the stacks once saved


@dataclass(frozen=True, slots=True)
class Changed:
    """What a command changed, for whatever shows the session to redraw that and no more.
    Empty (and false) when the command did nothing."""

    done: tuple[Told, ...] = ()  # what was done, taken back or given again
    cells: frozenset[tuple[str, str]] = frozenset()  # answers (case, question) given, changed or cleared
    questions: frozenset[str] = frozenset()  # whose figures were counted again
    standards: frozenset[str] = frozenset()  # re-rated: their rating and flags, and so the overall score
    cases: frozenset[str] = frozenset()  # whose moderated mark or second assessment changed
    doubts: frozenset[tuple[str, str]] = frozenset()  # (case, key question) come to disagree with its prompts, or ceased to

    def __bool__(self) -> bool:
        return bool(self.done)

    @property
    def steps(self) -> tuple[Told, ...]:
        """What was done, taken back or given again, an import's answers each as a change of its own."""
        return tuple(step for done in self.done for step in (done.changes if isinstance(done, Imported) else (done,)))

    @property
    def step(self) -> Single | Seconded | None:
        """The one step a command took (an import's last answer; None: it did nothing)."""
        if not self.done:
            return None
        last = self.done[-1]
        return last.change(last.moves[-1]) if isinstance(last, Imported) else last

    @property
    def overall(self) -> bool:
        """Whether the overall score was counted again (it is, with any standard's rating)."""
        return bool(self.standards)


@dataclass(frozen=True, slots=True)
class Done:
    """A command done, as the listener is told it: which (`do`: "answer", "reason", "review",
    "undo", "redo", "moderated", "decide", "rate", "sample", "withdraw", "settle", "second", "second-answer" or
    "second-finish"), the step it made, took back or gave
    again, who gave it and when (the time the command put in the file, so that replay puts the same)."""

    do: str
    step: Told
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Unsaved:
    """What differs from the file as last saved (or opened)."""

    answers: int = 0
    reasons: int = 0
    marks: int = 0
    ratings: int = 0
    decisions: int = 0
    reviews: int = 0
    sample: int = 0  # entries of the dip sample's log
    settled: int = 0  # merge conflicts settled: they leave the file with the save
    seconds: int = 0  # cases whose second assessment by the user is new or changed

    def __bool__(self) -> bool:
        return any(
            (
                self.answers,
                self.reasons,
                self.marks,
                self.ratings,
                self.decisions,
                self.reviews,
                self.sample,
                self.settled,
                self.seconds,
            )
        )

    def __str__(self) -> str:
        parts = [
            (self.answers, "answer", "answers"),
            (self.reasons, "reason", "reasons"),
            (self.marks, "moderated mark", "moderated marks"),
            (self.ratings, "judgement rating", "judgement ratings"),
            (self.decisions, "panel decision", "panel decisions"),
            (self.reviews, "review", "reviews"),
            (self.sample, "dip sample entry", "dip sample entries"),
            (self.settled, "merge conflict settled", "merge conflicts settled"),
            (self.seconds, "second assessment", "second assessments"),
        ]
        return ", ".join(counted(n, one, many) for n, one, many in parts if n) or "nothing"


class ReasonRequired(ValueError):
    """A change to an answer already given, with no reason, where the inspection requires one;
    or a merge conflict settled without saying why."""


class Session:
    """An open inspection, the commands on it, and the ratings they lead to.

    Changed only through its own methods: its containers (`standards`, `cases`, `answers`,
    `discretion`, `tallies`, `changed`) are read-only views, and who gives the commands, when
    and who is told are set by `act_as` and `listen`."""

    def __init__(
        self,
        inspection: Inspection,
        framework: Framework,
        user: str,
        clock: Callable[[], dt.datetime] = now,
        listener: Callable[[Done], None] | None = None,
    ):
        self.framework: Final = framework
        self.reasons_required: Final = inspection.reasons_required
        self.people: Final = inspection.people
        self._user, self._clock, self._listener = user, clock, listener
        self._base = inspection
        # What the commands change is kept in private containers, each shown through a read-only
        # view of the same object: the screens read them on every redraw, at an attribute's speed.
        self._standard: dict[str, Standard] = {s.id: s for s in inspection.standards}
        self.standards: Final[Mapping[str, Standard]] = self._standard
        self._case: dict[str, Case] = {c.id: c for c in inspection.cases}
        self.cases: Final[Mapping[str, Case]] = self._case
        # The file's own answers, shared until a case's first change copies them (a copy of
        # every case's answers up front was most of the session's memory)
        self._answers: dict[str, Mapping[str, Answer]] = {c.id: c.answers for c in inspection.cases}
        self._opened: Final[Mapping[str, Mapping[str, Answer]]] = dict(self._answers)
        self.answers: Final[Mapping[str, Mapping[str, Answer]]] = self._answers
        self._copied: dict[str, dict[str, Answer]] = {}  # the cases' answers this session owns
        self._log: list[ModerationEntry] = list(inspection.moderation)  # as saved
        self._logged = _logged_in(self._log)  # what has entries already: given again, it is not a first answer
        self._checked: tuple[list[ModerationEntry] | None, dict[Cell, list[str]]] = (None, {})  # the saved log's checkers
        # Since the last save, for each answer (or rating) changed or reviewed: its value then,
        # and the latest thing done to it (whose by, at and reason its log entry takes).
        self._was: dict[Logged, str] = {}
        self._latest: dict[Logged, ModerationEntry] = {}
        self._saved_depth = 0  # the steps on the undo stack below this one are saved
        self._discretion: list[Decision] = list(inspection.discretion)
        self.discretion: Final[Sequence[Decision]] = self._discretion
        self._tallies: dict[str, Tally] = tallies(inspection)
        self.tallies: Final[Mapping[str, Tally]] = self._tallies
        self._ratings: Ratings = rate_inspection(inspection, framework, self._tallies)
        # question id -> the standard it belongs to, and whether it is a prompt; and its sample
        self._owner: dict[str, tuple[str, bool]] = {}
        self._sample_of: dict[str, str | None] = {}
        # a key question with prompts, by its id and each of its prompts': what an answer to one may put in doubt
        self._doubted_by: dict[str, KeyQuestion] = {}
        for standard in inspection.standards:
            for kq in standard.key_questions:
                self._owner[kq.id] = (standard.id, False)
                self._sample_of[kq.id] = standard.sample
                for prompt in kq.prompts:
                    self._owner[prompt.id] = (standard.id, True)
                    self._sample_of[prompt.id] = standard.sample
                    self._doubted_by[kq.id] = self._doubted_by[prompt.id] = kq
        self._with_prompts = with_prompts(inspection.standards)
        self._doubts: dict[str, dict[str, str]] = {}  # case -> its key questions in doubt, once asked for
        # a judgement standard has no sample (None): no cases
        self._sample_sizes: dict[str | None, int] = {s: len(inspection.cases_in(s)) for s in inspection.samples}
        self._undo: list[Step] = []
        self._redo: list[Step] = []
        # What is unsaved is what differs from the saved state, kept per item as commands change it
        # (so that undoing back to the saved state leaves nothing unsaved); `changed` is the same for
        # answers against the file as opened: the cells this session has changed.
        self._edited: set[tuple[str, str]] = set()
        self.changed: Final[AbstractSet[tuple[str, str]]] = self._edited
        self._saved_answers: dict[str, Mapping[str, Answer]] = {c.id: c.answers for c in inspection.cases}
        self._saved_marks = {c.id: c.moderated for c in inspection.cases}
        self._saved_ratings = {s.id: s.rating for s in inspection.standards}
        self._unsaved_cells: set[tuple[str, str]] = set()
        self._unsaved_marks: set[str] = set()
        self._unsaved_ratings: set[str] = set()
        self._saved_seconds = {c.id: c.second_assessments for c in inspection.cases}
        self._unsaved_seconds: set[str] = set()
        self._saved_discretion = len(self.discretion)  # likewise
        self._dip_sample: list[SampleEntry] = list(inspection.dip_sample)
        self._in_sample: Mapping[str, SampleEntry] | None = None  # `sampled`, until the dip sample changes
        self.dip_sample: Final[Sequence[SampleEntry]] = self._dip_sample
        self._saved_sample = len(self._dip_sample)
        # What the command under way has changed so far: `_changed` returns it, and starts afresh.
        self._cells: set[tuple[str, str]] = set()
        self._questions: set[str] = set()
        self._standards: set[str] = set()
        self._cases: set[str] = set()
        self._doubted: set[tuple[str, str]] = set()
        # The merge conflicts git left in the file ([[merge_conflicts]]), as written and as read
        # (None: a table that does not read as one); a step on the undo stack settles some.
        self._conflict_tables = conflict_tables(inspection)
        self._conflicts = tuple(Conflict.from_table(t) for t in self._conflict_tables)

    # ------------------------------------------------------------ reading

    @property
    def user(self) -> str:
        """Who gives the commands: their log entries and marks are by this user."""
        return self._user

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        """Where the commands' times come from."""
        return self._clock

    @property
    def listener(self) -> Callable[[Done], None] | None:
        """What each command is told to, once done (the journal), if anything."""
        return self._listener

    @property
    def ratings(self) -> Ratings:
        """The engine's ratings of the inspection as it now stands."""
        return self._ratings

    def answer(self, case_id: str, question: str) -> Answer | None:
        return self.answers[case_id].get(question)

    def figures(self, question: str) -> Figures:
        standard_id, is_prompt = self._owner[question]
        if is_prompt:
            return self.ratings.prompts[question]
        return next(f for f in self.ratings.standards[standard_id].key_questions if f.id == question)

    def is_prompt(self, question: str) -> bool:
        return self._owner[question][1]

    def standard_of(self, question: str) -> Standard:
        return self.standards[self._owner[question][0]]

    def needs_reason(self, old: Answer | None) -> bool:
        """Whether changing an answer that was `old` must say why: where the inspection requires
        reasons, every change to an answer already given does (a first answer is not a change)."""
        return self.reasons_required and old is not None

    def pivotal(self, standard_id: str) -> tuple[Pivotal, ...]:
        """The cases a standard flagged for discretion rests on: those whose one changed answer
        would move its computed rating (rule (b), `rules.pivotal_cases`), in file order."""
        sample = self.standards[standard_id].sample
        cases = ((case.id, self.answers[case.id]) for case in self._base.cases_in(sample))
        return pivotal_cases(self.ratings.standards[standard_id].discretion, cases)

    def doubts(self, case_id: str) -> Mapping[str, str]:
        """The case's key questions whose answer disagrees with their answered prompts, each with
        how (`consistency.problem`), in question order: worked out for a case when first asked
        for, and kept up to date answer by answer after that."""
        found = self._doubts.get(case_id)
        if found is None:
            asked = self._with_prompts.get(self.cases[case_id].sample, ())
            found = self._doubts[case_id] = in_doubt(asked, self.answers[case_id])
        return found

    def doubt(self, case_id: str, question: str) -> tuple[str, str] | None:
        """The key question in doubt that `question` is, or is a prompt of, in this case, and how."""
        kq = self._doubted_by.get(question)
        found = self.doubts(case_id).get(kq.id) if kq is not None else None
        return (kq.id, found) if kq is not None and found is not None else None

    @property
    def sampled(self) -> Mapping[str, SampleEntry]:
        """The cases in the dip sample now, each with the entry that chose it, in the order chosen.
        Kept until the sample changes: the grid asks of every case whenever a case's marks change."""
        if self._in_sample is None:
            self._in_sample = MappingProxyType(in_sample(self._dip_sample))
        return self._in_sample

    def qa_progress(self) -> Progress:
        """How far the dip sample's reviews have got, the unsaved ones counted (`qa.progress`)."""
        if not self._dip_sample:  # nothing to count: the top line asks on every key
            return Progress()
        return progress(self.cases, self.standards.values(), self._dip_sample, self.qa_checkers())

    def qa_checkers(self) -> Mapping[Cell, Sequence[str]]:
        """Who has quality-assured each answer (`qa.checkers`), by the log as the next save would
        write it: the saved log's counted once a save, not on every key."""
        if self._checked[0] is not self._log:
            self._checked = (self._log, checkers(self.cases, self._log, self.people))
        saved, unsaved = self._checked[1], self.unsaved_log()
        fresh = {cell: list(saved[cell]) for cell in {(e.case, e.question) for e in unsaved} if cell in saved}
        return ChainMap(checkers(self.cases, unsaved, self.people, fresh), saved)

    def refusal(self, what: str) -> str | None:
        """Why the user may not record `what` ("panel decision", "judgement rating"), if they may not."""
        try:
            permit_rating(self.people, self.user, what)
        except NotPermitted as refused:
            return str(refused)
        return None

    @property
    def last_change(self) -> Change | None:
        """The last answer change, if it is the last thing done (the one a reason is for)."""
        step = self._undo[-1] if self._undo else None
        return step if isinstance(step, Change) else None

    @property
    def unsaved(self) -> Unsaved:
        log = self.unsaved_log()
        reasons = sum(1 for e in log if e.reason)
        reviews = sum(1 for e in log if e.from_ == e.to)
        return replace(self._counted(), reasons=reasons, reviews=reviews)

    def _counted(self) -> Unsaved:
        """What differs from the file as saved, as counted while the commands ran: all but the
        reasons and reviews, which only the unsaved log tells."""
        return Unsaved(
            answers=len(self._unsaved_cells),
            marks=len(self._unsaved_marks),
            ratings=len(self._unsaved_ratings),
            decisions=len(self.discretion) - self._saved_discretion,
            sample=len(self._dip_sample) - self._saved_sample,
            settled=len(self.settled),
            seconds=len(self._unsaved_seconds),
        )

    @property
    def unsaved_cells(self) -> frozenset[tuple[str, str]]:
        """The answers (case, question) that differ from the saved file."""
        return frozenset(self._unsaved_cells)

    @property
    def moderation(self) -> list[ModerationEntry]:
        """The log as the next save would write it: what is saved, then the net of what is not."""
        return [*self._log, *self.unsaved_log()]

    def unsaved_log(self) -> list[ModerationEntry]:
        """One entry for each answer (or judgement rating) whose value differs from its value at
        the last save, from that to this, with the reason given for its latest change; a review
        for one reviewed and left as it was. First answers are data entry, and not logged."""
        entries = []
        for logged, was in self._was.items():
            if was == UNANSWERED and logged not in self._logged:  # the first answer: data entry
                continue
            latest = self._latest.get(logged)
            now = self._logged_now(logged)
            # back where it was saved: logged only as a review (an import's entry is shared, never one)
            if latest is None or (now == was and not (latest.from_ == latest.to and latest.about == logged)):
                continue
            case, item = logged  # an import's answers share one entry: each is made its own here
            entries.append(
                replace(latest, from_=was, to=now)
                if case is None
                else replace(latest, case=case, question=item, from_=was, to=now)
            )
        return sorted(entries, key=lambda entry: entry.at)

    def _logged_now(self, logged: Logged) -> str:
        case, item = logged
        if case is None:
            return self.standards[item].rating or UNRATED
        return in_log(self.answers[case].get(item))

    def _log_did(self, entry: ModerationEntry, was: str) -> None:
        """Note a change (or review) for the next save's log: `was` is its value before it."""
        self._was.setdefault(entry.about, was)
        self._latest[entry.about] = entry

    @property
    def dirty(self) -> bool:
        # Asked on every key (the status line): the counts first, and the unsaved log, which a
        # review alone makes unsaved, only when they are nought. Building that log on every key
        # cost 2 ms a key with 600 changes unsaved, growing with each.
        return bool(self._counted()) or bool(self.unsaved)

    # ------------------------------------------------------------ commands

    def set_answer(self, case_id: str, question: str, answer: Answer | None, reason: str | None = None) -> Changed:
        """Give (or clear, with None) one case's answer; logged for moderation. Nothing changed if it was so.
        ReasonRequired if the inspection asks why an answer already given is changed, and `reason` does not say."""
        old = self.answers[case_id].get(question)
        if old == answer:
            return self._changed()
        reason = (reason or "").strip() or None
        if reason is None and self.needs_reason(old):
            raise reason_required(case_id, question)
        entry = ModerationEntry(case_id, question, in_log(old), in_log(answer), self.user, self.clock(), reason)
        change = Change(case_id, question, old, answer, entry)
        self._apply(change.case, change.question, old, answer)
        self._log_did(entry, entry.from_)
        self._did(change)
        self._report("answer", change, entry.at)
        return self._changed(change)

    def set_answers(self, given: Iterable[tuple[str, str, Answer | None]], reason: str | None = None) -> Changed:
        """Many answers at once (an imported table; the last given for a cell stands), as one step:
        each answer that differs is logged as a change of its own (all at one time, for `reason`),
        but they are undone and redone together, and each question's figures are counted once.
        ReasonRequired, nothing changed, if any of them needs a reason and `reason` gives none."""
        reason = (reason or "").strip() or None
        moves: list[Move] = []
        for case_id, answers in wanted(given).items():
            moves += moved(case_id, self.answers[case_id], answers)
        if not moves:
            return self._changed()
        if reason is None and self.reasons_required:
            unexplained = next((move for move in moves if self.needs_reason(move[2])), None)
            if unexplained is not None:
                raise reason_required(*unexplained[:2])
        imported = Imported.of(moves, self.user, self.clock(), reason)
        self._give(imported)
        self._did(imported)
        self._report("import", imported, imported.entry.at)
        return self._changed(imported)

    def give_reason(self, reason: str) -> Changed:
        """Record why the last answer change was made (replacing any reason not yet saved)."""
        change = self.last_change
        if change is None:
            return self._changed()
        if not reason.strip() and self.needs_reason(change.old):
            raise reason_required(change.case, change.question)
        entry = replace(change.entry, reason=reason.strip() or None)
        at = self.clock()
        if len(self._undo) <= self._saved_depth:  # already saved: the log is append-only, so a note
            if entry.reason is not None:
                now = self._logged_now(entry.about)
                self._log_did(replace(entry, from_=now, to=now, by=self.user, at=at), now)
        elif self._latest.get(entry.about) is change.entry:
            self._latest[entry.about] = entry
        given = self._undo[-1] = replace(change, entry=entry)
        self._report("reason", given, at)
        return self._changed(given)

    def undo(self) -> Changed:
        """Take back the last change (an answer, a moderated mark, a rating, an unsaved panel
        decision), and its log entry (or log the reversal, once saved)."""
        if not self._undo:
            return self._changed()
        step = self._undo.pop()
        at = self.clock()
        if isinstance(step, Change):
            if step.old != step.new:
                self._apply(step.case, step.question, step.new, step.old)
            self._take_back((step.entry,), at)
        elif isinstance(step, Imported):
            self._apply_all([(case, question, new, old) for case, question, old, new in step.moves])
            self._take_back([change.entry for change in step.changes], at)
        elif isinstance(step, Rated):
            self._set_rating(step.standard, step.old)
            self._take_back((step.entry,), at)
        else:
            self._unapply(step)
        self._redo.append(step)
        self._report("undo", step, at)
        return self._changed(step)

    def redo(self) -> Changed:
        if not self._redo:
            return self._changed()
        step = self._redo.pop()
        if isinstance(step, Change):
            if step.old != step.new:
                self._apply(step.case, step.question, step.old, step.new)
            self._log_did(step.entry, step.entry.from_)
        elif isinstance(step, Imported):
            self._give(step)
        elif isinstance(step, Rated):
            self._set_rating(step.standard, step.new)
            self._log_did(step.entry, step.entry.from_)
        elif isinstance(step, Marked):
            self._set_mark(step.case, step.new)
        elif isinstance(step, Sampling):
            self._sample(step.entries)
        else:
            self._discretion.append(step.decision)
            self._rerate(step.decision.standard)
        self._undo.append(step)
        self._report("redo", step)
        return self._changed(step)

    def _give(self, imported: Imported) -> None:
        """An import's answers given (again), each logged as a change of its own."""
        cells = self._apply_all(imported.moves)
        # as `_log_did` notes each (what it was at the save kept, if changed since), at C speed: an import may give 100,000
        was: dict[Logged, str] = dict(zip(cells, map(in_log, map(itemgetter(2), imported.moves)), strict=True))
        for kept in was.keys() & self._was.keys():
            del was[kept]
        self._was.update(was)
        self._latest.update(dict.fromkeys(cells, imported.entry))

    def _take_back(self, entries: Sequence[ModerationEntry], at: dt.datetime) -> None:
        """The next save's log after an undo: a saved change taken back is logged as undone (a
        saved review stays said); an unsaved one leaves the latest thing done before it."""
        if len(self._undo) < self._saved_depth:
            self._saved_depth = len(self._undo)
            for entry in entries:
                if entry.from_ != entry.to:
                    self._log_did(replace(entry, by=self.user, at=at, reason="undone"), entry.to)
            return
        latest = self._latest_unsaved({entry.about for entry in entries})
        for entry in entries:
            about = entry.about
            if about in latest:
                self._latest[about] = latest[about]
            elif about in self._was and self._logged_now(about) != self._was[about]:
                # back to a value an earlier undo, past the save, left: that undo is what stands
                self._latest[about] = replace(entry, by=self.user, at=at, reason="undone")
            else:
                self._latest.pop(about, None)

    def _latest_unsaved(self, abouts: AbstractSet[Logged]) -> dict[Logged, ModerationEntry]:
        """The latest entry of an unsaved step still done, for each of these that has one."""
        latest: dict[Logged, ModerationEntry] = {}
        for step in reversed(self._undo[self._saved_depth :]):
            if isinstance(step, Imported):  # its answers share its entry
                for case, question, _, _ in step.moves:
                    if (case, question) in abouts:
                        latest.setdefault((case, question), step.entry)
            elif isinstance(step, (Change, Rated)) and step.entry.about in abouts:
                latest.setdefault(step.entry.about, step.entry)
            if len(latest) == len(abouts):
                break
        return latest

    def _unapply(self, step: Marked | Decided | Sampling) -> None:
        if isinstance(step, Marked):
            self._set_mark(step.case, step.old)
        elif isinstance(step, Sampling):  # unsaved, as saved entries leave the stacks; by identity, as two may be alike
            taken = {id(entry) for entry in step.entries}
            self._dip_sample[:] = [entry for entry in self._dip_sample if id(entry) not in taken]
            self._in_sample = None
            self._cases.update(entry.case for entry in step.entries)
        else:
            # unsaved, as saved decisions leave the stacks; by identity, as two may be alike
            del self._discretion[next(i for i, d in enumerate(self._discretion) if d is step.decision)]
            self._rerate(step.decision.standard)

    def review(self, case_id: str, question: str, comment: str | None = None) -> Changed:
        """Record that a moderator reviewed an answer and agreed with it (logged `from = to`,
        for dip sampling). Nothing for an answer not yet given: there is nothing to agree with."""
        answer = self.answers[case_id].get(question)
        if answer is None:
            return self._changed()
        entry = ModerationEntry(
            case_id, question, answer.value, answer.value, self.user, self.clock(), (comment or "").strip() or None
        )
        change = Change(case_id, question, answer, answer, entry)
        self._log_did(entry, answer.value)
        self._did(change)
        self._report("review", change, entry.at)
        return self._changed(change)

    def choose_for_sample(
        self, cases: Iterable[str], phase: str | None, method: str, seed: int | None = None, reason: str | None = None
    ) -> Changed:
        """Add cases to the dip sample, chosen in `phase` (None: that of the latest choice, else
        fieldwork) by `method` (from `seed`, if drawn at random; with `reason`, if chosen by hand).
        Those it holds already are left as they were: sampling again adds, it never replaces.
        Nothing changed when it holds them all."""
        phase = phase_now(self._dip_sample) if phase is None else phase
        if phase not in PHASES:
            raise ValueError(f"{phase!r} is not one of {', '.join(PHASES)}")
        unknown = [case for case in cases if case not in self._case]
        if unknown:
            raise ValueError(f"no case {unknown[0]!r} in this inspection")
        held, at = in_sample(self._dip_sample), self.clock()
        reason = (reason or "").strip() or None
        entries = tuple(
            SampleEntry(case, self.user, at, phase, method, seed, reason=reason)
            for case in dict.fromkeys(cases)
            if case not in held
        )
        return self._sampled(entries, "sample", at) if entries else self._changed()

    def withdraw_from_sample(self, case_id: str, reason: str) -> Changed:
        """Take a case out of the dip sample, saying why: recorded, never by deleting its choice."""
        if case_id not in in_sample(self._dip_sample):
            raise ValueError(f"{case_id} is not in the dip sample")
        if not reason.strip():
            raise ValueError(f"withdrawing {case_id} from the dip sample needs a reason")
        entry = SampleEntry(case_id, self.user, self.clock(), withdrawn=True, reason=reason.strip())
        return self._sampled((entry,), "withdraw", entry.at)

    def _sampled(self, entries: tuple[SampleEntry, ...], do: str, at: dt.datetime) -> Changed:
        step = Sampling(entries)
        self._sample(entries)
        self._did(step)
        self._report(do, step, at)
        return self._changed(step)

    def _sample(self, entries: Iterable[SampleEntry]) -> None:
        for entry in entries:
            self._dip_sample.append(entry)
            self._cases.add(entry.case)
        self._in_sample = None

    def mark_moderated(self, case_id: str) -> Changed:
        old = self.cases[case_id].moderated
        step = Marked(case_id, old, Moderated(self.user, self.clock()))
        self._set_mark(case_id, step.new)
        self._did(step)
        self._report("moderated", step, step.new.at)
        return self._changed(step)

    def _set_mark(self, case_id: str, mark: Moderated | None) -> None:
        self._case[case_id] = replace(self._case[case_id], moderated=mark)
        _track(self._unsaved_marks, case_id, mark != self._saved_marks[case_id])
        self._cases.add(case_id)

    # ------------------------------------------------------------ second assessments

    def second(self, case_id: str) -> SecondAssessment | None:
        """The user's own second assessment of a case, if they have begun one."""
        return self._case[case_id].second_by(self._user)

    def blind(self) -> list[str]:
        """The cases the user is assessing a second time and has not finished, in file order: the
        first answers, the figures and the flags are not for them to see until they finish."""
        return [
            case.id
            for case in self._case.values()
            if case.second_assessments  # few cases have any: no call for each of the rest
            and (mine := case.second_by(self._user)) is not None
            and mine.finished is None
        ]

    def refuses_second(self, case_id: str) -> str | None:
        """Why the user may not assess a case a second time, if they may not: it is their own."""
        return words.second_own(case_id, self._user) if self._case[case_id].inspector == self._user else None

    def begin_second(self, case_id: str) -> Changed:
        """Begin the user's blind second assessment of a case: nothing changed if they have one.
        NotPermitted for the case's own assessor: a second assessment is someone else's."""
        refused = self.refuses_second(case_id)
        if refused is not None:
            raise NotPermitted(refused)
        case = self._case[case_id]
        if case.second_by(self._user) is not None:
            return self._changed()
        return self._second(case_id, None, SecondAssessment(self._user, self._clock()), "second")

    def answer_second(self, case_id: str, question: str, answer: Answer | None) -> Changed:
        """Give (or clear, with None) an answer of the user's second assessment under way."""
        mine = self._open_second(case_id)
        if question not in self._owner or self._standard[self._owner[question][0]].sample != self._case[case_id].sample:
            raise ValueError(f"{question} is not asked of case {case_id}")
        if mine.answers.get(question) == answer:
            return self._changed()
        answers = {q: a for q, a in mine.answers.items() if q != question}
        if answer is not None:
            answers[question] = answer
        return self._second(case_id, question, replace(mine, answers=answers), "second-answer")

    def finish_second(self, case_id: str) -> Changed:
        """The user says they have finished: the assessment is paired with the first from now on, never changed again."""
        mine = self._open_second(case_id)
        return self._second(case_id, None, replace(mine, finished=self._clock()), "second-finish")

    def _open_second(self, case_id: str) -> SecondAssessment:
        mine = self.second(case_id)
        if mine is None or mine.finished is not None:
            raise ValueError(words.second_not_open(case_id, self._user, mine is not None))
        return mine

    def _second(self, case_id: str, question: str | None, mine: SecondAssessment, do: str) -> Changed:
        case = self._case[case_id]
        others = tuple(second for second in case.second_assessments if second.by != self._user)
        ours = case.second_by(self._user)
        at = len(case.second_assessments) if ours is None else case.second_assessments.index(ours)
        seconds = (*others[:at], mine, *others[at:])  # in its place among the others'
        self._case[case_id] = replace(case, second_assessments=seconds)
        _track(self._unsaved_seconds, case_id, seconds != self._saved_seconds[case_id])
        self._cases.add(case_id)
        step = Seconded(case_id, question, mine)
        self._report(do, step, mine.finished if do == "second-finish" else mine.at if do == "second" else None)
        return self._changed(step)

    def _did(self, step: Step) -> None:
        self._undo.append(step)
        self._redo.clear()

    def decide(self, standard_id: str, rating: str, reason: str) -> Changed:
        """Record the ratings panel's decision against the standard's current computed rating.
        NotPermitted unless the user may (`people.may_rate`: the lead inspector, where the file names roles)."""
        decided = Decided(self._decision(standard_id, rating, reason))
        self._decide(decided)
        self._report("decide", decided, decided.decision.at)
        return self._changed(decided)

    def _decision(self, standard_id: str, rating: str, reason: str) -> Decision:
        permit_rating(self.people, self.user, "panel decision")
        result = self.ratings.standards[standard_id]
        options = decision_options(result, self.framework)
        computed = result.computed
        if computed is None or not options:
            raise ValueError(f"{standard_id} has no computed rating for the panel to decide on")
        if rating not in (band.rating for band in options):
            raise ValueError(
                f"the panel may rate {standard_id} {' or '.join(band.rating for band in options)} only, "
                f"not {rating}: discretion moves {computed.rating} one band at most, the way it is flagged"
            )
        return Decision(standard_id, computed.rating, rating, self.user, self.clock(), reason)

    def _decide(self, decided: Decided) -> None:
        self._discretion.append(decided.decision)
        self._rerate(decided.decision.standard)
        self._did(decided)

    def rate_judgement(self, standard_id: str, rating: str, reason: str | None = None) -> Changed:
        """Give a judgement standard its rating (a band or "Not rated"), with why; logged with
        the standard's id (a first rating too). Nothing changed if it was so rated. NotPermitted
        unless the user may (`people.may_rate`)."""
        permit_rating(self.people, self.user, "judgement rating")
        old = self.standards[standard_id]
        if not old.is_judgement:
            raise ValueError(f"{standard_id} takes its rating from its key questions")
        if rating not in (*(band.rating for band in self.framework.bands), NOT_RATED):
            raise ValueError(f"{rating!r} is not a rating of {self.framework.name}")
        if old.rating == rating:
            return self._changed()
        entry = ModerationEntry(
            "", "", old.rating or UNRATED, rating, self.user, self.clock(), (reason or "").strip() or None, standard=standard_id
        )
        self._set_rating(standard_id, rating)
        self._log_did(entry, entry.from_)
        rated = Rated(standard_id, old.rating, rating, entry)
        self._did(rated)
        self._report("rate", rated, entry.at)
        return self._changed(rated)

    def _set_rating(self, standard_id: str, rating: str | None) -> None:
        self._standard[standard_id] = replace(self._standard[standard_id], rating=rating)
        _track(self._unsaved_ratings, standard_id, rating != self._saved_ratings[standard_id])
        self._rerate(standard_id)

    # ------------------------------------------------------------ merge conflicts left in the file

    @property
    def conflicts(self) -> tuple[Conflict | None, ...]:
        """The file's merge conflicts ([[merge_conflicts]], in order; None: a table that does not
        read as one), settled or not: they leave the file with the save after they are settled."""
        return self._conflicts

    @property
    def settled(self) -> dict[int, str]:
        """The conflicts settled since the last save, by index, with the value each was settled to."""
        return {s.settles: _settled_to(s) for s in self._undo if isinstance(s, SETTLING) and s.settles is not None}

    def unsettled_why(self, index: int) -> str | None:
        """Why conflict `index` cannot be settled here (None: it can): settle such a one by hand."""
        conflict = self._conflicts[index]
        by_hand = "settle it by hand in the file"
        if conflict is None:
            return f"not a merge conflict this program reads: {by_hand}"
        if conflict.kind == "answer":
            if conflict.case not in self.cases or conflict.question not in self._owner:
                return f"{conflict.case} {conflict.question} is not a case's question in this file: {by_hand}"
        elif conflict.kind == "rating":
            standard = self.standards.get(conflict.field or "")
            if standard is None or not standard.is_judgement:
                return f"{conflict.field} is not a judgement standard: {by_hand}"
        elif conflict.kind == "decision":
            if conflict.field not in self.standards:
                return f"no standard {conflict.field} in this file: {by_hand}"
        else:
            return f"a change to the file's structure ({conflict.field}): {by_hand}"
        return None

    def settle_values(self, index: int) -> tuple[str, ...]:
        """What conflict `index` may be settled to: answers as the log writes them, ratings, or the
        panel's ratings within reach (none for one settled by hand)."""
        conflict = self._conflicts[index]
        if conflict is None or self.unsettled_why(index) is not None:
            return ()
        if conflict.kind == "answer":
            return (*(a.value for a in Answer), UNANSWERED)
        if conflict.kind == "rating":
            return (*(band.rating for band in self.framework.bands), NOT_RATED)
        return tuple(band.rating for band in decision_options(self.ratings.standards[conflict.field or ""], self.framework))

    def settle(self, index: int, value: str, reason: str) -> Changed:
        """Settle the file's merge conflict `index` to `value` (ours, theirs or another, one of
        `settle_values`), saying why: logged like any change, and as a review where the file
        holds that value already, so that the log ends where the file does whichever branch's
        entry came last. The conflict leaves the file with the next save; undo takes both back.
        ValueError if it cannot be settled so; ReasonRequired without a reason."""
        why = self.unsettled_why(index) or ("settled already" if index in self.settled else None)
        if why is None and value not in self.settle_values(index):
            why = f"{value!r} is not one of {', '.join(self.settle_values(index))}"
        if why is not None:
            raise ValueError(f"merge conflict {index + 1} ({self._conflicts[index]}): {why}")
        if not reason.strip():
            raise ReasonRequired(f"merge conflict {index + 1}: say why it is settled so")
        conflict, reason, at = self._conflicts[index], reason.strip(), self.clock()
        assert conflict is not None
        step: Change | Rated | Decided
        if conflict.kind == "answer":
            case, question = conflict.case or "", conflict.question or ""
            old, new = self.answers[case].get(question), None if value == UNANSWERED else Answer(value)
            entry = ModerationEntry(case, question, in_log(old), value, self.user, at, reason)
            if old != new:
                self._apply(case, question, old, new)
            step = Change(case, question, old, new, entry, settles=index)
        elif conflict.kind == "rating":
            permit_rating(self.people, self.user, "judgement rating")
            standard = conflict.field or ""
            was = self.standards[standard].rating
            entry = ModerationEntry("", "", was or UNRATED, value, self.user, at, reason, standard=standard)
            if was != value:
                self._set_rating(standard, value)
            step = Rated(standard, was, value, entry, settles=index)
        else:
            step = Decided(self._decision(conflict.field or "", value, reason), settles=index)
        if isinstance(step, Decided):
            self._decide(step)
        else:
            self._log_did(step.entry, step.entry.from_)
            self._did(step)
        self._report("settle", step, step.decision.at if isinstance(step, Decided) else at)
        return self._changed(step)

    # ------------------------------------------------------------ who, when, and who is told

    def listen(self, listener: Callable[[Done], None] | None) -> None:
        """Tell each command done from now on to `listener` (None: to nothing, as in an import,
        whose table is the record until it is saved)."""
        self._listener = listener

    def act_as(self, user: str, clock: Callable[[], dt.datetime]) -> None:
        """Give the commands from now on as `user`, at `clock`'s times (a replay gives each
        record as who gave it, when)."""
        self._user, self._clock = user, clock

    def carry_changed(self, cells: Iterable[tuple[str, str]]) -> None:
        """Count these answers as changed by this session too: one that goes on from a save
        keeps what its user changed since opening the file (`changed`)."""
        self._edited.update(cells)

    # ------------------------------------------------------------ saving

    def snapshot(self) -> Inspection:
        """The inspection as it now stands, ready to write."""
        cases = tuple(  # the answers copied: the snapshot must not change as the session goes on
            case if _same(self.answers[case.id], case.answers) else replace(case, answers=dict(self.answers[case.id]))
            for case in self.cases.values()
        )
        return replace(
            self._base,
            standards=tuple(self.standards.values()),
            cases=cases,
            moderation=tuple(self.moderation),
            discretion=tuple(self.discretion),
            dip_sample=tuple(self._dip_sample),
            extra=self._extra(),
        )

    def _extra(self) -> Mapping[str, Any]:
        """The file's own unknown keys, with only the merge conflicts not yet settled."""
        extra, left = self._base.extra, self._unsettled()
        if CONFLICTS not in extra or len(left) == len(conflict_tables(self._base)):
            return extra
        return {key: list(left) if key == CONFLICTS else value for key, value in extra.items() if key != CONFLICTS or left}

    def _unsettled(self) -> tuple[Any, ...]:
        settled = self.settled
        return tuple(table for i, table in enumerate(self._conflict_tables) if i not in settled)

    def mark_saved(self, log: Sequence[ModerationEntry] | None = None) -> None:
        """What `snapshot()` gave is now the file: its log (`log`, if at hand) is what is saved."""
        self._log = list(self.moderation if log is None else log)
        self._logged = _logged_in(self._log)
        self._was.clear()
        self._latest.clear()
        # the answers as they stand, shared: a case changed from now on copies its own again
        self._saved_answers = dict(self.answers)
        self._copied.clear()
        self._saved_marks = {c.id: c.moderated for c in self.cases.values()}
        self._saved_ratings = {s.id: s.rating for s in self.standards.values()}
        self._saved_seconds = {c.id: c.second_assessments for c in self.cases.values()}
        self._unsaved_cells.clear()
        self._unsaved_marks.clear()
        self._unsaved_ratings.clear()
        self._unsaved_seconds.clear()
        self._saved_discretion = len(self.discretion)
        self._saved_sample = len(self._dip_sample)
        left = [i for i in range(len(self._conflicts)) if i not in self.settled]
        self._conflict_tables = tuple(self._conflict_tables[i] for i in left)
        self._conflicts = tuple(self._conflicts[i] for i in left)
        # A saved panel decision or dip sample entry stays in the file (their logs are append-only):
        # a new one goes after it. A saved settlement is an answer or rating like any other: the
        # conflict has left the file.
        self._undo, self._redo = (
            [_unsettling(step) for step in steps if not isinstance(step, APPENDED)] for steps in (self._undo, self._redo)
        )
        self._saved_depth = len(self._undo)

    def history(self) -> tuple[tuple[Step, ...], tuple[Step, ...]]:
        """The undo and redo stacks, bottom first, for a journal started afresh after a save:
        given back by `restore_history`, they let an undo after the save still take back a
        change made before it. Settlements are saved then: only their answers and ratings stay."""
        return tuple(map(_unsettling, self._undo)), tuple(map(_unsettling, self._redo))

    def restore_history(self, undo: Iterable[Step], redo: Iterable[Step]) -> None:
        """Take up the undo and redo stacks `history` gave, as steps already saved."""
        self._undo, self._redo = list(undo), list(redo)
        self._saved_depth = len(self._undo)

    @property
    def next_undo(self) -> Step | None:
        """What `undo` would take back."""
        return self._undo[-1] if self._undo else None

    @property
    def next_redo(self) -> Step | None:
        """What `redo` would give again."""
        return self._redo[-1] if self._redo else None

    def _report(self, do: str, step: Told, at: dt.datetime | None = None) -> None:
        if self._listener is not None:
            self._listener(Done(do, step, self._user, at or self._clock()))

    def _changed(self, *steps: Told) -> Changed:
        """What the command just done changed, gathered as it went; the next starts afresh."""
        changed = Changed(
            steps,
            frozenset(self._cells),
            frozenset(self._questions),
            frozenset(self._standards),
            frozenset(self._cases),
            frozenset(self._doubted),
        )
        for gathered in (self._cells, self._questions, self._standards, self._cases, self._doubted):
            gathered.clear()
        return changed

    # ------------------------------------------------------------ recomputing

    def _apply(self, case_id: str, question: str, old: Answer | None, new: Answer | None) -> None:
        self._apply_all(((case_id, question, old, new),))

    def _apply_all(self, moves: Iterable[Move]) -> list[tuple[str, str]]:
        """Answers changed (no cell twice; a case's together, the fastest): each question's tally
        counted again once, each standard re-rated once and each key question's doubt looked at
        once, however many of their answers moved. Their cells, in order."""
        moved: dict[str, list[tuple[Answer | None, Answer | None]]] = {}
        doubted: dict[tuple[str, str], tuple[KeyQuestion, str | None]] = {}  # (case, key question): its doubt before
        every: list[tuple[str, str]] = []
        case_of = None
        for case_id, question, old, new in moves:
            if case_id != case_of:
                case_of, before = case_id, self.answers[case_id]
                answers = self._own(case_id)
                opened, saved, sample = self._opened[case_id], self._saved_answers[case_id], self._case[case_id].sample
            cell = (case_id, question)
            every.append(cell)
            for differing, then in ((self._edited, opened), (self._unsaved_cells, saved)):
                if then is before:  # the case as it was then: the answer differs from it, as from `old`
                    differing.add(cell)
                else:
                    _track(differing, cell, new != then.get(question))
            if self._sample_of[question] == sample:  # outside its standard's sample it counts for nothing
                kq = self._doubted_by.get(question)
                if kq is not None and (case_id, kq.id) not in doubted:
                    doubted[case_id, kq.id] = (kq, self._doubt_now(case_id, kq))
                moved.setdefault(question, []).append((old, new))
            if new is None:
                del answers[question]
            else:
                answers[question] = new
        self._cells.update(every)
        for (case_id, _), (kq, was) in doubted.items():
            self._doubt_moved(case_id, kq, was)
        for question, tallied in moved.items():
            self._tallies[question] = self._tallies[question].moved_all(tallied)
        self._rate(set(moved))
        return every

    def _own(self, case_id: str) -> dict[str, Answer]:
        """The case's answers, the session's own copy: made at its first change since opened or saved."""
        answers = self._copied.get(case_id)
        if answers is None:
            answers = self._copied[case_id] = self._answers[case_id] = dict(self.answers[case_id].items())
        return answers

    def _doubt_now(self, case_id: str, kq: KeyQuestion) -> str | None:
        """A key question's doubt in a case before an answer under it changes: as the case's
        doubts have it, when worked out already (the screens ask for those of the cases they draw)."""
        known = self._doubts.get(case_id)
        return problem(kq, self.answers[case_id]) if known is None else known.get(kq.id)

    def _doubt_moved(self, case_id: str, kq: KeyQuestion, was: str | None) -> None:
        """A key question's doubt after an answer under it (or its own) changed: this one only, not the case's."""
        now = problem(kq, self.answers[case_id])
        if now == was:
            return
        self._doubted.add((case_id, kq.id))
        self._doubts.pop(case_id, None)  # the case's worked out afresh when next asked for

    def _rate(self, questions: set[str]) -> None:
        """Re-rate these questions' figures: each prompt, and each standard once."""
        prompts = dict(self._ratings.prompts) if any(self._owner[q][1] for q in questions) else None
        standards: dict[str, set[str]] = {}
        self._questions |= questions
        for question in questions:
            standard_id, is_prompt = self._owner[question]
            if prompts is not None and is_prompt:
                size = self._sample_sizes[self.standards[standard_id].sample]
                prompts[question] = rate_question(question, self.tallies[question], size, self.framework)
            else:
                standards.setdefault(standard_id, set()).add(question)
        if prompts is not None:
            self._ratings = replace(self._ratings, prompts=prompts)
        for standard_id in sorted(standards):
            self._rerate(standard_id, standards[standard_id])

    def _rerate(self, standard_id: str, counted: AbstractSet[str] | None = None) -> None:
        """Re-rate a standard: its key questions' figures made again from their tallies, only
        those `counted` again if given (the others' stand as they were)."""
        standard = self.standards[standard_id]
        size = self._sample_sizes.get(standard.sample, 0)
        was = self._ratings.standards[standard_id].key_questions
        if counted is None or not was:
            figures = rate_key_questions(standard, self.tallies, size, self.framework)
        else:
            figures = tuple(
                rate_question(f.id, self.tallies[f.id], size, self.framework) if f.id in counted and not f.judgement else f
                for f in was
            )
        decision = standing_decision(self.discretion, standard_id)
        standards = dict(self._ratings.standards)
        before = standards[standard_id]
        after = standards[standard_id] = rate_standard(standard, figures, decision, self.framework)
        self._standards.add(standard_id)
        overall = self._ratings.overall
        if _in_overall(before) != _in_overall(after):  # most answers move no standard's part in it
            overall = rate_overall(standards.values(), self.framework)
        self._ratings = Ratings(standards, self._ratings.prompts, overall)


# ---------------------------------------------------------------- helpers


def wanted(given: Iterable[tuple[str, str, Answer | None]]) -> dict[str, dict[str, Answer | None]]:
    """Answers given at once (case, question, answer), case by case: the last given for a cell stands."""
    found: dict[str, dict[str, Answer | None]] = {}
    for case_id, rows in groupby(given, itemgetter(0)):
        found.setdefault(case_id, {}).update(map(itemgetter(1, 2), rows))  # at C speed: there may be 100,000
    return found


def moved(case_id: str, now: Mapping[str, Answer], given: Mapping[str, Answer | None]) -> list[Move]:
    """The case's answers that those `given` change, from what they are `now`."""
    held = dict(now.items())  # looked up at C speed
    return [(case_id, question, old, new) for question, new in given.items() if (old := held.get(question)) != new]


def _in_overall(result: StandardResult) -> tuple[Band | None, bool, bool]:
    """What of a standard's result the overall rating counts (`rules.rate_overall`)."""
    return result.final, result.provisional, result.not_rated


def reason_required(case_id: str, question: str) -> ReasonRequired:
    """The refusal of a change to an answer already given, made without a reason the inspection requires."""
    return ReasonRequired(f"{case_id} {question}: this inspection requires a reason for changing an answer")


def _settled_to(step: Change | Rated | Decided) -> str:
    if isinstance(step, Change):
        return in_log(step.new)
    return step.new if isinstance(step, Rated) else step.decision.rating


def _unsettling(step: Step) -> Step:
    return replace(step, settles=None) if isinstance(step, SETTLING) and step.settles is not None else step


def _same(these: Mapping[str, Answer], those: Mapping[str, Answer]) -> bool:
    return these is those or these == those


def _logged_in(log: Iterable[ModerationEntry]) -> set[Logged]:
    return {e.about for e in log}


def _track(differing: set[Any], key: Any, differs: bool) -> None:
    if differs:
        differing.add(key)
    else:
        differing.discard(key)
