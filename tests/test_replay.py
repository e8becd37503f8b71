"""Replaying what a session told its listener (the journal's records) gives back the session
exactly, undo history and all, across a save; records that no longer fit the file are refused,
saying which and why."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers.files import SAMPLES
from moderate.conflicts import Conflict, kept_in
from moderate.model import Answer, Inspection
from moderate.reading import load
from moderate.replay import Record, ReplayError, history, record_of, replay
from moderate.session import Done, Session

STOCKTON = load(SAMPLES / "stockton-on-tees-2021.toml")


def _clock():
    times = iter(dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=s) for s in range(10_000))
    return lambda: next(times)


def _told(session: Session) -> list[Record]:
    told: list[Record] = []
    session.listen(lambda done: told.append(record_of(done)))
    return told


def _replayed(base: Inspection, records: list[Record]) -> Session:
    """A fresh session on `base`, as another user on a later clock, with the records replayed:
    through JSON, as the journal keeps them."""
    again: list[Done] = []
    later = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    session = Session(base, STOCKTON.framework, "someone else", clock=lambda: later, listener=again.append)
    replay(session, json.loads(json.dumps(records)))
    assert again == []  # not told again
    assert (session.user, session.clock(), session.listener) == ("someone else", later, again.append)  # given back
    return session


def _same(replayed: Session, session: Session) -> None:
    assert replayed.snapshot() == session.snapshot()
    assert replayed.ratings == session.ratings
    assert replayed.unsaved == session.unsaved and replayed.unsaved_cells == session.unsaved_cells


def _no_on(session: Session, question: str, skip: int = 0) -> str:
    return [c for c, answers in session.answers.items() if answers.get(question) == Answer.NO][skip]


def _every_command(session: Session) -> None:
    first, second = _no_on(session, "2.2.2"), _no_on(session, "2.2.2", 1)
    session.set_answer(first, "2.2.2", Answer.YES, "Plan found")
    session.set_answer(second, "2.2.2", None, "Not on file")
    session.give_reason(" ")  # taken away
    session.set_answer(second, "2.2.1", None)
    session.give_reason("Wrong case")
    session.set_answer(first, "2.2.2.a", Answer.NA)
    session.review(first, "2.1.1", "Agreed")
    session.mark_moderated("C03")
    session.mark_moderated("C03")
    session.rate_judgement("1.2", "Good", "New evidence")
    session.decide("2.2", "Requires improvement", "Keep the computed rating")
    session.undo()  # the decision
    session.redo()
    session.undo()
    session.undo()  # the rating
    session.undo()  # a mark
    session.undo()  # the review
    session.redo()
    session.redo()
    session.rate_judgement("1.3", "Not rated", "No evidence")


def test_replaying_every_command_gives_back_the_session():
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=_clock())
    told = _told(session)
    _every_command(session)
    replayed = _replayed(STOCKTON.inspection, told)
    _same(replayed, session)
    assert replayed.changed == session.changed


def test_work_after_a_save_replays_onto_the_saved_file_with_its_undo_history():
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=_clock())
    told = _told(session)
    _every_command(session)
    session.undo()  # a change left to redo after the save
    session.mark_saved()  # as the journal does: start afresh from the saved file, with the history
    saved = session.snapshot()
    told[:] = [history(session)]
    session.undo()  # past the save
    session.give_reason("Not needed after all")
    session.undo()
    session.redo()
    session.redo()
    case = _no_on(session, "2.1.1")
    session.set_answer(case, "2.1.1", Answer.YES)
    for _ in range(5):  # it, two marks, a review (saved: it stays said), then a saved answer: logged undone, when
        session.undo()
    assert session.moderation[-1].reason == "undone"
    replayed = _replayed(saved, told)
    _same(replayed, session)
    later = dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc)
    for carrying_on in (session, replayed):  # the moderator carries on, restored
        carrying_on.act_as(session.user, lambda: later)
    while session.undo():  # and each undo afterwards takes back the same
        assert replayed.undo()
        _same(replayed, session)
    assert not replayed.undo()


def test_a_session_with_nothing_done_has_no_history():
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=_clock())
    assert history(session) is None
    session.mark_moderated("C03")
    session.undo()
    assert history(session) is not None  # a redo is history too


def _refused(records: list[Record], match: str) -> None:
    session = Session(STOCKTON.inspection, STOCKTON.framework, "ak")
    with pytest.raises(ReplayError, match=match):
        replay(session, records)


def _records(commands) -> list[Record]:
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=_clock())
    told = _told(session)
    commands(session)
    return told


def test_records_that_no_longer_fit_the_file_are_refused_saying_which_and_why():
    case = _no_on(Session(STOCKTON.inspection, STOCKTON.framework, "jb"), "2.2.2")

    def change(session):
        session.set_answer(case, "2.2.2", Answer.YES, "Plan found")

    changed = _records(change)
    _refused(changed * 2, rf"record 2 \(answer\): {case} 2.2.2 is no longer no")
    reason = _records(lambda s: (change(s), s.give_reason("why")))[-1]
    _refused([reason], rf"record 1 \(reason\): the last change is not to {case} 2.2.2")
    _refused([*changed, {**reason, "question": "2.2.1"}], rf"record 2 \(reason\): the last change is not to {case} 2.2.1")
    undo = _records(lambda s: (change(s), s.undo()))[-1]
    _refused([undo], rf"record 1 \(undo\): the last change is not {case} 2.2.2")
    _refused([*changed, {**undo, "new": "n/a"}], r"record 2 \(undo\): the last change is not")
    redo = _records(lambda s: (change(s), s.undo(), s.redo()))[-1]
    _refused([*changed, redo], rf"record 2 \(redo\): the change to redo is not {case} 2.2.2")
    review = _records(lambda s: s.review(case, "2.2.2", "Agreed"))
    _refused(changed + review, rf"record 2 \(review\): {case} 2.2.2 is no longer no")
    decide = _records(lambda s: s.decide("2.2", "Requires improvement", "kept"))
    _refused(changed + decide, r"record 2 \(decide\): 2.2 is no longer computed Requires improvement")
    _refused([{**decide[0], "standard": "1.2"}], r"record 1 \(decide\): 1.2 is no longer computed Requires improvement")
    rate = _records(lambda s: s.rate_judgement("1.2", "Good"))
    _refused(rate * 2, r"record 2 \(rate\): 1.2 is no longer rated Outstanding")
    _refused([{**rate[0], "old": None}], r"record 1 \(rate\): 1.2 is no longer rated unanswered")
    _refused([{**rate[0], "do": "paint"}], r"record 1 \(paint\): cannot be applied \(KeyError: 'paint'\)")
    _refused([{**changed[0], "at": "yesterday"}], r"record 1 \(answer\): cannot be applied \(ValueError: ")


def test_an_undo_or_redo_fits_only_the_step_it_was_made_for():
    case = _no_on(Session(STOCKTON.inspection, STOCKTON.framework, "jb"), "2.2.2")
    marked = _records(lambda s: (s.mark_moderated("C03"), s.undo(), s.redo()))
    _refused([marked[0], {**marked[1], "case": "C04"}], r"record 2 \(undo\): the last change is not C04")
    _refused([marked[0], {**marked[1], "step": "rate"}], r"record 2 \(undo\): the last change is not C03")
    _refused([marked[0], marked[1], {**marked[2], "step": None}], r"record 3 \(redo\): the change to redo is not C03")
    rated = _records(lambda s: (s.rate_judgement("1.2", "Good"), s.undo()))
    _refused([rated[0], {**rated[1], "new": "Inadequate"}], r"record 2 \(undo\): the last change is not 1.2")
    decided = _records(lambda s: (s.decide("2.2", "Requires improvement", "kept"), s.undo()))
    _refused([decided[0], {**decided[1], "rating": "Good"}], r"record 2 \(undo\): the last change is not 2.2")
    answered = _records(lambda s: (s.set_answer(case, "2.2.2", Answer.YES), s.undo()))
    _refused([answered[0], {**answered[1], "old": "yes"}], rf"record 2 \(undo\): the last change is not {case} 2.2.2")


# A journal as this version writes it: the next version must read it back the same.
JOURNAL = [
    {
        "do": "answer",
        "case": "C01",
        "question": "2.2.2",
        "old": "no",
        "new": "yes",
        "reason": "Plan found",
        "by": "jb",
        "at": "2026-11-23T09:00:00+00:00",
    },
    {"do": "reason", "case": "C01", "question": "2.2.2", "reason": "Plan on file", "by": "jb", "at": "2026-11-23T09:01:00+00:00"},
    {
        "do": "review",
        "case": "C02",
        "question": "2.2.1",
        "answer": "yes",
        "reason": "Agreed",
        "by": "jb",
        "at": "2026-11-23T09:02:00+00:00",
    },
    {"do": "moderated", "case": "C03", "by": "jb", "at": "2026-11-23T09:03:00+00:00"},
    {
        "do": "rate",
        "standard": "1.2",
        "old": "Outstanding",
        "new": "Good",
        "reason": "New evidence",
        "by": "jb",
        "at": "2026-11-23T09:04:00+00:00",
    },
    {
        "do": "decide",
        "standard": "2.2",
        "computed": "Good",
        "rating": "Requires improvement",
        "reason": "kept",
        "by": "jb",
        "at": "2026-11-23T09:05:00+00:00",
    },
    {
        "do": "undo",
        "step": "decide",
        "standard": "2.2",
        "rating": "Requires improvement",
        "by": "jb",
        "at": "2026-11-23T09:06:00+00:00",
    },
    {
        "do": "redo",
        "step": "decide",
        "standard": "2.2",
        "rating": "Requires improvement",
        "by": "jb",
        "at": "2026-11-23T09:07:00+00:00",
    },
    {
        "do": "undo",
        "step": "decide",
        "standard": "2.2",
        "rating": "Requires improvement",
        "by": "jb",
        "at": "2026-11-23T09:08:00+00:00",
    },
    {
        "do": "undo",
        "step": "rate",
        "standard": "1.2",
        "old": "Outstanding",
        "new": "Good",
        "by": "jb",
        "at": "2026-11-23T09:09:00+00:00",
    },
    {"do": "undo", "step": "moderated", "case": "C03", "by": "jb", "at": "2026-11-23T09:10:00+00:00"},
    {"do": "redo", "step": "moderated", "case": "C03", "by": "jb", "at": "2026-11-23T09:11:00+00:00"},
    {"do": "undo", "step": "moderated", "case": "C03", "by": "jb", "at": "2026-11-23T09:12:00+00:00"},
    {"do": "undo", "case": "C02", "question": "2.2.1", "old": "yes", "new": "yes", "by": "jb", "at": "2026-11-23T09:13:00+00:00"},
]
HISTORY = {
    "do": "history",
    "undo": [
        {
            "case": "C01",
            "question": "2.2.2",
            "old": "no",
            "new": "yes",
            "by": "jb",
            "at": "2026-11-23T09:00:00+00:00",
            "reason": "Plan on file",
        },
    ],
    "redo": [
        {
            "step": "rate",
            "standard": "1.2",
            "old": "Outstanding",
            "new": "Good",
            "by": "jb",
            "at": "2026-11-23T09:04:00+00:00",
            "reason": "New evidence",
        },
        {"step": "moderated", "case": "C03", "old": None, "new": {"by": "jb", "at": "2026-11-23T09:03:00+00:00"}},
        {
            "case": "C02",
            "question": "2.2.1",
            "old": "yes",
            "new": "yes",
            "by": "jb",
            "at": "2026-11-23T09:02:00+00:00",
            "reason": "Agreed",
        },
    ],
}


def _journaled_session() -> tuple[Session, list[Record]]:
    times = iter(dt.datetime(2026, 11, 23, 9, minute, tzinfo=dt.timezone.utc) for minute in range(60))
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=lambda: next(times))
    told = _told(session)
    session.set_answer("C01", "2.2.2", Answer.YES, "Plan found")
    session.give_reason("Plan on file")
    session.review("C02", "2.2.1", "Agreed")
    session.mark_moderated("C03")
    session.rate_judgement("1.2", "Good", "New evidence")
    session.decide("2.2", "Requires improvement", "kept")
    for command in ("undo", "redo", "undo", "undo", "undo", "redo", "undo", "undo"):
        getattr(session, command)()
    return session, told


def test_the_journal_record_format_is_kept_so_that_an_older_journal_is_given_back():
    session, told = _journaled_session()
    assert told == JOURNAL
    _same(_replayed(STOCKTON.inspection, JOURNAL), session)
    session.mark_saved()
    assert history(session) == HISTORY
    saved = session.snapshot()
    replayed = _replayed(saved, [HISTORY])
    for carrying_on in (session, replayed):  # the moderator carries on, restored
        carrying_on.act_as(session.user, lambda: dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc))
    while session.redo():  # each step the history kept is given again as it was
        assert replayed.redo()
        _same(replayed, session)
    assert [e.reason for e in replayed.moderation] == ["Plan on file", "Agreed", "New evidence"]
    while session.undo():  # each undo past the save takes back what was done before it
        assert replayed.undo()
        _same(replayed, session)
    undone = replayed.moderation[-1]
    assert (undone.case, undone.from_, undone.to, undone.by, undone.reason) == ("C01", "yes", "no", "jb", "undone")


def test_undoing_a_second_mark_and_a_rating_past_a_save_gives_back_what_was_there_before():
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=_clock())
    told = _told(session)
    session.mark_moderated("C03")
    session.mark_moderated("C03")
    session.rate_judgement("1.2", "Good", "New evidence")
    session.mark_saved()
    saved = session.snapshot()
    told[:] = [history(session)]
    session.undo()
    session.undo()
    replayed = _replayed(saved, told)
    _same(replayed, session)
    first, second = replayed.cases["C03"].moderated, saved.case("C03").moderated
    assert first is not None and second is not None and first.at < second.at  # the first mark, back
    undone = replayed.moderation[-1]
    assert (undone.standard, undone.from_, undone.to, undone.reason) == ("1.2", "Good", "Outstanding", "undone")


def test_a_panel_decision_replays_with_its_reason():
    records = _records(lambda s: s.decide("2.2", "Requires improvement", "Keep the computed rating"))
    replayed = _replayed(STOCKTON.inspection, records)
    assert replayed.discretion[-1].reason == "Keep the computed rating"


def test_an_import_replays_as_one_step_and_its_undo_history_crosses_a_save():
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=_clock())
    told = _told(session)
    first, second = _no_on(session, "2.2.2"), _no_on(session, "2.2.2", 1)
    session.set_answer(first, "2.1.1", Answer.NA)
    given = [(first, "2.2.2", Answer.YES), (second, "2.2.2", None), (first, "2.1.1", Answer.NO)]
    session.set_answers(given, "from the table")
    session.undo()
    session.redo()
    assert [r["do"] for r in told] == ["answer", "import", "undo", "redo"]
    _same(_replayed(STOCKTON.inspection, told), session)
    session.mark_saved()
    saved = session.snapshot()
    told[:] = [history(session)]
    session.undo()  # the import, past the save: each of its changes logged undone
    assert [(e.case, e.question, e.reason) for e in session.unsaved_log()] == [
        (first, "2.2.2", "undone"),
        (first, "2.1.1", "undone"),
        (second, "2.2.2", "undone"),
    ]
    replayed = _replayed(saved, told)
    _same(replayed, session)
    for carrying_on in (session, replayed):
        carrying_on.act_as(session.user, lambda: dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc))
    assert replayed.undo() and session.undo()  # the answer before it
    _same(replayed, session)


def test_a_journaled_import_that_no_longer_fits_the_file_is_refused():
    case = _no_on(Session(STOCKTON.inspection, STOCKTON.framework, "jb"), "2.2.2")
    records = _records(lambda s: s.set_answers([(case, "2.2.2", Answer.YES)]))
    records[0]["cells"][0][2] = "n/a"
    _refused(records, f"record 1 \\(import\\): {case} 2.2.2 is no longer n/a")


def _quality_assured(session: Session) -> None:
    """A dip sample chosen, taken back and withdrawn from, three merge conflicts settled (an
    answer, a judgement rating, a panel decision), and a blind second assessment, answered and finished."""
    session.choose_for_sample(["C01", "C02"], "post-inspection", "2 per assessor, stratified, seed 7", seed=7)
    session.choose_for_sample(["C03"], None, "chosen", reason="Risk of harm")
    session.undo()
    session.redo()
    session.withdraw_from_sample("C02", "Case closed")
    session.undo()
    session.redo()
    session.settle(0, "yes", "The plan is on file")
    session.undo()
    session.redo()
    session.settle(1, "Good", "Their reading")
    session.settle(2, "Requires improvement", "Keep the computed rating")
    session.begin_second("C04")
    session.answer_second("C04", "2.2.1", Answer.NO)
    session.answer_second("C04", "2.2.2", Answer.YES)
    session.answer_second("C04", "2.2.2", None)
    session.finish_second("C04")


CONFLICTED = kept_in(
    STOCKTON.inspection,
    [
        Conflict("C04", "2.2.2", "no", "no", "yes"),
        Conflict(None, None, "Outstanding", "Outstanding", "Good", kind="rating", field="1.2"),
        Conflict(None, None, None, None, "Requires improvement", kind="decision", field="2.2"),
    ],
)


def test_a_dip_sample_settled_conflicts_and_a_second_assessment_replay_to_the_same_session():
    session = Session(CONFLICTED, STOCKTON.framework, "jb", clock=_clock())
    told = _told(session)
    _quality_assured(session)
    replayed = _replayed(CONFLICTED, told)
    _same(replayed, session)
    assert replayed.settled == session.settled == {0: "yes", 1: "Good", 2: "Requires improvement"}
    assert list(replayed.sampled) == ["C01", "C03"]
    assert replayed.cases["C04"].second_assessments == session.cases["C04"].second_assessments
    assert replayed.second("C04") is None  # replayed as jb's, not as whoever restores it


# The same kept for the records of the quality assurance commands.
QUALITY_JOURNAL = [
    {
        "do": "sample",
        "cases": ["C01", "C02"],
        "reason": None,
        "phase": "post-inspection",
        "method": "2 per assessor, stratified, seed 7",
        "seed": 7,
        "by": "jb",
        "at": "2026-11-23T09:00:00+00:00",
    },
    {
        "do": "sample",
        "cases": ["C03"],
        "reason": "Risk of harm",
        "phase": "post-inspection",
        "method": "chosen",
        "seed": None,
        "by": "jb",
        "at": "2026-11-23T09:01:00+00:00",
    },
    {"do": "undo", "step": "sample", "cases": ["C03"], "by": "jb", "at": "2026-11-23T09:02:00+00:00"},
    {"do": "redo", "step": "sample", "cases": ["C03"], "by": "jb", "at": "2026-11-23T09:03:00+00:00"},
    {"do": "withdraw", "cases": ["C02"], "reason": "Case closed", "by": "jb", "at": "2026-11-23T09:04:00+00:00"},
    {"do": "undo", "step": "withdraw", "cases": ["C02"], "by": "jb", "at": "2026-11-23T09:05:00+00:00"},
    {"do": "redo", "step": "withdraw", "cases": ["C02"], "by": "jb", "at": "2026-11-23T09:06:00+00:00"},
    {
        "do": "settle",
        "conflict": 0,
        "case": "C04",
        "question": "2.2.2",
        "old": "no",
        "new": "yes",
        "value": "yes",
        "reason": "The plan is on file",
        "by": "jb",
        "at": "2026-11-23T09:07:00+00:00",
    },
    {
        "do": "undo",
        "case": "C04",
        "question": "2.2.2",
        "old": "no",
        "new": "yes",
        "settles": 0,
        "by": "jb",
        "at": "2026-11-23T09:08:00+00:00",
    },
    {
        "do": "redo",
        "case": "C04",
        "question": "2.2.2",
        "old": "no",
        "new": "yes",
        "settles": 0,
        "by": "jb",
        "at": "2026-11-23T09:09:00+00:00",
    },
    {
        "do": "settle",
        "conflict": 1,
        "standard": "1.2",
        "old": "Outstanding",
        "value": "Good",
        "reason": "Their reading",
        "by": "jb",
        "at": "2026-11-23T09:10:00+00:00",
    },
    {
        "do": "settle",
        "conflict": 2,
        "standard": "2.2",
        "value": "Requires improvement",
        "reason": "Keep the computed rating",
        "by": "jb",
        "at": "2026-11-23T09:12:00+00:00",
    },
    {"do": "second", "case": "C04", "by": "jb", "at": "2026-11-23T09:13:00+00:00"},
    {"do": "second-answer", "case": "C04", "question": "2.2.1", "answer": "no", "by": "jb", "at": "2026-11-23T09:14:00+00:00"},
    {"do": "second-answer", "case": "C04", "question": "2.2.2", "answer": "yes", "by": "jb", "at": "2026-11-23T09:15:00+00:00"},
    {"do": "second-answer", "case": "C04", "question": "2.2.2", "answer": None, "by": "jb", "at": "2026-11-23T09:16:00+00:00"},
    {"do": "second-finish", "case": "C04", "by": "jb", "at": "2026-11-23T09:17:00+00:00"},
]


def test_the_record_format_of_the_quality_assurance_commands_is_kept():
    times = iter(dt.datetime(2026, 11, 23, 9, minute, tzinfo=dt.timezone.utc) for minute in range(60))
    session = Session(CONFLICTED, STOCKTON.framework, "jb", clock=lambda: next(times))
    told = _told(session)
    _quality_assured(session)
    assert told == QUALITY_JOURNAL
    _same(_replayed(CONFLICTED, QUALITY_JOURNAL), session)


def test_an_import_undone_then_saved_and_given_again_is_logged_as_its_importer_gave_it():
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock=_clock())
    first, second = _no_on(session, "2.2.2"), _no_on(session, "2.2.2", 1)
    session.set_answers([(first, "2.2.2", Answer.YES), (second, "2.2.2", Answer.NA)], "from the table")
    imported_at = session.next_undo.entry.at
    session.undo()
    session.mark_saved()  # the import, undone, is left to redo
    saved = session.snapshot()
    told = [history(session)]
    session.listen(lambda done: told.append(record_of(done)))
    session.act_as("lead", lambda: dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc))
    session.redo()
    replayed = _replayed(saved, told)
    _same(replayed, session)
    assert {(e.case, e.by, e.at, e.reason) for e in replayed.unsaved_log()} == {
        (first, "jb", imported_at, "from the table"),
        (second, "jb", imported_at, "from the table"),
    }


def test_an_undo_of_an_import_that_no_longer_fits_says_which_import():
    case = _no_on(Session(STOCKTON.inspection, STOCKTON.framework, "jb"), "2.2.2")
    records = _records(lambda s: (s.set_answers([(case, "2.2.2", Answer.YES), (case, "2.2.1", None)]), s.undo()))
    _refused(records[1:], r"record 1 \(undo\): the last change is not the import of 2 answers")


def test_quality_assurance_records_that_no_longer_fit_the_file_are_refused_saying_which_and_why():
    def refused(base: Inspection, records: list[Record], match: str) -> None:
        with pytest.raises(ReplayError, match=match):
            replay(Session(base, STOCKTON.framework, "ak"), records)

    chosen = QUALITY_JOURNAL[0]
    refused(CONFLICTED, [chosen, chosen], r"record 2 \(sample\): C01, C02 are no longer all out of the dip sample")
    settled, rated = QUALITY_JOURNAL[7], QUALITY_JOURNAL[10]
    refused(CONFLICTED, [settled, settled], r"record 2 \(settle\): no merge conflict about C04 2.2.2 is left to settle")
    refused(STOCKTON.inspection, [rated], r"record 1 \(settle\): no merge conflict about 1.2 is left to settle")
    refused(CONFLICTED, [{**settled, "old": "n/a"}], r"record 1 \(settle\): C04 2.2.2 is no longer n/a")
    refused(CONFLICTED, [{**rated, "old": None}], r"record 1 \(settle\): 1.2 is no longer unanswered")
