"""`moderate stats` over many inspections: agreement of first and second assessments, by
question (framework and id, never one id across frameworks), by assessor, in text, markdown,
CSV and JSON; unreadable files listed with why; the cache of parsed files left alone."""

from __future__ import annotations

import pytest

import csv
import io
import json
import os
import re
from pathlib import Path

from helpers.cli import moderate
from helpers.files import inspection_text
from moderate.coefficients import Pairs, measure

FIRST = {"2.1.2": ["yes", "yes", "no", "yes", "yes", "no", "yes", "yes", "n/a", "yes", "yes", "no"]}


def _inspection(tmp_path, name: str, framework: str, second: list[str], by: str = "qa") -> tuple:
    """An inspection of twelve cases (C01-C06 assessed by ak, the rest by mr) with `by`'s second
    assessment of 2.1.2 imported as a user would; its words name the framework."""
    text = inspection_text(FIRST, framework=framework).replace("Question 2.1.2?", f"Question 2.1.2 of {framework}?")
    for i in range(12):
        text = text.replace(f'id = "C{i + 1:02}"\n', f'id = "C{i + 1:02}"\ninspector = "{"ak" if i < 6 else "mr"}"\n')
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    table = tmp_path / f"{name}-second.csv"
    table.write_text("case,2.1.2\n" + "".join(f"C{i + 1:02},{a}\n" for i, a in enumerate(second)), encoding="utf-8")
    done = moderate("import", str(path), str(table), "--second", "--as", by)
    assert done.returncode == 0, done.stderr
    return path, list(zip(FIRST["2.1.2"], second, strict=True))


SECOND_2018 = ["yes", "no", "no", "yes", "yes", "yes", "yes", "yes", "n/a", "yes", "no", "no"]
SECOND_2025 = ["yes", "yes", "no", "no", "yes", "no", "yes", "yes", "yes", "yes", "yes", "no"]


def _stats(*args: str):
    done = moderate("stats", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.subprocess
def test_a_2018_and_a_2025_question_of_one_id_are_never_added_together(tmp_path):
    old, old_pairs = _inspection(tmp_path, "a", "hmip-youth-2018", SECOND_2018)
    new, new_pairs = _inspection(tmp_path, "b", "hmip-youth-2025", SECOND_2025)
    agreement = json.loads(_stats(str(old), str(new), "--json"))["qa"]["agreement"]
    rows = {(q["framework"], q["question"]): q for q in agreement["by_question"]}
    assert set(rows) == {("hmip-youth-2018", "2.1.2"), ("hmip-youth-2025", "2.1.2")}
    for (framework, _), pairs in zip(rows, (old_pairs, new_pairs), strict=True):
        row = rows[framework, "2.1.2"]
        reference = measure(Pairs.of(pairs))
        assert row["text"] == f"Question 2.1.2 of {framework}?"
        assert (row["pairs"], row["agreed"]) == (reference.pairs, reference.agreed) == (12, sum(a == b for a, b in pairs))
        assert row["ac1"]["value"] == reference.ac1.value and row["ac1"]["ci95"] == list(reference.ac1.ci95)
    # in all: the two files' pairs together
    both = measure(Pairs.of(old_pairs + new_pairs))
    assert (agreement["pairs"], agreement["agreed"]) == (24, both.agreed)
    assert agreement["kappa"]["value"] == both.kappa.value
    assert [(a["assessor"], a["pairs"]) for a in agreement["by_assessor"]] == [("ak", 12), ("mr", 12)]


@pytest.mark.subprocess
def test_stats_equal_the_sum_of_the_reports_pairs(tmp_path):
    paths = [_inspection(tmp_path, n, "hmip-youth-2021", s)[0] for n, s in (("a", SECOND_2018), ("b", SECOND_2025))]
    reports = [json.loads(moderate("report", str(p), "--json").stdout)["qa"]["agreement"] for p in paths]
    agreement = json.loads(_stats(*map(str, paths), "--json"))["qa"]["agreement"]
    assert agreement["pairs"] == sum(r["pairs"] for r in reports) == 24
    assert agreement["agreed"] == sum(r["agreed"] for r in reports)
    (question,) = agreement["by_question"]
    assert question["pairs"] == 24  # one framework: one question, added up


@pytest.mark.subprocess
def test_a_directory_stands_for_its_inspections_and_unreadable_files_are_listed_with_why(tmp_path):
    _inspection(tmp_path, "a", "hmip-youth-2018", SECOND_2018)
    _inspection(tmp_path, "b", "hmip-youth-2025", SECOND_2025)
    (tmp_path / "broken.toml").write_text("format = 1\n[inspection\n", encoding="utf-8")
    done = moderate("stats", str(tmp_path), str(tmp_path / "missing.toml"), "--json")
    assert done.returncode == 1
    stats = json.loads(done.stdout)
    assert stats["files"] == [str(tmp_path / "a.toml"), str(tmp_path / "b.toml")]
    skipped = {entry["file"]: entry["problems"] for entry in stats["skipped"]}
    assert skipped[str(tmp_path / "missing.toml")] == ["no such file"]
    assert "TOML syntax error" in skipped[str(tmp_path / "broken.toml")][0]
    assert "broken.toml" in done.stderr and "missing.toml: no such file" in done.stderr
    assert stats["qa"]["agreement"]["pairs"] == 24


@pytest.mark.subprocess
def test_stats_leave_the_cache_of_parsed_files_as_it_was(tmp_path):
    paths = [_inspection(tmp_path, n, "hmip-youth-2021", SECOND_2018)[0] for n in "abc"]
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "moderate"  # each test's own (conftest)

    def kept() -> set[str]:
        return {p.name for p in cache.iterdir()} if cache.is_dir() else set()

    before = kept()
    assert moderate("stats", *map(str, paths)).returncode == 0
    assert kept() == before
    # a report, for comparison, does keep what it read
    assert moderate("report", str(paths[0])).returncode == 0
    assert kept() - before


@pytest.mark.subprocess
def test_the_text_draws_bars_with_intervals_lowest_first_and_marks_the_thin_ones(tmp_path):
    paths = [
        _inspection(tmp_path, "a", "hmip-youth-2018", SECOND_2018)[0],
        _inspection(tmp_path, "b", "hmip-youth-2025", SECOND_2025)[0],
    ]
    text = _stats(*map(str, paths))
    assert "\x1b" not in text and all(len(line) <= 80 for line in text.splitlines())
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("  Assessor "))
    assert lines[header - 3] == "Gwet's AC1 by assessor, lowest first"
    assessors = lines[header + 1 : header + 3]
    values = [float(re.split(r"\s+", line.strip())[3]) for line in assessors]
    assert values == sorted(values) and all("●" in line for line in assessors)
    # each question alone has 12 pairs: enough at the default minimum of 10; at 13 each is thin
    assert "2.1.2 (2018)" in text and "2.1.2 (2025)" in text and "Question 2.1.2 of hmip-youth-2018?" in text
    thin = _stats(*map(str, paths), "--min-pairs", "13")
    question_rows = [line for line in thin.splitlines() if line.lstrip().startswith("2.1.2 (")]
    assert len(question_rows) == 2 and all("thin: fewer than 13 pairs" in row and "●" not in row for row in question_rows)


@pytest.mark.subprocess
def test_markdown_and_csv_carry_the_same_figures(tmp_path):
    path, pairs = _inspection(tmp_path, "a", "hmip-youth-2018", SECOND_2018)
    reference = measure(Pairs.of(pairs))
    markdown = _stats(str(path), "--format", "markdown")
    assert "## Agreement of first and second assessments" in markdown
    assert "| ak | 6 |" in markdown and "| hmip-youth-2018 | 2.1.2 | Question 2.1.2 of hmip-youth-2018? | 12 |" in markdown
    rows = list(csv.DictReader(io.StringIO(_stats(str(path), "--format", "csv"))))
    assert [(r["group"], r["assessor"], r["role"], r["question"]) for r in rows] == [
        ("all", "", "", ""),
        ("assessor", "ak", "", ""),
        ("assessor", "mr", "", ""),
        ("role", "", "", ""),  # no [people]: nobody has a role
        ("question", "", "", "2.1.2"),
    ]
    assert float(rows[0]["ac1"]) == reference.ac1.value and float(rows[0]["ac1_low"]) == reference.ac1.ci95[0]
    assert "fewer than the 10" in rows[1]["note"]  # 6 pairs each: thin


def test_by_role_adds_up_each_assessors_pairs_under_their_role_in_each_file(tmp_path):
    """ak is an inspector in one file and a local assessor in the other: their pairs go to each role in turn."""
    one, one_pairs = _inspection(tmp_path, "a", "hmip-youth-2021", SECOND_2018)
    two, two_pairs = _inspection(tmp_path, "b", "hmip-youth-2021", SECOND_2025)
    for path, ak in ((one, "inspector"), (two, "local assessor")):
        text = path.read_text(encoding="utf-8")
        people = f'[people]\nak = "{ak}"\nmr = "inspector"\nqa = "quality lead"\n'
        path.write_text(
            text.replace('[samples]\ncourt = "Court disposals"\n', f'[samples]\ncourt = "Court disposals"\n\n{people}'),
            encoding="utf-8",
        )
    agreement = json.loads(_stats(str(one), str(two), "--json"))["qa"]["agreement"]
    roles = {r["role"]: (r["pairs"], r["agreed"]) for r in agreement["by_role"]}
    local = two_pairs[:6]
    assert roles == {
        "inspector": (18, sum(a == b for a, b in one_pairs + two_pairs[6:])),
        "local assessor": (6, sum(a == b for a, b in local)),
    }
    text = _stats(str(one), str(two), "--min-pairs", "6")
    assert "Gwet's AC1 by the assessor's role, lowest first" in text and "local assessor" in text
