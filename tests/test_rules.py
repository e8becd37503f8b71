"""The rules of spec/rules.md, pinned at their edges."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from helpers.files import SAMPLES
from moderate.frameworks import PRESETS, resolve
from moderate.model import Answer, Decision, KeyQuestion, Standard
from moderate.reading import load
from moderate.rules import (
    DOWN,
    NEAR_BOUNDARY,
    ONE_CASE,
    SMALL_SAMPLE,
    UP,
    Figures,
    Sensitivity,
    StandardResult,
    Tally,
    rate_inspection,
    rate_judgement_question,
    rate_key_questions,
    rate_overall,
    rate_question,
    rate_standard,
    sensitivity,
    tallies,
    whole_percent,
)
from moderate.words import discretion_reasons

HMIP = PRESETS["hmip-youth-2021"]
AT = dt.datetime(2026, 11, 21, 10, 30, tzinfo=dt.timezone.utc)


def figures(question: str, yes: int, relevant: int, unanswered: int = 0) -> Figures:
    tally = Tally(yes=yes, no=relevant - yes)
    return rate_question(question, tally, relevant + unanswered, HMIP)


def standard(*questions: str, judgement: dict[str, str] | None = None) -> Standard:
    kqs = [KeyQuestion(q, f"{q}?") for q in questions]
    kqs += [KeyQuestion(q, f"{q}?", judgement=True, rating=r) for q, r in (judgement or {}).items()]
    return Standard("2.2", "Court disposals", "Planning", sample="court", key_questions=tuple(kqs))


def rate(*counts: tuple[int, int], decision: Decision | None = None) -> StandardResult:
    ids = [f"2.2.{i + 1}" for i in range(len(counts))]
    return rate_standard(standard(*ids), [figures(q, y, r) for q, (y, r) in zip(ids, counts, strict=True)], decision, HMIP)


# ---------------------------------------------------------------- §1 and §2


@pytest.mark.parametrize(
    "yes, relevant, band",
    [
        (4999, 10000, "Inadequate"),
        (5000, 10000, "Requires improvement"),
        (6499, 10000, "Requires improvement"),
        (6500, 10000, "Good"),
        (7999, 10000, "Good"),
        (8000, 10000, "Outstanding"),
        (0, 3, "Inadequate"),
        (3, 3, "Outstanding"),
    ],
)
def test_bands_at_their_boundaries(yes, relevant, band):
    assert figures("q", yes, relevant).band.rating == band


def test_banding_uses_the_exact_fraction_not_the_printed_percent():
    # 64.7% prints as 65% but is Requires improvement
    kq = figures("q", 647, 1000)
    assert whole_percent(kq.percent) == 65
    assert kq.band.rating == "Requires improvement"


@pytest.mark.parametrize("yes, relevant, printed", [(5, 8, 63), (3, 8, 38), (1, 8, 13), (2, 3, 67), (1, 3, 33), (1, 2, 50)])
def test_percentages_print_rounded_half_up(yes, relevant, printed):
    assert whole_percent(figures("q", yes, relevant).percent) == printed


def test_not_relevant_removes_a_case_from_that_question_only():
    tally = Tally(yes=3, no=1, na=4)
    kq = rate_question("q", tally, 8, HMIP)
    assert (kq.yes, kq.relevant, kq.unanswered, kq.percent) == (3, 4, 0, Fraction(75))


def test_unanswered_cases_are_not_counted_and_make_the_question_incomplete():
    kq = rate_question("q", Tally(yes=5, no=2), 8, HMIP)
    assert (kq.relevant, kq.unanswered, kq.complete) == (7, 1, False)
    result = rate_standard(standard("q"), [kq], None, HMIP)
    assert result.provisional and result.computed.rating == "Good"


def test_a_key_question_with_no_relevant_cases_does_not_pull_the_standard_down():
    nothing = rate_question("2.2.2", Tally(na=8), 8, HMIP)
    assert nothing.percent is None and nothing.band is None
    result = rate_standard(standard("2.2.1", "2.2.2"), [figures("2.2.1", 8, 8), nothing], None, HMIP)
    assert result.computed.rating == "Outstanding"


# ---------------------------------------------------------------- §3


def test_a_standard_takes_the_band_of_its_lowest_key_question():
    result = rate((8, 8), (5, 8), (6, 8))
    assert result.computed.rating == "Requires improvement"
    assert result.lowest == ("2.2.2",)


def test_a_judgement_standard_is_rated_directly_and_may_be_not_rated():
    rated = rate_standard(Standard("1.1", "Organisational delivery", "Governance", rating="Good"), [], None, HMIP)
    assert rated.final.rating == "Good" and rated.kind == "judgement"
    not_rated = rate_standard(Standard("4.1", "Resettlement", "Policy", rating="Not rated", counts=False), [], None, HMIP)
    assert not_rated.not_rated and not_rated.final is None and not_rated.rated


def test_a_mixed_standard_takes_the_lowest_band_over_all_its_key_questions():
    v1 = standard("V1.1", judgement={"V1.2": "Requires improvement"})
    case_based = figures("V1.1", 9, 10)
    judged = rate_judgement_question(v1.key_questions[1], HMIP)
    result = rate_standard(v1, [case_based, judged], None, HMIP)
    assert result.kind == "mixed"
    assert result.computed.rating == "Requires improvement"
    unrated = standard("V1.1", judgement={"V1.2": None})
    pending = rate_standard(unrated, [case_based, rate_judgement_question(unrated.key_questions[1], HMIP)], None, HMIP)
    assert pending.computed.rating == "Outstanding" and pending.provisional


# ---------------------------------------------------------------- §4


def test_stockton_planning_is_eligible_near_the_boundary_and_on_one_case_upwards():
    # Stockton-on-Tees 2.2: 5/8 = 62.5% on keeping the child safe; the panel uplifted it to Good.
    result = rate((8, 8), (5, 8), (6, 8))
    flag = result.discretion
    assert flag.reasons == (NEAR_BOUNDARY, ONE_CASE)
    assert flag.directions == (UP,)
    assert discretion_reasons(flag, HMIP) == ["2.5 percentage points below the 65% boundary for 'Good'", "one case from 'Good'"]


def test_an_inadequate_three_of_eight_is_eligible_on_one_case_only():
    # 3/8 = 37.5% is 12.5 points below 50, but 4/8 = 50% would be Requires improvement.
    flag = rate((8, 8), (3, 8), (8, 8)).discretion
    assert flag.reasons == (ONE_CASE,)
    assert flag.directions == (UP,)
    assert [(c.key_question, c.band.rating) for c in flag.one_case] == [("2.2.2", "Requires improvement")]


def test_just_above_a_boundary_is_a_down_candidate():
    flag = rate((4, 6), (6, 6)).discretion  # 66.7%: 1.7 points into Good
    assert NEAR_BOUNDARY in flag.reasons and DOWN in flag.directions
    assert discretion_reasons(flag, HMIP)[0] == "1.7 percentage points above the 65% boundary for 'Good'"


def test_the_near_boundary_window_is_inclusive_at_five_points():
    assert NEAR_BOUNDARY in rate((3, 4), (100, 100)).discretion.reasons  # 75% is 5 below 80
    assert NEAR_BOUNDARY not in rate((141, 200), (100, 100)).discretion.reasons  # 70.5%


def test_exactly_on_a_boundary_is_a_down_candidate():
    flag = rate((4, 5), (5, 5)).discretion  # 80% exactly
    assert flag.near == ((Fraction(80), Fraction(0)),)
    assert DOWN in flag.directions


def test_a_small_sample_flags_the_lowest_key_question_resting_on_five_cases_or_fewer():
    flag = rate((4, 4), (19, 20)).discretion
    assert SMALL_SAMPLE not in flag.reasons  # 4/4 is small but not the lowest: 19/20 is, on 20 cases
    flag = rate((3, 4), (20, 20)).discretion
    assert SMALL_SAMPLE in flag.reasons and flag.sample == 4


def test_one_case_can_move_a_rating_both_ways():
    flag = rate((13, 20), (20, 20)).discretion  # 65%: one no makes it 60%, one yes 70% (still Good)
    assert [c.direction for c in flag.one_case] == [DOWN]
    flag = rate((4, 6), (20, 20)).discretion  # 66.7%; 3/6 = 50% RI, 5/6 = 83.3% Outstanding
    assert {c.direction for c in flag.one_case} == {UP, DOWN}


def test_one_case_looks_past_a_key_question_no_case_is_relevant_to():
    # 2.2.1 has no relevant case; 2.2.2's 3/4 (75%, Good) moves with one answer either way.
    flag = rate((0, 0), (3, 4)).discretion
    assert [(c.key_question, c.direction, c.band.rating) for c in flag.one_case] == [
        ("2.2.2", DOWN, "Requires improvement"),
        ("2.2.2", UP, "Outstanding"),
    ]


def test_far_from_any_boundary_on_a_large_sample_is_not_eligible():
    flag = rate((90, 100), (95, 100)).discretion
    assert not flag.eligible and flag.directions == ()


def test_a_standing_decision_sets_the_final_rating():
    decision = Decision("2.2", "Requires improvement", "Good", "lead", AT, "uplift")
    result = rate((8, 8), (5, 8), (6, 8), decision=decision)
    assert result.computed.rating == "Requires improvement"
    assert result.final.rating == "Good" and not result.stale


def test_a_decision_goes_stale_when_the_computed_rating_moves():
    decision = Decision("2.2", "Requires improvement", "Good", "lead", AT, "uplift")
    result = rate((8, 8), (6, 8), (6, 8), decision=decision)  # moderation made it Good anyway
    assert result.stale
    assert result.final.rating == "Good"  # the computed rating, not the decision
    lowered = rate((8, 8), (3, 8), (6, 8), decision=decision)
    assert lowered.stale and lowered.final.rating == "Inadequate"


# ---------------------------------------------------------------- §5


def _judged(sid: str, rating: str | None, counts: bool = True) -> StandardResult:
    return rate_standard(Standard(sid, "d", "t", rating=rating, counts=counts), [], None, HMIP)


def test_the_overall_score_is_the_plain_sum_of_the_counting_standards():
    results = [_judged("1.1", "Good"), _judged("1.2", "Outstanding"), _judged("4.1", "Outstanding", counts=False)]
    overall = rate_overall(results, HMIP)
    assert (overall.score, overall.max, overall.rating, overall.complete) == (5, 6, "Inadequate", True)


@pytest.mark.parametrize(
    "score, rating",
    [
        (6, "Inadequate"),
        (7, "Requires improvement"),
        (18, "Requires improvement"),
        (19, "Good"),
        (30, "Good"),
        (31, "Outstanding"),
        (36, "Outstanding"),
    ],
)
def test_overall_thresholds_on_the_0_to_36_scale(score, rating):
    assert HMIP.overall_for(score) == rating


def test_the_2025_thresholds_are_an_assumption_and_say_so():
    framework = PRESETS["hmip-youth-2025"]
    assert not framework.verified
    assert framework.overall_for(6) == "Requires improvement"


def test_the_overall_rating_is_incomplete_while_a_counting_standard_has_no_rating():
    overall = rate_overall([_judged("1.1", "Good"), _judged("1.2", None)], HMIP)
    assert overall.rating is None and not overall.complete and overall.unrated == ("1.2",)


def test_a_provisional_standard_leaves_the_overall_incomplete_but_rated():
    partly = rate_standard(standard("q"), [rate_question("q", Tally(yes=5, no=2), 8, HMIP)], None, HMIP)
    overall = rate_overall([_judged("1.1", "Good"), partly], HMIP)
    assert overall.rating is not None and not overall.complete and overall.provisional == ("2.2",)


def test_a_files_framework_table_overrides_the_preset():
    framework = resolve(
        "hmip-youth-2021",
        {
            "discretion": {"within_points": 2.5, "small_sample": 3},
            "bands": [{"rating": "Fail", "from": 0}, {"rating": "Pass", "from": 60.5}],
        },
    )
    assert framework.discretion.within_points == Fraction(5, 2)
    assert framework.band_for(Fraction(605, 10)).rating == "Pass"
    assert framework.band_for(Fraction(604, 10)).rating == "Fail"
    assert framework.overall == HMIP.overall


def test_sensitivity_counts_the_fewest_answer_changes_to_move_a_rating():
    # Stockton 2.2: 8/8, 5/8, 6/8 -> RI. One more yes on 2.2.2 makes Good; Inadequate needs 2.2.2 below 50%: 2 changes.
    result = rate((8, 8), (5, 8), (6, 8))
    moved = sensitivity(result.key_questions, result.computed, HMIP)
    assert (moved.up, moved.up_to.rating, moved.down, moved.down_to.rating) == (1, "Good", 2, "Inadequate")
    # Two key questions below Good: both must rise. 12/20 and 6/10 need 1 each to reach 65%.
    result = rate((12, 20), (6, 10))
    assert sensitivity(result.key_questions, result.computed, HMIP).up == 2
    # Outstanding cannot go up; 9/9 needs two no's to fall below 80% (7/9 = 77.8%).
    result = rate((9, 9), (9, 9))
    moved = sensitivity(result.key_questions, result.computed, HMIP)
    assert moved.up is None and moved.down == 2


@pytest.mark.parametrize(
    "counts, down, band",
    [
        (((4, 5), (4, 5), (5, 5)), 1, "Requires improvement"),  # Stockton 3.1: 3/5 is 60%, past Good
        (((5, 5),), 2, "Requires improvement"),  # Stockton 3.4: 4/5 is still 80%; 3/5 is 60%
        (((9, 9), (9, 9)), 2, "Good"),  # 7/9 is 77.8%
    ],
)
def test_sensitivity_names_the_band_the_standard_would_reach(counts, down, band):
    result = rate(*counts)
    moved = sensitivity(result.key_questions, result.computed, HMIP)
    assert (moved.down, moved.down_to.rating) == (down, band)


def test_sensitivity_upwards_names_the_band_reached_past_the_next_one():
    # 3/5 (60%, RI) and 4/4: one more yes makes 4/5 = 80%, Outstanding, past Good.
    result = rate((3, 5), (4, 4))
    moved = sensitivity(result.key_questions, result.computed, HMIP)
    assert (moved.up, moved.up_to.rating) == (1, "Outstanding")


def test_of_tied_lowest_key_questions_the_one_that_moves_first_comes_first():
    # Stockton 2.4: 5/5, 7/7 and 4/4 are all 100%; one no takes 4/4 to 75%, the others stay Outstanding.
    assert rate((5, 5), (7, 7), (4, 4)).lowest == ("2.2.3", "2.2.1", "2.2.2")


# ---------------------------------------------------------------- pinned by mutation testing


def test_changing_an_answer_keeps_the_other_counts_including_not_relevant():
    assert Tally(yes=1, no=1, na=2).moved(Answer.YES, Answer.NO) == Tally(yes=0, no=2, na=2)
    assert Tally(yes=1, no=1, na=2).moved(None, Answer.NA) == Tally(yes=1, no=1, na=3)


def test_exactly_five_relevant_cases_is_a_small_sample_and_six_is_not():
    five = rate((0, 5), (20, 20)).discretion  # 0/5 Inadequate: one more yes is still Inadequate
    assert (five.reasons, five.sample) == ((SMALL_SAMPLE,), 5)
    assert five.directions == (UP,)  # Inadequate cannot go down
    six = rate((0, 6), (20, 20)).discretion
    assert (six.reasons, six.sample, six.directions) == ((), None, ())


def test_a_small_sample_at_the_top_band_is_a_candidate_for_moving_down_only():
    flag = rate((5, 5), (20, 20)).discretion  # 100% on five cases; one no is still 80%, Outstanding
    assert flag.reasons == (SMALL_SAMPLE,) and flag.directions == (DOWN,)


def test_near_a_boundary_the_direction_is_towards_it():
    # On 1,000 cases no single answer moves a band, so only the distance to the boundary counts.
    above = rate((655, 1000)).discretion  # 65.5%: half a point into Good
    assert (above.reasons, above.directions, above.near) == ((NEAR_BOUNDARY,), (DOWN,), ((65, Fraction(1, 2)),))
    below = rate((640, 1000)).discretion  # 64%: one point short of Good
    assert (below.reasons, below.directions, below.near) == ((NEAR_BOUNDARY,), (UP,), ((65, -1),))
    on = rate((650, 1000)).discretion  # exactly 65%: one no takes it below, nothing takes it up
    assert (on.reasons, on.directions) == ((NEAR_BOUNDARY, ONE_CASE), (DOWN,))


def test_five_and_a_half_points_below_a_boundary_is_not_near_it():
    assert NEAR_BOUNDARY not in rate((745, 1000)).discretion.reasons  # 74.5%


def test_a_files_boundary_between_whole_percents_is_near_within_its_own_points():
    framework = resolve(
        "hmip-youth-2021",
        {"discretion": {"within_points": 2.5}, "bands": [{"rating": "Fail", "from": 0}, {"rating": "Pass", "from": 60.5}]},
    )

    def near(yes: int) -> bool:
        kq = rate_question("q", Tally(yes=yes, no=100 - yes), 100, framework)
        return NEAR_BOUNDARY in rate_standard(standard("q"), [kq], None, framework).discretion.reasons

    assert [near(yes) for yes in (57, 58, 63, 64)] == [False, True, True, False]  # 60.5 ± 2.5


def test_one_case_reaches_the_ends_of_a_key_question():
    assert [(c.direction, c.band.rating) for c in rate((3, 4)).discretion.one_case] == [
        (DOWN, "Requires improvement"),
        (UP, "Outstanding"),
    ]  # 4/4: every case yes
    assert [(c.direction, c.band.rating) for c in rate((1, 2)).discretion.one_case] == [
        (DOWN, "Inadequate"),
        (UP, "Outstanding"),
    ]  # 0/2: no case yes
    assert [(c.direction, c.band.rating) for c in rate((0, 2)).discretion.one_case] == [(UP, "Requires improvement")]


def test_a_standards_result_carries_the_panels_standing_decision():
    decision = Decision("2.2", "Requires improvement", "Good", "lead", AT, "uplift")
    assert rate((8, 8), (5, 8), (6, 8), decision=decision).decision == decision
    assert rate((8, 8), (5, 8), (6, 8)).decision is None


def test_a_standard_of_case_based_key_questions_is_of_the_cases_kind():
    assert rate((8, 8), (5, 8)).kind == "cases"


def test_a_judgement_standards_rating_is_also_its_computed_rating():
    rated = rate_standard(Standard("1.1", "Organisational delivery", "Governance", rating="Good"), [], None, HMIP)
    assert rated.computed.rating == "Good"


def test_a_judgement_key_question_keeps_its_id_and_band_among_the_figures():
    v1 = standard("V1.1", judgement={"V1.2": "Requires improvement"})
    figures_ = rate_key_questions(v1, {"V1.1": Tally(yes=9, no=1)}, 10, HMIP)
    assert figures_ == (
        rate_question("V1.1", Tally(yes=9, no=1), 10, HMIP),
        Figures("V1.2", band=HMIP.band("Requires improvement"), judgement=True),
    )


def _sensitivity(result: StandardResult) -> Sensitivity:
    return sensitivity(result.key_questions, result.computed, HMIP)


def test_sensitivity_counts_to_the_next_band_and_below_this_one():
    # 20/29 (69.0%) is Good: Outstanding needs ceil(23.2) = 24 yes; Requires improvement 18 (62.1%).
    assert _sensitivity(rate((20, 29))) == Sensitivity(4, HMIP.band("Outstanding"), 2, HMIP.band("Requires improvement"))
    # 12/17 (70.6%): 11/17 is 64.7%, one no below Good; Outstanding needs 14 (82.4%).
    assert _sensitivity(rate((12, 17))) == Sensitivity(2, HMIP.band("Outstanding"), 1, HMIP.band("Requires improvement"))
    # 3/4 reaches Outstanding only with every case yes; 1/1 falls with its one case.
    assert _sensitivity(rate((3, 4))).up == 1
    assert _sensitivity(rate((1, 1))).down == 1


def test_sensitivity_downwards_names_the_nearest_band_of_the_fewest_changes():
    # 2/3 (66.7%) and 13/20 (65%) are Good, and one no takes either below: 1/3 (33.3%) to
    # Inadequate, 12/20 (60%) to Requires improvement. The panel is told the nearer band.
    assert _sensitivity(rate((2, 3), (13, 20))) == Sensitivity(4, HMIP.band("Outstanding"), 1, HMIP.band("Requires improvement"))


def test_sensitivity_leaves_out_a_key_question_no_case_is_relevant_to():
    # 2.2.1 has no relevant case, so no band: 2.2.2's 3/4 (75%, Good) alone rates the standard,
    # and moves it with one answer either way (4/4 Outstanding, 2/4 Requires improvement).
    assert _sensitivity(rate((0, 0), (3, 4))) == Sensitivity(1, HMIP.band("Outstanding"), 1, HMIP.band("Requires improvement"))


def test_no_answer_can_move_a_rating_held_by_a_judgement_or_by_no_relevant_case():
    def mixed(yes: int, relevant: int, judged: str) -> StandardResult:
        v1 = standard("V1.1", judgement={"V1.2": judged})
        return rate_standard(v1, rate_key_questions(v1, {"V1.1": Tally(yes=yes, no=relevant - yes)}, relevant, HMIP), None, HMIP)

    held = _sensitivity(mixed(10, 10, "Requires improvement"))  # only the panel's judgement can raise it
    assert held == Sensitivity(None, None, 6, HMIP.band("Inadequate"))  # 4/10 = 40% takes it down
    # A judgement already in the band above does not stand in the way.
    assert _sensitivity(mixed(20, 29, "Outstanding")).up == 4
    # Only the judgement is rated (no relevant case): nothing an answer could move either way.
    assert _sensitivity(mixed(0, 0, "Good")) == Sensitivity()
    nothing = rate_standard(standard("q"), [rate_question("q", Tally(na=3), 3, HMIP)], None, HMIP)
    assert nothing.computed is None and _sensitivity(nothing) == Sensitivity()


def test_an_inspection_is_rated_with_every_prompt():
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    ratings = rate_inspection(loaded.inspection, loaded.framework)
    contingency = ratings.prompts["2.2.2.d"]
    assert (contingency.id, contingency.yes, contingency.relevant) == ("2.2.2.d", 5, 8)
    assert ratings == rate_inspection(loaded.inspection, loaded.framework, tallies(loaded.inspection))
    assert ratings.overall.score == 32


def test_a_reason_names_only_the_band_next_to_the_computed_rating():
    # 1/2 is Requires improvement; one more yes makes 2/2, Outstanding: the panel may only go to Good.
    assert "one case from 'Good' or higher" in discretion_reasons(rate((1, 2)).discretion, HMIP)


def test_a_standards_result_carries_how_firm_its_rating_is():
    result = rate((8, 8), (5, 8), (6, 8))
    firmness = result.sensitivity
    assert (firmness.up, firmness.up_to.rating, firmness.down, firmness.down_to.rating) == (1, "Good", 2, "Inadequate")
    judgement = rate_standard(Standard("1.1", "Organisational delivery", "Governance", rating="Good"), [], None, HMIP)
    assert judgement.sensitivity.up is None and judgement.sensitivity.down is None


def test_the_panel_may_keep_or_move_one_band_the_way_discretion_flags():
    from moderate.rules import DOWN, UP, decision_options, within_reach

    def options(result: StandardResult) -> list[str]:
        return [band.rating for band in decision_options(result, HMIP)]

    assert options(rate((8, 8), (5, 8), (6, 8))) == ["Requires improvement", "Good"]  # flagged up only
    assert options(rate((4, 6), (4, 6))) == ["Requires improvement", "Good"]  # 66.7% twice: flagged down only
    assert options(rate((4, 6), (6, 6))) == ["Requires improvement", "Good", "Outstanding"]  # both ways
    assert options(rate((3, 3), (3, 3))) == ["Good", "Outstanding"]  # a small sample at the top: down only
    assert options(rate((141, 200), (100, 100))) == ["Good"]  # not eligible: keep it, nothing else
    assert options(rate((4, 8))) == ["Inadequate", "Requires improvement"]  # 50%, one case off: down to the lowest band
    assert options(rate((3, 5))) == ["Inadequate", "Requires improvement", "Good"]  # five cases: both ways
    assert options(rate((0, 0))) == []  # nothing relevant yet: no computed rating to decide on
    judgement = rate_standard(Standard("1.1", "Organisational delivery", "Governance", rating="Good"), [], None, HMIP)
    assert options(judgement) == []  # rated directly, never by discretion
    # no band beyond the ends, whatever direction is asked
    inadequate, *_, outstanding = HMIP.bands
    assert within_reach(outstanding, [UP], HMIP) == (outstanding,)
    assert within_reach(inadequate, [DOWN, UP], HMIP) == HMIP.bands[:2]


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.toml")))
def test_a_files_tallies_are_its_answers_counted_one_by_one(sample):
    # A file's answers are counted a column at a time; as the session's own answers (dicts)
    # they are counted one by one, also the one answer given outside its case's sample.
    from dataclasses import replace

    inspection = load(SAMPLES / sample).inspection
    as_dicts = replace(inspection, cases=tuple(replace(c, answers=dict(c.answers)) for c in inspection.cases))
    counted = tallies(inspection)
    assert counted == tallies(as_dicts) and any(t.yes and t.no for t in counted.values())
    first = as_dicts.cases[0]
    other = next(q for s in inspection.standards if s.sample not in (None, first.sample) for q in [s.key_questions[0].id])
    astray = replace(as_dicts, cases=(replace(first, answers={**first.answers, other: Answer.YES}), *as_dicts.cases[1:]))
    assert tallies(astray) == counted
