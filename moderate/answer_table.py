"""Answers as a spreadsheet table, both ways, and the cases of a new inspection from one.

Out: a wide CSV, a `case` column then one column per case-by-case question (key questions
and prompts), cells `yes` / `no` / `n/a` / empty; readable, each case's label and assessor
beside it and each question's words after its id, for the person filling it in. In: the same
shapes, or the long form `case,question,answer` (told apart by its header), separated by
commas, semicolons (as many locales' spreadsheets save) or tabs, answers spelt as people and
spreadsheets spell them (`Yes`, `Y`, `TRUE`, `N/A`, ...), a column that is no question
(`Notes`) passed over with a word. A table is checked whole before anything is used: every
problem is reported, located by row and column as a spreadsheet numbers them (the header is
row 1), and none of it applies if any is found. A cell that would start a formula (a case id
`=...`) is written as text, `'=...`, and read back as it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from . import guard, words
from .model import CODES, Answer, Answers, Case, Inspection, Questions
from .reading import InspectionError
from .shown import from_cell, spreadsheet_csv

LONG_HEADER = ["case", "question", "answer"]
ABOUT_THE_CASE = ["label", "inspector"]  # what a readable table says of each case, read past
# Answers as people and spreadsheets spell them, in any case: yes, Y, TRUE; no, N, FALSE; n/a, NA.
SPELLINGS = {
    **{spelt: Answer.YES for spelt in ("yes", "y", "true")},
    **{spelt: Answer.NO for spelt in ("no", "n", "false")},
    **{spelt: Answer.NA for spelt in ("n/a", "na")},
}
DELIMITERS = (",", ";", "\t")
# A column head that names a question, known or not: its first word an id (2.1.1, 2.1.1.a, V1.2).
QUESTION_LIKE = re.compile(r"[A-Za-z]{0,3}\d+(\.[0-9A-Za-z]+)*")
CASES_HEADER = ["id", "sample", "label", "inspector"]
MAX_PROBLEMS = 50  # enough to see what is wrong; a wholly wrong table is not listed cell by cell
MAX_TABLE = 16 * 1024 * 1024  # 2,000 cases by 100 questions is under 1 MiB, even in the long form 10


class Given:
    """The answers a table gives (empty cells give none), case by case in its order, and the
    row each case's first is in: a usual row's as its file keeps them (`Answers`, a byte a
    question), any other's a dict entry an answer, as a table may give 100,000."""

    def __init__(self) -> None:
        self.answers: dict[str, Mapping[str, Answer]] = {}
        self.rows: dict[str, int] = {}  # where the table first gives the case an answer (the header is row 1)

    def of(self, case_id: str, row: int) -> dict[str, Answer]:
        """The case's answers, to add to (its first given in `row`)."""
        answers = self.answers.get(case_id)
        if answers is None:
            self.rows[case_id] = row
        if not isinstance(answers, dict):
            answers = self.answers[case_id] = dict((answers or {}).items())
        return answers


class TableError(InspectionError):
    """A table refused, with every problem located."""


def _questions(inspection: Inspection) -> dict[str, str | None]:
    """Every question answered case by case, in the file's order -> the sample it is asked of."""
    asked: dict[str, str | None] = {}
    for standard in inspection.standards:
        for kq in standard.key_questions:
            if kq.judgement:
                continue
            asked[kq.id] = standard.sample
            for prompt in kq.prompts:
                asked[prompt.id] = standard.sample
    return asked


def write_answers(inspection: Inspection, sample: str | None = None, readable: bool = False) -> str:
    """The wide table of answers: every case (of one sample, if given) against the questions asked of it;
    `readable`, with each case's label and assessor and each question's words, as `read_answers` reads back."""
    asked = _questions(inspection)
    cases = inspection.cases if sample is None else inspection.cases_in(sample)
    samples = {case.sample for case in cases}
    columns = [q for q, of in asked.items() if of in samples]
    if not readable:
        return spreadsheet_csv(["case", *columns], ([case.id, *(_cell(case, q) for q in columns)] for case in cases))
    text = {kq.id: kq.text for s in inspection.standards for kq in s.key_questions}
    text |= {p.id: p.text for s in inspection.standards for kq in s.key_questions for p in kq.prompts}
    return spreadsheet_csv(
        ["case", *ABOUT_THE_CASE, *(f"{q} {text[q]}" for q in columns)],
        ([case.id, case.label or "", case.inspector or "", *(_cell(case, q) for q in columns)] for case in cases),
    )


def _cell(case: Case, question: str) -> str:
    answer = case.answers.get(question)
    return "" if answer is None else answer.value


# ---------------------------------------------------------------- reading a table


def _where(row: int, column: int | None = None, header: str | None = None) -> str:
    if column is None:
        return f"row {row}"
    return f"row {row}, column {column}" + (f" ({header})" if header else "")


class _Problems:
    def __init__(self) -> None:
        self.found: list[str] = []
        self.notes: list[str] = []  # what is passed over, to say so: never a refusal

    def add(self, where: str, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(f"{where}: {message}")
        elif len(self.found) == MAX_PROBLEMS:
            self.found.append("... and more problems, not listed")

    def raise_any(self, name: str, notes: list[str] | None = None) -> None:
        """Refuse the table if anything in it is wrong; else add what it passed over to `notes`."""
        if self.found:
            raise TableError(name, self.found)
        if notes is not None:
            notes += self.notes


def read_table(path: Path) -> bytes:
    """A table's bytes through the guarded open: a pipe, a device or a runaway file is refused
    at once, saying so (`TableError`), never waited on or read whole."""
    try:
        return guard.read(path, MAX_TABLE, "a CSV table")
    except (guard.Refused, OSError) as error:
        raise TableError(str(path), [guard.why(error)]) from None


def _text(data: bytes, name: str) -> str:
    """The table's text: UTF-8 (a byte-order mark, as spreadsheets save it, is read past)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise TableError(
            name, [f"row {line}, byte {column}: not UTF-8 text (byte 0x{data[e.start]:02x}); save the table as 'CSV UTF-8'"]
        ) from None
    if "\0" in text:
        raise TableError(name, ["is binary, not a CSV table"])
    if not text.strip():
        raise TableError(name, ["is empty: a table starts with its header row"])
    return text


def _delimiter(text: str) -> str:
    """What separates the cells, told from the header row: the commonest of a comma, a semicolon (many
    locales' spreadsheets) and a tab (a table pasted from one), outside quotes; a comma if none is."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text[: text.find("\n") if "\n" in text else len(text)]:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for each non-blank record; the row number is the line it starts on.
    The text is checked whole (`_text`), then read a line at a time: a whole table in a StringIO
    (four bytes a character) outweighed the answers it gives."""
    delimiter = _delimiter(_text(data, name).lstrip("\r\n"))
    plain = _plain(data, delimiter)
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            if plain:  # as the answers command writes a table: no cell to look at
                if any(cells):
                    yield start, cells
                start = reader.line_num + 1
                continue
            text = "".join(cells)
            if _SPACE.search(text) is not None:  # only then may a cell need stripping
                cells = list(map(str.strip, cells))
                text = "".join(cells)
            if text:  # a cell made text by a leading ' is looked at only if the row has one
                yield start, list(map(from_cell, cells)) if "'" in text else cells
            start = reader.line_num + 1
    except csv.Error as e:
        raise TableError(name, [f"row {start}: not a well-formed CSV row ({e})"]) from None


_SPACE = re.compile(r"\s")  # what str.strip strips
# Whitespace (what str.strip strips) in ASCII, but line ends.
_SPACES = [bytes([c]) for c in range(128) if chr(c).isspace() and chr(c) not in "\r\n"]


def _plain(data: bytes, delimiter: str) -> bool:
    """Whether no cell of the table may need stripping or start with ' (`from_cell`), as in a
    table the answers command wrote: ASCII, with no quote of either kind, no whitespace but
    its line ends (and the tabs between cells), and no line end in a cell. Looked for in a
    few passes at C speed over its bytes, rather than in each row."""
    if not data.isascii() or data.count(b"\r") != data.count(b"\r\n"):
        return False
    return not any(looked in data for looked in (b'"', b"'", *_SPACES) if looked != delimiter.encode())


def _header(header: list[str], row: int, problems: _Problems) -> dict[str, int]:
    """Column name -> its (1-based) column, reporting empty and repeated names."""
    seen: dict[str, int] = {}
    for column, title in enumerate(header, 1):
        if not title:
            problems.add(_where(row, column), "the header cell is empty")
        elif title in seen:
            problems.add(_where(row, column, title), f"duplicated column: also column {seen[title]}")
        else:
            seen[title] = column
    return seen


def read_answers(
    data: bytes, inspection: Inspection, name: str, notes: list[str] | None = None
) -> dict[str, Mapping[str, Answer]]:
    """The answers a table gives, in its order, once every cell of it is found valid (else TableError);
    what it passes over (a `Notes` column) is added to `notes`."""
    given, problems = _read(data, inspection, name)
    problems.raise_any(name, notes)
    return given.answers


def _read(data: bytes, inspection: Inspection, name: str) -> tuple[Given, _Problems]:
    """The valid answers a table gives, and the problems of the rest (a table that is not even
    one, TableError at once)."""
    body = _rows(data, name)  # a row at a time: a table may give 100,000 answers
    first = next(body, None)
    if first is None:
        raise TableError(name, ["is empty: a table starts with its header row"])
    header_row, header = first
    problems = _Problems()
    heads = [title.casefold() for title in header]
    if heads[:3] == LONG_HEADER:
        given = _long(header_row, header, body, inspection, problems)
    elif heads and heads[0] == "case":
        given = _wide(header_row, header, body, inspection, problems)
    else:
        problems.add(
            _where(header_row, 1),
            f"the header starts {_show(header[0] if header else '')}: a table of "
            "answers starts 'case,' then question ids, or is 'case,question,answer'",
        )
        given = Given()
    return given, problems


def read_second_answers(
    data: bytes, inspection: Inspection, name: str, by: str, notes: list[str] | None = None
) -> dict[str, Mapping[str, Answer]]:
    """A second assessor's answers from a table (the forms `read_answers` reads), case by case, once
    every cell is valid and every case is one `by` may assess a second time: not one they assessed
    first, nor one they have a second assessment of already (it is never rewritten). Else TableError."""
    given, problems = _read(data, inspection, name)
    for case_id, row in given.rows.items():
        case = inspection.case(case_id)
        if case.inspector == by:
            problems.add(_where(row), f"{by} assessed case {case.id} first: a second assessment is someone else's")
        elif (earlier := case.second_by(by)) is not None:
            problems.add(_where(row), words.second_already(case.id, by, earlier.finished))
    problems.raise_any(name, notes)
    return given.answers


def _show(value: str) -> str:
    """A cell's value in a message: quoted, control characters escaped, long ones cut."""
    return repr(value[:40] + ("…" if len(value) > 40 else ""))


def _wide(
    header_row: int, header: list[str], body: Iterable[tuple[int, list[str]]], inspection: Inspection, problems: _Problems
) -> Given:
    asked = _questions(inspection)
    columns = _header(header, header_row, problems)
    usable: dict[int, str] = {}
    for title, column in columns.items():
        if column == 1 or title.casefold() in ABOUT_THE_CASE:
            continue
        question = title.split(maxsplit=1)[0]  # a readable table's head: the id, then the question's words
        if question in asked:
            usable[column] = question
        elif QUESTION_LIKE.fullmatch(question):
            problems.add(_where(header_row, column, title), _unknown_question(question, inspection))
        else:
            _passed_over(header_row, column, title, problems)
    read = [(column - 1, question, asked[question]) for column, question in usable.items()]
    columns_of = {
        case.answers.questions.sample: case.answers.questions for case in inspection.cases if isinstance(case.answers, Answers)
    }
    plain = {sample: _Plain(read, sample, columns_of.get(sample)) for sample in set(asked.values())}
    rows_of: dict[str, int] = {}
    given = Given()
    for row, cells in body:
        if len(cells) == len(header):
            case = _case(cells[0], row, 1, inspection, rows_of, problems)
            if case is not None and case.sample in plain and plain[case.sample].read(cells, case.id, row, given):
                continue  # the row as the answers command writes it: taken whole
        else:
            if len(cells) > len(header):
                problems.add(_where(row, len(header) + 1), f"{len(cells)} cells, but the header has {len(header)} columns")
            cells += [""] * (len(header) - len(cells))  # a short row's missing cells are empty
            case = _case(cells[0], row, 1, inspection, rows_of, problems)
        _cells(given, case, cells, row, read, asked, problems)
    return given


class _Plain:
    """The usual row of a wide table for a case of one sample: its sample's cells all answers as
    the answers command spells them (or empty), every other question's empty. Such a row is read
    in a few steps at C speed, as a table may have 10,000 of them; any other row, cell by cell
    (`_cells`), which says what is wrong with each cell that is."""

    def __init__(self, read: list[tuple[int, str, str | None]], sample: str | None, columns: Questions | None) -> None:
        self.questions = [question for _, question, asked_of in read if asked_of == sample]
        # the sample's answers as the file keeps them, where the table has its questions in the file's order
        self.columns = columns if columns is not None and columns.ids == tuple(self.questions) else None
        self.ours = _picker([i for i, _, asked_of in read if asked_of == sample])
        self.others = _picker([i for i, _, asked_of in read if asked_of != sample])

    def read(self, cells: list[str], case_id: str, row: int, given: Given) -> bool:
        """Add the row's answers to `given` if it is a usual one, else add nothing and say so (False)."""
        values = self.ours(cells)
        if any(self.others(cells)):
            return False
        try:  # a cell spelt otherwise (KeyError) makes it another row: nothing of it is added
            if self.columns is None:
                answers = dict(
                    zip(compress(self.questions, values), map(SPELLINGS.__getitem__, filter(None, values)), strict=True)
                )
                if answers:
                    given.of(case_id, row).update(answers)
            elif any(values):
                given.answers[case_id] = Answers(self.columns, _codes(values))
                given.rows[case_id] = row
        except KeyError:
            return False
        return True


# A cell a usual row may hold, and its byte in `Answers`: an answer as `SPELLINGS` spells it, or nothing (0).
_USUAL = {"": 0} | {spelt: CODES[answer] for spelt, answer in SPELLINGS.items()}


def _codes(values: tuple[str, ...]) -> bytes:
    """Each cell's byte in `Answers` (KeyError for one that is not a usual cell), looked up at C
    speed by one `itemgetter` of them all, rather than by a call for each cell."""
    if len(values) > 1:
        return bytes(itemgetter(*values)(_USUAL))
    return bytes(map(_USUAL.__getitem__, values))  # one cell: itemgetter would give it alone, not in a tuple


def _picker(indices: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells at `indices`, as a tuple, taken at C speed."""
    if len(indices) == 1:
        (only,) = indices
        return lambda cells: (cells[only],)
    return itemgetter(*indices) if indices else lambda cells: ()


def _cells(
    given: Given,
    case: Case | None,
    cells: list[str],
    row: int,
    read: list[tuple[int, str, str | None]],
    asked: dict[str, str | None],
    problems: _Problems,
) -> None:
    """A row's answers read cell by cell, each problem of it said, located."""
    sample = case.sample if case is not None else None
    answers = None  # the case's, once the row gives it one
    for i, question, asked_of in read:
        value = cells[i]
        if value:
            answer = SPELLINGS.get(value)  # as the answers command writes it
            if answer is not None and asked_of == sample and case is not None:
                answers = given.of(case.id, row) if answers is None else answers
                answers[question] = answer
            else:
                _answer(given, case, question, value, row, i + 1, asked, problems)


def _passed_over(row: int, column: int, title: str, problems: _Problems) -> None:
    problems.notes.append(f"{_where(row, column, title)}: not a question of this inspection; passed over")


def _long(
    header_row: int, header: list[str], body: Iterable[tuple[int, list[str]]], inspection: Inspection, problems: _Problems
) -> Given:
    asked = _questions(inspection)
    for column, title in enumerate(header[3:], 4):
        _passed_over(header_row, column, title, problems)
    rows_of: dict[tuple[str, str], int] = {}
    cases: dict[str, int] = {}
    given = Given()
    for row, cells in body:
        if len(cells) > len(header) or len(cells) < 3:
            problems.add(_where(row), f"{len(cells)} cells: a row of the long form is case,question,answer")
            continue
        case_id, question, value = (cells + [""])[:3]
        case = _case(case_id, row, 1, inspection, cases, problems, repeats=True)
        if question not in asked:
            problems.add(_where(row, 2, "question"), _unknown_question(question, inspection))
            continue
        if (case_id, question) in rows_of:
            problems.add(_where(row), f"duplicated row: {case_id} {question} is also given in row {rows_of[case_id, question]}")
            continue
        rows_of[case_id, question] = row
        if value:
            _answer(given, case, question, value, row, 3, asked, problems, header="answer")
    return given


def _case(
    case_id: str,
    row: int,
    column: int,
    inspection: Inspection,
    rows_of: dict[Any, int],
    problems: _Problems,
    repeats: bool = False,
) -> Case | None:
    try:
        case = inspection.case(case_id)
    except KeyError:
        problems.add(
            _where(row, column, "case"), f"no case {_show(case_id)} in this inspection" if case_id else "the case id is empty"
        )
        return None
    if not repeats:
        if case_id in rows_of:
            problems.add(_where(row), f"duplicated row: case {case_id} is also in row {rows_of[case_id]}")
            return None
        rows_of[case_id] = row
    return case


def _answer(
    given: Given,
    case: Case | None,
    question: str,
    value: str,
    row: int,
    column: int,
    asked: dict[str, str | None],
    problems: _Problems,
    header: str | None = None,
) -> None:
    """Add the answer a cell gives, or say why it gives none."""
    answer = SPELLINGS.get(value.casefold())
    if answer is not None and case is not None and asked[question] == case.sample:
        given.of(case.id, row)[question] = answer
    elif answer is None:
        message = f"{_show(value)} is not yes, no or n/a (nor y, true, n, false or na, in any case); empty leaves it as it is"
        problems.add(_where(row, column, header or question), message)
    elif case is not None:
        message = f"{question} is asked of the {asked[question]} sample; case {case.id} is in {case.sample}"
        problems.add(_where(row, column, header or question), message)


def _unknown_question(title: str, inspection: Inspection) -> str:
    if any(s.id == title for s in inspection.standards):
        return f"{_show(title)} is a standard; columns are question ids, such as its key questions'"
    judged = {kq.id for s in inspection.standards for kq in s.key_questions if kq.judgement}
    if title in judged:
        return f"{_show(title)} is a judgement key question, rated by the panel, not answered case by case"
    return f"no question {_show(title)} in this inspection"


# ---------------------------------------------------------------- the cases of a new inspection


def read_cases(data: bytes, samples: dict[str, str], name: str) -> list[Case]:
    """Cases from an `id,sample,label,inspector` table (label and inspector may be empty or absent)."""
    rows = list(_rows(data, name))
    if not rows:
        raise TableError(name, ["is empty: a table starts with its header row"])
    (header_row, header), body = rows[0], rows[1:]
    problems = _Problems()
    columns = _header(header, header_row, problems)
    for required in ("id", "sample"):
        if required not in columns:
            problems.add(_where(header_row), f"no {required!r} column: the header is {','.join(CASES_HEADER)}")
    for title, column in columns.items():
        if title not in CASES_HEADER:
            problems.add(_where(header_row, column, title), f"unknown column: the header is {','.join(CASES_HEADER)}")
    problems.raise_any(name)
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for row, cells in body:
        cell = {title: cells[column - 1] if column - 1 < len(cells) else "" for title, column in columns.items()}
        case_id, sample = cell["id"], cell["sample"]
        if not case_id:
            problems.add(_where(row, columns["id"], "id"), "the case id is empty")
        elif case_id in seen:
            problems.add(_where(row, columns["id"], "id"), f"duplicated case {case_id}: also in row {seen[case_id]}")
        seen.setdefault(case_id, row)
        if sample not in samples:
            problems.add(
                _where(row, columns["sample"], "sample"),
                f"{_show(sample)} is not a sample of this framework ({', '.join(samples)})",
            )
        cases.append(Case(id=case_id, sample=sample, label=cell.get("label") or None, inspector=cell.get("inspector") or None))
    problems.raise_any(name)
    return cases
