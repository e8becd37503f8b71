"""The markdown report reads as HMIP's published report does, line for line: the ratings table,
each standard's statement and rating, the line its key questions follow, every key-question
and prompt table (head and rows) and every footnote on them, with the published text in
tests/data/. Only apostrophes, whitespace and footnote numbers are normalised, and what a
Markdown viewer does not show as text (bold, a link's target, a table's rules and empty cells).

The published text has three slips of its own, which we do not copy; each is listed in SIC
with its line, and put right in the published text before it is compared."""

from __future__ import annotations

import json
import re

import pytest

from helpers.cli import moderate
from helpers.files import REPORTS, SAMPLES

pytestmark = pytest.mark.subprocess

SAMPLE_OF_REPORT = {
    "county-durham-2022.txt": "county-durham-2022.toml",
    "stockton-on-tees-2021.txt": "stockton-on-tees-2021.toml",
    "northumberland-2023.txt": "northumberland-2023.toml",
}

# (report, line): (as printed, as it should read).
SIC = {
    # two key-question table heads lack the colon every other head has
    ("stockton-on-tees-2021.txt", 434): ("| Of the 8 cases inspected |", "| Of the 8 cases inspected: |"),
    ("stockton-on-tees-2021.txt", 743): ("| Of the 5 cases inspected |", "| Of the 5 cases inspected: |"),
    # 2.3's second key question, worded right in its prompts' heading and in every later report
    ("stockton-on-tees-2021.txt", 558): ("the safety of the child safe?", "the safety of the child?"),
}

SUPERSCRIPT = re.compile(r"\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _text(line: str) -> str:
    """A line as a reader sees it: no bold, a link as its words, apostrophes and spaces as one."""
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).replace("**", "")
    line = line.replace("’", "'").replace("‘", "'")
    return " ".join(line.split())


def _numbered(line: str) -> str:
    """Footnote markers all alike: their numbers differ with what each report prints before."""
    return SUPERSCRIPT.sub(" ⁿ", _text(line)).strip()


def _cells(line: str) -> list[str]:
    """A table row's cells, without empty ones: '|' rows (markdown) or tab-separated (the PDF's text)."""
    parts = line.strip().strip("|").split("|") if line.lstrip().startswith("|") else line.split("\t")
    return [_numbered(part) for part in parts if _text(part)]


def _is_rule(line: str) -> bool:
    return bool(re.fullmatch(r"\s*\|?[\s|:-]*\|?\s*", line)) and "-" in line


def _published(name: str) -> list[str]:
    path = REPORTS / name
    assert path.exists(), f"published report missing: {path}"
    lines = path.read_text(encoding="utf-8").splitlines()
    for (report, number), (printed, meant) in SIC.items():
        if report == name:
            assert printed in lines[number - 1], (name, number, lines[number - 1])
            lines[number - 1] = lines[number - 1].replace(printed, meant)
    return lines


def _figures(name: str) -> dict:
    reports = json.loads((REPORTS / "published-figures.json").read_text(encoding="utf-8"))["reports"]
    return next(r for r in reports if r["file"] == name)


def _markdown(path) -> list[str]:
    done = moderate("report", str(path), "--format", "markdown")
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _is_footnote(line: str) -> bool:
    return bool(re.match(r"\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s", line))


def _markers(line: str) -> list[str]:
    return re.findall(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", line)


class Section:
    """A standard's section of a report: its statement, rating, 'Our rating' line, table rows
    (every table, in order) and the footnotes on any of those."""

    def __init__(self, lines: list[str], statement: str | None):
        self.statement, self.rating, self.based_on = None, None, None
        self.rows: list[list[str]] = []
        marked: list[str] = []
        notes: dict[str, str] = {}
        for line in lines:
            if not _text(line):
                continue
            if _is_footnote(line):
                number = _markers(line)[0]
                notes.setdefault(number, _numbered(line))
                continue
            if statement and _text(line.strip().strip("|")).startswith(_text(statement)):  # the statement, and maybe its rating
                cells = [c for c in re.split(r"\t|\|", line) if _text(c)]
                self.statement = _text(cells[0])
                self.rating = _text(cells[1]) if len(cells) > 1 else None
                continue
            if _text(line).startswith("Our rating"):
                self.based_on = _numbered(line)
                marked += _markers(line)
            elif line.lstrip().startswith("|") or "\t" in line:
                if not _is_rule(line) and _cells(line):
                    self.rows.append(_cells(line))
                    marked += _markers(line)
            elif self.rating is None and _text(line) in RATINGS:
                self.rating = _text(line)
        self.footnotes = [notes[m] for m in dict.fromkeys(marked) if m in notes]


RATINGS = {"Inadequate", "Requires improvement", "Good", "Outstanding", "Not rated"}


def _our_sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines:
        heading = re.match(r"### ([0-9V][0-9.]*?)\.? ", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
        elif line.startswith(("# ", "## ", "### ")):
            current = None
        elif current is not None:
            sections[current].append(line.replace("**", ""))
    return sections


def _their_sections(name: str, lines: list[str]) -> dict[str, list[str]]:
    """Each standard's lines, from its heading to the next standard's (or the annexe's)."""
    standards = _figures(name)["standards"]
    starts = [(s["id"], s["section_header"]["line"]) for s in standards]
    ends = [line for _, line in starts[1:]]
    last = next(
        (
            i
            for i, line in enumerate(lines, 1)
            if i > starts[-1][1] and line.strip() in ("Further information", "Annexe 1: Methodology")
        ),
        len(lines),
    )
    return {sid: lines[start : end - 1] for (sid, start), end in zip(starts, [*ends, last], strict=True)}


def _ratings(lines: list[str], start: int) -> tuple[list[str], list[list[str]], list[str]]:
    """The ratings table from line `start`: the words of its head (title, score, fieldwork), its
    rows from 'Overall rating' on, and its footnotes."""
    head: list[str] = []
    rows: list[list[str]] = []
    notes: list[str] = []
    for line in lines[start:]:
        text = _text(line)
        if text in ("Recommendations", "## 1. Organisational delivery") or line.startswith("## 1"):
            break
        if not text or _is_rule(line) or text in ("Ratings", "## Ratings"):
            continue
        if _is_footnote(line):
            notes.append(_numbered(line))
        elif rows or _cells(line)[:1] == ["Overall rating"]:
            rows.append(_cells(line))
        else:
            head += " ".join(_cells(line)).split()
    return sorted(head), rows, notes


@pytest.mark.parametrize("report", sorted(SAMPLE_OF_REPORT))
def test_the_ratings_table_reads_as_published(report):
    theirs = _published(report)
    ours = _markdown(SAMPLES / SAMPLE_OF_REPORT[report])
    start = next(i for i, line in enumerate(theirs) if line.strip() == "Ratings" and i > 40)
    their_head, their_rows, their_notes = _ratings(theirs, start)
    our_head, our_rows, our_notes = _ratings(ours, ours.index("## Ratings"))
    fieldwork = next((line for line in ours if line.startswith("Fieldwork started")), "")
    if "Fieldwork" in their_head:  # printed in the table by later reports, above it by ours
        our_head = sorted(our_head + fieldwork.split())
    assert our_head == their_head
    assert our_rows == their_rows
    assert our_notes == their_notes


@pytest.mark.parametrize("report", sorted(SAMPLE_OF_REPORT))
def test_each_standards_section_reads_as_published(report):
    theirs = _their_sections(report, _published(report))
    ours = _our_sections(_markdown(SAMPLES / SAMPLE_OF_REPORT[report]))
    published = {s["id"]: s for s in _figures(report)["standards"]}
    assert sorted(ours) == sorted(theirs)
    for sid, lines in theirs.items():
        statement = (published[sid].get("standard_statement") or {}).get("text")
        their, our = Section(lines, statement), Section(ours[sid], statement)
        assert our.statement == their.statement, sid
        if their.rating is not None:
            assert our.rating == their.rating == published[sid]["published_rating"], sid
        if not published[sid]["key_questions"]:  # a judgement: its statement and rating (the rest is prose)
            assert not our.rows and our.based_on is None, sid
            continue
        assert our.based_on == their.based_on, sid
        assert our.rows == their.rows, sid
        assert our.footnotes == their.footnotes, sid
        assert our.rows and our.footnotes and our.based_on, sid  # nothing compared away


@pytest.mark.parametrize("report", sorted(SAMPLE_OF_REPORT))
def test_each_domain_opens_with_its_sample_as_published(report):
    published = _text(" ".join(_published(report)))
    ours = _markdown(SAMPLES / SAMPLE_OF_REPORT[report])
    said = [ours[i + 2] for i, line in enumerate(ours) if line.startswith("## ") and ours[i + 2].startswith("We ")]
    said += [line for line in ours if line.startswith("We also conducted")]
    assert said, "no sample sentences"
    for paragraph in said:
        for sentence in re.split(r"(?<=\.) ", paragraph):
            assert _text(sentence) in published, sentence


def test_the_panels_discretion_is_said_in_the_body_as_stockton_says_it():
    published = _text(" ".join(_published("stockton-on-tees-2021.txt")))
    planning = _our_sections(_markdown(SAMPLES / "stockton-on-tees-2021.toml"))["2.2"]
    said = [line for line in planning if "professional discretion" in line]
    assert said == [
        "Planning was originally assessed as 'Requires improvement'. Having considered our findings in more "
        "detail, we applied professional discretion to this score, uplifting it to 'Good'."
    ]
    assert said[0].removeprefix("Planning ").removesuffix(".") in published
    assert not any(_is_footnote(line) and "discretion" in line for line in planning)


# The 2025 programme's words, as the issue quotes its reports: each standard's statement, its key
# questions as a stem and endings, and the victims' footnote; V 1.1's figure is not printed.
PROGRAMME_2025 = {
    "2.1": (
        "Assessing is well-informed and personalised, effectively analysing how to achieve positive change and keep "
        "children and the community safe.",
        "Does assessing sufficiently analyse how to:",
        ["achieve positive change for the child?", "keep the child and the community safe?"],
    ),
    "2.2": (
        "Planning is well-informed, holistic and personalised, focusing on how to achieve positive change and keep "
        "children and communities safe.",
        "Does planning focus sufficiently on how to:",
        ["achieve positive change for the child?", "keep the child and community safe?"],
    ),
    "2.3": (
        "High-quality, well-focused, personalised and coordinated services are delivered, achieving positive change "
        "and keeping children and communities safe.",
        "Does the delivery of well-focused, personalised and co-ordinated services:",
        ["achieve positive change for the child?", "keep the child and the community safe?"],
    ),
    "V1": (
        "Work with victims is high-quality, individualised and responsive driving positive outcomes and safety for victims.",
        "",
        [
            "Is work with victims high-quality, individualised and responsive?",
            "Do organisational arrangements and activity drive a high-quality, individualised and responsive service "
            "for victims?",
        ],
    ),
}
LOWEST_2025 = (
    "The rating for the standard is driven by the lowest score on each of the key questions, which is placed in a "
    "rating band, indicated in bold in the table."
)
VICTIMS_2025 = (
    "The rating for the victims' standard is derived from the scores from case inspection for V 1.1 and the "
    "qualitative evidence for V 1.2."
)


def test_a_new_2025_inspection_reads_as_the_programme_publishes_it(tmp_path):
    path = tmp_path / "new.toml"
    done = moderate("new", str(path), "--framework", "hmip-youth-2025", "--cases", "children=4,victims=2")
    assert done.returncode == 0, done.stderr
    answers = tmp_path / "answers.csv"
    rows = ["case,question,answer"]
    children = {"2.1.1": "yyyn", "2.1.2": "yynn", "2.2.1": "yyyy", "2.2.2": "yyya", "2.3.1": "yyyn", "2.3.2": "ynnn"}
    for question, given in children.items():
        rows += [f"children-0{i},{question},{ {'y': 'yes', 'n': 'no', 'a': 'n/a'}[a] }" for i, a in enumerate(given, 1)]
    rows += ["victims-01,V1.1,yes", "victims-02,V1.1,no"]
    answers.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = moderate("import", str(path), str(answers), "--as", "lead")
    assert done.returncode == 0, done.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("judgement = true", 'rating = "Good"'), encoding="utf-8")
    lines = _markdown(path)
    sections = _our_sections(lines)
    figures = {"2.1": ["75%", "50%"], "2.2": ["100%", "100%"], "2.3": ["75%", "25%"], "V1": ["", "Good"]}
    lowest = {"2.1": 1, "2.2": 0, "2.3": 1}
    for sid, (statement, stem, endings) in PROGRAMME_2025.items():
        section = Section(sections[sid], statement)
        assert section.statement == statement, sid
        title = {"2.1": "assessing", "2.2": "planning", "2.3": "implementation and delivery"}.get(sid, "work with victims")
        assert section.based_on == f"Our rating ⁿ for {title} is based on the following key questions:", sid
        head = [stem, "% 'Yes'"] if stem else ["% 'Yes'"]
        body = [[ending, figure] if figure else [ending] for ending, figure in zip(endings, figures[sid], strict=True)]
        assert section.rows == [head, *body], sid
        assert section.footnotes == [f"ⁿ {VICTIMS_2025 if sid == 'V1' else LOWEST_2025}"], sid
        if sid in lowest:  # the lowest key question in bold, as the footnote says
            bold = [line for line in lines if line.startswith("| **")]
            assert f"| **{endings[lowest[sid]]}** | **{figures[sid][lowest[sid]]}** |" in bold, sid
    victims = [line.replace("**", "") for line in lines if "Is work with victims high-quality" in line]
    assert victims == ["| Is work with victims high-quality, individualised and responsive? |  |"]  # no figure


@pytest.mark.parametrize("report", sorted(SAMPLE_OF_REPORT))
def test_every_table_renders_as_a_table_in_a_markdown_viewer(report):
    from markdown_it import MarkdownIt  # the parser Textual's Markdown viewer uses

    text = "\n".join(_markdown(SAMPLES / SAMPLE_OF_REPORT[report]))
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<table>") == len(re.findall(r"(?m)^\|---", text)) > 0
    paragraphs = re.findall(r"<p>(.*?)</p>", html, re.S)
    assert not [p for p in paragraphs if "|" in p]  # no table left as text
    notes = [p for p in paragraphs if _is_footnote(p)]
    assert notes and all("\n" not in p for p in notes)  # each footnote a paragraph of its own
