"""The rules checked against themselves: what rating the whole inspection again finds."""

from __future__ import annotations

from dataclasses import replace

from moderate.model import Answer
from moderate.rules import DOWN, UP, rate_inspection

FLIPPED = {Answer.YES: Answer.NO, Answer.NO: Answer.YES}


def moves_alone(loaded, standard_id: str) -> set[tuple[str, str, str]]:
    """Every (case, key question, way) whose one answer turned yes<->no moves the standard's
    computed rating: found by rating the whole inspection again for each, not by rule (b)."""
    inspection, framework = loaded.inspection, loaded.framework
    standard = inspection.standard(standard_id)
    before = rate_inspection(inspection, framework).standards[standard_id].computed
    found = set()
    for case in inspection.cases_in(standard.sample):
        for kq in standard.key_questions:
            answer = case.answers.get(kq.id)
            if answer not in FLIPPED:
                continue
            answers = {**dict(case.answers.items()), kq.id: FLIPPED[answer]}
            cases = tuple(replace(c, answers=answers) if c.id == case.id else c for c in inspection.cases)
            after = rate_inspection(replace(inspection, cases=cases), framework).standards[standard_id].computed
            if after != before:
                found.add((case.id, kq.id, DOWN if answer == Answer.YES else UP))
    return found
