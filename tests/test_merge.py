"""Three-way merge of inspections: answer by answer, both sides' logs kept, conflicts named."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from helpers.files import KINDS, inspection_text, kinds_of, with_unknown_keys
from moderate.merge import Conflict, merge
from moderate.model import Answer, Case, Moderated, SecondAssessment
from moderate.reading import parse_text
from moderate.session import Session

YES, NO, NA = Answer.YES, Answer.NO, Answer.NA


@pytest.fixture
def base():
    return parse_text(inspection_text({"2.1.1": ["yes", "yes", "no", "yes"], "2.1.2": ["no", "yes", "", "yes"]}))


def edit(loaded, user: str, minute: int = 0):
    """A session on `loaded` whose commands are stamped from 09:minute on, one minute apart."""
    times = (dt.datetime(2026, 11, 23, 9, minute + i, tzinfo=dt.timezone.utc) for i in range(60))
    return Session(loaded.inspection, loaded.framework, user, clock=lambda: next(times))


def test_different_answers_combine_with_both_logs(base):
    ours, theirs = edit(base, "jb"), edit(base, "ak", minute=30)
    ours.set_answer("C01", "2.1.1", NO, reason="no risk plan")
    theirs.set_answer("C03", "2.1.2", YES)
    theirs.set_answer("C02", "2.1.1", NA)
    merged = merge(base.inspection, ours.snapshot(), theirs.snapshot())
    assert merged.conflicts == ()
    answers = {c.id: dict(c.answers) for c in merged.inspection.cases}
    assert answers["C01"]["2.1.1"] == NO and answers["C03"]["2.1.2"] == YES and answers["C02"]["2.1.1"] == NA
    # theirs (on disk, when saving) first, ours appended: a saved log is never rewritten;
    # C03's first answer is data entry, not moderation, and not logged
    assert [(m.by, m.case, m.question) for m in merged.inspection.moderation] == [("ak", "C02", "2.1.1"), ("jb", "C01", "2.1.1")]


def test_the_same_answer_changed_both_ways_is_a_conflict_and_ours_is_kept(base):
    ours, theirs = edit(base, "jb"), edit(base, "ak")
    ours.set_answer("C01", "2.1.1", NO)
    theirs.set_answer("C01", "2.1.1", NA)
    theirs.set_answer("C03", "2.1.2", NO)
    merged = merge(base.inspection, ours.snapshot(), theirs.snapshot())
    assert merged.conflicts == (Conflict("C01", "2.1.1", "yes", "no", "n/a"),)
    assert str(merged.conflicts[0]) == "C01 2.1.1: base yes, ours no, theirs n/a"
    cases = {c.id: c for c in merged.inspection.cases}
    assert cases["C01"].answers["2.1.1"] == NO and cases["C03"].answers["2.1.2"] == NO
    # git's merge: both sides' entries in commits, each kept as it is, theirs then ours
    assert [(m.by, m.from_, m.to) for m in merged.inspection.moderation] == [("ak", "yes", "n/a"), ("jb", "yes", "no")]


def test_a_merging_save_logs_its_own_change_from_what_the_file_now_holds(base):
    ours, theirs = edit(base, "jb"), edit(base, "ak")
    ours.set_answer("C01", "2.1.1", NO)
    theirs.set_answer("C01", "2.1.1", NA)
    merged = merge(base.inspection, ours.snapshot(), theirs.snapshot(), saving=True)
    assert merged.conflicts == (Conflict("C01", "2.1.1", "yes", "no", "n/a"),)
    # ours' entry is this save's, in no file yet: it records what the save changes, n/a to no
    taken_ours = merge(base.inspection, ours.snapshot(), theirs.snapshot(), {merged.conflicts[0]: "ours"}, saving=True)
    assert [(m.by, m.from_, m.to) for m in taken_ours.inspection.moderation] == [("ak", "yes", "n/a"), ("jb", "n/a", "no")]
    taken_theirs = merge(base.inspection, ours.snapshot(), theirs.snapshot(), {merged.conflicts[0]: "theirs"}, saving=True)
    assert [(m.by, m.from_, m.to) for m in taken_theirs.inspection.moderation] == [("ak", "yes", "n/a")]


def test_a_review_not_yet_saved_of_an_answer_another_changed_meanwhile_is_a_conflict_not_dropped(base):
    """jb read C01's file and agreed with 2.1.1's yes; meanwhile ak changed it to no and saved. Both
    cannot stand: the save asks. Before, the review vanished without a word (the save said nothing
    was kept), and with it a quality-assurance review the dip sample counted."""
    ours, theirs = edit(base, "jb"), edit(base, "ak")
    ours.review("C01", "2.1.1", "read the file, agreed")
    theirs.set_answer("C01", "2.1.1", NO, reason="missed the risk")
    merged = merge(base.inspection, ours.snapshot(), theirs.snapshot(), saving=True)
    assert merged.conflicts == (Conflict("C01", "2.1.1", "yes", "yes", "no"),)
    assert {c.id: c for c in merged.inspection.cases}["C01"].answers["2.1.1"] == YES  # ours stands until chosen
    # Ours kept: jb puts back the yes they agreed with, from ak's no, with their comment.
    taken_ours = merge(base.inspection, ours.snapshot(), theirs.snapshot(), {merged.conflicts[0]: "ours"}, saving=True)
    assert {c.id: c for c in taken_ours.inspection.cases}["C01"].answers["2.1.1"] == YES
    assert [(m.by, m.from_, m.to, m.reason) for m in taken_ours.inspection.moderation] == [
        ("ak", "yes", "no", "missed the risk"),
        ("jb", "no", "yes", "read the file, agreed"),
    ]
    # Theirs taken: ak's no stands, and the review of a yes that no longer is goes, by jb's choice.
    taken_theirs = merge(base.inspection, ours.snapshot(), theirs.snapshot(), {merged.conflicts[0]: "theirs"}, saving=True)
    assert {c.id: c for c in taken_theirs.inspection.cases}["C01"].answers["2.1.1"] == NO
    assert [(m.by, m.from_, m.to) for m in taken_theirs.inspection.moderation] == [("ak", "yes", "no")]


def test_sides_are_chosen_in_a_merging_save_only(base):
    ours, theirs = edit(base, "jb"), edit(base, "ak")
    ours.set_answer("C01", "2.1.1", NO)
    theirs.set_answer("C01", "2.1.1", NA)
    (conflict,) = merge(base.inspection, ours.snapshot(), theirs.snapshot()).conflicts
    with pytest.raises(ValueError, match="git's merge leaves its conflicts in the file"):
        merge(base.inspection, ours.snapshot(), theirs.snapshot(), {conflict: "theirs"})


def test_an_answer_cleared_on_one_side_and_changed_on_the_other_says_unanswered(base):
    ours, theirs = edit(base, "jb"), edit(base, "ak")
    ours.set_answer("C01", "2.1.1", None)
    theirs.set_answer("C01", "2.1.1", NO)
    (conflict,) = merge(base.inspection, ours.snapshot(), theirs.snapshot()).conflicts
    assert str(conflict) == "C01 2.1.1: base yes, ours unanswered, theirs no"


def test_a_chosen_side_settles_the_conflict_it_was_chosen_for_only(base):
    ours, theirs = edit(base, "jb"), edit(base, "ak")
    ours.set_answer("C01", "2.1.1", NO)
    theirs.set_answer("C01", "2.1.1", NA)
    ours.set_answer("C02", "2.1.2", NO)
    theirs.set_answer("C02", "2.1.2", NA)
    first = merge(base.inspection, ours.snapshot(), theirs.snapshot(), saving=True)
    settled = merge(base.inspection, ours.snapshot(), theirs.snapshot(), {first.conflicts[0]: "theirs"}, saving=True)
    assert settled.conflicts == first.conflicts[1:]
    assert settled.inspection.case("C01").answers["2.1.1"] == NA
    assert settled.inspection.case("C02").answers["2.1.2"] == NO


def test_both_sides_logs_and_decisions_are_kept_and_a_record_on_both_only_once(base):
    ours, theirs = edit(base, "jb"), edit(base, "lead", minute=30)
    ours.set_answer("C01", "2.1.1", NO)
    ours.decide("2.1", "Good", "one case short")
    theirs.set_answer("C04", "2.1.1", NO)
    theirs.decide("2.1", "Good", "the panel agreed")
    shared = ours.snapshot().moderation[0]
    merged = merge(
        base.inspection, ours.snapshot(), replace(theirs.snapshot(), moderation=(shared, *theirs.snapshot().moderation))
    )
    assert merged.conflicts == ()  # the same rating decided on both sides
    assert [(m.by, m.case) for m in merged.inspection.moderation] == [("jb", "C01"), ("lead", "C04")]  # theirs' order
    assert [(d.by, d.reason) for d in merged.inspection.discretion] == [("lead", "the panel agreed"), ("jb", "one case short")]


def test_a_standard_decided_differently_on_both_sides_is_a_conflict_and_ours_stands(base):
    ours, theirs = edit(base, "jb"), edit(base, "lead", minute=30)
    ours.decide("2.1", "Outstanding", "uplift")
    theirs.decide("2.1", "Requires improvement", "downgrade")
    merged = merge(base.inspection, ours.snapshot(), theirs.snapshot())
    assert [str(c) for c in merged.conflicts] == [
        "2.1 panel decision: base no decision, ours Outstanding, theirs Requires improvement"
    ]
    # both kept, in order; the last one stands
    assert [d.rating for d in merged.inspection.discretion] == ["Requires improvement", "Outstanding"]
    # a merging save that takes theirs withdraws its own decision, never moving theirs (saved) after it
    (conflict,) = merge(base.inspection, ours.snapshot(), theirs.snapshot(), saving=True).conflicts
    settled = merge(base.inspection, ours.snapshot(), theirs.snapshot(), {conflict: "theirs"}, saving=True)
    assert [d.rating for d in settled.inspection.discretion] == ["Requires improvement"]


def test_a_case_added_on_one_side_is_kept_in_order(base):
    ours, theirs = base.inspection, base.inspection
    ours = replace(ours, cases=(*ours.cases, Case("C09", "court", answers={"2.1.1": YES})))
    theirs = replace(
        theirs,
        cases=(*theirs.cases, Case("C07", "court", label="Referral order")),
        samples={**theirs.samples, "oocd": "Out-of-court disposals"},
    )
    merged = merge(base.inspection, ours, theirs)
    assert merged.conflicts == ()
    assert [c.id for c in merged.inspection.cases] == ["C01", "C02", "C03", "C04", "C09", "C07"]
    assert merged.inspection.samples == {"court": "Court disposals", "oocd": "Out-of-court disposals"}


def test_the_later_moderated_mark_wins_without_a_conflict(base):
    ours, theirs = edit(base, "jb", minute=40), edit(base, "ak", minute=10)
    ours.mark_moderated("C01")
    theirs.mark_moderated("C01")
    theirs.mark_moderated("C02")
    merged = merge(base.inspection, ours.snapshot(), theirs.snapshot())
    assert merged.conflicts == ()
    assert merged.inspection.case("C01").moderated.by == "jb"
    assert merged.inspection.case("C02").moderated.by == "ak"
    again = merge(base.inspection, theirs.snapshot(), ours.snapshot())
    assert again.inspection.case("C01").moderated.by == "jb"


def test_a_judgement_rating_changed_both_ways_is_a_rating_conflict(base):
    def rated(rating):
        inspection = base.inspection
        return replace(inspection, standards=(replace(inspection.standards[0], rating=rating), *inspection.standards[1:]))

    merged = merge(base.inspection, rated("Outstanding"), rated("Requires improvement"))
    assert [(c.kind, str(c)) for c in merged.conflicts] == [
        ("rating", "1.1 rating: base Good, ours Outstanding, theirs Requires improvement")
    ]
    assert merged.inspection.standard("1.1").rating == "Outstanding"
    assert merge(base.inspection, base.inspection, rated("Not rated")).inspection.standard("1.1").rating == "Not rated"


def test_a_judgement_key_question_rating_merges_on_its_own():
    text = inspection_text({"2.1.1": ["yes"]}).replace(
        'text = "Question 2.1.1?"',
        'text = "Question 2.1.1?"\n\n[[standards.key_questions]]\nid = "V1.2"\ntext = "Victims?"\njudgement = true',
    )
    loaded = parse_text(text)

    def rated(rating):
        standard = loaded.inspection.standard("2.1")
        kqs = tuple(replace(kq, rating=rating) if kq.id == "V1.2" else kq for kq in standard.key_questions)
        return replace(loaded.inspection, standards=(loaded.inspection.standards[0], replace(standard, key_questions=kqs)))

    assert merge(loaded.inspection, loaded.inspection, rated("Good")).inspection.standard("2.1").key_questions[1].rating == "Good"
    (conflict,) = merge(loaded.inspection, rated("Outstanding"), rated("Good")).conflicts
    assert str(conflict) == "V1.2 rating: base no rating, ours Outstanding, theirs Good"


def test_other_fields_merge_field_by_field(base):
    ours = replace(base.inspection, title="Teesside YJS", extra={"owner": "hmip"})
    theirs = replace(base.inspection, lead_inspector="jb", inspection_extra={"region": "North East"})
    merged = merge(base.inspection, ours, theirs)
    assert merged.conflicts == ()
    inspection = merged.inspection
    assert (inspection.title, inspection.lead_inspector) == ("Teesside YJS", "jb")
    assert inspection.extra == {"owner": "hmip"} and inspection.inspection_extra == {"region": "North East"}
    (conflict,) = merge(base.inspection, ours, replace(theirs, title="Stockton YJS")).conflicts
    assert (conflict.kind, str(conflict)) == ("structure", "inspection.title: base Test, ours Teesside YJS, theirs Stockton YJS")


def test_standards_changed_differently_on_both_sides_are_one_structure_conflict(base):
    def retitled(title):
        return replace(
            base.inspection, standards=(replace(base.inspection.standards[0], title=title), *base.inspection.standards[1:])
        )

    (conflict,) = merge(base.inspection, retitled("Leadership"), retitled("Governance and leadership")).conflicts
    assert str(conflict) == "standards: base original, ours changed, theirs changed differently"
    assert merge(base.inspection, base.inspection, retitled("Leadership")).inspection.standards[0].title == "Leadership"


def test_a_merge_the_program_would_refuse_is_a_conflict_not_a_file(base):
    ours = edit(base, "jb")
    ours.set_answer("C03", "2.1.2", YES)
    standard = base.inspection.standard("2.1")
    theirs = replace(
        base.inspection,
        standards=(base.inspection.standards[0], replace(standard, key_questions=standard.key_questions[:1])),
        cases=tuple(replace(c, answers={"2.1.1": c.answers["2.1.1"]}) for c in base.inspection.cases),
    )
    conflicts = merge(base.inspection, ours.snapshot(), theirs).conflicts
    assert [c.kind for c in conflicts] == ["invalid"]
    assert str(conflicts[0]) == (
        'the merged inspection would be refused: cases[2] (C03).answers."2.1.2": no such question in this file'
    )


@pytest.mark.parametrize("key", list(KINDS))
def test_a_value_whose_kind_alone_they_changed_is_their_change_merged_in(key):
    was, now = KINDS[key]
    base = parse_text(with_unknown_keys({key: was}, {key: was}))
    theirs = parse_text(with_unknown_keys({key: now}, {key: now}))
    ours = edit(base, "jb")
    ours.set_answer("C01", "2.1.1", NO)  # in another case: the merge goes case by case too
    merged = merge(base.inspection, ours.snapshot(), theirs.inspection)
    assert merged.conflicts == ()
    assert kinds_of(merged.inspection) == kinds_of(theirs.inspection)
    assert merged.inspection.case("C01").answers["2.1.1"] == NO


def test_a_case_one_side_deleted_and_the_other_left_as_it_was_is_deleted_though_it_holds_a_nan():
    base = parse_text(with_unknown_keys({"ratio": "nan"}, {}))
    theirs = parse_text(with_unknown_keys({"ratio": "nan"}, {}))  # read again: a nan of its own
    ours = replace(base.inspection, cases=tuple(c for c in base.inspection.cases if c.id != "C02"))
    merged = merge(base.inspection, ours, theirs.inspection)
    assert merged.conflicts == ()
    assert [c.id for c in merged.inspection.cases] == ["C01", "C03", "C04"]


AT = dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc)


def with_case(inspection, case_id: str, **fields):
    return replace(inspection, cases=tuple(replace(c, **fields) if c.id == case_id else c for c in inspection.cases))


def with_first_key_question(inspection, **fields):
    standard = inspection.standards[1]
    key_questions = (replace(standard.key_questions[0], **fields), *standard.key_questions[1:])
    return replace(inspection, standards=(inspection.standards[0], replace(standard, key_questions=key_questions)))


@pytest.mark.parametrize("where", ["key question", "moderated mark", "second assessment"])
def test_a_kind_they_changed_in_a_record_a_case_or_standard_holds_is_their_change(base, where):
    def made(flag):
        if where == "key question":
            return with_first_key_question(base.inspection, extra={"flag": flag})
        if where == "moderated mark":
            return with_case(base.inspection, "C01", moderated=Moderated("qa", AT, {"flag": flag}))
        second = SecondAssessment("mr", AT, {"2.1.1": YES}, None, {"flag": flag})
        return with_case(base.inspection, "C01", second_assessments=(second,))

    def flag(inspection):
        if where == "key question":
            return inspection.standards[1].key_questions[0].extra["flag"]
        case = inspection.case("C01")
        return (case.moderated if where == "moderated mark" else case.second_assessments[0]).extra["flag"]

    was = made(1)
    ours = with_case(was, "C01", answers={"2.1.1": NO, "2.1.2": NO})  # the same case changed here too
    merged = merge(was, ours, made(True))
    assert merged.conflicts == ()
    assert repr(flag(merged.inspection)) == "True"


def test_a_case_we_deleted_in_which_they_changed_only_a_kind_is_a_conflict_not_gone(base):
    was = with_case(base.inspection, "C01", extra={"flag": 1})
    ours = replace(was, cases=was.cases[1:])
    (conflict,) = merge(was, ours, with_case(was, "C01", extra={"flag": True})).conflicts
    assert (conflict.field, conflict.ours, conflict.theirs) == ("cases.C01", "deleted", "edited")
