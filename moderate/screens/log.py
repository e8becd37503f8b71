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

from .. import words
from ..layout import clipped
from ..model import ModerationEntry
from ..shown import shown
from ..words import change, when
from .dialogs import Detail
from .plain import plain_cell

COLUMNS = ("When", "Who", "Case", "Question", "Change", "Reason")
PADDING = 1  # a DataTable cell's padding, either side
FEWEST = 12  # the reason is given at least this much of the width, however little is left


def _values(entry: ModerationEntry) -> tuple[str, ...]:
    question = f"{entry.standard} rating" if entry.is_rating else entry.question
    return (when(entry.at), entry.by, entry.case, question, change(entry), entry.reason or "")


def _row(values: tuple[str, ...], reason_width: int) -> tuple[Text, ...]:
    """A row as shown, its reason cut with `…` to the room left (Enter shows it whole). File text as
    Text: shown as written (control characters made visible), never read as markup."""
    *firsts, reason = values
    return (*(plain_cell(value) for value in firsts), plain_cell(clipped(shown(reason), reason_width)))


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
            yield Label(words.LOG_HINT, classes="hint")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.fill()

    def on_resize(self) -> None:
        self.fill()

    @on(Input.Changed)
    def fill(self) -> None:
        wanted = {name: self.query_one(f"#{name}", Input).value.strip().casefold() for name in ("case", "question", "by")}
        table = self.query_one(DataTable)
        table.clear()
        self._shown: list[ModerationEntry] = []
        rows = []
        for entry in self.entries:
            values = {"case": entry.case, "question": entry.standard or entry.question, "by": entry.by}
            if all(want in values[name].casefold() for name, want in wanted.items() if want):
                self._shown.append(entry)
                rows.append(_values(entry))
        widths = [max([len(heading), *(len(shown(row[i])) for row in rows)]) + 2 * PADDING for i, heading in enumerate(COLUMNS)]
        room = max(FEWEST, (table.size.width or self.app.size.width - 4) - sum(widths[:-1]) - 2 * PADDING - 1)
        for row in rows:
            table.add_row(*_row(row, room))
        self.query_one(".heading", Label).update(f"Moderation log: {table.row_count} of {len(self.entries)} entries")

    @on(DataTable.RowSelected)
    def _entry_in_full(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: the entry whole, its reason unabridged."""
        entry = self._shown[event.cursor_row]
        when_, by, case, question, what, reason = _values(entry)
        self.app.push_screen(Detail(words.log_entry_heading(case, question), words.log_entry(when_, by, what, reason)))
