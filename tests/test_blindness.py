"""A blind second assessment stays blind: while it is under way nothing on screen shows the
case's first answers, the figures, the flags or the score, whatever else happens (another
moderator's save, a save that meets theirs, another assessment under way), and what is
held back is said to be, and shown once the assessor has finished."""

from __future__ import annotations

import os

from helpers.app import go_to, line_with, open_app
from helpers.merging import branch, merged
from helpers.screen import Notified, joined, screen_text, until
from moderate.model import Answer
from moderate.screens.app import ModerateApp
from moderate.screens.dialogs import AskText, ResolveConflicts
from moderate.screens.moderation import ModerationScreen
from moderate.screens.second import BeginSecond, FinishSecond, SecondAssessmentScreen
from moderate.workspace import Opening, Workspace


def blind_app(path, user: str = "qa", second: str | None = "C03") -> ModerateApp:
    return ModerateApp(Opening.of(path, user), theme="textual-dark", second=second)


async def test_the_blind_top_line_says_when_work_is_not_journaled(stockton):
    """The disk under the journal fills: over a blind assessment too, the top line says so (it
    said only the title and what was unsaved), and still shows no score."""
    notified = Notified()
    async with blind_app(stockton).run_test(size=(80, 24), message_hook=notified) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, SecondAssessmentScreen)
        journal = pilot.app.workspace.journal
        room, full = os.dup(journal._fd), os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, journal._fd)
        try:
            await pilot.press("y")
            await until(pilot, lambda: isinstance(pilot.app.screen, AskText))  # a copy elsewhere offered
            top = screen_text(pilot.app).splitlines()[0]
            assert "Blind second assessment" in top and "● unsaved" in top and "NOT JOURNALED" in top, top
            assert "Score" not in top and "32/36" not in top
            await pilot.press("escape")
        finally:
            os.dup2(room, journal._fd)
            os.close(room)
            os.close(full)


async def test_b_on_the_grid_says_first_that_what_the_grid_showed_is_not_unshown_and_how_to_begin_blind(stockton):
    async with open_app(stockton, "qa").run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C03")
        await pilot.press("B")
        await until(pilot, lambda: "--as qa --second C03" in joined(screen_text(pilot.app)))  # the path before it may fold
        assert isinstance(pilot.app.screen, BeginSecond)
        assert "not blind" in joined(screen_text(pilot.app)) and "nothing can unshow them" in joined(screen_text(pilot.app))
        await pilot.press("escape")  # nothing begun
        await until(pilot, lambda: isinstance(pilot.app.screen, ModerationScreen))
        assert pilot.app.session.second("C03") is None and not pilot.app.session.dirty
        await pilot.press("B")
        await until(pilot, lambda: isinstance(pilot.app.screen, BeginSecond))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(pilot.app.screen, SecondAssessmentScreen))
        assert pilot.app.session.blind() == ["C03"]


async def test_finishing_one_blind_assessment_goes_on_to_another_under_way_never_to_the_grid(stockton):
    async with blind_app(stockton, second="C03").run_test(size=(80, 24)) as pilot:
        await pilot.press("y", "ctrl+s")
        await until(pilot, lambda: not pilot.app.session.dirty)
    notified = Notified()
    async with blind_app(stockton, second="C05").run_test(size=(80, 24), message_hook=notified) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, SecondAssessmentScreen))
        assert pilot.app.screen.case_id == "C05" and pilot.app.session.blind() == ["C03", "C05"]
        await pilot.press("F")
        await until(pilot, lambda: isinstance(pilot.app.screen, FinishSecond))
        await pilot.press("f")
        await until(pilot, lambda: not isinstance(pilot.app.screen, FinishSecond))
        assert isinstance(pilot.app.screen, SecondAssessmentScreen) and pilot.app.screen.case_id == "C03"
        assert "32/36" not in screen_text(pilot.app)
        assert any("Your second assessment of C03 is under way too" in m for m in notified), notified


async def test_a_blind_assessment_begun_elsewhere_hides_the_grid_once_the_file_brings_it_in(stockton, tmp_path):
    """qa began assessing C03 in a clone of the file elsewhere; a git pull brings it into the file
    open here: the grid gives way to the blind assessment at once."""
    clone = tmp_path / "clone" / stockton.name
    clone.parent.mkdir()
    clone.write_bytes(stockton.read_bytes())
    elsewhere = Workspace.open(clone, "qa")
    elsewhere.session.begin_second("C03")
    elsewhere.save()
    elsewhere.close(keep_unsaved=False)
    async with blind_app(stockton, second=None).run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, ModerationScreen))
        pulled = stockton.with_suffix(".pulled")
        pulled.write_bytes(clone.read_bytes())
        pulled.replace(stockton)
        await until(pilot, lambda: isinstance(pilot.app.screen, SecondAssessmentScreen))
        assert pilot.app.screen.case_id == "C03" and "32/36" not in screen_text(pilot.app)


def saved_by(path, user: str, case: str, question: str, answer: Answer) -> None:
    """Another moderator's save of one answer, as their app would make it."""
    theirs = Workspace.open(path, user)
    theirs.session.set_answer(case, question, answer)
    theirs.save()
    theirs.close(keep_unsaved=False)


async def test_another_moderators_save_says_nothing_of_what_it_changed_until_the_assessment_is_finished(stockton):
    notified = Notified()
    async with blind_app(stockton).run_test(size=(80, 24), message_hook=notified) as pilot:
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not pilot.app.session.dirty)
        saved_by(stockton, "jb", "C03", "2.1.2", Answer.NO)
        await until(pilot, lambda: any(m.startswith("Reloaded") for m in notified))
        await pilot.press("y")
        saved_by(stockton, "ak", "C03", "2.1.3", Answer.NO)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not pilot.app.session.dirty)
        told = [m for m in notified if m.startswith(("Reloaded", "Saved"))]
        assert len(told) == 3 and not any("1 answer" in m for m in told), told
        assert all("once you have finished your second assessment of C03" in m for m in told[1:]), told
        await pilot.press("F")
        await until(pilot, lambda: isinstance(pilot.app.screen, FinishSecond))
        await pilot.press("f")
        await until(pilot, lambda: isinstance(pilot.app.screen, ModerationScreen))
        await go_to(pilot, "2.1.2", "C03")
        assert "✗◆" in line_with(screen_text(pilot.app), "2.1.2")  # shown now, as the words said


async def test_a_save_that_meets_anothers_change_to_the_blind_case_waits_until_the_assessment_is_finished(stockton):
    notified = Notified()
    async with open_app(stockton, "qa").run_test(size=(80, 24), message_hook=notified) as pilot:
        await go_to(pilot, "2.1.1", "C03")
        await pilot.press("n", "left", "B")  # a change of C03's first answer, not saved, then B
        await until(pilot, lambda: isinstance(pilot.app.screen, BeginSecond))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(pilot.app.screen, SecondAssessmentScreen))
        saved_by(stockton, "jb", "C03", "2.1.1", Answer.NA)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(m.startswith("Not saved") for m in notified))
        assert isinstance(pilot.app.screen, SecondAssessmentScreen)  # no dialog of C03's answers, theirs n/a
        assert "theirs" not in screen_text(pilot.app) and pilot.app.session.dirty
        assert any("once you have finished your second assessment of C03" in m for m in notified)
        await pilot.press("F")
        await until(pilot, lambda: isinstance(pilot.app.screen, FinishSecond))
        await pilot.press("f", "ctrl+s")
        # the dialog up and painted (its first frame may come after the screen is pushed)
        await until(pilot, lambda: isinstance(pilot.app.screen, ResolveConflicts) and "keep yours" in screen_text(pilot.app))
        assert "C03 2.1.1: base yes, ours no, theirs n/a" in screen_text(pilot.app)


def shows_nothing_of_the_first_answers(text: str) -> bool:
    """No score, rating, figure, flag or answer given (the assessor has given none yet)."""
    return not any(seen in text for seen in ("32/36", "Outstanding", "%", "⚑", "✓", "✗", "◆", "Moderation history"))


async def test_no_key_of_the_grid_reaches_past_the_blind_screen_and_esc_says_how_to_finish(stockton):
    """The grid's keys (its log, the case's detail, the panel, the agreement, a case found by
    going to it, the command palette, the help panel) show nothing of C03 while it is assessed blind."""
    notified = Notified()
    async with blind_app(stockton).run_test(size=(80, 24), message_hook=notified) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, SecondAssessmentScreen))
        for key in ("L", "enter", "C", "P", "Q", "R", "g", "f", "p", "s", "m", "D", "c", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert shows_nothing_of_the_first_answers(screen_text(pilot.app)), key
        await pilot.press("question_mark", "ctrl+p", *"C03")
        await pilot.pause()
        assert shows_nothing_of_the_first_answers(screen_text(pilot.app))
        await pilot.press("escape", "escape")
        await until(pilot, lambda: any(m.startswith("You are assessing C03 blind. F when you have finished") for m in notified))
        assert isinstance(pilot.app.screen, SecondAssessmentScreen) and pilot.app.session.cases["C03"].moderated is None


async def test_merge_conflicts_left_in_the_file_are_listed_once_the_blind_assessment_is_finished(tmp_path):
    path = merged(
        tmp_path, branch("ann", ("set_answer", "C03", "2.1.1", "yes")), branch("ben", ("set_answer", "C03", "2.1.1", "n/a"))
    )
    notified = Notified()
    async with blind_app(path).run_test(size=(80, 24), message_hook=notified) as pilot:
        await until(pilot, lambda: any("merge conflict left to settle" in m for m in notified))
        (told,) = [m for m in notified if "merge conflict" in m]
        assert "C on the grid lists them once you have finished your second assessment of C03" in told, told
        await pilot.press("C")
        assert isinstance(pilot.app.screen, SecondAssessmentScreen)
