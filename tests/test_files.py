"""Reading and writing inspection files, and the command line around them."""

from __future__ import annotations

import difflib
import json
import stat
from dataclasses import replace

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.cli import moderate
from helpers.files import inspection_text, SAMPLES
from moderate.frameworks import PRESETS
from moderate.model import Answer
from moderate.reading import load, parse_text
from moderate.session import Session
from moderate.storage import save
from moderate.writing import Made, comment_lines, dumps


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.toml")))
def test_a_canonical_file_saves_to_the_same_bytes(sample, tmp_path):
    path = tmp_path / sample
    path.write_bytes((SAMPLES / sample).read_bytes())
    loaded = load(path)
    assert dumps(loaded.inspection) == loaded.text
    save(path, loaded.inspection)
    assert path.read_bytes() == (SAMPLES / sample).read_bytes()


def test_changing_one_answer_changes_one_line_and_appends_the_log(tmp_path):
    path = tmp_path / "stockton.toml"
    path.write_bytes((SAMPLES / "stockton-on-tees-2021.toml").read_bytes())
    before = path.read_text().splitlines()
    loaded = load(path)
    session = Session(loaded.inspection, loaded.framework, "jb")
    session.set_answer(
        "C03",
        "2.2.2",
        Answer.NO if session.answer("C03", "2.2.2") == Answer.YES else Answer.YES,
        reason="Contingency plan missing",
    )
    save(path, session.snapshot())
    after = path.read_text().splitlines()
    changes = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    removed = [line for line in changes if line.startswith("-")]
    assert len(removed) == 1 and removed[0].startswith('-"2.2.2" = ')
    added = [line[1:] for line in changes if line.startswith("+")]
    assert added[0].startswith('"2.2.2" = ')
    assert "[[moderation]]" in added and 'by = "jb"' in added and 'reason = "Contingency plan missing"' in added


def test_keys_we_do_not_know_are_carried_through_a_save(tmp_path):
    text = (
        inspection_text({"2.1.1": ["yes", "no"]})
        .replace('title = "Test"', 'title = "Test"\nregion = "North East"')
        .replace('title = "Assessment"', 'title = "Assessment"\nweighting = 2\nnotes = { source = "spreadsheet" }')
    )
    text = 'owner = "hmip"\n' + text + '\n[[visits]]\nday = 2026-11-02\nplace = "office"\n'
    path = tmp_path / "extra.toml"
    path.write_text(text)
    save(path, load(path).inspection)
    import tomllib

    saved = tomllib.loads(path.read_text())
    assert saved["owner"] == "hmip"
    assert saved["inspection"]["region"] == "North East"
    assert saved["standards"][1]["weighting"] == 2 and saved["standards"][1]["notes"] == {"source": "spreadsheet"}
    assert saved["visits"][0]["place"] == "office"
    assert dumps(load(path).inspection) == path.read_text()


def test_comments_are_found_outside_strings_only():
    text = 'a = "# not a comment" # one\n# two\nb = """\n#not\n""" \nc = \'#\'\n'
    assert comment_lines(text) == [1, 2]


@pytest.mark.subprocess
def test_format_refuses_to_drop_comments_unless_told(tmp_path):
    path = tmp_path / "commented.toml"
    path.write_text("# moderation for the North East\n" + inspection_text({"2.1.1": ["yes"]}))
    before = path.read_bytes()
    done = moderate("format", str(path))
    assert done.returncode == 2 and "comments (lines 1)" in done.stderr
    assert path.read_bytes() == before
    assert moderate("format", str(path), "--drop-comments").returncode == 0
    assert not comment_lines(path.read_text())


@pytest.mark.subprocess
def test_format_twice_changes_nothing_the_second_time_and_never_a_rating(tmp_path):
    path = tmp_path / "messy.toml"
    path.write_text(inspection_text({"2.1.2": ["no", "yes", "n/a"], "2.1.1": ["yes", "", "yes"]}))
    report_before = json.loads(moderate("report", str(path), "--json").stdout)
    assert moderate("format", str(path)).returncode == 0
    once = path.read_bytes()
    done = moderate("format", str(path))
    assert done.returncode == 0 and "already" in done.stdout
    assert path.read_bytes() == once
    assert json.loads(moderate("report", str(path), "--json").stdout) == report_before


@pytest.mark.subprocess
def test_a_save_keeps_the_files_permissions_and_a_new_file_is_private(tmp_path):
    path = tmp_path / "shared.toml"
    path.write_text(inspection_text({"2.1.1": ["yes"]}))
    path.chmod(0o640)
    save(path, load(path).inspection)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    new = tmp_path / "new.toml"
    assert moderate("new", str(new), "--framework", "hmip-youth-2021", "--cases", "court=2").returncode == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o600


@pytest.mark.subprocess
@pytest.mark.parametrize("framework", sorted(PRESETS))
def test_new_writes_every_standard_of_the_framework_with_blank_cases(framework, tmp_path):
    path = tmp_path / "new.toml"
    samples = {"hmip-youth-2025": "children=3,victims=2"}.get(framework, "court=8,oocd=12")
    done = moderate("new", str(path), "--framework", framework, "--cases", samples, "--title", "North East YJS")
    assert done.returncode == 0, done.stderr
    report = json.loads(moderate("report", str(path), "--json").stdout)
    assert report["title"] == "North East YJS"
    assert report["overall"]["complete"] is False and report["overall"]["rating"] is None
    loaded = load(path)
    assert sum(len(s.key_questions) for s in loaded.inspection.standards) >= 8
    assert all(not case.answers for case in loaded.inspection.cases)
    assert moderate("new", str(path), "--framework", framework, "--cases", samples).returncode == 2  # no overwrite


@pytest.mark.subprocess
def test_the_2018_template_carries_every_stockton_prompt(tmp_path):
    path = tmp_path / "new.toml"
    moderate("new", str(path), "--framework", "hmip-youth-2018", "--cases", "court=1")
    planning = load(path).inspection.standard("2.2")
    assert [p.id for p in planning.key_questions[1].prompts] == ["2.2.2.a", "2.2.2.b", "2.2.2.c", "2.2.2.d"]
    assert planning.key_questions[1].prompts[3].text.startswith("Does planning set out necessary and effective contingency")


@pytest.mark.subprocess
def test_new_refuses_an_unknown_sample(tmp_path):
    done = moderate("new", str(tmp_path / "x.toml"), "--framework", "hmip-youth-2021", "--cases", "adults=3")
    assert done.returncode == 2 and "court, oocd" in done.stderr


@pytest.mark.subprocess
def test_new_into_a_directory_that_does_not_exist_says_so_without_a_traceback(tmp_path):
    out = tmp_path / "no" / "such" / "new.toml"
    done = moderate("new", str(out), "--framework", "hmip-youth-2021", "--cases", "court=3")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr == f"{out}: cannot be written (no such file or directory); nothing written\n"
    assert not (tmp_path / "no").exists()


@pytest.mark.subprocess
def test_new_names_each_frameworks_samples_in_its_help_and_when_one_is_wrong(tmp_path):
    helped = moderate("new", "--help")
    assert "hmip-youth-2018: court, oocd\n" in helped.stdout
    assert "hmip-youth-2025: children, victims\n" in helped.stdout
    assert max(map(len, helped.stdout.splitlines())) <= 80
    done = moderate("new", str(tmp_path / "x.toml"), "--framework", "hmip-youth-2025", "--cases", "court=8")
    assert done.returncode == 2 and not (tmp_path / "x.toml").exists()
    assert "hmip-youth-2025 has no sample 'court'; its samples are children, victims" in done.stderr


@pytest.mark.subprocess
def test_check_reports_each_file(tmp_path):
    good = SAMPLES / "northumberland-2023.toml"
    bad = tmp_path / "bad.toml"
    bad.write_text(inspection_text({"2.1.1": ["yes", "perhaps"]}))
    done = moderate("check", str(good), str(bad))
    assert done.returncode == 2
    assert "northumberland-2023.toml: ok" in done.stdout
    assert "cases[1] (C02).answers.\"2.1.1\": 'perhaps' is not yes, no or n/a" in done.stderr
    assert moderate("check", str(good)).returncode == 0


@pytest.mark.subprocess
def test_a_future_format_is_refused_with_one_plain_line(tmp_path):
    path = tmp_path / "future.toml"
    path.write_text(inspection_text({"2.1.1": ["yes"]}).replace("format = 1", "format = 2"))
    done = moderate("report", str(path))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "format 2" in done.stderr and "upgrade" in done.stderr


@pytest.mark.subprocess
def test_a_named_pipe_is_refused_not_waited_on(tmp_path):
    import os

    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    done = moderate("check", str(fifo))
    assert done.returncode == 2 and "is a named pipe, not an inspection file" in done.stderr


@pytest.mark.subprocess
def test_a_byte_order_mark_from_a_windows_editor_is_read_past(tmp_path):
    path = tmp_path / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (SAMPLES / "northumberland-2023.toml").read_bytes())
    assert moderate("check", str(path)).returncode == 0
    assert moderate("format", str(path)).returncode == 0
    assert path.read_bytes() == (SAMPLES / "northumberland-2023.toml").read_bytes()


def test_comments_are_told_apart_from_hashes_in_every_kind_of_string():
    text = (
        "a = \"# not\" # one\n# two\nb = \"\"\"\n#not\n\"\"\"\nc = '#'\nd = '''x\n# no\n''' # three\n"
        'e = "esc \\" # still string" # four\nf = """a""""" # five\n'
    )
    assert comment_lines(text) == [1, 2, 9, 10, 11]


def test_bare_moderate_opens_a_private_copy_of_the_sample_and_never_the_package(tmp_path, monkeypatch):
    from moderate.cli import _sample_copy

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    copy, note = _sample_copy()
    assert copy.parent == tmp_path / "moderate" and str(copy) in note
    assert copy.read_bytes() == (SAMPLES / "stockton-on-tees-2021.toml").read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600 and stat.S_IMODE(copy.parent.stat().st_mode) == 0o700


STOCKTON = SAMPLES / "stockton-on-tees-2021.toml"


def _with(text: str, before: str, insert: str) -> str:
    """`text` with `insert` put before the first line that is `before`."""
    at = text.index(f"\n{before}\n") + 1
    return text[:at] + insert + text[at:]


def _replaced(text: str, at: int, old: str, new: str) -> str:
    """`text` with the first `old` from `at` on made `new`."""
    return text[:at] + text[at:].replace(old, new, 1)


def _tricky() -> dict[str, str]:
    text = STOCKTON.read_text()
    last = text.rindex("\n[[cases]]\n") + 1
    second = text.index("\n[[cases]]\n", text.index("\n[[cases]]\n") + 1) + 1
    return {
        "as written": text,
        "a [[cases]] line inside a multi-line string in the head": _with(
            text, "[samples]", 'note = """\n[[cases]]\nid = "X"\n"""\n'
        ),
        "a [[cases]] line inside a literal multi-line string of a case": _replaced(
            text, last, 'sample = "', "note = '''\n[[cases]]\nid = \"X\"\n'''\nsample = \""
        ),
        "a [[cases]] line inside a multi-line string of a case between others": _replaced(
            text, second, 'sample = "', 'notes = """\n[[cases]]\nid = "X"\n"""\nsample = "'
        ),
        "cases declared before any table": "cases = []\n" + text,
        "a log in the head and after the cases": _with(text, "[samples]", '[[discretion]]\nstandard = "x"\n'),
        "a log between two cases": text[:second] + '[[moderation]]\ncase = "C01"\n' + text[second:],
        "a table of the last case after the logs": text + "\n[cases.notes]\nseen = true\n",
        "a table of the last case twice": text + '\n[cases.answers]\n"2.2.1" = "no"\n',
        "a case's key twice": _replaced(text, last, 'sample = "', 'sample = "x"\nsample = "'),
        "a case's key twice between others": _replaced(text, second, 'sample = "', 'sample = "x"\nsample = "'),
        "an answer that is not yes, no or n/a": _replaced(text, second, '= "yes"', '= "maybe"'),
        "an answer to another sample's question": _replaced(
            text, second, "[cases.answers]\n", '[cases.answers]\n"3.1.1" = "yes"\n'
        ),
        "a header not written as we write it": _replaced(text, second, "[[cases]]\n", "[[ cases ]]\n"),
        # A case's answers as a save writes them are read apart from the rest of it: never otherwise.
        "an answer given twice between others": _replaced(text, second, '"2.1.1" = "yes"\n', '"2.1.1" = "yes"\n"2.1.1" = "no"\n'),
        "an answer given twice, once otherwise, between others": _replaced(
            text, second, '"2.1.1.a" = "yes"\n', "\"2.1.1.a\" = \"yes\"\n'2.1.1' = 'no'\n"
        ),
        "an empty table of answers and answers in a multi-line string between others": _replaced(
            _replaced(text, second, "\n[cases.answers]\n", "\n[cases.answers]\n\n[cases.more]\n"),
            second,
            'sample = "',
            'notes = """\n[cases.answers]\n"2.1.1" = "no"\n"""\nsample = "',
        ),
        "an answer written otherwise between others": _replaced(text, second, '"2.1.1.a" = "yes"\n', "'2.1.1.a'='yes' # seen\n"),
        "a comment among a case's answers between others": _replaced(
            text, second, '"2.1.1.a" = "yes"\n', '# read again\n"2.1.1.a" = "yes"\n'
        ),
        "a case's answers declared twice between others": _replaced(
            text, second, "\n[[cases]]\n", '\n[cases.answers]\n"2.2.1" = "no"\n\n[[cases]]\n'
        ),
        "a table in a case's answers between others": _replaced(
            text, second, "\n[[cases]]\n", "\n[cases.answers.more]\nseen = true\n\n[[cases]]\n"
        ),
        "a case's answers as keys of the case between others": _replaced(text, second, 'sample = "', 'answers = {}\nsample = "'),
        "a case's answers inside a multi-line string between others": _replaced(
            text, second, 'sample = "', 'notes = """\n[cases.answers]\n"2.1.1" = "no"\n"""\nsample = "'
        ),
        "windows line ends": text.replace("\n", "\r\n"),
        # A case written as a save writes most is read without the parser: never otherwise.
        "a case's answers as a string of the case between others": _replaced(
            text, second, 'sample = "', 'answers = "yes"\nsample = "'
        ),
        "a tab, an escaped quote and other text in a case's values between others": _replaced(
            text, second, 'sample = "', 'notes = "a\ttab, é ✓"\ndisposal2 = "say \\"no\\""\nsample = "'
        ),
        "a control character in a case's value between others": _replaced(text, second, 'label = "', 'label = "\x7f'),
        "an empty value and a false one between others": _replaced(
            text, second, "interviewed = true", 'interviewed = false\nnotes = ""'
        ),
        "a case without answers between others": text[:second]
        + '[[cases]]\nid = "C99"\nsample = "court"\n\n[cases.answers]\n\n'
        + text[second:],
        "a value not written as we write it between others": _replaced(text, second, 'sample = "court"', 'sample="court"'),
        "a value on the next line between others": _replaced(text, second, 'sample = "court"', 'sample =\n"court"'),
        "a blank line among a case's values between others": _replaced(
            text, second, 'sample = "court"\n', 'sample = "court"\n\n'
        ),
    }


@pytest.mark.parametrize("name", sorted(_tricky()))
def test_a_file_read_case_by_case_means_what_it_means_read_whole(name):
    # The reader parses a big file one [[cases]] line at a time; that may never accept a
    # file the whole text refuses, nor read one differently, nor say why in other words.
    import tomllib

    from moderate.reading import InspectionError, from_document, parse_text

    text = _tricky()[name]
    try:
        whole = from_document(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        with pytest.raises(InspectionError):
            parse_text(text)
    except InspectionError as refused:
        with pytest.raises(InspectionError) as by_case:
            parse_text(text)
        assert by_case.value.problems == refused.problems
    else:
        read = parse_text(text).inspection
        assert read == whole[0]
        assert [dict(c.answers) for c in read.cases] == [dict(c.answers) for c in whole[0].cases]
        assert [list(c.answers) for c in read.cases] == [list(c.answers) for c in whole[0].cases]


def test_a_cases_answers_read_as_the_file_gives_them():
    case = load(STOCKTON).inspection.cases[0]
    given = dict(case.answers)
    assert given and all(isinstance(a, Answer) for a in given.values())
    assert case.answers == given and given == case.answers and len(case.answers) == len(given)
    question = next(iter(given))
    assert case.answers[question] == given[question] and question in case.answers
    assert case.answers.get("no such question") is None and "no such question" not in case.answers
    with pytest.raises(KeyError):
        case.answers["no such question"]


_OWN_TEXT = st.none() | st.text(st.characters(codec="utf-8"), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    case_id=st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Zl", "Zp"]), max_size=8),
    label=_OWN_TEXT,
    disposal=_OWN_TEXT,
    inspector=_OWN_TEXT,
    oversight=st.sampled_from([None, "yes", "no", "n/a"]),
    interviewed=st.none() | st.booleans(),
    notes=_OWN_TEXT,
)
def test_a_cases_own_values_of_any_text_are_written_as_toml_writes_them_and_read_back(
    case_id, label, disposal, inspector, oversight, interviewed, notes
):
    # Most cases of a large file have nothing but their own values and answers, and are written
    # in a few steps: what they say, quotes, backslashes, control characters included, must
    # be TOML's own writing of those values, and read back the same.
    loaded = load(STOCKTON)
    case = replace(
        loaded.inspection.cases[1],
        id=f"X{case_id}",  # an id of any text but control characters and line ends, never another case's
        label=label,
        disposal=disposal,
        inspector=inspector,
        oversight=oversight,
        interviewed=interviewed,
        notes=notes,
    )
    assert case.moderated is None and not case.second_assessments and not case.extra and case.answers
    inspection = replace(loaded.inspection, cases=(loaded.inspection.cases[0], case, *loaded.inspection.cases[2:]))
    text = dumps(inspection)
    own = {
        "id": case.id,
        "sample": case.sample,
        "label": label,
        "disposal": disposal,
        "inspector": inspector,
        "oversight": oversight,
        "interviewed": interviewed,
        "notes": notes,
    }
    written = tomli_w.dumps({key: value for key, value in own.items() if value is not None})
    assert f"\n[[cases]]\n{written}\n[cases.answers]\n" in text
    assert parse_text(text).inspection.cases[1] == case


def test_a_case_written_before_and_freed_since_is_never_taken_for_a_new_one():
    # A merging save's process takes a case's part of the file from its last merge by the
    # record's id: a record freed since, its memory (and id) given to a new case, must not
    # lend that case its text.
    base = load(SAMPLES / "stockton-on-tees-2021.toml").inspection
    made = Made()

    def labelled(label: str):
        return replace(base, cases=tuple(replace(case, label=f"{label} {case.id}") for case in base.cases))

    for i in range(20):
        dumps(labelled(f"written {i}"), made)  # its cases freed as soon as it is written
        again = labelled(f"then {i}")
        assert dumps(again, made) == dumps(again)
