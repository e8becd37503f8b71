"""A dip sample drawn on an open inspection (`moderate sample`): first, if asked, the pivotal
cases of the standards flagged for discretion (so that the panel's one-case decisions rest on
checked cases), then cases at random, stratified by assessor and by sample (`dip_sample.choose`);
each added to the session's dip sample saying how it was chosen, in which phase, from which seed."""

from __future__ import annotations

from dataclasses import dataclass

from . import words
from .dip_sample import Target, choose
from .qa import key_questions, withdrawn
from .session import Session


@dataclass(frozen=True, slots=True)
class Drawn:
    seed: int
    pivotal: dict[str, tuple[str, ...]]  # case -> the flagged standards it is pivotal for, for those added
    random: tuple[str, ...]

    @property
    def cases(self) -> tuple[str, ...]:
        return (*self.pivotal, *self.random)


def pivotal_for(session: Session) -> dict[str, tuple[str, ...]]:
    """Each case that a standard flagged for discretion rests on (`Session.pivotal`), in file
    order, with those standards."""
    found: dict[str, list[str]] = {}
    for standard in session.standards.values():
        if standard.is_case_based and session.ratings.standards[standard.id].discretion.eligible:
            for case in dict.fromkeys(p.case for p in session.pivotal(standard.id)):
                found.setdefault(case, []).append(standard.id)
    return {case: tuple(found[case]) for case in session.cases if case in found}


def draw(session: Session, target: Target | None, seed: int, phase: str, risk: bool) -> Drawn:
    """Add to the session's dip sample: the pivotal cases (with `risk`), then the random part up
    to `target`. Cases it holds count towards the target; cases withdrawn are never drawn again;
    only cases whose sample has key questions to check are drawn."""
    pivotal = pivotal_for(session) if risk else {}
    asked = key_questions(session.standards.values())
    chosen = choose(
        [case for case in session.cases.values() if asked.get(case.sample)],
        target or Target(per_assessor=0),
        seed,
        sampled=session.sampled,
        withdrawn=withdrawn(session.dip_sample),
        first=pivotal,
    )
    added = {case: pivotal[case] for case in chosen if case in pivotal}
    for standards in dict.fromkeys(added.values()):
        cases = [case for case, of in added.items() if of == standards]
        session.choose_for_sample(cases, phase, words.pivotal_method(standards), seed)
    random = tuple(case for case in chosen if case not in pivotal)
    if random and target is not None:
        session.choose_for_sample(random, phase, words.sample_method(target.per_assessor, target.total, seed), seed)
    return Drawn(seed, added, random)
