"""A blind second assessment, reconciliation and agreement in the app, as a quality lead uses them:
nothing of the first answers, the figures or the flags is shown for the case until the second
assessor finishes; reconciling changes or reviews the case's answers, never the second ones."""

from __future__ import annotations

import re

from helpers.app import go_to, typed
from helpers.cli import moderate, second_assessed
from helpers.screen import joined, screen_text, until
from moderate import words
from moderate.model import Answer
from moderate.reading import load
from moderate.screens.agreement import AgreementScreen
from moderate.screens.app import ModerateApp
from moderate.screens.dialogs import AskText
from moderate.screens.moderation import ModerationScreen
from moderate.screens.grid import CaseGrid
from moderate.screens.second import FinishSecond, ReconcileScreen, SecondAssessmentScreen
from moderate.workspace import Opening

ROW = re.compile(r"^\s+(\d+\.\d+\.\d+(?:\.[a-z])?)\s{2,}(\S)\s")  # a question's row: its id and the answer shown


def _app(path, user: str, second: str | None = None) -> ModerateApp:
    return ModerateApp(Opening.of(path, user), theme="textual-dark", second=second)


def _shown_answers(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for line in text.splitlines() if (m := ROW.match(line))}


async def test_a_blind_second_assessment_shows_none_of_the_first_answers_figures_or_flags_until_finished(stockton):
    first = load(stockton).inspection.case("C03").answers
    assert first["2.1.1"] == Answer.YES and first["2.2.2"] == Answer.YES  # there is something to hide
    async with _app(stockton, "qa", second="C03").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, SecondAssessmentScreen)  # straight there: the grid never shown
        text = screen_text(pilot.app)
        shown = _shown_answers(text)
        assert shown and set(shown.values()) == {"·"}  # only the second assessor's own answers: none yet
        assert "32/36" not in text and "Outstanding" not in text and "%" not in text and "⚑" not in text
        await pilot.press("n", "y")
        shown = _shown_answers(screen_text(pilot.app))
        assert (shown["2.1.1"], shown["2.1.1.a"], shown["2.1.1.b"]) == ("✗", "✓", "·")
        await pilot.press("escape")  # no way back to the grid but finishing
        assert isinstance(pilot.app.screen, SecondAssessmentScreen)
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("f")
        await until(pilot, lambda: isinstance(pilot.app.screen, ModerationScreen))
        assert "32/36" in screen_text(pilot.app)
        mine = pilot.app.session.second("C03")
        assert (
            mine is not None and mine.finished is not None and dict(mine.answers) == {"2.1.1": Answer.NO, "2.1.1.a": Answer.YES}
        )
        assert pilot.app.session.answers["C03"] == first  # the first answers untouched


async def test_the_app_opens_on_an_unfinished_blind_assessment_for_its_assessor_only(stockton):
    async with _app(stockton, "qa", second="C03").run_test(size=(80, 24)) as pilot:
        await pilot.press("y", "ctrl+s")
        await until(pilot, lambda: not pilot.app.session.dirty)
    async with _app(stockton, "qa").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, SecondAssessmentScreen) and pilot.app.screen.case_id == "C03"
        assert _shown_answers(screen_text(pilot.app))["2.1.1"] == "✓"
    async with _app(stockton, "jb").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, ModerationScreen)


async def test_reconciling_changes_or_reviews_the_first_answers_and_leaves_the_second_as_it_was(stockton, tmp_path):
    table = tmp_path / "second.csv"
    table.write_text("case,2.1.1,2.1.1.a,2.1.1.b\nC03,no,no,yes\n", encoding="utf-8")  # first: yes, yes, yes
    assert moderate("import", str(stockton), str(table), "--second", "--as", "qa").returncode == 0
    (second,) = load(stockton).inspection.case("C03").second_assessments
    async with _app(stockton, "qa").run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C03")
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReconcileScreen)
        text = screen_text(pilot.app)
        rows = [line for line in text.splitlines() if "DIFFER" in line or "agree" in line]
        assert "DIFFER" in rows[0] and "DIFFER" in rows[1] and "agree" in rows[2]  # those that differ first
        await pilot.press("s")  # take the second answer: a change, with its reason
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)
        await typed(pilot, *"No desistance analysis", "enter")
        await pilot.pause()
        await pilot.press("k")  # the next that differs is at the top now: keep the first, a review
        await pilot.pause()
        await typed(pilot, *"Sound as given", "enter")
        await pilot.pause()
        await pilot.press("escape", "ctrl+s")
        await until(pilot, lambda: not pilot.app.session.dirty)
    saved = load(stockton).inspection
    assert saved.case("C03").second_assessments == (second,)  # the independent pair never rewritten
    assert saved.case("C03").answers["2.1.1"] == Answer.NO
    change, review = saved.moderation[-2:]
    assert (change.case, change.question, change.from_, change.to, change.reason) == (
        "C03",
        "2.1.1",
        "yes",
        "no",
        "No desistance analysis",
    )
    assert (review.question, review.from_, review.to, review.reason) == ("2.1.1.a", "yes", "yes", "Sound as given")
    # the pairs measure the first answers as given, reconciled or not
    agreement = moderate("report", str(stockton), "--json", "--min-pairs", "2")
    assert '"agreed": 1' in agreement.stdout


async def test_the_agreement_screen_draws_bars_with_intervals_at_80_by_24_without_colour(stockton, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    second_assessed(stockton)
    async with _app(stockton, "qa").run_test(size=(80, 24)) as pilot:
        await pilot.press("Q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AgreementScreen)
        text = screen_text(pilot.app)
        assert "Gwet's AC1 by assessor, lowest first" in text
        bars = [line for line in text.splitlines() if "●" in line]
        assert bars and all("─" in line or "●" in line for line in bars)
        assert all(len(line.rstrip()) <= 80 for line in text.splitlines())
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ModerationScreen)


async def test_at_80_by_24_the_question_under_the_cursor_is_read_in_full_and_the_keys_are_in_view(stockton):
    """The blind screen's and the reconciliation's column of words is cut at 80 columns: the
    question under the cursor is beneath, whole; and the reconciliation's keys stay in view."""
    full = (
        "2.1.1.e · Is sufficient attention given to understanding the child's levels of maturity, ability and "
        "motivation to change, and their likelihood of engaging with the court disposal?"
    )
    async with _app(stockton, "qa", second="C03").run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, SecondAssessmentScreen))
        await typed(pilot, *"yyyyy")
        await until(pilot, lambda: full in joined(screen_text(pilot.app)))
        await typed(pilot, *"nnnnnnnnnnnnnnn", "F")
        await until(pilot, lambda: isinstance(pilot.app.screen, FinishSecond))
        await pilot.press("f")
        await until(pilot, lambda: isinstance(pilot.app.screen, ModerationScreen))
        # the grid is on the case just finished, where R reconciles it
        assert pilot.app.screen.query_one(CaseGrid).current_case.id == "C03"
        await pilot.press("R")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReconcileScreen))
        await until(pilot, lambda: words.RECONCILE_KEYS in joined(screen_text(pilot.app)))
        text = screen_text(pilot.app)
        question = next(line for line in text.splitlines() if "DIFFER" in line).replace("█", " ").split()[0]
        asked = load(stockton).inspection.standards
        wording = next(q.text for s in asked for kq in s.key_questions for q in (kq, *kq.prompts) if q.id == question)
        assert f"{question} · {wording}" in joined(text)  # the row under the cursor, in full beneath
