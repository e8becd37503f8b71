"""Getting answers in and finding one's way, driven through the pilot as a moderator would."""

from __future__ import annotations

import pytest

from helpers.app import open_app, select, typed
from helpers.cli import moderate
from helpers.screen import Notified, offered, screen_text, until
from moderate.screens.dialogs import AskText, ConfirmQuit, Detail
from moderate.screens.grid import CaseGrid
from moderate.screens.panel import PanelScreen


async def keep_planning(pilot) -> None:
    """On the panel, keep 2.2's computed rating (withdrawing Stockton's uplift): 32/36 becomes 31/36."""
    await pilot.press("P")
    await select(pilot, "2.2")
    await pilot.press("equals_sign")
    assert isinstance(pilot.app.screen, AskText)
    await typed(pilot, *"Keep", "enter")
    await pilot.pause()


async def test_quitting_with_only_a_panel_decision_unsaved_says_so(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await keep_planning(pilot)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmQuit)
        assert "Unsaved changes: 1 panel decision not saved." in screen_text(pilot.app)


async def test_a_panel_decision_is_undone_on_the_panel(stockton):
    async with open_app(stockton).run_test(size=(200, 40)) as pilot:
        await keep_planning(pilot)
        assert "Overall  31/36" in screen_text(pilot.app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)
        assert "Overall  32/36" in screen_text(pilot.app) and "● unsaved" not in screen_text(pilot.app)


@pytest.mark.subprocess
async def test_undoing_a_moderated_mark_back_to_the_saved_state_clears_unsaved(stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        await pilot.press("m")
        await pilot.pause()
        assert "● unsaved" in screen_text(pilot.app) and grid.cases[0].moderated is not None
        await pilot.press("y")  # an answer too: C01 2.1.1 is already yes, so this changes nothing
        await pilot.press("n", "u")
        await pilot.pause()
        assert "● unsaved" in screen_text(pilot.app)
        await pilot.press("u")
        await pilot.pause()
        assert grid.cases[0].moderated is None
        assert "● unsaved" not in screen_text(pilot.app)
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running  # nothing to ask about
    assert moderate("check", str(stockton)).returncode == 0


def blank(tmp_path, cases: str = "court=8,oocd=8"):
    path = tmp_path / "new.toml"
    assert moderate("new", str(path), "--framework", "hmip-youth-2021", "--cases", cases).returncode == 0
    return path


@pytest.mark.subprocess
async def test_typing_answers_into_a_blank_inspection_fills_one_cell_per_key(tmp_path):
    async with open_app(blank(tmp_path)).run_test(size=(120, 40)) as pilot:
        await typed(pilot, *"ynyyyyyy")
        answers = pilot.app.session.answers
        assert {case: dict(a) for case, a in answers.items() if a} == {
            f"court-{i:02}": {"2.1.1": "no" if i == 2 else "yes"} for i in range(1, 9)
        }
        # on past the last case to the next question, and past the standard's row to the next standard
        await typed(pilot, *"y" * 16)
        assert all(len(answers[f"court-{i:02}"]) == 3 for i in range(1, 9))
        await pilot.press("a")
        assert answers["court-01"]["2.2.1"] == "n/a"


@pytest.mark.subprocess
async def test_the_cursor_can_go_down_the_case_or_stay(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    async with open_app(blank(tmp_path, "court=2")).run_test(size=(120, 40)) as pilot:
        await pilot.press("t", "y", "n")
        answers = pilot.app.session.answers
        assert dict(answers["court-01"]) == {"2.1.1": "yes", "2.1.2": "no"}
        await pilot.press("t", "a", "y")
        assert answers["court-01"]["2.1.3"] == "yes"
    (tmp_path / "again").mkdir()
    async with open_app(blank(tmp_path / "again")).run_test(size=(120, 40)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        before = grid.cursor
        await pilot.press("y")
        assert grid.cursor == before  # "stay" was remembered


@pytest.mark.slow
@pytest.mark.parametrize("keys, found", [(["g", *"O03"], ("case", "O03")), (["ctrl+p", *"3.2.1"], ("question", "3.2.1"))])
async def test_g_and_the_palette_find_a_case_or_question_of_another_sample(keys, found, stockton):
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        assert grid.sample == "court"
        await typed(pilot, *keys)
        await until(pilot, lambda: offered(pilot.app, found[1]))
        await pilot.press("enter")
        await pilot.pause()
        assert grid.sample == "oocd"
        assert (found[0], grid.current_case.id if found[0] == "case" else grid.current_row.question) == found


async def test_next_flag_runs_across_samples_and_says_when_it_wraps(stockton):
    notified = Notified()
    async with open_app(stockton).run_test(size=(120, 40), message_hook=notified) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        seen = []
        for _ in range(8):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            seen.append(grid.current_row.standard)
        flagged = [s for s, r in pilot.app.session.ratings.standards.items() if r.discretion.eligible]
        assert any(s.startswith("3.") for s in seen) and set(seen) == set(flagged)
        assert "Wrapped round to the first standard flagged for discretion." in notified
        await pilot.press("left_square_bracket")
        assert grid.current_row.standard == seen[-2]


@pytest.mark.subprocess
async def test_next_unanswered_goes_on_to_the_next_sample(tmp_path):
    async with open_app(blank(tmp_path, "court=1,oocd=1")).run_test(size=(120, 40)) as pilot:
        grid = pilot.app.screen.query_one(CaseGrid)
        court = [r.question for r in grid.rows if r.kind == "key_question"]
        await typed(pilot, *"y" * len(court))
        await pilot.press("home", "full_stop")
        await pilot.pause()
        assert grid.sample == "oocd" and grid.current_row.question.startswith("3.1")


@pytest.mark.parametrize(
    "keymap, problem",
    [
        ('[keymap]\n"answer.yes" = "1"\n"answer.no = "2"\n', "line 3, column 15: TOML syntax error"),
        ('[keymap]\n"answer.yes" = 1\n', "line 2: 'answer.yes' = 1: give the keys as a string"),
        ('[keymap]\n"answer.yes" = "1"\n"answer.yse" = "2"\n', "line 3: no binding 'answer.yse'"),
        ('[keymap]\n\n"answer.yes" = "n"\n', "line 3: 'n' is the key of both 'answer.yes' and 'answer.no'"),
        ('[keymap]\nanswer.yes = "1"\n', 'line 2: answer.yes: a binding id is written in quotes, "answer.yes" = "keys"'),
    ],
)
async def test_a_broken_keymap_opens_the_app_with_the_default_keys_and_a_notice(keymap, problem, stockton, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "moderate").mkdir(parents=True)
    (tmp_path / "config" / "moderate" / "keymap.toml").write_text(keymap, encoding="utf-8")
    notices = Notified()
    async with open_app(stockton).run_test(size=(120, 40), message_hook=notices) as pilot:
        await pilot.pause()
        assert any(str(tmp_path / "config" / "moderate" / "keymap.toml") in n and problem in n for n in notices), notices
        await pilot.press("n")  # the default key still answers no
        assert pilot.app.session.answer("C01", "2.1.1").value == "no"


@pytest.mark.slow
async def test_a_sound_keymap_is_used_and_the_palette_lists_binding_ids(stockton, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "moderate").mkdir(parents=True)
    (tmp_path / "config" / "moderate" / "keymap.toml").write_text('[keymap]\n"answer.no" = "2"\n', encoding="utf-8")
    async with open_app(stockton).run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        assert pilot.app.session.answer("C01", "2.1.1").value == "no"
        await typed(pilot, "ctrl+p", *"Binding ids")
        await until(pilot, lambda: "to remap it in" in screen_text(pilot.app))  # the palette searches in a worker
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, Detail))
        ids = pilot.app.screen.body.splitlines()
        assert next(line for line in ids if line.endswith(" answer.no")).split() == ["2", "No", "answer.no"]
        assert any(line.endswith(" go.case") for line in ids)


@pytest.mark.subprocess
async def test_the_case_form_lists_one_case_down_the_page_for_transcription(tmp_path):
    async with open_app(blank(tmp_path, "court=3")).run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "f")
        await pilot.pause()
        assert "Case court-02" in screen_text(pilot.app) and "2.4.3" in screen_text(pilot.app)
        await typed(pilot, *"ynay")
        await pilot.press("escape")
        await pilot.pause()
        answers = pilot.app.session.answers["court-02"]
        assert dict(answers) == {"2.1.1": "yes", "2.1.2": "no", "2.1.3": "n/a", "2.2.1": "yes"}
        assert "✓*" in screen_text(pilot.app)
