"""Answers as a CSV table, both ways, and `moderate new` from a table of cases: the real command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest

from helpers.cli import moderate
from moderate.model import Answer, ModerationEntry
from moderate.reading import load
from moderate.storage import save

BROKEN = Path(__file__).parent / "broken_csv"

# Each broken table, against the Stockton sample, and what the refusal must say (with where).
REFUSALS = {
    "unknown-case.csv": ["row 3, column 1 (case): no case 'Z99'"],
    "unknown-question.csv": ["row 1, column 3 (9.9.9): no question '9.9.9'"],
    "value-not-yes-no-na.csv": [
        "row 2, column 2 (2.1.1): 'Ye' is not yes, no or n/a",
        "row 3, column 3 (2.1.2): 'maybe' is not yes, no or n/a",
    ],
    "duplicated-column.csv": ["row 1, column 3 (2.1.1): duplicated column: also column 2"],
    "duplicated-row.csv": ["row 4: duplicated row: case C01 is also in row 2"],
    "latin1-encoding.csv": ["row 3, byte 6: not UTF-8 text (byte 0xe9)"],
    "utf16-encoding.csv": ["row 1, byte 1: not UTF-8 text (byte 0xff)"],
    "long-duplicated-row.csv": ["row 3: duplicated row: C01 2.1.1 is also given in row 2"],
    "long-short-row-and-wrong-sample.csv": [
        "row 3: 2 cells: a row of the long form is case,question,answer",
        "row 4, column 3 (answer): 2.1.1 is asked of the court sample; case O01 is in oocd",
    ],
    "question-of-another-sample.csv": ["row 2, column 3 (3.1.1): 3.1.1 is asked of the oocd sample"],
    "standard-ids-as-columns.csv": ["row 1, column 2 (2.1): '2.1' is a standard", "row 1, column 3 (1.1): '1.1' is a standard"],
    "header-without-case.csv": ["row 1, column 1: the header starts 'id'"],
    "unterminated-quote.csv": ["row 2: not a well-formed CSV row"],
    "empty.csv": ["is empty"],
    "empty-header-cell-and-long-row.csv": [
        "row 1, column 3: the header cell is empty",
        "row 2, column 5: 6 cells, but the header has 4 columns",
        "row 3, column 1 (case): the case id is empty",
    ],
    "binary.csv": ["is binary"],
}


def test_every_broken_table_is_listed_here():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(REFUSALS)
    assert len(REFUSALS) >= 10


@pytest.mark.subprocess
@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_broken_table_is_refused_whole_with_every_problem_located(name, stockton):
    before = stockton.read_bytes()
    result = moderate("import", str(stockton), str(BROKEN / name), "--as", "jb")
    assert result.returncode == 2, result.stdout
    for expected in REFUSALS[name]:
        assert f"{BROKEN / name}: {expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert stockton.read_bytes() == before
    assert sorted(p.name for p in stockton.parent.iterdir()) == [stockton.name]  # no journal, lock or .bak


@pytest.mark.subprocess
def test_answers_then_import_of_the_same_table_leaves_the_file_byte_identical(stockton, tmp_path):
    before = stockton.read_bytes()
    for sample in ([], ["--sample", "court"]):
        table = tmp_path / "answers.csv"
        table.write_text(moderate("answers", str(stockton), *sample).stdout, encoding="utf-8")
        result = moderate("import", str(stockton), str(table), "--as", "jb")
        assert result.returncode == 0, result.stderr
        assert stockton.read_bytes() == before


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.subprocess
def test_an_edited_table_changes_exactly_the_edited_answers_and_logs_them(stockton, tmp_path):
    rows = _rows(moderate("answers", str(stockton), "--sample", "oocd").stdout)
    header = rows[0]
    column = header.index("3.1.2")
    assert rows[1][0] == "O01" and rows[1][column] == "yes"
    rows[1][column] = "no"
    rows[2] = [rows[2][0]] + [""] * (len(header) - 1)  # an empty row leaves O02 as it is
    table = tmp_path / "edited.csv"
    with table.open("w", newline="", encoding="utf-8-sig") as f:  # as a spreadsheet saves it, with a BOM
        csv.writer(f).writerows(rows)
    before = load(stockton).inspection
    result = moderate("import", str(stockton), str(table), "--as", "kt")
    assert result.returncode == 0, result.stderr
    assert "1 answer set (0 first answers, 1 changed)" in result.stdout
    after = load(stockton).inspection
    differ = {
        (c.id, q)
        for c, b in zip(after.cases, before.cases, strict=True)
        for q in c.answers.keys() | b.answers.keys()
        if c.answers.get(q) != b.answers.get(q)
    }
    assert differ == {("O01", "3.1.2")}
    assert after.case("O01").answers["3.1.2"] == Answer.NO
    entry = after.moderation[-1]
    assert (entry.case, entry.question, entry.from_, entry.to, entry.by) == ("O01", "3.1.2", "yes", "no", "kt")


@pytest.mark.subprocess
def test_an_import_logs_each_changed_answer_at_one_time_and_leaves_no_journal(stockton, tmp_path):
    rows = _rows(moderate("answers", str(stockton), "--sample", "court").stdout)
    flipped = {"yes": "no", "no": "yes"}
    for row in rows[1:4]:
        row[1:] = [flipped.get(cell, cell) for cell in row[1:]]
    table = tmp_path / "flipped.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    before = load(stockton).inspection
    result = moderate("import", str(stockton), str(table), "--as", "kt", "--reason", "second reading")
    assert result.returncode == 0, result.stderr
    changed = sum(cell in flipped for row in rows[1:4] for cell in row[1:])
    assert f"{changed} answers set (0 first answers, {changed} changed)" in result.stdout
    logged = load(stockton).inspection.moderation[len(before.moderation) :]
    assert len(logged) == changed and len({e.at for e in logged}) == 1
    assert {(e.by, e.reason) for e in logged} == {("kt", "second reading")}
    assert not list(stockton.parent.glob("*journal*"))


@pytest.mark.subprocess
def test_an_import_of_first_answers_and_changes_leaves_a_log_that_check_finds_in_step_with_the_file(stockton, tmp_path):
    text = stockton.read_text(encoding="utf-8")
    stockton.write_text(text.replace('[cases.answers]\n"2.1.1" = "yes"\n', "[cases.answers]\n", 1), encoding="utf-8")
    before = load(stockton).inspection
    first = ("C01", "2.1.1")  # never answered: its answer now is a first one, not logged
    assert "2.1.1" not in before.case("C01").answers and not [e for e in before.moderation if e.about == first]
    changed = next((c.id, q) for c in before.cases for q, a in c.answers.items() if a == Answer.YES and c.id != "C01")
    table = tmp_path / "long.csv"
    table.write_text(f"case,question,answer\n{first[0]},{first[1]},n/a\n{changed[0]},{changed[1]},no\n", encoding="utf-8")
    result = moderate("import", str(stockton), str(table), "--as", "kt")
    assert result.returncode == 0, result.stderr
    assert "2 answers set (1 first answer, 1 changed), 0 as they were" in result.stdout
    after = load(stockton).inspection
    assert after.case(first[0]).answers[first[1]] == Answer.NA and after.case(changed[0]).answers[changed[1]] == Answer.NO
    logged = after.moderation[len(before.moderation) :]
    assert [(e.case, e.question, e.from_, e.to, e.by) for e in logged] == [(*changed, "yes", "no", "kt")]
    checked = moderate("check", str(stockton))
    assert checked.returncode == 0 and "ok" in checked.stdout, checked.stderr


@pytest.mark.subprocess
def test_an_answer_the_log_saw_taken_away_is_logged_when_imported_into_a_case_left_with_none(stockton, tmp_path):
    before = load(stockton).inspection
    cleared = replace(before.case("C01"), answers={})
    taken = ModerationEntry("C01", "2.1.1", "yes", "unanswered", "jb", dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc))
    cases = tuple(cleared if case.id == "C01" else case for case in before.cases)
    save(stockton, replace(before, cases=cases, moderation=(*before.moderation, taken)))
    table = tmp_path / "long.csv"
    table.write_text("case,question,answer\nC01,2.1.1,no\nC01,2.1.2,yes\n", encoding="utf-8")
    result = moderate("import", str(stockton), str(table), "--as", "kt")
    assert result.returncode == 0, result.stderr
    after = load(stockton).inspection
    assert after.case("C01").answers == {"2.1.1": Answer.NO, "2.1.2": Answer.YES}
    logged = after.moderation[len(before.moderation) + 1 :]  # 2.1.2: never answered, a first answer, not logged
    assert [(e.case, e.question, e.from_, e.to, e.by) for e in logged] == [("C01", "2.1.1", "unanswered", "no", "kt")]


@pytest.mark.subprocess
def test_the_long_form_sets_first_answers(tmp_path):
    path = tmp_path / "new.toml"
    assert moderate("new", str(path), "--framework", "hmip-youth-2021", "--cases", "court=2").returncode == 0
    table = tmp_path / "long.csv"
    table.write_text("case,question,answer\ncourt-01,2.1.1,yes\ncourt-02,2.1.1,n/a\ncourt-02,2.1.2,\n", encoding="utf-8")
    result = moderate("import", str(path), str(table), "--as", "jb")
    assert result.returncode == 0, result.stderr
    inspection = load(path).inspection
    assert inspection.case("court-01").answers == {"2.1.1": Answer.YES}
    assert inspection.case("court-02").answers == {"2.1.1": Answer.NA}


@pytest.mark.subprocess
def test_an_inspection_requiring_reasons_refuses_an_import_that_changes_answers_without_one(stockton, tmp_path):
    stockton.write_text(
        stockton.read_text(encoding="utf-8").replace(
            'lead_inspector = "lead"', 'lead_inspector = "lead"\nreasons_required = true'
        ),
        encoding="utf-8",
    )
    before = stockton.read_bytes()
    table = tmp_path / "change.csv"
    table.write_text("case,question,answer\nO01,3.1.2,no\n", encoding="utf-8")
    result = moderate("import", str(stockton), str(table), "--as", "jb")
    assert result.returncode == 2 and "--reason" in result.stderr
    assert stockton.read_bytes() == before
    result = moderate("import", str(stockton), str(table), "--as", "jb", "--reason", "Re-read the case file")
    assert result.returncode == 0, result.stderr
    assert load(stockton).inspection.moderation[-1].reason == "Re-read the case file"


@pytest.mark.subprocess
def test_new_takes_the_lead_the_fieldwork_and_cases_from_a_table(tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text("id,sample,label,inspector\nA1,court,Referral order,jb\nB1,oocd,Youth caution,\n", encoding="utf-8")
    path = tmp_path / "new.toml"
    result = moderate(
        "new",
        str(path),
        "--framework",
        "hmip-youth-2021",
        "--cases-from",
        str(cases),
        "--lead",
        "Ann Lead",
        "--fieldwork",
        "2026-11-02",
    )
    assert result.returncode == 0, result.stderr
    inspection = load(path).inspection
    assert inspection.lead_inspector == "Ann Lead" and str(inspection.fieldwork_start) == "2026-11-02"
    assert [(c.id, c.sample, c.label, c.inspector) for c in inspection.cases] == [
        ("A1", "court", "Referral order", "jb"),
        ("B1", "oocd", "Youth caution", None),
    ]


@pytest.mark.subprocess
def test_new_refuses_a_broken_table_of_cases_with_each_problem_located(tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text("id,sample,label\nA1,court,x\nA1,court,y\nB1,prison,z\n", encoding="utf-8")
    path = tmp_path / "new.toml"
    result = moderate("new", str(path), "--framework", "hmip-youth-2021", "--cases-from", str(cases))
    assert result.returncode == 2
    assert "row 3, column 1 (id): duplicated case A1: also in row 2" in result.stderr
    assert "row 4, column 2 (sample): 'prison' is not a sample" in result.stderr
    assert not path.exists()


def _imported_after_a_save_meanwhile(path: Path, given: dict[str, dict[str, Answer]]) -> bool:
    """`moderate import`'s own steps (read, set, save), with jb's save of C01 2.1.1 as no
    between its reading and its saving: whether the import saved."""
    from moderate.importing import set_answers
    from moderate.workspace import Workspace

    importing = Workspace.open(path, "kt")
    theirs = Workspace.open(path, "jb")
    theirs.session.set_answer("C01", "2.1.1", Answer.NO)
    assert theirs.save().saved
    theirs.close(keep_unsaved=False)
    done = set_answers(importing.loaded.inspection, given, "kt", importing.session.clock(), None)
    saved = importing.save_last(done.inspection).saved
    importing.close(keep_unsaved=False)
    return saved


def test_an_import_saved_after_someone_elses_save_keeps_theirs_and_logs_both(stockton):
    assert load(stockton).inspection.case("C01").answers["2.1.2"] == Answer.YES
    assert _imported_after_a_save_meanwhile(stockton, {"C01": {"2.1.2": Answer.NO}})  # another answer of the same case
    after = load(stockton).inspection
    assert after.case("C01").answers["2.1.1"] == after.case("C01").answers["2.1.2"] == Answer.NO
    logged = [(e.by, e.question, e.from_, e.to) for e in after.moderation[-2:]]
    assert logged == [("jb", "2.1.1", "yes", "no"), ("kt", "2.1.2", "yes", "no")]
    checked = moderate("check", str(stockton))
    assert checked.returncode == 0 and "ok" in checked.stdout, checked.stderr


def test_an_import_of_an_answer_someone_else_changed_meanwhile_writes_nothing(stockton):
    assert not _imported_after_a_save_meanwhile(stockton, {"C01": {"2.1.1": Answer.NA}})
    after = load(stockton).inspection
    assert after.case("C01").answers["2.1.1"] == Answer.NO  # jb's, as jb saved it
    assert [(e.by, e.to) for e in after.moderation if e.about == ("C01", "2.1.1")][-1] == ("jb", "no")


def _cleared(path: Path) -> Path:
    """The file as its answers would be with none given and none ever logged; beside it, the
    same file with every answer (what importing its whole table must give back)."""
    before = load(path).inspection
    whole = path.with_name("whole.toml")
    save(whole, replace(before, moderation=()))
    save(path, replace(before, moderation=(), cases=tuple(replace(case, answers={}) for case in before.cases)))
    return whole


@pytest.mark.subprocess
def test_a_whole_table_imported_into_cases_with_no_answers_gives_back_the_file_answer_for_answer(stockton, tmp_path):
    table = tmp_path / "answers.csv"
    table.write_text(moderate("answers", str(stockton)).stdout, encoding="utf-8")
    given = sum(cell != "" for row in _rows(table.read_text(encoding="utf-8"))[1:] for cell in row[1:])
    whole = _cleared(stockton)
    result = moderate("import", str(stockton), str(table), "--as", "jb")
    assert result.returncode == 0, result.stderr
    assert f"{given} answers set ({given} first answers, 0 changed), 0 as they were" in result.stdout
    assert stockton.read_bytes() == whole.read_bytes()  # every answer as it was, nothing logged


@pytest.mark.subprocess
def test_one_odd_cell_among_usual_rows_is_refused_with_its_own_row_and_column(stockton, tmp_path):
    rows = _rows(moderate("answers", str(stockton)).stdout)
    header = rows[0]
    court, oocd = header.index("2.1.2"), header.index("3.1.1")
    assert rows[3][0] == "C03" and rows[3][oocd] == "" and rows[5][court] != ""
    rows[3][oocd] = "no"  # a question of the other sample, in a row otherwise usual
    rows[5][court] = "maybe"
    table = tmp_path / "odd.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    before = stockton.read_bytes()
    result = moderate("import", str(stockton), str(table), "--as", "jb")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{table}: row 4, column {oocd + 1} (3.1.1): 3.1.1 is asked of the oocd sample; case C03 is in court",
        f"{table}: row 6, column {court + 1} (2.1.2): 'maybe' is not yes, no or n/a (nor y, true, n, false or na, "
        "in any case); empty leaves it as it is",
    ]
    assert stockton.read_bytes() == before


@pytest.mark.subprocess
def test_rows_spelt_otherwise_or_cut_short_among_usual_rows_give_the_same_answers(stockton, tmp_path):
    rows = _rows(moderate("answers", str(stockton)).stdout)
    spelt = {"yes": "Yes", "no": "FALSE", "n/a": "NA"}
    rows[2] = [rows[2][0], *(spelt.get(cell, cell) for cell in rows[2][1:])]  # as a spreadsheet may spell them
    while rows[4][-1] == "":  # a row without its trailing empty cells, as some spreadsheets save it
        rows[4].pop()
    assert len(rows[4]) < len(rows[0]) and rows[4][0] == "C04"
    table = tmp_path / "spelt.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    whole = _cleared(stockton)
    result = moderate("import", str(stockton), str(table), "--as", "jb")
    assert result.returncode == 0, result.stderr
    assert stockton.read_bytes() == whole.read_bytes()
