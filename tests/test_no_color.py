"""Without colour (NO_COLOR) the cursor is in reverse video wherever it is, in a real terminal: the
grid's row and cell, the panel's row, the projector's row; and the projector keeps the panel's marks."""

from __future__ import annotations

import pytest

from helpers.app import go_to, open_app
from helpers.screen import screen_text
from helpers.terminal import cells, Terminal


@pytest.fixture
def no_color(tmp_path, stockton):
    stockton.chmod(0o600)  # no warning over the screen
    env = {"TERM": "xterm-256color", "NO_COLOR": "1", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    terminal = Terminal(tmp_path / "tmux.socket", stockton, 100, 30, env)
    yield terminal
    terminal.close()


def reversed_lines(screen: str) -> list[str]:
    """Each line's text drawn in reverse video (its runs joined by a '|' where they break)."""
    found = []
    for row in cells(screen):
        runs, run = [], ""
        for cell in row:
            if cell.reverse:
                run += cell.char
            elif run:
                runs.append(run.strip())
                run = ""
        if run:
            runs.append(run.strip())
        if any(runs):
            found.append("|".join(runs))
    return found


@pytest.mark.terminal
def test_the_grids_cursor_row_and_cell_are_in_reverse_video(no_color):
    screen = no_color.wait_for("Yes/rel")
    rows = [line for line in reversed_lines(screen) if "2.1.1" in line]
    # the question and its figures, then apart from them the cursor's cell (C01's yes)
    assert len(rows) == 1 and rows[0].startswith("2.1.1 Does assessment") and rows[0].endswith("Good|✓"), rows
    no_color.keys("Down")
    screen = no_color.wait_for("2.1.2 · ")
    assert not any("2.1.1" in line for line in reversed_lines(screen))
    assert any(line.startswith("2.1.2 Does assessment") for line in reversed_lines(screen))


@pytest.mark.terminal
def test_the_panels_and_the_projectors_cursor_row_is_in_reverse_video_and_no_other(no_color):
    no_color.wait_for("Yes/rel")
    no_color.keys("P")
    no_color.wait_for("Raise")
    no_color.keys("Down", "Down")
    screen = no_color.wait_for("1.3 Partnerships and services:")  # the explanation follows the cursor
    table = [line for line in reversed_lines(screen) if line[:2] in ("1.", "2.", "3.", "St", "Or")]
    assert table == ["1.3 Partnerships and services    Outstanding  3"], table
    no_color.keys("b")  # the projector
    screen = no_color.wait_for("Panel  ⚑")
    table = [line for line in reversed_lines(screen) if line and "Overall" not in line and "▄" not in line]
    assert [line for line in table if line.strip()] == ["1.3 Partnerships and services    Outstanding"], table


async def test_the_projector_shows_a_standing_panel_decision_and_a_stale_one(stockton):
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "b")
        await pilot.pause()
        planning = next(line for line in screen_text(pilot.app).splitlines() if "2.2 Planning" in line)
        assert "Good" in planning and " panel " in planning, planning
        await pilot.press("escape")
        await go_to(pilot, "2.2.2", "C01")
        await pilot.press("y")  # 2.2.2 to 6/8: computed Good, the panel's decision was made against RI
        await pilot.press("P", "b")
        await pilot.pause()
        planning = next(line for line in screen_text(pilot.app).splitlines() if "2.2 Planning" in line)
        assert " STALE " in planning, planning
