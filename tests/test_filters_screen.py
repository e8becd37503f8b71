"""Filters in the app: each key hides what it should, says so above the cases, and off restores all."""

from __future__ import annotations

from moderate.screens.app import binding_ids
from moderate.screens.dialogs import AskText
from moderate.screens.grid import STANDARD, CaseGrid
from moderate.screens.moderation import ModerationScreen
from helpers.app import open_app, typed
from helpers.screen import offered, screen_text, until


def shown(grid: CaseGrid) -> tuple[list[str], list[str]]:
    return [r.question or r.standard for r in grid.rows], [c.id for c in grid.cases]


def on_a_shown_cell(grid: CaseGrid) -> bool:
    return grid.current_row in grid.rows and grid.current_row.kind != STANDARD and grid.current_case in grid.cases


async def test_flagged_standards_only_hides_the_others_and_says_so(stockton):
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        everything = shown(grid)
        await pilot.press("F")
        rows, cases = shown(grid)
        assert "2.3" not in rows and "2.3.1" not in rows  # 2.3 is not flagged for discretion
        assert {"2.1", "2.1.1", "2.2", "2.2.2", "2.4", "2.4.3"} <= set(rows)
        assert cases == everything[1]
        assert "Only: flagged standards" in screen_text(pilot.app)
        assert on_a_shown_cell(grid)
        await pilot.press("F")
        assert shown(grid) == everything
        assert "Only:" not in screen_text(pilot.app)


async def test_changed_answers_only_cycles_since_save_opened_and_logged(stockton):
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        everything = shown(grid)
        await pilot.press("down", "right", "right")
        case, question = grid.current_case.id, grid.current_row.question
        await pilot.press("space")  # change one answer
        grid.move_to(
            grid.rows.index(next(r for r in grid.rows if r.question == question)), [c.id for c in grid.cases].index(case)
        )
        await pilot.press("c")
        assert shown(grid) == ([pilot.app.session.standard_of(question).id, question], [case])
        assert "Only: answers changed since the last save" in screen_text(pilot.app)
        assert (grid.current_row.question, grid.current_case.id) == (question, case)
        await pilot.press("c")
        assert "answers changed since the file was opened" in screen_text(pilot.app)
        assert shown(grid)[1] == [case]
        await pilot.press("c")
        assert "answers changed in the moderation log" in screen_text(pilot.app)
        await pilot.press("c")
        assert shown(grid) == everything
        assert "Only:" not in screen_text(pilot.app)


async def test_cases_not_moderated_and_one_inspectors_cases(stockton):
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        everything = shown(grid)
        first = grid.current_case.id
        await pilot.press("m", "M")
        assert first not in shown(grid)[1] and len(shown(grid)[1]) == len(everything[1]) - 1
        assert "Only: cases not moderated" in screen_text(pilot.app)
        assert on_a_shown_cell(grid)
        await pilot.press("M")
        assert shown(grid) == everything
        inspector = grid.current_case.inspector
        await pilot.press("I")
        assert {c.inspector for c in grid.cases} == {inspector} and len(grid.cases) < len(everything[1])
        assert f"Only: inspector {inspector}" in screen_text(pilot.app)
        await pilot.press("I")
        assert shown(grid) == everything


async def test_questions_matching_a_text_and_every_filter_off_at_once(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        everything = shown(grid)
        await pilot.press("slash")
        assert isinstance(pilot.app.screen, AskText)
        await typed(pilot, *"2.4.", "enter")
        await pilot.pause()
        assert shown(grid)[0] == ["2.4", "2.4.1", "2.4.2", "2.4.3"]
        assert "Only: questions matching '2.4.'" in screen_text(pilot.app)
        assert on_a_shown_cell(grid)
        await pilot.press("F", "backslash")
        assert shown(grid) == everything
        assert "Only:" not in screen_text(pilot.app)


async def test_each_filter_is_a_key_listed_with_its_id_and_a_palette_command(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        listing = binding_ids(pilot.app.screen)
        commands = {c.title for c in pilot.app.get_system_commands(pilot.app.screen)}
        for binding in ModerationScreen.BINDINGS:
            if binding.id and binding.id.startswith("filter."):
                assert binding.id in listing and binding.description in commands
        assert sum(1 for b in ModerationScreen.BINDINGS if b.id and b.id.startswith("filter.")) == 8


async def test_going_to_what_a_filter_hides_turns_the_filters_off(stockton):
    async with open_app(stockton).run_test(size=(100, 30)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        await pilot.press("F")
        assert "2.3.2" not in shown(grid)[0]
        await typed(pilot, "g", *"2.3.2")
        await until(pilot, lambda: offered(pilot.app, "2.3.2"))
        await pilot.press("enter")
        await pilot.pause()
        assert grid.current_row.question == "2.3.2"
        assert "Only:" not in screen_text(pilot.app)
