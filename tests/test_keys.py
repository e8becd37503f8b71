"""Keys people bring from less, vim and spreadsheets never change an answer by surprise: after a
search `n` goes to the next match; in the panel `j` and `k` move and no letter decides."""

from __future__ import annotations

import pytest

from helpers.app import go_to, line_with, open_app, select, typed
from helpers.screen import Notified, screen_text, until
from helpers.terminal import Terminal
from moderate.model import Answer
from moderate.screens.dialogs import AskText, KeysPage
from moderate.screens.grid import CaseGrid
from moderate.screens.panel import PanelScreen


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def answers(app) -> dict:
    session = app.session
    return {case: dict(session.answers[case]) for case in session.cases}


async def search(pilot, text: str) -> None:
    await pilot.press("slash")
    assert isinstance(pilot.app.screen, AskText)
    await typed(pilot, *text, "enter")
    await pilot.pause()


async def test_n_after_a_search_goes_to_the_next_match_and_never_answers(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        before = answers(pilot.app)
        await search(pilot, "safe")
        first = grid.current_row.question
        assert "safe" in pilot.app.session.standards[grid.current_row.standard].question(first).text.casefold()
        assert "n Next match" in footer(pilot.app) and "n No" not in footer(pilot.app)
        visited = [first]
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()
            visited.append(grid.current_row.question)
        await pilot.press("N")
        await pilot.pause()
        assert grid.current_row.question == visited[-2]
        assert len(set(visited)) > 1 and answers(pilot.app) == before and not pilot.app.session.dirty
        await pilot.press("escape")  # the search over: n answers No again, and the footer says so
        await pilot.pause()
        assert "n No" in footer(pilot.app)
        case, question = grid.current_case.id, grid.current_row.question
        await pilot.press("n")
        assert pilot.app.session.answer(case, question).value == "no"


async def test_an_answer_ends_a_search(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        await search(pilot, "safe")
        await pilot.press("a")  # not relevant: an answer, which ends the search
        case, question = grid.current_case.id, grid.current_row.question
        await pilot.press("n")
        assert pilot.app.session.answer(case, question).value == "no"


async def test_the_search_keys_are_listed_under_the_question_mark(stockton):
    async with open_app(stockton).run_test(size=(120, 100)) as pilot:  # tall enough for every key
        await search(pilot, "safe")
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Next match" in text and "Previous match" in text and "Stop searching" in text


async def test_in_the_panel_j_and_k_move_and_equals_keeps(stockton):
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        await pilot.press("P")
        await pilot.pause()
        table = pilot.app.screen.table
        await select(pilot, "2.2")
        row = table.cursor_row
        await pilot.press("j")
        assert table.cursor_row == row + 1
        await pilot.press("k", "k")
        assert table.cursor_row == row - 1 and isinstance(pilot.app.screen, PanelScreen)  # no decision asked
        await pilot.press("j")
        await pilot.press("equals_sign")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskText)  # keep 2.2's computed rating: why?
        await pilot.press("escape")
        await pilot.pause()
        assert not pilot.app.session.dirty


@pytest.mark.parametrize("size", [(60, 20), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_keys_page_fits_and_scrolls_to_its_last_key_at_small_sizes(stockton, size):
    async with open_app(stockton).run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, KeysPage)
        text = screen_text(pilot.app)
        assert "y Yes" in text and all(len(line) <= size[0] for line in text.splitlines())
        assert "Copy" not in text.split("y Yes")[0]  # the answers first, as the screen binds them
        await pilot.press("end")  # the page scrolls: its last key comes into view
        await pilot.pause()
        assert "palette" in screen_text(pilot.app)
        await pilot.press("question_mark")  # again: closed
        await pilot.pause()
        assert not isinstance(pilot.app.screen, KeysPage) and "y Yes" in footer(pilot.app)


async def test_an_answer_key_on_a_standards_line_says_why_nothing_happens(stockton):
    notified = Notified()
    async with open_app(stockton).run_test(size=(80, 24), message_hook=notified) as pilot:
        await pilot.press("up")  # from 2.1.1 to its standard's line
        await pilot.press("y")
        await until(pilot, lambda: notified)
        assert notified[-1].startswith("2.1 is a standard: it has no answer of its own")
        assert not pilot.app.session.dirty


async def test_the_panel_opens_again_as_it_was_left(stockton):
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        await pilot.press("P", "e", "b")
        await pilot.pause()
        shown = pilot.app.screen.table.row_count
        await pilot.press("escape", "P")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.table.row_count == shown and screen.has_class("-presentation")  # eligible only, large


async def test_reopening_a_file_puts_the_cursor_where_it_was(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("s")  # the second sample
        await go_to(pilot, "3.2.1", "O04")
        await pilot.press("q")
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = pilot.app.screen.query_one(CaseGrid)
        assert (grid.sample, grid.current_case.id, grid.current_row.question) == ("oocd", "O04", "3.2.1")


async def test_o_orders_the_cases_by_assessor_then_by_their_answer_here_keeping_the_cursors_case(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        await go_to(pilot, "2.1.1", "C06")
        inspectors = [c.inspector for c in grid.cases]
        await pilot.press("o")
        assert [c.inspector for c in grid.cases] == sorted(inspectors) and grid.current_case.id == "C06"
        assert "by assessor" in screen_text(pilot.app)
        await pilot.press("o")
        answers = [pilot.app.session.answer(c.id, "2.1.1") for c in grid.cases]
        assert answers == sorted(answers, key=[Answer.YES, Answer.NO, Answer.NA, None].index)
        assert "by answer to 2.1.1" in screen_text(pilot.app) and grid.current_case.id == "C06"
        await pilot.press("o")
        assert [c.id for c in grid.cases] == [f"C0{n}" for n in range(1, 9)] and not pilot.app.session.dirty


async def test_ctrl_c_copies_the_cell_as_a_row_to_paste_and_changes_nothing(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("ctrl+c")
        assert pilot.app.clipboard == "C01\t2.2.2\tno\n" and not pilot.app.session.dirty
        await pilot.press("up", "up")  # 2.2's own line
        await pilot.press("ctrl+c")
        assert pilot.app.clipboard == "2.2\tGood\n"


@pytest.mark.terminal
def test_in_a_real_terminal_a_click_and_n_after_a_search_change_no_answer(stockton, tmp_path):
    stockton.chmod(0o600)
    terminal = Terminal(tmp_path / "tmux.socket", stockton, 80, 24, {"TERM": "xterm-256color"})
    try:
        screen = terminal.wait_for("Yes/rel").splitlines()
        text = terminal.capture(escapes=False).splitlines()
        y = next(i for i, line in enumerate(text) if "2.1.2 Does" in line)
        x = text[next(i for i, line in enumerate(text) if "Yes/rel" in line)].index("C02") + 1
        terminal.keys("-l", f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m")  # a click, as the terminal sends it
        terminal.wait_for("C02 · Youth rehabilitation order")
        assert "unsaved" not in terminal.capture(escapes=False).splitlines()[0]
        terminal.keys("/", "safe", "Enter")
        terminal.wait_for("n Next match")
        terminal.keys("n", "n", "N")
        terminal.wait_for("Only: questions matching 'safe'")
        assert "unsaved" not in terminal.capture(escapes=False).splitlines()[0] and screen
    finally:
        terminal.close()
    assert stockton.read_bytes() == (tmp_path / "stockton.toml").read_bytes()


@pytest.mark.terminal
def test_keys_typed_at_once_after_one_that_asks_go_to_its_question_never_to_the_answers(stockton, tmp_path):
    """Over SSH what is typed arrives at once: 'N' (No, with a reason) and its reason's letters
    in one burst answer one cell, with that reason; none of the letters answers another."""
    stockton.chmod(0o600)
    terminal = Terminal(tmp_path / "tmux.socket", stockton, 80, 24, {"TERM": "xterm-256color"})
    try:
        terminal.wait_for("Yes/rel")
        before = line_with(terminal.capture(escapes=False), "2.1.2 Does")
        terminal.keys("N", "any answer", "Enter")  # the cursor on C01 2.1.1, yes
        terminal.wait_for("unsaved")
        text = terminal.capture(escapes=False)
        assert line_with(text, "2.1.1 Does").split()[-7:] == ["✗*", "✓", "✓", "✓", "✓", "✗", "✗"], text
        assert line_with(text, "2.1.2 Does") == before, text
        terminal.keys("L")
        terminal.wait_for("any answer")
    finally:
        terminal.close()


@pytest.mark.terminal
def test_a_reason_typed_at_once_after_the_panels_keep_is_the_decisions_reason(stockton, tmp_path):
    """A lead inspector typing ahead over SSH: '=' (keep), the reason and Enter in one burst keep
    2.2's computed rating with that reason. The letters reached the table beneath the dialog, and
    the Enter met it empty ("This cannot be left empty")."""
    stockton.chmod(0o600)
    terminal = Terminal(tmp_path / "tmux.socket", stockton, 100, 30, {"TERM": "xterm-256color"})
    try:
        terminal.wait_for("Yes/rel")
        terminal.keys("P")
        terminal.wait_for("Overall")
        terminal.keys(*"jjjjjj")
        terminal.wait_for("2.2 Planning: Good")
        terminal.keys("=", "Keep it", "Enter")
        terminal.wait_for("unsaved")
        text = terminal.capture(escapes=False)
        assert line_with(text, "2.2 Planning ").split()[2:5] == ["Requires", "improvement", "1"], text
        assert "(stands). Keep it" in text, text
    finally:
        terminal.close()
