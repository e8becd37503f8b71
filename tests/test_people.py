"""People and their roles: who may moderate, who may decide for the panel, whose review is quality assurance."""

from __future__ import annotations


import pytest

from helpers.app import open_app, select
from helpers.cli import moderate
from helpers.files import with_people
from helpers.screen import Notified
from moderate.merge import merge
from moderate.model import LEAD_INSPECTOR, LOCAL_ASSESSOR, QUALITY_LEAD
from moderate.people import NotPermitted, UnknownPerson, assures_quality
from moderate.reading import load, parse_text
from moderate.screens.panel import PanelScreen
from moderate.session import Session
from moderate.workspace import Opening, Workspace
from moderate.writing import dumps


def test_the_people_table_is_read_and_written_back_byte_for_byte(stockton):
    loaded = load(with_people(stockton))
    assert loaded.inspection.people == {
        "ak": "inspector",
        "jb": LOCAL_ASSESSOR,
        "mr": "inspector",
        "qa": QUALITY_LEAD,
        "lead": LEAD_INSPECTOR,
    }
    assert dumps(loaded.inspection) == stockton.read_text(encoding="utf-8")


def test_only_the_lead_inspector_records_a_panel_decision_or_a_judgement_rating(stockton):
    loaded = load(with_people(stockton))
    for user in ("ak", "jb", "qa", "stranger"):
        session = Session(loaded.inspection, loaded.framework, user)
        with pytest.raises(NotPermitted, match="lead inspector's to record"):
            session.decide("2.2", "Requires improvement", "kept")
        with pytest.raises(NotPermitted, match="lead inspector's to record"):
            session.rate_judgement("1.1", "Outstanding", "strong")
        assert not session.dirty
    lead = Session(loaded.inspection, loaded.framework, "lead")
    assert lead.decide("2.2", "Requires improvement", "kept") and lead.rate_judgement("1.1", "Outstanding", "strong")


def test_without_a_people_table_anyone_decides_as_before(stockton):
    loaded = load(stockton)
    session = Session(loaded.inspection, loaded.framework, "ak")
    assert session.decide("2.2", "Requires improvement", "kept")


def test_a_review_is_quality_assurance_unless_by_the_case_s_own_assessor_or_a_local_assessor():
    people = {"ak": "inspector", "jb": LOCAL_ASSESSOR, "qa": QUALITY_LEAD, "lead": LEAD_INSPECTOR}
    assert assures_quality(people, "qa", "ak") and assures_quality(people, "ak", "jb") and assures_quality(people, "lead", "ak")
    assert not assures_quality(people, "ak", "ak")  # one's own case
    assert not assures_quality(people, "jb", "ak")  # a local assessor's
    assert not assures_quality(people, "bob", "ak")  # not in the table
    assert assures_quality({}, "bob", "ak") and not assures_quality({}, "ak", "ak")
    assert assures_quality(people, "qa", None)  # a case that names no assessor


@pytest.mark.subprocess
def test_a_name_the_table_does_not_list_is_told_so_and_not_let_in(stockton):
    with_people(stockton)
    with pytest.raises(UnknownPerson, match="'bob' is not one of this inspection's people"):
        Opening.of(stockton, "bob")
    with pytest.raises(UnknownPerson):
        Workspace.open(stockton, "bob")
    app = moderate(str(stockton), "--as", "bob")
    assert app.returncode == 2
    assert "'bob' is not one of this inspection's people ([people]: ak, jb, mr, qa, lead)" in app.stderr
    assert "--as NAME" in app.stderr
    table = stockton.with_name("answers.csv")
    table.write_text("case,question,answer\nC01,2.1.1,no\n", encoding="utf-8")
    refused = moderate("import", str(stockton), str(table), "--as", "bob")
    assert refused.returncode == 2 and "'bob' is not one of this inspection's people" in refused.stderr
    assert load(stockton).inspection.case("C01").answers.get("2.1.1") != "no"
    assert moderate("import", str(stockton), str(table), "--as", "qa").returncode == 0


@pytest.mark.subprocess
def test_any_name_still_works_where_the_file_names_no_people(stockton):
    table = stockton.with_name("answers.csv")
    table.write_text("case,question,answer\nC01,2.1.1,no\n", encoding="utf-8")
    assert moderate("import", str(stockton), str(table), "--as", "bob").returncode == 0


@pytest.mark.subprocess
def test_check_warns_of_ratings_and_decisions_by_others_and_of_unlisted_assessors(stockton):
    with_people(stockton, '[people]\nak = "inspector"\njb = "local assessor"\nlead = "quality lead"\n')
    text = stockton.read_text(encoding="utf-8")
    rated = 'title = "Governance and leadership"\nrating = "Good"'
    assert rated in text
    stockton.write_text(
        text.replace(rated, rated.replace("Good", "Outstanding"))
        + '\n[[moderation]]\nstandard = "1.1"\nfrom = "Good"\nto = "Outstanding"\nby = "ak"\nat = 2026-11-21T10:00:00Z\n',
        encoding="utf-8",
    )
    result = moderate("check", str(stockton))
    assert result.returncode == 0, result.stderr
    assert "the panel decision on 2.2 is by lead (quality lead), not the lead inspector" in result.stderr
    assert "the judgement rating on 1.1 is by ak (inspector), not the lead inspector" in result.stderr
    assert ".inspector: 'mr' is not in [people]" in result.stderr
    assert "inspection.lead_inspector: 'lead' is in [people] as quality lead, not as lead inspector" in result.stderr
    other = stockton.with_name("other.toml")
    other.write_text(text.replace('lead = "quality lead"\n', 'lead = "lead inspector"\nmr = "inspector"\n'), encoding="utf-8")
    warnings = [line for line in moderate("check", str(other)).stderr.splitlines() if ": warning: " in line]
    assert [w.split(": warning: ")[1] for w in warnings] == [  # the file's one prompt doubt; its decision is its lead's
        "O04 3.2.3: answered no, but every prompt answered under it is yes (no-but-prompts-yes)"
    ]


def test_people_merge_name_by_name(stockton):
    base = load(with_people(stockton, '[people]\nlead = "lead inspector"\n')).inspection
    text = stockton.read_text(encoding="utf-8")
    ours = parse_text(text.replace('lead = "lead inspector"\n', 'lead = "lead inspector"\nak = "inspector"\n')).inspection
    theirs = parse_text(text.replace('lead = "lead inspector"\n', 'lead = "lead inspector"\nqa = "quality lead"\n')).inspection
    merged = merge(base, ours, theirs)
    assert not merged.conflicts
    assert merged.inspection.people == {"lead": LEAD_INSPECTOR, "ak": "inspector", "qa": QUALITY_LEAD}
    clash = parse_text(text.replace('lead = "lead inspector"\n', 'lead = "lead inspector"\nak = "local assessor"\n'))
    assert [str(c) for c in merge(base, ours, clash.inspection).conflicts] == [
        "people.ak: base absent, ours inspector, theirs local assessor"
    ]


async def test_the_panel_tells_an_inspector_the_decision_is_the_lead_inspector_s(stockton):
    with_people(stockton)
    notified = Notified()
    async with open_app(stockton, user="ak").run_test(size=(200, 40), message_hook=notified) as pilot:
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)
        await select(pilot, "2.2")
        await pilot.press("equals_sign")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)  # no question asked: nothing to ask
        await select(pilot, "1.1")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PanelScreen)
        assert not pilot.app.workspace.session.dirty
    expected = "A {} is the lead inspector's to record, and ak (inspector) is not the lead inspector."
    assert expected.format("panel decision") in notified and expected.format("judgement rating") in notified
    assert [d.by for d in load(stockton).inspection.discretion] == ["lead"]
