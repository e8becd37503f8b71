"""Prompts against their key question (`spec/format.md`, "Quality assurance in the report").

A prompt's answer is independent of its key question's in the rules: these are doubts for a
quality lead to look at, never refusals. A key question is in doubt when it is `yes` and every
prompt answered under it is `no`, `no` when every one is `yes`, or `n/a` when a prompt is
answered `yes` or `no`; one with no prompt answered is never in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .model import Answer, Case, KeyQuestion, Standard

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
    return [
        Inconsistent(case.id, question, doubt)
        for case in cases
        for question, doubt in doubts(asked.get(case.sample, ()), case.answers).items()
    ]
