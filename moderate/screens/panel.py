"""The ratings panel: every standard at a glance; discretion decided and recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Label, OptionList, Static

from .. import words
from ..model import NOT_RATED, Standard
from ..rules import DOWN, UP, StandardResult, sensitivity
from ..session import Session
from .dialogs import AskText

if TYPE_CHECKING:
    from .app import ModerateApp

# What the panel decides on first, then why: the table scrolls sideways on a narrow terminal.
COLUMNS = ("Standard", "Final", "Score", "Computed", "Panel", "Lowest key question", "Firmness", "Discretion")


def _cases(n: int) -> str:
    return "one case" if n == 1 else f"{n} cases"


class ChooseRating(ModalScreen[str | None]):
    """The lead inspector's rating for a judgement standard."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="rating.cancel")]

    def __init__(self, title: str, choices: list[str], current: str | None) -> None:
        super().__init__()
        self.heading = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.heading, classes="heading")
            options = OptionList(*self.choices)
            if self.current in self.choices:
                options.highlighted = self.choices.index(self.current)
            yield options

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])


class PanelScreen(Screen[None]):
    BINDINGS = [
        Binding("plus,equals_sign", "decide(1)", "Raise", id="panel.raise"),
        Binding("minus", "decide(-1)", "Lower", id="panel.lower"),
        Binding("k", "decide(0)", "Keep", id="panel.keep"),
        Binding("r", "rate", "Rate judgement", id="panel.rate"),
        Binding("u,ctrl+z", "undo", "Undo", id="panel.undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, id="panel.redo"),
        Binding("b", "presentation", "Large", show=False, id="panel.presentation"),
        Binding("escape,P", "app.pop_screen", "Back to cases", id="panel.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="overall")
        yield DataTable(id="panel", cursor_type="row", zebra_stripes=True)
        yield Static(id="explain")
        yield Footer(compact=True)

    if TYPE_CHECKING:
        app = getters.app(ModerateApp)  # for the type checker: this screen's app is ours

    @property
    def session(self) -> Session:
        return self.app.session

    @property
    def table(self) -> DataTable[str]:
        return self.query_one(DataTable)

    def on_mount(self) -> None:
        self.rebuild()
        self.table.focus()

    def session_replaced(self, elsewhere: set[tuple[str, str]]) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Redraw every standard from the session's ratings (a dozen rows: cheap, and only on change)."""
        table = self.table
        keep = table.cursor_row
        rows: list[tuple[str, list[str]]] = []
        standards = list(self.session.standards.values())
        domain = None
        for standard in [s for s in standards if s.counts] + [s for s in standards if not s.counts]:
            if standard.domain != domain:
                domain = standard.domain
                label = domain + ("  (does not count toward the overall)" if not standard.counts else "")
                rows.append((f"domain:{domain}:{standard.counts}", [f"[b]{label}[/b]", *[""] * (len(COLUMNS) - 1)]))
            rows.append((standard.id, self._cells(standard, self.session.ratings.standards[standard.id])))
        # Columns sized to what they now hold: a DataTable does not widen them for later, wider rows.
        widths = [max(len(name), *(Text.from_markup(cells[i]).cell_len for key, cells in rows if ":" not in key))
                  for i, name in enumerate(COLUMNS)]
        table.clear(columns=True)
        for name, width in zip(COLUMNS, widths, strict=True):  # the reasons in full are below the table
            table.add_column(name, key=name, width=min(width, 44) if name == "Discretion" else width)
        for key, cells in rows:
            table.add_row(*cells, key=key)
        table.move_cursor(row=max(1, min(keep, table.row_count - 1)))  # row 0 is a domain heading
        overall = self.session.ratings.overall
        self.query_one("#overall", Static).update(f"Overall  {overall.score}/{overall.max}  {words.overall(overall)}")
        self.refresh_status()
        self.explain()

    def refresh_status(self) -> None:
        self.query_one("#status", Static).update(self.app.status(), layout=False)

    def _cells(self, standard: Standard, result: StandardResult) -> list[str]:
        framework = self.session.framework
        title = f"{standard.id} {standard.title}"
        if standard.is_judgement:
            return [title, words.rating(result), str(result.final.score) if result.final and standard.counts else "",
                    "judgement", "", "", "", ""]
        lowest = next((f for f in result.key_questions if f.id in result.lowest), None)
        lowest_text = f"{lowest.id}  {lowest.yes}/{lowest.relevant}  {words.percent(lowest)}" if lowest else "-"
        flag = result.discretion
        reasons = f"⚑ {words.directions(flag)} " + "; ".join(words.discretion_reasons(flag, framework)) if flag.eligible else ""
        firm = sensitivity(result.key_questions, result.computed, framework)
        firmness = " · ".join(part for part in (
            f"↑{firm.up} {firm.up_to.rating}" if firm.up is not None and firm.up_to else "",
            f"↓{firm.down} {firm.down_to.rating}" if firm.down is not None and firm.down_to else "") if part)
        panel = ""
        if result.decision is not None:
            decision = result.decision
            panel = (f"[reverse b]STALE[/] {decision.rating} (made against {decision.computed})" if result.stale
                     else f"{decision.rating} ({decision.by}, {decision.at:%d %b})")
        computed = result.computed.rating if result.computed else "not yet rated"
        score = str(result.final.score) if result.final and standard.counts else ""
        return [title, words.rating(result), score, computed, panel, lowest_text, firmness, reasons]

    def _selected(self) -> Standard | None:
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return self.session.standards.get(key or "")

    @on(DataTable.RowHighlighted)
    def explain(self) -> None:
        standard = self._selected() if self.table.row_count else None
        if standard is None:
            self.query_one("#explain", Static).update("")
            return
        result = self.session.ratings.standards[standard.id]
        lines = [f"{standard.id} {standard.title}: {words.rating(result)}"]
        firm = sensitivity(result.key_questions, result.computed, self.session.framework)
        if firm.up is not None or firm.down is not None:
            lines[0] += "  ·  " + "; ".join(part for part in (
                f"{_cases(firm.up)} from {firm.up_to.rating}" if firm.up is not None and firm.up_to else "",
                f"{_cases(firm.down)} from {firm.down_to.rating}" if firm.down is not None and firm.down_to else "") if part)
        if result.discretion.eligible:
            lines.append("Eligible for discretion " + words.directions(result.discretion) + ": "
                         + "; ".join(words.discretion_reasons(result.discretion, self.session.framework))
                         + ". Raise (+), lower (-) or keep (k), with a reason.")
        elif standard.is_judgement:
            lines.append("A judgement standard: set its rating with r.")
        if standard.statement:
            lines.append(standard.statement)
        if standard.guidance:
            lines += ["Key questions (weighed, not rated):", *(f"  {question}" for question in standard.guidance)]
        if result.decision is not None:
            d = result.decision
            state = "STALE: the computed rating has moved since; decide again" if result.stale else "stands"
            lines.append(f"Panel: {d.rating} against computed {d.computed}, by {d.by} at {d.at:%Y-%m-%d %H:%M} ({state})"
                         + (f". {d.reason}" if d.reason else ""))
        self.query_one("#explain", Static).update("\n".join(lines))

    @work
    async def action_decide(self, step: int) -> None:
        standard = self._selected()
        if standard is None or not standard.is_case_based:
            self.notify("Discretion applies to case-based standards only.", severity="warning")
            return
        result = self.session.ratings.standards[standard.id]
        computed = result.computed
        if computed is None:
            self.notify(f"{standard.id} has no computed rating to decide on yet.", severity="warning")
            return
        direction = {1: UP, -1: DOWN}.get(step)
        if direction and direction not in result.discretion.directions:
            why = ("is not eligible for discretion" if not result.discretion.eligible
                   else f"is a candidate for moving {' and '.join(result.discretion.directions)} only")
            self.notify(f"{standard.id} {why}.", severity="warning")
            return
        bands = self.session.framework.bands
        position = bands.index(computed) + step
        if not 0 <= position < len(bands):
            self.notify("No band beyond that one.", severity="warning")
            return
        rating = bands[position].rating
        verb = {1: "Raise", -1: "Lower", 0: "Keep"}[step]
        reason = await self.app.push_screen_wait(
            AskText(f"{verb} {standard.id} from {computed.rating} to {rating}: why?", "The panel's reason", True))
        if reason:
            self.session.decide(standard.id, rating, reason.strip())
            self.rebuild()

    @work
    async def action_rate(self) -> None:
        standard = self._selected()
        if standard is None or not standard.is_judgement:
            self.notify("Only judgement standards are rated directly; case-based ones are computed.", severity="warning")
            return
        choices = [b.rating for b in self.session.framework.bands] + [NOT_RATED]
        rating = await self.app.push_screen_wait(
            ChooseRating(f"Rating for {standard.id} {standard.title}", choices, standard.rating))
        if rating is None or rating == standard.rating:
            return
        reason = await self.app.push_screen_wait(AskText(
            f"Rate {standard.id} {rating}: why?", "Reason for the rating", self.app.reasons_required, "",
            " (and leave the rating as it was)"))
        if reason is None:
            return
        self.session.rate_judgement(standard.id, rating, reason)
        self.rebuild()

    def action_undo(self) -> None:
        self.notify("Undone." if self.session.undo() else "Nothing to undo.")
        self.rebuild()

    def action_redo(self) -> None:
        self.notify("Redone." if self.session.redo() else "Nothing to redo.")
        self.rebuild()

    def action_presentation(self) -> None:
        self.toggle_class("-presentation")
