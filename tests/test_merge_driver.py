"""The git merge driver on what it used to get wrong (issue 14, finding 9): deleted cases,
comments, nan, and conflicts left in the file."""

from __future__ import annotations

import pytest

import tomllib

from helpers.cli import moderate
from helpers.files import inspection_text

from moderate.reading import parse_text
from moderate.writing import dumps

pytestmark = pytest.mark.subprocess

BASE = inspection_text({"2.1.1": ["yes", "no", "yes"]})


def _canonical(text: str) -> str:
    return dumps(parse_text(text).inspection)


def _without_case(text: str, case: str) -> str:
    inspection = parse_text(text).inspection
    from dataclasses import replace

    return dumps(replace(inspection, cases=tuple(c for c in inspection.cases if c.id != case)))


def _driver(tmp_path, base: str, ours: str, theirs: str):
    paths = []
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return moderate("merge-driver", *map(str, paths)), paths[1]


def test_a_case_deleted_on_one_side_and_left_alone_on_the_other_stays_deleted(tmp_path):
    base = _canonical(BASE)
    for ours, theirs in ((_without_case(base, "C02"), base), (base, _without_case(base, "C02"))):
        result, merged = _driver(tmp_path, base, ours, theirs)
        assert result.returncode == 0, result.stderr
        assert [c.id for c in parse_text(merged.read_text()).inspection.cases] == ["C01", "C03"]


def test_a_case_deleted_on_one_side_and_edited_on_the_other_is_a_conflict(tmp_path):
    base = _canonical(BASE)
    edited = base.replace('[cases.answers]\n"2.1.1" = "no"', '[cases.answers]\n"2.1.1" = "yes"')
    assert edited != base
    result, merged = _driver(tmp_path, base, _without_case(base, "C02"), edited)
    assert result.returncode == 1
    assert "conflict: cases.C02: base present, ours deleted, theirs edited" in result.stderr
    assert tomllib.loads(merged.read_text())["merge_conflicts"][0]["field"] == "cases.C02"
    # the edit is kept until someone chooses, whichever side made it: deleting is easy, an edit lost is not
    assert parse_text(merged.read_text()).inspection.case("C02").answers["2.1.1"] == "yes"
    result, merged = _driver(tmp_path, base, edited, _without_case(base, "C02"))
    assert result.returncode == 1
    assert "conflict: cases.C02: base present, ours edited, theirs deleted" in result.stderr
    assert parse_text(merged.read_text()).inspection.case("C02").answers["2.1.1"] == "yes"


def test_the_driver_refuses_to_drop_comments(tmp_path):
    base = _canonical(BASE)
    commented = "# agreed with the lead inspector on Monday\n" + base
    result, merged = _driver(tmp_path, base, commented, base.replace('title = "Test"', 'title = "Test 2"'))
    assert result.returncode == 1
    assert "ours has comments (lines 1) that a merged file would drop; nothing written" in result.stderr
    assert merged.read_text() == commented


def test_equal_nans_in_an_unknown_key_do_not_conflict(tmp_path):
    base = _canonical(BASE.replace("format = 1", "format = 1\nweight = nan"))
    theirs = base.replace('"2.1.1" = "no"', '"2.1.1" = "n/a"', 1)
    result, merged = _driver(tmp_path, base, base, theirs)
    assert result.returncode == 0, result.stderr
    assert "merge_conflicts" not in merged.read_text()


def test_conflicts_left_in_the_file_fail_check_until_settled(tmp_path):
    base = _canonical(BASE)
    ours = base.replace('"2.1.1" = "no"', '"2.1.1" = "yes"', 1)
    theirs = base.replace('"2.1.1" = "no"', '"2.1.1" = "n/a"', 1)
    result, merged = _driver(tmp_path, base, ours, theirs)
    assert result.returncode == 1
    checked = moderate("check", str(merged))
    assert checked.returncode == 2
    assert "1 merge conflict left to settle ([[merge_conflicts]])" in checked.stderr
