"""Quality assurance as HMIP's quality leads do it: the dip sample's log read back, and how far
its checks have got, assessor by assessor (`spec/format.md`, "Quality assurance in the report").

A sampled case is *reviewed* when each of its key questions has a review or a change in the
moderation log by someone whose review is quality assurance (`people.assures_quality`: never
the case's own assessor). One count, used by the reports and the app alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from .model import FIELDWORK, Case, ModerationEntry, SampleEntry, Standard
from .people import People, assures_quality

Cell = tuple[str, str]  # (case id, question id)


@dataclass(frozen=True, slots=True)
class Sampled:
    """A case's time in the dip sample: the entry that chose it and, once it is taken out, the one that withdrew it."""

    chosen: SampleEntry
    withdrawal: SampleEntry | None = None

    @property
    def case(self) -> str:
        return self.chosen.case


def memberships(entries: Iterable[SampleEntry]) -> list[Sampled]:
    """Every time a case was chosen for the dip sample, in the order chosen, with its withdrawal
    if any. A case chosen again while in the sample, or withdrawn again, changes nothing."""
    found: list[Sampled] = []
    now: dict[str, int] = {}  # case -> its membership, while in the sample
    for entry in entries:
        if not entry.withdrawn:
            if entry.case not in now:
                now[entry.case] = len(found)
                found.append(Sampled(entry))
        elif entry.case in now:
            i = now.pop(entry.case)
            found[i] = replace(found[i], withdrawal=entry)
    return found


def in_sample(entries: Iterable[SampleEntry]) -> dict[str, SampleEntry]:
    """The cases the dip sample holds now, each with the entry that chose it, in the order chosen."""
    return {m.case: m.chosen for m in memberships(entries) if m.withdrawal is None}


def withdrawn(entries: Iterable[SampleEntry]) -> set[str]:
    """The cases withdrawn from the dip sample and not chosen again since."""
    found = memberships(entries)
    return {m.case for m in found if m.withdrawal is not None} - {m.case for m in found if m.withdrawal is None}


def phase_now(entries: Sequence[SampleEntry]) -> str:
    """The phase a case chosen by hand is chosen in: that of the latest choice, else fieldwork."""
    return next((e.phase for e in reversed(entries) if e.phase is not None), FIELDWORK)


def key_questions(standards: Iterable[Standard]) -> dict[str, tuple[str, ...]]:
    """Each sample's case-based key questions, in order: what a case of it answers, and a review checks."""
    found: dict[str, list[str]] = {}
    for standard in standards:
        if standard.sample is not None:
            found.setdefault(standard.sample, []).extend(kq.id for kq in standard.key_questions if not kq.judgement)
    return {sample: tuple(ids) for sample, ids in found.items()}


def checkers(
    cases: Mapping[str, Case], log: Iterable[ModerationEntry], people: People, found: dict[Cell, list[str]] | None = None
) -> dict[Cell, list[str]]:
    """Who has reviewed or changed each answer as quality assurance, in the log's order, each once
    (added to `found`, if given: the checkers of the log before it)."""
    found = {} if found is None else found
    for entry in log:
        case = cases.get(entry.case) if not entry.is_rating else None
        if case is not None and assures_quality(people, entry.by, case.inspector):
            names = found.setdefault((entry.case, entry.question), [])
            if entry.by not in names:
                names.append(entry.by)
    return found


@dataclass(frozen=True, slots=True)
class Tally:
    sampled: int = 0
    reviewed: int = 0


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the dip sample's checks have got."""

    memberships: tuple[Sampled, ...] = ()
    reviewed: frozenset[str] = frozenset()  # the cases in the sample now that are reviewed
    by_assessor: Mapping[str, Tally] = field(default_factory=dict)  # "" for cases that name no assessor

    @property
    def sampled(self) -> int:
        return sum(1 for m in self.memberships if m.withdrawal is None)


def progress(
    cases: Mapping[str, Case],
    standards: Iterable[Standard],
    entries: Iterable[SampleEntry],
    checked: Mapping[Cell, Sequence[str]],
) -> Progress:
    """The sample now, which of its cases are reviewed (`checked`: who assured each answer, as
    `checkers` gives it), and both counted by assessor (in the order the assessors first come in
    the file's cases)."""
    found = tuple(memberships(entries))
    questions = key_questions(standards)
    reviewed = set()
    by_assessor: dict[str, Tally] = {}
    for membership in found:
        case = cases.get(membership.case)
        if membership.withdrawal is not None or case is None:
            continue
        asked = questions.get(case.sample, ())
        done = bool(asked) and all((case.id, q) in checked for q in asked)
        if done:
            reviewed.add(case.id)
        tally = by_assessor.get(case.inspector or "", Tally())
        by_assessor[case.inspector or ""] = Tally(tally.sampled + 1, tally.reviewed + done)
    order = dict.fromkeys(case.inspector or "" for case in cases.values())  # the assessors in file order
    return Progress(found, frozenset(reviewed), {a: by_assessor[a] for a in order if a in by_assessor})
