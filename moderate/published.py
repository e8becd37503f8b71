"""The markdown report's body in the shape its programme publishes: the ratings table, then
each domain with its sample and each standard as its own section (statement, rating, the key
questions' table and the prompts'), footnoted as the programme footnotes, in its own words
(`wording.py`, the standards' and questions' own keys)."""

from __future__ import annotations

from typing import Any, Mapping

from . import words
from .frameworks import Framework
from .model import Inspection, KeyQuestion, Standard
from .rules import Figures, Ratings, StandardResult
from .wording import counted, listing

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class Footnotes:
    """Numbered as the reports number them, through the document, each printed after its section."""

    def __init__(self) -> None:
        self.count = 0
        self.pending: list[str] = []

    def mark(self, text: str | None) -> str:
        """The marker of a footnote saying `text` (none for no text)."""
        if not text:
            return ""
        self.count += 1
        marker = str(self.count).translate(SUPERSCRIPTS)
        self.pending.append(f"{marker} {text}")
        return marker

    def flush(self) -> list[str]:
        notes, self.pending = self.pending, []
        return [line for note in notes for line in ("", note)]  # a paragraph each, not run together


class Shape:
    """One report's shape: its inspection, framework, ratings, wording and footnotes."""

    def __init__(self, inspection: Inspection, framework: Framework, ratings: Ratings, wording: Mapping[str, Any], counts: bool):
        self.inspection, self.framework, self.ratings, self.wording = inspection, framework, ratings, wording
        self.notes = Footnotes()
        self.show_counts = counts or framework.printed_counts
        self.show_percent = counts or not framework.printed_counts
        self.service = inspection.service or "service"

    def said(self, key: str, **values: str) -> str | None:
        """A wording of the programme filled in, or None where it has none."""
        text = self.wording.get(key)
        return text.format(service=self.service, **values) if isinstance(text, str) else None

    # ------------------------------------------------------------ the ratings table

    def ratings_table(self) -> list[str]:
        overall = self.ratings.overall
        out = [
            "## Ratings",
            "",
            f"| {cell(self.inspection.title)} | Score | {overall.score}/{overall.max} |",
            "|---|---|---|",
            f"| Overall rating | {overall.rating or 'Incomplete'} | |",
        ]
        domain = None
        for standard in self.inspection.standards:
            if standard.domain != domain:
                domain = standard.domain
                note = "" if standard.counts else self.notes.mark(self.said("not_counted", domain=domain.lower()))
                out.append(f"| {cell(self.domain_heading(standard))}{note} | | |")
            out.append(f"| {standard.id} | {cell(standard.title)} | {words.rating(self.ratings.standards[standard.id])} |")
        assumed = words.assumed_thresholds(self.framework, overall.max)
        return out + self.notes.flush() + (["", assumed] if assumed else [])

    def domain_heading(self, standard: Standard) -> str:
        number_ = standard.id.split(".")[0]
        return f"{number_}. {standard.domain}" if self.framework.numbered_domains else standard.domain

    # ------------------------------------------------------------ domains and their samples

    def domains(self) -> list[str]:
        out: list[str] = []
        domain = None
        for standard in self.inspection.standards:
            if standard.domain != domain:
                domain = standard.domain
                out += ["", f"## {cell(self.domain_heading(standard))}"]
                sample = next((s.sample for s in self.inspection.standards if s.domain == domain and s.is_case_based), None)
                described = self.sample_sentences(sample) if sample else []
                out += ["", " ".join(described)] if described else []
            out += ["", *self.standard(standard)]
        return out

    def sample_sentences(self, sample: str) -> list[str]:
        """'We took a detailed look at seven community sentences and one custodial sentence managed
        by the YOS.', and how many case managers were interviewed, as far as the file records."""
        said = self.wording.get("samples", {}).get(sample, {})
        cases = self.inspection.cases_in(sample)
        out = []
        kinds: dict[str, int] = {}
        for case in cases:
            if case.disposal:
                kinds[case.disposal] = kinds.get(case.disposal, 0) + 1
        if "cases" in said and cases and sum(kinds.values()) == len(cases):
            plurals = self.wording.get("disposals", {})
            disposals = listing([counted(n, kind, plurals.get(kind)) for kind, n in kinds.items()])
            out.append(said["cases"].format(service=self.service, cases=counted(len(cases), "case"), disposals=disposals))
        interviewed = sum(1 for case in cases if case.interviewed)
        if "interviews" in said and interviewed:
            out.append(
                said["interviews"].format(
                    service=self.service,
                    interviews=counted(interviewed, "interview"),
                    interviewed_cases=counted(interviewed, "case"),
                )
            )
        return out

    # ------------------------------------------------------------ a standard

    def standard(self, standard: Standard) -> list[str]:
        """A standard as its report section: heading, statement, rating; then, for one with key
        questions, what the rating is based on, the table, the panel's discretion, the prompts."""
        result = self.ratings.standards[standard.id]
        heading = f"{standard.id}. {standard.title}" if self.framework.numbered_domains else f"{standard.id} {standard.title}"
        out = [f"### {cell(heading)}", ""]
        if standard.statement:
            out += [cell(standard.statement), ""]
        out.append(f"**{words.rating(result)}**")
        if not standard.is_case_based:
            return out + self.notes.flush()
        note = self.notes.mark(standard.rating_note or self.said("rating_note"))
        based_on = self.said("based_on", note=note, standard=standard.title.lower(), Standard=standard.title)
        out += ["", based_on] if based_on else []
        moved = self.discretion(standard, result)
        footnoted = moved if self.wording.get("discretion") != "body" else None
        out += ["", *self.key_questions(standard, result, footnoted)]
        if moved and not footnoted:
            out += ["", moved]
        for kq, figures in zip(standard.key_questions, result.key_questions, strict=True):
            if kq.prompts:
                out += ["", f"#### {cell(kq.text)}", "", *self.prompts(standard, kq, figures)]
        return out + self.notes.flush()

    def discretion(self, standard: Standard, result: StandardResult) -> str | None:
        """The panel's standing decision in the programme's words, when it moved the rating."""
        computed, final = result.computed, result.final
        if result.decision is None or result.stale or computed is None or final is None or computed == final:
            return None
        key = "discretion_up" if final.rank > computed.rank else "discretion_down"
        return self.said(
            key, Standard=standard.title, standard=standard.title.lower(), computed=computed.rating, rating=final.rating
        )

    def key_questions(self, standard: Standard, result: StandardResult, discretion: str | None) -> list[str]:
        """The key questions' table; the panel's discretion, in a footnote, on the lowest one's figure."""
        sample = len(self.inspection.cases_in(standard.sample))
        stem = _stem([kq.text for kq in standard.key_questions])
        head = (stem or (words.cases_of(sample, None) if self.show_counts else "")) + _after(self.notes.mark(standard.head_note))
        rows = []
        marked = False
        for kq, figures in zip(standard.key_questions, result.key_questions, strict=True):
            text = kq.text[len(stem) :].strip() if stem else kq.text
            lowest = figures.id in result.lowest
            on_figure = self.notes.mark(discretion) if discretion and lowest and not marked else ""
            marked = marked or bool(on_figure)
            rows.append(self.row(text, figures, lowest, self.notes.mark(kq.note), kq.figure, on_figure))
        return self.table(head, rows)

    def prompts(self, standard: Standard, kq: KeyQuestion, figures: Figures) -> list[str]:
        sample = len(self.inspection.cases_in(standard.sample))
        head = words.cases_of(figures.relevant if kq.relevant_to else sample, kq.relevant_to)
        rows = [self.row(p.text, self.ratings.prompts[p.id], False, self.notes.mark(p.note)) for p in kq.prompts]
        return self.table(head if self.show_counts else "", rows)

    def columns(self) -> list[str]:
        return (["Relevant cases", "Number 'Yes'"] if self.show_counts else []) + (["% 'Yes'"] if self.show_percent else [])

    def table(self, head: str, rows: list[str]) -> list[str]:
        columns = self.columns()
        return [f"| {cell(head)} | {' | '.join(columns)} |", "|---|" + "---:|" * len(columns), *rows]

    def row(self, text: str, figures: Figures, lowest: bool, note: str, shown: bool = True, on_figure: str = "") -> str:
        """A question's row: its words (bold when lowest, with its footnote) and its figures as the
        programme prints them (none where it does not publish them)."""
        width = len(self.columns())
        if figures.judgement:
            cells = [""] * (width - 1) + [words.band_name(figures.band)]
        elif not shown:
            cells = [""] * width
        else:
            cells = ([str(figures.relevant), str(figures.yes)] if self.show_counts else []) + (
                [words.percent(figures)] if self.show_percent else []
            )
        text = cell(text)
        if lowest:
            text, cells = f"**{text}**", [f"**{c}**" if c else c for c in cells]
        if on_figure and cells:
            cells[-1] += on_figure
        return f"| {text}{_after(note)} | {' | '.join(cells)} |"


def _after(marker: str) -> str:
    """A footnote's marker after words and a space, as the reports set it: 'safe? ¹¹'."""
    return f" {marker}" if marker else ""


def _stem(texts: list[str]) -> str:
    """The stem the key questions share, as the 2025 programme prints them ('Does assessing
    sufficiently analyse how to:', then each ending); empty when they share none."""
    stems = {text.partition(": ")[0] + ":" for text in texts if ": " in text}
    return stems.pop() if len(texts) > 1 and len(stems) == 1 and all(": " in t for t in texts) else ""
