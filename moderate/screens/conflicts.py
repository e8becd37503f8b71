"""The merge conflicts git left in the file (`[[merge_conflicts]]`), each settled as ours,
theirs or another answer, with a reason. Settling is the session's command (`Session.settle`):
logged like any change, journaled, undone with `u`; the conflicts leave the file on save."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static

from .. import words
from ..conflicts import Conflict
from ..session import Session
from .dialogs import AskText, as_typed
from .footer import FittingFooter
from .host import Host
from .messages import SessionChanged, SessionReplaced, ShowsSession, StatusChanged
from .panel import ChooseRating
from .undoing import undo_or_redo
from .plain import plain, plain_cell


class ConflictsScreen(Screen[None], ShowsSession):
    """Every merge conflict in the file, settled or not, and what the highlighted one needs."""

    BINDINGS = [
        *as_typed(  # each asks for a reason: what is typed at once after it is the reason
            [
                Binding("o", "settle('ours')", "Ours", id="settle.ours"),
                Binding("t", "settle('theirs')", "Theirs", id="settle.theirs"),
                Binding("e", "settle('another')", "Another", id="settle.another"),
            ]
        ),
        Binding("u,ctrl+z", "undo", "Undo", id="settle.undo"),
        Binding("escape,C", "app.pop_screen", "Back", id="settle.back"),
    ]

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="heading")  # wraps: at 80 columns it takes two lines
        yield OptionList(id="conflicts")
        yield Static(id="explain")
        yield FittingFooter()

    @property
    def session(self) -> Session:
        return self.host.session

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def on_mount(self) -> None:
        self.rebuild()
        self.options.focus()

    @on(SessionChanged)
    @on(SessionReplaced)
    @on(StatusChanged)
    def rebuild(self) -> None:
        """Every conflict again (a few lines: cheap), the highlight kept where it was."""
        session, options = self.session, self.options
        self.query_one("#status", Static).update(plain(self.host.status()), layout=False)
        conflicts, settled = session.conflicts, session.settled
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([self._line(i) for i in range(len(conflicts))])
        if conflicts:
            options.highlighted = min(highlighted or 0, len(conflicts) - 1)
        by_hand = sum(1 for i in range(len(conflicts)) if session.unsettled_why(i))
        heading = words.conflicts_heading(len(settled), len(conflicts), by_hand) if conflicts else words.NO_CONFLICTS
        self.query_one("#heading", Static).update(plain(heading))
        self._explain()

    def _line(self, i: int) -> Text:
        """A conflict in a line: whether it is settled (and to what), or settled by hand, in words
        (never by colour alone), then what it is as the file has it (file text, never markup)."""
        conflict = self.session.conflicts[i]
        mark = words.conflict_mark(self.session.settled.get(i), bool(self.session.unsettled_why(i)))
        return Text.assemble((mark, "bold"), plain_cell(str(conflict) if conflict else words.NOT_A_CONFLICT))

    @on(OptionList.OptionHighlighted)
    def _explain(self) -> None:
        i = self.options.highlighted
        text = ""
        if i is not None and i < len(self.session.conflicts):
            conflict = self.session.conflicts[i]
            settled, why = self.session.settled.get(i), self.session.unsettled_why(i)
            if settled is not None:
                text = words.conflict_settled(settled)
            elif why is not None or conflict is None:
                text = f"{why}."
            else:
                base, ours, theirs = conflict.words()
                text = words.conflict_choices(base, ours, theirs)
        self.query_one("#explain", Static).update(plain(text))

    def action_settle(self, side: str) -> None:
        """Settle the highlighted conflict: its value (asked for another), then why. Each dialog is put up
        as its key is handled, so that the keys typed after it go to it, never to the keys beneath."""
        i = self.options.highlighted
        if i is None or i >= len(self.session.conflicts):
            return
        conflict = self.session.conflicts[i]
        why = self.session.unsettled_why(i)
        if conflict is None or why is not None:
            self.notify(f"{why}.", severity="warning")
            return
        if side == "another":
            self.app.push_screen(
                ChooseRating(f"Settle {conflict} as", list(self.session.settle_values(i)), None),
                lambda value: self._ask_why(i, conflict, value),
            )
        else:
            self._ask_why(i, conflict, conflict.words()[1 if side == "ours" else 2])

    def _ask_why(self, i: int, conflict: Conflict, value: str | None) -> None:
        if value is not None:
            why = AskText(
                words.settle_why(str(conflict), value), "Reason for settling it so", True, "", " (and leave it unsettled)"
            )
            self.app.push_screen(why, lambda reason: self._settle(i, value, reason))

    def _settle(self, i: int, value: str, reason: str | None) -> None:
        if reason is None:
            return
        try:
            changed = self.session.settle(i, value, reason)
        except ValueError as refused:  # not a value it may take, or not the user's to decide
            self.notify(str(refused), severity="warning", markup=False)
            return
        self.host.session_changed(changed)
        if all(j in self.session.settled or self.session.unsettled_why(j) for j in range(len(self.session.conflicts))):
            self.notify(words.ALL_CONFLICTS_SETTLED)

    def action_undo(self) -> None:
        undo_or_redo(self, self.host, undone=True)
