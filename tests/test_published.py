"""The bundled samples reproduce every published figure of their HMIP reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers.cli import moderate
from helpers.files import published_reports, REPORTS, SAMPLES, SHARED_REPORTS

# Stockton-on-Tees prints 2.3.2 with a slip ("the safety of the child safe?"); its prompt
# heading and the later reports word it correctly, as the 2018 template does.
SIC = {
    "Does the implementation and delivery of services effectively support the safety of the child safe?": (
        "Does the implementation and delivery of services effectively support the safety of the child?"
    )
}

SAMPLE_OF_REPORT = {
    "county-durham-2022.txt": "county-durham-2022.toml",
    "stockton-on-tees-2021.txt": "stockton-on-tees-2021.toml",
    "northumberland-2023.txt": "northumberland-2023.toml",
}


def test_the_copied_reports_and_figures_are_exactly_the_published_ones():
    assert SHARED_REPORTS.is_dir(), (
        f"the published reports are not at {SHARED_REPORTS}: check out the spec and reports beside this clone"
    )
    published = sorted(path.name for path in SHARED_REPORTS.iterdir())
    # tests/data/qa/ holds the agreement examples, checked by tests/test_coefficients.py
    assert sorted(path.name for path in REPORTS.iterdir() if path.is_file()) == published
    for name in published:
        assert (REPORTS / name).read_bytes() == (SHARED_REPORTS / name).read_bytes(), (
            f"tests/data/{name} differs from {SHARED_REPORTS / name}: copy it again and check the samples"
        )


def test_every_published_report_has_its_sample():
    assert sorted(r["file"] for r in published_reports()) == sorted(SAMPLE_OF_REPORT)


def _apostrophes(text: str) -> str:
    return text.replace("’", "'")


def _report(sample: str) -> dict:
    done = moderate("report", str(SAMPLES / sample), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.subprocess
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


@pytest.mark.subprocess
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


@pytest.mark.subprocess
def test_the_text_report_prints_the_published_tables():
    done = moderate("report", str(SAMPLES / "stockton-on-tees-2021.toml"))
    assert done.returncode == 0
    assert "Of the 8 cases inspected" in done.stdout
    assert "Score 32/36" in done.stdout and "Overall rating: Outstanding" in done.stdout
    lines = [" ".join(line.split()) for line in done.stdout.splitlines()]
    planning = lines.index("2.2 Planning Good")
    assert lines[planning + 1 : planning + 5] == [
        "computed: Requires improvement",
        "↑ 2.5 percentage points below the 65% boundary for 'Good'",
        "one case from 'Good'",
        "panel: Good",
    ]
    assert " 63%" in done.stdout  # 5/8 printed half up


def _markdown(sample: str, *options: str) -> str:
    done = moderate("report", str(SAMPLES / sample), "--format", "markdown", *options)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _tables(markdown: str) -> dict[str, list[list[str]]]:
    """Each table under the heading before it ('2.1', or '2.1/' and a key question's text for its
    prompts): the header row, then the rows."""
    tables: dict[str, list[list[str]]] = {}
    heading = standard = ""
    for line in markdown.splitlines():
        if line.startswith("### "):
            heading = standard = line.removeprefix("### ").split(" ")[0].rstrip(".")
        elif line.startswith("#"):
            heading = f"{standard}/{line.lstrip('#').strip()}" if line.startswith("#### ") else line.lstrip("#").strip()
        elif line.startswith("|") and not line.startswith("|---"):
            tables.setdefault(heading, []).append(_cells(line))
    return tables


def _bold(cell: str) -> tuple[str, bool]:
    return (cell[2:-2], True) if cell.startswith("**") and cell.endswith("**") and len(cell) > 4 else (cell, False)


@pytest.mark.subprocess
@pytest.mark.parametrize("report_file", sorted(SAMPLE_OF_REPORT))
def test_the_markdown_export_matches_the_published_tables_figure_for_figure(report_file):
    published = next(r for r in published_reports() if r["file"] == report_file)
    markdown = _markdown(SAMPLE_OF_REPORT[report_file])
    tables = _tables(markdown)
    rows = tables["Ratings"]
    assert rows[0][1:] == ["Score", published["score"]]
    assert rows[1][:2] == ["Overall rating", published["overall"]]
    ratings = {row[0]: row[2] for row in rows if len(row) == 3 and row[0][:1].isdigit() and row[1]}
    assert ratings == {s["id"]: s["published_rating"] for s in published["standards"]}
    assert f"Fieldwork started {dt.date.fromisoformat(published['fieldwork_start']):%B %Y}" in markdown
    counts = published["framework"]["flavour"].startswith("IYOS 2018")  # 2018 prints counts, later % only
    for standard in (s for s in published["standards"] if s["key_questions"]):
        header, *body = tables[standard["id"]]
        header[0] = header[0].rstrip(" ¹²³⁴⁵⁶⁷⁸⁹⁰")  # a footnote on who the table's cases are
        sample = published["sample_sizes"][standard["sample"]]
        expected = [f"Of the {sample} cases inspected:", "Relevant cases", "Number 'Yes'"] if counts else ["", "% 'Yes'"]
        assert header == expected, standard["id"]
        assert _apostrophes(standard["standard_statement"]["text"]) in markdown.splitlines(), standard["id"]
        assert f"Our rating for {standard['title'].lower()} is based on the following key questions:" in markdown.replace(
            "¹", ""
        ).translate(str.maketrans("", "", "⁰²³⁴⁵⁶⁷⁸⁹")), standard["id"]
        assert len(body) == len(standard["key_questions"]), standard["id"]
        body = [[cell.rstrip(" ¹²³⁴⁵⁶⁷⁸⁹⁰") for cell in row] for row in body]
        lowest = standard["analysis"]["lowest_kq_index"]
        for row, kq in zip(body, standard["key_questions"], strict=True):
            text, bold = _bold(row[0])
            printed = _apostrophes(kq["text"])
            assert text == SIC.get(printed, printed)
            assert bold == (kq["kq_index"] in lowest), (standard["id"], text)
            figures = [_bold(cell) for cell in row[1:]]
            assert all(b == bold for _, b in figures), (standard["id"], text)
            if counts:
                assert [int(f) for f, _ in figures] == [kq["effective"]["denominator"], kq["effective"]["yes"]]
            else:
                assert [f for f, _ in figures] == [f"{kq['percent']}%"]
            prompt_rows = tables.get(f"{standard['id']}/{text}", [])[1:]
            for prompt_row, prompt in zip(prompt_rows, kq.get("prompt_group", {}).get("prompts", []), strict=True):
                prompt_row[0] = prompt_row[0].rstrip(" ¹²³⁴⁵⁶⁷⁸⁹⁰")  # its footnote, as the report has it
                assert prompt_row == [_apostrophes(prompt["text"]), str(prompt["relevant"]), str(prompt["yes"])]


@pytest.mark.subprocess
def test_the_markdown_export_words_the_panels_discretion_where_its_programme_does(tmp_path):
    # 2018 (Stockton-on-Tees) says it in the body, after the table; 2021 in a footnote on the figure
    markdown = _markdown("stockton-on-tees-2021.toml")
    planning = markdown[markdown.index("### 2.2.") : markdown.index("### 2.3.")]
    assert "**Good**\n" in planning and "Professional discretion was applied" not in planning
    assert "we applied professional discretion to this score, uplifting it to 'Good'." in planning
    path = tmp_path / "durham.toml"
    path.write_text(
        (SAMPLES / "county-durham-2022.toml").read_text(encoding="utf-8")
        + '\n[[discretion]]\nstandard = "2.2"\ncomputed = "Good"\nrating = "Outstanding"\nby = "lead"\n'
        "at = 2022-08-05T10:00:00Z\n",
        encoding="utf-8",
    )
    done = moderate("report", str(path), "--format", "markdown")
    planning = done.stdout[done.stdout.index("### 2.2.") : done.stdout.index("### 2.3.")]
    assert "**Outstanding**\n" in planning
    assert "| **Does planning focus sufficiently on keeping the child safe?** | **77%**⁴ |" in planning.splitlines()
    assert (
        "⁴ Professional discretion was applied at the ratings panel, increasing this rating from 'Good' to 'Outstanding'."
        in planning.splitlines()
    )


@pytest.mark.subprocess
def test_counts_add_the_relevant_cases_and_yes_to_a_framework_that_prints_percentages():
    tables = _tables(_markdown("county-durham-2022.toml", "--counts"))
    assert tables["2.1"][0] == ["Of the 13 cases inspected:", "Relevant cases", "Number 'Yes'", "% 'Yes'"]
    assert tables["2.1"][3] == [
        "**Does assessment sufficiently analyse how to keep other people safe?**",
        "**13**",
        "**7**",
        "**54%**",
    ]


@pytest.mark.subprocess
def test_the_2025_markdown_says_its_thresholds_are_assumed_and_numbers_no_domain(tmp_path):
    path = tmp_path / "new.toml"
    assert moderate("new", str(path), "--framework", "hmip-youth-2025", "--cases", "children=2,victims=1").returncode == 0
    done = moderate("report", str(path), "--format", "markdown")
    assert "| Work with children | | |" in done.stdout and "| Work with victims | | |" in done.stdout
    assert "2. Work" not in done.stdout and "V1. Work" not in done.stdout
    assert (
        "HMIP publishes no overall thresholds for hmip-youth-2025; these are assumed: 0–2 Inadequate, "
        "3–6 Requires improvement, 7–10 Good, 11–12 Outstanding." in done.stdout.splitlines()
    )


@pytest.mark.subprocess
def test_the_csv_export_has_a_row_per_key_question_and_prompt():
    import csv
    import io

    done = moderate("report", str(SAMPLES / "stockton-on-tees-2021.toml"), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 23 + 93
    contingency = next(r for r in rows if r["question"] == "2.2.2.d")
    assert (
        contingency["kind"],
        contingency["yes"],
        contingency["relevant"],
        contingency["percent"],
        contingency["percent_printed"],
    ) == ("prompt", "5", "8", "62.5", "63")
    child_safe = next(r for r in rows if r["question"] == "2.2.2")
    assert child_safe["band"] == "Requires improvement"
