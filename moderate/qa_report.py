"""Quality assurance read back for the reports: the `qa` object of `report --json`
(`spec/format.md`, "Quality assurance in the report") and the "Quality assurance" sections of
the text and markdown reports: the dip sample (its cases by assessor, how, from which seed and
in which phase each was chosen, the withdrawals), how far its reviews have got by assessor, and
the key questions whose answers disagree with their prompts', and the agreement of first and
second assessments, in the words and bars of `agreement_report` (as `stats` prints them)."""

from __future__ import annotations

from typing import Any, Callable

from . import layout, words
from .agreement_report import agreement_markdown, agreement_text
from .audit import iso, markdown_cell, markdown_table, one_line
from .coefficients import MIN_PAIRS
from .consistency import inconsistencies
from .model import Inspection
from .pairs import questions_asked, tabled
from .qa import Progress, Sampled, checkers, progress

_SAMPLE_HEADERS = ["Case", "Assessor", "Phase", "Seed", "Reviewed", "How chosen"]
_ASSESSOR_HEADERS = ["Assessor", "Sampled", "Reviewed"]
_DOUBT_HEADERS = ["Case", "Key question", "Doubt"]


def _progress(inspection: Inspection) -> Progress:
    cases = {c.id: c for c in inspection.cases}
    checked = checkers(cases, inspection.moderation, inspection.people)
    return progress(cases, inspection.standards, inspection.dip_sample, checked)


def qa_json(inspection: Inspection) -> dict[str, Any]:
    found = _progress(inspection)
    assessor = {c.id: c.inspector or "" for c in inspection.cases}
    return {
        "sample": [_membership_json(m, assessor.get(m.case, "")) for m in found.memberships],
        "sampled": found.sampled,
        "reviewed": len(found.reviewed),
        "by_assessor": [{"assessor": a, "sampled": t.sampled, "reviewed": t.reviewed} for a, t in found.by_assessor.items()],
        "consistency": [
            {"case": i.case, "question": i.question, "problem": i.problem}
            for i in inconsistencies(inspection.standards, inspection.cases)
        ],
    }


def _membership_json(membership: Sampled, assessor: str) -> dict[str, Any]:
    chosen, gone = membership.chosen, membership.withdrawal
    return {
        "case": chosen.case,
        "assessor": assessor,
        "by": chosen.by,
        "at": iso(chosen.at),
        "phase": chosen.phase,
        "method": chosen.method,
        "seed": chosen.seed,
        "reason": chosen.reason,
        "withdrawn": None if gone is None else {"by": gone.by, "at": iso(gone.at), "reason": gone.reason},
    }


def _rows(inspection: Inspection, found: Progress, cell: Callable[[str], str]) -> list[list[str]]:
    """The cases in the sample now, by assessor (in the order they first come), each in the order chosen."""
    assessor = {c.id: c.inspector or "" for c in inspection.cases}
    order = list(found.by_assessor)
    now = sorted((m for m in found.memberships if m.withdrawal is None), key=lambda m: order.index(assessor.get(m.case, "")))
    return [
        [
            cell(m.case),
            cell(assessor.get(m.case, "")),
            m.chosen.phase or "",
            "" if m.chosen.seed is None else str(m.chosen.seed),
            "yes" if m.case in found.reviewed else "not yet",
            cell(f"{m.chosen.method} ({m.chosen.by}, {words.when(m.chosen.at)})"),
        ]
        for m in now
    ]


def _parts(
    inspection: Inspection, cell: Callable[[str], str]
) -> tuple[str, list[list[str]], list[list[Any]], list[str], list[list[str]]]:
    found = _progress(inspection)
    withdrawn = [m for m in found.memberships if m.withdrawal is not None]
    summary = words.qa_summary(found.sampled, len(found.reviewed), len(withdrawn))
    by_assessor = [[cell(a or words.NONE_NAMED), t.sampled, t.reviewed] for a, t in found.by_assessor.items()]
    gone = [
        cell(words.withdrawal(m.case, m.withdrawal.by, m.withdrawal.at, m.withdrawal.reason))
        for m in withdrawn
        if m.withdrawal is not None
    ]
    doubts = [
        [cell(i.case), cell(i.question), words.DOUBTS[i.problem]] for i in inconsistencies(inspection.standards, inspection.cases)
    ]
    return summary, _rows(inspection, found, cell), by_assessor, gone, doubts


def qa_text(inspection: Inspection, width: int = 80, min_pairs: int = MIN_PAIRS, coefficient: str = "ac1") -> list[str]:
    """The text report's "Quality assurance" section, its agreement drawn as `stats` draws it."""
    summary, rows, by_assessor, gone, doubts = _parts(inspection, one_line)
    out = ["Quality assurance", "", summary]
    if by_assessor:
        out += ["", *layout.table(_ASSESSOR_HEADERS, by_assessor, width, 0, ("left", "right", "right"))]
    if rows:
        out += ["", *layout.table(_SAMPLE_HEADERS, rows, width, len(_SAMPLE_HEADERS) - 1)]
    out += ["", *(line for text in gone for line in layout.indented(text, width, 0, 2))] if gone else []
    out += ["", f"Prompts against their key question: {words.counted(len(doubts), 'doubt')}."]
    if doubts:
        out += layout.table(_DOUBT_HEADERS, doubts, width, 2)
    return [*out, "", *agreement_text(tabled(inspection), questions_asked(inspection), min_pairs, coefficient)]


def qa_markdown(inspection: Inspection, min_pairs: int = MIN_PAIRS) -> list[str]:
    """The markdown report's "Quality assurance" section, its agreement as `stats` prints it."""
    summary, rows, by_assessor, gone, doubts = _parts(inspection, markdown_cell)
    out = ["## Quality assurance", "", summary]
    if by_assessor:
        out += ["", *markdown_table(_ASSESSOR_HEADERS, by_assessor, right=2)]
    if rows:
        out += ["", "### The dip sample", "", *markdown_table(_SAMPLE_HEADERS, rows)]
    if gone:
        out += ["", *(f"- {line}" for line in gone)]
    out += ["", "### Prompts against their key question", ""]
    out += markdown_table(_DOUBT_HEADERS, doubts) if doubts else ["No key question disagrees with its prompts."]
    return [*out, "", *agreement_markdown(tabled(inspection), questions_asked(inspection), min_pairs, level=3)]
