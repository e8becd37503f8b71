"""Case facts the reports rest on: management oversight, the case manager interviewed, notes,
and the resettlement cases that are counted but not rated."""

from __future__ import annotations

import pytest

import json
from dataclasses import replace

from helpers.cli import moderate
from helpers.files import inspection_text, SAMPLES
from helpers.screen import screen_text
from moderate.merge import merge
from moderate.reading import load, parse_text
from moderate.screens.app import ModerateApp
from moderate.workspace import Opening
from moderate.writing import dumps

FACTS = '''
[[cases]]
id = "C09"
sample = "court"
label = "Referral order"
notes = """Seen twice.
Manager's countersignature missing."""
interviewed = false
oversight = "no"
'''


def test_the_facts_are_read_and_written_back_in_canonical_order(tmp_path):
    path = tmp_path / "facts.toml"
    path.write_text(inspection_text({"2.1.1": ["yes", "no"]}, extra=FACTS), encoding="utf-8")
    case = load(path).inspection.case("C09")
    assert (case.oversight, case.interviewed, case.notes) == ("no", False, "Seen twice.\nManager's countersignature missing.")
    written = dumps(load(path).inspection)
    block = written[written.index('id = "C09"') :]
    assert [line.split(" = ")[0] for line in block.splitlines()[:6]] == [
        "id",
        "sample",
        "label",
        "oversight",
        "interviewed",
        "notes",
    ]
    assert dumps(parse_text(written).inspection) == written


@pytest.mark.subprocess
def test_wrong_facts_are_refused_with_where_they_are(tmp_path):
    path = tmp_path / "wrong.toml"
    path.write_text(
        inspection_text(
            {"2.1.1": ["yes"]},
            extra="""
[[cases]]
id = "C09"
sample = "court"
oversight = "maybe"
interviewed = "yes"
notes = 3
""",
        ),
        encoding="utf-8",
    )
    done = moderate("check", str(path))
    assert done.returncode == 2
    for problem in (
        "cases[1] (C09).oversight: 'maybe' is not yes, no or n/a",
        "cases[1] (C09).interviewed: expected true or false, found a string ('yes')",
        "cases[1] (C09).notes: expected a string, found an integer (3)",
    ):
        assert problem in done.stderr, done.stderr


def test_a_merge_keeps_one_sides_notes_and_the_others_oversight(tmp_path):
    base = parse_text(inspection_text({"2.1.1": ["yes", "no"]}, extra=FACTS)).inspection
    ours = replace(base, cases=tuple(replace(c, notes="Ours.") if c.id == "C09" else c for c in base.cases))
    theirs = replace(base, cases=tuple(replace(c, oversight="yes", interviewed=True) if c.id == "C09" else c for c in base.cases))
    merged = merge(base, ours, theirs)
    assert not merged.conflicts
    case = parse_text(merged.text).inspection.case("C09")
    assert (case.notes, case.oversight, case.interviewed) == ("Ours.", "yes", True)


@pytest.mark.subprocess
def test_the_report_counts_oversight_as_county_durham_printed_it_and_resettlement_apart():
    # "we assessed that management oversight was effective in only 13 out of 36 cases"
    sample = str(SAMPLES / "county-durham-2022.toml")
    text = moderate("report", sample).stdout
    assert "Management oversight was effective in 13 of 36 cases." in text.splitlines()
    assert "Resettlement: 3 cases inspected, counted but not rated." in text.splitlines()
    assert "We also conducted 36 interviews with case managers." in text.splitlines()  # as its report says
    facts = json.loads(moderate("report", sample, "--json").stdout)["cases"]
    assert facts == {
        "oversight": {"yes": 13, "no": 23, "n/a": 0},
        "interviewed": {"yes": 36, "of": 36},
        "not_rated": {"resettlement": 3},
    }
    markdown = moderate("report", sample, "--format", "markdown").stdout
    assert "Management oversight was effective in 13 of 36 cases." in markdown.splitlines()


@pytest.mark.subprocess
def test_stockton_oversight_in_every_case_and_the_interviews_it_reports():
    text = moderate("report", str(SAMPLES / "stockton-on-tees-2021.toml")).stdout.splitlines()
    assert "Management oversight was effective in 13 of 13 cases." in text  # "in every inspected case"
    assert "Case managers were interviewed in 12 cases." in text  # eight court, four out-of-court
    markdown = moderate("report", str(SAMPLES / "stockton-on-tees-2021.toml"), "--format", "markdown").stdout
    assert "We also conducted eight interviews with the relevant case managers." in markdown
    assert "We interviewed the case managers in four cases." in markdown


@pytest.mark.subprocess
def test_the_interviews_are_counted_as_the_file_records_them(tmp_path):
    # Northumberland: "We also conducted 15 interviews with case managers" (six court, nine out-of-court)
    path = tmp_path / "n.toml"
    text = (SAMPLES / "northumberland-2023.toml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert "We also conducted 15 interviews with case managers." in moderate("report", str(path)).stdout.splitlines()
    path.write_text(text.replace("interviewed = true", "interviewed = false", 2), encoding="utf-8")
    assert "We also conducted 13 interviews with case managers." in moderate("report", str(path)).stdout.splitlines()
    path.write_text(text.replace("interviewed = true\n", ""), encoding="utf-8")  # nothing recorded, nothing said
    assert "interview" not in moderate("report", str(path)).stdout


async def test_the_case_detail_shows_the_facts(tmp_path):
    path = tmp_path / "facts.toml"
    path.write_text(inspection_text({"2.1.1": ["yes"]}, extra=FACTS), encoding="utf-8")
    async with ModerateApp(Opening.of(path, "jb"), theme="textual-dark").run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "enter")
        await pilot.pause()
        shown = screen_text(pilot.app)
    assert "Case C09" in shown
    for line in (
        "Management oversight sufficient: no",
        "Case manager interviewed: no",
        "Seen twice.",
        "Manager's countersignature missing.",
    ):
        assert line in shown, shown
