"""Settling the merge conflicts git left in a file (`Session.settle`): each as ours, theirs or
another answer, with a reason, logged like any change (journaled, undone, saved); the
conflicts leave the file with the save, and the log then ends where the file does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from helpers.cli import moderate
from helpers.merging import BASE, branch, merged
from moderate import journal as journals
from moderate.reading import load, parse_text
from moderate.session import ReasonRequired
from moderate.trail import breaks
from moderate.workspace import Workspace
from moderate.writing import dumps


@pytest.fixture
def clash(tmp_path) -> Path:
    """ann changed C01 2.1.1 yes → no on one branch, ben yes → n/a on the other."""
    return merged(
        tmp_path, branch("ann", ("set_answer", "C01", "2.1.1", "no")), branch("ben", ("set_answer", "C01", "2.1.1", "n/a"))
    )


def log(path: Path) -> list[tuple]:
    return [(e.by, e.case, e.question, e.from_, e.to, e.reason) for e in load(path).inspection.moderation]


@pytest.mark.subprocess
def test_settled_as_theirs_the_change_is_logged_and_the_conflict_leaves_on_save(clash):
    before = log(clash)
    workspace = Workspace.open(clash, "lead")
    session = workspace.session
    assert [str(c) for c in session.conflicts] == ["C01 2.1.1: base yes, ours no, theirs n/a"]
    session.settle(0, "n/a", "ben read the case file")
    assert session.answer("C01", "2.1.1") == "n/a" and session.settled == {0: "n/a"}
    assert "1 merge conflict settled" in str(session.unsaved)
    assert workspace.save().saved
    workspace.close(keep_unsaved=False)
    assert "merge_conflicts" not in clash.read_text()
    assert log(clash) == [*before, ("lead", "C01", "2.1.1", "no", "n/a", "ben read the case file")]
    assert breaks(load(clash).inspection) == []
    assert moderate("check", str(clash)).returncode == 0


@pytest.mark.subprocess
def test_settled_as_ours_it_is_a_review_that_says_why(clash):
    workspace = Workspace.open(clash, "lead")
    workspace.session.settle(0, "no", "ann's reading stands: no risk plan")
    assert workspace.save().saved
    workspace.close(keep_unsaved=False)
    assert log(clash)[-1] == ("lead", "C01", "2.1.1", "no", "no", "ann's reading stands: no risk plan")
    assert moderate("check", str(clash)).returncode == 0


@pytest.mark.subprocess
def test_a_review_on_one_branch_beside_a_change_on_the_other_is_settled_and_logged(tmp_path):
    path = merged(tmp_path, branch("ann", ("review", "C02", "2.1.1")), branch("ben", ("set_answer", "C02", "2.1.1", "no")))
    workspace = Workspace.open(path, "lead")
    session = workspace.session
    assert [str(c) for c in session.conflicts] == ["C02 2.1.1: base yes, ours yes, theirs no"]
    assert session.answer("C02", "2.1.1") == "yes"  # ours kept: the log ends at ann's review
    session.settle(0, "no", "the plan was never shared")
    assert workspace.save().saved
    workspace.close(keep_unsaved=False)
    assert [entry[:5] for entry in log(path)] == [
        ("ben", "C02", "2.1.1", "yes", "no"),
        ("ann", "C02", "2.1.1", "yes", "yes"),
        ("lead", "C02", "2.1.1", "yes", "no"),
    ]
    assert moderate("check", str(path)).returncode == 0


def test_undo_takes_a_settlement_back_and_the_conflict_with_it(clash):
    workspace = Workspace.open(clash, "lead")
    session = workspace.session
    session.settle(0, "n/a", "ben read the case file")
    session.undo()
    assert session.settled == {} and session.answer("C01", "2.1.1") == "no" and not session.dirty
    assert session.snapshot().extra["merge_conflicts"][0]["case"] == "C01"
    session.redo()
    assert session.settled == {0: "n/a"} and "merge_conflicts" not in session.snapshot().extra
    workspace.close(keep_unsaved=False)


@pytest.mark.subprocess
def test_a_settlement_is_journaled_and_restored_after_a_crash(clash):
    workspace = Workspace.open(clash, "lead")
    workspace.session.settle(0, "n/a", "ben read the case file")
    workspace.close(keep_unsaved=True)  # killed before saving
    found = journals.pending(clash, "lead")
    assert "merge conflicts settled: C01 2.1.1 → n/a" in found.summary
    restored = Workspace.restore(found)
    assert restored.session.settled == {0: "n/a"}
    assert restored.save().saved
    restored.close(keep_unsaved=False)
    assert log(clash)[-1] == ("lead", "C01", "2.1.1", "no", "n/a", "ben read the case file")
    assert moderate("check", str(clash)).returncode == 0


def test_a_settlement_says_why_and_takes_only_what_the_conflict_may_take(clash):
    workspace = Workspace.open(clash, "lead")
    session = workspace.session
    with pytest.raises(ReasonRequired):
        session.settle(0, "n/a", "  ")
    with pytest.raises(ValueError, match="'Good' is not one of yes, no, n/a, unanswered"):
        session.settle(0, "Good", "a rating is not an answer")
    session.settle(0, "unanswered", "neither branch had read the file")  # another answer
    with pytest.raises(ValueError, match="settled already"):
        session.settle(0, "yes", "twice")
    assert not session.snapshot().extra
    workspace.close(keep_unsaved=False)


def test_a_change_to_the_file_s_structure_is_settled_by_hand(tmp_path):
    inspection = parse_text(BASE).inspection
    deleted = dumps(replace(inspection, cases=tuple(c for c in inspection.cases if c.id != "C02")))
    path = merged(tmp_path, deleted, branch("ben", ("set_answer", "C02", "2.1.1", "no")))
    workspace = Workspace.open(path, "lead")
    session = workspace.session
    assert [str(c) for c in session.conflicts] == ["cases.C02: base present, ours deleted, theirs edited"]
    assert session.unsettled_why(0) == "a change to the file's structure (cases.C02): settle it by hand in the file"
    assert session.settle_values(0) == ()
    with pytest.raises(ValueError, match="settle it by hand"):
        session.settle(0, "edited", "kept")
    workspace.close(keep_unsaved=False)


@pytest.mark.subprocess
def test_a_judgement_rating_and_a_panel_decision_are_settled_too(tmp_path):
    path = merged(
        tmp_path,
        branch("lead", ("rate_judgement", "1.1", "Outstanding", "strong board"), ("decide", "2.1", "Good", "uplift")),
        branch(
            "deputy",
            ("rate_judgement", "1.1", "Requires improvement", "weak board"),
            ("decide", "2.1", "Requires improvement", "keep"),
        ),
    )
    workspace = Workspace.open(path, "lead")
    session = workspace.session
    assert sorted(c.kind for c in session.conflicts) == ["decision", "rating"]
    for i, conflict in enumerate(session.conflicts):
        session.settle(i, conflict.theirs, "the panel agreed with the deputy")
    assert workspace.save().saved
    workspace.close(keep_unsaved=False)
    saved = load(path).inspection
    assert saved.standard("1.1").rating == "Requires improvement" and saved.moderation[-1].to == "Requires improvement"
    assert [(d.by, d.rating) for d in saved.discretion][-1] == ("lead", "Requires improvement")
    assert moderate("check", str(path)).returncode == 0


@pytest.mark.subprocess
def test_two_people_settling_different_conflicts_at_once_both_count(tmp_path):
    path = merged(
        tmp_path,
        branch("ann", ("set_answer", "C01", "2.1.1", "no"), ("set_answer", "C02", "2.1.2", "no")),
        branch("ben", ("set_answer", "C01", "2.1.1", "n/a"), ("set_answer", "C02", "2.1.2", "n/a")),
    )
    lead, deputy = Workspace.open(path, "lead"), Workspace.open(path, "deputy")
    lead.session.settle(0, "n/a", "ben read the case file")
    deputy.session.settle(1, "no", "ann's reading stands")
    assert lead.save().saved
    assert deputy.save().saved  # merged with the lead's save: neither conflict is left
    for workspace in (lead, deputy):
        workspace.close(keep_unsaved=False)
    assert "merge_conflicts" not in path.read_text()
    assert [e[:5] for e in log(path)[-2:]] == [("lead", "C01", "2.1.1", "no", "n/a"), ("deputy", "C02", "2.1.2", "no", "no")]
    assert moderate("check", str(path)).returncode == 0
