"""The moderation log: every entry (saved, then what the next save would add), filtered by
case, question or moderator as one types."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from ..model import ModerationEntry
from ..words import change, when
from .plain import plain_cell

COLUMNS = ("When", "Who", "Case", "Question", "Change", "Reason")


def _row(entry: ModerationEntry) -> tuple[Text, ...]:
    question = f"{entry.standard} rating" if entry.is_rating else entry.question
    # File text as Text: shown as written (control characters made visible), never read as markup.
    return tuple(
        plain_cell(value) for value in (when(entry.at), entry.by, entry.case, question, change(entry), entry.reason or "")
    )


class LogScreen(ModalScreen[None]):
    """All of the moderation log, or one case's, question's or moderator's part of it."""

    BINDINGS = [Binding("escape", "dismiss", "Close", id="log.close")]

    def __init__(self, entries: list[ModerationEntry], case: str = "") -> None:
        super().__init__()
        self.entries = entries
        self.case = case

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide log"):
            yield Label("Moderation log", classes="heading")
            with Horizontal(classes="filters"):
                yield Input(self.case, placeholder="case", id="case")
                yield Input(placeholder="question", id="question")
                yield Input(placeholder="moderator", id="by")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Label("type to filter · tab to move · esc to close", classes="hint")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.fill()

    @on(Input.Changed)
    def fill(self) -> None:
        wanted = {name: self.query_one(f"#{name}", Input).value.strip().casefold() for name in ("case", "question", "by")}
        table = self.query_one(DataTable)
        table.clear()
        for entry in self.entries:
            values = {"case": entry.case, "question": entry.standard or entry.question, "by": entry.by}
            if all(want in values[name].casefold() for name, want in wanted.items() if want):
                table.add_row(*_row(entry))
        self.query_one(".heading", Label).update(f"Moderation log: {table.row_count} of {len(self.entries)} entries")
