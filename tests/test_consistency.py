"""Prompts against their key question: each doubt of format.md warns, a consistent case does not."""

from __future__ import annotations

import random

import pytest

from helpers.sessions import stockton_session

from moderate.consistency import (
    NA_BUT_PROMPTS_ANSWERED,
    NO_BUT_PROMPTS_YES,
    YES_BUT_PROMPTS_NO,
    doubts,
    inconsistencies,
    problem,
    with_prompts,
)
from moderate.model import Answer, Answers, Case, KeyQuestion, Prompt, Standard
from moderate.reading import parse_text
from moderate.writing import dumps

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


def test_the_session_keeps_each_case_s_doubts_as_its_answers_change_and_says_which_moved():
    session = stockton_session()
    assert dict(session.doubts("O04")) == {"3.2.3": NO_BUT_PROMPTS_YES}  # the sample's one doubt
    assert session.doubt("O04", "3.2.3.a") == ("3.2.3", NO_BUT_PROMPTS_YES)  # a prompt names its key question's
    assert session.doubt("O04", "3.2.2") is None
    changed = session.set_answer("O04", "3.2.3.a", Answer.NO)  # no longer every prompt yes
    assert changed.doubts == {("O04", "3.2.3")}
    assert not session.doubts("O04")
    assert session.set_answer("O04", "3.2.3.b", Answer.NO).doubts == frozenset()  # still none: nothing moved
    session.undo()
    assert session.undo().doubts == {("O04", "3.2.3")}
    assert dict(session.doubts("O04")) == {"3.2.3": NO_BUT_PROMPTS_YES}
    assert session.redo().doubts == {("O04", "3.2.3")}
    # a key question's own answer puts it in doubt too, and one answered outside its sample never
    assert session.set_answer("C01", "2.2.2", Answer.NA).doubts == {("C01", "2.2.2")}
    assert session.doubts("C01")["2.2.2"] == NA_BUT_PROMPTS_ANSWERED
    assert session.set_answer("C01", "3.2.3", Answer.YES).doubts == frozenset()


def answer_at_random(session, seed: int, times: int) -> None:
    """Set (or clear) `times` answers at random, each to a key question with prompts or a prompt of one."""
    rng = random.Random(seed)
    with_prompts = [
        (case.id, q)
        for case in session.cases.values()
        for standard in session.standards.values()
        if standard.sample == case.sample
        for kq in standard.key_questions
        if kq.prompts
        for q in (kq.id, *(p.id for p in kq.prompts))
    ]
    for _ in range(times):
        case, question = rng.choice(with_prompts)
        session.set_answer(case, question, rng.choice([None, *Answer]))


def test_the_session_s_doubts_agree_with_check_s_after_any_answers():
    session = stockton_session()
    for case in session.cases:
        session.doubts(case)  # asked for before the changes: kept up to date from there
    answer_at_random(session, 20, 400)
    expected: dict[str, dict[str, str]] = {}
    for found in inconsistencies(session.standards.values(), session.snapshot().cases):
        expected.setdefault(found.case, {})[found.question] = found.problem
    assert {case: dict(session.doubts(case)) for case in session.cases if session.doubts(case)} == expected


def test_the_doubts_of_a_file_as_read_are_those_of_its_cases_answer_by_answer():
    """`check` and the QA report read a file's answers a byte a question, and judge a key
    question's mix of answers once for every case that repeats it: the same doubts, in the same
    order, as each case's answers judged one by one."""
    session = stockton_session()
    answer_at_random(session, 26, 600)
    read = parse_text(dumps(session.snapshot())).inspection
    assert all(isinstance(case.answers, Answers) for case in read.cases)
    asked = with_prompts(read.standards)
    one_by_one = [
        (case.id, question, doubt)
        for case in read.cases
        for question, doubt in doubts(asked.get(case.sample, ()), dict(case.answers.items())).items()
    ]
    found = [(i.case, i.question, i.problem) for i in inconsistencies(read.standards, read.cases)]
    assert found == one_by_one
    assert {doubt for _, _, doubt in found} == {YES_BUT_PROMPTS_NO, NO_BUT_PROMPTS_YES, NA_BUT_PROMPTS_ANSWERED}
