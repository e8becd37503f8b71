"""Invariants over random inspections (hypothesis)."""

from __future__ import annotations

import pytest

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from moderate.frameworks import PRESETS
from moderate.model import Answer, Case, Decision, Inspection, KeyQuestion, Prompt, Standard
from moderate.reading import parse_text
from moderate.rules import rate_inspection
from moderate.session import Session
from moderate.writing import Made, dumps

FRAMEWORK = PRESETS["hmip-youth-2021"]
BANDS = [b.rating for b in FRAMEWORK.bands]
AT = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
answers_or_none = st.sampled_from([Answer.YES, Answer.NO, Answer.NA, None])


@st.composite
def inspections(draw) -> Inspection:
    samples = {"court": "Court disposals", "oocd": "Out-of-court disposals"}
    standards = [
        Standard("1.1", "Organisational delivery", "Governance", rating=draw(st.sampled_from([*BANDS, "Not rated", None])))
    ]
    for s in range(draw(st.integers(1, 4))):
        sid = f"2.{s + 1}"
        kqs = []
        for k in range(draw(st.integers(1, 3))):
            qid = f"{sid}.{k + 1}"
            prompts = tuple(Prompt(f"{qid}.{p}", "A prompt?") for p in "abc"[: draw(st.integers(0, 2))])
            kqs.append(KeyQuestion(qid, "A question?", prompts))
        standards.append(
            Standard(
                sid,
                "Court disposals",
                "A standard",
                sample=draw(st.sampled_from(list(samples))),
                key_questions=tuple(kqs),
                counts=draw(st.booleans()),
            )
        )
    questions = {s.id: [q for kq in s.key_questions for q in (kq.id, *(p.id for p in kq.prompts))] for s in standards}
    cases = []
    for c in range(draw(st.integers(0, 12))):
        sample = draw(st.sampled_from(list(samples)))
        own = [q for s in standards if s.sample == sample for q in questions[s.id]]
        given = {q: a for q in own if (a := draw(answers_or_none)) is not None}
        cases.append(Case(f"C{c:02}", sample, answers=given, label=draw(st.none() | st.text(max_size=20))))
    decisions = []
    for standard in standards[1:]:
        if draw(st.booleans()):
            computed = draw(st.integers(0, 3))
            rating = draw(st.integers(max(0, computed - 1), min(3, computed + 1)))
            decisions.append(Decision(standard.id, BANDS[computed], BANDS[rating], "lead", AT, draw(st.text(max_size=30))))
    return Inspection("Random", "hmip-youth-2021", samples, tuple(standards), tuple(cases), discretion=tuple(decisions))


@st.composite
def inspections_and_changes(draw):
    inspection = draw(inspections())
    cells = [
        (c.id, q)
        for c in inspection.cases
        for s in inspection.standards
        if s.sample == c.sample
        for kq in s.key_questions
        for q in (kq.id, *(p.id for p in kq.prompts))
    ]
    changes = draw(st.lists(st.tuples(st.sampled_from(cells), answers_or_none), max_size=25)) if cells else []
    return inspection, changes


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(inspections_and_changes())
def test_the_incremental_update_equals_a_full_recompute(case):
    inspection, changes = case
    session = Session(inspection, FRAMEWORK, "jb", clock=lambda: AT)
    for (case_id, question), answer in changes:
        session.set_answer(case_id, question, answer)
        assert session.ratings == rate_inspection(session.snapshot(), FRAMEWORK)
    while session.undo():
        pass
    assert session.ratings == rate_inspection(inspection, FRAMEWORK)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(inspections())
def test_save_then_load_is_the_identity(inspection):
    text = dumps(inspection)
    loaded = parse_text(text).inspection
    assert loaded == inspection
    assert dumps(loaded) == text


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(inspections(), inspections(), st.data())
def test_a_file_written_with_the_cases_parts_of_the_one_before_is_the_file_written_afresh(first, other, data):
    # As a merging save's process writes one merge after another: each case that is the very
    # record it wrote before takes its part from then, unless the questions' order changed.
    made = Made()
    assert dumps(first, made) == dumps(first)
    kept = [case if data.draw(st.booleans()) else replace(case, label="changed") for case in first.cases]
    second = replace(data.draw(st.sampled_from([first, other])), cases=(*kept, *other.cases[:2]))
    assert dumps(second, made) == dumps(second)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(inspections())
def test_the_computed_rating_is_never_above_any_case_based_key_questions_band(inspection):
    for result in rate_inspection(inspection, FRAMEWORK).standards.values():
        for figures in result.key_questions:
            if figures.band is not None:
                assert result.computed.lower <= figures.band.lower
