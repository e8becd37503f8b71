"""The inspection as read from its file: immutable records named as in `spec/format.md`.

Every record keeps the keys it does not know in `extra`, so that a save carries them
through untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Iterator, Mapping, TypeVar

FORMAT = 1
NOT_RATED = "Not rated"
UNANSWERED = "unanswered"  # only in the moderation log: an answer not (or no longer) given
UNRATED = "unrated"  # only in the moderation log: a judgement standard not (or no longer) rated
# The roles people take in an inspection (`[people]`, an optional key of ours)
INSPECTOR, LOCAL_ASSESSOR, QUALITY_LEAD, LEAD_INSPECTOR = "inspector", "local assessor", "quality lead", "lead inspector"
ROLES = (INSPECTOR, LOCAL_ASSESSOR, QUALITY_LEAD, LEAD_INSPECTOR)
_Index = TypeVar("_Index")


def _empty() -> Any:
    return field(default_factory=dict)


class Answer(str, Enum):
    YES = "yes"
    NO = "no"
    NA = "n/a"


CODES = {Answer.YES: 1, Answer.NO: 2, Answer.NA: 3}  # 0: unanswered
CODE_OF: dict[Answer | None, int] = {None: 0}  # each answer's byte, unanswered (None) too
CODE_OF.update(CODES.items())
_BY_CODE = {code: answer for answer, code in CODES.items()}


class Questions:
    """The questions a sample's cases answer, in order: the columns every `Answers` of it shares."""

    __slots__ = ("ids", "index", "sample")

    def __init__(self, ids: tuple[str, ...], sample: str | None):
        self.ids = ids
        self.index = {question: i for i, question in enumerate(ids)}
        self.sample = sample


class Answers(Mapping[str, Answer]):
    """A case's answers as read from its file: one byte a question over its sample's questions.

    A dict of them a case was most of a large file's memory (the benchmark's memory per
    case). It never changes: the session copies a case's answers into a dict at their first
    change."""

    __slots__ = ("_questions", "_codes")

    def __init__(self, questions: Questions, codes: bytes):
        self._questions = questions
        self._codes = codes  # codes[i]: the answer to questions.ids[i] (CODES), 0 if none

    @property
    def questions(self) -> Questions:
        return self._questions

    @property
    def codes(self) -> bytes:
        return self._codes

    @staticmethod
    def counted(rows: list[Answers]) -> Iterator[tuple[str, tuple[int, int, int]]]:
        """How many of `rows`, all of one `Questions`, answer each of its questions yes, no and
        n/a: a column of bytes counted at C speed, not a loop over every answer in Python (the
        benchmark's `moderate check` and `report` rows)."""
        ids = rows[0].questions.ids
        joined = b"".join(row._codes for row in rows)
        for i, question in enumerate(ids):
            column = joined[i :: len(ids)]
            yield question, (column.count(1), column.count(2), column.count(3))

    def __getitem__(self, question: str) -> Answer:
        i = self._questions.index.get(question)
        if i is None or not self._codes[i]:
            raise KeyError(question)
        return _BY_CODE[self._codes[i]]

    def get(self, question: str, default: Any = None) -> Any:
        i = self._questions.index.get(question)
        return default if i is None or not self._codes[i] else _BY_CODE[self._codes[i]]

    def __contains__(self, question: object) -> bool:
        i = self._questions.index.get(question)  # type: ignore[call-overload]
        return i is not None and self._codes[i] != 0

    def __iter__(self) -> Iterator[str]:
        return (question for question, code in zip(self._questions.ids, self._codes, strict=True) if code)

    def __len__(self) -> int:
        return len(self._codes) - self._codes.count(0)

    def items(self) -> list[tuple[str, Answer]]:  # type: ignore[override]
        # a list, not a view: the tallies and the writer go through every case's at C speed
        return [(question, _BY_CODE[code]) for question, code in zip(self._questions.ids, self._codes, strict=True) if code]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Answers) and (other._questions is self._questions or other._questions.ids == self._questions.ids):
            return other._codes == self._codes
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def in_log(answer: Answer | None) -> str:
    """An answer as the moderation log has it: its value, or "unanswered"."""
    return UNANSWERED if answer is None else answer.value


@dataclass(frozen=True, slots=True)
class Prompt:
    id: str
    text: str
    note: str | None = None  # a footnote on its row in the report (ours): "Structural barriers were identified in four cases"
    extra: Mapping[str, Any] = _empty()


@dataclass(frozen=True, slots=True)
class KeyQuestion:
    id: str
    text: str
    prompts: tuple[Prompt, ...] = ()
    # A judgement key question (part of a mixed standard such as V1) is given its band
    # directly; `judgement = true` marks one that has no rating yet.
    judgement: bool = False
    rating: str | None = None
    # How the report prints it (optional keys of ours): who its prompts' cases are ("with factors
    # related to keeping the child safe"), a footnote on its row, and whether its figure is printed.
    relevant_to: str | None = None
    note: str | None = None
    figure: bool = True
    extra: Mapping[str, Any] = _empty()


@dataclass(frozen=True, slots=True)
class Standard:
    id: str
    domain: str
    title: str
    sample: str | None = None
    key_questions: tuple[KeyQuestion, ...] = ()
    rating: str | None = None  # judgement standards only
    counts: bool = True
    # HMIP's words, shown beside the rating, never rated: the standard's statement and,
    # for a judgement standard, the key questions the panel weighs (`guidance`).
    statement: str | None = None
    guidance: tuple[str, ...] = ()
    # Footnotes of ours: on "Our rating" (over the wording's `rating_note`), on its table's head.
    rating_note: str | None = None
    head_note: str | None = None
    extra: Mapping[str, Any] = _empty()

    @property
    def is_judgement(self) -> bool:
        return not self.key_questions

    @property
    def is_case_based(self) -> bool:
        """Case-based or mixed: has key questions answered case by case."""
        return any(not kq.judgement for kq in self.key_questions)

    def question(self, question_id: str) -> KeyQuestion | Prompt:
        """One of its key questions or prompts, by id (KeyError if it has none of that id)."""
        for kq in self.key_questions:
            if kq.id == question_id:
                return kq
            for prompt in kq.prompts:
                if prompt.id == question_id:
                    return prompt
        raise KeyError(question_id)


@dataclass(frozen=True, slots=True)
class Moderated:
    by: str
    at: dt.datetime
    extra: Mapping[str, Any] = _empty()


@dataclass(frozen=True, slots=True)
class SecondAssessment:
    """A second assessor's own answers to a case, given independently of the first (an optional
    key of ours): never merged into the case's answers, never rewritten once `finished`.

    Until `finished` the assessment is blind: the app hides the case's first answers, its
    figures and its flags from `by`. Only a finished one is paired with the first answers."""

    by: str
    at: dt.datetime  # when it was begun
    answers: Mapping[str, Answer] = _empty()  # question id -> answer; absent = unanswered
    finished: dt.datetime | None = None  # when `by` said they had finished
    extra: Mapping[str, Any] = _empty()


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    sample: str
    label: str | None = None
    inspector: str | None = None
    moderated: Moderated | None = None
    answers: Mapping[str, Answer] = _empty()  # question id -> answer; absent = unanswered
    # Facts the reports count, optional keys of ours: management oversight sufficient
    # ("yes", "no" or "n/a"), the case manager interviewed, and free notes.
    oversight: str | None = None
    interviewed: bool | None = None
    notes: str | None = None
    disposal: str | None = None  # as the report counts it: "community sentence", "youth caution"
    # Second assessments of the case, each by someone other than its `inspector`, one each.
    second_assessments: tuple[SecondAssessment, ...] = ()
    extra: Mapping[str, Any] = _empty()

    def second_by(self, name: str) -> SecondAssessment | None:
        return next((second for second in self.second_assessments if second.by == name), None)


@dataclass(frozen=True, slots=True)
class ModerationEntry:
    """One answer (or judgement rating) changed, or reviewed, by moderation.

    An answer's entry names its case and question, and `from_`/`to` are an answer or
    UNANSWERED; a judgement rating's names its `standard` (case and question empty), and
    `from_`/`to` are a rating, NOT_RATED or UNRATED. `from_ == to` records a review that agreed.
    """

    case: str
    question: str
    from_: str
    to: str
    by: str
    at: dt.datetime
    reason: str | None = None
    standard: str | None = None
    extra: Mapping[str, Any] = _empty()

    @property
    def is_rating(self) -> bool:
        return self.standard is not None

    @property
    def about(self) -> tuple[str | None, str]:
        """What the entry is about: (case, question), or (None, standard) for a judgement rating."""
        return (None, self.standard) if self.standard is not None else (self.case, self.question)


@dataclass(frozen=True, slots=True)
class Decision:
    """A ratings panel decision on one standard, tied to the computed rating it saw."""

    standard: str
    computed: str
    rating: str
    by: str
    at: dt.datetime
    reason: str | None = None
    extra: Mapping[str, Any] = _empty()


FIELDWORK, POST_INSPECTION = "fieldwork", "post-inspection"
PHASES = (FIELDWORK, POST_INSPECTION)  # when a quality lead's dip sample is checked


@dataclass(frozen=True, slots=True)
class SampleEntry:
    """One entry of the dip sample's log (`[[dip_sample]]`, ours), append-only as the moderation
    log is: a case chosen for quality assurance (in a `phase`, by a `method`, from a `seed` when
    drawn at random), or, with `withdrawn`, taken out of it, saying why (`reason`)."""

    case: str
    by: str
    at: dt.datetime
    phase: str | None = None  # chosen: one of PHASES
    method: str | None = None  # chosen: how, e.g. "2 per assessor, stratified, seed 7"
    seed: int | None = None  # chosen at random: the seed that reproduces the draw
    withdrawn: bool = False
    reason: str | None = None  # why withdrawn (always given), or why chosen by hand
    extra: Mapping[str, Any] = _empty()


@dataclass(frozen=True, slots=True)
class Inspection:
    title: str
    framework: str
    samples: Mapping[str, str]
    standards: tuple[Standard, ...]
    cases: tuple[Case, ...] = ()
    moderation: tuple[ModerationEntry, ...] = ()
    discretion: tuple[Decision, ...] = ()
    dip_sample: tuple[SampleEntry, ...] = ()
    fieldwork_start: dt.date | None = None
    lead_inspector: str | None = None
    # Every change to an answer already given must say why (`[inspection] reasons_required`).
    reasons_required: bool = False
    service: str | None = None  # the service as its report names it: "YJS", "YOS" (ours)
    # The report's words (`[wording]`, ours), over the preset's: see `wording.py`.
    wording: Mapping[str, Any] = _empty()
    # Who takes part, and in what role: name (as `--as`, `inspector` and `by` give it) -> one of ROLES.
    people: Mapping[str, str] = _empty()
    # The file's own [framework] table, kept as written: it overrides the preset.
    framework_overrides: Mapping[str, Any] = _empty()
    inspection_extra: Mapping[str, Any] = _empty()
    extra: Mapping[str, Any] = _empty()
    format: int = FORMAT
    _index: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def standard(self, standard_id: str) -> Standard:
        return self._lookup("standards", _standards_by_id)[standard_id]

    def case(self, case_id: str) -> Case:
        return self._lookup("cases", _cases_by_id)[case_id]

    def cases_in(self, sample: str | None) -> tuple[Case, ...]:
        """The cases of a sample; none for a judgement standard's (None)."""
        by_sample = self._lookup("samples", _cases_by_sample)
        return by_sample.get(sample, ()) if sample is not None else ()

    def _lookup(self, name: str, build: Callable[[Inspection], _Index]) -> _Index:
        """An index, built the first time it is asked for (a large table looks up a case for each of
        its rows): the record itself never changes, so it never goes stale."""
        index: _Index | None = self._index.get(name)
        if index is None:
            index = self._index[name] = build(self)
        return index


def _standards_by_id(inspection: Inspection) -> dict[str, Standard]:
    return {s.id: s for s in inspection.standards}


def _cases_by_id(inspection: Inspection) -> dict[str, Case]:
    return {c.id: c for c in inspection.cases}


def _cases_by_sample(inspection: Inspection) -> dict[str, tuple[Case, ...]]:
    groups: dict[str, list[Case]] = {}
    for case in inspection.cases:
        groups.setdefault(case.sample, []).append(case)
    return {sample: tuple(cases) for sample, cases in groups.items()}
