"""Someone else's save is read taking each case whose text is the base's, byte for byte, from
the base, unparsed: the result is what reading it whole gives, whatever they changed; and a
merging save writes, and logs, what merging with their file read whole does."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from helpers.files import SAMPLES
from moderate.apart import another_inspection
from moderate.merge import merge
from moderate.model import Answer
from moderate.reading import InspectionError, load, parse_text
from moderate.session import Session
from moderate.storage import FileReplaced, save_merging

BASE = (SAMPLES / "stockton-on-tees-2021.toml").read_text()
HEADER = "\n[[cases]]\n"


def _parts(text: str) -> tuple[str, list[str], str]:
    """The text before the first case, each case's part but the last, and the rest (the last case on)."""
    head, *parts = text.split(HEADER)
    return head, [HEADER + p for p in parts[:-1]], HEADER + parts[-1]


def _joined(head: str, parts: list[str], tail: str) -> str:
    return head + "".join(parts) + tail


def changed_keeping_length(text: str) -> str:
    """C04's first 'yes' a 'n/a': its part as long as it was."""
    head, parts, tail = _parts(text)
    parts[3] = parts[3].replace('= "yes"', '= "n/a"', 1)
    return _joined(head, parts, tail)


def reordered(text: str) -> str:
    head, parts, tail = _parts(text)
    parts[2], parts[5] = parts[5], parts[2]
    return _joined(head, parts, tail)


def deleted(text: str) -> str:
    head, parts, tail = _parts(text)
    del parts[4]
    return _joined(head, parts, tail)


def added(text: str) -> str:
    head, parts, tail = _parts(text)
    return _joined(head, [*parts, parts[1].replace('id = "C02"', 'id = "C99"')], tail)


def doubled(text: str) -> str:
    """A case's part twice: its id twice."""
    head, parts, tail = _parts(text)
    return _joined(head, [*parts, parts[6]], tail)


def question_removed(text: str) -> str:
    """A prompt gone from the standards, every case's part as it was: their answers to it unknown."""
    return re.sub(r'\[\[standards\.key_questions\.prompts\]\]\nid = "2\.1\.1\.g"\n[^\n]*\n\n', "", text, count=1)


def question_moved(text: str) -> str:
    """Two prompts swapped in the standards, every case's part as it was: the order differs."""
    prompt = r'(\[\[standards\.key_questions\.prompts\]\]\nid = "2\.1\.1\.{}"\n[^\n]*\n\n)'
    return re.sub(prompt.format("f") + prompt.format("g"), r"\2\1", text, count=1)


def sample_renamed(text: str) -> str:
    return text.replace('oocd = "Out-of-court disposals"', 'out_of_court = "Out-of-court disposals"', 1)


def table_between_cases(text: str) -> str:
    """A table of someone else's after a case, before the next one: in the part, not the case's."""
    head, parts, tail = _parts(text)
    parts[2] = parts[2] + "\n[their_notes]\nseen = true\n"
    return _joined(head, parts, tail)


def header_spaced(text: str) -> str:
    """A case's header spelled `[[ cases ]]` inside another's part: two cases there."""
    head, parts, tail = _parts(text)
    parts[2] = parts[2] + "\n" + parts[3].replace(HEADER, "\n[[ cases ]]\n").replace('id = "C04"', 'id = "C98"')
    return _joined(head, parts, tail)


def multi_line_notes(text: str) -> str:
    head, parts, tail = _parts(text)
    parts[1] = parts[1].replace("\n\n[cases.answers]", '\nnotes = """seen\n[[cases]]\nagain"""\n\n[cases.answers]', 1)
    return _joined(head, parts, tail)


def rated(text: str) -> str:
    """A change in the text before the cases that no case is read against."""
    return text.replace('title = "', 'title = "Re: ', 1)


THEIRS = [
    changed_keeping_length,
    reordered,
    deleted,
    added,
    doubled,
    question_removed,
    question_moved,
    sample_renamed,
    rated,
    multi_line_notes,
    header_spaced,
]


def spare_sample(text: str) -> str:
    """A sample no standard asks about, and a case of it, with no answers."""
    head, parts, tail = _parts(text)
    head = head.replace("[samples]\n", '[samples]\nspare = "Spare cases"\n', 1)
    case = HEADER + 'id = "S01"\nsample = "spare"\n\n[cases.answers]\n'
    return _joined(head, [*parts, case], tail)


def spare_sample_removed(text: str) -> str:
    """The sample gone, its case's part as it was: not declared."""
    return text.replace('spare = "Spare cases"\n', "", 1)


def canonical(text: str) -> str:
    return text


BASES = [canonical, table_between_cases, multi_line_notes, header_spaced]
PAIRS = [
    pytest.param(b, t, id=f"{b.__name__}-{t.__name__}")
    for b in BASES
    for t in THEIRS
    if b is not multi_line_notes or t is not multi_line_notes
]
PAIRS.append(pytest.param(spare_sample, spare_sample_removed, id="spare_sample-removed"))


def read(text: str, since: tuple[str, object] | None = None) -> object:
    """What reading `text` gives: the inspection, or the problems it is refused for."""
    try:
        return parse_text(text, "theirs", since).inspection  # type: ignore[arg-type]
    except InspectionError as error:
        return error.problems


@pytest.mark.parametrize(("base_as", "theirs_as"), PAIRS)
def test_their_save_read_since_the_base_is_what_reading_it_whole_gives(
    base_as: Callable[[str], str], theirs_as: Callable[[str], str]
) -> None:
    before = base_as(BASE)
    base = parse_text(before, "base").inspection
    theirs = theirs_as(before)
    assert theirs != before
    assert read(theirs, (before, base)) == read(theirs)


def test_the_cases_their_save_left_as_they_were_are_the_bases_own_records():
    base = parse_text(BASE).inspection
    theirs = parse_text(reordered(changed_keeping_length(BASE)), since=(BASE, base)).inspection
    kept = {case.id: case for case in base.cases}
    mine = [case.id for case in theirs.cases if case is kept[case.id]]
    # C04 changed, the last case read with the logs after it: every other case is the base's.
    assert sorted(mine) == sorted(set(kept) - {"C04", base.cases[-1].id})


@pytest.mark.subprocess
@pytest.mark.parametrize("theirs_as", THEIRS, ids=[f.__name__ for f in THEIRS])
def test_a_merging_save_writes_and_logs_what_merging_their_file_read_whole_does(theirs_as, tmp_path: Path):
    path = tmp_path / "stockton.toml"
    shutil.copy(SAMPLES / "stockton-on-tees-2021.toml", path)
    loaded = load(path)
    ours = Session(loaded.inspection, loaded.framework, "jb")
    ours.set_answer("C02", "2.1.1", Answer.NO, reason="read again")
    ours.set_answer("C05", "2.1.1", Answer.NO)
    snapshot, author = ours.snapshot(), ("jb", ours.clock())
    path.write_text(theirs_as(loaded.text))
    whole = read(path.read_text())
    if isinstance(whole, list):
        with pytest.raises(InspectionError) as refused:
            save_merging(path, loaded.text, snapshot, base=loaded.inspection, author=author)
        assert refused.value.problems == whole
        return
    if another_inspection(loaded.inspection, whole):  # type: ignore[arg-type]
        with pytest.raises(FileReplaced):
            save_merging(path, loaded.text, snapshot, base=loaded.inspection, author=author)
        return
    expected = merge(loaded.inspection, snapshot, whole, author=author, saving=True)  # type: ignore[arg-type]
    result = save_merging(path, loaded.text, snapshot, base=loaded.inspection, author=author)
    assert result.conflicts == expected.conflicts
    assert result.inspection == expected.inspection
    assert result.inspection.moderation == expected.inspection.moderation
    if not expected.conflicts:
        assert path.read_text() == result.text == expected.text
