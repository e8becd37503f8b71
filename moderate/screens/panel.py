"""The ratings panel: every standard at a glance; discretion decided and recorded."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Digits, Label, OptionList, Static

from .. import words
from ..model import NOT_RATED, Standard
from ..rules import StandardResult, decision_options
from ..session import Session
from ..shown import shown
from .dialogs import AskText, as_typed
from .footer import FittingFooter
from .host import Host
from .messages import SessionChanged, SessionReplaced, ShowsSession, StatusChanged
from .pivotal import PivotalCases, pivotal_lines
from .undoing import undo_or_redo
from .plain import plain, plain_cell

# Every column, in the order shown: key, heading. The essential ones are always shown (in
# their short forms if they must); the others, and the full forms, as the width allows, in
# the order of UPGRADES.
COLUMNS = (
    ("standard", "Standard"),
    ("final", "Final"),
    ("score", "Score"),
    ("computed", "Computed"),
    ("panel", "Panel"),
    ("directions", words.FLAGGED),
    ("sensitivity", "Sensitivity"),
    ("lowest", "Lowest key question"),
    ("reasons", "Discretion"),
)
ESSENTIAL = ("standard", "final", "score", "computed", "panel", "directions")
# for a projector: a standard, its rating, a standing or STALE decision, its arrows
LARGE = ("standard", "final", "panel", "directions")
UPGRADES = ("computed", "sensitivity", "panel", "lowest", "reasons")  # a full form, or a column added
PADDING = 2  # a DataTable cell's padding, either side
MIN_TITLE, MAX_TITLE = 14, 34  # the title in full is in the explanation below


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def fit_columns(cells: list[dict[str, tuple[str, str]]], width: int, large: bool) -> dict[str, tuple[int, bool]]:
    """Which columns are shown in `width` cells: {key: (width, short form?)}, in COLUMNS' order.

    The essential columns always, short, with the standard's title cut if it must be; then each
    of UPGRADES while it fits, the reasons, last, cut to the room left.
    """
    headings = dict(COLUMNS)

    def natural(key: str, short: bool) -> int:
        return max([len(headings[key]), *(len(c[key][short]) for c in cells)])

    chosen = {
        key: (natural(key, key not in ("standard", "final")), key not in ("standard", "final"))
        for key in (LARGE if large else ESSENTIAL)
    }
    if not large:
        chosen["standard"] = (min(MAX_TITLE, chosen["standard"][0]), False)
    used = sum(w + PADDING for w, _ in chosen.values())
    if used > width:
        title = max(MIN_TITLE, chosen["standard"][0] - (used - width))
        used -= chosen["standard"][0] - title
        chosen["standard"] = (title, False)
    if used > width:  # 60 columns: "RI" for "Requires improvement"
        short = natural("final", True)
        used -= chosen["final"][0] - short
        chosen["final"] = (short, True)
    for key in () if large else UPGRADES:
        wanted = natural(key, False)
        more = wanted - chosen[key][0] if key in chosen else wanted + PADDING
        if used + more <= width:
            chosen[key] = (wanted, False)
            used += more
        elif key == "reasons" and width - used - PADDING >= 16:
            chosen[key] = (width - used - PADDING, False)
            used = width
    return {key: chosen[key] for key, _ in COLUMNS if key in chosen}


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
            yield Label(plain(self.heading), classes="heading")
            options = OptionList(*self.choices)
            if self.current in self.choices:
                options.highlighted = self.choices.index(self.current)
            yield options

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])


@dataclass
class PanelView:
    """How the panel is shown, kept from one opening to the next: eligible standards only (e), large (b)."""

    eligible_only: bool = False
    large: bool = False


class PanelScreen(Screen[tuple[str, str] | None], ShowsSession):
    """The lead inspector's ratings panel: every standard's rating in a table fitted to the
    width (or large, for a projector), the highlighted one explained in full beneath, and
    discretion decided (raise, lower, keep, with a reason) or a judgement standard rated.
    Dismissed with a (case, key question) to go to, when one of its pivotal cases is chosen."""

    WIDGETS_WITH_KEYS = (PivotalCases,)  # their keys are active with this screen's: a keymap is checked so
    BINDINGS = [
        # No letter decides: j and k move, as in vim and less, and = keeps (as = agrees in the grid).
        # The keys that ask for a reason, as typed: the reason typed at once after them is the dialog's.
        *as_typed(
            [
                Binding("plus", "decide(1)", "Raise", id="panel.raise"),
                Binding("minus", "decide(-1)", "Lower", id="panel.lower"),
                Binding("equals_sign", "decide(0)", "Keep", id="panel.keep"),
            ]
        ),
        Binding("j", "move(1)", "Down", show=False, id="panel.down"),
        Binding("k", "move(-1)", "Up", show=False, id="panel.up"),
        *as_typed([Binding("r", "rate", "Rate", id="panel.rate")]),
        Binding("u,ctrl+z", "undo", "Undo", id="panel.undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, id="panel.redo"),
        Binding("e", "eligible", "Eligible only", show=False, id="panel.eligible"),
        Binding("b", "presentation", "Large", show=False, id="panel.presentation"),
        Binding("escape,P", "app.pop_screen", "Back", id="panel.back"),
    ]

    def __init__(self, host: Host, view: PanelView | None = None) -> None:
        """`view`: how it was shown last (eligible standards only, large), kept by whoever opens it."""
        super().__init__()
        self.host = host
        self.opened: str | None = None  # the standard whose key questions and cases are shown below
        self.view = view if view is not None else PanelView()

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="overall")
        yield Digits(id="score")
        yield DataTable(id="panel", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="explain-scroll"):
            yield PivotalCases(id="pivotal")  # above the explanation: in view as soon as it is opened
            yield Static(id="explain")
        yield FittingFooter()

    @property
    def session(self) -> Session:
        return self.host.session

    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one(DataTable)

    def on_mount(self) -> None:
        self.set_class(self.view.large, "-presentation")
        self.rebuild()
        self.table.focus()

    def on_resize(self) -> None:
        self.rebuild()

    @on(SessionChanged)
    def _session_changed(self, event: SessionChanged) -> None:
        if event.changed.standards:  # a standard's rating, flags or decision, and so the overall score
            self.rebuild()
        else:
            self.refresh_status()

    @on(SessionReplaced)
    def _session_replaced(self) -> None:
        self.rebuild()

    @on(StatusChanged)
    def _status_changed(self) -> None:
        self.refresh_status()

    def rebuild(self) -> None:
        """Redraw every standard from the session's ratings (a dozen rows: cheap, and only on change),
        in the columns the width has room for."""
        table = self.table
        keep = self._selected()
        standards = list(self.session.standards.values())
        rows: list[tuple[str, Text | dict[str, tuple[str, str]]]] = []
        domain = None
        for standard in [s for s in standards if s.counts] + [s for s in standards if not s.counts]:
            result = self.session.ratings.standards[standard.id]
            if self.view.eligible_only and not result.discretion.eligible:
                continue
            if standard.domain != domain:
                domain = standard.domain
                label = domain + ("  (does not count toward the overall)" if not standard.counts else "")
                rows.append((f"domain:{domain}:{standard.counts}", plain_cell(label, "bold")))
            rows.append((standard.id, self._cells(standard, result)))
        cells = [c for _, c in rows if isinstance(c, dict)]
        width = (self.size.width or self.app.size.width) - 2  # the scroll bar, and a cell to spare
        columns = fit_columns(cells, width, self.view.large) if cells else {}
        table.clear(columns=True)
        for key, (size, _) in columns.items():
            table.add_column(dict(COLUMNS)[key], key=key, width=size)
        for key, row in rows:
            if isinstance(row, Text):
                table.add_row(row, *[""] * (len(columns) - 1), key=key)
            else:
                table.add_row(
                    *(Text(_fit(row[k][short], size)) for k, (size, short) in columns.items()),
                    key=key,
                    height=2 if self.view.large else 1,
                )
        keys = [key for key, _ in rows]
        table.move_cursor(row=keys.index(keep.id) if keep and keep.id in keys else min(1, len(keys) - 1))
        overall = self.session.ratings.overall
        self.query_one("#overall", Static).update(f"Overall  {overall.score}/{overall.max}  {words.overall(overall)}")
        self.query_one("#score", Digits).update(f"{overall.score}/{overall.max}")
        self.refresh_status()
        self.explain()

    def refresh_status(self) -> None:
        self.query_one("#status", Static).update(plain(self.host.status()), layout=False)

    def _cells(self, standard: Standard, result: StandardResult) -> dict[str, tuple[str, str]]:
        """Each column's (full, short) text for one standard."""
        framework = self.session.framework
        title = shown(f"{standard.id} {standard.title}")  # file text: every cell is shown, never markup
        final = words.rating(result)
        score = str(result.final.score) if result.final and standard.counts else ""
        if standard.is_judgement:
            return {
                "standard": (title, title),
                "final": (final, words.short_band(final)),
                "score": (score, score),
                "computed": ("", ""),
                "panel": ("", ""),
                "directions": ("", ""),
                "sensitivity": ("", ""),
                "lowest": ("", ""),
                "reasons": ("", ""),
            }
        lowest = next((f for f in result.key_questions if f.id in result.lowest), None)
        lowest_text = f"{lowest.id}  {lowest.yes}/{lowest.relevant}  {words.percent(lowest)}" if lowest else "-"
        flag = result.discretion
        reasons = words.reasons(flag, framework)
        sensitive = words.sensitivity_short(result.sensitivity)  # in full below the table
        panel, short_panel = words.decision(result)
        computed = words.band_name(result.computed)
        differs = computed if result.computed != result.final or result.stale else ""  # only when it differs
        return {
            "standard": (title, title),
            "final": (final, words.short_band(final)),
            "score": (score, score),
            "computed": (differs, words.short_band(differs)),
            "panel": (shown(panel), short_panel),
            "directions": (f"{words.FLAGGED} {words.directions(flag)}" if flag.eligible else "",) * 2,
            "sensitivity": (sensitive, sensitive),
            "lowest": (shown(lowest_text), shown(lowest_text)),
            "reasons": (shown(reasons), shown(reasons)),
        }

    def _selected(self) -> Standard | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.session.standards.get(key or "")

    @on(DataTable.RowHighlighted)
    def explain(self) -> None:
        """The highlighted standard in full: why it is rated so, what the panel may do, and, once
        opened, its key questions and the cases behind each percentage."""
        standard = self._selected()
        if standard is None:
            self.query_one("#explain", Static).update("")
            return
        result = self.session.ratings.standards[standard.id]
        framework = self.session.framework
        lines = [plain_cell(f"{standard.id} {standard.title}: {words.rating(result)}", "bold")]
        if result.computed and result.computed != result.final:
            lines.append(plain_cell(f"Computed from the answers: {result.computed.rating}."))
        moved = result.sensitivity
        if moved.up is not None or moved.down is not None:
            lines.append(plain_cell(f"Sensitivity: {words.sensitivity(moved)}."))
        if result.discretion.eligible:
            lines.append(
                plain_cell(
                    f"Eligible for discretion {words.discretion(result.discretion, framework)}. "
                    "Raise (+), lower (-) or keep (=), with a reason."
                )
            )
        elif standard.is_judgement:
            lines.append(plain_cell("A judgement standard: set its rating with r."))
        lines += [plain_cell(line) for line in pivotal_lines(self.session, standard)]
        if standard.statement:
            lines.append(plain_cell(standard.statement))
        if standard.guidance:
            lines += [
                plain_cell("Key questions (weighed, not rated):"),
                *(plain_cell(f"  {question}") for question in standard.guidance),
            ]
        if result.decision is not None:
            lines.append(plain_cell(words.decision_in_full(result)))
        if self.opened == standard.id:
            lines += self._key_questions(standard)
        elif standard.key_questions:
            lines.append(plain_cell("Enter: its key questions and the cases behind each percentage.", style="italic"))
        self.query_one("#explain", Static).update(Text("\n").join(lines))
        self.query_one(PivotalCases).show(self.session, standard if self.opened == standard.id else None)

    def _key_questions(self, standard: Standard) -> list[Text]:
        cases = [c.id for c in self.session.cases.values() if c.sample == standard.sample]
        lines = []
        for kq in standard.key_questions:
            figures = self.session.figures(kq.id)
            band = f" · {figures.band.rating}" if figures.band else ""
            within = words.sub_sample(figures.relevant, len(cases))
            lines.append(
                plain_cell(
                    f"{kq.id} {words.count(figures)} yes · {words.percent(figures)}{band} · {within} · {kq.text}", style="bold"
                )
            )
            by_answer: dict[str, list[str]] = {}
            for case in cases:
                answer = self.session.answers[case].get(kq.id)
                by_answer.setdefault(answer.value if answer else "unanswered", []).append(case)
            lines.append(plain_cell("   " + " · ".join(f"{answer}: {' '.join(ids)}" for answer, ids in by_answer.items())))
        return lines

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        standard = self._selected()
        if standard is not None:
            self.opened = None if self.opened == standard.id else standard.id
            self.explain()
            listed = self.query_one(PivotalCases)
            if listed.display:
                listed.focus()
                self.query_one("#explain-scroll").scroll_home(animate=False)

    @on(PivotalCases.Chosen)
    def _go_to(self, chosen: PivotalCases.Chosen) -> None:
        self.dismiss((chosen.case, chosen.question))

    def action_move(self, step: int) -> None:
        """j and k: down and up the standards, or the pivotal cases when they have the focus."""
        target = self.focused if isinstance(self.focused, PivotalCases) else self.table
        (target.action_cursor_down if step > 0 else target.action_cursor_up)()

    def action_eligible(self) -> None:
        self.view.eligible_only = not self.view.eligible_only
        self.rebuild()
        self.notify("Only the standards eligible for discretion." if self.view.eligible_only else "Every standard.")

    # Each dialog is put up as its key is handled (never from a worker, later): the keys typed after
    # it, at once over SSH, go to the dialog and never reach the panel's keys beneath it (u undoes).

    def action_decide(self, step: int) -> None:
        standard = self._selected()
        if standard is None or not standard.is_case_based:
            self.notify("Discretion applies to case-based standards only.", severity="warning")
            return
        refused = self.session.refusal("panel decision")
        if refused:
            self.notify(refused, severity="warning")
            return
        result = self.session.ratings.standards[standard.id]
        options = decision_options(result, self.session.framework)
        computed = result.computed
        if computed is None or not options:
            self.notify(f"{standard.id} has no computed rating to decide on yet.", severity="warning")
            return
        position = options.index(computed) + step
        if not 0 <= position < len(options):
            why = (
                "is not eligible for discretion"
                if not result.discretion.eligible
                else f"is a candidate for moving {' and '.join(result.discretion.directions)} only"
            )
            self.notify(f"{standard.id} {why}.", severity="warning")
            return
        rating = options[position].rating
        verb = {1: "Raise", -1: "Lower", 0: "Keep"}[step]

        def told(reason: str | None) -> None:
            if reason:
                self.host.session_changed(self.session.decide(standard.id, rating, reason.strip()))

        asked = AskText(f"{verb} {standard.id} from {computed.rating} to {rating}: why?", "The panel's reason", True)
        self.app.push_screen(asked, told)

    def action_rate(self) -> None:
        standard = self._selected()
        if standard is None or not standard.is_judgement:
            self.notify("Only judgement standards are rated directly; case-based ones are computed.", severity="warning")
            return
        refused = self.session.refusal("judgement rating")
        if refused:
            self.notify(refused, severity="warning")
            return
        choices = [b.rating for b in self.session.framework.bands] + [NOT_RATED]

        def chosen(rating: str | None) -> None:
            if rating is None or rating == standard.rating:
                return

            def told(reason: str | None) -> None:
                if reason is not None:
                    self.host.session_changed(self.session.rate_judgement(standard.id, rating, reason))

            why = f"Rate {standard.id} {rating}: why?"
            cancel = " (and leave the rating as it was)"
            self.app.push_screen(AskText(why, "Reason for the rating", self.session.reasons_required, "", cancel), told)

        self.app.push_screen(ChooseRating(f"Rating for {standard.id} {standard.title}", choices, standard.rating), chosen)

    def action_undo(self) -> None:
        undo_or_redo(self, self.host, undone=True)

    def action_redo(self) -> None:
        undo_or_redo(self, self.host, undone=False)

    def action_presentation(self) -> None:
        self.view.large = not self.view.large
        self.set_class(self.view.large, "-presentation")
        self.rebuild()
