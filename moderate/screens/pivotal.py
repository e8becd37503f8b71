"""What a standard flagged for discretion rests on, in the ratings panel: its pivotal cases (those
whose one changed answer would move its rating, `Session.pivotal`), each saying whether it has
been quality-assured and by whom; Enter on one goes to it."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, OptionList
from textual.widgets.option_list import Option

from .. import words
from ..model import Standard
from ..session import Session
from .plain import plain


def pivotal_lines(session: Session, standard: Standard) -> list[str]:
    """For a standard flagged for discretion: the sub-sample each key question rests on, and
    how many pivotal cases (and answers) there are and how many are quality-assured."""
    result = session.ratings.standards[standard.id]
    if not result.discretion.eligible:
        return []
    size = len([c for c in session.cases.values() if c.sample == standard.sample])
    lines = [words.sub_samples(((f.id, f.relevant) for f in result.key_questions if not f.judgement), size)]
    pivotal = session.pivotal(standard.id)
    if pivotal:
        checked = session.qa_checkers()
        assured = sum(1 for p in pivotal if checked.get((p.case, p.key_question)))
        lines.append(words.pivotal_summary(len({p.case for p in pivotal}), len(pivotal), assured))
    return lines


class PivotalCases(OptionList):
    """The pivotal cases of one standard, to choose one and go to it."""

    BINDINGS = [Binding("escape", "back", "Back to the standards", id="pivotal.back")]

    class Chosen(Message):
        """Go to this case's answer to this key question."""

        def __init__(self, case: str, question: str) -> None:
            super().__init__()
            self.case = case
            self.question = question

    def show(self, session: Session, standard: Standard | None) -> bool:
        """List `standard`'s pivotal cases (none: hidden); whether there are any."""
        self.clear_options()
        pivotal = session.pivotal(standard.id) if standard is not None and standard.is_case_based else ()
        checked = session.qa_checkers() if pivotal else {}
        for p in pivotal:
            by = checked.get((p.case, p.key_question), ())
            text = words.pivotal_case(p.case, session.cases[p.case].inspector, p.key_question, p.direction, p.band.rating, by)
            self.add_option(Option(plain(text), id=f"{p.case}\t{p.key_question}"))
        self.highlighted = 0 if pivotal else None
        self.border_title = words.PIVOTAL_TITLE
        self.display = bool(pivotal)
        return bool(pivotal)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        case, question = (event.option.id or "\t").split("\t")
        self.post_message(self.Chosen(case, question))

    def action_back(self) -> None:
        self.screen.query_one(DataTable).focus()
