"""Prompts against their key question (`spec/format.md`, "Quality assurance in the report").

A prompt's answer is independent of its key question's in the rules: these are doubts for a
quality lead to look at, never refusals. A key question is in doubt when it is `yes` and every
prompt answered under it is `no`, `no` when every one is `yes`, or `n/a` when a prompt is
answered `yes` or `no`; one with no prompt answered is never in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Callable, Iterable, Mapping, Sequence

from .model import Answer, Answers, Case, KeyQuestion, Questions, Standard

YES_BUT_PROMPTS_NO = "yes-but-prompts-no"
NO_BUT_PROMPTS_YES = "no-but-prompts-yes"
NA_BUT_PROMPTS_ANSWERED = "n/a-but-prompts-answered"


@dataclass(frozen=True, slots=True)
class Inconsistent:
    case: str
    question: str  # the key question
    problem: str  # one of the three above


def problem(kq: KeyQuestion, answers: Mapping[str, Answer]) -> str | None:
    """Whether one case's answer to a key question disagrees with its answered prompts, and how."""
    said = {answer for p in kq.prompts if (answer := answers.get(p.id)) is not None}
    if not said:
        return None
    answer = answers.get(kq.id)
    if answer == Answer.YES and said == {Answer.NO}:
        return YES_BUT_PROMPTS_NO
    if answer == Answer.NO and said == {Answer.YES}:
        return NO_BUT_PROMPTS_YES
    if answer == Answer.NA and said & {Answer.YES, Answer.NO}:
        return NA_BUT_PROMPTS_ANSWERED
    return None


def with_prompts(standards: Iterable[Standard]) -> dict[str, list[KeyQuestion]]:
    """Each sample's key questions that have prompts, in order: the only ones that may be in doubt."""
    found: dict[str, list[KeyQuestion]] = {}
    for standard in standards:
        if standard.sample is not None:
            found.setdefault(standard.sample, []).extend(kq for kq in standard.key_questions if kq.prompts)
    return found


def doubts(key_questions: Iterable[KeyQuestion], answers: Mapping[str, Answer]) -> dict[str, str]:
    """One case's key questions in doubt, each with its problem, in question order."""
    return {kq.id: doubt for kq in key_questions if (doubt := problem(kq, answers)) is not None}


def inconsistencies(standards: Iterable[Standard], cases: Iterable[Case]) -> list[Inconsistent]:
    """Every key question in doubt, case by case in file order, each case's in question order."""
    asked = with_prompts(standards)
    by_columns: dict[tuple[str, Questions], _Columns | None] = {}
    found = []
    for case in cases:
        key_questions, answers = asked.get(case.sample, ()), case.answers
        doubted = None
        if isinstance(answers, Answers):  # as the file gave them
            key = (case.sample, answers.questions)
            if key not in by_columns:
                by_columns[key] = _Columns.of(key_questions, answers.questions)
            columns = by_columns[key]
            doubted = None if columns is None else columns.doubts(answers.codes)
        if doubted is None:
            doubted = doubts(key_questions, answers)
        found += [Inconsistent(case.id, question, doubt) for question, doubt in doubted.items()]
    return found


class _Columns:
    """`doubts` for the cases of one sample as their file gave them (`Answers`, a byte a question):
    a key question's answer and its prompts' read together from a case's bytes at C speed, and
    each mix of them judged once (by `problem`), as thousands of cases repeat a few mixes."""

    def __init__(self, read: Sequence[tuple[KeyQuestion, Questions, Callable[[bytes], Any]]]):
        self._read = [(kq, own, columns, dict[Any, str | None]()) for kq, own, columns in read]

    @classmethod
    def of(cls, key_questions: Iterable[KeyQuestion], questions: Questions) -> _Columns | None:
        """None if a key question or prompt is not one of `questions` (the case by case way then)."""
        read = []
        for kq in key_questions:
            ids = (kq.id, *(p.id for p in kq.prompts))
            if not all(question in questions.index for question in ids):
                return None
            read.append((kq, Questions(ids, questions.sample), itemgetter(*(questions.index[q] for q in ids))))
        return cls(read)

    def doubts(self, codes: bytes) -> dict[str, str]:
        found = {}
        for kq, own, columns, judged in self._read:
            mix = columns(codes)  # a tuple of codes: a key question has a prompt at least
            if mix not in judged:
                judged[mix] = problem(kq, Answers(own, bytes(mix)))
            if (doubt := judged[mix]) is not None:
                found[kq.id] = doubt
        return found
