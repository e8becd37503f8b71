"""In ASCII where the terminal lacks the glyphs (TERM=linux, vt100) or the user asks (--ascii):
everything drawn reads in ASCII, every column where it was."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color

from helpers.app import line_with
from helpers.screen import screen_text
from helpers.terminal import Terminal
from moderate.screens.app import ModerateApp
from moderate.screens.ascii import GLYPHS, LINES, AsciiFilter, wanted
from moderate.workspace import Opening


def test_ascii_is_wanted_where_asked_for_or_where_the_terminal_lacks_the_glyphs():
    assert wanted(False, "linux") and wanted(False, "vt100") and wanted(False, "vt220")
    assert wanted(True, "xterm-256color")
    assert not wanted(False, "xterm-256color") and not wanted(False, "screen") and not wanted(False, "tmux-256color")


def test_every_character_drawn_becomes_ascii_in_as_many_cells():
    text = "✓ ✗ – · ◆ ✔ ◎ ⚑ ↑↓ ◂ ▸ … ╸━╺ █▀▄ é Ω 漢 ⏎ ⌫" + "".join(GLYPHS) + "".join(LINES)
    [drawn] = AsciiFilter().apply([Segment(text)], Color(0, 0, 0))
    assert drawn.text.isascii() and cell_len(drawn.text) == cell_len(text)
    assert drawn.text.startswith("y n - . % # @ ! ^v < > ~ --- |-_ e ? ?? E <")


async def test_with_ascii_the_grid_reads_in_letters(stockton):
    stockton.chmod(0o600)
    app = ModerateApp(Opening.of(stockton, "jb"), theme="textual-dark", ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert text.isascii(), [c for c in text if not c.isascii()]
        assert "6/8   75%  Good    y    y    y    y    y    n    n" in line_with(text, "2.1.1 Does")
        assert "C01-C07 of 8 >" in text and "! ^v 5 percentage points" in text


@pytest.mark.terminal
@pytest.mark.parametrize("term", ["linux", "vt100"])
def test_on_the_linux_console_and_a_vt100_the_app_draws_in_ascii(term, stockton, tmp_path):
    stockton.chmod(0o600)
    terminal = Terminal(tmp_path / "tmux.socket", stockton, 80, 24, {"TERM": term})
    try:
        screen = terminal.wait_for("Yes/rel")
        text = terminal.capture(escapes=False)
        assert text.isascii(), [c for c in text if not c.isascii()]
        assert "y    y    y    y    y    n    n" in line_with(text, "2.1.1 Does")
        terminal.keys("P")
        terminal.wait_for("Raise")
        panel = terminal.capture(escapes=False)
        assert panel.isascii() and "! ^v" in line_with(panel, "2.1 Assessment"), panel
    finally:
        terminal.close()
    assert "✓" not in screen
