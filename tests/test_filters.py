"""The grid's filters, decided in the core: what each one hides and what it keeps."""

from __future__ import annotations

import pytest

from helpers.sessions import stockton_session
from moderate.filters import Filters, Since, view
from moderate.model import Answer
from moderate.session import Session


@pytest.fixture
def stockton() -> Session:
    return stockton_session()


def _questions(shown) -> list[str]:
    return [q for _, questions in shown.standards for q in questions]


def test_no_filter_shows_the_whole_sample(stockton):
    shown = view(stockton, "court", Filters(), prompts=False)
    assert [s for s, _ in shown.standards] == ["2.1", "2.2", "2.3", "2.4"]
    assert len(_questions(shown)) == 12
    assert len(shown.cases) == 8
    assert not Filters()


def test_flagged_keeps_only_standards_eligible_for_discretion_with_their_key_questions(stockton):
    shown = view(stockton, "court", Filters(flagged=True), prompts=False)
    assert [s for s, _ in shown.standards] == ["2.1", "2.2", "2.4"]  # 2.3 is not flagged
    assert dict(shown.standards)["2.1"] == ("2.1.1", "2.1.2", "2.1.3")
    assert Filters(flagged=True).describe() == ["flagged standards"]


def test_changed_answers_keep_their_rows_and_cases_only(stockton):
    case = next(iter(c for c in stockton.cases.values() if c.sample == "court")).id
    assert view(stockton, "court", Filters(changed=Since.OPENED), prompts=False).standards == ()
    old = stockton.answer(case, "2.2.2")
    stockton.set_answer(case, "2.2.2", Answer.NA if old != Answer.NA else Answer.YES)
    for since in Since:  # the log counts what the next save will write too
        shown = view(stockton, "court", Filters(changed=since), prompts=False)
        assert shown.standards == (("2.2", ("2.2.2",)),)
        assert shown.cases == (case,)
    stockton.snapshot()
    stockton.mark_saved()
    assert view(stockton, "court", Filters(changed=Since.SAVE), prompts=False).cases == ()
    assert view(stockton, "court", Filters(changed=Since.OPENED), prompts=False).cases == (case,)
    assert view(stockton, "court", Filters(changed=Since.LOGGED), prompts=False).cases == (case,)


def test_cases_not_moderated_and_of_one_inspector(stockton):
    court = [c.id for c in stockton.cases.values() if c.sample == "court"]
    stockton.mark_moderated(court[0])
    assert view(stockton, "court", Filters(unmoderated=True), prompts=False).cases == tuple(court[1:])
    ak = tuple(c.id for c in stockton.cases.values() if c.sample == "court" and c.inspector == "ak")
    assert view(stockton, "court", Filters(inspector="ak"), prompts=False).cases == ak
    assert len(ak) == 3
    assert Filters(unmoderated=True, inspector="ak").describe() == ["cases not moderated", "inspector ak"]


def test_text_keeps_matching_questions_and_a_prompt_keeps_its_key_question(stockton):
    kq = stockton.standards["2.1"].key_questions[0]
    word = kq.text.split()[-1]
    shown = view(stockton, "court", Filters(text=word.upper()), prompts=False)
    assert kq.id in _questions(shown)
    assert all(word.casefold() in f"{q} {stockton.standard_of(q).question(q).text}".casefold() for q in _questions(shown))
    assert view(stockton, "court", Filters(text="2.3.2"), prompts=False).standards == (("2.3", ("2.3.2",)),)
    prompt = stockton.standards["2.3"].key_questions[0].prompts[0]
    shown = view(stockton, "court", Filters(text=prompt.id), prompts=True)
    assert shown.standards == (("2.3", (stockton.standards["2.3"].key_questions[0].id, prompt.id)),)
    assert view(stockton, "court", Filters(text="no such words anywhere"), prompts=False).standards == ()


def test_doubtful_keeps_the_key_questions_their_prompts_disagree_with_their_cases_and_prompts(stockton):
    nothing = view(stockton, "court", Filters(doubtful=True), prompts=True)
    assert (nothing.standards, nothing.cases) == ((), ())
    shown = view(stockton, "oocd", Filters(doubtful=True), prompts=False)
    assert shown.standards == (("3.2", ("3.2.3",)),) and shown.cases == ("O04",)
    prompts = tuple(p.id for p in stockton.standards["3.2"].key_questions[2].prompts)  # what it disagrees with
    assert view(stockton, "oocd", Filters(doubtful=True), prompts=True).standards == (("3.2", ("3.2.3", *prompts)),)
    stockton.set_answer("C01", "2.2.2", Answer.NA)  # its prompts answered: a doubt
    shown = view(stockton, "court", Filters(doubtful=True), prompts=False)
    assert shown.standards == (("2.2", ("2.2.2",)),) and shown.cases == ("C01",)
    assert Filters(doubtful=True).describe() == ["key questions their prompts disagree with"]
