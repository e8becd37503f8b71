"""The merge conflicts view (C): what git's merge left in the file, settled in the app as a
user would, leaves a saved file whose log and answers agree."""

from __future__ import annotations

import pytest

from helpers.cli import moderate
from moderate.reading import load
from moderate.screens.conflicts import ConflictsScreen
from moderate.screens.dialogs import AskText
from moderate.screens.panel import ChooseRating
from moderate.trail import breaks
from helpers.screen import Notified, screen_text, until
from helpers.app import open_app, typed
from helpers.merging import branch, merged

pytestmark = pytest.mark.subprocess


async def test_conflicts_settled_in_the_app_leave_a_file_whose_log_and_answers_agree(tmp_path):
    path = merged(
        tmp_path,
        branch("ann", ("set_answer", "C01", "2.1.1", "no"), ("set_answer", "C02", "2.1.2", "no")),
        branch("ben", ("set_answer", "C01", "2.1.1", "n/a"), ("set_answer", "C02", "2.1.2", "n/a")),
    )
    told = Notified()
    async with open_app(path, "lead").run_test(size=(80, 24), message_hook=told) as pilot:
        await until(pilot, lambda: any("2 merge conflicts left to settle" in m for m in told))
        assert any("C lists them, to settle each as ours, theirs or another answer" in m for m in told)
        assert "C Merge conflicts" in screen_text(pilot.app).splitlines()[-1]  # in the footer while there are any
        await pilot.press("C")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConflictsScreen))
        shown = screen_text(pilot.app)
        assert "[to settle] C01 2.1.1: base yes, ours no, theirs n/a" in shown
        assert "[to settle] C02 2.1.2: base yes, ours no, theirs n/a" in shown
        assert "o Ours t Theirs e Another u Undo esc Back" in shown.splitlines()[-1]
        await pilot.press("t")  # C01: take theirs
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        await typed(pilot, *"ben read the case file", "enter")
        await until(pilot, lambda: "[settled: n/a] C01 2.1.1" in screen_text(pilot.app))
        await pilot.press("down", "e")  # C02: another answer
        await until(pilot, lambda: isinstance(pilot.app.screen, ChooseRating))
        await pilot.press("down", "down", "down", "enter")  # yes, no, n/a, unanswered
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        await pilot.press("enter")  # no reason: refused, the dialog stays
        assert isinstance(pilot.app.screen, AskText)
        await typed(pilot, *"not assessed by either", "enter")
        await until(pilot, lambda: "[settled: unanswered] C02 2.1.2" in screen_text(pilot.app))
        assert "2 of 2 settled" in screen_text(pilot.app)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "No merge conflicts left in the file." in screen_text(pilot.app))
        await pilot.press("escape")
        await until(pilot, lambda: "Merge conflicts" not in screen_text(pilot.app).splitlines()[-1])
        await pilot.press("q")
    saved = load(path).inspection
    assert "merge_conflicts" not in saved.extra and breaks(saved) == []
    assert [(e.by, e.case, e.from_, e.to, e.reason) for e in saved.moderation[-2:]] == [
        ("lead", "C01", "no", "n/a", "ben read the case file"),
        ("lead", "C02", "no", "unanswered", "not assessed by either"),
    ]
    assert moderate("check", str(path)).returncode == 0
