"""The optional keys of ours that shape the report: `[inspection] service`, `[wording]`, a
standard's `rating_note` and `head_note`, a key question's `relevant_to`, `note` and `figure`,
a prompt's `note`, a case's `disposal`. Refused with where they are when wrong, written back
canonically, and merged like the rest of the file."""

from __future__ import annotations

import pytest

from dataclasses import replace

from helpers.cli import moderate
from helpers.files import SAMPLES
from moderate.merge import merge
from moderate.reading import load, parse_text
from moderate.writing import dumps

KEYED = """format = 1

[inspection]
title = "Keyed"
framework = "hmip-youth-2018"
service = "YOT"

[samples]
court = "Court disposals"

[wording]
rating_note = "Our own note."

[wording.samples.court]
cases = "We looked at {disposals} managed by the {service}."

[wording.disposals]
"youth caution" = "youth cautions (with support)"

[[standards]]
id = "2.1"
domain = "Court disposals"
title = "Assessment"
sample = "court"
rating_note = "Driven by the lowest."
head_note = "Only some cases."

[[standards.key_questions]]
id = "2.1.1"
text = "Does assessment keep the child safe?"
relevant_to = "with factors related to keeping the child safe"
note = "Only where there are such factors."
figure = false

[[standards.key_questions.prompts]]
id = "2.1.1.a"
text = "Is the risk analysed?"
note = "Four of eight."

[[cases]]
id = "C01"
sample = "court"
label = "Referral order"
disposal = "community sentence"
inspector = "ak"
interviewed = true

[cases.answers]
"2.1.1" = "yes"
"2.1.1.a" = "no"
"""


@pytest.mark.subprocess
def test_the_keys_are_read_and_written_back_as_they_were(tmp_path):
    inspection = parse_text(KEYED).inspection
    assert inspection.service == "YOT"
    assert inspection.wording["samples"]["court"]["cases"].startswith("We looked at")
    standard = inspection.standard("2.1")
    assert (standard.rating_note, standard.head_note) == ("Driven by the lowest.", "Only some cases.")
    kq = standard.key_questions[0]
    assert (kq.relevant_to, kq.note, kq.figure, kq.prompts[0].note) == (
        "with factors related to keeping the child safe",
        "Only where there are such factors.",
        False,
        "Four of eight.",
    )
    assert inspection.case("C01").disposal == "community sentence"
    assert dumps(inspection) == KEYED  # canonical already: the same bytes back
    path = tmp_path / "keyed.toml"
    path.write_text(KEYED, encoding="utf-8")
    assert moderate("format", str(path)).returncode == 0 and path.read_text(encoding="utf-8") == KEYED


@pytest.mark.subprocess
def test_the_report_uses_them(tmp_path):
    path = tmp_path / "keyed.toml"
    path.write_text(KEYED, encoding="utf-8")
    lines = moderate("report", str(path), "--format", "markdown").stdout.splitlines()
    said = (
        "We looked at one community sentence managed by the YOT. We also conducted one interview with the relevant case managers."
    )
    assert said in lines  # the file's wording, the preset's for what the file does not say
    section = lines[lines.index("### 2.1. Assessment") : lines.index("## Cases")]
    assert [line for line in section if line.startswith(("|", "Our", "#", "⁰", "¹", "²", "³", "⁴"))] == [
        "### 2.1. Assessment",
        "Our rating¹ for assessment is based on the following key questions:",
        "| Of the 1 case inspected: ² | Relevant cases | Number 'Yes' |",
        "|---|---:|---:|",
        "| **Does assessment keep the child safe?** ³ |  |  |",  # its figure not printed
        "#### Does assessment keep the child safe?",
        "| Of the 1 case with factors related to keeping the child safe: | Relevant cases | Number 'Yes' |",
        "|---|---:|---:|",
        "| Is the risk analysed? ⁴ | 1 | 0 |",
        "¹ Driven by the lowest.",  # the standard's own, over the file's and the preset's
        "² Only some cases.",
        "³ Only where there are such factors.",
        "⁴ Four of eight.",
    ]


@pytest.mark.subprocess
def test_wrong_keys_are_refused_with_where_they_are(tmp_path):
    wrong = (
        KEYED.replace('service = "YOT"', "service = 3")
        .replace(
            'rating_note = "Our own note."',
            'rating_note = "Our own note."\nbased_on = "Our {view}"\ndiscretion = "aside"\nsaid = "x"',
        )
        .replace('cases = "We looked', 'closing = "x"\ncases = "We {looked')
        .replace("figure = false", 'figure = "no"')
        .replace('head_note = "Only some cases."', "head_note = 2")
        .replace('note = "Four of eight."', "note = []")
        .replace('disposal = "community sentence"', "disposal = 1")
    )
    path = tmp_path / "wrong.toml"
    path.write_text(wrong, encoding="utf-8")
    done = moderate("check", str(path))
    assert done.returncode == 2
    for problem in (
        "inspection.service: expected a string, found an integer (3)",
        "wording.based_on: no such placeholder 'view': it may use 'note', 'standard'",
        "wording.discretion: 'aside' is not one of 'body', 'footnote'",
        "wording.said: not a wording of ours",
        "wording.samples.court.closing: not a wording of ours",
        "wording.samples.court.cases: has an unmatched { or }",
        "standards[0] (2.1).head_note: expected a string, found an integer (2)",
        "standards[0] (2.1).key_questions[0].figure: expected true or false, found a string ('no')",
        "standards[0] (2.1).key_questions[0].prompts[0].note: expected a string, found an array ([])",
        "cases[0] (C01).disposal: expected a string, found an integer (1)",
    ):
        assert problem in done.stderr, (problem, done.stderr)


def test_a_merge_takes_each_key_from_the_side_that_changed_it():
    base = parse_text(KEYED).inspection
    ours = replace(base, cases=tuple(replace(c, disposal="custodial sentence") for c in base.cases), service="YJS")
    theirs = replace(base, wording={**base.wording, "rating_note": "Their note."})
    merged = merge(base, ours, theirs)
    assert not merged.conflicts
    inspection = parse_text(merged.text).inspection
    assert inspection.case("C01").disposal == "custodial sentence" and inspection.service == "YJS"
    assert inspection.wording["rating_note"] == "Their note."
    both = replace(base, wording={**base.wording, "rating_note": "Ours, differently."})
    assert [c.field for c in merge(base, both, theirs).conflicts] == ["wording.rating_note"]


def test_the_samples_keep_their_keys_through_a_load_and_save():
    for path in sorted(SAMPLES.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert dumps(load(path).inspection) == text, path.name
        assert "disposal = " in text and "interviewed = true" in text, path.name


@pytest.mark.subprocess
def test_a_wording_cannot_format_what_it_fills_in(tmp_path):
    # a file's words are data: "{service:>999999999}" would pad to a gigabyte, "{service.__class__}"
    # reach into the program; each is refused as a placeholder it may not use
    for template in ("{service:>999999999}", "{service!r}", "{service.__class__}", "{service[0]}", "{0}"):
        path = tmp_path / "hostile.toml"
        path.write_text(KEYED.replace("We looked at {disposals}", f"We looked at {template}"), encoding="utf-8")
        done = moderate("report", str(path), "--format", "markdown")
        assert done.returncode == 2 and "wording.samples.court.cases: no such placeholder" in done.stderr, template
