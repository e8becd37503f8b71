"""What first-against-second pairs say about agreement, for other programs and for people: the
`qa.agreement` object of `report --json` and `stats --json` (`spec/format.md`), and its
tables and bars in text, markdown and CSV.

The bars draw one coefficient (Gwet's AC1 unless told otherwise: stable where one answer
dominates, as "yes" does on many key questions) from 0 to 1, with its 95% interval, lowest
first, so that a quality lead sees at once which assessor and which question to talk about.
They are characters only: they read the same with no colour, on a projector and in a file.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, TypeVar

from . import layout, words
from .audit import markdown_cell, markdown_table, one_line
from .coefficients import NAMES, Coefficient, Coefficients, Pairs, measure
from .pairs import Asked, PairTables, QuestionKey
from .shown import spreadsheet_csv

BAR = 25  # the bar's cells from 0 to 1: 0.04 a cell
NAME_WIDTH = 14
_Key = TypeVar("_Key", str, QuestionKey)


# ---------------------------------------------------------------- JSON


def coefficient_json(name: str, coefficient: Coefficient, measured: Coefficients) -> dict[str, Any]:
    if coefficient.value is None or coefficient.ci95 is None:
        return {"value": None, "note": words.coefficient_note(coefficient, measured.pairs, measured.min_pairs)}
    return {"value": coefficient.value, "ci95": list(coefficient.ci95), "ci_method": words.CI_METHOD[name]}


def measured_json(table: Pairs, min_pairs: int) -> dict[str, Any]:
    measured = measure(table, min_pairs)
    return {
        "pairs": measured.pairs,
        "agreed": measured.agreed,
        "percent": None if measured.percent is None else float(measured.percent),
        **{name: coefficient_json(name, c, measured) for name, c in measured.named()},
    }


def agreement_json(tables: PairTables, asked: Mapping[QuestionKey, Asked], min_pairs: int) -> dict[str, Any]:
    """The `agreement` object: in all, by question (framework, id, words), by assessor, by the assessor's role."""
    return {
        **measured_json(tables.total, min_pairs),
        "min_pairs": min_pairs,
        "by_question": [
            {
                "framework": framework,
                "question": question,
                "text": asked.get((framework, question), Asked("")).text,
                "prompt": asked.get((framework, question), Asked("")).prompt,
                **measured_json(table, min_pairs),
            }
            for (framework, question), table in tables.by_question.items()
        ],
        "by_assessor": [{"assessor": name, **measured_json(table, min_pairs)} for name, table in tables.by_assessor.items()],
        "by_role": [{"role": role, **measured_json(table, min_pairs)} for role, table in tables.by_role.items()],
    }


# ---------------------------------------------------------------- text


def bar(coefficient: Coefficient, width: int = BAR) -> str:
    """The coefficient as ● on a line from 0 to 1, its interval as ─ about it; ◂ where the
    interval (or the value) goes below 0. Blank when there is no coefficient."""
    if coefficient.value is None or coefficient.ci95 is None:
        return ""
    low, high = coefficient.ci95

    def cell(x: float) -> int:
        return round(max(0.0, min(1.0, x)) * (width - 1))

    cells = ["·"] * width
    for i in range(cell(low), cell(high) + 1):
        cells[i] = "─"
    if low < 0:
        cells[0] = "◂"
    cells[cell(coefficient.value)] = "●"
    return "".join(cells)


def scale(width: int = BAR) -> str:
    """The bar's scale: 0, 0.5 and 1 above their cells."""
    middle = (width - 1) // 2
    return "0" + " " * (middle - 2) + "0.5" + " " * (width - middle - 3) + "1"


def _name(text: str, width: int = NAME_WIDTH) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _lowest_first(rows: Iterable[tuple[_Key, Pairs]], name: str, min_pairs: int) -> list[tuple[_Key, Coefficients]]:
    """Lowest coefficient first; those with none (thin, undefined) after, in the order given."""
    measured = [(key, measure(table, min_pairs)) for key, table in rows]

    def order(item: tuple[_Key, Coefficients]) -> tuple[bool, float]:
        value = dict(item[1].named())[name].value
        return (value is None, 0.0 if value is None else value)

    return sorted(measured, key=order)


def _bar_row(label: str, measured: Coefficients, name: str) -> str:
    coefficient = dict(measured.named())[name]
    percent = words.pairs_percent(measured)
    drawn = bar(coefficient) or words.no_coefficient(coefficient, measured.min_pairs)
    return (
        f"  {_name(label):<{NAME_WIDTH}} {measured.pairs:>5} {percent:>4}  {words.coefficient_value(coefficient):>5} "
        f"{words.coefficient_interval(coefficient):<12}  {drawn}"
    )


def _bar_header(first: str, name: str) -> str:
    return f"  {first:<{NAME_WIDTH}} {'Pairs':>5} {'Agr.':>4}  {_short(name):>5} {'95% interval':<12}  {scale()}"


def _short(name: str) -> str:
    return {"kappa": "κ", "ac1": "AC1", "alpha": "α"}[name]


def agreement_text(tables: PairTables, asked: Mapping[QuestionKey, Asked], min_pairs: int, name: str = "ac1") -> list[str]:
    """The text: the coefficients in all, then bars by assessor, by role (where `[people]` gives
    roles) and by key question, lowest first."""
    total = measure(tables.total, min_pairs)
    out = [f"{words.AGREEMENT}: {words.pairs_agreed(total)}"]
    if not tables.total.total:
        return [*out, *layout.indented(words.PAIR_IS, 80, 2, 2)]
    for each, coefficient in total.named():
        shown = words.coefficient_value(coefficient)
        said = words.coefficient_interval(coefficient) or words.no_coefficient(coefficient, min_pairs)
        out.append(f"  {words.COEFFICIENT[each]:<18} {shown:>5}  {said}")
    out += [
        f"  {words.INTERVAL_METHOD}.",
        "",
        f"{words.COEFFICIENT[name]} by assessor, lowest first",
        f"  {words.BAR_LEGEND};",
        f"  {words.thin_legend(min_pairs)}.",
        _bar_header("Assessor", name),
        *(
            _bar_row(assessor or words.NONE_NAMED, measured, name)
            for assessor, measured in _lowest_first(tables.by_assessor.items(), name, min_pairs)
        ),
    ]
    if tables.by_role.keys() - {""}:  # roles named in [people]
        out += [
            "",
            f"{words.COEFFICIENT[name]} by the assessor's role, lowest first",
            _bar_header("Role", name),
            *(
                _bar_row(role or words.NO_ROLE, measured, name)
                for role, measured in _lowest_first(tables.by_role.items(), name, min_pairs)
            ),
        ]
    key_questions = [(key, table) for key, table in tables.by_question.items() if not asked.get(key, Asked("")).prompt]
    if key_questions:
        out += ["", f"{words.COEFFICIENT[name]} by key question, lowest first", _bar_header("Key question", name)]
        for (framework, question), measured in _lowest_first(key_questions, name, min_pairs):
            out.append(_bar_row(f"{question} {_year(framework)}", measured, name))
            out.append(f"  {'':<{NAME_WIDTH}} {_name(asked.get((framework, question), Asked('')).text, 76 - NAME_WIDTH)}")
    return out


def _year(framework: str) -> str:
    """A framework told apart in a narrow column: 'hmip-youth-2018' → '(2018)'."""
    return f"({framework.rsplit('-', 1)[-1]})"


# ---------------------------------------------------------------- markdown and CSV


def _cells(measured: Coefficients, cell: Callable[[Coefficient], str]) -> list[str]:
    return [str(measured.pairs), str(measured.agreed), words.pairs_percent(measured), *(cell(c) for _, c in measured.named())]


def _with_interval(coefficient: Coefficient) -> str:
    said = words.coefficient_interval(coefficient)
    return f"{words.coefficient_value(coefficient)} ({said})" if said else words.MISSING[coefficient.missing or ""]


def agreement_markdown(tables: PairTables, asked: Mapping[QuestionKey, Asked], min_pairs: int, level: int = 2) -> list[str]:
    """The markdown: the coefficients in all, by assessor, by role and by question; its headings
    at `level` (2: a document of its own, as stats prints it; 3: a report's quality assurance)."""
    total = measure(tables.total, min_pairs)
    heading, sub = "#" * level, "#" * (level + 1)
    out = [f"{heading} {words.AGREEMENT}", "", words.pairs_agreed(total, sentence=True)]
    if not tables.total.total:
        return [*out, "", words.PAIR_IS]
    figures = ["Pairs", "Agreed", "%", *(words.COEFFICIENT[name] for name in NAMES)]
    out += ["", *markdown_table(["", *figures], [["All", *_cells(total, _with_interval)]], right=6)]
    out += ["", f"{words.INTERVAL_METHOD}; {words.thin_legend(min_pairs)}.", "", f"{sub} By assessor", ""]
    out += markdown_table(
        ["Assessor", *figures],
        [
            [markdown_cell(a or words.NONE_NAMED), *_cells(measure(t, min_pairs), _with_interval)]
            for a, t in tables.by_assessor.items()
        ],
        right=6,
    )
    if tables.by_role.keys() - {""}:
        out += ["", f"{sub} By the assessor's role", ""]
        out += markdown_table(
            ["Role", *figures],
            [
                [markdown_cell(r or words.NO_ROLE), *_cells(measure(t, min_pairs), _with_interval)]
                for r, t in tables.by_role.items()
            ],
            right=6,
        )
    out += ["", f"{sub} By question", ""]
    rows = []
    for (framework, question), table in tables.by_question.items():
        text = asked.get((framework, question), Asked("")).text
        rows.append(
            [
                markdown_cell(framework),
                markdown_cell(question),
                markdown_cell(text),
                *_cells(measure(table, min_pairs), _with_interval),
            ]
        )
    return out + markdown_table(["Framework", "Question", "Words", *figures], rows, right=6)


CSV_COLUMNS = [
    "group",
    "framework",
    "question",
    "text",
    "assessor",
    "role",
    "pairs",
    "agreed",
    "percent",
    *(f"{name}{part}" for name in NAMES for part in ("", "_low", "_high")),
    "note",
]


def agreement_csv(tables: PairTables, asked: Mapping[QuestionKey, Asked], min_pairs: int) -> str:
    """One row for all the pairs, one per assessor, one per role, one per question; figures unrounded."""

    def row(group: str, framework: str, question: str, assessor: str, role: str, table: Pairs) -> list[object]:
        measured = measure(table, min_pairs)
        figures: list[object] = []
        notes = []
        for name, c in measured.named():
            figures += [c.value, *(c.ci95 or (None, None))]
            note = words.coefficient_note(c, measured.pairs, min_pairs)
            if note:  # too few pairs is said once for all three
                notes.append(f"{name}: {note}" if c.missing == "undefined" else note)
        text = asked.get((framework, question), Asked("")).text if question else ""
        percent = None if measured.percent is None else float(measured.percent)
        return [
            group,
            framework,
            question,
            text,
            assessor,
            role,
            measured.pairs,
            measured.agreed,
            percent,
            *figures,
            "; ".join(dict.fromkeys(notes)),
        ]

    rows = [row("all", "", "", "", "", tables.total)]
    rows += [row("assessor", "", "", a, "", t) for a, t in tables.by_assessor.items()]
    rows += [row("role", "", "", "", r, t) for r, t in tables.by_role.items()]
    rows += [row("question", f, q, "", "", t) for (f, q), t in tables.by_question.items()]
    return spreadsheet_csv(CSV_COLUMNS, ([("" if v is None else v) for v in r] for r in rows))
