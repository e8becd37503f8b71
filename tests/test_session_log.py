"""What a moderator's commands leave in the moderation log, the unsaved count and the saved file:
the figures a change shows, reasons, reviews, undo and redo across a save, marks, ratings and
panel decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers.files import SAMPLES
from moderate.model import Answer
from moderate.reading import load, parse_text
from moderate.session import ReasonRequired, Session, Unsaved
from moderate.writing import dumps

STOCKTON = (SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")


def at(minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, 9, minute, tzinfo=dt.timezone.utc)


def _session(text: str = STOCKTON, user: str = "jb") -> Session:
    """Stockton, with a clock that moves on a minute each time it is read (from 09:00)."""
    loaded = parse_text(text)
    times = iter(at(minute) for minute in range(60))
    return Session(loaded.inspection, loaded.framework, user, clock=lambda: next(times))


@pytest.fixture
def session() -> Session:
    return _session()


def _reopened(session: Session) -> Session:
    """The session's snapshot written, read back and opened: what the next person sees."""
    loaded = parse_text(dumps(session.snapshot()))
    return Session(loaded.inspection, loaded.framework, "someone else")


def _log(session: Session) -> list[tuple]:
    return [(e.case or e.standard, e.question, e.from_, e.to, e.by, e.at, e.reason) for e in session.moderation]


def _a_no_on(session: Session, question: str, skip: int = 0) -> str:
    return [c for c, answers in session.answers.items() if answers.get(question) == Answer.NO][skip]


def _without_answer(case: str, question: str) -> str:
    """Stockton with one case's answer to one question never given."""
    start = STOCKTON.index(f'id = "{case}"')
    line = STOCKTON.index(f'"{question}" = ', start)
    return STOCKTON[:line] + STOCKTON[STOCKTON.index("\n", line) + 1 :]


# ---------------------------------------------------------------- figures


def test_a_change_to_a_prompt_updates_its_figures_as_the_saved_file_would_give_them(session):
    case = _a_no_on(session, "2.2.2.a")
    before = session.figures("2.2.2.a")
    assert session.is_prompt("2.2.2.a") and not session.is_prompt("2.2.2")
    assert session.standard_of("2.2.2.a").id == "2.2" and session.standard_of("2.2.2").id == "2.2"
    session.set_answer(case, "2.2.2.a", Answer.YES)
    after = session.figures("2.2.2.a")
    assert (after.id, after.yes, after.relevant) == ("2.2.2.a", before.yes + 1, before.relevant)
    session.set_answer(case, "2.2.2", Answer.YES)  # a key question beside it
    assert session.ratings == _reopened(session).ratings
    session.set_answers([(case, "2.2.2.a", Answer.NO), (case, "2.2.1.a", None), (case, "2.2.1", Answer.NO)])
    assert session.figures("2.2.1.a").unanswered == 1
    assert session.ratings == _reopened(session).ratings


def test_undo_and_redo_give_back_exactly_the_figures_they_had(session):
    case = _a_no_on(session, "2.2.2")
    before = session.ratings
    session.set_answer(case, "2.2.2", Answer.YES)
    after = session.ratings
    session.undo()
    assert session.ratings == before
    session.redo()
    assert session.ratings == after == _reopened(session).ratings


def test_a_saved_file_keeps_the_judgement_ratings_and_panel_decisions_made(session):
    session.rate_judgement("1.2", "Good", "  Leadership changed  ")
    decision = session.decide("2.2", "Requires improvement", "Keep the computed rating").step.decision
    assert (decision.standard, decision.computed, decision.rating, decision.by, decision.at, decision.reason) == (
        "2.2",
        "Requires improvement",
        "Requires improvement",
        "jb",
        at(1),
        "Keep the computed rating",
    )
    reopened = _reopened(session)
    assert reopened.standards["1.2"].rating == "Good"
    assert reopened.discretion == session.discretion and reopened.discretion[-1] == decision
    assert reopened.ratings == session.ratings
    assert session.moderation[-1].reason == "Leadership changed"


# ---------------------------------------------------------------- the log and what is unsaved


def test_the_log_has_one_entry_per_answer_whose_value_differs_after_one_changed_back(session):
    first, second = _a_no_on(session, "2.2.2"), _a_no_on(session, "2.2.2", 1)
    session.set_answer(first, "2.2.2", Answer.YES)
    session.set_answer(first, "2.2.2", Answer.NO)  # changed back: nothing to log
    session.set_answer(second, "2.2.2", Answer.NA, "Not sentenced yet")
    assert _log(session) == [(second, "2.2.2", "no", "n/a", "jb", at(2), "Not sentenced yet")]


def test_a_first_answer_is_data_entry_and_not_logged_but_one_given_again_after_it_was_logged_is():
    session = _session(_without_answer("C03", "2.2.2"))
    other = _a_no_on(session, "2.1.1")
    session.set_answer("C03", "2.2.2", Answer.YES)  # never answered: data entry
    session.set_answer(other, "2.1.1", Answer.YES)
    assert _log(session) == [(other, "2.1.1", "no", "yes", "jb", at(1), None)]
    assert str(session.unsaved) == "2 answers"
    cleared = _session(dumps(session.snapshot()))
    case = _a_no_on(cleared, "2.2.2")
    cleared.set_answer(case, "2.2.2", None, "Wrong case")
    cleared.mark_saved()
    cleared.set_answer(case, "2.2.2", Answer.YES)  # cleared and logged before: a change again
    assert _log(cleared)[-1] == (case, "2.2.2", "unanswered", "yes", "jb", at(1), None)
    second = _a_no_on(cleared, "2.2.2")
    cleared.set_answer(second, "2.2.2", None, "Wrong case")
    reopened = _session(dumps(cleared.snapshot()))
    reopened.set_answer(second, "2.2.2", Answer.NO)  # cleared in the file's log: a change
    assert _log(reopened)[-1] == (second, "2.2.2", "unanswered", "no", "jb", at(0), None)
    reopened.set_answer(other, "2.1.1", None)
    reopened.set_answer(other, "2.1.1", Answer.NO)  # logged in the file before: not a first answer
    assert _log(reopened)[-1] == (other, "2.1.1", "yes", "no", "jb", at(2), None)


def test_unsaved_counts_every_kind_of_work_in_words():
    assert str(Unsaved()) == "nothing" and not Unsaved()
    assert str(Unsaved(2, 2, 2, 2, 2, 2)) == (
        "2 answers, 2 reasons, 2 moderated marks, 2 judgement ratings, 2 panel decisions, 2 reviews"
    )
    assert (
        str(Unsaved(1, 1, 1, 1, 1, 1)) == "1 answer, 1 reason, 1 moderated mark, 1 judgement rating, 1 panel decision, 1 review"
    )
    assert Unsaved(reviews=1) and str(Unsaved(reviews=1)) == "1 review"


def test_unsaved_counts_each_item_changed(session):
    first, second = _a_no_on(session, "2.2.2"), _a_no_on(session, "2.2.2", 1)
    session.set_answer(first, "2.2.2", Answer.YES, "Plan found")
    session.set_answer(second, "2.2.2", Answer.YES)
    session.mark_moderated("C03")
    session.mark_moderated("C04")
    session.rate_judgement("1.2", "Good")
    session.rate_judgement("1.3", "Good")
    session.review(first, "2.2.1", "Agreed")
    assert str(session.unsaved) == "2 answers, 2 reasons, 2 moderated marks, 2 judgement ratings, 1 review"
    assert session.unsaved_cells == {(first, "2.2.2"), (second, "2.2.2")}
    session.mark_saved()
    assert not session.unsaved and not session.dirty
    session.rate_judgement("1.2", "Outstanding")
    assert str(session.unsaved) == "1 judgement rating"


def test_times_are_whole_seconds_in_utc():
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    session = Session(loaded.inspection, loaded.framework, "jb")  # the real clock
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", Answer.YES)
    logged = session.moderation[-1].at
    assert logged.utcoffset() == dt.timedelta(0) and logged.microsecond == 0
    assert abs(dt.datetime.now(dt.timezone.utc) - logged) < dt.timedelta(minutes=1)


# ---------------------------------------------------------------- reasons


def test_a_reason_given_replaces_the_last_and_an_empty_one_takes_it_away(session):
    case = _a_no_on(session, "2.2.2")
    assert not session.give_reason("nothing to give it to")
    session.set_answer(case, "2.2.2", Answer.YES, "first thoughts")
    given = session.give_reason("  Plan found on file ").step
    assert given.entry.reason == "Plan found on file" and given is session.last_change
    assert _log(session) == [(case, "2.2.2", "no", "yes", "jb", at(0), "Plan found on file")]
    session.give_reason("   ")
    assert _log(session) == [(case, "2.2.2", "no", "yes", "jb", at(0), None)]
    session.give_reason("Plan found")
    session.undo()
    session.redo()  # the reason comes back with the change
    assert _log(session) == [(case, "2.2.2", "no", "yes", "jb", at(0), "Plan found")]
    assert str(session.unsaved) == "1 answer, 1 reason"


def test_a_reason_for_a_change_already_saved_is_logged_as_a_note_beside_it(session):
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", Answer.YES)
    session.mark_saved()
    session.give_reason("   ")  # no reason: nothing to note
    assert not session.unsaved
    session.give_reason("Plan found on file")
    assert _log(session) == [
        (case, "2.2.2", "no", "yes", "jb", at(0), None),
        (case, "2.2.2", "yes", "yes", "jb", at(2), "Plan found on file"),
    ]
    assert str(session.unsaved) == "1 reason, 1 review"


def test_a_reason_cannot_be_taken_away_where_reasons_are_required():
    session = _session(STOCKTON.replace('lead_inspector = "lead"', 'lead_inspector = "lead"\nreasons_required = true'))
    case = _a_no_on(session, "2.2.2")
    with pytest.raises(ReasonRequired, match=f"{case} 2.2.2: this inspection requires a reason for changing an answer"):
        session.set_answer(case, "2.2.2", Answer.YES)
    session.set_answer(case, "2.2.2", Answer.YES, "Plan found")
    with pytest.raises(ReasonRequired, match=f"{case} 2.2.2: this inspection requires a reason for changing an answer"):
        session.give_reason(" ")
    assert session.moderation[-1].reason == "Plan found"


# ---------------------------------------------------------------- reviews


def test_a_review_that_agrees_is_logged_from_equal_to_and_saved(session):
    case = _a_no_on(session, "2.2.2")
    reviewed = session.review(case, "2.2.2", "  Agreed: no plan on file ").step
    assert (reviewed.case, reviewed.question, reviewed.old, reviewed.new) == (case, "2.2.2", Answer.NO, Answer.NO)
    assert _log(session) == [(case, "2.2.2", "no", "no", "jb", at(0), "Agreed: no plan on file")]
    assert str(session.unsaved) == "1 reason, 1 review" and session.dirty and not session.unsaved_cells
    assert session.ratings == _reopened(session).ratings
    assert _reopened(session).moderation == session.moderation
    session.review(case, "2.2.1")
    assert session.moderation[-1].reason is None and session.moderation[-1].from_ == session.moderation[-1].to


def test_a_review_of_an_answer_not_given_is_nothing():
    session = _session(_without_answer("C03", "2.2.2"))
    assert not session.review("C03", "2.2.2", "agreed")
    assert not session.dirty and not session.undo()


def test_a_review_undone_leaves_nothing_and_redone_is_logged_again(session):
    case = _a_no_on(session, "2.2.2")
    session.review(case, "2.2.2", "Agreed")
    session.undo()
    assert session.moderation == [] and not session.dirty
    session.redo()
    assert _log(session) == [(case, "2.2.2", "no", "no", "jb", at(0), "Agreed")]


def test_a_change_then_a_review_logs_the_change_with_the_reviews_reason(session):
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", Answer.YES, "Plan found")
    session.review(case, "2.2.2", "Checked again")
    assert _log(session) == [(case, "2.2.2", "no", "yes", "jb", at(1), "Checked again")]
    session.undo()  # the review: the change stands with its own reason
    assert _log(session) == [(case, "2.2.2", "no", "yes", "jb", at(0), "Plan found")]


# ---------------------------------------------------------------- undo and redo across a save


def test_undoing_the_second_of_two_changes_leaves_the_first_with_its_reason(session):
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", Answer.YES, "Plan found")
    session.set_answer(case, "2.2.2", Answer.NA, "Not sentenced")
    session.undo()
    assert _log(session) == [(case, "2.2.2", "no", "yes", "jb", at(0), "Plan found")]


def test_a_saved_change_undone_is_logged_as_undone_by_whom_and_when(session):
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", Answer.YES, "Plan found")
    session.mark_saved()
    session.undo()
    assert _log(session) == [
        (case, "2.2.2", "no", "yes", "jb", at(0), "Plan found"),
        (case, "2.2.2", "yes", "no", "jb", at(1), "undone"),
    ]
    assert not session.undo()


def test_a_change_after_a_save_undone_leaves_nothing_to_save(session):
    first, second = _a_no_on(session, "2.2.2"), _a_no_on(session, "2.2.2", 1)
    session.set_answer(first, "2.2.2", Answer.YES)
    session.mark_saved()
    session.set_answer(second, "2.2.2", Answer.YES)
    session.undo()
    assert not session.dirty and len(session.moderation) == 1
    session.undo()  # and now the saved one, past the save
    session.undo()
    assert [(e.case, e.from_, e.to, e.reason) for e in session.moderation] == [
        (first, "no", "yes", None),
        (first, "yes", "no", "undone"),
    ]


def test_undo_redo_undo_past_a_save_logs_the_last_undo(session):
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", Answer.YES)
    session.mark_saved()
    session.undo()
    session.redo()
    assert len(session.moderation) == 1 and not session.dirty  # back as saved
    session.undo()
    assert _log(session)[1:] == [(case, "2.2.2", "yes", "no", "jb", at(2), "undone")]


def test_a_change_undone_before_a_save_can_be_redone_after_it(session):
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", Answer.YES, "Plan found")
    session.undo()
    session.mark_saved()
    session.redo()
    assert _log(session) == [(case, "2.2.2", "no", "yes", "jb", at(0), "Plan found")]
    assert session.ratings == _reopened(session).ratings


def test_a_saved_judgement_rating_undone_is_logged_back_to_what_it_was(session):
    session.rate_judgement("1.2", "Good", "New evidence")
    session.mark_saved()
    session.undo()
    assert _log(session) == [
        ("1.2", "", "Outstanding", "Good", "jb", at(0), "New evidence"),
        ("1.2", "", "Good", "Outstanding", "jb", at(1), "undone"),
    ]
    session.redo()  # a rating undone before a save, redone after it
    session.undo()
    session.mark_saved()
    session.redo()
    assert _log(session)[-1] == ("1.2", "", "Outstanding", "Good", "jb", at(0), "New evidence")


def test_a_panel_decision_undone_and_redone_counts_again(session):
    decision = session.decide("2.2", "Requires improvement", "Keep the computed rating").step.decision
    session.undo()
    assert session.ratings.standards["2.2"].final.rating == "Good"
    session.redo()
    assert session.discretion[-1] is decision and session.ratings.standards["2.2"].final.rating == "Requires improvement"
    session.undo()
    assert session.ratings.standards["2.2"].final.rating == "Good" and str(session.unsaved) == "nothing"


def test_a_change_undone_before_a_save_is_still_redone_after_it_but_not_a_panel_decision(session):
    case = _a_no_on(session, "2.2.2")
    session.decide("2.2", "Requires improvement", "kept")
    session.undo()
    session.set_answer(case, "2.2.2", Answer.YES)
    session.undo()
    session.mark_saved()
    assert session.redo().step.new == Answer.YES
    assert not session.redo()


# ---------------------------------------------------------------- marks, ratings, decisions


def test_a_case_marked_twice_and_undone_once_keeps_its_first_mark(session):
    session.mark_moderated("C03")
    session.mark_moderated("C03")
    session.undo()
    assert session.cases["C03"].moderated.at == at(0)
    assert _reopened(session).cases["C03"].moderated.at == at(0)


def test_a_judgement_rating_must_be_one_of_the_frameworks(session):
    with pytest.raises(ValueError, match="2.2 takes its rating from its key questions"):
        session.rate_judgement("2.2", "Good")
    with pytest.raises(ValueError, match="'Excellent' is not a rating of hmip-youth-2018"):
        session.rate_judgement("1.2", "Excellent")
    session.rate_judgement("1.2", "Not rated", "   ")
    assert _log(session) == [("1.2", "", "Outstanding", "Not rated", "jb", at(0), None)]


# ---------------------------------------------------------------- what a command says it changed


def _said(changed) -> tuple:
    return changed.cells, changed.questions, changed.standards, changed.cases


def test_each_command_says_what_it_changed_so_the_screens_redraw_that(session):
    case = _a_no_on(session, "2.2.2.a")
    prompt = session.set_answer(case, "2.2.2.a", Answer.YES)
    assert prompt.step.new == Answer.YES and not prompt.overall  # a prompt moves no rating
    assert _said(prompt) == ({(case, "2.2.2.a")}, {"2.2.2.a"}, set(), set())
    answered = session.set_answer(case, "2.2.2", Answer.YES)
    assert _said(answered) == ({(case, "2.2.2")}, {"2.2.2"}, {"2.2"}, set()) and answered.overall
    unchanged = session.set_answer(case, "2.2.2", Answer.YES)
    assert not unchanged and unchanged.step is None and _said(unchanged) == (set(), set(), set(), set())
    undone = session.undo()
    assert undone.step is answered.step and _said(undone) == _said(answered)
    marked = session.mark_moderated("C03")
    assert marked.step.case == "C03" and _said(marked) == (set(), set(), set(), {"C03"})
    rated = session.rate_judgement("1.2", "Good")
    assert rated.step.new == "Good" and _said(rated) == (set(), set(), {"1.2"}, set())
    imported = session.set_answers([(case, "2.2.1", Answer.NO), (case, "2.2.2.b", Answer.NA)])
    assert len(imported.steps) == 2 and _said(imported) == (
        {(case, "2.2.1"), (case, "2.2.2.b")},
        {"2.2.1", "2.2.2.b"},
        {"2.2"},
        set(),
    )
