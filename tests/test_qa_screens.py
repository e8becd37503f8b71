"""Quality assurance in the app, driven as a quality lead and a lead inspector would."""

from __future__ import annotations

import re

from moderate.model import FIELDWORK
from moderate.reading import load
from moderate.screens.dialogs import AskText
from moderate.screens.grid import CaseGrid
from moderate.screens.panel import PanelScreen
from moderate.screens.pivotal import PivotalCases
from moderate.workspace import Workspace
from helpers.app import go_to, line_with, open_app, select, typed
from helpers.files import with_people
from helpers.screen import Notified, screen_text, until


def sample(path, *cases: str) -> None:
    workspace = Workspace.open(path, "qa")
    try:
        workspace.session.choose_for_sample(cases, FIELDWORK, "2 per assessor, stratified, seed 7", 7)
        assert workspace.save().saved
    finally:
        workspace.close(keep_unsaved=False)


def status(pilot) -> str:
    return screen_text(pilot.app).splitlines()[0]


async def review(pilot, question: str, case: str) -> None:
    """`=` on one answer, and Enter on its dialog: a review recorded, as a moderator records one."""
    await go_to(pilot, question, case)
    await pilot.press("equals_sign")
    await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(pilot.app.screen, AskText))


async def test_d_adds_the_case_by_hand_and_withdraws_it_only_with_a_reason(stockton):
    with_people(stockton)
    notified = Notified()
    async with open_app(stockton, user="qa").run_test(size=(120, 40), message_hook=notified) as pilot:
        await go_to(pilot, "2.1.1", "C03")
        await pilot.press("d")
        await until(pilot, lambda: any("added to the dip sample" in m for m in notified))
        assert "C03 (mr) added to the dip sample, by hand: d again withdraws it, u takes it back." in notified
        assert "C03◎" in line_with(screen_text(pilot.app), "Yes/rel")
        assert "QA 0 of 1 reviewed · mr 0/1" in status(pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        await pilot.press("escape")  # no reason: nothing recorded
        await until(pilot, lambda: any("stays in the dip sample" in m for m in notified))
        assert "C03 stays in the dip sample: nothing recorded." in notified
        assert list(pilot.app.workspace.session.sampled) == ["C03"]
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        await typed(pilot, *"Transferred out", "enter")
        await until(pilot, lambda: any("withdrawn from the dip sample" in m for m in notified))
        assert "C03 withdrawn from the dip sample (u takes it back until saved)." in notified
        assert "C03◎" not in line_with(screen_text(pilot.app), "Yes/rel")
        assert "QA" not in status(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not pilot.app.workspace.session.dirty)
    entries = load(stockton).inspection.dip_sample
    assert [(e.case, e.method, e.withdrawn, e.reason, e.by) for e in entries] == [
        ("C03", "chosen by hand", False, None, "qa"),
        ("C03", None, True, "Transferred out", "qa"),
    ]


async def test_the_sample_filter_and_the_glyph_read_without_colour(stockton, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    sample(stockton, "C02", "C04", "O01")
    async with open_app(stockton, user="qa").run_test(size=(80, 24)) as pilot:
        header = line_with(screen_text(pilot.app), "Yes/rel")
        assert "C02◎" in header and "C04◎" in header and "C01 " in header
        await pilot.press("D")
        await pilot.pause()
        grid = pilot.app.screen.query_one(CaseGrid)
        assert [c.id for c in grid.cases] == ["C02", "C04"]
        assert "Only: cases in the dip sample" in screen_text(pilot.app)
        await pilot.press("D")
        await pilot.pause()
        assert len(grid.cases) == 8


async def test_the_header_follows_the_reviews_by_assessor(stockton):
    with_people(stockton)
    sample(stockton, "C01", "C02", "C04")
    async with open_app(stockton, user="qa").run_test(size=(120, 40)) as pilot:
        assert "QA 0 of 3 reviewed · ak 0/2 · jb 0/1" in status(pilot)
        session = pilot.app.workspace.session
        questions = [kq.id for s in session.standards.values() if s.sample == "court" for kq in s.key_questions]
        for question in questions:
            await review(pilot, question, "C02")
        assert "QA 1 of 3 reviewed · ak 0/2 · jb 1/1" in status(pilot)


async def test_m_names_its_case_and_a_mark_beside_the_answer_just_given_cannot_be_missed(stockton):
    notified = Notified()
    async with open_app(stockton).run_test(size=(120, 40), message_hook=notified) as pilot:
        await go_to(pilot, "2.2.2", "C04")
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        await typed(pilot, *"Contingency plan missing", "enter")
        await until(pilot, lambda: not isinstance(pilot.app.screen, AskText))
        assert pilot.app.screen.query_one(CaseGrid).current_case.id == "C05"  # the cursor moved on
        await pilot.press("m")
        await pilot.pause()
        assert "C05 marked moderated, NOT C04, the case you just answered: u takes the mark back." in notified
        session = pilot.app.workspace.session
        assert session.cases["C05"].moderated is not None
        await pilot.press("u")
        await pilot.pause()
        assert session.cases["C05"].moderated is None and session.answer("C04", "2.2.2").value == "yes"
        await go_to(pilot, "2.2.2", "C04")
        await pilot.press("m")
        await pilot.pause()
        assert "C04 marked moderated by jb (u takes it back)." in notified


async def test_the_panel_shows_what_a_flagged_rating_rests_on_and_goes_to_a_pivotal_case(stockton):
    with_people(stockton)
    sample(stockton, "C01", "C04")
    async with open_app(stockton, user="qa").run_test(size=(120, 40)) as pilot:
        for question in ("2.2.1", "2.2.2", "2.2.3"):
            await review(pilot, question, "C04")
        await pilot.press("P")
        await pilot.pause()
        await select(pilot, "2.2")
        text = screen_text(pilot.app)
        assert "Sub-samples: 2.2.1 8 of 8 · 2.2.2 8 of 8 · 2.2.3 8 of 8 cases relevant." in text
        assert "Rests on 3 pivotal cases (one changed answer would move the rating), 1 quality-assured" in text
        await pilot.press("enter")
        await pilot.pause()
        listed = pilot.app.screen.query_one(PivotalCases)
        assert listed.has_focus
        text = screen_text(pilot.app)
        assert "C01 (ak) 2.2.2 no → yes: Good · NOT quality-assured" in text
        assert "C04 (ak) 2.2.2 no → yes: Good · quality-assured by qa" in text
        assert "C06 (mr) 2.2.2 no → yes: Good · NOT quality-assured" in text
        assert "8 of 8 cases relevant" in line_with(text, "2.2.2 5/8 yes")  # the sub-sample beside the key question
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: not isinstance(pilot.app.screen, PanelScreen))
        grid = pilot.app.screen.query_one(CaseGrid)
        assert (grid.current_case.id, grid.current_row.question) == ("C06", "2.2.2")


async def test_esc_in_the_pivotal_list_goes_back_to_the_standards(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        await pilot.pause()
        await select(pilot, "2.2")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen.query_one(PivotalCases).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen) and pilot.app.screen.table.has_focus
        await select(pilot, "2.3")  # not flagged: no list
        await pilot.press("enter")
        await pilot.pause()
        assert not pilot.app.screen.query_one(PivotalCases).display


async def test_a_key_question_its_prompts_disagree_with_is_shown_told_and_filtered_without_colour(stockton, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    async with open_app(stockton, user="qa").run_test(size=(80, 24)) as pilot:
        await pilot.press("s")  # the out-of-court cases: O04 answered 3.2.3 no, every prompt under it yes
        await pilot.pause()
        grid = pilot.app.screen.query_one(CaseGrid)
        await go_to(pilot, "3.2.3", "O04")
        text = screen_text(pilot.app)
        assert "! 3.2.3 answered no, but every prompt answered under it is yes" in text  # beneath the grid, one line
        assert line_with(text, "3.2.3 Does").count("!") == 1  # O04's cell, and no other
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert [c.id for c in grid.cases] == ["O04"] and [r.question for r in grid.rows] == ["", "3.2.3"]
        text = screen_text(pilot.app)
        assert "Only: key questions their prompts disagree with" in text
        assert line_with(text, "3.2.3 Does").rstrip().endswith("✗ !")
        await pilot.press("p", "down", "n")  # a prompt answered no: the key question is no longer in doubt
        await pilot.pause()
        text = screen_text(pilot.app)
        assert line_with(text, "3.2.3 Does").rstrip().endswith("✗") and "answered no, but" not in text
        await pilot.press("u")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert line_with(text, "3.2.3 Does").rstrip().endswith("✗ !")
        assert "! key question 3.2.3 answered no, but every prompt answered under it is yes" in text
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "! 3.2.3 answered no, but every prompt answered under it is yes" in text
        await pilot.press("escape", "backslash")
        await pilot.pause()
        assert len(grid.cases) == 5 and "Only:" not in screen_text(pilot.app)


async def test_the_withdrawal_question_is_read_whole_at_80_columns(stockton):
    sample(stockton, "C04")
    async with open_app(stockton, user="qa").run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C04")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, AskText))
        inside = (re.search("█(.*)█", line) for line in screen_text(pilot.app).splitlines())  # the dialog's lines
        asked = " ".join(" ".join(found[1] for found in inside if found).split())
        assert "Withdraw C04 from the dip sample: why? (it stays recorded as chosen, then withdrawn)" in asked


async def test_the_panel_counts_pivotal_cases_apart_from_their_answers(stockton):
    with_people(stockton)
    async with open_app(stockton, user="qa").run_test(size=(120, 40)) as pilot:
        for question in ("2.1.1", "2.1.3"):  # both of C02's answers that 2.1 rests on
            await review(pilot, question, "C02")
        await pilot.press("P")
        await pilot.pause()
        await select(pilot, "2.1")
        text = " ".join(screen_text(pilot.app).split())
        assert (
            "Rests on 7 pivotal cases, 12 answers in all (one changed answer would move the rating), "
            "2 of those answers quality-assured" in text
        )
        await pilot.press("enter")
        await pilot.pause()
        listed = pilot.app.screen.query_one(PivotalCases)
        assert listed.option_count == 12 and len({str(listed.get_option_at_index(i).prompt)[:3] for i in range(12)}) == 7


async def test_a_case_in_the_dip_sample_and_marked_moderated_shows_its_id_and_both_marks(stockton):
    sample(stockton, "C02")
    async with open_app(stockton, user="qa").run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.1.1", "C02")
        await pilot.press("m")
        await until(pilot, lambda: "C02◎✔" in line_with(screen_text(pilot.app), "Yes/rel"))
        assert "C01 " in line_with(screen_text(pilot.app), "Yes/rel")
