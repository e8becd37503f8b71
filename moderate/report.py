"""`moderate report`: the ratings as JSON (`spec/format.md`) or as published tables."""

from __future__ import annotations

from typing import Any, Iterator


from . import audit, layout, words
from .frameworks import Band, Framework
from .model import Inspection, Standard
from .qa_report import qa_json, qa_markdown, qa_text
from .rules import Figures, Ratings, StandardResult, whole_percent
from .shown import shown_lines


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
        "qa": qa_json(inspection),
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
    if facts["interviewed"]["of"]:
        lines.append(f"Case managers were interviewed in {facts['interviewed']['yes']} of {facts['interviewed']['of']} cases.")
    for sample, n in facts["not_rated"].items():
        lines.append(f"{inspection.samples[sample]}: {n} case{'s' if n != 1 else ''} inspected, counted but not rated.")
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
        lines.append(f"{decided} (STALE: made against {result.decision.computed})" if result.stale else decided)
    return lines


def as_text(inspection: Inspection, framework: Framework, ratings: Ratings, width: int = 80) -> str:
    """The ratings, each standard's key questions and the overall score, for a terminal `width`
    columns wide (80 at least): what will not fit wraps beneath its standard or question."""
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
    out += ["", *qa_text(inspection, width)]
    return shown_lines("\n".join(out)) + "\n"


def _text_standard(inspection: Inspection, standard: Standard, ratings: Ratings, width: int) -> list[str]:
    """A case-based standard's key questions: relevant cases, number 'Yes' and %, the words wrapped."""
    result = ratings.standards[standard.id]
    sample = len(inspection.cases_in(standard.sample))
    rows: list[list[str]] = []
    for kq, figures in zip(standard.key_questions, result.key_questions, strict=True):
        if figures.judgement:
            rows.append([kq.text, "", "", _name(figures.band) or "not yet rated"])
        else:
            shown = words.percent(figures) + (f" ({figures.unanswered} unanswered)" if figures.unanswered else "")
            rows.append([kq.text, str(figures.relevant), str(figures.yes), shown])
    head = [f"Of the {sample} cases inspected", "Relevant\ncases", "Number\n'Yes'", "%"]
    title = f"{standard.id} {standard.title}: {words.rating(result)}"
    return [*layout.indented(title, width, 0, 2), *layout.table(head, rows, width, 0, ("left", "right", "right", "right"))]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class _Footnotes:
    """Numbered as the reports number them, through the document, each printed after its section."""

    def __init__(self) -> None:
        self.count = 0
        self.pending: list[str] = []

    def mark(self, text: str) -> str:
        self.count += 1
        marker = str(self.count).translate(SUPERSCRIPTS)
        self.pending.append(f"{marker} {text}")
        return marker

    def flush(self) -> list[str]:
        notes, self.pending = self.pending, []
        return ["", *notes] if notes else []


DRIVEN_BY_LOWEST = (
    "The rating for the standard is driven by the lowest score on each of the key questions, "
    "which is placed in a rating band, indicated in bold in the table."
)


def as_markdown(inspection: Inspection, framework: Framework, ratings: Ratings, counts: bool = False) -> str:
    """The ratings table and each case-based standard's section, in the shape of its framework's
    published reports; `counts` adds the relevant cases and number 'Yes' (for panel minutes)."""
    notes = _Footnotes()
    out = [f"# {inspection.title}", ""]
    if inspection.fieldwork_start is not None:
        out += [f"Fieldwork started {inspection.fieldwork_start:%B %Y}", ""]
    out += _markdown_ratings(inspection, framework, ratings, notes)
    for standard in inspection.standards:
        if standard.is_case_based:
            out += ["", *_markdown_standard(inspection, standard, framework, ratings, notes, counts)]
    facts = _case_facts_lines(inspection)
    out += ["", "## Cases", "", *facts] if facts else []
    out += ["", *audit.moderation_markdown(inspection), "", *audit.panel_markdown(inspection, ratings)]
    out += ["", *qa_markdown(inspection)]
    return shown_lines("\n".join(out)) + "\n"


def _domain_heading(standard: Standard, framework: Framework) -> str:
    number = standard.id.split(".")[0]
    return f"{number}. {standard.domain}" if framework.numbered_domains else standard.domain


def _markdown_ratings(inspection: Inspection, framework: Framework, ratings: Ratings, notes: _Footnotes) -> list[str]:
    overall = ratings.overall
    out = [
        "## Ratings",
        "",
        f"| {_cell(inspection.title)} | Score | {overall.score}/{overall.max} |",
        "|---|---|---|",
        f"| Overall rating | {overall.rating or 'Incomplete'} | |",
    ]
    domain = None
    for standard in inspection.standards:
        if standard.domain != domain:
            domain = standard.domain
            note = (
                "" if standard.counts else notes.mark(f"The rating for {domain.lower()} does not influence the overall rating.")
            )
            out.append(f"| {_cell(_domain_heading(standard, framework))}{note} | | |")
        out.append(f"| {standard.id} | {_cell(standard.title)} | {words.rating(ratings.standards[standard.id])} |")
    assumed = words.assumed_thresholds(framework, overall.max)
    return out + notes.flush() + (["", assumed] if assumed else [])


def _markdown_standard(
    inspection: Inspection, standard: Standard, framework: Framework, ratings: Ratings, notes: _Footnotes, counts: bool
) -> list[str]:
    """A standard as its report section: heading, statement, rating, key questions, prompts."""
    result = ratings.standards[standard.id]
    out = [f"### {standard.id}. {standard.title}" if framework.numbered_domains else f"### {standard.id} {standard.title}", ""]
    if standard.statement:
        out += [_cell(standard.statement), ""]
    computed, final = result.computed, result.final
    decided = (
        result.decision is not None and not result.stale and computed is not None and final is not None and computed != final
    )
    mark = notes.mark(words.panel_applied(computed, final)) if decided and computed and final else ""
    out += [f"**{words.rating(result)}**{mark}", ""]
    if standard.statement:
        marker = notes.mark(DRIVEN_BY_LOWEST)
        out += [f"Our rating{marker} for {standard.title.lower()} is based on the following key questions:", ""]
    sample = len(inspection.cases_in(standard.sample)) if standard.sample else 0
    rows = [
        (kq.text, figures, figures.id in result.lowest)
        for kq, figures in zip(standard.key_questions, result.key_questions, strict=True)
    ]
    out += _markdown_table(f"Of the {sample} cases inspected:", rows, framework, counts)
    for kq in standard.key_questions:
        if kq.prompts:
            prompts = [(p.text, ratings.prompts[p.id], False) for p in kq.prompts]
            out += [
                "",
                f"#### {_cell(kq.text)}",
                "",
                *_markdown_table(f"Of the {sample} cases inspected:", prompts, framework, counts),
            ]
    return out + notes.flush()


def _markdown_table(heading: str, rows: list[tuple[str, Figures, bool]], framework: Framework, counts: bool) -> list[str]:
    """Questions and their figures: counts, % 'Yes' or both, as the framework prints them; the
    lowest key question (ties too) in bold."""
    show_counts = counts or framework.printed_counts
    show_percent = counts or not framework.printed_counts
    columns = (["Relevant cases", "Number 'Yes'"] if show_counts else []) + (["% 'Yes'"] if show_percent else [])
    out = [f"| {heading if show_counts else ''} | {' | '.join(columns)} |", "|---|" + "---:|" * len(columns)]
    for text, figures, lowest in rows:
        if figures.judgement:
            cells = [""] * (len(columns) - 1) + [_name(figures.band) or "not yet rated"]
        else:
            cells = ([str(figures.relevant), str(figures.yes)] if show_counts else []) + (
                [words.percent(figures)] if show_percent else []
            )
        if lowest:
            text, cells = f"**{text}**", [f"**{c}**" if c else c for c in cells]
        out.append(f"| {_cell(text)} | {' | '.join(cells)} |")
    return out


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
    return audit.spreadsheet_csv(header, _csv_rows(inspection, ratings))


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
