"""The moderation log and the ratings panel's decisions read back: the `moderation` and
`panel` parts of the machine-readable report, their sections of the text and markdown
reports, and the log as CSV."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Callable, Iterable, Mapping


from . import layout
from .agreement import Agreement, Count, count
from .model import Decision, Inspection, ModerationEntry
from .pairs import Asked, QuestionKey, questions_asked
from .rules import Ratings
from .shown import spreadsheet_csv
from .words import STALE, agreement_percent, change, review_summary, subject, when

MOST_CHANGED = 5  # questions listed under "most changed" in the text and markdown reports


def iso(at: dt.datetime) -> str:
    """ISO 8601, with UTC written as Z as format.md writes it."""
    text = at.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def one_line(text: str | None) -> str:
    """File text for one cell of a table: line breaks as spaces, other control characters
    made visible (as \\x1b), so that a reason cannot break a table or drive the terminal."""
    if not text:
        return ""
    out = []
    for char in text:
        if char in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf") and char not in "\u200d":
            out.append(repr(char)[1:-1] if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return "".join(out)


# ---------------------------------------------------------------- the machine-readable report


def entry_json(entry: ModerationEntry) -> dict[str, Any]:
    named = {"standard": entry.standard} if entry.is_rating else {"case": entry.case, "question": entry.question}
    return {**named, "from": entry.from_, "to": entry.to, "by": entry.by, "at": iso(entry.at), "reason": entry.reason}


def counts_json(agreement: Agreement, asked: Mapping[QuestionKey, Asked]) -> dict[str, Any]:
    """The counts of `agreement`; `asked`: the questions it counts, with their words."""

    def listed(counts: Mapping[str, Count], key: str) -> list[dict[str, Any]]:
        return [{key: name, **_counted(c)} for name, c in counts.items()]

    return {
        **_counted(agreement.total),
        "by_question": [
            {
                "framework": framework,
                "question": question,
                "text": asked.get((framework, question), Asked("")).text,
                **_counted(c),
            }
            for (framework, question), c in agreement.by_question.items()
        ],
        "by_inspector": listed(agreement.by_inspector, "inspector"),
        "by_moderator": listed(agreement.by_moderator, "moderator"),
    }


def _counted(count: Count) -> dict[str, int]:
    return {"reviewed": count.reviewed, "changed": count.changed, "changed_back": count.changed_back}


def moderation_json(inspection: Inspection) -> dict[str, Any]:
    return {
        "entries": [entry_json(e) for e in inspection.moderation],
        **counts_json(count(inspection), questions_asked(inspection)),
        "moderated_cases": [
            {"case": c.id, "by": c.moderated.by, "at": iso(c.moderated.at)} for c in inspection.cases if c.moderated is not None
        ],
    }


def stale(decision: Decision, ratings: Ratings) -> bool:
    """Whether the standard's computed rating is no longer the one the decision was made against."""
    result = ratings.standards.get(decision.standard)
    return result is None or result.computed is None or result.computed.rating != decision.computed


def panel_json(inspection: Inspection, ratings: Ratings) -> list[dict[str, Any]]:
    return [
        {
            "standard": d.standard,
            "computed": d.computed,
            "rating": d.rating,
            "by": d.by,
            "at": iso(d.at),
            "reason": d.reason,
            "stale": stale(d, ratings),
        }
        for d in inspection.discretion
    ]


# ---------------------------------------------------------------- text and markdown


def _most_changed(agreement: Agreement) -> list[list[Any]]:
    changed = [(q, c) for q, c in agreement.by_question.items() if c.changed or c.changed_back]
    changed.sort(key=lambda item: (-item[1].changed, -item[1].changed_back))  # stable: ties stay in file order
    return [[question, *count_cells(c)] for (_, question), c in changed[:MOST_CHANGED]]


COUNT_HEADERS = ["Reviewed", "Changed", "Changed back", "As given"]  # the columns of `count_cells`


def count_cells(count: Count) -> list[Any]:
    """A row's figures: reviewed, changed, changed and changed back, the share standing as first given."""
    return [count.reviewed, count.changed, count.changed_back, agreement_percent(count.agreement)]


def _entry_rows(inspection: Inspection, cell: Callable[[str], str], reason: Callable[[str], str]) -> list[list[str]]:
    return [[when(e.at), cell(e.by), cell(subject(e)), cell(change(e)), reason(e.reason or "")] for e in inspection.moderation]


def _moderated(inspection: Inspection, cell: Callable[[str], str]) -> str | None:
    marked = [
        f"{cell(c.id)} ({cell(c.moderated.by)}, {when(c.moderated.at)})" for c in inspection.cases if c.moderated is not None
    ]
    return f"Cases marked moderated: {', '.join(marked)}." if marked else None


_ENTRY_HEADERS = ["When", "Who", "Answer", "Change", "Reason"]
_QUESTION_HEADERS = ["Question", *COUNT_HEADERS]
_PANEL_HEADERS = ["Standard", "Computed", "Decided", "Reason", "Who", "When", "Stale"]


def _panel_rows(
    inspection: Inspection, ratings: Ratings, cell: Callable[[str], str], reason: Callable[[str], str]
) -> list[list[str]]:
    return [
        [
            cell(d.standard),
            cell(d.computed),
            cell(d.rating),
            reason(d.reason or ""),
            cell(d.by),
            when(d.at),
            STALE if stale(d, ratings) else "",
        ]
        for d in inspection.discretion
    ]


def _table(rows: list[list[Any]], headers: list[str], width: int) -> str:
    """A table to `width` columns, its reasons (if it has them) wrapped or beneath each row."""
    wrap = headers.index("Reason") if "Reason" in headers else 0
    return "\n".join(layout.table(headers, rows, width, wrap))


def moderation_text(inspection: Inspection, width: int = 80) -> list[str]:
    """The text report's "Moderation" section."""
    agreement = count(inspection)
    out = ["Moderation", "", review_summary(agreement.total)]
    moderated = _moderated(inspection, one_line)
    if moderated:
        out.append(moderated)
    most = _most_changed(agreement)
    if most:
        out += ["", "Most changed questions", _table(most, _QUESTION_HEADERS, width)]
    if inspection.moderation:
        out += ["", "Log", _table(_entry_rows(inspection, one_line, one_line), _ENTRY_HEADERS, width)]
    else:
        out.append("Nothing in the moderation log.")
    return out


def panel_text(inspection: Inspection, ratings: Ratings, width: int = 80) -> list[str]:
    """The text report's "Ratings panel" section."""
    if not inspection.discretion:
        return ["Ratings panel", "", "No panel decisions."]
    return ["Ratings panel", "", _table(_panel_rows(inspection, ratings, one_line, one_line), _PANEL_HEADERS, width)]


def markdown_cell(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|")


def markdown_table(headers: list[str], rows: Iterable[list[Any]], right: int = 0) -> list[str]:
    """A markdown table; the last `right` columns are figures, aligned right."""
    rule = ["---"] * (len(headers) - right) + ["---:"] * right
    return [f"| {' | '.join(headers)} |", f"|{'|'.join(rule)}|", *(f"| {' | '.join(str(v) for v in row)} |" for row in rows)]


def moderation_markdown(inspection: Inspection) -> list[str]:
    """The markdown report's "Moderation" section."""
    agreement = count(inspection)
    out = ["## Moderation", "", review_summary(agreement.total)]
    moderated = _moderated(inspection, markdown_cell)
    if moderated:
        out += ["", moderated]
    most = _most_changed(agreement)
    if most:
        out += ["", "### Most changed questions", "", *markdown_table(_QUESTION_HEADERS, most, right=4)]
    out += ["", "### Log", ""]
    if inspection.moderation:
        out += markdown_table(_ENTRY_HEADERS, _entry_rows(inspection, markdown_cell, markdown_cell))
    else:
        out.append("Nothing in the moderation log.")
    return out


def panel_markdown(inspection: Inspection, ratings: Ratings) -> list[str]:
    """The markdown report's "Ratings panel" section."""
    out = ["## Ratings panel", ""]
    if not inspection.discretion:
        return [*out, "No panel decisions."]
    return [*out, *markdown_table(_PANEL_HEADERS, _panel_rows(inspection, ratings, markdown_cell, markdown_cell))]


# ---------------------------------------------------------------- csv

ENTRY_COLUMNS = ["case", "question", "standard", "inspector", "from", "to", "kind", "by", "at", "reason"]


def entries_csv(inspection: Inspection) -> str:
    """The moderation log, one row per entry in file order; `kind` is change, review (from = to) or rating."""
    inspectors = {c.id: c.inspector or "" for c in inspection.cases}
    rows = (
        [
            e.case,
            e.question,
            e.standard or "",
            inspectors.get(e.case, ""),
            e.from_,
            e.to,
            "rating" if e.is_rating else "review" if e.from_ == e.to else "change",
            e.by,
            iso(e.at),
            e.reason or "",
        ]
        for e in inspection.moderation
    )
    return spreadsheet_csv(ENTRY_COLUMNS, rows)
