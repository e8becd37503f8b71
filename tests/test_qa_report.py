"""The reports' "Quality assurance": the `qa` object of report --json, checked against a count made
here from the file's own tables, and the text and markdown sections."""

from __future__ import annotations

import pytest

import json
import tomllib
from pathlib import Path

from helpers.cli import moderate, second_assessed
from helpers.files import with_people
from moderate.model import FIELDWORK
from moderate.workspace import Workspace

pytestmark = pytest.mark.subprocess

QA_ROLES = {"inspector", "quality lead", "lead inspector"}


def act(path: Path, user: str, *steps) -> None:
    """Open the file as `user`, as the app does, do each step on the session, and save."""
    workspace = Workspace.open(path, user)
    try:
        for step in steps:
            step(workspace.session)
        assert workspace.save().saved
    finally:
        workspace.close(keep_unsaved=False)


def review_all(case: str, questions: list[str]):
    def review(session) -> None:
        for question in questions:
            assert session.review(case, question)

    return review


def independent_count(path: Path) -> dict:
    """sampled, reviewed and by_assessor as format.md defines them, from the TOML tables alone."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    people = doc.get("people", {})
    cases = {c["id"]: c for c in doc["cases"]}
    asked: dict[str, list[str]] = {}
    for standard in doc["standards"]:
        for kq in standard.get("key_questions", []):
            if "rating" not in kq and not kq.get("judgement"):
                asked.setdefault(standard["sample"], []).append(kq["id"])
    now: list[str] = []
    for entry in doc.get("dip_sample", []):
        if entry.get("withdrawn"):
            if entry["case"] in now:
                now.remove(entry["case"])
        elif entry["case"] not in now:
            now.append(entry["case"])
    checked = set()
    for entry in doc.get("moderation", []):
        if "case" not in entry:
            continue
        assessor = cases[entry["case"]].get("inspector")
        qa_role = not people or people.get(entry["by"]) in QA_ROLES
        if entry["by"] != assessor and qa_role:
            checked.add((entry["case"], entry["question"]))
    reviewed = [c for c in now if asked.get(cases[c]["sample"]) and all((c, q) in checked for q in asked[cases[c]["sample"]])]
    by: dict[str, list[int]] = {}
    for case in cases.values():  # the assessors in file order, those with sampled cases only
        if case["id"] in now:
            by.setdefault(case.get("inspector", ""), [0, 0])
    for c in now:
        tally = by[cases[c].get("inspector", "")]
        tally[0] += 1
        tally[1] += c in reviewed
    return {
        "sampled": len(now),
        "reviewed": len(reviewed),
        "by_assessor": [{"assessor": a, "sampled": s, "reviewed": r} for a, (s, r) in by.items()],
    }


def court_questions(path: Path) -> list[str]:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return [kq["id"] for s in doc["standards"] if s.get("sample") == "court" for kq in s["key_questions"]]


def test_the_qa_counts_agree_with_an_independent_count(stockton):
    with_people(stockton)
    questions = court_questions(stockton)
    cases = ["C01", "C02", "C03", "C04", "C05", "C06"]  # ak, jb, mr, ak, jb, mr
    act(stockton, "qa", lambda s: s.choose_for_sample(cases, FIELDWORK, "by hand"))
    act(stockton, "qa", review_all("C01", questions))  # by the quality lead: reviewed
    act(stockton, "ak", review_all("C04", questions))  # ak's own case: not quality assurance
    act(stockton, "ak", review_all("C02", questions))  # an inspector, another's case: reviewed
    act(stockton, "jb", review_all("C03", questions))  # a local assessor's review: not quality assurance
    act(stockton, "qa", review_all("C05", questions[:-1]))  # one key question left: not yet
    act(stockton, "qa", review_all("C06", questions), lambda s: s.withdraw_from_sample("C06", "Sampled twice by mistake"))
    result = moderate("report", str(stockton), "--json")
    assert result.returncode == 0, result.stderr
    qa = json.loads(result.stdout)["qa"]
    expected = independent_count(stockton)
    assert {k: qa[k] for k in expected} == expected
    assert (qa["sampled"], qa["reviewed"]) == (5, 2)  # the count itself, beside agreeing with the other
    assert qa["by_assessor"] == [
        {"assessor": "ak", "sampled": 2, "reviewed": 1},
        {"assessor": "jb", "sampled": 2, "reviewed": 1},
        {"assessor": "mr", "sampled": 1, "reviewed": 0},
    ]
    assert [(m["case"], m["assessor"], m["by"], m["phase"], m["method"], m["seed"]) for m in qa["sample"]] == [
        (c, a, "qa", "fieldwork", "by hand", None) for c, a in zip(cases, ["ak", "jb", "mr", "ak", "jb", "mr"], strict=True)
    ]
    withdrawn = qa["sample"][-1]["withdrawn"]
    assert (withdrawn["by"], withdrawn["reason"]) == ("qa", "Sampled twice by mistake") and withdrawn["at"].endswith("Z")
    assert all(m["withdrawn"] is None for m in qa["sample"][:-1])


def test_without_a_people_table_anyone_but_the_assessor_assures_quality(stockton):
    questions = court_questions(stockton)
    act(stockton, "qa", lambda s: s.choose_for_sample(["C02", "C03"], FIELDWORK, "by hand"))
    act(stockton, "ak", review_all("C02", questions))
    act(stockton, "mr", review_all("C03", questions))  # mr assessed C03
    qa = json.loads(moderate("report", str(stockton), "--json").stdout)["qa"]
    expected = independent_count(stockton)
    assert {k: qa[k] for k in expected} == expected and qa["reviewed"] == 1


def test_consistency_in_the_report_and_in_check(stockton):
    text = stockton.read_text(encoding="utf-8")
    result = moderate("report", str(stockton), "--json")
    assert json.loads(result.stdout)["qa"]["consistency"] == [
        {"case": "O04", "question": "3.2.3", "problem": "no-but-prompts-yes"}
    ]
    checked = moderate("check", str(stockton))
    assert checked.returncode == 0
    assert "warning: O04 3.2.3: answered no, but every prompt answered under it is yes (no-but-prompts-yes)" in checked.stderr
    assert checked.stderr.count("warning: ") == 1
    assert text == stockton.read_text(encoding="utf-8")


def test_the_text_and_markdown_reports_have_a_quality_assurance_part(stockton):
    act(stockton, "qa", lambda s: s.choose_for_sample(["C01", "C02"], FIELDWORK, "2 per assessor, stratified, seed 7", 7))
    act(stockton, "qa", lambda s: s.withdraw_from_sample("C02", "Transferred out"))
    text = moderate("report", str(stockton)).stdout
    part = text[text.index("Quality assurance") :]
    assert "Dip sample: 1 case (1 withdrawn), 0 of them reviewed by quality assurance." in part
    row = next(line for line in part.splitlines() if line.startswith("C01 "))
    assert row.split()[:7] == ["C01", "ak", "fieldwork", "7", "not", "yet", "2"]
    assert "C02 withdrawn by qa, " in part and ": Transferred out" in part
    assert "O04     3.2.3" in part
    assert max(map(len, text.splitlines())) <= 80
    markdown = moderate("report", str(stockton), "--format", "markdown").stdout
    assert "## Quality assurance" in markdown and "| C01 | ak | fieldwork | 7 | not yet |" in markdown
    assert "| O04 | 3.2.3 | answered no, but every prompt answered under it is yes |" in markdown


def test_the_text_and_markdown_reports_carry_the_agreement_as_stats_prints_it(stockton):
    second_assessed(stockton)
    start = "Agreement of first and second assessments:"
    text = moderate("report", str(stockton), "--min-pairs", "9").stdout
    part = text[text.index("Quality assurance") :]
    stats = moderate("stats", str(stockton), "--min-pairs", "9").stdout
    assert part[part.index(start) :] == stats[stats.index(start) :]  # the same lines: one place draws them
    assert "Gwet's AC1 by assessor, lowest first" in part and "Gwet's AC1 by key question, lowest first" in part
    assessors = [line for line in part.splitlines() if line.startswith(("  ak ", "  jb ", "  mr "))]
    assert len(assessors) == 3 and all("●" in line and " to " in line for line in assessors)
    key_question = next(line for line in part.splitlines() if line.startswith("  2.1.1 (2018)"))
    assert "thin: fewer than 9 pairs" in key_question and "●" not in key_question  # 8 cases: 8 pairs
    assert "Cohen's κ by assessor" in moderate("report", str(stockton), "--coefficient", "kappa").stdout
    markdown = moderate("report", str(stockton), "--format", "markdown", "--min-pairs", "9").stdout
    qa = markdown[markdown.index("## Quality assurance") :]
    assert "### Agreement of first and second assessments" in qa and "#### By assessor" in qa
    assert any(line.startswith("| ak | ") and " to " in line for line in qa.splitlines())
    assert "| hmip-youth-2018 | 2.1.1 | Does assessment sufficiently analyse how to support the child's desistance? | 8 |" in qa
    assert "| thin | thin | thin |" in qa


def test_a_report_with_no_second_assessment_says_so_in_a_sentence(stockton):
    text = moderate("report", str(stockton)).stdout
    assert "Agreement of first and second assessments: no pairs yet" in text and "Gwet's AC1 by" not in text
    markdown = moderate("report", str(stockton), "--format", "markdown").stdout
    part = markdown[markdown.index("### Agreement of first and second assessments") :]
    assert part.splitlines()[2] == "No pairs yet." and "|" not in part


def test_a_case_that_names_no_assessor_is_named_alike_in_every_table_of_the_part(stockton):
    text = stockton.read_text(encoding="utf-8")
    assessed = 'id = "C01"\nsample = "court"\nlabel = "Referral order"\ndisposal = "community sentence"\ninspector = "ak"\n'
    stockton.write_text(text.replace(assessed, assessed.removesuffix('inspector = "ak"\n')), encoding="utf-8")
    act(stockton, "qa", lambda s: s.choose_for_sample(["C01"], FIELDWORK, "by hand"))
    part = moderate("report", str(stockton)).stdout.split("Quality assurance", 1)[1]
    assert any(line.split()[:3] == ["(none", "named)", "1"] for line in part.splitlines())  # sampled, by assessor
    markdown = moderate("report", str(stockton), "--format", "markdown").stdout.split("## Quality assurance", 1)[1]
    assert "| (none named) | 1 | 0 |" in markdown
