"""One case's questions down the page, for transcribing a case assessment: one key per answer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from .. import words
from ..model import Answer, Case
from ..session import ReasonRequired, Session
from .host import Host
from .messages import SessionChanged, SessionReplaced, ShowsSession
from .plain import plain, plain_cell


def case_questions(session: Session, case: Case) -> list[tuple[str, str, bool]]:
    """The questions asked of a case, in order (key questions, each followed by its prompts):
    (id, words, whether a prompt). The form, the blind second assessment and the reconciliation
    list the same questions."""
    asked = []
    for standard in session.standards.values():
        if standard.sample == case.sample:
            for kq in standard.key_questions:
                if not kq.judgement:
                    asked += [(kq.id, kq.text, False), *((p.id, p.text, True) for p in kq.prompts)]
    return asked


class CaseForm(ModalScreen[None], ShowsSession):
    """Every question asked of one case (key questions, then their prompts), its answer beside it;
    `y` `n` `a` answer and move down, `x` clears."""

    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", id="form.yes"),
        Binding("n", "answer('no')", "No", id="form.no"),
        Binding("a", "answer('n/a')", "N/a", id="form.na"),
        Binding("x,backspace,delete", "answer('')", "Clear", id="form.clear"),
        Binding("escape,f", "dismiss", "Back to the grid", id="form.close"),
    ]

    def __init__(self, host: Host, case_id: str) -> None:
        super().__init__()
        self.host = host
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        session = self.host.session
        case = session.cases[self.case_id]
        with Vertical(classes="dialog wide"):
            yield Label(plain(f"Case {words.case_heading(case)}"), classes="heading")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Label(words.FORM_KEYS, classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Question", "Answer", "Text")
        for question, text, prompt in case_questions(self.host.session, self.host.session.cases[self.case_id]):
            table.add_row(plain_cell(("  " if prompt else "") + question), self._symbol(question), plain_cell(text), key=question)
        table.focus()

    def _symbol(self, question: str) -> str:
        return words.SYMBOLS[self.host.session.answer(self.case_id, question)]

    def action_answer(self, value: str) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        question = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        try:
            self.host.session_changed(self.host.session.set_answer(self.case_id, question, Answer(value) if value else None))
        except ReasonRequired:
            self.notify(words.FORM_REASON_REQUIRED, severity="warning")
            return
        if value:
            table.move_cursor(row=table.cursor_row + 1)

    @on(SessionChanged)
    def _session_changed(self, event: SessionChanged) -> None:
        self._show_answers({question for case, question in event.changed.cells if case == self.case_id})

    @on(SessionReplaced)
    def _session_replaced(self) -> None:
        self._show_answers(None)

    def _show_answers(self, questions: set[str] | None) -> None:
        """Show these questions' answers again (None: every question's)."""
        table = self.query_one(DataTable)
        column = table.ordered_columns[1].key
        for row in table.ordered_rows:
            question = str(row.key.value)
            if questions is None or question in questions:
                table.update_cell(question, column, self._symbol(question))
