"""Which standards, questions and cases the grid shows while filters are on.

A pure function over the session: the screens draw what it gives and decide nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .session import Session


class Since(Enum):
    """How far back a changed answer counts."""

    SAVE = "since the last save"
    OPENED = "since the file was opened"
    LOGGED = "in the moderation log"  # saved, and what the next save will write


@dataclass(frozen=True, slots=True)
class Filters:
    flagged: bool = False  # standards eligible for discretion only
    changed: Since | None = None  # changed answers only
    unmoderated: bool = False  # cases not yet marked moderated
    inspector: str | None = None  # cases of this inspector
    text: str = ""  # questions whose id or words contain this (case ignored)
    sampled: bool = False  # cases in the dip sample only
    doubtful: bool = False  # key questions whose answer disagrees with their prompts (`consistency`), and their cases

    def describe(self) -> list[str]:
        """Each filter that is on, in words, for the screen's header."""
        said = ["flagged standards"] if self.flagged else []
        if self.changed is not None:
            said.append(f"answers changed {self.changed.value}")
        if self.unmoderated:
            said.append("cases not moderated")
        if self.inspector is not None:
            said.append(f"inspector {self.inspector}")
        if self.sampled:
            said.append("cases in the dip sample")
        if self.doubtful:
            said.append("key questions their prompts disagree with")
        if self.text:
            said.append(f"questions matching '{self.text}'")
        return said

    def __bool__(self) -> bool:
        return bool(self.describe())


@dataclass(frozen=True, slots=True)
class View:
    """What is shown, in the file's order: each standard with its questions (key questions,
    each followed by its prompts when they are shown), and the cases."""

    standards: tuple[tuple[str, tuple[str, ...]], ...]
    cases: tuple[str, ...]


def matches(question: str, words: str, text: str) -> bool:
    """A question whose id or words contain the text (case ignored); any does, for no text."""
    return text.casefold() in f"{question} {words}".casefold()


def changed_cells(session: Session, since: Since) -> set[tuple[str, str]]:
    """The (case, question) answers changed over that span."""
    if since is Since.SAVE:
        return set(session.unsaved_cells)
    if since is Since.OPENED:
        return set(session.changed)
    return {(e.case, e.question) for e in session.moderation if e.case and e.question and e.from_ != e.to}


def view(session: Session, sample: str, filters: Filters, prompts: bool) -> View:
    """The standards, questions and cases of a sample that the filters let through.

    A key question stays when any of its prompts shown does, so a prompt is never without
    its key question; a standard stays when any of its questions does. A key question in doubt
    keeps its prompts (with `prompts`): they are what it disagrees with.
    """
    held = session.sampled if filters.sampled else None
    cases = [
        c
        for c in session.cases.values()
        if c.sample == sample
        and not (filters.unmoderated and c.moderated)
        and (filters.inspector is None or c.inspector == filters.inspector)
        and (held is None or c.id in held)
        and not (filters.doubtful and not session.doubts(c.id))
    ]
    cells = changed_cells(session, filters.changed) if filters.changed is not None else None
    if cells is not None:
        ids = {case for case, _ in cells}
        cases = [c for c in cases if c.id in ids]
    shown_cases = {c.id for c in cases}
    doubted = {q for case in shown_cases for q in session.doubts(case)} if filters.doubtful else None

    def keeps(question: str, words: str, key_question: str) -> bool:
        if not matches(question, words, filters.text):
            return False
        if doubted is not None and key_question not in doubted:
            return False
        return cells is None or any((case, question) in cells for case in shown_cases)

    standards = []
    for standard in session.standards.values():
        if standard.sample != sample:
            continue
        if filters.flagged and not session.ratings.standards[standard.id].discretion.eligible:
            continue
        questions: list[str] = []
        for kq in standard.key_questions:
            below = [p.id for p in kq.prompts if prompts and keeps(p.id, p.text, kq.id)]
            if below or keeps(kq.id, kq.text, kq.id):
                questions += [kq.id, *below]
        if questions or not (filters.text or cells is not None or doubted is not None):
            standards.append((standard.id, tuple(questions)))
    return View(tuple(standards), tuple(c.id for c in cases))
