"""The moderation log's invariant over random command sequences (hypothesis): after every save,
every answer with entries ends, in the log, at its value in the file; every judgement
standard at its rating. Two moderators on one file, conflicts settled either way, undo,
redo, crashes replayed from the journal, imports of answers, and git merges."""

from __future__ import annotations

import pytest

import datetime as dt
import os
from collections import Counter
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.files import inspection_text
from helpers.log import assert_the_log_ends_at_the_file
from moderate import journal as journals
from moderate.cli import main
from moderate.conflicts import kept_in
from moderate.merge import merge
from moderate.model import Answer, Inspection
from moderate.reading import load, parse_text
from moderate.session import Session
from moderate.writing import dumps
from moderate.workspace import Workspace

EXAMPLES = int(os.environ.get("MODERATE_LOG_EXAMPLES", "100"))  # raise it for a longer run
TEXT = inspection_text({"2.1.1": ["yes", "no", "", "n/a"], "2.1.2": ["yes", "", "no", "yes"]})
CELLS = [(f"C0{c}", q) for c in range(1, 5) for q in ("2.1.1", "2.1.2")]
ANSWERS = [Answer.YES, Answer.NO, Answer.NA, None]
RATINGS = ["Good", "Outstanding", "Requires improvement", "Not rated"]
USERS = ("ak", "jb")

who = st.integers(0, 1)
commands = st.one_of(
    st.tuples(st.just("answer"), who, st.sampled_from(CELLS), st.sampled_from(ANSWERS), st.booleans()),
    st.tuples(st.just("review"), who, st.sampled_from(CELLS)),
    st.tuples(st.just("rate"), who, st.sampled_from(RATINGS)),
    st.tuples(st.just("undo"), who),
    st.tuples(st.just("redo"), who),
    st.tuples(st.just("save"), who, st.sampled_from(["ours", "theirs"])),
    st.tuples(st.just("crash"), who),
    st.tuples(st.just("import"), who, st.sampled_from(CELLS), st.sampled_from(["yes", "no", "n/a"])),
)


def _do(session: Session, command: tuple) -> None:
    kind = command[0]
    if kind == "answer":
        _, _, (case, question), answer, with_reason = command
        if session.set_answer(case, question, answer) and with_reason:
            session.give_reason(f"why {answer}")
    elif kind == "review":
        session.review(*command[2])
    elif kind == "rate":
        session.rate_judgement("1.1", command[2], "panel view")
    elif kind == "undo":
        session.undo()
    elif kind == "redo":
        session.redo()


def _save(workspace: Workspace, side: str) -> None:
    saved = workspace.save()
    if saved.conflicts:
        saved = workspace.save({conflict: side for conflict in saved.conflicts})
    assert saved.saved


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, max_size=30))
def test_after_every_save_the_log_ends_at_the_file(sequence):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inspection.toml"
        path.write_text(TEXT, encoding="utf-8")
        workspaces = [Workspace.open(path, user) for user in USERS]
        try:
            for command in [*sequence, ("save", 0, "ours"), ("save", 1, "theirs")]:
                workspace = workspaces[command[1]]
                if command[0] == "import":  # a third moderator's table of answers, saved at once
                    table = Path(folder) / "answers.csv"
                    table.write_text("case,question,answer\n{},{},{}\n".format(*command[2], command[3]), encoding="utf-8")
                    assert main(["import", str(path), str(table), "--as", "im", "--reason", "from the table"]) == 0
                    assert_the_log_ends_at_the_file(load(path).inspection)
                elif command[0] == "save":
                    _save(workspace, command[2])
                    assert_the_log_ends_at_the_file(load(path).inspection)
                elif command[0] == "crash":  # killed with work unsaved; opened again, the journal replayed
                    workspace.close(keep_unsaved=True)
                    found = journals.pending(path, USERS[command[1]])
                    workspaces[command[1]] = Workspace.restore(found) if found else Workspace.open(path, USERS[command[1]])
                else:
                    _do(workspace.session, command)
        finally:
            for workspace in workspaces:
                workspace.close(keep_unsaved=False)


def test_a_review_redone_within_the_second_it_was_saved_is_withdrawn_when_theirs_is_taken(tmp_path):
    """Found by the property above: a review undone past a save and redone at once is the same
    record as the one saved. Someone else then changes the answer: the save asks, and theirs
    taken, the review must not be put back as if the file had lost it, saying the answer is
    still what it was."""
    path = tmp_path / "inspection.toml"
    path.write_text(TEXT, encoding="utf-8")
    moment = dt.datetime(2026, 12, 7, 16, 56, 41, tzinfo=dt.timezone.utc)
    workspace = Workspace.open(path, "ak", clock=lambda: moment)
    try:
        workspace.session.review("C02", "2.1.1")
        assert workspace.save().saved
        workspace.session.undo()
        workspace.session.redo()  # the same review, to the second
        table = tmp_path / "answers.csv"
        table.write_text("case,question,answer\nC02,2.1.1,yes\n", encoding="utf-8")
        assert main(["import", str(path), str(table), "--as", "im", "--reason", "from the table"]) == 0
        asked = workspace.save().conflicts
        assert [(c.case, c.question, c.ours, c.theirs) for c in asked] == [("C02", "2.1.1", "no", "yes")]
        assert workspace.save({conflict: "theirs" for conflict in asked}).saved
    finally:
        workspace.close(keep_unsaved=False)
    saved = load(path).inspection
    assert saved.case("C02").answers["2.1.1"] == Answer.YES
    assert [(e.by, e.from_, e.to) for e in saved.moderation] == [("ak", "no", "no"), ("im", "no", "yes")]
    assert_the_log_ends_at_the_file(saved)


def _branch(base, sequence) -> Inspection:
    session = Session(base.inspection, base.framework, "ak")
    for command in sequence:
        if command[0] not in ("save", "crash", "import"):
            _do(session, command)
    return session.snapshot()


def _subsequence(entries, log) -> bool:
    """Whether `entries` appear in `log` in their order, each as it is."""
    rest = iter(log)
    return all(any(entry == other for other in rest) for entry in entries)


def _kept_whole(mine, yours, merged) -> None:
    """Theirs as it is, then every entry of ours it lacks, as it is and in ours' order (an
    entry on both sides, the same record to the second, is one entry)."""
    assert merged[: len(yours)] == yours
    assert Counter(map(repr, mine)) <= Counter(map(repr, merged))
    theirs_too = set(map(repr, yours))
    assert _subsequence([e for e in mine if repr(e) not in theirs_too], merged[len(yours) :])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(commands, max_size=15), st.lists(commands, max_size=15), st.sampled_from(["ours", "theirs"]))
def test_a_git_merge_keeps_every_entry_and_settled_either_way_the_log_is_true(ours, theirs, side):
    base = parse_text(TEXT)
    mine, yours = (parse_text(dumps(_branch(base, side))).inspection for side in (ours, theirs))
    merged = merge(base.inspection, mine, yours)
    written = parse_text(dumps(kept_in(merged.inspection, merged.conflicts)))
    _kept_whole(mine.moderation, yours.moderation, written.inspection.moderation)
    _kept_whole(mine.discretion, yours.discretion, written.inspection.discretion)
    # settled in the app, each conflict its way: the log goes on from the merge's, and ends where the file does
    session = Session(written.inspection, written.framework, "lead")
    for i, conflict in enumerate(session.conflicts):
        session.settle(i, conflict.words()[1 if side == "ours" else 2], "settled")
    settled = parse_text(dumps(session.snapshot())).inspection
    assert "merge_conflicts" not in settled.extra
    assert settled.moderation[: len(written.inspection.moderation)] == written.inspection.moderation
    assert_the_log_ends_at_the_file(settled)
