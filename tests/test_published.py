"""The bundled samples reproduce every published figure of their HMIP reports."""

from __future__ import annotations

import json

import pytest

from conftest import REPORTS, SAMPLES, SHARED_REPORTS, moderate, published_reports

# Stockton-on-Tees prints 2.3.2 with a slip ("the safety of the child safe?"); its prompt
# heading and the later reports word it correctly, as the 2018 template does.
SIC = {"Does the implementation and delivery of services effectively support the safety of the child safe?":
       "Does the implementation and delivery of services effectively support the safety of the child?"}

SAMPLE_OF_REPORT = {
    "county-durham-2022.txt": "county-durham-2022.toml",
    "stockton-on-tees-2021.txt": "stockton-on-tees-2021.toml",
    "northumberland-2023.txt": "northumberland-2023.toml",
}


def test_the_copied_reports_and_figures_are_exactly_the_published_ones():
    assert SHARED_REPORTS.is_dir(), (
        f"the published reports are not at {SHARED_REPORTS}: check out the spec and reports beside this clone")
    published = sorted(path.name for path in SHARED_REPORTS.iterdir())
    assert sorted(path.name for path in REPORTS.iterdir()) == published
    for name in published:
        assert (REPORTS / name).read_bytes() == (SHARED_REPORTS / name).read_bytes(), (
            f"tests/data/{name} differs from {SHARED_REPORTS / name}: copy it again and check the samples")


def test_every_published_report_has_its_sample():
    assert sorted(r["file"] for r in published_reports()) == sorted(SAMPLE_OF_REPORT)


def _report(sample: str) -> dict:
    done = moderate("report", str(SAMPLES / sample), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("report_file", sorted(SAMPLE_OF_REPORT))
def test_each_sample_gives_the_published_ratings_and_score(report_file):
    published = next(r for r in published_reports() if r["file"] == report_file)
    ours = _report(SAMPLE_OF_REPORT[report_file])
    score, maximum = published["score"].split("/")
    assert (ours["overall"]["score"], ours["overall"]["max"]) == (int(score), int(maximum))
    assert ours["overall"]["rating"] == published["overall"]
    assert ours["overall"]["complete"]
    standards = {s["id"]: s for s in ours["standards"]}
    for standard in published["standards"]:
        mine = standards[standard["id"]]
        assert mine["rating"] == standard["published_rating"], standard["id"]
        assert mine["counts"] == standard["counts_toward_score"], standard["id"]
        for index, kq in enumerate(standard["key_questions"]):
            figures = mine["key_questions"][index]
            assert (figures["yes"], figures["relevant"]) == (kq["effective"]["yes"], kq["effective"]["denominator"])
            if kq.get("percent") is not None:  # printed as a whole percent
                assert int(figures["percent"] + 0.5) == kq["percent"]
            prompts = (kq.get("prompt_group") or {}).get("prompts", [])
            for prompt, mine_p in zip(prompts, figures["prompts"], strict=True):
                assert (mine_p["yes"], mine_p["relevant"]) == (prompt["yes"], prompt["relevant"]), mine_p["id"]


def test_stockton_planning_shows_the_computed_rating_and_the_panels_uplift():
    planning = next(s for s in _report("stockton-on-tees-2021.toml")["standards"] if s["id"] == "2.2")
    assert planning["computed"] == "Requires improvement"
    assert planning["rating"] == "Good"
    assert planning["discretion"]["reasons"] == ["near-boundary", "one-case"]
    assert planning["discretion"]["directions"] == ["up"]
    assert planning["discretion"]["decision"]["rating"] == "Good"
    assert planning["discretion"]["decision"]["stale"] is False
    child_safe = planning["key_questions"][1]
    assert (child_safe["id"], child_safe["yes"], child_safe["relevant"], child_safe["percent"]) == ("2.2.2", 5, 8, 62.5)


def test_the_text_report_prints_the_published_tables():
    done = moderate("report", str(SAMPLES / "stockton-on-tees-2021.toml"))
    assert done.returncode == 0
    assert "Of the 8 cases inspected" in done.stdout
    assert "Score 32/36" in done.stdout and "Overall rating: Outstanding" in done.stdout
    assert "2.5 points below Good; one case from Good" in done.stdout
    assert " 63%" in done.stdout  # 5/8 printed half up


@pytest.mark.parametrize("report_file", sorted(SAMPLE_OF_REPORT))
def test_the_markdown_export_matches_the_published_tables_figure_for_figure(report_file):
    published = next(r for r in published_reports() if r["file"] == report_file)
    done = moderate("report", str(SAMPLES / SAMPLE_OF_REPORT[report_file]), "--format", "markdown")
    assert done.returncode == 0, done.stderr
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in done.stdout.splitlines()
            if line.startswith("|") and not line.startswith("|---")]
    assert rows[0][1:] == ["Score", published["score"]]
    assert rows[1][:2] == ["Overall rating", published["overall"]]
    ratings = {row[0]: row[2] for row in rows if len(row) == 3 and row[0][:1].isdigit() and row[1]}
    assert ratings == {s["id"]: s["published_rating"] for s in published["standards"]}
    key_question_rows = [row for row in rows if len(row) == 4 and row[0].startswith(("Does", "Is", "Are"))]
    expected = [kq for s in published["standards"] for kq in s["key_questions"]]
    assert len(key_question_rows) == len(expected)
    for row, kq in zip(key_question_rows, expected, strict=True):
        printed = kq["text"].replace("’", "'")
        assert row[0] == SIC.get(printed, printed)
        assert (int(row[1]), int(row[2])) == (kq["effective"]["denominator"], kq["effective"]["yes"])
        if kq.get("percent") is not None:
            assert row[3] == f"{kq['percent']}%"


def test_the_csv_export_has_a_row_per_key_question_and_prompt():
    import csv
    import io

    done = moderate("report", str(SAMPLES / "stockton-on-tees-2021.toml"), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 23 + 93
    contingency = next(r for r in rows if r["question"] == "2.2.2.d")
    assert (contingency["kind"], contingency["yes"], contingency["relevant"], contingency["percent"],
            contingency["percent_printed"]) == ("prompt", "5", "8", "62.5", "63")
    child_safe = next(r for r in rows if r["question"] == "2.2.2")
    assert child_safe["band"] == "Requires improvement"
