"""How far the dip sample has got, as the session counts it while moderating, and the cases it shows."""

from __future__ import annotations

from moderate.filters import Filters, view
from moderate.model import FIELDWORK
from moderate.reading import load
from moderate.session import Session
from moderate.words import qa_header
from helpers.files import with_people


def header(session: Session) -> str:
    found = session.qa_progress()
    return qa_header(found.sampled, len(found.reviewed), ((a, t.reviewed, t.sampled) for a, t in found.by_assessor.items()))


def test_the_header_counts_reviews_as_they_are_made_unsaved_and_undone(stockton):
    loaded = load(with_people(stockton))
    questions = [kq.id for s in loaded.inspection.standards if s.sample == "court" for kq in s.key_questions]
    qa = Session(loaded.inspection, loaded.framework, "qa")
    assert header(qa) == ""
    qa.choose_for_sample(["C01", "C02", "C04"], FIELDWORK, "by hand")
    assert header(qa) == "QA 0 of 3 reviewed · ak 0/2 · jb 0/1"
    for question in questions:
        qa.review("C01", question)
    assert header(qa) == "QA 1 of 3 reviewed · ak 1/2 · jb 0/1"
    qa.set_answer("C02", questions[0], None)  # cleared: a change, logged, but the others unreviewed
    assert header(qa) == "QA 1 of 3 reviewed · ak 1/2 · jb 0/1"
    qa.undo()
    for _ in questions:
        qa.undo()
    assert header(qa) == "QA 0 of 3 reviewed · ak 0/2 · jb 0/1"
    own = Session(qa.snapshot(), loaded.framework, "ak")
    for question in questions:
        own.review("C04", question)  # ak's own case: not quality assurance
    assert header(own) == "QA 0 of 3 reviewed · ak 0/2 · jb 0/1"


def test_the_sample_filter_shows_the_sampled_cases_only(stockton):
    loaded = load(stockton)
    session = Session(loaded.inspection, loaded.framework, "qa")
    session.choose_for_sample(["C02", "O03", "C05"], FIELDWORK, "by hand")
    session.withdraw_from_sample("C05", "no")
    on = Filters(sampled=True)
    assert on.describe() == ["cases in the dip sample"]
    assert view(session, "court", on, prompts=False).cases == ("C02",)
    assert view(session, "oocd", on, prompts=False).cases == ("O03",)
    assert len(view(session, "court", Filters(), prompts=False).cases) == 8
