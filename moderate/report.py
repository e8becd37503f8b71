"""`moderate report`: the ratings as JSON (`spec/format.md`) or as published tables."""

from __future__ import annotations

import textwrap
from typing import Any

from tabulate import tabulate

from . import words
from .frameworks import Framework
from .model import Inspection
from .rules import Figures, Ratings, StandardResult


def _name(band) -> str | None:
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
                    "at": decision.at.isoformat(),
                    "reason": decision.reason,
                },
            }
            entry["key_questions"] = [
                {
                    **_figures(figures, kq.text),
                    "prompts": [_figures(ratings.prompts[p.id], p.text) for p in kq.prompts],
                }
                for kq, figures in zip(standard.key_questions, result.key_questions)
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
        table = []
        for kq, figures in zip(standard.key_questions, result.key_questions):
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
    rating = overall.rating or f"incomplete ({', '.join(overall.unrated)} not yet rated)"
    if overall.rating and not overall.complete:
        rating += f" (provisional: {', '.join(overall.provisional)} not fully answered)"
    out += ["", f"Score {overall.score}/{overall.max}", f"Overall rating: {rating}"]
    if not framework.verified:
        out.append(f"Note: {framework.name}'s overall thresholds are not published by HMIP; these are assumed.")
    return "\n".join(out) + "\n"
