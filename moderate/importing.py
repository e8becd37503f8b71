"""Many answers set at once by a command that saves them and ends (`moderate import`): the
file as a session would save it after `Session.set_answers`, made without a session.

A session keeps, for each answer it changes, what its undo, its unsaved count, the screens
and the next save's log need: several records an answer, most of an import's time and memory
at 50,000 cases. A command that saves at once and ends needs none of them. Here an import
costs about a dict entry an answer, and is logged as `Session.set_answers` logs one: an entry
for each answer it changes, all at one time and for the one reason; a first answer (one
with no entries before) is data entry, not logged.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, fields, replace
from operator import attrgetter, itemgetter
from typing import Mapping, TypeGuard

from .model import CODE_OF, Answer, Answers, Case, Inspection, ModerationEntry
from .session import Imported, Move, moved, reason_required


@dataclass(frozen=True, slots=True)
class Set:
    """An inspection with answers set, and how many: `first` of them were unanswered before."""

    inspection: Inspection
    answers: int = 0
    first: int = 0


def set_answers(
    inspection: Inspection, wanted: Mapping[str, Mapping[str, Answer | None]], by: str, at: dt.datetime, reason: str | None
) -> Set:
    """The answers `wanted` (case by case, `session.wanted`) set in the file as opened, by `by`
    at `at`, logged for `reason`. KeyError for a case the file does not have; ReasonRequired,
    nothing set, if one changes an answer given before where the inspection requires a reason
    and `reason` gives none."""
    reason = (reason or "").strip() or None
    logged = {entry.about for entry in inspection.moderation}  # given again, it is not a first answer
    logged_cases = {case_id for case_id, _ in logged}
    template = Imported.of((), by, at, reason)  # each answer's entry is its own, as an import's change is
    cases: dict[str, Case] = {}
    entries: list[ModerationEntry] = []
    count = first = 0
    for case_id, given in wanted.items():
        case = inspection.case(case_id)
        if _all_first(given, case) and case_id not in logged_cases:  # the file's bytes, as the table gave them
            cases[case_id] = _with_answers(case, given)
            answered = len(given)
            count += answered
            first += answered
            continue
        moves = moved(case_id, case.answers, given)
        if not moves:
            continue
        if not case.answers and case_id not in logged_cases:  # every one a first answer, none logged before
            first += len(moves)
        else:
            for move in moves:
                _, question, old, _ = move
                if old is not None and reason is None and inspection.reasons_required:
                    raise reason_required(case_id, question)
                if old is not None or (case_id, question) in logged:
                    entries.append(template.change(move).entry)
                first += old is None
        cases[case_id] = _with_answers(case, _answered(case.answers, moves))
        count += len(moves)
    if not cases:
        return Set(inspection)
    return Set(
        replace(
            inspection,
            cases=tuple(cases.get(case.id, case) for case in inspection.cases),
            moderation=(*inspection.moderation, *entries),
        ),
        count,
        first,
    )


_FIELDS = attrgetter(*(f.name for f in fields(Case)))  # a case's values, in the order `Case` takes them
_ANSWERS_AT = [f.name for f in fields(Case)].index("answers")


def _with_answers(case: Case, answers: Mapping[str, Answer]) -> Case:
    """`replace(case, answers=answers)`, without its look at each field by name: an import makes one for each case."""
    values = list(_FIELDS(case))
    values[_ANSWERS_AT] = answers
    return Case(*values)


def _all_first(given: Mapping[str, Answer | None], case: Case) -> TypeGuard[Answers]:
    """Whether `given` are a case's answers as its file keeps them (a usual row of a wide table),
    the case having none yet: then they are its answers as they are, with no answer looked at."""
    return (
        bool(given)
        and isinstance(given, Answers)
        and isinstance(case.answers, Answers)
        and given.questions is case.answers.questions
        and not case.answers
    )


def _answered(now: Mapping[str, Answer], moves: list[Move]) -> Mapping[str, Answer]:
    """A case's answers with these moves made: a byte a question, as the file's are read, where
    they are so (a dict of every answer was most of a large import's memory)."""
    if isinstance(now, Answers):
        try:  # each move's column and code, looked up at C speed: an import may make 500,000
            columns = list(map(now.questions.index.__getitem__, map(itemgetter(1), moves)))
        except KeyError:  # a question not of the case's sample: a dict, for the reader to refuse
            pass
        else:
            codes = bytearray(now.codes)  # each byte set at C speed too: a deque that keeps none runs the map
            deque(map(codes.__setitem__, columns, map(CODE_OF.__getitem__, map(itemgetter(3), moves))), maxlen=0)
            return Answers(now.questions, bytes(codes))
    answers = dict(now.items())
    for _, question, _, new in moves:
        if new is None:
            del answers[question]
        else:
            answers[question] = new
    return answers
