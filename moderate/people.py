"""Who takes part in an inspection, and in what role (`[people]`, an optional key of ours):
inspector, local assessor, quality lead, lead inspector. Names are as `--as`, a case's
`inspector` and every `by` give them.

With no `[people]` table nobody has a role and nothing is refused, as before roles: names
are only names. With one, a name it does not list is not let in to moderate, a panel
decision or a judgement rating is the lead inspector's alone, and a local assessor's review
is not quality assurance. Nobody's review of a case they assessed themselves ever is.
"""

from __future__ import annotations

from typing import Mapping

from . import words
from .model import LEAD_INSPECTOR, LOCAL_ASSESSOR, Inspection

People = Mapping[str, str]  # name -> role


class NotPermitted(ValueError):
    """A command that the user's role does not allow: the session refuses it, saying why."""


class UnknownPerson(Exception):
    """A name the inspection's `[people]` does not list, moderating it."""


def check_user(inspection: Inspection, name: str) -> None:
    """UnknownPerson when the inspection names its people and `name` is not among them."""
    if inspection.people and name not in inspection.people:
        raise UnknownPerson(words.unknown_person(name, inspection.people))


def may_rate(people: People, name: str) -> bool:
    """Whether `name` may record a panel decision or a judgement rating: the lead inspector's to do."""
    return not people or people.get(name) == LEAD_INSPECTOR


def permit_rating(people: People, name: str, what: str) -> None:
    """NotPermitted, saying why, unless `name` may record `what` (a panel decision, a rating)."""
    if not may_rate(people, name):
        raise NotPermitted(words.not_lead_inspector(name, people.get(name), what))


def assures_quality(people: People, reviewer: str, assessor: str | None) -> bool:
    """Whether a review or change by `reviewer` of a case `assessor` assessed is quality
    assurance: never the assessor's own; with roles, anyone's in the file but a local assessor's."""
    if assessor and reviewer == assessor:
        return False
    return not people or people.get(reviewer) not in (None, LOCAL_ASSESSOR)


def warnings(inspection: Inspection) -> list[str]:
    """What `check` says of the people a file names: ratings and panel decisions by someone not
    the lead inspector, and names that `[people]` does not list."""
    people = inspection.people
    if not people:
        return []
    found = [
        words.rated_by_other(f"discretion[{i}]", d.standard, d.by, people.get(d.by), "panel decision")
        for i, d in enumerate(inspection.discretion)
        if not may_rate(people, d.by)
    ]
    found += [
        words.rated_by_other(f"moderation[{i}]", e.standard or "", e.by, people.get(e.by), "judgement rating")
        for i, e in enumerate(inspection.moderation)
        if e.is_rating and not may_rate(people, e.by)
    ]
    for i, case in enumerate(inspection.cases):
        if case.inspector and case.inspector not in people:
            found.append(words.not_in_people(f"cases[{i}] ({case.id}).inspector", case.inspector))
    lead = inspection.lead_inspector
    if lead and people.get(lead) != LEAD_INSPECTOR:
        found.append(words.not_in_people("inspection.lead_inspector", lead, people.get(lead)))
    return found
