"""`moderate report`: the ratings as JSON (`spec/format.md`) or as published tables."""

from __future__ import annotations

from typing import Any, Iterator


from . import audit, layout, published, words, wording
from .agreement_report import agreement_json
from .coefficients import MIN_PAIRS
from .frameworks import Band, Framework
from .model import Inspection, Standard
from .pairs import questions_asked, tabled
from .qa_report import qa_json, qa_markdown, qa_text
from .rules import Figures, Ratings, StandardResult, whole_percent
from .shown import shown_lines, spreadsheet_csv
from .wording import counted


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


def as_json(inspection: Inspection, framework: Framework, ratings: Ratings, min_pairs: int = MIN_PAIRS) -> dict[str, Any]:
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
                "decision": None
                if decision is None
                else {
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
        "cases": case_facts(inspection),
        "moderation": audit.moderation_json(inspection),
        "panel": audit.panel_json(inspection, ratings),
        "qa": {**qa_json(inspection), "agreement": agreement_json(tabled(inspection), questions_asked(inspection), min_pairs)},
    }


def case_facts(inspection: Inspection) -> dict[str, Any]:
    """What the reports count case by case beside the answers: management oversight, case
    managers interviewed, and the cases of samples no standard rates (resettlement)."""
    rated = {s.sample for s in inspection.standards if s.is_case_based}
    oversight = {answer: sum(1 for c in inspection.cases if c.oversight == answer) for answer in ("yes", "no", "n/a")}
    known = [c.interviewed for c in inspection.cases if c.interviewed is not None]
    return {
        "oversight": oversight,
        "interviewed": {"yes": sum(known), "of": len(known)},
        "not_rated": {
            sample: len(inspection.cases_in(sample))
            for sample in inspection.samples
            if sample not in rated and inspection.cases_in(sample)
        },
    }


def _case_facts_lines(inspection: Inspection) -> list[str]:
    facts = case_facts(inspection)
    lines = []
    judged = facts["oversight"]["yes"] + facts["oversight"]["no"]
    if judged:
        lines.append(f"Management oversight was effective in {facts['oversight']['yes']} of {judged} cases.")
    interviewed = facts["interviewed"]["yes"]
    if interviewed:  # what the file records: cases it says nothing of are not counted as not interviewed
        said = wording.of(inspection.framework, inspection.wording).get("interviews")
        lines.append(said.format(interviews=counted(interviewed, "interview")) if said else words.interviewed(interviewed))
    for sample, n in facts["not_rated"].items():
        lines.append(f"{inspection.samples[sample]}: {words.counted(n, 'case')} inspected, counted but not rated.")
    return lines


def _flag(result: StandardResult, framework: Framework) -> list[str]:
    """What the text report says beneath a standard: its computed rating when the panel moved
    it, which way the panel may move it and why (a reason a line), and the panel's decision."""
    lines = []
    computed, final = _name(result.computed), _name(result.final)
    if computed and computed != final:
        lines.append(f"computed: {computed}")
    if result.discretion.eligible:
        reasons = words.discretion_reasons(result.discretion, framework)
        lines += [f"{words.directions(result.discretion)} {reasons[0]}", *reasons[1:]]
    if result.decision is not None:
        decided = f"panel: {result.decision.rating}"
        lines.append(f"{decided} ({words.STALE}: made against {result.decision.computed})" if result.stale else decided)
    return lines


def as_text(
    inspection: Inspection,
    framework: Framework,
    ratings: Ratings,
    width: int = 80,
    min_pairs: int = MIN_PAIRS,
    coefficient: str = "ac1",
) -> str:
    """The ratings, each standard's key questions and the overall score, for a terminal `width`
    columns wide (80 at least): what will not fit wraps beneath its standard or question. Its
    agreement bars draw `coefficient`, given on `min_pairs` pairs at least."""
    width = max(width, 80)
    out = [inspection.title]
    domain = None
    titles = [f"{s.id} {s.title}" + ("" if s.counts else " (does not count)") for s in inspection.standards]
    rated = [words.rating(ratings.standards[s.id]) for s in inspection.standards]
    room = min(width - 4 - max(map(len, rated)), max(map(len, titles)))  # two to indent, two between
    for standard, title, rating in zip(inspection.standards, titles, rated, strict=True):
        if standard.domain != domain:
            domain = standard.domain
            out += ["", domain]
        wrapped = layout.indented(title, room + 2, 2, 6)
        out += [*wrapped[:-1], f"{wrapped[-1]:<{room + 2}}  {rating}".rstrip()]
        for line in _flag(ratings.standards[standard.id], framework):
            out += layout.indented(line, width, 6, 8)

    for standard in inspection.standards:
        if standard.is_case_based:
            out += ["", *_text_standard(inspection, standard, ratings, width)]

    overall = ratings.overall
    out += ["", f"Score {overall.score}/{overall.max}", f"Overall rating: {words.overall(overall)}"]
    assumed = words.assumed_thresholds(framework, overall.max)
    if assumed:
        out += layout.indented(f"Note: {assumed}", width, 0, 6)
    facts = [line for fact in _case_facts_lines(inspection) for line in layout.indented(fact, width, 0, 2)]
    out += ["", *facts] if facts else []
    out += ["", *audit.moderation_text(inspection, width), "", *audit.panel_text(inspection, ratings, width)]
    out += ["", *qa_text(inspection, width, min_pairs, coefficient)]
    return layout.fitted(shown_lines("\n".join(out)), width) + "\n"  # whatever the file's words


def _text_standard(inspection: Inspection, standard: Standard, ratings: Ratings, width: int) -> list[str]:
    """A case-based standard's key questions: relevant cases, number 'Yes' and %, the words wrapped."""
    result = ratings.standards[standard.id]
    sample = len(inspection.cases_in(standard.sample))
    rows: list[list[str]] = []
    for kq, figures in zip(standard.key_questions, result.key_questions, strict=True):
        if figures.judgement:
            rows.append([kq.text, "", "", words.band_name(figures.band)])
        else:
            shown = words.percent(figures) + (f" ({figures.unanswered} unanswered)" if figures.unanswered else "")
            rows.append([kq.text, str(figures.relevant), str(figures.yes), shown])
    head = [f"Of the {sample} cases inspected", "Relevant\ncases", "Number\n'Yes'", "%"]
    title = f"{standard.id} {standard.title}: {words.rating(result)}"
    return [*layout.indented(title, width, 0, 2), *layout.table(head, rows, width, 0, ("left", "right", "right", "right"))]


def as_markdown(
    inspection: Inspection, framework: Framework, ratings: Ratings, counts: bool = False, min_pairs: int = MIN_PAIRS
) -> str:
    """The ratings table and each standard's section, in the shape and words of its programme's
    published reports (`published.py`); `counts` adds the relevant cases and number 'Yes' (for
    panel minutes)."""
    shape = published.Shape(inspection, framework, ratings, wording.of(inspection.framework, inspection.wording), counts)
    out = [f"# {published.cell(inspection.title)}", ""]
    if inspection.fieldwork_start is not None:
        out += [f"Fieldwork started {inspection.fieldwork_start:%B %Y}", ""]
    out += [*shape.ratings_table(), *shape.domains()]
    facts = _case_facts_lines(inspection)
    out += ["", "## Cases", "", *facts] if facts else []
    out += ["", *audit.moderation_markdown(inspection), "", *audit.panel_markdown(inspection, ratings)]
    out += ["", *qa_markdown(inspection, min_pairs)]
    return shown_lines("\n".join(out)) + "\n"


def as_csv(inspection: Inspection, framework: Framework, ratings: Ratings) -> str:
    """One row per key question and prompt, for spreadsheets."""
    header = [
        "standard",
        "standard_title",
        "question",
        "kind",
        "text",
        "yes",
        "relevant",
        "unanswered",
        "percent",
        "percent_printed",
        "band",
    ]
    return spreadsheet_csv(header, _csv_rows(inspection, ratings))


def _csv_rows(inspection: Inspection, ratings: Ratings) -> Iterator[list[object]]:
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
                yield [standard.id, standard.title, question, kind, text, *counts, exact, printed, band or ""]
