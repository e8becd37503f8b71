"""Cohen's κ, Gwet's AC1 and Krippendorff's α of first-against-second pairs, with their 95%
intervals, match reference implementations: irrCAC's values and intervals for κ and AC1 (from
the worked examples of ../shared/qa/, copied into tests/data/) and the krippendorff package's α."""

from __future__ import annotations

import json
import math
import warnings

import krippendorff
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.files import REPO, REPORTS
from moderate import words
from moderate.coefficients import CATEGORIES, MIN_PAIRS, Pairs, measure, student_t_975

EXAMPLES = REPORTS / "qa" / "agreement-examples.json"  # as ../shared/qa/ holds it
SHARED_EXAMPLES = REPO.parent / "shared" / "qa" / "agreement-examples.json"


def _examples() -> list[dict]:
    return json.loads(EXAMPLES.read_text(encoding="utf-8"))["examples"]


def test_the_copied_examples_are_exactly_the_shared_ones():
    assert SHARED_EXAMPLES.is_file(), f"the agreement examples are not at {SHARED_EXAMPLES}"
    assert EXAMPLES.read_bytes() == SHARED_EXAMPLES.read_bytes(), (
        f"tests/data/qa/{EXAMPLES.name} differs from {SHARED_EXAMPLES}: copy it again"
    )


def test_the_examples_cover_the_cases_the_issue_names():
    names = {example["name"] for example in _examples()}
    assert {"all agree, three answers", "all disagree", "one answer only, all yes", "three pairs"} <= names


@pytest.mark.parametrize("example", _examples(), ids=lambda example: example["name"])
def test_each_worked_example_matches_the_reference(example):
    expected = example["expected"]
    # Every example, the thin one too, measured with the smallest minimum there is.
    measured = measure(Pairs.of(map(tuple, example["pairs"])), min_pairs=2)
    assert (measured.pairs, measured.agreed) == (expected["pairs"], expected["agreed"])
    assert float(measured.percent) == pytest.approx(expected["percent"], abs=1e-6)
    for name, coefficient in measured.named():
        reference = expected[name]
        if reference["value"] is None:
            assert (coefficient.value, coefficient.ci95, coefficient.missing) == (None, None, "undefined")
            continue
        assert coefficient.value == pytest.approx(reference["value"], abs=1e-6 if name == "alpha" else 5e-5)
        low, high = coefficient.ci95
        assert low <= coefficient.value <= high
        if "irrCAC_ci95" in reference:
            # irrCAC caps the upper end at 1; ours caps the lower end at −1 too.
            ref_low, ref_high = reference["irrCAC_ci95"]
            assert (low, high) == (pytest.approx(max(-1.0, ref_low), abs=5e-5), pytest.approx(ref_high, abs=5e-5))


def test_fewer_pairs_than_the_minimum_give_no_coefficient_and_say_why():
    three = next(example for example in _examples() if example["name"] == "three pairs")
    measured = measure(Pairs.of(map(tuple, three["pairs"])))
    assert (measured.pairs, measured.agreed) == (3, 2)
    for _, coefficient in measured.named():
        assert (coefficient.value, coefficient.ci95, coefficient.missing) == (None, None, "too-few-pairs")
        note = words.coefficient_note(coefficient, measured.pairs, MIN_PAIRS)
        assert note is not None and "3 pairs" in note and f"{MIN_PAIRS}" in note and "--min-pairs" in note
    # The minimum is a setting: at 3 the same pairs give coefficients.
    assert measure(Pairs.of(map(tuple, three["pairs"])), min_pairs=3).ac1.value is not None


def test_no_pairs_give_no_percent_and_no_coefficient():
    measured = measure(Pairs(), min_pairs=0)
    assert (measured.pairs, measured.agreed, measured.percent) == (0, 0, None)
    assert {coefficient.missing for _, coefficient in measured.named()} == {"too-few-pairs"}


def test_an_undefined_coefficient_says_so_and_a_given_one_has_no_note():
    measured = measure(Pairs.of([("n/a", "n/a")] * 12))
    assert "undefined" in words.coefficient_note(measured.kappa, 12, MIN_PAIRS)
    assert words.coefficient_note(measured.ac1, 12, MIN_PAIRS) is None


def test_tables_add_up_as_their_pairs_do():
    ours = [("yes", "yes"), ("yes", "no"), ("n/a", "yes")]
    theirs = [("no", "no"), ("yes", "yes")]
    assert Pairs.of(ours) + Pairs.of(theirs) == Pairs.of(ours + theirs)


def test_students_t_at_975_percent():
    # Published table values: t(0.975) at 1, 2, 10 and 30 degrees of freedom, and the normal limit.
    assert student_t_975(1) == pytest.approx(12.7062, abs=1e-4)
    assert student_t_975(2) == pytest.approx(4.3027, abs=1e-4)
    assert student_t_975(10) == pytest.approx(2.2281, abs=1e-4)
    assert student_t_975(30) == pytest.approx(2.0423, abs=1e-4)
    assert student_t_975(10**6) == pytest.approx(1.95996, abs=1e-5)


pairs = st.lists(st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(CATEGORIES)), min_size=2, max_size=200)


@given(pairs)
def test_alpha_is_the_krippendorff_packages_and_every_interval_holds_its_value(given_pairs):
    measured = measure(Pairs.of(given_pairs), min_pairs=2)
    code = {category: i for i, category in enumerate(CATEGORIES)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its 0/0 where α is undefined: nan
        reference = krippendorff.alpha(
            reliability_data=[[code[a] for a, _ in given_pairs], [code[b] for _, b in given_pairs]],
            level_of_measurement="nominal",
            value_domain=list(range(len(CATEGORIES))),
        )
    if math.isnan(reference):
        assert measured.alpha.value is None
    else:
        assert measured.alpha.value == pytest.approx(reference, abs=1e-9)
    for _, coefficient in measured.named():
        if coefficient.value is not None:
            low, high = coefficient.ci95
            assert -1 <= low <= coefficient.value <= high <= 1
