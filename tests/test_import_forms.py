"""`moderate import` takes a table as people and spreadsheets write it: answers spelt any usual way,
semicolons or tabs between cells, a column of notes; and `moderate answers --readable` writes
one for the person filling it in, which import reads back. Anything else is still refused,
located, the file untouched."""

from __future__ import annotations

import pytest

from helpers.cli import moderate
from moderate.model import Answer
from moderate.reading import load

pytestmark = pytest.mark.subprocess

SPELLINGS = {
    "yes": Answer.YES,
    "Yes": Answer.YES,
    "YES": Answer.YES,
    "y": Answer.YES,
    "Y": Answer.YES,
    "TRUE": Answer.YES,
    "true": Answer.YES,
    "no": Answer.NO,
    "No": Answer.NO,
    "N": Answer.NO,
    "n": Answer.NO,
    "FALSE": Answer.NO,
    "False": Answer.NO,
    "n/a": Answer.NA,
    "N/A": Answer.NA,
    "N/a": Answer.NA,  # as the app's footer writes it
    "NA": Answer.NA,
    "na": Answer.NA,
}


@pytest.fixture
def blank(tmp_path):
    """A new inspection of two court cases, nothing answered."""
    path = tmp_path / "new.toml"
    assert moderate("new", path, "--framework", "hmip-youth-2021", "--cases", "court=2").returncode == 0
    return path


def imported(path, tmp_path, text: str, *more: str):
    table = tmp_path / "table.csv"
    table.write_text(text, encoding="utf-8")
    return moderate("import", path, table, "--as", "jb", *more)


@pytest.mark.parametrize("spelt", sorted(SPELLINGS))
def test_an_answer_spelt_as_people_spell_it_is_taken(spelt, blank, tmp_path):
    done = imported(blank, tmp_path, f"case,2.1.1\ncourt-01,{spelt}\n")
    assert done.returncode == 0, done.stderr
    assert load(blank).inspection.case("court-01").answers == {"2.1.1": SPELLINGS[spelt]}


_WRITTEN = "case,2.1.1,2.1.2\ncourt-01,yes,no\n,,\ncourt-02,n/a,\n"  # as the answers command writes one (and a blank row)


# A table with nothing around its cells is read without looking at each: anything that a
# cell could need stripped of, or a quote, has every cell of it looked at.
@pytest.mark.parametrize(
    "table",
    [
        "case;2.1.1;2.1.2\ncourt-01;Yes;No\ncourt-02;N/A;\n",
        "case, 2.1.1 ,2.1.2\n court-01 , yes,no \n  ,   \t, \ncourt-02,\tn/a ,\n",
        _WRITTEN,
        _WRITTEN.replace("\n", "\r\n"),
        _WRITTEN.replace(",", "\t"),
        _WRITTEN.replace("yes,", "yes\x0b,"),  # whitespace that is not a space, at the end of a cell
        _WRITTEN.replace(",no", ",\u00a0no"),  # a spreadsheet's non-breaking space
        _WRITTEN.replace(",", "\t").replace("\tn/a", "\t n/a"),
        _WRITTEN.replace(",no", ',"no\n"'),  # a line end in a quoted cell, after its answer
    ],
    ids=[
        "semicolon-separated",
        "spaces around cells and a row of only spaces",
        "as written",
        "windows line ends",
        "tab-separated",
        "a vertical tab",
        "a non-breaking space",
        "a space in a tab-separated table",
        "a line end in a quoted cell",
    ],
)
def test_a_semicolon_separated_table_or_one_with_spaces_around_its_cells_is_taken(table, blank, tmp_path):
    done = imported(blank, tmp_path, table)
    assert done.returncode == 0, done.stderr
    inspection = load(blank).inspection
    assert inspection.case("court-01").answers == {"2.1.1": Answer.YES, "2.1.2": Answer.NO}
    assert inspection.case("court-02").answers == {"2.1.1": Answer.NA}


def test_a_tab_separated_table_is_taken(blank, tmp_path):
    done = imported(blank, tmp_path, "case\t2.1.1\t2.1.2\ncourt-01\ty\tn\n")
    assert done.returncode == 0, done.stderr
    assert load(blank).inspection.case("court-01").answers == {"2.1.1": Answer.YES, "2.1.2": Answer.NO}


def test_the_long_form_with_a_spreadsheets_capitals_and_semicolons_is_taken(blank, tmp_path):
    done = imported(blank, tmp_path, "Case;Question;Answer\ncourt-01;2.1.1;True\n")
    assert done.returncode == 0, done.stderr
    assert load(blank).inspection.case("court-01").answers == {"2.1.1": Answer.YES}


def test_a_notes_column_is_passed_over_saying_so(blank, tmp_path):
    done = imported(blank, tmp_path, 'case,2.1.1,Notes\ncourt-01,yes,"checked, with the manager"\n')
    assert done.returncode == 0, done.stderr
    assert "row 1, column 3 (Notes): not a question of this inspection; passed over" in done.stderr
    assert load(blank).inspection.case("court-01").answers == {"2.1.1": Answer.YES}
    done = imported(blank, tmp_path, "case,question,answer,notes\ncourt-02,2.1.1,no,second look\n")
    assert done.returncode == 0 and "column 4 (notes): not a question" in done.stderr, done.stderr
    assert load(blank).inspection.case("court-02").answers == {"2.1.1": Answer.NO}


def test_the_readable_table_names_case_assessor_and_question_and_reads_back_unchanged(stockton, tmp_path):
    before = stockton.read_bytes()
    table = moderate("answers", stockton, "--readable", "--sample", "court").stdout
    header, first = table.splitlines()[:2]
    assert header.startswith("case,label,inspector,2.1.1 Does assessment sufficiently analyse how to support")
    assert first.startswith("C01,Referral order,ak,yes,")
    done = imported(stockton, tmp_path, table)
    assert done.returncode == 0 and done.stderr == "", done.stderr  # nothing passed over: it is all its own
    assert "0 answers set" in done.stdout and stockton.read_bytes() == before
    semicolons = table.replace(",", ";")  # as a spreadsheet in many locales saves it (its quoted commas too)
    assert imported(stockton, tmp_path, semicolons).returncode == 0 and stockton.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("case;2.1.1\ncourt-01;Yess\n", "row 2, column 2 (2.1.1): 'Yess' is not yes, no or n/a"),
        ("case\t2.1.1\ncourt-01\tok\n", "row 2, column 2 (2.1.1): 'ok' is not yes, no or n/a"),
        ("case,2.1.9,Notes\ncourt-01,yes,\n", "row 1, column 2 (2.1.9): no question '2.1.9'"),
        ("case,question,answer\ncourt-01,2.1.1\n", "row 2: 2 cells: a row of the long form is case,question,answer"),
    ],
    ids=["semicolons", "tabs", "unknown-question", "short-long-row"],
)
def test_anything_else_is_still_refused_located_and_the_file_untouched(text, expected, blank, tmp_path):
    before = blank.read_bytes()
    done = imported(blank, tmp_path, text)
    assert done.returncode == 2 and expected in done.stderr, done.stderr
    assert blank.read_bytes() == before
