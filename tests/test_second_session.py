"""A blind second assessment as the session runs it: begun, answered and finished by the second
assessor, beside the first answers and never in their place; journaled and replayed; and never
touched by moderating the case, reconciling included."""

from __future__ import annotations

import pytest

from helpers.sessions import stockton_session
from moderate.model import Answer
from moderate.people import NotPermitted
from moderate.replay import record_of, replay
from moderate.session import Session

YES, NO, NA = Answer.YES, Answer.NO, Answer.NA


def _answered(session: Session, case: str) -> dict[str, Answer]:
    mine = session.second(case)
    assert mine is not None
    return dict(mine.answers)


def test_a_second_assessment_is_the_assessors_own_and_blind_until_finished():
    session = stockton_session("qa")
    first = dict(session.answers["C03"])
    assert session.blind() == []
    session.begin_second("C03")
    assert session.blind() == ["C03"]
    session.answer_second("C03", "2.1.1", NO)
    session.answer_second("C03", "2.1.2", YES)
    session.answer_second("C03", "2.1.2", None)  # cleared: the second assessor's own to change
    assert _answered(session, "C03") == {"2.1.1": NO}
    assert dict(session.answers["C03"]) == first  # the first answers untouched
    assert session.unsaved.seconds == 1 and "1 second assessment" in str(session.unsaved)
    session.finish_second("C03")
    assert session.blind() == []
    with pytest.raises(ValueError, match="finished: it is never changed"):
        session.answer_second("C03", "2.1.1", YES)
    (saved,) = session.snapshot().case("C03").second_assessments
    assert (saved.by, dict(saved.answers), saved.finished is not None) == ("qa", {"2.1.1": NO}, True)


def test_the_cases_own_assessor_cannot_assess_it_a_second_time():
    session = stockton_session("ak")  # ak assessed C01
    assert session.cases["C01"].inspector == "ak"
    with pytest.raises(NotPermitted, match="someone else's"):
        session.begin_second("C01")


def test_moderating_and_reconciling_the_case_leave_the_second_assessment_as_it_was():
    session = stockton_session("qa")
    session.begin_second("C03")
    session.answer_second("C03", "2.1.1", NO)
    session.finish_second("C03")
    before = session.second("C03")
    # reconciling: the first answer changed to the second's, with a reason; another kept, a review
    session.set_answer("C03", "2.1.1", NO, "the second assessment is right: no desistance analysis")
    session.review("C03", "2.1.2", "kept: the first assessment is sound")
    session.undo()
    session.redo()
    assert session.second("C03") == before
    assert session.snapshot().case("C03").second_assessments == (before,)


def test_a_journal_of_a_second_assessment_replays_to_the_same_session():
    session = stockton_session("qa")
    records = []
    session.listen(lambda done: records.append(record_of(done)))
    session.begin_second("C03")
    session.answer_second("C03", "2.1.1", NO)
    session.answer_second("C03", "2.1.1.a", NA)
    session.finish_second("C03")
    again = stockton_session("someone else")
    replay(again, records)
    assert again.snapshot() == session.snapshot()
    assert again.second("C03") is None  # replayed as qa's, not as whoever restores it
    assert again.snapshot().case("C03").second_by("qa") == session.second("C03")
