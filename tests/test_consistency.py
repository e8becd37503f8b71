"""Prompts against their key question: each doubt of format.md warns, a consistent case does not."""

from __future__ import annotations

import pytest

from moderate.consistency import (
    NA_BUT_PROMPTS_ANSWERED,
    NO_BUT_PROMPTS_YES,
    YES_BUT_PROMPTS_NO,
    inconsistencies,
    problem,
)
from moderate.model import Answer, Case, KeyQuestion, Prompt, Standard

KQ = KeyQuestion("2.2.2", "Safe?", prompts=tuple(Prompt(f"2.2.2.{x}", f"{x}?") for x in "abcd"))
Y, N, NA = Answer.YES, Answer.NO, Answer.NA


def answers(kq: Answer | None, *prompts: Answer | None) -> dict[str, Answer]:
    given = {"2.2.2": kq} if kq else {}
    given.update({f"2.2.2.{x}": a for x, a in zip("abcd", prompts, strict=False) if a is not None})
    return given


@pytest.mark.parametrize(
    "given, expected",
    [
        (answers(Y, N, N, N, N), YES_BUT_PROMPTS_NO),  # the case the issue imported
        (answers(Y, N), YES_BUT_PROMPTS_NO),  # only the answered prompts count
        (answers(N, Y, Y, None, Y), NO_BUT_PROMPTS_YES),
        (answers(NA, Y), NA_BUT_PROMPTS_ANSWERED),
        (answers(NA, NA, N), NA_BUT_PROMPTS_ANSWERED),
        (answers(Y, N, Y), None),
        (answers(N, N, Y), None),
        (answers(Y, Y, Y, Y, Y), None),
        (answers(N, N, N), None),
        (answers(NA, NA, NA), None),
        (answers(Y, N, NA), None),  # not every answered prompt is 'no'
        (answers(Y), None),  # no prompt answered: never in doubt
        (answers(None, N, N), None),  # the key question unanswered
    ],
)
def test_each_doubt_is_found_and_a_consistent_case_is_not(given, expected):
    assert problem(KQ, given) == expected


def test_only_the_key_questions_of_a_case_s_own_sample_are_looked_at():
    standards = [
        Standard("2.2", "Court", "Planning", sample="court", key_questions=(KQ,)),
        Standard("1.1", "Organisational delivery", "Governance"),
    ]
    cases = [
        Case("C01", "court", answers=answers(Y, N, N)),
        Case("C02", "court", answers=answers(Y, Y, N)),
        Case("O01", "oocd", answers=answers(Y, N, N)),  # answers that count for nothing
        Case("C03", "court", answers=answers(NA, Y)),
    ]
    found = [(i.case, i.question, i.problem) for i in inconsistencies(standards, cases)]
    assert found == [("C01", "2.2.2", YES_BUT_PROMPTS_NO), ("C03", "2.2.2", NA_BUT_PROMPTS_ANSWERED)]
