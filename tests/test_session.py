"""Commands on an open inspection: answers, undo and redo, reasons, panel decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers.files import SAMPLES
from helpers.sessions import stockton_session
from moderate.model import UNANSWERED, Answer
from moderate.reading import InspectionError, load, parse_text
from moderate.replay import ReplayError, record_of, replay
from moderate import importing
from moderate.session import Changed, ReasonRequired, Session, wanted
from moderate.storage import save
from moderate.writing import dumps


@pytest.fixture
def stockton() -> Session:
    return stockton_session()


def _a_no_on(session: Session, question: str) -> str:
    return next(c for c, answers in session.answers.items() if answers.get(question) == Answer.NO)


def test_one_more_yes_on_keeping_the_child_safe_moves_stockton_planning_to_good(stockton):
    case = _a_no_on(stockton, "2.2.2")
    stockton.set_answer(case, "2.2.2", Answer.YES)
    planning = stockton.ratings.standards["2.2"]
    assert stockton.figures("2.2.2").yes == 6
    assert planning.computed.rating == "Good"
    assert planning.stale  # the panel's uplift was made against Requires improvement
    assert stockton.ratings.overall.score == 32
    entry = stockton.moderation[-1]
    assert (entry.case, entry.question, entry.from_, entry.to, entry.by) == (case, "2.2.2", "no", "yes", "jb")


def test_undo_restores_the_figures_and_takes_back_the_log_entry(stockton):
    before = stockton.ratings
    case = _a_no_on(stockton, "2.2.2")
    stockton.set_answer(case, "2.2.2", Answer.YES)
    stockton.undo()
    assert stockton.ratings == before and stockton.moderation == []
    stockton.redo()
    assert stockton.ratings.standards["2.2"].computed.rating == "Good" and len(stockton.moderation) == 1


def test_undo_after_a_save_logs_the_reversal_instead(stockton, tmp_path):
    case = _a_no_on(stockton, "2.2.2")
    stockton.set_answer(case, "2.2.2", Answer.YES)
    save(tmp_path / "s.toml", stockton.snapshot())
    stockton.mark_saved()
    stockton.undo()
    assert [(e.from_, e.to) for e in stockton.moderation] == [("no", "yes"), ("yes", "no")]


def test_a_reason_can_be_added_to_the_last_change(stockton):
    case = _a_no_on(stockton, "2.2.2")
    stockton.set_answer(case, "2.2.2", None)
    stockton.give_reason("  Plan not on file  ")
    assert stockton.moderation[-1].reason == "Plan not on file"
    assert stockton.moderation[-1].to == UNANSWERED
    assert stockton.figures("2.2.2").unanswered == 1 and stockton.ratings.standards["2.2"].provisional


def test_a_panel_decision_counts_at_once_and_a_new_one_replaces_it(stockton):
    planning = stockton.ratings.standards["2.2"]
    assert planning.final.rating == "Good"
    stockton.decide("2.2", "Requires improvement", "Withdrawn: keep the computed rating")
    assert stockton.ratings.standards["2.2"].final.rating == "Requires improvement"
    assert stockton.ratings.overall.score == 31
    assert len(stockton.discretion) == 2  # appended, never rewritten


def test_marking_a_case_moderated_is_saved(stockton, tmp_path):
    stockton.mark_moderated("C03")
    inspection = parse_text(dumps(stockton.snapshot())).inspection
    assert inspection.case("C03").moderated.by == "jb"


def test_a_judgement_standard_is_rated_and_logged_with_its_standard(stockton, tmp_path):
    assert stockton.ratings.overall.score == 32
    stockton.rate_judgement("1.2", "Good")
    assert stockton.ratings.standards["1.2"].final.rating == "Good" and stockton.ratings.overall.score == 31
    entry = stockton.moderation[-1]
    assert (entry.standard, entry.case, entry.question, entry.from_, entry.to) == ("1.2", "", "", "Outstanding", "Good")
    assert stockton.rate_judgement("1.2", "Good") == Changed()  # already so: nothing changed
    with pytest.raises(ValueError):
        stockton.rate_judgement("2.2", "Good")  # rated from its key questions
    with pytest.raises(ValueError):
        stockton.rate_judgement("1.2", "Excellent")
    path = tmp_path / "s.toml"
    save(path, stockton.snapshot())
    assert load(path).inspection.moderation[-1] == entry


def test_a_rating_in_the_moderation_log_must_be_a_rating():
    text = dumps(load(SAMPLES / "stockton-on-tees-2021.toml").inspection)
    logged = (
        '\n[[moderation]]\ncase = ""\nquestion = "1.2"\nfrom = "unanswered"\nto = "{}"\nby = "jb"\nat = 2026-11-23T09:00:00Z\n'
    )
    assert parse_text(text + logged.format("Not rated")).inspection.moderation[-1].to == "Not rated"
    with pytest.raises(InspectionError, match=r"moderation\[0\]\.to: 'yes' is not one of 'Inadequate'"):
        parse_text(text + logged.format("yes"))
    with pytest.raises(InspectionError, match=r"moderation\[0\]\.case: must not be empty"):
        parse_text(text + logged.format("Good").replace('"1.2"', '"2.2"'))  # a case-based standard


def test_a_snapshot_does_not_change_as_the_session_goes_on(stockton):
    case = _a_no_on(stockton, "2.2.2")
    stockton.set_answer(case, "2.2.2", Answer.YES)
    snapshot = stockton.snapshot()
    stockton.undo()
    assert snapshot.case(case).answers["2.2.2"] == Answer.YES


def test_a_panel_decision_moves_one_band_at_most(stockton):
    with pytest.raises(ValueError, match="one band at most"):
        stockton.decide("2.2", "Outstanding", "too far")
    assert len(stockton.discretion) == 1


def test_undo_takes_back_a_moderated_mark_a_judgement_rating_and_a_panel_decision(stockton):
    before = stockton.snapshot()
    stockton.mark_moderated("C03")
    stockton.rate_judgement("1.2", "Good")
    stockton.decide("2.2", "Requires improvement", "Keep the computed rating")
    assert str(stockton.unsaved) == "1 moderated mark, 1 judgement rating, 1 panel decision"
    stockton.undo()
    assert stockton.ratings.standards["2.2"].final.rating == "Good" and len(stockton.discretion) == 1
    stockton.undo()
    assert stockton.ratings.standards["1.2"].final.rating == "Outstanding" and stockton.moderation == []
    stockton.undo()
    assert stockton.cases["C03"].moderated is None
    assert not stockton.unsaved and stockton.snapshot() == before
    stockton.redo()
    stockton.redo()
    assert stockton.cases["C03"].moderated.by == "jb" and stockton.standards["1.2"].rating == "Good"


def test_unsaved_is_what_differs_from_the_saved_state(stockton):
    case = _a_no_on(stockton, "2.2.2")
    stockton.set_answer(case, "2.2.2", Answer.YES)
    stockton.give_reason("Plan found")
    assert str(stockton.unsaved) == "1 answer, 1 reason" and stockton.changed == {(case, "2.2.2")}
    stockton.undo()
    assert not stockton.unsaved and stockton.changed == set()  # back where the file is: nothing to save
    stockton.redo()
    stockton.mark_saved()
    assert not stockton.unsaved and stockton.changed == {(case, "2.2.2")}  # still changed this session
    stockton.set_answer(case, "2.2.2", Answer.NO)
    assert str(stockton.unsaved) == "1 answer"
    stockton.set_answer(case, "2.2.2", Answer.YES)
    assert not stockton.unsaved.answers


def test_a_saved_panel_decision_is_not_undone(stockton):
    stockton.mark_moderated("C03")
    stockton.decide("2.2", "Requires improvement", "Keep the computed rating")
    stockton.mark_saved()
    stockton.undo()  # the mark: the decision is in the file for good
    assert stockton.cases["C03"].moderated is None and len(stockton.discretion) == 2
    assert str(stockton.unsaved) == "1 moderated mark"
    assert stockton.undo() == Changed()  # nothing left to undo


def test_many_answers_at_once_rate_and_log_as_one_at_a_time_does():
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    given = [
        (c.id, q, Answer.YES if a != Answer.YES else Answer.NO) for c in loaded.inspection.cases[:5] for q, a in c.answers.items()
    ]
    at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc)
    one, many = (Session(loaded.inspection, loaded.framework, "jb", clock=lambda: at) for _ in range(2))
    for case, question, answer in given:
        one.set_answer(case, question, answer, "moderated")
    assert len(many.set_answers(given, "moderated").steps) == len(given)
    assert many.ratings == one.ratings
    assert many.moderation == one.moderation
    assert many.unsaved == one.unsaved
    many.undo()
    assert many.answer(*given[-1][:2]) != given[-1][2]


def test_an_import_is_one_step_at_one_time_undone_and_redone_whole():
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    given = [
        (c.id, q, None if a == Answer.YES else Answer.YES) for c in loaded.inspection.cases[:6] for q, a in c.answers.items()
    ]
    readings = []

    def clock() -> dt.datetime:
        readings.append(dt.datetime(2026, 11, 23, 9, len(readings), tzinfo=dt.timezone.utc))
        return readings[-1]

    session = Session(loaded.inspection, loaded.framework, "jb", clock=clock)
    before = (session.ratings, session.snapshot())
    session.mark_moderated("C03")
    marked = (session.ratings, session.snapshot())
    imported = session.set_answers(given, "re-read")
    assert len(readings) == 2  # one for the mark, one for the whole import
    after = (session.ratings, session.snapshot())
    assert {e.at for e in session.moderation[len(loaded.inspection.moderation) :]} == {readings[1]}
    assert session.undo().cells == imported.cells  # every answer of it at once, and nothing else
    assert (session.ratings, session.snapshot()) == marked
    assert session.redo().cells == imported.cells
    assert (session.ratings, session.snapshot()) == after
    session.undo()
    session.undo()  # then the mark
    assert (session.ratings, session.snapshot()) == before and not session.unsaved


def test_an_import_needing_a_reason_it_lacks_changes_nothing():
    session = _requiring_reasons()
    case = _a_no_on(session, "2.2.2")
    unanswered = next(c for c, answers in session.answers.items() if "2.2.2.a" not in answers and c != case)
    with pytest.raises(ReasonRequired, match=f"{case} 2.2.2"):
        session.set_answers([(unanswered, "2.2.2.a", Answer.YES), (case, "2.2.2", Answer.YES)])
    assert not session.unsaved and session.answer(unanswered, "2.2.2.a") is None


def test_an_import_says_which_key_questions_it_puts_in_doubt_or_out_of_it(stockton):
    assert dict(stockton.doubts("O04")) == {"3.2.3": "no-but-prompts-yes"}
    given = [("O04", "3.2.3.a", Answer.NO), ("C01", "2.2.2", Answer.NA), ("C01", "3.2.3", Answer.YES)]
    imported = stockton.set_answers(given)  # the last outside C01's sample: it counts for nothing
    assert imported.doubts == {("O04", "3.2.3"), ("C01", "2.2.2")}
    assert not stockton.doubts("O04") and dict(stockton.doubts("C01")) == {"2.2.2": "n/a-but-prompts-answered"}
    assert stockton.undo().doubts == imported.doubts
    assert dict(stockton.doubts("O04")) == {"3.2.3": "no-but-prompts-yes"} and not stockton.doubts("C01")


def test_an_import_giving_one_answer_twice_sets_the_last():
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    one, twice = (Session(loaded.inspection, loaded.framework, "jb") for _ in range(2))
    case = _a_no_on(one, "2.2.2")
    one.set_answers([(case, "2.2.2", Answer.NA)])
    twice.set_answers([(case, "2.2.2", Answer.YES), (case, "2.1.1", Answer.NA), (case, "2.2.2", Answer.NA)])
    assert twice.answer(case, "2.2.2") == Answer.NA and twice.ratings.standards["2.2"] == one.ratings.standards["2.2"]
    assert [(e.question, e.from_, e.to) for e in twice.unsaved_log()][0] == ("2.2.2", "no", "n/a")


def test_an_import_after_a_change_logs_each_answer_from_its_saved_value_and_counts_only_what_differs(stockton):
    case = _a_no_on(stockton, "2.2.2")
    other = next(c for c, answers in stockton.answers.items() if answers.get("2.2.2") == Answer.YES and c != case)
    saved = stockton.answer(case, "2.2.1")
    stockton.set_answer(case, "2.2.2", Answer.YES)  # the case's answers its own now: the import compares them one by one
    stockton.set_answer(case, "2.2.1", Answer.NA if saved != Answer.NA else Answer.YES)
    stockton.set_answers([(case, "2.2.2", Answer.NA), (case, "2.2.1", saved), (other, "2.2.2", Answer.NO)])
    log = {(e.case, e.question): (e.from_, e.to) for e in stockton.unsaved_log()}
    assert log == {(case, "2.2.2"): ("no", "n/a"), (other, "2.2.2"): ("yes", "no")}  # 2.2.1 back as saved: no review
    assert stockton.unsaved_cells == {(case, "2.2.2"), (other, "2.2.2")} and stockton.changed == stockton.unsaved_cells
    stockton.undo()
    assert stockton.unsaved_cells == {(case, "2.2.2"), (case, "2.2.1")} and stockton.answer(other, "2.2.2") == Answer.YES


def test_an_import_saved_at_once_writes_the_file_an_import_in_a_session_would_save():
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    before = Session(loaded.inspection, loaded.framework, "jb")
    cleared = _a_no_on(before, "2.2.2")
    before.set_answer(cleared, "2.2.2", None, "not yet known")  # unanswered now, but logged: given again, it is logged
    base = before.snapshot()
    unanswered = next(c for c, answers in before.answers.items() if "2.2.2.a" not in answers and c != cleared)
    changed = next(
        c for c, answers in before.answers.items() if answers.get("2.1.1") == Answer.YES and "2.1.2" in answers and c != cleared
    )
    given = [
        (cleared, "2.2.2", Answer.YES),
        (unanswered, "2.2.2.a", Answer.NO),  # a first answer: data entry, not logged
        (changed, "2.1.1", Answer.YES),  # as it is: not set
        (changed, "2.1.2", None),  # cleared: logged as unanswered
        (changed, "2.1.1", Answer.NA),  # given again: the last stands
    ]
    at = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc)
    session = Session(base, loaded.framework, "kt", clock=lambda: at)
    moves = session.set_answers(given, "re-read").done[0].moves
    done = importing.set_answers(base, wanted(given), "kt", at, "re-read")
    assert dumps(done.inspection) == dumps(session.snapshot())
    assert (done.answers, done.first) == (len(moves), 2)
    logged = [(e.case, e.question, e.from_, e.to, e.reason) for e in done.inspection.moderation[len(base.moderation) :]]
    assert logged == [
        (cleared, "2.2.2", "unanswered", "yes", "re-read"),
        (changed, "2.1.1", "yes", "n/a", "re-read"),
        (changed, "2.1.2", base.case(changed).answers["2.1.2"].value, "unanswered", "re-read"),
    ]
    assert importing.set_answers(base, wanted(given[2:3]), "kt", at, None).inspection is base  # nothing changes


def test_an_import_saved_at_once_needing_a_reason_it_lacks_sets_nothing():
    base = _requiring_reasons().snapshot()
    case = next(c.id for c in base.cases if c.answers.get("2.2.2") == Answer.NO)
    with pytest.raises(ReasonRequired, match=f"{case} 2.2.2"):
        importing.set_answers(base, wanted([(case, "2.2.2", Answer.YES)]), "kt", dt.datetime.now(dt.timezone.utc), " ")


def test_the_panel_decides_only_the_way_discretion_flags(stockton):
    # Stockton 2.2 is computed Requires improvement, flagged up only: Inadequate is one band, but not flagged.
    with pytest.raises(ValueError, match="may rate 2.2 Requires improvement or Good only"):
        stockton.decide("2.2", "Inadequate", "down instead")
    with pytest.raises(ValueError, match="no computed rating"):
        stockton.decide("1.2", "Good", "a judgement standard is rated, not decided")
    stockton.decide("2.2", "Requires improvement", "kept")
    assert stockton.ratings.standards["2.2"].final.rating == "Requires improvement"


def _requiring_reasons() -> Session:
    text = (SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")
    loaded = parse_text(text.replace('lead_inspector = "lead"', 'lead_inspector = "lead"\nreasons_required = true'))
    assert loaded.inspection.reasons_required
    return Session(loaded.inspection, loaded.framework, "jb")


def test_an_inspection_requiring_reasons_refuses_a_change_without_one():
    session = _requiring_reasons()
    case = _a_no_on(session, "2.2.2")
    with pytest.raises(ReasonRequired):
        session.set_answer(case, "2.2.2", Answer.YES)
    with pytest.raises(ReasonRequired):
        session.set_answer(case, "2.2.2", Answer.YES, reason="   ")
    assert session.answer(case, "2.2.2") == Answer.NO and session.moderation == [] and not session.dirty
    session.set_answer(case, "2.2.2", Answer.YES, reason="Plan found on file")
    with pytest.raises(ReasonRequired):
        session.give_reason("")  # nor can the reason be taken away afterwards
    assert session.moderation[-1].reason == "Plan found on file"


def test_a_first_answer_needs_no_reason_even_where_reasons_are_required():
    session = _requiring_reasons()
    case = _a_no_on(session, "2.2.2")
    session.set_answer(case, "2.2.2", None, reason="Not on file")
    session.set_answer(case, "2.2.2", Answer.YES)  # unanswered -> yes: a first answer
    assert session.answer(case, "2.2.2") == Answer.YES


def test_replay_obeys_the_inspection_requiring_reasons():
    told: list[dict] = []
    plain = load(SAMPLES / "stockton-on-tees-2021.toml")
    session = Session(plain.inspection, plain.framework, "jb", listener=lambda done: told.append(record_of(done)))
    session.set_answer(_a_no_on(session, "2.2.2"), "2.2.2", Answer.YES)  # no reason: none was required here
    with pytest.raises(ReplayError, match="requires a reason"):
        replay(_requiring_reasons(), told)


def test_reasons_required_must_be_true_or_false():
    text = (SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")
    with pytest.raises(InspectionError, match=r"inspection\.reasons_required: expected true or false"):
        parse_text(text.replace('lead_inspector = "lead"', 'lead_inspector = "lead"\nreasons_required = "yes"'))
    required = text.replace('lead_inspector = "lead"', 'lead_inspector = "lead"\nreasons_required = true')
    assert "reasons_required = true" in dumps(parse_text(required).inspection)  # kept on save
