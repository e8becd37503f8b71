"""A blind second assessment, and the reconciliation of first and second answers.

The blind screen is a whole screen, not a dialog over the grid: while it is up nothing of the
case's first answers, the figures or the flags is on the terminal, and the app opens on it again
for as long as the assessment is not finished. Reconciling changes (or reviews) the case's own
answers through the session's usual commands; the second assessment is never touched.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label, Static

from .. import words
from ..model import Answer, SecondAssessment
from ..pairs import first_answers
from ..session import Seconded
from .case_form import case_questions
from .dialogs import AskText, Choose, as_typed, reason_dialog
from .host import Host
from .messages import SessionChanged, SessionReplaced, ShowsSession, StatusChanged
from .plain import plain, plain_cell


class QuestionInFull:
    """A table of a case's questions keyed by id, and beneath it (`#question`) the one under the
    cursor in full: the table's column of words is cut short at 80 columns."""

    words: dict[str, str]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        question = str(event.row_key.value)
        assert isinstance(self, Screen)
        self.query_one("#question", Static).update(plain(f"{question} · {self.words.get(question, '')}"))


class BeginSecond(Choose):
    """A second assessment begun from the grid, which has shown the case: begin it anyway, or not."""

    BINDINGS = [
        Binding("b", "dismiss('begin')", "Begin here", id="second.begin"),
        Binding("escape", "dismiss('cancel')", "Cancel", id="second.cancel"),
    ]
    BUTTONS = (("cancel", "Cancel (esc)", "primary"), ("begin", "Begin here (b)", "default"))


class FinishSecond(Choose):
    BINDINGS = [
        Binding("f", "dismiss('finish')", "Finished", id="second.confirm"),
        Binding("escape", "dismiss('keep')", "Keep assessing", id="second.keep"),
    ]
    BUTTONS = (("finish", "Finished (f)", "primary"), ("keep", "Keep assessing (esc)", "default"))


class SecondAssessmentScreen(QuestionInFull, Screen[None], ShowsSession):
    """The user's blind second assessment of one case: its questions down the page, with only
    their own answers; `y` `n` `a` answer and move down, `x` clears, `F` finishes."""

    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", id="second.yes"),
        Binding("n", "answer('no')", "No", id="second.no"),
        Binding("a", "answer('n/a')", "N/a", id="second.na"),
        Binding("x,backspace,delete", "answer('')", "Clear", id="second.clear"),
        Binding("F", "finish", "Finished", id="second.finish"),
        Binding("escape", "stay", "Back", show=False, id="second.back"),
    ]

    def __init__(self, host: Host, case_id: str) -> None:
        super().__init__()
        self.host = host
        self.case_id = case_id
        self.words = {question: text for question, text, _ in case_questions(host.session, host.session.cases[case_id])}

    def compose(self) -> ComposeResult:
        case = self.host.session.cases[self.case_id]
        yield Label(self._status(), id="status")
        with Vertical(classes="blind"):
            yield Label(plain(words.blind_heading(words.case_heading(case), self.host.session.user)), classes="heading")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static(id="question")
            yield Label(words.BLIND_KEYS, classes="hint")

    def _status(self) -> Content:
        return plain(self.host.status(blind=True))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Question", words.SECOND_COLUMN, "Text")
        for question, text, prompt in case_questions(self.host.session, self.host.session.cases[self.case_id]):
            table.add_row(plain_cell(("  " if prompt else "") + question), self._symbol(question), plain_cell(text), key=question)
        table.focus()

    def _mine(self) -> SecondAssessment | None:
        return self.host.session.second(self.case_id)

    def _symbol(self, question: str) -> str:
        mine = self._mine()
        return words.SYMBOLS[mine.answers.get(question) if mine is not None else None]

    def action_answer(self, value: str) -> None:
        table = self.query_one(DataTable)
        question = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.host.session_changed(self.host.session.answer_second(self.case_id, question, Answer(value) if value else None))
        if value:
            table.move_cursor(row=table.cursor_row + 1)

    def action_finish(self) -> None:
        mine = self._mine()
        given = len(mine.answers) if mine is not None else 0
        asked = len(self.words)  # every question asked of the case
        heading, body = words.finish_second_question(self.case_id, given, asked)
        self.app.push_screen(FinishSecond(heading, body), self._finished)

    def _finished(self, choice: str | None) -> None:
        if choice != "finish":
            return
        self.host.session_changed(self.host.session.finish_second(self.case_id))
        left = self.host.session.blind()
        if left:  # another under way: straight on to it, the grid never shown between
            self.app.switch_screen(SecondAssessmentScreen(self.host, left[0]))
        else:
            self.dismiss()
        self.app.notify(words.second_finished(self.case_id, left[0] if left else None))

    def action_stay(self) -> None:
        self.notify(words.blind_stay(self.case_id))

    @on(SessionChanged)
    def _answered(self, event: SessionChanged) -> None:
        """An answer given or cleared redraws its own row only: this runs on every key press."""
        step = event.changed.step
        if isinstance(step, Seconded) and step.case == self.case_id and step.question is not None:
            self._show({step.question})
        else:
            self._show(None)

    @on(SessionReplaced)
    @on(StatusChanged)
    def _redraw(self) -> None:
        self._show(None)

    def _show(self, questions: set[str] | None) -> None:
        """The status and these questions' answers again (None: every question's)."""
        self.query_one("#status", Label).update(self._status())
        table = self.query_one(DataTable)
        column = table.ordered_columns[1].key
        mine = self._mine()
        answers = mine.answers if mine is not None else {}
        for row in table.ordered_rows:
            question = str(row.key.value)
            if questions is None or question in questions:
                table.update_cell(row.key, column, words.SYMBOLS[answers.get(question)])


class ReconcileScreen(QuestionInFull, ModalScreen[None], ShowsSession):
    """A case's first answers beside a finished second assessment, those that differ first. `s`
    takes the second answer (a change, with its reason), `k` keeps the first (a review), and the
    cursor goes back to the top, where the next that differs is; the second assessment itself is
    never changed."""

    BINDINGS = [
        *as_typed(  # each asks for a reason or a comment: what is typed at once after it is that
            [
                Binding("s", "take_second", "Take the second answer", id="reconcile.second"),
                Binding("k", "keep_first", "Keep the first", id="reconcile.keep"),
            ]
        ),
        Binding("escape", "dismiss", "Back to the grid", id="reconcile.close"),
    ]

    def __init__(self, host: Host, case_id: str, second: SecondAssessment) -> None:
        super().__init__()
        self.host = host
        self.case_id = case_id
        self.second = second
        self.words = {question: text for question, text, _ in case_questions(host.session, host.session.cases[case_id])}

    def compose(self) -> ComposeResult:
        case = self.host.session.cases[self.case_id]
        with Vertical(classes="dialog wide reconcile"):
            yield Label(plain(words.reconcile_heading(words.case_heading(case), self.second.by)), classes="heading")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static(id="question")
            yield Label(words.RECONCILE_KEYS, classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Question", "As given", "Now", "Second", "", "Text")
        self._fill()
        table.focus()

    def _rows(self) -> list[tuple[str, str, str | None, Answer | None, Answer, str]]:
        """(question, its words, the first answer as given, now, the second answer, how they stand), those that differ first."""
        session = self.host.session
        before = first_answers(session.snapshot())
        rows = []
        for question, text, prompt in case_questions(self.host.session, session.cases[self.case_id]):
            second = self.second.answers.get(question)
            if second is None:
                continue
            now = session.answer(self.case_id, question)
            given = before.get((self.case_id, question), None if now is None else now.value)
            standing = words.reconciled(now, second, self._kept(question))
            rows.append((("  " if prompt else "") + question, text, given, now, second, standing))
        # those that differ first, then those kept, then those that agree: each in question order
        return sorted(rows, key=lambda row: (row[3] == row[4], row[5] != words.reconciled(row[3], row[4], False)))

    def _kept(self, question: str) -> bool:
        """Whether the first answer was reviewed and kept since the second assessment was finished."""
        at = self.second.finished
        return any(
            e.case == self.case_id and e.question == question and e.from_ == e.to and at is not None and e.at >= at
            for e in self.host.session.moderation
        )

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for shown, text, given, now, second, standing in self._rows():
            symbol = words.SYMBOLS
            table.add_row(
                plain_cell(shown),
                symbol[Answer(given)] if given in ("yes", "no", "n/a") else symbol[None],
                symbol[now],
                symbol[second],
                standing,
                plain_cell(text),
                key=shown.strip(),
            )

    def _question(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # Each dialog is put up as its key is handled (never from a worker, later): the keys typed after
    # it, at once over SSH, go to the dialog and never reach s or k beneath it.

    def action_take_second(self) -> None:
        question = self._question()
        if question is None:
            return
        second = self.second.answers[question]
        if self.host.session.answer(self.case_id, question) == second:
            self.notify(words.reconcile_same(self.case_id, question))
            return

        def told(reason: str | None) -> None:
            if not reason:
                self.notify(words.reconcile_unchanged(self.case_id, question))
                return
            self.host.session_changed(self.host.session.set_answer(self.case_id, question, second, reason))

        self.app.push_screen(reason_dialog(f"{self.case_id} {question} → {second.value}", True), told)

    def action_keep_first(self) -> None:
        question = self._question()
        if question is None:
            return
        answer = self.host.session.answer(self.case_id, question)
        if answer is None:
            self.notify(words.reconcile_unanswered(self.case_id, question), severity="warning")
            return

        def told(comment: str | None) -> None:
            if comment is None:
                self.notify(words.reconcile_unchanged(self.case_id, question))
                return
            self.host.session_changed(self.host.session.review(self.case_id, question, comment))

        asked = AskText(words.reconcile_keep_question(self.case_id, question, answer.value), "Why (optional)", False)
        self.app.push_screen(asked, told)

    @on(SessionChanged)
    @on(SessionReplaced)
    def _redraw(self) -> None:
        self._fill()
