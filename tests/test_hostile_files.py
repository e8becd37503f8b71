"""Files made to mislead or to hurt: terminal escapes, look-alike ids, pathological sizes,
answers that would count for nothing, the wrong encoding (issue 14, findings 2, 11, 12)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

import pytest

from helpers.cli import moderate
from helpers.files import SAMPLES, inspection_text

from moderate.model import ModerationEntry
from moderate.reading import load
from moderate.shown import doubts, shown

ESCAPES = "\x1b]2;pwned\x07\x1b[2J\x1b[6n\u202e"


def _escaped(text: str) -> str:
    """As TOML writes it in a basic string."""
    return "".join(f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e" else ch for ch in text)


def _file(tmp_path, text: str, name: str = "f.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shown_makes_every_control_visible():
    assert shown("a\x1b[2Jb") == "a␛[2Jb"
    assert shown("\u202eC01\u2066") == "<U+202E>C01<U+2066>"
    assert shown("\x85\x9b\x7f\n\t\0") == "<U+0085><U+009B>␡␊␉␀"
    assert shown("Referral order [amended] £ é 你") == "Referral order [amended] £ é 你"


def test_every_control_inside_otherwise_printable_text_is_made_visible():
    # C0, DEL, C1, the bidirectional controls and the line and paragraph separators
    controls = [*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0)), "\u061c", "\u200e", "\u200f"]
    controls += [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)), "\u2028", "\u2029"]
    for control in controls:
        made = shown(f"C01 {control}x")
        assert control not in made and made.startswith("C01 ") and made.endswith("x"), repr(control)


def test_a_control_character_deep_in_a_file_is_warned_about_where_it_is():
    """`check` looks for control characters in all strings at once, and for their places only then:
    one in a case's label, a key or value of a case's own table, or a log entry is found there."""
    inspection = load(SAMPLES / "stockton-on-tees-2021.toml").inspection
    case = inspection.cases[2]

    def with_case(changed):
        return replace(inspection, cases=(*inspection.cases[:2], changed, *inspection.cases[3:]))

    at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc)
    for changed, expected in (
        (inspection, []),
        (with_case(replace(case, label="Referral\x1b[2J")), ["cases[2].label: holds control characters (␛)"]),
        (
            with_case(replace(case, extra={"note\x07": "seen", "team": "North\u202e"})),
            ["cases[2] key: holds control characters (␇)", "cases[2].team: holds control characters (<U+202E>)"],
        ),
        (
            replace(inspection, moderation=(ModerationEntry("C03", "2.2.2", "yes", "no", "jb", at, "Re-read\x85"),)),
            ["moderation[0].reason: holds control characters (<U+0085>)"],
        ),
    ):
        found = [doubt.partition(";")[0] for doubt in doubts(changed) if "control characters" in doubt]
        assert found == expected


@pytest.mark.subprocess
def test_report_and_check_never_write_a_terminal_escape(tmp_path):
    text = inspection_text({"2.1.1": ["yes", "no"]}).replace('title = "Test"', f'title = "{_escaped(ESCAPES)}"')
    path = _file(tmp_path, text.replace('title = "Assessment"', f'title = "Assessment{_escaped(ESCAPES)}"'))
    for form in ("text", "markdown"):
        result = moderate("report", str(path), "--format", form)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x07" not in result.stdout
        assert "␛]2;pwned␇␛[2J␛[6n<U+202E>" in result.stdout
    result = moderate("check", str(path))
    assert result.returncode == 0
    assert "\x1b" not in result.stdout + result.stderr
    assert "inspection.title: holds control characters (␛, ␇, <U+202E>)" in result.stderr
    assert "standards[1].title: holds control characters" in result.stderr


@pytest.mark.subprocess
def test_check_messages_quoting_the_file_show_its_escapes(tmp_path):
    path = _file(
        tmp_path, inspection_text({"2.1.1": ["yes"]}).replace('"2.1.1" = "yes"', '"2.1.1" = "yes"\n"9.9\\u001b[2J" = "yes"')
    )
    result = moderate("check", str(path))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and '"9.9␛[2J": no such question in this file' in result.stderr


@pytest.mark.subprocess
def test_ids_with_control_characters_or_line_breaks_are_refused(tmp_path):
    text = inspection_text({"2.1.1": ["yes", "no"]})
    for bad, seen in (("C01\\nC02", "␊"), ("C\\u0000", "␀"), ("C\\u202e10", "<U+202E>")):
        path = _file(tmp_path, text.replace('id = "C01"', f'id = "{bad}"'))
        result = moderate("check", str(path))
        assert result.returncode == 2
        assert f"holds control characters ({seen}): ids are plain text on one line" in result.stderr


@pytest.mark.subprocess
def test_look_alike_case_ids_are_warned_about(tmp_path):
    cyrillic = "\u0421" + "01"  # Cyrillic Es, then 01: reads as C01
    path = _file(tmp_path, inspection_text({"2.1.1": ["yes", "no"]}).replace('id = "C02"', f'id = "{cyrillic}"'))
    result = moderate("check", str(path))
    assert result.returncode == 0
    assert f"case ids 'C01' and '{cyrillic}' look alike but differ (C 0 1 / U+0421 0 1)" in result.stderr
    mixed = "C0\u0430"  # Latin C, then Cyrillic a
    path = _file(tmp_path, inspection_text({"2.1.1": ["yes", "no"]}).replace('id = "C02"', f'id = "{mixed}"'))
    assert f"case id '{mixed}' mixes scripts (cyrillic, latin)" in moderate("check", str(path)).stderr


@pytest.mark.subprocess
def test_an_answer_to_a_question_of_another_sample_is_refused(tmp_path):
    text = inspection_text({"2.1.1": ["yes", "no"]})
    text = text.replace('court = "Court disposals"', 'court = "Court disposals"\noocd = "Out-of-court"')
    text = text.replace('id = "C02"\nsample = "court"', 'id = "C02"\nsample = "oocd"')
    result = moderate("check", str(_file(tmp_path, text)))
    assert result.returncode == 2
    assert (
        "cases[1] (C02).answers.\"2.1.1\": the question belongs to sample 'court', not to this case's "
        "sample 'oocd': the answer would count for nothing"
    ) in result.stderr


@pytest.mark.subprocess
def test_a_panel_decision_on_a_standard_never_eligible_is_reported(tmp_path):
    answers = {"2.1.1": ["yes"] * 10}  # 100%: Outstanding, far from any boundary, ten cases
    decision = (
        '\n[[discretion]]\nstandard = "2.1"\ncomputed = "Outstanding"\nrating = "Good"\nby = "bob"\n'
        'at = 2026-11-20T10:00:00Z\nreason = "forged"\n'
    )
    result = moderate("check", str(_file(tmp_path, inspection_text(answers, extra=decision))))
    assert "discretion on 2.1 (Outstanding → Good, by bob) stands, but the standard is not eligible" in result.stderr


@pytest.mark.subprocess
def test_utf16_and_utf32_are_named(tmp_path):
    text = inspection_text({"2.1.1": ["yes"]})
    for encoding, name in (
        ("utf-16", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-32", "UTF-32 (little-endian)"),
    ):
        path = tmp_path / "wide.toml"
        path.write_bytes(text.encode(encoding))
        result = moderate("check", str(path))
        assert result.returncode == 2
        assert f"is {name} text, not a TOML inspection file: save it as UTF-8" in result.stderr


@pytest.mark.subprocess
def test_leftover_merge_conflicts_fail_check(tmp_path):
    left = '\n[[merge_conflicts]]\nkind = "answer"\ncase = "C01"\nquestion = "2.1.1"\nbase = "yes"\nours = "no"\ntheirs = "n/a"\n'
    result = moderate("check", str(_file(tmp_path, inspection_text({"2.1.1": ["yes"]}, extra=left))))
    assert result.returncode == 2
    assert "1 merge conflict left to settle ([[merge_conflicts]])" in result.stderr


@pytest.mark.subprocess
def test_a_dotted_key_of_200000_parts_is_refused_at_once(tmp_path):
    path = _file(tmp_path, "format = 1\n" + "a" + ".a" * 200_000 + " = 1\n")
    assert 400_000 < path.stat().st_size < 410_000
    started = time.perf_counter()
    result = moderate("check", str(path))
    print(f"check of a 200,000-part dotted key: {time.perf_counter() - started:.2f} s (process included)")
    assert result.returncode == 2
    assert "line 2, column 1: a dotted key of 200,001 parts, over the limit of 32" in result.stderr
    assert "line 2, column 1: 400,005 characters long, over the limit of 65,536" in result.stderr


@pytest.mark.subprocess
def test_huge_strings_are_refused_saying_the_limit(tmp_path):
    text = inspection_text({"2.1.1": ["yes"]})
    path = _file(tmp_path, text.replace('title = "Test"', 'title = "' + "x" * 5_000_000 + '"'))
    result = moderate("check", str(path))
    assert result.returncode == 2
    assert "line 4, column 1: 5,000,010 characters long, over the limit of 65,536" in result.stderr
    many_lines = 'description = """\n' + "a short line\n" * 10_000 + '"""\n'
    path = _file(tmp_path, text.replace("[samples]", many_lines + "[samples]"))
    result = moderate("check", str(path))
    assert result.returncode == 2
    assert "line 7, column 15: a string of 130,001 characters, over the limit of 65,536" in result.stderr


def test_ordinary_dots_and_long_question_texts_pass(tmp_path):
    long_text = "Did the assessment. " * 100  # two thousand characters, a hundred full stops
    text = inspection_text({"2.1.1": ["yes"]}).replace('text = "Question 2.1.1?"', f'text = "{long_text}"')
    floats = ", ".join(["1.5"] * 40)  # forty dots on one line of a multi-line array: a value, not a key
    load(_file(tmp_path, text.replace("format = 1", f"format = 1\nversions = [\n  {floats},\n]", 1)))
