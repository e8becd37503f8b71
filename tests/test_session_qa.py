"""The session's quality assurance commands as a user meets them: a dip sample chosen and
withdrawn from, merge conflicts settled, second assessments, who may record a rating, and what
the unsaved work is called, each with the words and the log entries it leaves."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from helpers.files import SAMPLES
from helpers.sessions import stockton_session
from moderate.conflicts import Conflict, kept_in
from moderate.model import INSPECTOR, LEAD_INSPECTOR, LOCAL_ASSESSOR, QUALITY_LEAD, Answer
from moderate.people import NotPermitted
from moderate.reading import load
from moderate.rules import pivotal_cases, rate_inspection
from moderate.session import ReasonRequired, Seconded, Session

STOCKTON = load(SAMPLES / "stockton-on-tees-2021.toml")
NINE = dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc)
CONFLICTS = [
    Conflict(None, None, "Outstanding", "Outstanding", "Good", kind="rating", field="1.2"),
    Conflict(None, None, "Good", "Good", "Outstanding", kind="rating", field="1.1"),
    Conflict("C04", "2.2.2", "no", "no", "yes"),
]


def _session(user: str = "lead", conflicts: list[Conflict] = CONFLICTS, **people: str) -> Session:
    inspection = replace(kept_in(STOCKTON.inspection, conflicts), people=people)
    times = (NINE + dt.timedelta(minutes=minute) for minute in range(1000))
    return Session(inspection, STOCKTON.framework, user, clock=lambda: next(times))


def _minute(n: int) -> dt.datetime:
    return NINE + dt.timedelta(minutes=n)


def test_unsaved_work_names_dip_sample_entries_settled_conflicts_and_second_assessments():
    session = _session("jb")
    session.choose_for_sample(["C01"], None, "chosen", reason="Risk of harm")
    assert str(session.unsaved) == "1 dip sample entry"
    session.choose_for_sample(["C03", "C04"], None, "chosen", reason="Risk of harm")
    session.begin_second("C01")
    assert str(session.unsaved) == "3 dip sample entries, 1 second assessment"
    session.begin_second("C03")
    session.settle(0, "Outstanding", "Ours stands")
    assert str(session.unsaved) == "1 reason, 1 review, 3 dip sample entries, 1 merge conflict settled, 2 second assessments"
    session.settle(1, "Good", "Ours stands")
    assert "2 merge conflicts settled" in str(session.unsaved)


def test_only_the_lead_inspector_records_a_rating_a_decision_or_settles_a_rating_where_roles_are_named():
    refused = "A {} is the lead inspector's to record, and jb (inspector) is not the lead inspector."
    session = _session("jb", jb=INSPECTOR, lead=LEAD_INSPECTOR)
    assert session.refusal("panel decision") == refused.format("panel decision")
    with pytest.raises(NotPermitted, match=re.escape(refused.format("judgement rating"))):
        session.rate_judgement("1.2", "Good", "New evidence")
    with pytest.raises(NotPermitted, match=re.escape(refused.format("panel decision"))):
        session.decide("2.2", "Requires improvement", "Keep it")
    with pytest.raises(NotPermitted, match=re.escape(refused.format("judgement rating"))):
        session.settle(0, "Good", "Their reading")
    assert not session.unsaved
    lead = _session("lead", jb=INSPECTOR, lead=LEAD_INSPECTOR)
    assert lead.refusal("panel decision") is None
    assert lead.rate_judgement("1.3", "Good", "New evidence") and lead.decide("2.2", "Requires improvement", "Keep it")
    assert lead.settle(0, "Good", "Their reading")


def test_settling_logs_a_rating_changed_a_rating_kept_as_a_review_and_an_answer_changed():
    session = _session("lead")
    changed = session.settle(0, "Good", "Their reading")
    assert changed.standards == {"1.2"} and changed.step.settles == 0
    assert session.standards["1.2"].rating == "Good"
    session.settle(1, "Good", "Ours stands")  # 1.1 is Good already
    session.settle(2, "yes", "The plan is on file")
    assert session.answer("C04", "2.2.2") == Answer.YES
    assert session.ratings == rate_inspection(session.snapshot(), STOCKTON.framework)
    assert [(e.case, e.question, e.standard, e.from_, e.to, e.by, e.at, e.reason) for e in session.unsaved_log()] == [
        ("", "", "1.2", "Outstanding", "Good", "lead", _minute(0), "Their reading"),
        ("", "", "1.1", "Good", "Good", "lead", _minute(1), "Ours stands"),
        ("C04", "2.2.2", None, "no", "yes", "lead", _minute(2), "The plan is on file"),
    ]
    assert "merge_conflicts" not in session.snapshot().extra  # all settled: they leave the file


def test_the_conflicts_not_settled_stay_in_the_file_and_in_the_session_after_a_save():
    session = _session("lead")
    session.settle(1, "Good", "Ours stands")
    assert session.snapshot().extra["merge_conflicts"] == [CONFLICTS[0].as_table(), CONFLICTS[2].as_table()]
    session.mark_saved()
    assert session.conflicts == (CONFLICTS[0], CONFLICTS[2]) and session.settled == {}


def test_a_settlement_refused_says_which_conflict_and_why():
    session = _session("lead")
    session.settle(2, "yes", "The plan is on file")
    with pytest.raises(
        ValueError, match=re.escape("merge conflict 3 (C04 2.2.2: base no, ours no, theirs yes): settled already")
    ):
        session.settle(2, "no", "Second thoughts")
    with pytest.raises(ValueError, match=re.escape("merge conflict 1 (1.2 rating: base Outstanding, ours Outstanding, ")):
        session.settle(0, "Splendid", "Why not")
    with pytest.raises(ReasonRequired, match=re.escape("merge conflict 2: say why it is settled so")):
        session.settle(1, "Good", "  ")


def test_a_dip_sample_entry_says_who_chose_the_case_and_when_and_is_taken_back_whole():
    session = stockton_session("qa")
    changed = session.choose_for_sample(["C01", "C03"], None, "chosen", reason="Risk of harm")
    assert changed.cases == {"C01", "C03"}
    assert [(e.case, e.by, e.at) for e in session.dip_sample[-2:]] == [("C01", "qa", _minute(0)), ("C03", "qa", _minute(0))]
    assert not session.choose_for_sample(["C01"], None, "chosen")  # held already: nothing changed
    session.withdraw_from_sample("C03", "Case closed")
    withdrawn = session.dip_sample[-1]
    assert (withdrawn.case, withdrawn.by, withdrawn.at, withdrawn.withdrawn) == ("C03", "qa", _minute(2), True)
    session.undo()
    session.undo()
    assert dict(session.sampled) == {}


def test_the_cases_in_the_dip_sample_follow_each_choice_withdrawal_undo_and_redo():
    """What the grid marks in the sample, asked of every case after every change: kept between
    changes, and made again whenever the sample changes."""
    session = stockton_session("qa")
    assert list(session.sampled) == []
    session.choose_for_sample(["C01", "C03"], None, "chosen", reason="Risk of harm")
    assert list(session.sampled) == ["C01", "C03"]
    session.withdraw_from_sample("C03", "Case closed")
    assert list(session.sampled) == ["C01"]
    session.undo()
    assert list(session.sampled) == ["C01", "C03"]
    session.redo()
    assert list(session.sampled) == ["C01"]
    session.undo()
    session.undo()
    assert list(session.sampled) == []


def test_a_dip_sample_choice_refused_says_why():
    session = stockton_session("qa")
    with pytest.raises(ValueError, match=re.escape("no case 'C99' in this inspection")):
        session.choose_for_sample(["C01", "C99"], None, "chosen")
    with pytest.raises(ValueError, match=re.escape("'later' is not one of fieldwork, post-inspection")):
        session.choose_for_sample(["C01"], "later", "chosen")
    with pytest.raises(ValueError, match=re.escape("C01 is not in the dip sample")):
        session.withdraw_from_sample("C01", "Case closed")
    session.choose_for_sample(["C01"], None, "chosen")
    with pytest.raises(ValueError, match=re.escape("withdrawing C01 from the dip sample needs a reason")):
        session.withdraw_from_sample("C01", " ")


def test_second_assessments_keep_their_places_and_say_why_one_is_refused():
    session = stockton_session("qa")
    begun = session.begin_second("C03")
    assert begun.cases == {"C03"} and isinstance(begun.step, Seconded) and begun.step.assessment.at == _minute(0)
    assert not session.begin_second("C03")  # begun already: nothing changed
    session.act_as("mr2", session.clock)
    session.begin_second("C03")
    session.act_as("qa", session.clock)
    session.answer_second("C03", "2.1.1", Answer.NO)
    assert [s.by for s in session.cases["C03"].second_assessments] == ["qa", "mr2"]  # qa's kept first
    assert str(session.unsaved) == "1 second assessment"
    with pytest.raises(ValueError, match=re.escape("3.1.1 is not asked of case C03")):
        session.answer_second("C03", "3.1.1", Answer.NO)
    with pytest.raises(ValueError, match=re.escape("9.9.9 is not asked of case C03")):
        session.answer_second("C03", "9.9.9", Answer.NO)
    with pytest.raises(ValueError, match=re.escape("qa has no second assessment of case C01 under way")):
        session.answer_second("C01", "2.1.1", Answer.NO)
    session.finish_second("C03")
    with pytest.raises(ValueError, match=re.escape("qa's second assessment of case C03 is finished: it is never changed")):
        session.answer_second("C03", "2.1.1", Answer.YES)
    assert session.refuses_second("C02") is None
    jb = stockton_session("jb")
    assert jb.refuses_second("C02") == "jb assessed case C02 first: a second assessment of it is someone else's"


def _saved_by_jb_then_lead() -> tuple[Session, str]:
    """jb's change of a case's 2.2.2 from no to yes, saved; then lead takes over."""
    session = stockton_session("jb")
    case = next(c for c, answers in session.answers.items() if answers.get("2.2.2") == Answer.NO)
    session.set_answer(case, "2.2.2", Answer.YES, "Plan found")
    session.mark_saved()
    session.act_as("lead", session.clock)
    return session, case


def test_an_undo_or_a_reason_after_a_save_is_logged_as_whoever_gave_it():
    session, _ = _saved_by_jb_then_lead()
    session.give_reason("Plan on file")  # saved already: a note, by lead
    assert [(e.from_, e.to, e.by, e.reason) for e in session.unsaved_log()] == [("yes", "yes", "lead", "Plan on file")]
    session.undo()
    assert [(e.from_, e.to, e.by, e.reason) for e in session.unsaved_log()] == [("yes", "no", "lead", "undone")]


def test_the_cases_a_flagged_standard_rests_on_follow_the_answers_as_they_now_stand():
    session = stockton_session("lead")
    sample = [(c.id, session.answers[c.id]) for c in STOCKTON.inspection.cases_in("court")]
    rests_on = session.pivotal("2.2")
    assert rests_on and rests_on == pivotal_cases(session.ratings.standards["2.2"].discretion, sample)
    first = rests_on[0]
    session.set_answer(first.case, first.key_question, Answer.NA)  # no longer relevant: it rests on it no more
    assert first.case not in {p.case for p in session.pivotal("2.2") if p.key_question == first.key_question}


def test_answers_carried_over_a_save_count_as_changed_by_this_session():
    session = stockton_session("jb")
    session.carry_changed([("C01", "2.1.1")])
    assert session.changed == {("C01", "2.1.1")}


def test_a_conflict_this_file_cannot_settle_says_why():
    session = _session(
        "lead",
        [
            Conflict("C99", "2.2.2", "no", "no", "yes"),
            Conflict(None, None, "Good", "Good", "Outstanding", kind="rating", field="2.2"),
            Conflict(None, None, "Good", "Good", "Outstanding", kind="rating", field="9.9"),
        ],
    )
    by_hand = "settle it by hand in the file"
    assert session.unsettled_why(0) == f"C99 2.2.2 is not a case's question in this file: {by_hand}"
    assert session.unsettled_why(1) == f"2.2 is not a judgement standard: {by_hand}"
    assert session.unsettled_why(2) == f"9.9 is not a judgement standard: {by_hand}"
    assert session.settle_values(1) == ()


def test_an_undo_back_to_what_an_earlier_undo_left_is_logged_as_whoever_undid_it():
    session, case = _saved_by_jb_then_lead()
    session.undo()  # past the save: back to no
    session.act_as("jb", session.clock)
    session.set_answer(case, "2.2.2", Answer.NA, "Not relevant after all")
    session.act_as("lead", session.clock)
    session.undo()  # back to no, as the first undo left it
    assert [(e.from_, e.to, e.by, e.reason) for e in session.unsaved_log()] == [("yes", "no", "lead", "undone")]


def test_a_local_assessors_review_is_not_quality_assurance_where_roles_are_named():
    session = _session("la", [], la=LOCAL_ASSESSOR, qa=QUALITY_LEAD)
    session.review("C01", "2.1.1", "Looks right")
    session.act_as("qa", session.clock)
    session.review("C01", "2.1.2", "Agreed")
    assert session.qa_checkers().get(("C01", "2.1.1")) is None
    assert session.qa_checkers()[("C01", "2.1.2")] == ["qa"]
    session.mark_saved()
    assert session.qa_checkers().get(("C01", "2.1.1")) is None and session.qa_checkers()[("C01", "2.1.2")] == ["qa"]
