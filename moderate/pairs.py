"""First-against-second pairs (`spec/format.md`, "Quality assurance in the report"), and their
tables by question, by assessor and by role, which add up over many inspections.

A pair is one answer of a finished second assessment beside the first assessor's answer to
the same question of the same case, both given. The first answer is the assessor's as it
stood before moderation changed it (the `from` of the answer's first log entry, where it has
one): reconciling an answer afterwards never changes what the pair says. A case assessed a
second time by two people makes a pair with each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Mapping, NamedTuple, Protocol, TypeVar

from .coefficients import Pairs
from .model import ROLES, UNANSWERED, Answer, Inspection

QuestionKey = tuple[str, str]  # (framework, question id): one id means other questions in other frameworks
_Key = TypeVar("_Key")
_Sum = TypeVar("_Sum", bound="_Addable")


class _Addable(Protocol):
    def __add__(self: _Sum, other: _Sum) -> _Sum: ...


@dataclass(frozen=True, slots=True)
class Pair:
    case: str
    question: str
    first: Answer
    second: Answer
    assessor: str  # the case's `inspector`, "" when it names none
    by: str  # the second assessor


def first_answers(inspection: Inspection) -> dict[tuple[str, str], str]:
    """Each logged answer (case, question) as it stood before its first moderation entry."""
    before: dict[tuple[str, str], str] = {}
    for entry in inspection.moderation:
        if not entry.is_rating:
            before.setdefault((entry.case, entry.question), entry.from_)
    return before


def pairs(inspection: Inspection) -> Iterator[Pair]:
    """Every pair of the inspection, case by case in file order, each second assessment's in question order."""
    before = first_answers(inspection)
    for case in inspection.cases:
        for second in case.second_assessments:
            if second.finished is None:
                continue  # still blind, still being given
            for question, answer in second.answers.items():
                now = case.answers.get(question)
                first = before.get((case.id, question), UNANSWERED if now is None else now.value)
                if first != UNANSWERED:
                    yield Pair(case.id, question, Answer(first), answer, case.inspector or "", second.by)


class Asked(NamedTuple):
    """A question as the reports name it: its words, and whether it is a prompt."""

    text: str
    prompt: bool = False


def questions_asked(inspection: Inspection) -> dict[QuestionKey, Asked]:
    """Every key question and prompt, in file order."""
    asked = {}
    for standard in inspection.standards:
        for kq in standard.key_questions:
            asked[inspection.framework, kq.id] = Asked(kq.text)
            asked.update(((inspection.framework, prompt.id), Asked(prompt.text, True)) for prompt in kq.prompts)
    return asked


@dataclass(frozen=True, slots=True)
class PairTables:
    """The pairs of one inspection or many, as tables: in all, by question, by the first
    assessor and by their role, each listing only what has pairs, in the order first met."""

    total: Pairs = Pairs()
    by_question: Mapping[QuestionKey, Pairs] = field(default_factory=dict)
    by_assessor: Mapping[str, Pairs] = field(default_factory=dict)
    by_role: Mapping[str, Pairs] = field(default_factory=dict)  # the first assessor's in `[people]` ("" for none)

    def __add__(self, other: PairTables) -> PairTables:
        return PairTables(
            self.total + other.total,
            added(self.by_question, other.by_question),
            added(self.by_assessor, other.by_assessor),
            added(self.by_role, other.by_role),
        )


def added(ours: Mapping[_Key, _Sum], theirs: Mapping[_Key, _Sum]) -> dict[_Key, _Sum]:
    """Two tallies added key by key (of pairs, or of moderation's counts), ours' keys first."""
    summed = dict(ours)
    for key, value in theirs.items():
        summed[key] = summed[key] + value if key in summed else value
    return summed


def tabled(inspection: Inspection) -> PairTables:
    """The pairs of one inspection, as tables."""
    found = list(pairs(inspection))
    by_question = {key: Pairs() for key in questions_asked(inspection)}  # in file order, however the pairs come
    by_assessor = {case.inspector or "": Pairs() for case in inspection.cases}
    by_role = {role: Pairs() for role in (*ROLES, "")}
    for pair in found:
        one = Pairs.of([(pair.first.value, pair.second.value)])
        key = (inspection.framework, pair.question)
        by_question[key] = by_question.get(key, Pairs()) + one
        by_assessor[pair.assessor] += one
        by_role[inspection.people.get(pair.assessor, "")] += one
    return PairTables(
        Pairs.of((pair.first.value, pair.second.value) for pair in found),
        {key: table for key, table in by_question.items() if table.total},
        {name: table for name, table in by_assessor.items() if table.total},
        {role: table for role, table in by_role.items() if table.total},
    )
