"""The app says what was done: what an undo or a redo took back or gave again, that an answer was
reviewed (its mark in the grid), and whose save was taken in."""

from __future__ import annotations

from helpers.app import go_to, line_with, open_app, select, typed
from helpers.screen import Notified, screen_text, until
from moderate.model import Answer
from moderate.workspace import Workspace


async def test_undo_and_redo_say_what_they_did(stockton):
    notified = Notified()
    async with open_app(stockton).run_test(size=(80, 24), message_hook=notified) as pilot:
        await go_to(pilot, "2.1.1", "C01")
        await pilot.press("space")  # yes to no
        await pilot.press("u")
        await until(pilot, lambda: any(m.startswith("Undone") for m in notified))
        await pilot.press("ctrl+r")
        await until(pilot, lambda: any(m.startswith("Redone") for m in notified))
        await pilot.press("u", "u")
        await until(pilot, lambda: notified[-1].startswith("Nothing"))
        told = [m for m in notified if m.startswith(("Undone", "Redone", "Nothing"))]
        assert told == [
            "Undone: C01 2.1.1 is yes again (it was no).",
            "Redone: C01 2.1.1 is no again (it was yes).",
            "Undone: C01 2.1.1 is yes again (it was no).",
            "Nothing to undo.",
        ]


async def test_undo_in_the_panel_names_the_decision_it_took_back(stockton):
    notified = Notified()
    async with open_app(stockton).run_test(size=(100, 30), message_hook=notified) as pilot:
        await pilot.press("P")
        await select(pilot, "2.2")
        await typed(pilot, "equals_sign", *"Keep it", "enter")
        await pilot.pause()
        await pilot.press("u")
        await until(pilot, lambda: any(m.startswith("Undone") for m in notified))
        assert "Undone: the panel decision on 2.2 (Requires improvement)." in notified


async def test_a_reviewed_answer_is_marked_in_the_grid_until_the_review_is_taken_back(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.2", "C01")
        assert "✓=" not in line_with(screen_text(pilot.app), "2.1.2 Does")
        await pilot.press("equals_sign", "enter")  # reviewed, agreed: no comment
        await until(pilot, lambda: "✓=" in line_with(screen_text(pilot.app), "2.1.2 Does"))
        await pilot.press("u")
        await until(pilot, lambda: "✓=" not in line_with(screen_text(pilot.app), "2.1.2 Does"))


async def test_another_moderators_save_is_said_to_be_theirs(stockton):
    stockton.chmod(0o600)
    notified = Notified()
    async with open_app(stockton).run_test(size=(80, 24), message_hook=notified) as pilot:
        await pilot.pause()
        theirs = Workspace.open(stockton, "bob")  # bob changes an answer and saves, as his app would
        theirs.session.set_answer("C02", "2.1.1", Answer.NO, "Seen again")
        theirs.save()
        theirs.close(keep_unsaved=False)
        await until(pilot, lambda: any(m.startswith("Reloaded") for m in notified))
        assert "Reloaded stockton.toml: bob's save, 1 answer changed (marked ◆)." in notified


async def test_a_standards_line_is_cut_with_an_ellipsis_at_a_word_and_its_reasons_read_whole_beneath(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("up")  # 2.1's own line
        await pilot.pause()
        text = screen_text(pilot.app)
        line = line_with(text, "2.1 Assessment  Good")
        assert line.rstrip().endswith("for…") and "'Outs" not in line, line
        beneath = " ".join(text.splitlines()[-4:-1])
        assert "one case from 'Requires improvement'" in " ".join(beneath.split())  # the second reason too


async def test_the_log_cuts_a_long_reason_with_an_ellipsis_and_enter_shows_the_entry_whole(stockton):
    reason = "The assessment did not analyse the child's desistance factors; the case manager agreed at interview"
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C01")
        await typed(pilot, "N", *reason, "enter")  # no, with a reason
        await pilot.press("L")
        await pilot.pause()
        row = line_with(screen_text(pilot.app), "yes → no")
        assert "The assessment" in row and "…" in row and len(row) <= 80, row
        await pilot.press("tab", "tab", "tab", "enter")  # from the filters to the table, then Enter on its row
        await pilot.pause()
        whole = " ".join(" ".join(screen_text(pilot.app).replace("█", " ").split()).split())
        assert f"Reason: {reason}" in whole and "by jb" in whole
