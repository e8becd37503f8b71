"""The case grid: questions down the side, the cases of one sample across, every answer a cell.

Built on Textual's line API (a `ScrollView` drawing one `Strip` per line) so that a
toggle repaints the few lines it changes, not the table: a cell's line, its key
question's figures and its standard's rating. Lines are cached and dropped only when
what they show changes. The question column and the figures beside it stay put while
the cases scroll sideways, a whole case at a time; the row of case ids stays put while the
questions scroll, and says which cases are in view of how many.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Callable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .. import words
from ..filters import Filters, view
from ..layout import abbreviations, clipped
from ..model import Answer, Case
from ..rules import StandardResult, whole_percent
from ..session import Change, Changed, Session
from ..shown import shown
from .repaint import Edges, differing

STANDARD, KEY_QUESTION, PROMPT = "standard", "key_question", "prompt"
STYLE_OF = {Answer.YES: "grid--yes", Answer.NO: "grid--no", Answer.NA: "grid--na", None: "grid--unanswered"}
WIDEST_CELL = 14  # ids of up to 12 characters shown whole; longer ones abbreviated, each still its own
ANSWER_ORDER = (Answer.YES, Answer.NO, Answer.NA, None)  # cases ordered by their answer: yes first, unanswered last
AFTER_COUNT = 14  # "?" (some unanswered), " 100%", "  ", "Outst ": the figures after yes/relevant
BAND = 6  # "Outst ": a key question's band and the gap before the cells, the last of its figures
_ID = attrgetter("id")


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    standard: str
    question: str = ""  # none on a standard's line


def _clipped(segments: list[Segment], width: int) -> list[Segment]:
    """A line's segments in `width` cells: the one that overflows cut with `…`, at a word's end if near."""
    kept, used = [], 0
    for segment in segments:
        if used + len(segment.text) > width:
            kept.append(Segment(clipped(segment.text, width - used, words=True), segment.style))
            break
        kept.append(segment)
        used += len(segment.text)
    return kept


def _fit(text: str, width: int) -> str:
    return clipped(text, width).ljust(width)


class CaseGrid(ScrollView, can_focus=True):
    """One sample's questions down the side and its cases across, every answer a cell under a
    cursor moved by keys or the mouse; each standard's line carries its rating and its flags.

    Draws only what is in view, a line at a time, and `redraw` repaints only what a command
    changed; what is shown (which rows and cases) is the core's `filters.view`.
    """

    COMPONENT_CLASSES = {
        "grid--header",
        "grid--standard",
        "grid--flagged",
        "grid--stale",
        "grid--question",
        "grid--prompt",
        "grid--yes",
        "grid--no",
        "grid--na",
        "grid--unanswered",
        "grid--changed",
        "grid--doubt",
        "grid--cursor",
        "grid--cursor-row",
        "grid--band-0",
        "grid--band-1",
        "grid--band-2",
        "grid--band-3",
    }

    # Priority: a move runs as the key arrives, not once the key has been handed to the grid and
    # bubbled back up to the app (two more message hops, half a millisecond of a key's four).
    # These bind only while the grid has the focus, and nothing inside it takes keys.
    BINDINGS = [
        Binding("up,k", "move(-1, 0)", "Up", show=False, id="grid.up", priority=True),
        Binding("down,j", "move(1, 0)", "Down", show=False, id="grid.down", priority=True),
        Binding("left,h", "move(0, -1)", "Left", show=False, id="grid.left", priority=True),
        Binding("right,l", "move(0, 1)", "Right", show=False, id="grid.right", priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, id="grid.page_up", priority=True),
        Binding("pagedown", "page(1)", "Page down", show=False, id="grid.page_down", priority=True),
        Binding("home", "move(-100000, 0)", "First row", show=False, id="grid.first_row", priority=True),
        Binding("end", "move(100000, 0)", "Last row", show=False, id="grid.last_row", priority=True),
    ]

    cursor: reactive[tuple[int, int]] = reactive((0, 0), repaint=False, init=False)

    class CellClicked(Message):
        """A click on the answer cell the cursor is on: the screen cycles it."""

    def __init__(self, session: Session, moved: Callable[[], None], *, id: str | None = None) -> None:
        """`moved` is called as the cursor moves, so that what shows it is painted in the same frame."""
        super().__init__(id=id)
        self.session = session
        self.moved = moved
        self.rows: list[Row] = []
        self.cases: list[Case] = []
        self._column_of: dict[str, int] = {}  # case id -> its column among `cases`
        self._row_of: dict[tuple[bool, str], int] = {}  # (a standard's line?, its id) -> its row among `rows`
        self.show_prompts = False
        self.filters = Filters()  # what the core lets through (moderate.filters): the grid draws it
        self.order: str | None = None  # the cases as in the file; by "inspector"; or by their answer to a question
        self.elsewhere: set[tuple[str, str]] = set()  # cells another moderator changed, seen on reload
        self._reviewed: tuple[Session | None, frozenset[tuple[str, str]]] = (None, frozenset())  # counted for
        self.sample = ""  # none shown yet
        self._lines: dict[int, Strip] = {}  # row -> a question's line as it reads now, without the cursor
        self._cursor_line: tuple[tuple[int, int], Strip] | None = None  # the cursor's (row, column) and its line
        self._shown: dict[int, Strip] = {}  # row -> a question's line as last drawn: what the screen shows
        self._standard_lines: dict[int, Strip] = {}  # row -> a standard's line as it reads now
        self._standard_made: dict[int, tuple[object, ...]] = {}  # row -> what its line was last made from
        self._styles: dict[str, Style] = {}
        self._cells: dict[tuple[Answer | None, str, bool, bool, bool], list[Segment]] = {}  # a cell's look -> it
        self._label_width = 30
        self._count_width = 7  # "Yes/rel", or as wide as "2000/2000"
        self._cell_width = 5
        self._in_view = 1  # whole cases that fit beside the fixed columns
        self._places: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {}  # sample -> its cursor, scroll
        self._short: dict[int, dict[str, str]] = {}  # room -> case id -> as its column's head names it
        self.edges = Edges()  # composed beneath the grid by its screen: where each part of its lines begins

    # ------------------------------------------------------------ what is shown

    def show(self, sample: str, show_prompts: bool | None = None) -> None:
        """Show one sample's standards and cases, keeping the cursor on the same question if it can."""
        keep = self.current_row if sample == self.sample else None
        if self.sample and sample != self.sample:  # each sample keeps its own place
            self._places[self.sample] = (self.cursor, (round(self.scroll_x), round(self.scroll_y)))
        if show_prompts is not None:
            self.show_prompts = show_prompts
        self.sample = sample
        keep_case = self.current_case
        passed = view(self.session, sample, self.filters, self.show_prompts)
        self.rows = []
        for standard, questions in passed.standards:
            self.rows.append(Row(STANDARD, standard))
            self.rows += [Row(PROMPT if self.session.is_prompt(q) else KEY_QUESTION, standard, q) for q in questions]
        # where each standard's line and each question's are: a toggle repaints two or three of hundreds
        self._row_of = {(r.kind == STANDARD, r.question or r.standard): i for i, r in enumerate(self.rows)}
        cases = [self.session.cases[c] for c in passed.cases]
        self.cases = sorted(cases, key=self._order_key) if self.order else cases
        self._column_of = {c.id: i for i, c in enumerate(self.cases)}
        self._cell_width = self._wanted_cell_width()
        self._cells.clear()  # made as wide as the cells were
        self._short.clear()
        self._count_width = max(7, 2 * len(str(len(self.cases))) + 2)  # a space, and yes/relevant at its widest
        self._layout()
        first_question = next((i for i, r in enumerate(self.rows) if r.kind != STANDARD), 0)
        if keep is not None:
            ids = [c.id for c in self.cases]
            column = ids.index(keep_case.id) if keep_case and keep_case.id in ids else self.cursor[1]
            cursor, scroll = (self.rows.index(keep) if keep in self.rows else first_question, column), None
        else:
            cursor, scroll = self._places.get(sample, ((first_question, 0), (0, 0)))
        cursor = (min(cursor[0], max(0, len(self.rows) - 1)), min(cursor[1], max(0, len(self.cases) - 1)))
        if scroll is not None:
            self.scroll_to(*scroll, animate=False, force=True, immediate=True)
        if cursor == self.cursor:
            self.watch_cursor(cursor, cursor)
        self.cursor = cursor

    def _layout(self) -> None:
        """Fit the columns to the width: the question text gives way first, down to a few words."""
        width = self.scrollable_content_region.width or 80
        figures = self._count_width + AFTER_COUNT
        cell = self._cell_width
        room = width - figures - min(len(self.cases), 10) * cell
        self._label_width = max(min(22, max(12, width - figures - 3 * cell)), min(64, room))
        self._in_view = max(1, (width - self._fixed_width) // cell)
        # Room for the last case page to end on a whole case: scrolling goes a case at a time.
        spare = max(0, width - self._fixed_width - self._in_view * cell)
        cases = max(len(self.cases), self._in_view)
        self.virtual_size = Size(self._fixed_width + cases * cell + spare, len(self.rows) + 1)
        cells = range(self._fixed_width, self._fixed_width + self._in_view * cell + 1, cell)
        self.edges.place([x for x in (self._figures_part[0], self._fixed_width - BAND, *cells) if x <= width])
        self._forget()
        self._standard_lines.clear()
        self.refresh()

    def _order_key(self, case: Case) -> tuple[int, str]:
        """Where a case goes in the order chosen (ties keep the file's order: the sort is stable)."""
        if self.order == "inspector":
            return (case.inspector is None, case.inspector or "")
        answer = self.session.answers[case.id].get(self.order or "")
        return (ANSWER_ORDER.index(answer), "")

    def _marks(self, case: Case) -> str:
        """Beside a case's id: in the dip sample, marked moderated."""
        return (words.SAMPLED if case.id in self.session.sampled else "") + (words.MODERATED if case.moderated else "")

    def _wanted_cell_width(self) -> int:
        """As wide as an id and its marks (or a space), and a gap: up to WIDEST_CELL."""
        # the ids' widths at C speed, the marks of the few marked apart: the width is made on every reload
        sampled = self.session.sampled
        ids = max(map(len, map(shown, map(_ID, self.cases))), default=3) + 1
        marked = (len(shown(c.id)) + len(self._marks(c)) for c in self.cases if c.moderated or c.id in sampled)
        return max(5, min(WIDEST_CELL, max(ids, max(marked, default=0)) + 1))

    @property
    def reviewed(self) -> frozenset[tuple[str, str]]:
        """The answers whose log's last word is a review that agreed with them (`=`), counted once for a
        session and again only when a review is made or taken back, or a reviewed answer changes."""
        counted_for, cells = self._reviewed
        if counted_for is not self.session:
            last = {(e.case, e.question): e for e in self.session.moderation if e.case and e.question}
            cells = frozenset(cell for cell, entry in last.items() if entry.from_ == entry.to)
            self._reviewed = (self.session, cells)
        return cells

    def _abbreviations(self, room: int) -> dict[str, str]:
        """Each case's id in `room` characters, no two alike in the sample (kept while it is shown)."""
        made = self._short.get(room)
        if made is None:
            ids = {c.id: shown(c.id) for c in self.cases}
            short = abbreviations(list(ids.values()), room)
            made = self._short[room] = {case: short[text] for case, text in ids.items()}
        return made

    @property
    def _fixed_width(self) -> int:
        return self._label_width + self._count_width + AFTER_COUNT

    @property
    def first_in_view(self) -> int:
        """The first case wholly in view."""
        return -(-round(self.scroll_x) // self._cell_width)

    def in_view(self) -> list[str]:
        """Which cases are in view, of how many, longest first: "◂ C05–C11 of 13 ▸", then by place,
        "◂ 5–11 of 13 ▸" (for ids too long to name in the room); "13 cases" when all are in view."""
        first = self.first_in_view
        last = min(len(self.cases), first + self._in_view) - 1
        if not self.cases:
            return ["no cases"]
        if first == 0 and last == len(self.cases) - 1:
            every = words.counted(len(self.cases), "case")
            return [f"{every} {words.ordered(self.order)}", every] if self.order else [every]
        before, after = "◂ " * (first > 0), " ▸" * (last < len(self.cases) - 1)
        of = f" of {len(self.cases)}"
        named = f"{shown(self.cases[first].id)}–{shown(self.cases[last].id)}"
        hints = [before + named + of + after, f"{before}{first + 1}–{last + 1}{of}{after}"]
        return [*(f"{words.ordered(self.order)} · {h}" for h in hints), *hints] if self.order else hints

    @property
    def current_row(self) -> Row | None:
        row = self.cursor[0]
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @property
    def current_case(self) -> Case | None:
        column = self.cursor[1]
        return self.cases[column] if 0 <= column < len(self.cases) else None

    def redraw(self, changed: Changed) -> None:
        """Repaint what a command changed: the answers' cells, the questions' figures, and the
        standards' lines where they read differently now. A single answer repaints its cell and
        its figures only, not the whole line: a few dozen bytes to the terminal, not hundreds."""
        width, height = self.scrollable_content_region.size
        top = round(self.scroll_y)
        reviews = any(isinstance(step, Change) and step.old == step.new for step in changed.done)
        if reviews or changed.cells & self.reviewed:
            before = self.reviewed
            self._reviewed = (None, frozenset())
            if before != self.reviewed:
                changed = replace(changed, cells=changed.cells | (before ^ self.reviewed))  # their marks, drawn again
        cells: dict[str, list[int]] = {}  # question -> the columns of its changed cells shown
        for case, question in changed.cells | changed.doubts:  # a prompt's answer may put its key question in doubt
            if case in self._column_of:
                cells.setdefault(question, []).append(self._column_of[case])
        rows = {self._row_of.get((False, q)) for q in cells.keys() | changed.questions}
        rows |= {self._row_of.get((True, s)) for s in changed.standards}
        for i in sorted(r for r in rows if r is not None):
            row = self.rows[i]
            if row.kind == STANDARD:
                if i in self._standard_lines and self._standard_made.get(i) == self._standard_reads(i, width):
                    continue  # its rating and flags as drawn: most answers move neither
                line = self._standard_line(i, width)
                span = differing(self._standard_lines.get(i), line)
                if span is not None:
                    self._standard_lines[i] = line  # drawn once: painted from here
                    y = i + 1 - top
                    if 0 < y < height:  # only the words that changed: its rating, say, not its title
                        self.refresh(Region(span[0], y, span[1] - span[0], 1))
                continue
            spans = cells.get(row.question, [])
            self._changed_line(i)
            if len(spans) > 1:
                self.refresh_line(i + 1)
                continue
            # its figures, its band and its cell, each where it reads or looks different
            self._repaint(i, [self._figures_part, self._band_part, *self._cell_parts(spans)])
        shown = [self._column_of[c] for c in changed.cases if c in self._column_of]
        for column in shown:  # a case's moderated mark, in the header
            self.cases[column] = self.session.cases[self.cases[column].id]
        if shown and self._wanted_cell_width() != self._cell_width:
            self.show(self.sample)  # a mark more than the columns had room for
        elif shown:
            self.refresh_line(0)

    def on_resize(self) -> None:
        self._layout()
        self.call_after_refresh(self._bring_into_view)  # a narrower window may hide the cursor's case

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cells.clear()
        self._forget()
        self._standard_lines.clear()

    def _forget(self) -> None:
        """The questions' lines, which the width, the theme or the cases in view have changed: all drawn again."""
        self._lines.clear()
        self._cursor_line = None
        self._shown.clear()

    def watch_scroll_x(self, old: float, new: float) -> None:
        self._forget()  # lines hold the cells in view only
        super().watch_scroll_x(old, new)
        self.refresh_line(0)  # the header says which cases are in view

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._joined(*self._header(), width)
        row = y - 1 + round(self.scroll_y)
        if row >= len(self.rows):
            return Strip.blank(width, self._style(""))
        if self.rows[row].kind == STANDARD:
            line = self._standard_lines.get(row)
            if line is None:
                line = self._standard_lines[row] = self._standard_line(row, width)
            return line
        line = self._shown[row] = self._line(row, width)
        return line

    def _line(self, row: int, width: int) -> Strip:
        """A question's line as it reads now: made once for what it shows, with the cursor or without."""
        if row == self.cursor[0]:
            if self._cursor_line is None or self._cursor_line[0] != self.cursor:
                self._cursor_line = (self.cursor, self._joined(*self._draw(row), width))
            return self._cursor_line[1]
        line = self._lines.get(row)
        if line is None:
            line = self._lines[row] = self._joined(*self._draw(row), width)
        return line

    def _changed_line(self, row: int) -> None:
        """What a question's line shows has changed: made again when next asked for."""
        self._lines.pop(row, None)
        if self._cursor_line is not None and self._cursor_line[0][0] == row:
            self._cursor_line = None

    def _joined(self, fixed: Strip, scrolled: Strip, width: int) -> Strip:
        """A line's fixed part and the cells in view, `width` wide."""
        offset = round(self.scroll_x) - self._columns.start * self._cell_width
        # whole cases only: a case cut at the edge would show a cut id, read as another's
        room = min(max(0, width - self._fixed_width), self._in_view * self._cell_width)
        visible = scrolled.crop_extend(offset, offset + room, self._style(""))
        return Strip.join([fixed, visible]).adjust_cell_length(width, self._style("")).simplify()

    @property
    def _columns(self) -> range:
        """The cases drawn: those in view, and one cut at the edge were the cases not scrolled a whole case
        at a time. A line of 2,000 cells would be built to show ten, and the width of the terminal in
        cells, to show those beside the question's figures."""
        first = round(self.scroll_x) // self._cell_width
        return range(first, min(len(self.cases), first + self._in_view + 1))

    def _style(self, name: str) -> Style:
        """A component's style ("" the grid's own): looked up hundreds of times a frame, kept until
        the theme or CSS changes."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name) if name else self.rich_style
        return style

    def _header(self) -> tuple[Strip, Strip]:
        style = self._style("grid--header")
        heads = f"{'Yes/rel':>{self._count_width}}{'%':>6}  {'Band':<5} "
        hints = self.in_view()
        if self.filters:  # said where the rows and cases are, so that what is hidden is never forgotten
            only = shown(f" Only: {'; '.join(self.filters.describe())}")
            room = self._fixed_width - len(only) - 4  # " · ", and a space before the cases
            hint = next((h for h in hints if len(h) <= room), hints[-1])  # what is filtered comes first
            label = clipped(f"{only} · {hint}", self._fixed_width - 1)
        else:
            first = [f"Question · {hints[0]}"] if len(hints) == 1 else []
            label = next((f" {h}" for h in first + hints if len(h) + 2 <= self._label_width), f" {hints[-1]}")  # and a gap
            # too long even by place (a narrow terminal, thousands of cases): over the columns' heads
            label = label.ljust(self._label_width) + heads if len(label) <= self._label_width else label
        label = label[: self._fixed_width].ljust(self._fixed_width)
        cells = []
        abbreviated = self._abbreviations
        for column in self._columns:
            case = self.cases[column]
            mark = self._marks(case)
            name = abbreviated(self._cell_width - 1 - len(mark)).get(case.id, case.id)
            # a space before each id: two never run together, however long
            cells.append(Segment((" " + (name + mark).center(self._cell_width - 1))[: self._cell_width], style))
        return Strip([Segment(label, style)], self._fixed_width), Strip(cells, len(cells) * self._cell_width)

    def _band_style(self, rating: str | None) -> Style:
        bands = [b.rating for b in self.session.framework.bands]
        if rating not in bands:
            return Style()
        position = bands.index(rating)
        level = 3 if position == len(bands) - 1 else min(position, 2)
        return self._style(f"grid--band-{level}")

    def _standard_reads(self, row: int, width: int) -> tuple[object, ...]:
        """All that a standard's line is made from, but its title: its rating, any panel decision,
        its flag, and whether the cursor is on it."""
        r = self.session.ratings.standards[self.rows[row].standard]
        return (r.id, width, row == self.cursor[0], r.computed, r.final, r.decision, r.stale, r.provisional, r.discretion)

    def _standard_line(self, row: int, width: int) -> Strip:
        standard = self.session.standards[self.rows[row].standard]
        result = self.session.ratings.standards[standard.id]
        self._standard_made[row] = self._standard_reads(row, width)
        base = self._style("grid--standard")
        label = base
        if row == self.cursor[0]:  # no cell to stand on: the standard's name carries the cursor
            base += self._style("grid--cursor-row")
            label = base + self._style("grid--cursor")
        segments = [Segment(shown(f" {standard.id} {standard.title} "), label), Segment(" ", base)]
        segments += self._rating_segments(result, base)
        flag = result.discretion
        if flag.eligible:
            text = f" {words.FLAGGED} {words.discretion(flag, self.session.framework)}"
            segments.append(Segment(text, base + self._style("grid--flagged")))
        return Strip(_clipped(segments, width)).adjust_cell_length(width, base)

    def _rating_segments(self, result: StandardResult, base: Style) -> list[Segment]:
        final = words.band_name(result.final)
        segments = []
        if result.computed and result.final and result.computed != result.final:
            segments.append(Segment(f"{result.computed.rating} → ", base + self._band_style(result.computed.rating)))
        segments.append(Segment(final, base + self._band_style(final) + Style(bold=True)))
        if result.decision is not None and not result.stale and result.computed != result.final:
            segments.append(Segment(" (panel)", base))
        flag = words.decision_flag(result)
        if flag:
            segments.append(Segment(f"  {flag}", base + self._style("grid--stale")))
        if result.provisional:
            segments.append(Segment(" (provisional)", base))
        return segments

    def _figure_texts(self, entry: Row) -> tuple[str, str]:
        """A question's figures as its line shows them: yes/relevant, "?" if some are unanswered and
        the percentage; and its band, short."""
        figures = self.session.figures(entry.question)
        count = f"{figures.yes}/{figures.relevant}" if figures.relevant or not figures.unanswered else "–"
        percent = f"{whole_percent(figures.percent)}%" if figures.percent is not None else "–"
        band = words.short_band(figures.band.rating) if figures.band and entry.kind == KEY_QUESTION else ""
        unanswered = "?" if figures.unanswered else " "
        return f"{count:>{self._count_width}}{unanswered}{percent:>5}  ", band

    def _draw(self, row: int) -> tuple[Strip, Strip]:
        entry = self.rows[row]
        cursor_column = self.cursor[1] if row == self.cursor[0] else None
        session = self.session
        figures = session.figures(entry.question)
        counts, band = self._figure_texts(entry)
        question_style = gap = self._style("grid--prompt" if entry.kind == PROMPT else "grid--question")
        if cursor_column is not None:
            question_style += self._style("grid--cursor-row")
        indent = "    " if entry.kind == PROMPT else "  "
        text = session.standards[entry.standard].question(entry.question).text
        label = _fit(shown(f"{indent}{entry.question} {text}"), self._label_width)
        band_style = self._band_style(figures.band.rating) if figures.band and band else Style()
        fixed = [
            Segment(label, question_style),
            Segment(counts, question_style),
            Segment(f"{band:<5}", question_style + band_style),
            Segment(" ", gap),  # the row's highlight ends before the cells: the cursor's cell stands apart
        ]
        cells: list[Segment] = []
        reviewed = self.reviewed
        columns = self._columns
        for column in columns:
            case = self.cases[column]
            cell = (case.id, entry.question)
            changed = cell in session.changed
            elsewhere = cell in self.elsewhere
            mark = (
                words.CHANGED_HERE
                if changed
                else words.CHANGED_ELSEWHERE
                if elsewhere
                else words.REVIEWED
                if cell in reviewed
                else " "
            )
            doubt = entry.kind == KEY_QUESTION and entry.question in session.doubts(case.id)
            look = (session.answers[case.id].get(entry.question), mark, changed or elsewhere, column == cursor_column, doubt)
            made = self._cells.get(look)
            if made is None:
                made = self._cells[look] = self._cell(*look)
            cells += made
        return Strip(fixed, self._fixed_width), Strip(cells, len(columns) * self._cell_width)

    def _cell(self, answer: Answer | None, mark: str, changed: bool, cursor: bool, doubt: bool) -> list[Segment]:
        """A cell's segments, as wide as a cell: made once for each look (kept until the theme or the
        width of the cells changes), as most cells look like many others."""
        style = self._style(STYLE_OF[answer])
        if changed:
            style += self._style("grid--changed")
        if cursor:
            style += self._style("grid--cursor")
        text = f"{words.SYMBOLS[answer]}{mark}".center(self._cell_width)
        if not doubt:
            return [Segment(text, style)]
        # after the answer and its mark, where a space was: the answer stays where it stands in every cell
        at = len(text) - len(text.lstrip()) + 2
        marked = style if cursor else style + self._style("grid--doubt")
        return [Segment(text[:at], style), Segment(words.DOUBTFUL, marked), Segment(text[at + 1 :], style)]

    # ------------------------------------------------------------ moving

    def watch_cursor(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        if old[0] == new[0]:
            self._repaint_cursor(new[0], [old[1], new[1]])
        else:
            self._repaint_cursor(old[0], [old[1]])
            self._repaint_cursor(new[0], [new[1]])
        self._bring_into_view()
        self.moved()

    def _repaint_cursor(self, row: int, columns: list[int]) -> None:
        """Where the cursor is or was: the cells of these columns and the question's words and figures,
        which the cursor's row highlights, where they look different; the cells between look the same.
        A standard's line, whole: its name carries the cursor."""
        if not 0 <= row < len(self.rows) or self.rows[row].kind == STANDARD:
            self._standard_lines.pop(row, None)
            self.refresh_line(row + 1)
            return
        self._repaint(row, [(0, self._figures_part[0]), self._figures_part, self._band_part, *self._cell_parts(columns)])

    @property
    def _figures_part(self) -> tuple[int, int]:
        """After the question's words and a space that is always one: yes/relevant is right-aligned in a
        column wider than it ever is."""
        x = self._label_width + 1
        return (x, self._fixed_width - BAND - x)

    @property
    def _band_part(self) -> tuple[int, int]:
        return (self._fixed_width - BAND, BAND)

    def _cell_parts(self, columns: list[int]) -> list[tuple[int, int]]:
        """Where the cells of these columns are on their line, those in view."""
        width, first = self.scrollable_content_region.width, self.first_in_view
        xs = (self._fixed_width + (column - first) * self._cell_width for column in columns)
        return [(x, self._cell_width) for x in xs if self._fixed_width <= x < width]

    def _repaint(self, row: int, parts: list[tuple[int, int]]) -> None:
        """Repaint these parts of a question's line as it reads now ((x, width), each beginning at an
        edge: `Edges`), each from its edge up to its last column that reads or looks different from
        what the screen shows: a toggle writes the answer and the figures that moved, not the line."""
        width, height = self.scrollable_content_region.size
        y = row + 1 - round(self.scroll_y)
        if not 0 < y < height:
            return  # out of view: drawn afresh when scrolled to
        before = self._shown.get(row)
        after = self._line(row, width)
        spans = ((x, differing(before.crop(x, x + part) if before else None, after.crop(x, x + part))) for x, part in parts)
        if regions := [Region(x, y, span[1], 1) for x, span in spans if span is not None]:
            self.refresh(*regions)

    def _bring_into_view(self) -> None:
        """Scroll, a whole case or row at a time, just enough that the cursor's cell is wholly in view."""
        row, column = self.cursor
        first = self.first_in_view
        if column < first:
            first = column
        elif column >= first + self._in_view:
            first = column - self._in_view + 1
        top, rows = round(self.scroll_y), max(1, self.scrollable_content_region.height - 1)  # below the header
        if row < top:
            top = row
        elif row >= top + rows:
            top = row - rows + 1
        if (first * self._cell_width, top) != (round(self.scroll_x), round(self.scroll_y)):
            self.scroll_to(first * self._cell_width, top, animate=False, force=True, immediate=True)

    def move_to(self, row: int, column: int | None = None) -> None:
        column = self.cursor[1] if column is None else column
        self.cursor = (max(0, min(row, len(self.rows) - 1)), max(0, min(column, len(self.cases) - 1)))

    def action_move(self, rows: int, columns: int) -> None:
        self.move_to(self.cursor[0] + rows, self.cursor[1] + columns)

    def action_page(self, pages: int) -> None:
        self.move_to(self.cursor[0] + pages * max(1, self.scrollable_content_region.height - 2))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = offset.y - 1 + int(self.scroll_y)
        if row >= len(self.rows):
            return
        x = offset.x - self._fixed_width
        if x < 0:
            self.move_to(row)
            return
        column = (x + int(self.scroll_x)) // self._cell_width
        if column < len(self.cases) and x < self._in_view * self._cell_width:
            # As in a spreadsheet a click selects; a click on the cell already selected changes it.
            again = self.cursor == (row, column)
            self.move_to(row, column)
            if again and self.rows[row].kind != STANDARD:
                self.post_message(self.CellClicked())
