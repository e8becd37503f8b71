"""Second assessments kept in the file beside the first answers (`[[cases.second_assessments]]`,
an optional key of ours): read, refused with located messages, written canonically, merged
without loss or duplication, imported from a table, and paired with the first answers in
`report --json`'s `qa.agreement`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers.cli import moderate
from helpers.files import inspection_text
from moderate.merge import merge
from moderate.model import Answer
from moderate.reading import InspectionError, load, parse_text
from moderate.storage import save_merging
from moderate.writing import dumps

ANSWERS = {"2.1.1": ["yes", "no", "yes", "yes"], "2.1.2": ["no", "yes", "yes", ""]}
INSPECTORS = {"C01": "ak", "C02": "ak", "C03": "mr", "C04": "mr"}


def _file(extra_by_case: dict[str, str] | None = None) -> str:
    text = inspection_text(ANSWERS)
    for case, inspector in INSPECTORS.items():
        tables = (extra_by_case or {}).get(case, "")
        text = text.replace(f'id = "{case}"\n', f'id = "{case}"\ninspector = "{inspector}"\n')
        if tables:  # after the case's answers: before the next case, or at the end
            following = f'[[cases]]\nid = "C0{int(case[1:]) + 1}"\n'
            text = text.replace(following, tables + following) if following in text else text + tables
    return text


def _second(by: str, answers: dict[str, str], finished: bool = True) -> str:
    lines = ["", "[[cases.second_assessments]]", f'by = "{by}"', "at = 2026-11-21T10:00:00Z"]
    if finished:
        lines.append("finished = 2026-11-21T11:00:00Z")
    lines += ["", "[cases.second_assessments.answers]", *(f'"{q}" = "{a}"' for q, a in answers.items()), ""]
    return "\n".join(lines) + "\n"


def _canonical(text: str) -> str:
    return dumps(parse_text(text).inspection)


def test_second_assessments_are_read_beside_the_first_answers_and_written_back_byte_for_byte():
    text = _canonical(
        _file({"C01": _second("qa", {"2.1.2": "yes", "2.1.1": "no"}), "C03": _second("qa", {"2.1.1": "n/a"}, False)})
    )
    inspection = parse_text(text).inspection
    c01, c03 = inspection.case("C01"), inspection.case("C03")
    assert dict(c01.answers) == {"2.1.1": Answer.YES, "2.1.2": Answer.NO}  # the first answers, untouched
    (second,) = c01.second_assessments
    assert (second.by, dict(second.answers)) == ("qa", {"2.1.1": Answer.NO, "2.1.2": Answer.YES})
    assert second.finished is not None and c03.second_assessments[0].finished is None
    # canonical: answers in question order, keys in a fixed order; load + save = same bytes
    assert '[[cases.second_assessments]]\nby = "qa"\nat = 2026-11-21T10:00:00Z\nfinished = 2026-11-21T11:00:00Z\n' in text
    assert '[cases.second_assessments.answers]\n"2.1.1" = "no"\n"2.1.2" = "yes"\n' in text
    assert dumps(parse_text(text).inspection) == text


@pytest.mark.parametrize(
    ("tables", "problem"),
    [
        (_second("ak", {"2.1.1": "no"}), "cases[0] (C01).second_assessments[0].by: 'ak' assessed this case first"),
        (
            _second("qa", {"2.1.1": "no"}) + _second("qa", {"2.1.2": "no"}),
            "cases[0] (C01).second_assessments[1].by: 'qa' has a second assessment of this case already (second_assessments[0])",
        ),
        (_second("qa", {"9.9.9": "no"}), 'cases[0] (C01).second_assessments[0].answers."9.9.9": no such question in this file'),
        (
            _second("qa", {"2.1.1": "maybe"}),
            "cases[0] (C01).second_assessments[0].answers.\"2.1.1\": 'maybe' is not yes, no or n/a",
        ),
        ("\n[[cases.second_assessments]]\nat = 2026-11-21T10:00:00Z\n", "cases[0] (C01).second_assessments[0]: 'by' is required"),
        ('\n[cases.second_assessments]\nby = "qa"\n', "cases[0] (C01).second_assessments: expected an array of tables"),
    ],
)
def test_a_broken_second_assessment_is_refused_with_where_it_is(tables, problem):
    with pytest.raises(InspectionError) as refused:
        parse_text(_file({"C01": tables}))
    assert any(found.startswith(problem) for found in refused.value.problems), refused.value.problems


def _pairs_of(inspection) -> dict[tuple[str, str], dict[str, str]]:
    return {(c.id, s.by): {q: a.value for q, a in s.answers.items()} for c in inspection.cases for s in c.second_assessments}


def test_a_merge_keeps_each_sides_second_assessments_once():
    base = _canonical(_file())
    ours = _canonical(_file({"C01": _second("qa", {"2.1.1": "no"})}))
    theirs = _canonical(_file({"C01": _second("bob", {"2.1.1": "yes"}), "C03": _second("qa", {"2.1.2": "no"})}))
    merged = merge(*(parse_text(t).inspection for t in (base, ours, theirs)))
    assert merged.conflicts == ()
    assert _pairs_of(merged.inspection) == {
        ("C01", "qa"): {"2.1.1": "no"},
        ("C01", "bob"): {"2.1.1": "yes"},
        ("C03", "qa"): {"2.1.2": "no"},
    }
    # the same second assessment on both sides is kept once
    again = merge(*(parse_text(t).inspection for t in (base, ours, ours)))
    assert _pairs_of(again.inspection) == {("C01", "qa"): {"2.1.1": "no"}}


def test_a_merging_save_keeps_a_second_assessment_another_saved_meanwhile(tmp_path):
    path = tmp_path / "inspection.toml"
    base = _canonical(_file())
    path.write_text(_canonical(_file({"C02": _second("qa", {"2.1.1": "no", "2.1.2": "no"})})), encoding="utf-8")
    ours = parse_text(base.replace('"2.1.1" = "yes"', '"2.1.1" = "n/a"', 1)).inspection  # our own edit: C01
    result = save_merging(path, base, ours)
    assert result.saved
    saved = parse_text(path.read_text(encoding="utf-8")).inspection
    assert _pairs_of(saved) == {("C02", "qa"): {"2.1.1": "no", "2.1.2": "no"}}
    assert saved.case("C01").answers["2.1.1"] == Answer.NA


@pytest.mark.subprocess
def test_the_git_merge_driver_keeps_both_branches_second_assessments(tmp_path):
    base = _canonical(_file())
    ours = _canonical(_file({"C01": _second("qa", {"2.1.1": "no"})}))
    theirs = _canonical(_file({"C04": _second("qa", {"2.1.1": "yes", "2.1.2": "n/a"})}))
    paths = []
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        paths.append(tmp_path / f"{name}.toml")
        paths[-1].write_text(text, encoding="utf-8")
    done = moderate("merge-driver", *map(str, paths))
    assert done.returncode == 0, done.stderr
    merged = paths[1].read_text(encoding="utf-8")
    assert _pairs_of(parse_text(merged).inspection) == {
        ("C01", "qa"): {"2.1.1": "no"},
        ("C04", "qa"): {"2.1.1": "yes", "2.1.2": "n/a"},
    }
    assert merged == _canonical(merged)


def test_both_sides_changing_one_second_answer_differently_is_a_conflict_naming_it():
    base = _canonical(_file({"C01": _second("qa", {"2.1.1": "no"}, finished=False)}))
    ours = _canonical(_file({"C01": _second("qa", {"2.1.1": "yes"}, finished=False)}))
    theirs = _canonical(_file({"C01": _second("qa", {"2.1.1": "n/a"}, finished=False)}))
    merged = merge(*(parse_text(t).inspection for t in (base, ours, theirs)))
    assert [str(c) for c in merged.conflicts] == ["cases.C01.second_assessments.qa.answers.2.1.1: base no, ours yes, theirs n/a"]


# ---------------------------------------------------------------- import --second


def _import(path, table: str, *options: str, tmp_path):
    csv = tmp_path / "second.csv"
    csv.write_text(table, encoding="utf-8")
    return moderate("import", str(path), str(csv), "--second", *options)


@pytest.mark.subprocess
def test_import_second_keeps_the_table_beside_the_first_answers(tmp_path):
    path = tmp_path / "inspection.toml"
    path.write_text(_canonical(_file()), encoding="utf-8")
    before = parse_text(path.read_text(encoding="utf-8")).inspection
    done = _import(path, "case,2.1.1,2.1.2\nC01,no,no\nC03,yes,\n", "--as", "qa", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "qa's second assessment of 2 cases imported (3 answers)" in done.stdout
    after = parse_text(path.read_text(encoding="utf-8")).inspection
    assert [dict(c.answers) for c in after.cases] == [dict(c.answers) for c in before.cases]
    assert after.moderation == ()  # nothing changed, nothing logged
    assert _pairs_of(after) == {("C01", "qa"): {"2.1.1": "no", "2.1.2": "no"}, ("C03", "qa"): {"2.1.1": "yes"}}
    second = after.case("C01").second_assessments[0]
    assert second.finished == second.at


@pytest.mark.subprocess
def test_import_second_is_refused_whole_with_located_messages(tmp_path):
    path = tmp_path / "inspection.toml"
    path.write_text(_canonical(_file({"C03": _second("qa", {"2.1.1": "no"})})), encoding="utf-8")
    before = path.read_bytes()
    done = _import(
        path, "case,question,answer\nC01,2.1.1,no\nC03,2.1.2,yes\nC04,2.1.1,perhaps\n", "--as", "qa", tmp_path=tmp_path
    )
    assert done.returncode == 2
    assert (
        "row 3: case C03 has qa's second assessment already (finished 2026-11-21 11:00 UTC): it is never rewritten" in done.stderr
    )
    assert "row 4, column 3 (answer): 'perhaps' is not yes, no or n/a" in done.stderr
    done = _import(path, "case,2.1.1\nC01,no\n", "--as", "ak", tmp_path=tmp_path)
    assert done.returncode == 2
    assert "row 2: ak assessed case C01 first: a second assessment is someone else's" in done.stderr
    assert path.read_bytes() == before


def test_import_second_lets_in_only_the_people_the_file_names(tmp_path):
    path = tmp_path / "inspection.toml"
    people = '[people]\nak = "inspector"\nmr = "inspector"\nqa = "quality lead"\n\n'
    path.write_text(_canonical(_file()).replace("[[standards]]", people + "[[standards]]", 1), encoding="utf-8")
    before = path.read_bytes()
    done = _import(path, "case,2.1.1\nC01,no\n", "--as", "bob", tmp_path=tmp_path)
    assert done.returncode == 2 and "'bob' is not one of this inspection's people" in done.stderr
    assert path.read_bytes() == before
    assert _import(path, "case,2.1.1\nC01,no\n", "--as", "qa", tmp_path=tmp_path).returncode == 0


# ---------------------------------------------------------------- the pairs in the report


def _agreement(path, *options: str) -> dict:
    done = moderate("report", str(path), "--json", *options)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["qa"]["agreement"]


@pytest.mark.subprocess
def test_the_report_pairs_each_second_answer_with_the_first_as_the_assessor_gave_it(tmp_path):
    """The first answer is the assessor's before moderation: changing it afterwards (here C01 2.1.1,
    yes → no, to agree with the second assessor) leaves the pair as it was measured."""
    seconds = {
        "C01": _second("qa", {"2.1.1": "no", "2.1.2": "no"}),  # first yes, no: 1 of 2 agree
        "C02": _second("qa", {"2.1.1": "no", "2.1.2": "no"}),  # first no, yes: 1 of 2
        "C03": _second("qa", {"2.1.1": "yes", "2.1.2": "yes"}, finished=False),  # still blind: no pairs
        "C04": _second("qa", {"2.1.1": "yes", "2.1.2": "yes"}),  # 2.1.2 unanswered first: one pair, agreed
    }
    log = '\n[[moderation]]\ncase = "C01"\nquestion = "2.1.1"\nfrom = "yes"\nto = "no"\nby = "lead"\nat = 2026-11-22T09:00:00Z\n'
    path = tmp_path / "inspection.toml"
    path.write_text(_canonical(_file(seconds).replace('"2.1.1" = "yes"', '"2.1.1" = "no"', 1) + log), encoding="utf-8")
    agreement = _agreement(path, "--min-pairs", "2")
    assert (agreement["pairs"], agreement["agreed"]) == (5, 3)
    assert agreement["percent"] == pytest.approx(60.0)
    assert [(q["framework"], q["question"], q["text"], q["pairs"], q["agreed"]) for q in agreement["by_question"]] == [
        ("hmip-youth-2021", "2.1.1", "Question 2.1.1?", 3, 2),
        ("hmip-youth-2021", "2.1.2", "Question 2.1.2?", 2, 1),
    ]
    assert [(a["assessor"], a["pairs"], a["agreed"]) for a in agreement["by_assessor"]] == [("ak", 4, 2), ("mr", 1, 1)]
    for coefficient in ("kappa", "ac1", "alpha"):
        given = agreement[coefficient]
        assert given["ci95"][0] <= given["value"] <= given["ci95"][1] and given["ci_method"]
    # at the default minimum of 10 pairs, none of it is enough for a coefficient, and each says so
    thin = _agreement(path)
    assert thin["min_pairs"] == 10 and thin["pairs"] == 5
    assert thin["kappa"] == {
        "value": None,
        "note": "not given: 5 pairs, fewer than the 10 a coefficient needs (the minimum number of pairs, --min-pairs)",
    }
    assert "3 pairs" in thin["by_question"][0]["ac1"]["note"]


@pytest.mark.subprocess
def test_with_no_second_assessment_the_report_says_there_are_no_pairs(tmp_path):
    path = tmp_path / "inspection.toml"
    path.write_text(_canonical(_file()), encoding="utf-8")
    agreement = _agreement(path)
    assert (agreement["pairs"], agreement["agreed"], agreement["percent"]) == (0, 0, None)
    assert agreement["kappa"]["value"] is None and "0 pairs" in agreement["kappa"]["note"]
    assert agreement["by_question"] == agreement["by_assessor"] == []


def test_second_assessments_come_back_whole_from_the_cache_of_parsed_files(tmp_path):
    text = _canonical(_file({"C01": _second("qa", {"2.1.1": "no", "2.1.2": "n/a"}), "C03": _second("bob", {}, False)}))
    path = tmp_path / "inspection.toml"
    path.write_text(text, encoding="utf-8")
    first = load(path).inspection
    assert list((Path(os.environ["XDG_CACHE_HOME"]) / "moderate").glob("*.parsed"))  # kept
    again = load(path).inspection  # from the cache
    assert _pairs_of(again) == _pairs_of(first) == {("C01", "qa"): {"2.1.1": "no", "2.1.2": "n/a"}, ("C03", "bob"): {}}
    assert again == first and dumps(again) == text
