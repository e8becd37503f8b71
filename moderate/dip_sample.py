"""Choosing a dip sample, as HMIP's quality leads check their assessors' work: cases drawn at
random, stratified by assessor and by sample, reproducibly from a seed.

A pure function of the cases and what the sample already holds: the same seed on the same
file chooses the same cases. Cases already sampled count towards the targets (sampling
again tops the sample up, it never replaces it); a case once withdrawn is never drawn again
(choosing it again is for a person to do, by hand).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

from .model import Case

Stratum = tuple[str, str]  # (assessor, sample): "" for a case that names no assessor


@dataclass(frozen=True, slots=True)
class Target:
    """How large the dip sample should be: K cases of each assessor, or N in all."""

    per_assessor: int | None = None
    total: int | None = None


def choose(
    cases: Sequence[Case],
    target: Target,
    seed: int,
    sampled: Iterable[str] = (),
    withdrawn: Iterable[str] = (),
    first: Iterable[str] = (),
) -> tuple[str, ...]:
    """The cases to add to the dip sample, `first` ones first (the pivotal cases, which count
    towards the target), then the random part in file order. `sampled`: the cases the sample
    holds already; `withdrawn`: those withdrawn from it, never drawn again."""
    have = set(sampled)
    barred = set(withdrawn) | have
    added = [case for case in dict.fromkeys(first) if case not in barred]
    have |= set(added)
    strata: dict[Stratum, list[Case]] = {}
    for case in cases:
        strata.setdefault(stratum(case), []).append(case)
    counts = {key: sum(1 for c in members if c.id in have) for key, members in strata.items()}
    free = {key: [c for c in members if c.id not in barred and c.id not in have] for key, members in strata.items()}
    quota = _per_assessor(strata, counts, free, target)
    draw = _spread(strata, counts, free, quota)
    generator = random.Random(seed)
    drawn: set[str] = set()
    for key in sorted(draw, key=list(strata).index):  # one fixed order of draws: reproducible
        drawn.update(c.id for c in generator.sample(free[key], draw[key]))
    return (*added, *(c.id for c in cases if c.id in drawn))


def stratum(case: Case) -> Stratum:
    return (case.inspector or "", case.sample)


def _assessors(strata: dict[Stratum, list[Case]]) -> list[str]:
    return list(dict.fromkeys(assessor for assessor, _ in strata))


def _per_assessor(
    strata: dict[Stratum, list[Case]], counts: dict[Stratum, int], free: dict[Stratum, list[Case]], target: Target
) -> dict[str, int]:
    """How many more cases to draw of each assessor: up to K each; or, for N in all, first one
    of each assessor not yet represented (the largest first), then each next case to the
    assessor furthest below their share of the cases."""
    assessors = _assessors(strata)
    size = {a: sum(len(m) for (b, _), m in strata.items() if b == a) for a in assessors}
    have = {a: sum(n for (b, _), n in counts.items() if b == a) for a in assessors}
    room = {a: sum(len(m) for (b, _), m in free.items() if b == a) for a in assessors}
    if target.per_assessor is not None:
        return {a: min(max(0, target.per_assessor - have[a]), room[a]) for a in assessors}
    quota = dict.fromkeys(assessors, 0)
    left = (target.total or 0) - sum(have.values())
    for a in sorted((a for a in assessors if not have[a] and room[a]), key=lambda a: -size[a]):
        if left <= 0:
            break
        quota[a], left = 1, left - 1
    population = sum(size.values())
    while left > 0:
        chosen = sum(have.values()) + sum(quota.values())
        open_ = [a for a in assessors if quota[a] < room[a]]
        if not open_:
            break
        best = max(open_, key=lambda a: Fraction(size[a] * (chosen + 1), population) - have[a] - quota[a])
        quota[best], left = quota[best] + 1, left - 1
    return quota


def _spread(
    strata: dict[Stratum, list[Case]], counts: dict[Stratum, int], free: dict[Stratum, list[Case]], quota: dict[str, int]
) -> dict[Stratum, int]:
    """Each assessor's draws spread over their samples, one at a time, each to the sample
    furthest below its share: of the assessor's own cases and of all the cases together."""
    taken = dict(counts)  # what the sample holds in each stratum, draws included
    owed = dict(quota)
    while any(owed.values()):
        for assessor in _assessors(strata):  # round by round, so that no assessor's draws crowd out a sample
            if owed[assessor]:
                room = [key for key in strata if key[0] == assessor and taken[key] - counts[key] < len(free[key])]
                taken[max(room, key=lambda key: _behind(key, strata, taken))] += 1
                owed[assessor] -= 1
    return {key: taken[key] - counts[key] for key in strata if taken[key] > counts[key]}


def _behind(key: Stratum, strata: dict[Stratum, list[Case]], taken: dict[Stratum, int]) -> Fraction:
    """How far a stratum is below its share of its assessor's draws, once one more is drawn,
    plus how far its sample is below the sample's share of all the draws."""
    assessor = [k for k in strata if k[0] == key[0]]
    sample = [k for k in strata if k[1] == key[1]]

    def size(group: Iterable[Stratum]) -> int:
        return sum(len(strata[k]) for k in group)

    def drawn(group: Iterable[Stratum]) -> int:
        return sum(taken[k] for k in group)

    own = Fraction(len(strata[key]) * (drawn(assessor) + 1), size(assessor)) - taken[key]
    overall = Fraction(size(sample) * (drawn(strata) + 1), size(strata)) - drawn(sample)
    return own + overall
