"""The journal: every command written down as it is made, so that a crash loses nothing."""

from __future__ import annotations

import datetime as dt
import signal
import stat
import subprocess
import sys
import textwrap
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.files import REPO, SAMPLES
from moderate.journal import JournalInUse, journal_path, pending, text_sha256
from moderate.model import Answer
from moderate.reading import load
from moderate.rules import decision_options
from moderate.replay import ReplayError, history, record_of, replay
from moderate.session import Session, now
from moderate.storage import save, save_merging, write_text
from moderate.workspace import Workspace
from moderate.writing import dumps


def clock(hour: int = 14):
    times = iter(dt.datetime(2026, 11, 23, hour, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=m) for m in range(1000))
    return lambda: next(times)


def flip(session, case: str, question: str) -> Answer:
    return Answer.NO if session.answer(case, question) == Answer.YES else Answer.YES


def some_work(session) -> None:
    """Answers set and cleared, a reason, undo and redo, a case moderated, a panel decision, a rating."""
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"))
    session.give_reason("No contingency plan for the exploitation risk")
    session.set_answer("C04", "2.2.1", None, reason="Assessment not on file")
    session.set_answer("C05", "2.2.2.d", Answer.NA)
    session.undo()
    session.set_answer("C01", "2.1.1", flip(session, "C01", "2.1.1"))
    session.undo()
    session.redo()
    session.mark_moderated("C03")
    session.decide("2.2", "Requires improvement", "Contingency planning falls short")
    session.rate_judgement("1.2", "Good")


def start(path, user: str, clock: Callable[[], dt.datetime] = now):
    """Opened as the app opens it: the file as read, its session and its journal."""
    opened = Workspace.open(path, user, clock)
    return opened.loaded, opened.session, opened.journal


def restore(found, clock: Callable[[], dt.datetime] = now):
    restored = Workspace.restore(found, clock)
    return restored.loaded, restored.session, restored.journal


def save_journaled(path, session, journal) -> str:
    """A save as the app makes it: say what is being saved, save, then renew the journal."""
    text = dumps(session.snapshot())
    journal.saving(text_sha256(text))
    write_text(path, text)
    session.mark_saved()
    journal.rebase(text, session)
    return text


def test_an_import_in_a_crashed_session_is_summed_up_and_given_back(stockton):
    _, session, journal = start(stockton, "jb", clock())
    session.set_answers([("C03", "2.2.2", flip(session, "C03", "2.2.2")), ("C05", "2.2.2.d", Answer.NA)])
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"))  # back as it was
    session.undo()
    session.undo()  # the import
    session.redo()
    journal.close()
    found = pending(stockton, "jb")
    assert found is not None
    assert found.summary.splitlines()[1] == "  2 answers changed: C03 2.2.2 yes→no, C05 2.2.2.d yes→n/a"
    _, restored, _ = restore(found, clock(16))
    assert restored.snapshot() == session.snapshot() and restored.ratings == session.ratings


def test_a_crashed_session_is_given_back_exactly(stockton):
    _, session, journal = start(stockton, "jb", clock())
    some_work(session)
    journal.close()  # the crash: nothing saved; the journal stays

    found = pending(stockton, "jb")
    assert found is not None and found.matches and not found.live and found.dropped == 0
    assert found.summary.splitlines() == [
        "Not saved: work by jb between 14:00 and 14:10 UTC on 2026-11-23",
        "  3 answers changed: C03 2.2.2 yes→no, C04 2.2.1 yes→unanswered, C01 2.1.1 yes→no",  # C05: undone
        "  1 reason given",
        "  marked moderated: C03",
        "  panel decisions: 2.2 Requires improvement",
        "  judgement ratings: 1.2 Outstanding→Good",
    ]

    _, restored, journal = restore(found, clock(16))
    assert restored.snapshot() == session.snapshot()
    assert restored.ratings == session.ratings
    assert restored.moderation[-1].at == dt.datetime(2026, 11, 23, 14, 10, tzinfo=dt.timezone.utc)
    # What was restored stays journaled until it is saved.
    restored.set_answer("C02", "2.2.2", flip(restored, "C02", "2.2.2"))
    journal.close()
    _, again, _ = restore(pending(stockton, "jb"))
    assert again.snapshot() == restored.snapshot()


def test_work_after_a_save_is_given_back_with_its_undo_history(stockton):
    _, session, journal = start(stockton, "jb", clock())
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"), reason="before the save")
    saved = save_journaled(stockton, session, journal)
    session.undo()  # takes back a saved change: it would be logged as undone...
    assert session.unsaved_log()[0].reason == "undone"
    session.redo()  # ...but given again, the answer is as saved: nothing to log
    session.set_answer("C06", "2.3.1", None)
    journal.close()

    assert stockton.read_text() == saved
    found = pending(stockton, "jb")
    assert found.matches and "  1 answer changed: C06 2.3.1" in found.summary
    _, restored, _ = restore(found)
    assert restored.snapshot() == session.snapshot()
    assert restored.moderation == session.moderation
    assert [(e.case, e.reason) for e in restored.moderation[-2:]] == [("C03", "before the save"), ("C06", None)]
    assert restored.moderation[-1].to == "unanswered"


def test_a_last_line_cut_short_is_left_out(stockton):
    _, session, journal = start(stockton, "jb", clock())
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"))
    journal.close()
    expected = session.snapshot()
    with journal_path(stockton, "jb").open("ab") as f:
        f.write(b'{"do":"answer","case":"C04","quest')
    found = pending(stockton, "jb")
    assert found.dropped == 1 and len(found.records) == 1 and "1 line cut short" in found.summary
    assert restore(found)[1].snapshot() == expected


def test_the_journal_is_readable_by_its_owner_only(stockton):
    _, session, journal = start(stockton, "jb")
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"))
    assert stat.S_IMODE(journal_path(stockton, "jb").stat().st_mode) == 0o600
    save_journaled(stockton, session, journal)
    assert stat.S_IMODE(journal_path(stockton, "jb").stat().st_mode) == 0o600
    journal.close()


def test_a_clean_save_and_quit_leaves_nothing_behind(stockton):
    _, session, journal = start(stockton, "jb")
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"))
    save_journaled(stockton, session, journal)
    journal.close()
    assert pending(stockton, "jb") is None  # saved: nothing to offer
    _, session, journal = start(stockton, "jb")
    journal.discard()
    assert sorted(p.name for p in stockton.parent.iterdir()) == ["stockton.toml"]


def test_the_same_moderator_opening_the_file_twice_is_refused_and_another_is_not(stockton):
    _, _, journal = start(stockton, "jb")
    with pytest.raises(JournalInUse) as refused:
        start(stockton, "jb")
    assert refused.value.pending.live and "open in another moderate session of jb's" in str(refused.value)
    _, _, theirs = start(stockton, "ak")  # two moderators, one file: their saves merge
    journal.close()
    theirs.close()


def test_unsaved_work_must_be_restored_or_discarded_before_starting_afresh(stockton):
    _, session, journal = start(stockton, "jb")
    session.mark_moderated("C03")
    journal.close()
    with pytest.raises(JournalInUse):
        start(stockton, "jb")
    pending(stockton, "jb").discard()
    assert pending(stockton, "jb") is None
    _, session, journal = start(stockton, "jb")
    assert session.cases["C03"].moderated is None
    journal.close()


def test_a_crash_between_writing_the_file_and_renewing_the_journal_offers_nothing(stockton):
    _, session, journal = start(stockton, "jb")
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"))
    text = dumps(session.snapshot())
    journal.saving(text_sha256(text))
    write_text(stockton, text)
    journal.close()  # the crash, before journal.rebase
    assert pending(stockton, "jb") is None


def test_work_given_back_after_someone_else_saved_merges_with_theirs(stockton):
    _, session, journal = start(stockton, "jb", clock())
    ours = flip(session, "C03", "2.2.2")
    session.set_answer("C03", "2.2.2", ours)
    journal.close()
    loaded = load(stockton)
    other = Session(loaded.inspection, loaded.framework, "ak")
    theirs = flip(other, "C04", "2.2.1")
    other.set_answer("C04", "2.2.1", theirs)  # meanwhile a colleague saved another answer
    save(stockton, other.snapshot())

    found = pending(stockton, "jb")
    assert not found.matches and "The file has been saved since" in found.summary
    base, restored, journal = restore(found)
    assert restored.snapshot() == session.snapshot()  # exactly, on the text it was made on
    result = save_merging(stockton, base.text, restored.snapshot())
    assert result.saved and result.merged
    merged = Session(result.inspection, loaded.framework, "jb", listener=journal.record)
    journal.rebase(result.text, merged)
    journal.close()
    assert (merged.answer("C03", "2.2.2"), merged.answer("C04", "2.2.1")) == (ours, theirs)
    assert load(stockton).text == result.text and pending(stockton, "jb") is None


def test_records_replayed_onto_an_inspection_they_do_not_fit_are_refused(stockton):
    _, session, journal = start(stockton, "jb")
    session.set_answer("C03", "2.2.2", flip(session, "C03", "2.2.2"))
    journal.close()
    loaded = load(stockton)
    other = Session(loaded.inspection, loaded.framework, "ak")
    other.set_answer("C03", "2.2.2", Answer.NA)
    with pytest.raises(ReplayError, match=r"record 1 \(answer\): C03 2.2.2 is no longer yes"):
        replay(other, pending(stockton, "jb").records)


# ---------------------------------------------------------------- real processes

CHILD = textwrap.dedent("""
    import os, signal, sys, time
    from moderate.model import Answer
    from moderate.workspace import Workspace
    opened = Workspace.open(sys.argv[1], "jb")
    loaded, session, journal = opened.loaded, opened.session, opened.journal
    signal.signal(signal.SIGHUP, lambda *_: (journal.close(), os._exit(129)))  # as the app's hang-up does
    cells = [(c.id, q) for c in loaded.inspection.cases if c.sample == "court"
             for q in ("2.2.1", "2.2.2", "2.2.3", "2.2.2.a", "2.2.2.b")]
    for case, question in cells:
        answer = Answer.NO if session.answer(case, question) == Answer.YES else Answer.YES
        session.set_answer(case, question, answer)
        print("ready", case, question, answer.value, flush=True)
        time.sleep(0.002)
    time.sleep(60)
""")


def _moderate_until(path, count: int, stop: Callable) -> tuple[list[tuple[str, str, str]], int]:
    """Run a moderator's session in a child process; stop it after `count` changes were reported.
    Returns the changes reported and how the child ended."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    reported = [tuple(child.stdout.readline().split()[1:]) for _ in range(count)]
    stop(child)
    child.wait(timeout=10)
    child.stdout.close()
    return reported, child.returncode


@pytest.mark.subprocess
def test_kill_9_mid_session_loses_nothing_that_was_reported(stockton):
    reported, ended = _moderate_until(stockton, 23, lambda child: child.kill())  # no handler, no cleanup
    assert ended == -signal.SIGKILL
    found = pending(stockton, "jb")
    assert found is not None and found.matches and not found.live
    assert len(found.records) >= len(reported)
    _, restored, journal = restore(found)
    assert all(restored.answer(case, question) == Answer(answer) for case, question, answer in reported)
    journal.close()


@pytest.mark.subprocess
def test_a_hang_up_closes_the_journal_and_loses_nothing(stockton):
    reported, ended = _moderate_until(stockton, 5, lambda child: child.send_signal(signal.SIGHUP))
    assert ended == 129
    found = pending(stockton, "jb")
    assert len(found.records) >= 5
    restored = restore(found)[1]
    assert all(restored.answer(case, question) == Answer(answer) for case, question, answer in reported)


# ---------------------------------------------------------------- any sequence of commands

STOCKTON = load(SAMPLES / "stockton-on-tees-2021.toml")
CELLS = [
    (c.id, q)
    for c in STOCKTON.inspection.cases
    for s in STOCKTON.inspection.standards
    if s.sample == c.sample
    for kq in s.key_questions
    for q in (kq.id, *(p.id for p in kq.prompts))
]
BANDS = [b.rating for b in STOCKTON.framework.bands]
commands = st.one_of(
    st.tuples(st.just("answer"), st.sampled_from(CELLS), st.sampled_from([*Answer, None]), st.none() | st.text(max_size=8)),
    st.tuples(st.just("reason"), st.text(max_size=8)),
    st.tuples(st.sampled_from(["undo", "redo", "save"])),
    st.tuples(st.just("moderated"), st.sampled_from([c.id for c in STOCKTON.inspection.cases])),
    st.tuples(st.just("decide"), st.sampled_from(["2.1", "2.2", "3.1"]), st.integers(-1, 1)),
    st.tuples(st.just("rate"), st.sampled_from(["1.1", "1.2"]), st.sampled_from([*BANDS, "Not rated"])),
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.lists(commands, max_size=30))
def test_replaying_what_the_listener_was_told_since_the_last_save_gives_back_the_session(sequence):
    told = []
    session = Session(STOCKTON.inspection, STOCKTON.framework, "jb", clock(), listener=lambda done: told.append(record_of(done)))
    base = STOCKTON.inspection
    for name, *args in sequence:
        if name == "answer":
            (case, question), answer, reason = args
            session.set_answer(case, question, answer, reason)
        elif name == "reason":
            session.give_reason(*args)
        elif name == "decide":  # up, keep or down, as far as discretion lets the panel go
            result = session.ratings.standards[args[0]]
            options = decision_options(result, STOCKTON.framework)
            if options:
                step = options.index(result.computed) + args[1]
                session.decide(args[0], options[min(max(step, 0), len(options) - 1)].rating, "panel")
        elif name == "rate":
            session.rate_judgement(*args)
        elif name == "moderated":
            session.mark_moderated(*args)
        elif name == "save":  # as the journal does: start afresh from the saved file, with the undo history
            session.mark_saved()
            base = session.snapshot()
            told[:] = [history(session)] if history(session) else []
        else:
            getattr(session, name)()
    replayed = Session(base, STOCKTON.framework, "ak")
    replay(replayed, told)
    assert replayed.snapshot() == session.snapshot()
    assert replayed.ratings == session.ratings
