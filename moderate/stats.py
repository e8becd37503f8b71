"""`moderate stats`: moderation and agreement added up over many inspections (a year's, say),
by question (framework and id: a 2018 and a 2025 "2.1.2" are other questions), by assessor
and by moderator, in text, markdown, CSV and JSON.

Files are read without the cache of parsed files: it keeps the few files people have open,
and a year's thirty would each miss it and push those out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from tabulate import tabulate

from . import words
from .agreement import Agreement, Count, count
from .agreement_report import agreement_csv, agreement_json, agreement_markdown, agreement_text
from .audit import COUNT_HEADERS, count_cells, counts_json, one_line
from .model import Inspection
from .pairs import Asked, PairTables, QuestionKey, questions_asked, tabled
from .reading import InspectionError, parse_bytes, read_file


@dataclass
class Inspections:
    """What many inspections say together, and the files that could not be read, with why."""

    files: list[str] = field(default_factory=list)
    skipped: list[InspectionError] = field(default_factory=list)
    counts: Agreement = Agreement()
    pairs: PairTables = PairTables()
    asked: dict[QuestionKey, Asked] = field(default_factory=dict)  # the words each question was first met with

    def add(self, name: str, inspection: Inspection) -> None:
        self.files.append(name)
        self.counts += count(inspection)
        self.pairs += tabled(inspection)
        self.asked = {**questions_asked(inspection), **self.asked}


def files_in(paths: Iterable[Path]) -> list[Path]:
    """The files given, a directory standing for the `.toml` files in it (not below it), by name."""
    found: list[Path] = []
    for path in paths:
        found += sorted(p for p in path.glob("*.toml") if not p.name.startswith(".")) if path.is_dir() else [path]
    return found


def gathered(paths: Iterable[Path]) -> Inspections:
    inspections = Inspections()
    for path in files_in(paths):
        try:
            inspection = parse_bytes(read_file(path), str(path)).inspection  # never through the cache
        except InspectionError as error:
            inspections.skipped.append(error)
        else:
            inspections.add(str(path), inspection)
    return inspections


def stats_json(inspections: Inspections, min_pairs: int) -> dict[str, Any]:
    return {
        "files": inspections.files,
        "skipped": [{"file": error.source, "problems": error.problems} for error in inspections.skipped],
        **counts_json(inspections.counts, inspections.asked),
        "qa": {"agreement": agreement_json(inspections.pairs, inspections.asked, min_pairs)},
    }


BY = {"question": "by_question", "inspector": "by_inspector", "moderator": "by_moderator"}


def stats_text(inspections: Inspections, by: Iterable[str], min_pairs: int, coefficient: str) -> str:
    counts = inspections.counts
    out = [f"{words.counted(len(inspections.files), 'inspection')}. {words.review_summary(counts.total)}"]
    out += ["", *agreement_text(inspections.pairs, inspections.asked, min_pairs, coefficient)]
    for name in by if counts.total.reviewed else ():
        tallied: Mapping[Any, Count] = getattr(counts, BY[name])
        # most changed first; stable: ties in first-seen order
        rows = sorted(tallied.items(), key=lambda item: (-item[1].changed, -item[1].changed_back))
        table = [[_label(key), *count_cells(c)] for key, c in rows]
        out += [
            "",
            f"By {name}, most changed first",
            tabulate(
                table,
                headers=[name.capitalize(), *COUNT_HEADERS],
                tablefmt="simple",
                colalign=("left", "right", "right", "right", "right"),
                disable_numparse=True,
            ),
        ]
    return "\n".join(out) + "\n"


def _label(key: str | QuestionKey) -> str:
    if isinstance(key, tuple):
        framework, question = key
        return one_line(f"{question} ({framework})")
    return one_line(key) or words.NONE_NAMED  # a name's escapes shown, as the report's tables show them


def stats_markdown(inspections: Inspections, min_pairs: int) -> str:
    head = [f"# {words.counted(len(inspections.files), 'inspection')}", "", words.review_summary(inspections.counts.total), ""]
    return "\n".join([*head, *agreement_markdown(inspections.pairs, inspections.asked, min_pairs)]) + "\n"


def stats_csv(inspections: Inspections, min_pairs: int) -> str:
    return agreement_csv(inspections.pairs, inspections.asked, min_pairs)
