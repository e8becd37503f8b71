"""The floor for the app's figures: the smallest Textual app that answers a key.

One Static, one binding (space) that updates it. `python bench/bare_app.py` runs it;
`bench/benchmark.py` measures it beside moderate (key press round trip in the pilot,
start to first frame and bytes per key press in a real pseudo-terminal).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class BareApp(App):
    BINDINGS = [Binding("space", "bump", "Bump")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("presses: 0", id="count")

    def action_bump(self) -> None:
        self.count += 1
        self.query_one("#count", Static).update(f"presses: {self.count}")


if __name__ == "__main__":
    BareApp().run()
