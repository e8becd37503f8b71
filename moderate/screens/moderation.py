"""The moderation screen: one sample's cases side by side, every answer a toggle."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import Tab, Tabs

from .. import words
from ..filters import Filters, Since, matches
from ..model import Answer, in_log
from ..shown import shown
from ..preferences import ADVANCES, chosen_advance, remember_advance, remember_place, remembered_place
from ..session import Change, Changed, Marked, ReasonRequired, Sampling, Seconded, Session
from .detail import DetailPane
from .dialogs import AskText, Detail, as_typed, reason_dialog
from .footer import FittingFooter
from .grid import KEY_QUESTION, PROMPT, STANDARD, CaseGrid
from .host import Host
from .messages import SessionChanged, SessionReplaced, ShowsSession, StatusChanged
from .repaint import Covered
from .status import StatusLine
from .undoing import said
from .plain import as_markup, plain

if TYPE_CHECKING:
    from .panel import PanelView

CYCLE = [None, Answer.YES, Answer.NO, Answer.NA]


class GoTo(Provider):
    """Every case (by id, label, inspector) and every standard and question (by id and the words of
    its text), in every sample: for `g` and the command palette."""

    def _places(self) -> list[tuple[str, str, Callable[[], None]]]:
        screen = self.screen
        if not isinstance(screen, ModerationScreen):
            return []
        session = screen.session
        samples = screen.host.loaded.inspection.samples
        places: list[tuple[str, str, Callable[[], None]]] = [
            (
                f"{c.id}  {c.label or ''}  {c.inspector or ''}".rstrip(),
                f"case · {samples.get(c.sample, c.sample)}",
                partial(screen._go, c.id),
            )
            for c in session.cases.values()
        ]
        for standard in session.standards.values():
            if standard.sample not in samples:
                continue
            places.append((f"{standard.id} {standard.title}", "standard", partial(screen._go, standard=standard.id)))
            for kq in standard.key_questions:
                places.append((f"{kq.id} {kq.text}", "key question", partial(screen._go, question=kq.id)))
                places += [(f"{p.id} {p.text}", "prompt", partial(screen._go, question=p.id)) for p in kq.prompts]
        # the palette reads these as markup: the file's text escaped, its control characters shown
        return [(as_markup(text), as_markup(kind), go) for text, kind, go in places]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.strip().casefold()
        for text, kind, go in self._places():
            exact = text.split(maxsplit=1)[0].casefold() == wanted  # an id typed in full comes first
            score = 1.0 if exact else min(matcher.match(text), 0.99)
            if score > 0:
                yield Hit(score, matcher.highlight(text), go, text=text, help=kind)

    async def discover(self) -> Hits:
        for text, kind, go in self._places():
            yield DiscoveryHit(text, go, text=text, help=kind)


class ModerationScreen(Screen[None], ShowsSession):
    """Where moderating is done: one sample's cases side by side in the grid, a key for each
    answer, and the cell under the cursor told in full beneath; the status line above.

    Every command goes to the session through the `Host`, which tells every screen what it
    changed; the panel, the log, the case form and the conflicts view open from here.
    """

    WIDGETS_WITH_KEYS = (CaseGrid,)  # their keys are active with this screen's: a keymap is checked so
    AUTO_FOCUS = "#grid"  # not the tabs first: each change of focus drew the screen again
    # The answer keys with priority, as the grid's moves: run as the key arrives, not once it has
    # bubbled up from the grid (no widget here takes text: the dialogs are screens of their own).
    # So are all the others (below).
    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", id="answer.yes", priority=True),
        Binding("n", "answer('no')", "No", id="answer.no", priority=True),
        Binding("a", "answer('n/a')", "N/a", id="answer.na", priority=True),
        Binding("space", "cycle", "Cycle", id="answer.cycle", priority=True),
        Binding("backspace,delete,x", "answer('')", "Clear", show=False, id="answer.clear", priority=True),
        Binding("Y", "answer('yes', True)", "Yes, with a reason", show=False, id="answer.yes_reason"),
        Binding("N", "answer('no', True)", "No, with a reason", show=False, id="answer.no_reason"),
        Binding("A", "answer('n/a', True)", "N/a, with a reason", show=False, id="answer.na_reason"),
        Binding("r", "reason", "Reason", show=False, id="answer.reason"),
        Binding("equals_sign", "review", "Reviewed, agreed", show=False, id="answer.review"),
        Binding("u,ctrl+z", "undo", "Undo", id="answer.undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, id="answer.redo"),
        Binding("m", "moderated", "Moderated", show=False, id="case.moderated"),
        Binding("d", "dip_sample", "Dip sample: add this case, or withdraw it", show=False, id="case.dip_sample"),
        Binding("B", "second", "Second assessment of this case, blind", show=False, id="case.second"),
        Binding("R", "reconcile", "First and second answers side by side", show=False, id="case.reconcile"),
        Binding("Q", "agreement", "Agreement of first and second assessments", show=False, id="view.agreement"),
        Binding("right_square_bracket", "flagged(1)", "Next flag", show=False, id="go.next_flagged"),
        Binding("left_square_bracket", "flagged(-1)", "Previous flag", show=False, id="go.previous_flagged"),
        Binding("full_stop", "unanswered", "Next unanswered", show=False, id="go.next_unanswered"),
        Binding("g", "go_to", "Go to a case, standard or question", show=False, id="go.case"),
        Binding("enter", "case_detail", "Case detail", show=False, id="case.detail"),
        Binding("f", "case_form", "The case's questions, one per line, to transcribe", show=False, id="case.form"),
        Binding("p", "prompts", "Prompts", show=False, id="view.prompts"),
        Binding("t", "advance_setting", "After an answer: across / down / stay", show=False, id="answer.advance"),
        Binding("s", "next_sample", "Next sample", show=False, id="view.next_sample"),
        Binding("P", "panel", "Panel", id="view.panel"),
        Binding("L", "log", "Moderation log", show=False, id="view.log"),
        Binding("C", "conflicts", "Merge conflicts", id="view.conflicts"),  # shown while the file has any
        Binding("F", "filter_flagged", "Filter: flagged standards only", show=False, id="filter.flagged"),
        Binding(
            "c",
            "filter_changed",
            "Filter: changed answers (since save / since opened / logged / off)",
            show=False,
            id="filter.changed",
        ),
        Binding("M", "filter_unmoderated", "Filter: cases not yet moderated", show=False, id="filter.unmoderated"),
        Binding("I", "filter_inspector", "Filter: this case's inspector only", show=False, id="filter.inspector"),
        Binding("D", "filter_sampled", "Filter: the dip sample's cases only", show=False, id="filter.sampled"),
        Binding(
            "exclamation_mark",
            "filter_doubtful",
            "Filter: key questions their prompts disagree with (!)",
            show=False,
            id="filter.doubtful",
        ),
        Binding(
            "slash",
            "filter_text",
            "Search: only the questions matching a text (then n, N: next, previous; Esc: n answers No again)",
            show=False,
            id="filter.text",
        ),
        Binding("backslash", "filters_off", "Filters off", show=False, id="filter.off"),
        Binding("o", "order", "Order the cases: by assessor, by their answer here, as in the file", show=False, id="view.order"),
        Binding("ctrl+c", "copy", "Copy the cell (case, question, answer), to paste", show=False, id="view.copy"),
        # After a search (/), n and N go to the next and previous match, as in less and vim, never
        # answering (answer.no gives way), until Esc or another answer: the footer says which n does.
        Binding("n", "search(1)", "Next match", id="search.next", priority=True),
        Binding("N", "search(-1)", "Previous match", show=False, id="search.previous", priority=True),
        Binding("escape", "stop_search", "Stop searching", show=False, id="search.stop"),
    ]
    # Every key as typed: a key that opens a dialog (/, N, =) left for the grid to bubble up was
    # still on its way while the keys typed after it ("/safe": s, a) reached the answers, and answered.
    BINDINGS = as_typed(BINDINGS)

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host
        self.searching = False  # after a search: n and N go to the next and previous match
        self.panel_view: PanelView | None = None  # the panel opens again as it was left (e, b)
        self._grid = CaseGrid(host.session, self.show_detail, id="grid")
        self._detail = DetailPane(id="detail")  # kept: told on every key, not looked for
        self._status_line = StatusLine(id="status")
        try:
            self.advance = chosen_advance()
        except ValueError as error:
            self.advance = ADVANCES[0]
            self.app.notify(f"{error}: the cursor moves across after an answer.", severity="warning", timeout=30)

    @property
    def session(self) -> Session:
        return self.host.session

    @on(SessionChanged)
    def _session_changed(self, event: SessionChanged) -> None:
        self.grid.redraw(event.changed)
        self.refresh_status()
        step = event.changed.step
        if isinstance(step, Seconded) and step.assessment.finished is not None:
            self._go(step.case)  # a second assessment just finished: on its column, where R reconciles it

    @on(SessionReplaced)
    def _session_replaced(self, event: SessionReplaced) -> None:
        """The file was reloaded: show the new session, marking what others changed."""
        self.grid.session = self.session
        self.grid.elsewhere = set(event.elsewhere)
        self.grid.show(self.grid.sample)
        self.refresh_status()
        self.refresh_bindings()

    @on(StatusChanged)
    def _status_changed(self) -> None:
        self.refresh_status()
        self.refresh_bindings()  # a save may have taken the last merge conflicts out of the file

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "conflicts":
            return bool(self.session.conflicts)
        if action in ("search", "stop_search"):
            return self.searching
        if action == "answer" and parameters[:1] == ("no",):
            return not self.searching  # n and N are the search's
        return True

    def compose(self) -> ComposeResult:
        # each in a container of its own lines, drawn only by the frames that repaint them (`Covered`)
        with Covered():
            yield self._status_line.edges  # beneath the line, so that '● unsaved' is written alone
            yield self._status_line
        with Covered():
            yield Tabs(
                *(
                    Tab(plain(f"{name} ({len(self.host.loaded.inspection.cases_in(sid))})"), id=f"sample-{sid}")
                    for sid, name in self.host.loaded.inspection.samples.items()
                    if any(s.sample == sid for s in self.session.standards.values())
                )
            )
        with Covered(id="grid-area"):
            yield self._grid.edges  # beneath the grid, so that a toggle writes its cells alone
            yield self._grid
        with Covered():
            yield self._detail.edges  # beneath the text, so that a line is written from where it changes
            yield self._detail
        with Covered(id="footer-area"):
            yield FittingFooter()

    @property
    def grid(self) -> CaseGrid:
        return self._grid  # kept: still there as the screen is unmounted, to say where the cursor was

    def on_mount(self) -> None:
        self.refresh_status()
        self.call_after_refresh(self._back_where_it_was)

    def _back_where_it_was(self) -> None:
        """The cursor where it was when the file was last closed, as far as the file still has it."""
        place = remembered_place(self.host.path)
        if place is None:
            return
        sample, case, question = place
        if case not in self.session.cases:
            case = ""
        try:
            owner = self.session.standard_of(question).sample if question else None
        except KeyError:  # a question the file no longer has
            question, owner = "", None
        if owner is not None and owner != sample or case and self.session.cases[case].sample != sample:
            return  # not where it was: the file has changed too much
        if sample in self.host.loaded.inspection.samples and (case or question):
            self._go(case or None, question or None)

    def on_unmount(self) -> None:
        row, case = self.grid.current_row, self.grid.current_case
        if self.grid.sample:
            remember_place(self.host.path, self.grid.sample, case.id if case else "", row.question if row else "")

    @on(Tabs.TabActivated)
    def _sample_chosen(self, event: Tabs.TabActivated) -> None:
        self.grid.show((event.tab.id or "").removeprefix("sample-"))
        self.grid.focus()

    # The screens opened from here are imported when first opened: the app starts on the grid alone.

    def action_log(self) -> None:
        from .log import LogScreen

        self.app.push_screen(LogScreen(self.session.moderation))

    def action_panel(self) -> None:
        from .panel import PanelScreen

        panel = PanelScreen(self.host, self.panel_view)
        self.panel_view = panel.view
        self.app.push_screen(panel, self._went)

    def _went(self, chosen: tuple[str, str] | None) -> None:
        """Back from the panel: to the pivotal case chosen there, if one was."""
        if chosen is not None:
            self._go(*chosen)

    def action_conflicts(self) -> None:
        from .conflicts import ConflictsScreen

        self.app.push_screen(ConflictsScreen(self.host))

    def action_next_sample(self) -> None:
        self.query_one(Tabs).action_next_tab()

    # ------------------------------------------------------------ answers

    def _cell(self) -> tuple[str, str] | None:
        row, case = self.grid.current_row, self.grid.current_case
        if row is None or case is None or row.kind == STANDARD:
            self.app.bell()
            if row is not None and row.kind == STANDARD:
                self.notify(words.on_a_standard(row.standard))
            return None
        return case.id, row.question

    def action_answer(self, value: str, with_reason: bool = False) -> None:
        cell = self._cell()
        if cell is not None:
            self._set(*cell, Answer(value) if value else None, with_reason)
            if value:  # transcribing: on to the next cell (a clear is a correction, and stays)
                self._advance()

    def _advance(self) -> None:
        """The next answer cell: across the cases, then the next question; or down the case's questions,
        then the next case. Standard rows are skipped; the last cell stays put."""
        grid, (row, column) = self.grid, self.grid.cursor
        questions = [i for i, r in enumerate(grid.rows) if r.kind != STANDARD]
        later = [i for i in questions if i > row]
        if self.advance == "across":
            if column + 1 < len(grid.cases):
                grid.move_to(row, column + 1)
            elif later:
                grid.move_to(later[0], 0)
        elif self.advance == "down":
            if later:
                grid.move_to(later[0], column)
            elif column + 1 < len(grid.cases):
                grid.move_to(questions[0], column + 1)

    def action_advance_setting(self) -> None:
        self.advance = ADVANCES[(ADVANCES.index(self.advance) + 1) % len(ADVANCES)]
        remember_advance(self.advance)
        self.notify(
            {
                "across": "After an answer the cursor moves across to the next case.",
                "down": "After an answer the cursor moves down to the case's next question.",
                "off": "After an answer the cursor stays on the cell.",
            }[self.advance]
        )

    def action_cycle(self) -> None:
        cell = self._cell()
        if cell is not None:
            current = self.session.answer(*cell)
            self._set(*cell, CYCLE[(CYCLE.index(current) + 1) % len(CYCLE)], False)

    @on(CaseGrid.CellClicked)
    def _clicked(self) -> None:
        self.action_cycle()

    def _set(self, case: str, question: str, answer: Answer | None, with_reason: bool) -> None:
        self._search(False)  # an answer ends a search: n answers No again
        if with_reason:
            self.ask_then_set(case, question, answer, required=False)
            return
        try:
            self.host.session_changed(self.session.set_answer(case, question, answer))
        except ReasonRequired:  # the inspection asks why: nothing changes until it is told
            self.ask_then_set(case, question, answer, required=True)

    # Each dialog is put up as its key is handled (never from a worker, later): the keys typed after
    # it, at once over SSH, go to the dialog and never reach the answers beneath it.

    def ask_then_set(self, case: str, question: str, answer: Answer | None, required: bool) -> None:
        """An answer given with its reason: asked first, so that a cancelled question changes nothing."""

        def told(reason: str | None) -> None:
            if reason is None:
                if required:
                    self.notify("Left as it was: this inspection requires a reason for changing an answer.", severity="warning")
                return
            self.host.session_changed(self.session.set_answer(case, question, answer, reason))

        about = f"{case} {question}: {in_log(self.session.answer(case, question))} → {in_log(answer)}"
        self.app.push_screen(reason_dialog(about, required), told)

    def ask_reason(self, change: Change) -> None:
        def told(reason: str | None) -> None:
            last = self.session.last_change
            if reason is not None and last is not None and last.entry is change.entry:
                self.host.session_changed(self.session.give_reason(reason))

        about = f"{change.case} {change.question}: {change.entry.from_} → {change.entry.to}"
        required = self.session.needs_reason(change.old)
        self.app.push_screen(reason_dialog(about, required, change.entry.reason or ""), told)

    def action_review(self) -> None:
        """Dip sampling: record that this answer was reviewed and agreed with, with an optional comment.

        Nothing is recorded until the dialog is answered with Enter: Esc leaves no review behind."""
        cell = self._cell()
        if cell is None:
            return
        answer = self.session.answer(*cell)
        if answer is None:
            self.notify("No answer to agree with yet.", severity="warning")
            return
        case, question = cell

        def told(comment: str | None) -> None:
            if comment is None:
                self.notify(f"No review recorded for {case} {question}.")
                return
            self.host.session_changed(self.session.review(case, question, comment))

        asked = AskText(f"Reviewed {case} {question}: {answer.value}, agreed. Comment?", "Comment (optional)", False)
        self.app.push_screen(asked, told)

    def action_reason(self) -> None:
        change = self.session.last_change
        if change is None:
            self.notify("No change to give a reason for yet.")
            return
        self.ask_reason(change)

    def action_undo(self) -> None:
        self._show(self.session.undo(), undone=True)

    def action_redo(self) -> None:
        self._show(self.session.redo(), undone=False)

    def _show(self, changed: Changed, undone: bool) -> None:
        """Bring an undone or redone change into view, saying what it was."""
        step = changed.step
        self.notify(said(changed, undone))
        if step is None:
            return
        self.host.session_changed(changed)
        if isinstance(step, Change):
            self._go(step.case, step.question)
        elif isinstance(step, (Marked, Seconded)):
            self._go(step.case)
        elif isinstance(step, Sampling):
            self._go(step.entries[0].case)

    def _go(self, case_id: str | None = None, question: str | None = None, standard: str | None = None) -> None:
        """Move to a case, a question or a standard's line (or a case's cell on a question), in
        whichever sample it is, showing prompts as needed; what is not given stays as it is."""
        owner = self.session.standard_of(question) if question else self.session.standards[standard] if standard else None
        sample = owner.sample if owner else self.session.cases[case_id].sample if case_id else self.grid.sample
        if sample is not None and sample != self.grid.sample:
            self.query_one(Tabs).active = f"sample-{sample}"
            self.grid.show(sample)
        if question and not any(r.question == question for r in self.grid.rows):  # a prompt, folded away
            self.grid.show(self.grid.sample or "", show_prompts=True)
        rows, cases = self.grid.rows, self.grid.cases
        hidden = (
            (question and not any(r.question == question for r in rows))
            or (standard and not any(r.standard == standard for r in rows))
            or (case_id and not any(c.id == case_id for c in cases))
        )
        if hidden and self.grid.filters:
            self._filter()
            self.notify("Filters off: the filters hid what you went to.")
            rows = self.grid.rows
        if question:
            row = next((i for i, r in enumerate(rows) if r.question == question), None)
        else:
            row = next((i for i, r in enumerate(rows) if r.kind == STANDARD and r.standard == standard), None)
        column = next(i for i, c in enumerate(self.grid.cases) if c.id == case_id) if case_id else None
        self.grid.move_to(self.grid.cursor[0] if row is None else row, column)

    def action_moderated(self) -> None:
        case = self.grid.current_case
        if case is None:
            return
        last = self.session.last_change
        answered = last.case if last is not None else None
        self.host.session_changed(self.session.mark_moderated(case.id))
        message = words.marked(case.id, self.session.user, answered)
        elsewhere = answered is not None and answered != case.id
        if elsewhere:  # the cursor moved on after the answer: a mark on the wrong case must not pass unseen
            self.app.bell()
        self.notify(message, severity="warning" if elsewhere else "information", timeout=10 if elsewhere else 5)

    def action_dip_sample(self) -> None:
        """Add the current case to the dip sample, by hand, or withdraw it from it, saying why."""
        case = self.grid.current_case
        if case is None:
            return
        if case.id not in self.session.sampled:
            changed = self.session.choose_for_sample([case.id], None, words.BY_HAND)
            self.host.session_changed(changed)
            self.notify(words.sample_added(case.id, case.inspector))
            return

        def told(reason: str | None) -> None:
            if not reason or case.id not in self.session.sampled:
                self.notify(words.sample_kept(case.id))
                return
            self.host.session_changed(self.session.withdraw_from_sample(case.id, reason))
            self.notify(words.sample_withdrawn(case.id))

        self.app.push_screen(AskText(words.sample_withdraw_question(case.id), "Why", True), told)

    # ------------------------------------------------------------ second assessments

    def action_second(self) -> None:
        """Begin (or go back to) the user's second assessment of the current case. The grid has
        shown the case, and nothing unshows it: the dialog says so first, and how to begin blind."""
        case = self.grid.current_case
        if case is None:
            return
        mine = self.session.second(case.id)
        refused = self.session.refuses_second(case.id)
        if refused is not None or (mine is not None and mine.finished is not None):
            self.notify(refused or words.second_not_open(case.id, self.session.user, True), severity="warning")
            return
        if mine is not None:
            self.host.show_blind(case.id)
            return

        def told(choice: str | None) -> None:
            if choice == "begin":
                self.host.session_changed(self.session.begin_second(case.id))
                self.host.show_blind(case.id)

        from .second import BeginSecond

        heading, body = words.second_from_grid(case.id, self.session.user, self.host.path)
        self.app.push_screen(BeginSecond(heading, body, wide=True), told)

    def action_reconcile(self) -> None:
        case = self.grid.current_case
        if case is None:
            return
        finished = [s for s in self.session.cases[case.id].second_assessments if s.finished is not None]
        if not finished:
            self.notify(words.no_second(case.id), severity="warning")
            return
        from .second import ReconcileScreen

        self.app.push_screen(ReconcileScreen(self.host, case.id, finished[0]))

    def action_agreement(self) -> None:
        from .agreement import AgreementScreen

        self.app.push_screen(AgreementScreen(self.host))

    # ------------------------------------------------------------ moving

    def _position(self) -> tuple[int, int, int, int]:
        """Where the cursor is in the order `]`, `[` and `.` follow: sample, standard, key question, case."""
        row, case = self.grid.current_row, self.grid.current_case
        samples = list(self.host.loaded.inspection.samples)
        where = samples.index(self.grid.sample) if self.grid.sample in samples else 0
        if row is None:
            return where, -1, -1, -1
        kqs = [kq.id for kq in self.session.standards[row.standard].key_questions]
        question = (
            -1
            if row.question is None
            else next((i for i, kq in enumerate(kqs) if row.question == kq or row.question.startswith(kq + ".")), -1)
        )
        column = (
            -1
            if row.kind == STANDARD
            else next((i for i, c in enumerate(self.grid.cases) if case is not None and c.id == case.id), -1)
        )
        return where, list(self.session.standards).index(row.standard), question, column

    def _next(self, places: list[tuple[tuple[int, int, int, int], Callable[[], None]]], step: int, what: str) -> bool:
        """Go to the next (or previous) place after the cursor, in every sample, wrapping round and saying so."""
        if not places:
            return False
        here = self._position()
        ahead = [p for p in places if (p[0] > here if step > 0 else p[0] < here)]
        if step < 0:
            ahead.reverse()
        target = ahead[0] if ahead else places[0] if step > 0 else places[-1]
        target[1]()
        if not ahead:
            self.notify(f"Wrapped round to the {'first' if step > 0 else 'last'} {what}.")
        return True

    def action_flagged(self, step: int) -> None:
        """The next (previous) standard flagged for discretion, in every sample in turn."""
        samples = list(self.host.loaded.inspection.samples)
        places: list[tuple[tuple[int, int, int, int], Callable[[], None]]] = sorted(
            (
                ((samples.index(s.sample), i, -1, -1), partial(self._go, standard=s.id))
                for i, s in enumerate(self.session.standards.values())
                if s.sample in samples and self.session.ratings.standards[s.id].discretion.eligible
            ),
            key=lambda place: place[0],
        )
        if not self._next(places, step, "standard flagged for discretion"):
            self.notify("No standard is flagged for discretion.")

    def action_unanswered(self) -> None:
        """The next key question cell with no answer, row by row, in every sample in turn."""
        inspection = self.host.loaded.inspection
        samples = list(inspection.samples)
        places: list[tuple[tuple[int, int, int, int], Callable[[], None]]] = []
        for i, standard in enumerate(self.session.standards.values()):
            if standard.sample not in samples:
                continue
            cases = inspection.cases_in(standard.sample)
            for k, kq in enumerate(standard.key_questions):
                places += [
                    ((samples.index(standard.sample), i, k, c), partial(self._go, case.id, kq.id))
                    for c, case in enumerate(cases)
                    if not kq.judgement and self.session.answer(case.id, kq.id) is None
                ]
        places.sort(key=lambda place: place[0])
        if not self._next(places, 1, "unanswered key question"):
            self.notify("Every key question in every sample is answered.")

    def action_go_to(self) -> None:
        self.app.push_screen(CommandPalette(providers=[GoTo], placeholder="Go to a case, standard or question…"))

    def action_prompts(self) -> None:
        self.grid.show(self.grid.sample, show_prompts=not self.grid.show_prompts)

    # ------------------------------------------------------------ filters

    def _filter(self, **change: Any) -> None:
        """Show the sample again through the filters so changed (the core decides what is shown)."""
        self.grid.filters = replace(self.grid.filters, **change) if change else Filters()
        self.grid.show(self.grid.sample)
        if not self.grid.rows or not self.grid.cases:
            self.notify("Nothing in this sample passes the filters (\\ turns them off).")

    def action_filter_flagged(self) -> None:
        self._filter(flagged=not self.grid.filters.flagged)

    def action_filter_changed(self) -> None:
        spans: list[Since | None] = [None, *Since]
        self._filter(changed=spans[(spans.index(self.grid.filters.changed) + 1) % len(spans)])

    def action_filter_unmoderated(self) -> None:
        self._filter(unmoderated=not self.grid.filters.unmoderated)

    def action_filter_sampled(self) -> None:
        self._filter(sampled=not self.grid.filters.sampled)

    def action_filter_doubtful(self) -> None:
        self._filter(doubtful=not self.grid.filters.doubtful)

    def action_filter_inspector(self) -> None:
        case = self.grid.current_case
        if self.grid.filters.inspector is not None or case is None:
            self._filter(inspector=None)
        elif case.inspector is None:
            self.notify(f"{case.id} has no inspector named.")
        else:
            self._filter(inspector=case.inspector)

    def action_filter_text(self) -> None:
        def chosen(text: str | None) -> None:
            if text is not None:
                self._filter(text=text.strip())
                self._search(bool(text.strip()))
                if self.searching and self.grid.rows:
                    self.action_search(1, here=True)
                    self.notify(words.SEARCHING)

        self.app.push_screen(
            AskText(
                "Show only the questions whose id or words contain:",
                "empty: every question",
                required=False,
                value=self.grid.filters.text,
            ),
            chosen,
        )

    def action_order(self) -> None:
        """The cases as in the file, then by assessor, then by their answer to the cursor's question."""
        grid, row = self.grid, self.grid.current_row
        question = row.question if row is not None and row.kind != STANDARD else None
        orders: list[str | None] = [None, "inspector", *([question] if question else [])]
        grid.order = orders[(orders.index(grid.order) + 1) % len(orders)] if grid.order in orders else None
        grid.show(grid.sample)
        self.notify(f"Cases {words.ordered(grid.order)}.")

    def action_copy(self) -> None:
        """ctrl+c: a mouse selection, as Textual copies it; else the cell under the cursor as a row of
        a table (case, question, answer), or a standard's line (standard, rating)."""
        selected = self.get_selected_text()
        if selected:
            self.app.copy_to_clipboard(selected)
            return
        row, case = self.grid.current_row, self.grid.current_case
        if row is None:
            return
        if row.kind == STANDARD:
            cells = [row.standard, words.rating(self.session.ratings.standards[row.standard])]
        elif case is not None:
            cells = [case.id, row.question, in_log(self.session.answer(case.id, row.question))]
        else:
            return
        self.app.copy_to_clipboard("\t".join(cells) + "\n")
        self.notify(words.copied(" ".join(shown(cell) for cell in cells)))

    def action_filters_off(self) -> None:
        self._filter()
        self._search(False)

    def _search(self, on: bool) -> None:
        if on != self.searching:
            self.searching = on
            self.refresh_bindings()  # the footer: n Next match, or n No

    def action_search(self, step: int, here: bool = False) -> None:
        """The next (previous) question whose id or words match the search, wrapping round and saying so;
        `here`: the cursor's own question, if it matches."""
        text, grid = self.grid.filters.text, self.grid
        found = [
            i
            for i, row in enumerate(grid.rows)
            if row.kind != STANDARD
            and matches(row.question, self.session.standards[row.standard].question(row.question).text, text)
        ]
        if not found:
            return
        row = grid.cursor[0]
        ahead = [i for i in found if (i >= row if here else i > row)] if step > 0 else [i for i in found if i < row][::-1]
        if not ahead:
            self.notify(words.search_wrapped(step))
        grid.move_to(ahead[0] if ahead else found[0] if step > 0 else found[-1])

    def action_stop_search(self) -> None:
        self._search(False)
        self.notify(words.SEARCH_OVER)

    def action_case_form(self) -> None:
        case = self.grid.current_case
        if case is not None:
            from .case_form import CaseForm

            self.app.push_screen(CaseForm(self.host, case.id))

    def action_case_detail(self) -> None:
        case = self.grid.current_case
        if case is None:
            return
        case = self.session.cases[case.id]
        lines = [f"Label: {case.label or '-'}", f"Inspector: {case.inspector or '-'}"]
        if case.moderated:
            lines.append(f"Moderated by {case.moderated.by} at {words.when(case.moderated.at, zone=False)}")
        if case.oversight is not None:
            lines.append(f"Management oversight sufficient: {case.oversight}")
        if case.interviewed is not None:
            lines.append(f"Case manager interviewed: {'yes' if case.interviewed else 'no'}")
        if case.notes:
            lines += ["Notes:", *(f"  {line}" for line in case.notes.splitlines())]
        answers = self.session.answers[case.id]
        given = sum(1 for q in answers)
        lines.append(f"Answers given: {given}")
        doubts = self.session.doubts(case.id)
        if doubts:
            lines += ["", words.DOUBTS_IN_CASE, *(f"  {words.doubt_shown(q, p)}" for q, p in doubts.items())]
        lines += ["", "Moderation history:"]
        history = [e for e in self.session.moderation if e.case == case.id]
        for e in history:
            reason = f"  — {e.reason}" if e.reason else ""
            lines.append(f"  {words.when(e.at)} {e.by}: {e.question} {words.change(e)}{reason}")
        if not history:
            lines.append("  none")
        self.app.push_screen(Detail(f"Case {case.id}", "\n".join(lines)))

    # ------------------------------------------------------------ status

    def refresh_status(self) -> None:
        # repainted only where it reads differently, from the score's end when that stays
        self._status_line.show(self.host.status(), steady=words.status_head(self.session.ratings.overall))
        self.show_detail()

    def show_detail(self) -> None:
        grid = self.grid
        row, case = grid.current_row, grid.current_case
        lines = []
        # a standard's line is no case's: its three lines go to its rating and why the panel may move it
        if case is not None and not (row is not None and row.kind == STANDARD):
            case = self.session.cases[case.id]
            moderated = f" · moderated by {case.moderated.by}" if case.moderated else ""
            chosen = self.session.sampled.get(case.id)
            sampled = f" · {words.in_dip_sample(chosen.method, chosen.by)}" if chosen else ""
            lines.append(f"{words.case_heading(case)}{moderated}{sampled}")
        if row is not None:
            standard = self.session.standards[row.standard]
            result = self.session.ratings.standards[standard.id]
            if row.kind == STANDARD:
                lines.append(
                    f"{standard.id} {standard.title}: {words.rating(result)}"
                    + (f" (computed {result.computed.rating})" if result.computed and result.computed != result.final else "")
                )
                flag = result.discretion
                if flag.eligible:
                    lines.append(f"Discretion {words.discretion(flag, self.session.framework)}")
                if standard.statement:
                    lines.append(standard.statement)
            else:
                text = standard.question(row.question).text
                figures = self.session.figures(row.question)
                band = f" · {figures.band.rating}" if figures.band and row.kind == KEY_QUESTION else ""
                kind = "Prompt " if row.kind == PROMPT else ""
                doubt = self.session.doubt(case.id, row.question) if case is not None else None
                if doubt is not None:  # before the question's words, which may wrap: always in view
                    lines.append(words.doubt_shown(*doubt, of_prompt=row.kind == PROMPT))
                # its figures are on its line above; here the question in full, and its band in words
                lines.append(f"{kind}{row.question}{band} · {text}")
        self._detail.show("\n".join(lines))
