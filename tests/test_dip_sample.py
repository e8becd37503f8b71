"""Choosing a dip sample: stratified by assessor and sample, reproducible from its seed."""

from __future__ import annotations

from collections import Counter

import pytest

from helpers.files import SAMPLES
from moderate.dip_sample import Target, choose
from moderate.model import Case
from moderate.reading import load

NAMES = ["stockton-on-tees-2021", "county-durham-2022", "northumberland-2023"]


def cases_of(name: str) -> tuple[Case, ...]:
    return load(SAMPLES / f"{name}.toml").inspection.cases


def assessor(cases, chosen) -> Counter[str]:
    by_id = {c.id: c for c in cases}
    return Counter(by_id[c].inspector or "" for c in chosen)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_every_assessor_has_exactly_k_cases_or_all_they_have(name, k):
    cases = cases_of(name)
    chosen = choose(cases, Target(per_assessor=k), seed=11)
    assert len(set(chosen)) == len(chosen)
    have = Counter(c.inspector or "" for c in cases)
    assert assessor(cases, chosen) == {a: min(k, n) for a, n in have.items()}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [3, 5, 9, 12])
def test_a_total_is_met_with_every_assessor_represented_and_the_samples_in_proportion(name, n):
    cases = cases_of(name)
    chosen = choose(cases, Target(total=n), seed=5)
    assert len(chosen) == len(set(chosen)) == n
    assessors = {c.inspector for c in cases}
    if n >= len(assessors):
        assert set(assessor(cases, chosen)) == assessors
    by_id = {c.id: c for c in cases}
    drawn = Counter(by_id[c].sample for c in chosen)
    for sample, size in Counter(c.sample for c in cases).items():
        share = n * size / len(cases)
        assert abs(drawn[sample] - share) < 2, (sample, drawn, share)


def test_one_seed_chooses_the_same_cases_and_another_seed_others():
    cases = cases_of("county-durham-2022")
    assert choose(cases, Target(per_assessor=2), seed=7) == choose(cases, Target(per_assessor=2), seed=7)
    draws = {choose(cases, Target(per_assessor=2), seed=s) for s in range(20)}
    assert len(draws) > 10


def test_cases_already_sampled_count_and_withdrawn_cases_are_never_drawn():
    cases = cases_of("stockton-on-tees-2021")
    first = choose(cases, Target(per_assessor=2), seed=1)
    assert choose(cases, Target(per_assessor=2), seed=2, sampled=first) == ()
    more = choose(cases, Target(per_assessor=3), seed=2, sampled=first)
    assert assessor(cases, more) == {"ak": 1, "jb": 1, "mr": 1}
    assert not set(more) & set(first)
    withdrawn = [c.id for c in cases if c.inspector == "jb"][:3]
    again = choose(cases, Target(per_assessor=4), seed=3, withdrawn=withdrawn)
    assert not set(again) & set(withdrawn)
    assert assessor(cases, again)["jb"] == 1  # four cases, three withdrawn


def test_the_cases_given_first_come_first_count_and_are_never_repeated():
    cases = cases_of("stockton-on-tees-2021")
    ak = [c.id for c in cases if c.inspector == "ak"]
    chosen = choose(cases, Target(per_assessor=2), seed=4, first=[ak[4], ak[0], ak[4], ak[1], ak[2]])
    assert chosen[:4] == (ak[4], ak[0], ak[1], ak[2])  # four of ak's, more than 2: all kept
    assert assessor(cases, chosen) == {"ak": 4, "jb": 2, "mr": 2}
    assert len(set(chosen)) == len(chosen)
    withdrawn_first = choose(cases, Target(total=1), seed=4, first=[ak[0]], withdrawn=[ak[0]])
    assert ak[0] not in withdrawn_first
