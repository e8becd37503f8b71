"""Agreement of first and second assessments in this inspection: the coefficients with their
intervals, and bars by assessor, role and key question, lowest first, the thin ones marked.

The same lines as `moderate stats` prints: characters only, so that they read with no colour,
on a projector and at 80 columns.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from .. import words
from ..agreement_report import agreement_text
from ..coefficients import MIN_PAIRS
from ..pairs import questions_asked, tabled
from .host import Host
from .messages import SessionChanged, SessionReplaced, ShowsSession
from .plain import plain


class AgreementScreen(Screen[None], ShowsSession):
    BINDINGS = [Binding("escape,Q", "dismiss", "Back to the grid", id="agreement.close")]

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host

    def compose(self) -> ComposeResult:
        yield Label(plain(words.agreement_heading(self.host.loaded.inspection.title)), id="status")
        with VerticalScroll(id="agreement"):
            yield Static(self._lines())
        yield Label(words.AGREEMENT_KEYS, classes="hint")

    def _lines(self) -> Content:
        inspection = self.host.session.snapshot()
        return plain("\n".join(agreement_text(tabled(inspection), questions_asked(inspection), MIN_PAIRS)))

    @on(SessionChanged)
    @on(SessionReplaced)
    def _redraw(self) -> None:
        self.query_one(Static).update(self._lines())
