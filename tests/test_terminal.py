"""The app in a real terminal: what is sent to it under NO_COLOR and in the 16-colour theme, and what a
follower attached read-only from a smaller terminal sees."""

from __future__ import annotations

import time

import pytest

from helpers.terminal import bytes_per_key, cells, Client, colour_codes, invisible, Terminal

pytestmark = pytest.mark.terminal

ANSWERS = set("✓✗–·")


@pytest.fixture
def terminal(tmp_path):
    started = []

    def start(path, width=80, height=24, **env):
        env = {"TERM": "xterm-256color", "XDG_CONFIG_HOME": str(tmp_path / "config"), **env}
        started.append(Terminal(tmp_path / "tmux.socket", path, width, height, env))
        return started[-1]

    yield start
    for t in started:
        t.close()


def reversed_text(screen: str) -> list[str]:
    """The runs of text drawn in reverse video, one string per line."""
    return [text for row in cells(screen) if (text := "".join(c.char for c in row if c.reverse).strip())]


def test_under_no_color_nothing_is_coloured_and_the_cursor_shows_in_reverse(terminal, stockton):
    t = terminal(stockton, NO_COLOR="1")
    screen = t.wait_for("Yes/rel")
    assert colour_codes(screen) == []
    assert any(set(run) & ANSWERS for run in reversed_text(screen)), "the cursor's cell is not in reverse"

    t.keys("]")  # the next standard flagged for discretion: the cursor on a standard's line
    screen = t.wait_for("Planning: Good")
    assert colour_codes(screen) == []
    assert any("2.2 Planning" in run for run in reversed_text(screen))

    t.keys("P")
    screen = t.wait_for("Overall")
    assert colour_codes(screen) == []
    assert any("Governance" in run for run in reversed_text(screen)), "the panel's cursor row is not in reverse"


def test_in_the_16_colour_theme_no_character_is_drawn_in_its_background_colour(terminal, stockton):
    t = terminal(stockton)  # no COLORTERM, as over ssh: ansi-dark
    screen = t.wait_for("Yes/rel")
    assert colour_codes(screen), "the 16-colour theme should be in colour"
    assert invisible(screen) == []
    t.keys("]")
    assert invisible(t.wait_for("Planning: Good")) == []
    t.keys("P")
    assert invisible(t.wait_for("Overall")) == []
    t.keys("?")
    assert invisible(t.wait_for("Keys here")) == []  # the keys page, over the ratings panel


def test_a_follower_on_a_smaller_terminal_sees_the_panel_whole_and_cannot_type(terminal, stockton):
    """As the README says: the lead's session sized to its smallest client; a follower attaches read-only,
    without tmux's ignore-size (which `attach -r` implies), so that its size counts."""
    stockton.chmod(0o600)
    lead = terminal(stockton, 120, 40)
    lead.wait_for("Yes/rel")
    lead.tmux("set-option", "-t", "app", "window-size", "smallest")
    leader = Client(lead, 120, 40, read_only=False)
    follower = Client(lead, 80, 24, read_only=True)
    try:
        deadline = time.monotonic() + 20
        while lead.size() != (80, 23) and time.monotonic() < deadline:  # tmux's status line below
            time.sleep(0.2)
        assert lead.size() == (80, 23)
        lead.keys("P")
        screen = lead.wait_for("Raise")  # the panel's footer: the panel is drawn
        text = lead.capture(escapes=False)
        assert all(len(line) <= 80 for line in text.splitlines())
        assert "⚑ ↑" in next(line for line in text.splitlines() if "2.2 Planning" in line)
        assert "? Keys" in text.rstrip().splitlines()[-1], text  # the footer whole
        follower.type("q")  # a follower's keys go nowhere: the panel is still there
        # Then its one command, detach: tmux reads a client's keys in order. Typed, not pasted: tmux
        # takes keys that come within a millisecond of each other for a paste, and binds none of it.
        time.sleep(0.05)
        follower.type("\x02d")
        deadline = time.monotonic() + 20
        while len(lead.tmux("list-clients").splitlines()) > 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(lead.tmux("list-clients").splitlines()) == 1, lead.tmux("list-clients")
        lead.keys("?")  # and a key after it, through the app's input in order: the q was dropped or read before it
        lead.wait_for("Keys here")
        lead.keys("?")  # the keys page closed: the panel beneath it still there
        lead.wait_for("Overall")
        assert invisible(screen) == []
    finally:
        follower.close()
        leader.close()


def test_a_toggle_writes_only_the_few_cells_it_changes(stockton, tmp_path):
    """At 80x24 a toggle repaints its cell, its key question's figures and, when they change, its
    standard's line and the score: a few short runs, not whole lines; '● unsaved' is written from
    where it comes in, after the score, not from the status line's first column."""
    stockton.chmod(0o600)  # no warning to paint
    env = {"TERM": "xterm-256color", "COLORTERM": "", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    # Down to Stockton's 2.2.1 (8/8) on C01: its first toggle (yes to no) also puts '● unsaved' in the
    # status line; the second (no to n/a: 7/7) moves only its figures, never its standard's rating.
    *_, first, second = bytes_per_key(stockton, [b"\x1b[B"] * 4 + [b" "] * 2, env)
    # the figures and the cell each only up to their last change: 156 bytes (179 when written whole)
    assert second <= 165, (first, second)
    # the first also says why 2.2.1 is in doubt beneath the grid, its lines written from where their text
    # begins: 351 bytes (383 from the detail's first column, 418 from the grid's)
    assert first <= 360, (first, second)


def test_a_cursor_move_writes_only_the_cells_it_leaves_and_reaches(stockton, tmp_path):
    """In the 16-colour theme the cursor's row looks as the others do: a move down a case's
    questions writes the two cells and the question's words beneath the grid, not the two lines
    (the words, the figures and the band of each) from their first column."""
    stockton.chmod(0o600)  # no warning to paint
    env = {"TERM": "xterm-256color", "COLORTERM": "", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    down, up = bytes_per_key(stockton, [b"\x1b[B", b"\x1b[A"], env)
    assert max(down, up) <= 240, (down, up)  # 220 and 211 bytes; 472 and 470 as whole lines


def test_a_move_and_a_toggle_show_at_once_in_the_detail_lines_and_the_figures(terminal, stockton):
    """What the terminal shows after each key, its lines repainted only in part: the question in
    full beneath the grid follows the cursor, and a toggle's new figures reach the row and the band."""
    stockton.chmod(0o600)  # no warning to paint
    t = terminal(stockton)

    def detail() -> list[str]:
        return [line.strip() for line in t.capture(escapes=False).splitlines()[-4:-1]]

    t.wait_for("Yes/rel")
    assert detail() == [
        "C01 · Referral order · inspector ak",
        "2.1.1 · Good · Does assessment sufficiently analyse how to support the child's",
        "desistance?",
    ]
    t.keys("Down")
    t.wait_for("child safe?")
    assert detail() == [
        "C01 · Referral order · inspector ak",
        "2.1.2 · Outstanding · Does assessment sufficiently analyse how to keep the",
        "child safe?",
    ]
    t.keys("Space")  # C01's yes to no: 2.1.2 from 7/8 (Outstanding) to 6/8 (Good)
    t.wait_for("unsaved")
    assert "6/8   75%  Good" in next(line for line in t.capture(escapes=False).splitlines() if "2.1.2 Does" in line)
    t.wait_for("2.1.2 · Good")
    # no against its prompts, every one yes: said first, before the question's words
    assert detail()[1:] == [
        "! 2.1.2 answered no, but every prompt answered under it is yes",
        "2.1.2 · Good · Does assessment sufficiently analyse how to keep the child",
    ]
    t.keys("Right")
    t.wait_for("C02 · ")
    assert detail()[1:] == ["2.1.2 · Good · Does assessment sufficiently analyse how to keep the child", "safe?"]
