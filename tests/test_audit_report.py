"""The moderation log read back: `report`'s moderation and panel, and `moderate stats`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers.cli import moderate
from helpers.files import inspection_text, SAMPLES
from moderate.model import Answer
from moderate.reading import InspectionError, load, parse_text
from moderate.session import Session
from moderate.storage import save
from moderate.writing import dumps

INSPECTORS = {"C01": "ak", "C02": "ak", "C03": "mr", "C05": "mr"}  # C04 names none


def _entry(subject: str, old: str, new: str, by: str, at: str, reason: str | None = None) -> str:
    named = f'standard = "{subject}"' if " " not in subject else 'case = "{}"\nquestion = "{}"'.format(*subject.split())
    said = f"\nreason = {json.dumps(reason)}" if reason else ""
    return f'\n[[moderation]]\n{named}\nfrom = "{old}"\nto = "{new}"\nby = "{by}"\nat = 2026-11-20T{at}:00Z{said}\n'


# The answers now, and a log of agreements, changes, chains of changes, a clearing and a
# judgement rating, counted by hand in the test below.
ANSWERS = {"2.1.1": ["yes", "no", "yes", "n/a", ""], "2.1.2": ["no", "yes", "yes", "", "yes"]}
LOG = [
    ("C01 2.1.1", "yes", "yes", "jb", "09:00", "Agreed on dip sample"),  # a review: reviewed, not changed
    ("C02 2.1.1", "yes", "no", "jb", "09:05", "No risk assessment | on file"),  # changed
    ("C03 2.1.2", "yes", "no", "jb", "09:10", None),  # a chain back where it began: not changed
    ("C03 2.1.2", "no", "yes", "lk", "09:20", "Second opinion"),
    ("C04 2.1.1", "yes", "no", "jb", "09:30", None),  # a chain that ends elsewhere: changed
    ("C04 2.1.1", "no", "n/a", "lk", "09:40", None),
    ("1.1", "Requires improvement", "Good", "lead", "10:00", "Board challenge"),  # a rating: not counted
    ("C05 2.1.1", "no", "unanswered", "jb", "10:10", None),  # cleared: changed
    ("C01 2.1.2", "no", "no", "lk", "10:20", None),  # a review
]


def _hand_counted_file(tmp_path, discretion: str = ""):
    text = inspection_text(ANSWERS)
    for case, inspector in INSPECTORS.items():
        text = text.replace(f'id = "{case}"\n', f'id = "{case}"\ninspector = "{inspector}"\n')
    path = tmp_path / "counted.toml"
    path.write_text(text + "".join(_entry(*e) for e in LOG) + discretion, encoding="utf-8")
    return path


def _report(path, *options: str):
    done = moderate("report", str(path), *options)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.subprocess
def test_the_reports_moderation_counts_equal_a_count_made_by_hand(tmp_path):
    report = json.loads(_report(_hand_counted_file(tmp_path), "--json"))
    moderation = report["moderation"]
    assert len(moderation["entries"]) == len(LOG)
    assert moderation["entries"][1] == {
        "case": "C02",
        "question": "2.1.1",
        "from": "yes",
        "to": "no",
        "by": "jb",
        "at": "2026-11-20T09:05:00Z",
        "reason": "No risk assessment | on file",
    }
    assert moderation["entries"][6] == {
        "standard": "1.1",
        "from": "Requires improvement",
        "to": "Good",
        "by": "lead",
        "at": "2026-11-20T10:00:00Z",
        "reason": "Board challenge",
    }
    # reviewed: C01 2.1.1, C02 2.1.1, C03 2.1.2, C04 2.1.1, C05 2.1.1, C01 2.1.2; changed: C02, C04, C05;
    # changed and changed back: C03 2.1.2 (yes → no → yes)
    assert (moderation["reviewed"], moderation["changed"], moderation["changed_back"]) == (6, 3, 1)
    # keyed by framework and id, with the words: one id in two frameworks is two questions
    assert moderation["by_question"] == [
        {
            "framework": "hmip-youth-2021",
            "question": "2.1.1",
            "text": "Question 2.1.1?",
            "reviewed": 4,
            "changed": 3,
            "changed_back": 0,
        },
        {
            "framework": "hmip-youth-2021",
            "question": "2.1.2",
            "text": "Question 2.1.2?",
            "reviewed": 2,
            "changed": 0,
            "changed_back": 1,
        },
    ]
    assert moderation["by_inspector"] == [
        {"inspector": "ak", "reviewed": 3, "changed": 1, "changed_back": 0},
        {"inspector": "mr", "reviewed": 2, "changed": 1, "changed_back": 1},
        {"inspector": "", "reviewed": 1, "changed": 1, "changed_back": 0},
    ]
    # each moderator's own entries on an answer, taken together
    assert moderation["by_moderator"] == [
        {"moderator": "jb", "reviewed": 5, "changed": 4, "changed_back": 0},
        {"moderator": "lk", "reviewed": 3, "changed": 2, "changed_back": 0},
    ]


@pytest.mark.subprocess
def test_the_panel_lists_every_decision_and_says_which_are_stale(tmp_path):
    computed = json.loads(_report(_hand_counted_file(tmp_path), "--json"))["standards"][1]["computed"]
    other = "Inadequate" if computed != "Inadequate" else "Requires improvement"
    decisions = "".join(
        f'\n[[discretion]]\nstandard = "2.1"\ncomputed = "{made_on}"\nrating = "{made_on}"\nby = "lead"\n'
        f'at = 2026-11-21T10:{minute}:00Z\nreason = "{reason}"\n'
        for made_on, minute, reason in ((other, "00", "Held"), (computed, "30", "Kept as computed"))
    )
    report = json.loads(_report(_hand_counted_file(tmp_path, decisions), "--json"))
    assert report["panel"] == [
        {
            "standard": "2.1",
            "computed": other,
            "rating": other,
            "by": "lead",
            "at": "2026-11-21T10:00:00Z",
            "reason": "Held",
            "stale": True,
        },
        {
            "standard": "2.1",
            "computed": computed,
            "rating": computed,
            "by": "lead",
            "at": "2026-11-21T10:30:00Z",
            "reason": "Kept as computed",
            "stale": False,
        },
    ]
    text = _report(_hand_counted_file(tmp_path, decisions))
    panel = text[text.index("Ratings panel") :]
    assert "Held" in panel and "STALE" in panel and "Kept as computed" in panel


@pytest.mark.subprocess
def test_the_text_and_markdown_reports_read_the_log_back(tmp_path):
    path = _hand_counted_file(tmp_path)
    text = _report(path)
    section = text[text.index("\nModeration\n") :]
    said = " ".join(section.split())  # the text report wraps at the terminal's width
    assert "6 answers reviewed: 3 changed, 1 changed and changed back, 2 agreed with; 50% stand as first given." in said
    assert "2026-11-20 09:05 UTC  jb" in section and "C02 2.1.1" in section and "yes → no" in section
    assert "1.1 rating" in section and "Requires improvement → Good" in section
    assert "yes (agreed)" in section and "Agreed on dip sample" in section
    assert "No panel decisions." in text
    markdown = _report(path, "--format", "markdown")
    section = markdown[markdown.index("## Moderation") :]
    assert "| 2.1.1 | 4 | 3 | 0 | 25% |\n| 2.1.2 | 2 | 0 | 1 | 100% |" in section  # the most changed questions
    assert "| 2026-11-20 09:05 UTC | jb | C02 2.1.1 | yes → no | No risk assessment \\| on file |" in section
    assert "## Ratings panel" in markdown


@pytest.mark.subprocess
def test_file_text_in_the_text_report_cannot_drive_the_terminal(tmp_path):
    path = _hand_counted_file(tmp_path)
    path.write_text(path.read_text().replace("Second opinion", "Second\\u001b[2Jopinion\\nnext"), encoding="utf-8")
    text = _report(path)
    assert "\x1b" not in text and "Second\\x1b[2Jopinion next" in text


@pytest.mark.subprocess
def test_csv_exports_the_log_one_row_per_entry(tmp_path):
    rows = list(csv.DictReader(io.StringIO(_report(_hand_counted_file(tmp_path), "--format", "csv", "--entries"))))
    assert len(rows) == len(LOG)
    assert rows[0] == {
        "case": "C01",
        "question": "2.1.1",
        "standard": "",
        "inspector": "ak",
        "from": "yes",
        "to": "yes",
        "kind": "review",
        "by": "jb",
        "at": "2026-11-20T09:00:00Z",
        "reason": "Agreed on dip sample",
    }
    assert [r["kind"] for r in rows].count("change") == 6 and rows[6]["kind"] == "rating"
    assert moderate("report", str(tmp_path / "counted.toml"), "--entries").returncode == 2  # csv only


def test_a_rating_logged_in_the_older_form_is_read_and_rewritten_in_the_new_one():
    text = dumps(load(SAMPLES / "stockton-on-tees-2021.toml").inspection)
    older = (
        '\n[[moderation]]\ncase = ""\nquestion = "1.2"\nfrom = "unanswered"\nto = "Good"\nby = "jb"\nat = 2026-11-23T09:00:00Z\n'
    )
    entry = parse_text(text + older).inspection.moderation[-1]
    assert (entry.standard, entry.from_, entry.to, entry.is_rating) == ("1.2", "unrated", "Good", True)
    rewritten = dumps(parse_text(text + older).inspection)
    assert (
        '[[moderation]]\nstandard = "1.2"\nfrom = "unrated"\nto = "Good"\nby = "jb"\nat = 2026-11-23T09:00:00Z\n' in rewritten
        and 'case = ""' not in rewritten
    )
    assert parse_text(rewritten).inspection.moderation[-1] == entry


def test_a_rating_entry_names_a_judgement_standard(tmp_path):
    text = dumps(load(SAMPLES / "stockton-on-tees-2021.toml").inspection)
    with pytest.raises(InspectionError, match=r"moderation\[0\]\.standard: no judgement standard '2\.2'"):
        parse_text(text + _entry("2.2", "Good", "Outstanding", "lead", "10:00"))
    with pytest.raises(InspectionError, match=r"moderation\[0\]\.to: 'yes' is not one of"):
        parse_text(text + _entry("1.2", "Good", "yes", "lead", "10:00"))


def _moderated_copies(tmp_path) -> list:
    """The three samples, each after some moderation."""
    paths = []
    for n, sample in enumerate(sorted(SAMPLES.glob("*.toml"))):
        loaded = load(sample)
        session = Session(loaded.inspection, loaded.framework, f"mod{n % 2}")
        for case in loaded.inspection.cases[n : n + 4]:
            question, answer = next(iter(case.answers.items()))
            session.set_answer(case.id, question, Answer.NO if answer != Answer.NO else Answer.YES, "checked")
        paths.append(tmp_path / sample.name)
        save(paths[-1], session.snapshot())
    return paths


@pytest.mark.subprocess
def test_stats_over_three_inspections_equal_the_sum_of_their_reports(tmp_path):
    paths = _moderated_copies(tmp_path)
    reports = [json.loads(_report(p, "--json"))["moderation"] for p in paths]
    done = moderate("stats", *map(str, paths), "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["files"] == [str(p) for p in paths]
    assert stats["reviewed"] == sum(r["reviewed"] for r in reports) > 0
    assert stats["changed"] == sum(r["changed"] for r in reports) > 0
    # Questions by framework and id: Stockton-on-Tees's 2018 "2.1.1" is not the others' 2021 one.
    names = {"by_question": ("framework", "question"), "by_inspector": ("inspector",), "by_moderator": ("moderator",)}
    for key, name in names.items():
        summed: dict[tuple[str, ...], list[int]] = {}
        for report in reports:
            for row in report[key]:
                counts = summed.setdefault(tuple(row[n] for n in name), [0, 0])
                counts[0] += row["reviewed"]
                counts[1] += row["changed"]
        assert {tuple(row[n] for n in name): [row["reviewed"], row["changed"]] for row in stats[key]} == summed
    assert {row["framework"] for row in stats["by_question"]} == {"hmip-youth-2018", "hmip-youth-2021"}


@pytest.mark.subprocess
def test_stats_lists_and_skips_files_it_cannot_read(tmp_path):
    paths = _moderated_copies(tmp_path)
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 1\n[inspection\n", encoding="utf-8")
    done = moderate("stats", str(paths[0]), str(broken), str(tmp_path / "missing.toml"), "--by", "moderator")
    assert done.returncode == 1
    assert "broken.toml" in done.stderr and "missing.toml: no such file" in done.stderr
    assert done.stdout.startswith("1 inspection. 4 answers reviewed: 4 changed; 0% stand as first given.")
    assert "By moderator, most changed first" in done.stdout and "mod0" in done.stdout


@pytest.mark.subprocess
def test_a_reason_or_title_that_would_run_as_a_spreadsheet_formula_is_exported_as_text(tmp_path):
    """A reason typed as `=HYPERLINK(...)`, or a hostile file's title, must not run when a lead opens the
    export in a spreadsheet: it is written with a leading apostrophe, as text."""
    path = _hand_counted_file(tmp_path)
    text = path.read_text(encoding="utf-8").replace("Agreed on dip sample", '=HYPERLINK(\\"http://x.example\\";\\"see\\")')
    text = text.replace('title = "Assessment"', 'title = "@SUM(1+1)"', 1)
    path.write_text(text, encoding="utf-8")
    entries = list(csv.DictReader(io.StringIO(_report(path, "--format", "csv", "--entries"))))
    assert entries[0]["reason"] == '\'=HYPERLINK("http://x.example";"see")'
    assert entries[1]["reason"] == "No risk assessment | on file"  # ordinary text as it was
    rows = list(csv.DictReader(io.StringIO(_report(path, "--format", "csv"))))
    assert {r["standard_title"] for r in rows if r["standard"] == "2.1"} == {"'@SUM(1+1)"}
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows + entries for v in r.values())


def test_an_answer_changed_and_changed_back_is_said_so_above_its_two_entries(tmp_path):
    """ann yes → no, bob no → yes: the summary once said "1 answer reviewed, 0 changed: agreement 100%"
    directly above those two entries."""
    log = [
        ("C01 2.1.1", "yes", "no", "ann", "09:00", None),
        ("C01 2.1.1", "no", "yes", "bob", "09:30", "Back: the plan is there"),
    ]
    path = tmp_path / "back.toml"
    path.write_text(inspection_text(ANSWERS) + "".join(_entry(*e) for e in log), encoding="utf-8")
    text = _report(path)
    section = text[text.index("\nModeration\n") :]
    summary = "1 answer reviewed: 0 changed, 1 changed and changed back; 100% stands as first given."
    said = " ".join(section.split())  # the text report wraps at the terminal's width
    assert summary in said and said.index(summary) < said.index("ann") < said.index("bob")
    assert "reviewed, 0 changed:" not in text
    markdown = _report(path, "--format", "markdown")
    assert summary in markdown and "| 2.1.1 | 1 | 0 | 1 | 100% |" in markdown
    moderation = json.loads(_report(path, "--json"))["moderation"]
    assert (moderation["reviewed"], moderation["changed"], moderation["changed_back"]) == (1, 0, 1)
    # each moderator changed it once, their own way
    assert [(m["moderator"], m["changed"], m["changed_back"]) for m in moderation["by_moderator"]] == [
        ("ann", 1, 0),
        ("bob", 1, 0),
    ]
