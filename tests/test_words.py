"""Discretion reasons in HMIP's words: percentage points, the boundary named, ratings quoted,
and only the bands a panel may move to (one band either way)."""

from __future__ import annotations

import itertools
import re

import pytest

from moderate.frameworks import PRESETS
from moderate.model import KeyQuestion, Standard
from moderate.rules import Tally, rate_question, rate_standard
from moderate.words import counted, discretion_reasons

HMIP = PRESETS["hmip-youth-2021"]


def reasons(*counts: tuple[int, int]) -> tuple[str, list[str]]:
    """The computed rating and the reasons of a standard whose key questions have these yes/relevant."""
    ids = [f"2.2.{i + 1}" for i in range(len(counts))]
    standard = Standard(
        "2.2", "Court disposals", "Planning", sample="court", key_questions=tuple(KeyQuestion(q, f"{q}?") for q in ids)
    )
    figures = [rate_question(q, Tally(yes=y, no=r - y), r, HMIP) for q, (y, r) in zip(ids, counts, strict=True)]
    result = rate_standard(standard, figures, None, HMIP)
    assert result.computed is not None
    return result.computed.rating, discretion_reasons(result.discretion, HMIP)


@pytest.mark.parametrize(
    "yes, rating, first",
    [
        (47, "Inadequate", "3 percentage points below the 50% boundary for 'Requires improvement'"),
        (50, "Requires improvement", "exactly on the 50% boundary for 'Requires improvement'"),
        (52, "Requires improvement", "2 percentage points above the 50% boundary for 'Requires improvement'"),
        (62, "Requires improvement", "3 percentage points below the 65% boundary for 'Good'"),
        (65, "Good", "exactly on the 65% boundary for 'Good'"),
        (66, "Good", "1 percentage point above the 65% boundary for 'Good'"),
        (78, "Good", "2 percentage points below the 80% boundary for 'Outstanding'"),
        (80, "Outstanding", "exactly on the 80% boundary for 'Outstanding'"),
        (83, "Outstanding", "3 percentage points above the 80% boundary for 'Outstanding'"),
    ],
)
def test_each_boundary_is_named_above_and_below(yes, rating, first):
    computed, said = reasons((yes, 100))
    assert computed == rating
    assert said[0] == first


def test_the_published_uplift_and_one_case_either_way():
    # Stockton-on-Tees 2.2: 5/8 on keeping the child safe, uplifted to 'Good'.
    assert reasons((8, 8), (5, 8), (6, 8)) == (
        "Requires improvement",
        ["2.5 percentage points below the 65% boundary for 'Good'", "one case from 'Good'"],
    )
    # 49/100: one case lifts it; 50/100: one case drops it.
    assert reasons((49, 100))[1] == [
        "1 percentage point below the 50% boundary for 'Requires improvement'",
        "one case from 'Requires improvement'",
    ]
    assert reasons((50, 100))[1] == ["exactly on the 50% boundary for 'Requires improvement'", "one case from 'Inadequate'"]
    # 1.7 points into 'Good' reads forwards: above the boundary, never "points from".
    assert reasons((4, 6))[1][0] == "1.7 percentage points above the 65% boundary for 'Good'"


def test_one_case_that_would_drop_two_bands_names_only_the_next_one():
    # 2/2 is 'Outstanding'; one 'no' makes it 50%, 'Requires improvement': the panel may only go to 'Good'.
    assert reasons((2, 2)) == ("Outstanding", ["one case from 'Good' or lower", "only 2 relevant cases"])
    # 1/2 is 'Requires improvement'; one more 'yes' makes it 'Outstanding': the panel may only go to 'Good'.
    assert "one case from 'Good' or higher" in reasons((1, 2))[1]


def test_no_reason_names_a_band_two_away():
    ranks = {band.rating: band.rank for band in HMIP.bands}
    pairs = [(y, r) for r in range(1, 9) for y in range(r + 1)]
    for counts in itertools.chain(((p,) for p in pairs), itertools.product(pairs[:20], pairs)):
        computed, said = reasons(*counts)
        for reason in said:
            assert "points from" not in reason and " points " not in reason.replace("percentage points", "")
            for named in re.findall(r"'([^']+)'", reason):
                assert abs(ranks[named] - ranks[computed]) <= 1, (counts, computed, reason)


def test_a_number_and_its_noun_agree_however_the_number_is_given():
    """One wording of a count for every place that says one: a figure as text, an irregular plural."""
    assert (counted(1, "answer"), counted(0, "inspection"), counted(2, "case")) == ("1 answer", "0 inspections", "2 cases")
    assert counted("1", "percentage point") == "1 percentage point"
    assert counted("2.5", "percentage point") == "2.5 percentage points"
    assert counted(1, "dip sample entry", "dip sample entries") == "1 dip sample entry"
    assert counted(3, "dip sample entry", "dip sample entries") == "3 dip sample entries"
