"""Each rule of format.md's "The moderation log", with a worked example on a real file."""

from __future__ import annotations

import pytest

from helpers.cli import moderate
from helpers.log import assert_the_log_ends_at_the_file
from moderate.model import UNANSWERED, Answer
from moderate.reading import load
from moderate.workspace import Workspace

YES, NO, NA = Answer.YES, Answer.NO, Answer.NA


def log_of(path) -> list[tuple]:
    return [(e.by, e.case or e.standard, e.question, e.from_, e.to, e.reason) for e in load(path).inspection.moderation]


@pytest.fixture
def opened(stockton):
    workspaces = []

    def open_as(user: str) -> Workspace:
        workspaces.append(Workspace.open(stockton, user))
        return workspaces[-1]

    yield open_as
    for workspace in workspaces:
        workspace.close(keep_unsaved=False)


def test_a_save_logs_the_net_change_with_the_latest_reason(stockton, opened):
    jb = opened("jb")
    assert jb.session.answer("C01", "2.1.2") == YES
    jb.session.set_answer("C01", "2.1.2", NO, "first thoughts")
    jb.session.set_answer("C01", "2.1.2", NA, "Not relevant: no court order")
    jb.save()
    assert log_of(stockton) == [("jb", "C01", "2.1.2", "yes", "n/a", "Not relevant: no court order")]


def test_an_answer_changed_and_changed_back_leaves_no_entry(stockton, opened):
    jb = opened("jb")
    for answer in (NO, NA, None, YES):  # space four times: round to where it was
        jb.session.set_answer("C02", "2.1.2", answer)
    jb.save()
    assert log_of(stockton) == [] and load(stockton).inspection.case("C02").answers["2.1.2"] == YES


def test_a_change_and_its_reversal_saved_in_turn_are_two_entries(stockton, opened):
    jb = opened("jb")
    jb.session.set_answer("C02", "2.1.2", NO, "no plan")
    jb.save()
    jb.session.undo()  # a saved change taken back
    jb.save()
    assert log_of(stockton) == [("jb", "C02", "2.1.2", "yes", "no", "no plan"), ("jb", "C02", "2.1.2", "no", "yes", "undone")]
    assert_the_log_ends_at_the_file(load(stockton).inspection)


@pytest.mark.subprocess
def test_first_answers_are_data_entry_and_clearing_is_logged(tmp_path):
    path = tmp_path / "new.toml"
    assert moderate("new", str(path), "--framework", "hmip-youth-2021", "--cases", "court=8").returncode == 0
    workspace = Workspace.open(path, "ak")
    session = workspace.session
    questions = [kq.id for s in session.standards.values() if s.sample == "court" for kq in s.key_questions][:3]
    for case in list(session.cases)[:8]:
        for question in questions:
            session.set_answer(case, question, YES)
    workspace.save()
    assert log_of(path) == []  # 24 first answers: no moderation yet
    session = workspace.session
    session.set_answer("court-01", questions[0], None, "entered in error")
    session.set_answer("court-02", questions[0], NO)
    workspace.save()
    assert [entry[1:5] for entry in log_of(path)] == [
        ("court-01", questions[0], "yes", UNANSWERED),
        ("court-02", questions[0], "yes", "no"),
    ]
    workspace.session.set_answer("court-01", questions[0], NA)  # given again after clearing: logged
    workspace.save()
    assert log_of(path)[-1][3:5] == (UNANSWERED, "n/a")
    workspace.close(keep_unsaved=False)


@pytest.mark.parametrize("side", ["theirs", "ours"])
def test_a_conflict_logs_only_the_answer_that_stands(stockton, opened, side):
    ak, jb = opened("ak"), opened("jb")
    ak.session.set_answer("C01", "2.1.2", NO, "A's reason")
    ak.save()
    jb.session.set_answer("C01", "2.1.2", NA, "B's reason")
    conflicts = jb.save().conflicts
    assert len(conflicts) == 1
    assert jb.save({conflicts[0]: side}).saved
    inspection = load(stockton).inspection
    if side == "theirs":  # B's change withdrawn: no entry
        assert log_of(stockton) == [("ak", "C01", "2.1.2", "yes", "no", "A's reason")]
        assert inspection.case("C01").answers["2.1.2"] == NO
    else:  # B's stands: read in order, from A's answer to B's
        assert log_of(stockton) == [
            ("ak", "C01", "2.1.2", "yes", "no", "A's reason"),
            ("jb", "C01", "2.1.2", "no", "n/a", "B's reason"),
        ]
        assert inspection.case("C01").answers["2.1.2"] == NA
    assert_the_log_ends_at_the_file(inspection)


def test_the_same_change_saved_by_both_is_logged_once(stockton, opened):
    ak, jb = opened("ak"), opened("jb")
    ak.session.set_answer("C01", "2.1.2", NO, "A")
    ak.save()
    jb.session.set_answer("C01", "2.1.2", NO, "B")
    jb.session.set_answer("C02", "2.1.2", NO, "B")
    assert jb.save().saved
    assert [(e[0], e[1]) for e in log_of(stockton)] == [("ak", "C01"), ("jb", "C02")]


def test_a_review_that_agrees_is_logged_from_equal_to(stockton, opened):
    jb = opened("jb")
    jb.session.review("C03", "2.1.2")
    jb.session.give_reason("Dip sample: agreed")
    jb.session.review("C04", "2.1.2")
    jb.session.review("C05", "2.1.2")
    jb.session.undo()  # C05's review taken back
    jb.session.review("C06", "2.1.2")
    jb.session.set_answer("C06", "2.1.2", NO, "on review, no")  # reviewed, then changed: one change
    jb.save()
    assert log_of(stockton) == [
        ("jb", "C03", "2.1.2", "yes", "yes", "Dip sample: agreed"),
        ("jb", "C04", "2.1.2", "no", "no", None),
        ("jb", "C06", "2.1.2", "yes", "no", "on review, no"),
    ]


def test_a_judgement_rating_is_logged_with_its_standard_and_reason(stockton, opened):
    lead = opened("lead")
    lead.session.rate_judgement("1.1", "Outstanding", "Board challenge is exemplary")
    lead.session.rate_judgement("1.2", "Requires improvement")
    lead.session.rate_judgement("1.2", "Outstanding")  # back to where it was: nothing
    lead.save()
    assert log_of(stockton) == [("lead", "1.1", "", "Good", "Outstanding", "Board challenge is exemplary")]
    assert 'standard = "1.1"' in stockton.read_text()
    assert_the_log_ends_at_the_file(load(stockton).inspection)


def test_undo_after_a_save_takes_back_a_change_but_not_a_review(stockton, opened):
    jb = opened("jb")
    jb.session.set_answer("C02", "2.1.2", NO, "no plan")
    jb.session.review("C03", "2.1.2")
    jb.save()
    jb.session.undo()  # the review: said and saved, it stays
    jb.session.undo()  # the change: logged as undone
    jb.save()
    assert log_of(stockton) == [
        ("jb", "C02", "2.1.2", "yes", "no", "no plan"),
        ("jb", "C03", "2.1.2", "yes", "yes", None),
        ("jb", "C02", "2.1.2", "no", "yes", "undone"),
    ]


def test_a_judgement_rating_undoes_like_an_answer(stockton, opened):
    lead = opened("lead")
    lead.session.rate_judgement("1.2", "Good", "first view")
    lead.session.undo()  # taken back before a save: nothing to log
    lead.save()
    assert log_of(stockton) == []
    lead.session.rate_judgement("1.1", "Outstanding", "Board challenge")
    lead.save()
    lead.session.undo()  # taken back after the save: logged as undone
    lead.save()
    assert log_of(stockton) == [
        ("lead", "1.1", "", "Good", "Outstanding", "Board challenge"),
        ("lead", "1.1", "", "Outstanding", "Good", "undone"),
    ]
    assert_the_log_ends_at_the_file(load(stockton).inspection)


def test_a_review_not_yet_saved_is_unsaved_work(stockton, opened):
    jb = opened("jb")
    jb.session.review("C03", "2.1.2")
    assert jb.session.dirty and str(jb.session.unsaved) == "1 review"
    jb.save()
    assert not jb.session.dirty


def test_an_answer_given_where_another_save_had_cleared_it_is_logged(stockton, opened):
    """Found by the invariant's property test: ak answers and saves, jb (not reloaded) gives the
    same answer as a first answer, ak takes hers back after the save; jb's save must log it."""
    ak = opened("ak")
    ak.session.set_answer("C01", "2.1.1", None)
    ak.save()
    jb = opened("jb")
    ak.session.set_answer("C01", "2.1.1", YES)  # given again after clearing: logged
    ak.save()
    jb.session.set_answer("C01", "2.1.1", YES)  # jb's file still has it cleared: a first answer to jb
    ak.session.undo()  # cleared again, saved below
    ak.save()
    assert jb.save().saved
    assert log_of(stockton)[-1][:5] == ("jb", "C01", "2.1.1", UNANSWERED, "yes")
    assert_the_log_ends_at_the_file(load(stockton).inspection)


def test_a_saved_change_undone_then_given_again_and_undone_is_logged_as_undone(stockton, opened):
    """Found by the invariant's property test: the undo past the save must still stand when a
    later change to the same answer is undone in turn."""
    jb = opened("jb")
    jb.session.set_answer("C01", "2.1.1", NO)
    jb.save()
    jb.session.undo()  # past the save: back to yes
    jb.session.set_answer("C01", "2.1.1", NO)
    jb.session.undo()  # yes again
    jb.save()
    assert [entry[3:6] for entry in log_of(stockton)] == [("yes", "no", None), ("no", "yes", "undone")]
    assert_the_log_ends_at_the_file(load(stockton).inspection)
