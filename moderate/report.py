"""`moderate report`: the ratings as JSON (`spec/format.md`) or as published tables."""

from __future__ import annotations

import csv
import io
import textwrap
from typing import Any

from tabulate import tabulate

from . import audit, words
from .frameworks import Band, Framework
from .model import Inspection
from .rules import Figures, Ratings, StandardResult, whole_percent


def _name(band: Band | None) -> str | None:
    return band.rating if band is not None else None


def _figures(figures: Figures, text: str) -> dict[str, Any]:
    if figures.judgement:
        return {"id": figures.id, "text": text, "judgement": True, "band": _name(figures.band)}
    return {
        "id": figures.id,
        "text": text,
        "yes": figures.yes,
        "relevant": figures.relevant,
        "unanswered": figures.unanswered,
        "percent": None if figures.percent is None else float(figures.percent),
        "band": _name(figures.band),
    }


def as_json(inspection: Inspection, framework: Framework, ratings: Ratings) -> dict[str, Any]:
    overall = ratings.overall
    standards = []
    for standard in inspection.standards:
        result = ratings.standards[standard.id]
        entry: dict[str, Any] = {
            "id": standard.id,
            "domain": standard.domain,
            "title": standard.title,
            "kind": result.kind,
            "counts": standard.counts,
            "computed": "Not rated" if result.not_rated else _name(result.computed),
            "rating": "Not rated" if result.not_rated else _name(result.final),
            "provisional": result.provisional,
        }
        if standard.is_case_based:
            flag = result.discretion
            decision = result.decision
            entry["discretion"] = {
                "eligible": flag.eligible,
                "reasons": list(flag.reasons),
                "directions": list(flag.directions),
                "explained": words.discretion_reasons(flag, framework),
                "decision": None if decision is None else {
                    "computed": decision.computed,
                    "rating": decision.rating,
                    "stale": result.stale,
                    "by": decision.by,
                    "at": audit.iso(decision.at),
                    "reason": decision.reason,
                },
            }
            entry["key_questions"] = [
                {
                    **_figures(figures, kq.text),
                    "prompts": [_figures(ratings.prompts[p.id], p.text) for p in kq.prompts],
                }
                for kq, figures in zip(standard.key_questions, result.key_questions, strict=True)
            ]
        standards.append(entry)
    return {
        "title": inspection.title,
        "framework": inspection.framework,
        "framework_verified": framework.verified,
        "overall": {
            "score": overall.score,
            "max": overall.max,
            "rating": overall.rating,
            "complete": overall.complete,
        },
        "standards": standards,
        "moderation": audit.moderation_json(inspection),
        "panel": audit.panel_json(inspection, ratings),
    }


def _flag(result: StandardResult, framework: Framework) -> str:
    parts = []
    if result.discretion.eligible:
        parts.append(f"{words.directions(result.discretion)} " + "; ".join(
            words.discretion_reasons(result.discretion, framework)))
    if result.decision is not None:
        decided = f"panel: {result.decision.rating}"
        parts.append(f"{decided} (STALE: made against {result.decision.computed})" if result.stale else decided)
    return "\n".join(parts)


def as_text(inspection: Inspection, framework: Framework, ratings: Ratings) -> str:
    rows = []
    for standard in inspection.standards:
        result = ratings.standards[standard.id]
        computed = _name(result.computed) if standard.is_case_based else ""
        rows.append([
            standard.domain,
            f"{standard.id} {standard.title}" + ("" if standard.counts else " (does not count)"),
            words.rating(result),
            computed if computed != _name(result.final) else "",
            _flag(result, framework),
        ])
    out = [inspection.title, "",
           tabulate(rows, headers=["Domain", "Standard", "Rating", "Computed", "Discretion"], tablefmt="simple")]

    for standard in inspection.standards:
        if not standard.is_case_based:
            continue
        result = ratings.standards[standard.id]
        sample = len(inspection.cases_in(standard.sample))
        table: list[list[str | int]] = []
        for kq, figures in zip(standard.key_questions, result.key_questions, strict=True):
            text = textwrap.fill(kq.text, 60)
            if figures.judgement:
                table.append([text, "", "", _name(figures.band) or "not yet rated"])
            else:
                shown = words.percent(figures) + (f" ({figures.unanswered} unanswered)" if figures.unanswered else "")
                table.append([text, figures.relevant, figures.yes, shown])
        out += ["", f"{standard.id} {standard.title}: {words.rating(result)}",
                tabulate(table, headers=[f"Of the {sample} cases inspected", "Relevant cases", "Number 'Yes'", "%"],
                         tablefmt="simple", colalign=("left", "right", "right", "right"))]

    overall = ratings.overall
    out += ["", f"Score {overall.score}/{overall.max}", f"Overall rating: {words.overall(overall)}"]
    if not framework.verified:
        out.append(f"Note: {framework.name}'s overall thresholds are not published by HMIP; these are assumed.")
    out += ["", *audit.moderation_text(inspection), "", *audit.panel_text(inspection, ratings)]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(inspection: Inspection, framework: Framework, ratings: Ratings) -> str:
    """The ratings table and each standard's key-question table, as the published reports print them."""
    overall = ratings.overall
    out = [f"# {inspection.title}", "", "## Ratings", "",
           f"| {_cell(inspection.title)} | Score | {overall.score}/{overall.max} |", "|---|---|---|",
           f"| Overall rating | {overall.rating or 'Incomplete'} | |"]
    domain = None
    apart = []
    for standard in inspection.standards:
        if standard.domain != domain:
            domain = standard.domain
            note = "¹" if not standard.counts else ""
            out.append(f"| {standard.id.split('.')[0]}. {_cell(domain)}{note} | | |")
            if note:
                apart.append(f"¹ The rating for {domain.lower()} does not influence the overall rating.")
        out.append(f"| {standard.id} | {_cell(standard.title)} | {words.rating(ratings.standards[standard.id])} |")
    if apart:
        out += ["", *dict.fromkeys(apart)]
    for standard in inspection.standards:
        if not standard.is_case_based:
            continue
        result = ratings.standards[standard.id]
        sample = len(inspection.cases_in(standard.sample))
        out += ["", f"### {standard.id} {standard.title}: {words.rating(result)}", ""]
        if result.decision is not None and not result.stale and result.computed and result.final \
                and result.computed != result.final:
            out += [f"Computed as {result.computed.rating}; the ratings panel used professional discretion to rate it "
                    f"{result.final.rating}." + (f" {result.decision.reason}" if result.decision.reason else ""), ""]
        out += [f"| Of the {sample} cases inspected | Relevant cases | Number 'Yes' | % 'Yes' |", "|---|---:|---:|---:|"]
        for kq, figures in zip(standard.key_questions, result.key_questions, strict=True):
            if figures.judgement:
                out.append(f"| {_cell(kq.text)} | | | {_name(figures.band) or 'not yet rated'} |")
            else:
                out.append(f"| {_cell(kq.text)} | {figures.relevant} | {figures.yes} | {words.percent(figures)} |")
    out += ["", *audit.moderation_markdown(inspection), "", *audit.panel_markdown(inspection, ratings)]
    return "\n".join(out) + "\n"


def as_csv(inspection: Inspection, framework: Framework, ratings: Ratings) -> str:
    """One row per key question and prompt, for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["standard", "standard_title", "question", "kind", "text", "yes", "relevant", "unanswered",
                     "percent", "percent_printed", "band"])
    for standard in inspection.standards:
        result = ratings.standards[standard.id]
        for kq, figures in zip(standard.key_questions, result.key_questions, strict=True):
            rows = [(kq.id, "judgement" if figures.judgement else "key question", kq.text, figures)]
            rows += [(p.id, "prompt", p.text, ratings.prompts[p.id]) for p in kq.prompts]
            for question, kind, text, f in rows:
                exact = "" if f.percent is None else f"{float(f.percent):.4f}".rstrip("0").rstrip(".")
                printed = "" if f.percent is None else whole_percent(f.percent)
                counts = ["", "", ""] if f.judgement else [f.yes, f.relevant, f.unanswered]
                band = _name(f.band) if kind != "prompt" else ""
                writer.writerow([standard.id, standard.title, question, kind, text, *counts, exact, printed, band or ""])
    return buffer.getvalue()
