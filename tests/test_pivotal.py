"""The cases a flagged standard's rating rests on (rule (b)), checked against the rules themselves."""

from __future__ import annotations


import pytest

from helpers.files import SAMPLES
from helpers.ratings import moves_alone
from moderate.model import Answer
from moderate.reading import load
from moderate.rules import UP, pivotal_cases, rate_inspection


@pytest.mark.parametrize("name", ["stockton-on-tees-2021", "county-durham-2022", "northumberland-2023"])
def test_the_pivotal_cases_of_each_flagged_standard_are_those_whose_one_answer_moves_it(name):
    loaded = load(SAMPLES / f"{name}.toml")
    ratings = rate_inspection(loaded.inspection, loaded.framework)
    flagged = 0
    for standard in loaded.inspection.standards:
        result = ratings.standards[standard.id]
        if not standard.is_case_based or not result.discretion.eligible:
            continue
        flagged += 1
        cases = [(c.id, c.answers) for c in loaded.inspection.cases_in(standard.sample)]
        pivotal = pivotal_cases(result.discretion, cases)
        assert {(p.case, p.key_question, p.direction) for p in pivotal} == moves_alone(loaded, standard.id), standard.id
        order = [c for c, _ in cases]
        assert [p.case for p in pivotal] == sorted((p.case for p in pivotal), key=order.index)
    assert flagged  # each sample has standards flagged for discretion to check


def test_stockton_planning_rests_on_the_cases_answering_no_on_keeping_the_child_safe():
    # 2.2.2 is 5/8: any one of its three 'no' cases answered 'yes' makes 6/8 = 75%, 'Good'.
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    result = rate_inspection(loaded.inspection, loaded.framework).standards["2.2"]
    cases = [(c.id, c.answers) for c in loaded.inspection.cases_in("court")]
    pivotal = pivotal_cases(result.discretion, cases)
    noes = [c for c, answers in cases if answers.get("2.2.2") == Answer.NO]
    assert len(noes) == 3
    assert [(p.case, p.key_question, p.direction, p.band.rating) for p in pivotal] == [(c, "2.2.2", UP, "Good") for c in noes]


def test_a_standard_not_flagged_on_one_case_rests_on_no_case():
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    ratings = rate_inspection(loaded.inspection, loaded.framework)
    calm = [r for r in ratings.standards.values() if r.kind == "cases" and not r.discretion.one_case]
    assert calm
    for result in calm:
        sample = loaded.inspection.standard(result.id).sample
        assert pivotal_cases(result.discretion, [(c.id, c.answers) for c in loaded.inspection.cases_in(sample)]) == ()
