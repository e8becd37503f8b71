"""The cache of parsed inspections: the same model as a parse, only for the same bytes, and
never a file that anyone but the user could have written."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import pickle
import stat
import tempfile
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.app import open_app
from helpers.cli import moderate
from helpers.files import SAMPLES
from moderate import cache
from moderate.model import Case, Decision, Inspection, Moderated, ModerationEntry, SampleEntry
from moderate.reading import InspectionError, load, parse_text
from moderate.workspace import Workspace
from moderate.writing import dumps


def _entries() -> list[Path]:
    directory = Path(os.environ["XDG_CACHE_HOME"]) / "moderate"
    return sorted(directory.iterdir()) if directory.exists() else []


class _Planted:
    """A pickle that, unpickled, makes a file: what a planted entry could do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def _plant(entry: Path, marker: Path) -> None:
    entry.chmod(0o600)
    entry.write_bytes(pickle.dumps(_Planted(marker)))


def test_a_file_opened_again_reads_as_it_did_and_saves_the_same_bytes(stockton: Path) -> None:
    first = load(stockton)
    assert cache.recall(stockton.read_bytes()) is not None  # kept: the next open takes it
    again = load(stockton)
    assert again == first
    assert dumps(again.inspection) == dumps(first.inspection)


def test_a_file_opened_for_moderation_and_closed_at_once_is_kept(stockton: Path) -> None:
    # The app writes the entry once its first screen is up; closing writes it if that never came.
    Workspace.open(stockton, "jb").close(keep_unsaved=False)
    assert cache.recall(stockton.read_bytes()) is not None


async def test_a_file_opened_in_the_app_is_kept_for_the_next_opening(stockton: Path) -> None:
    async with open_app(stockton).run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
    assert cache.recall(stockton.read_bytes()) is not None


def test_an_edited_file_is_read_afresh_never_from_an_entry_for_its_old_bytes(stockton: Path) -> None:
    load(stockton)
    text = stockton.read_text(encoding="utf-8")
    edited = text.replace('title = "', 'title = "Edited: ', 1)
    assert edited != text
    stockton.write_text(edited, encoding="utf-8")
    assert load(stockton).inspection.title.startswith("Edited: ")


def test_entries_are_readable_by_their_owner_only_whatever_the_umask(stockton: Path) -> None:
    old = os.umask(0)
    try:
        load(stockton)
    finally:
        os.umask(old)
    (entry,) = _entries()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700


def test_an_entry_is_noise_without_the_file_it_was_made_from(stockton: Path) -> None:
    expected = load(stockton)
    (entry,) = _entries()
    kept = entry.read_bytes()
    assert expected.inspection.title.encode() not in kept
    assert b"Youth Offending" not in kept and expected.inspection.framework.encode() not in kept
    try:
        unpickled = pickle.loads(kept)
    except Exception:  # as it should: any error an unpickler can raise on noise
        unpickled = None
    assert unpickled != (expected.inspection, expected.framework)


def test_an_entry_planted_without_the_file_is_never_unpickled(stockton: Path, tmp_path: Path) -> None:
    expected = load(stockton)
    (entry,) = _entries()
    marker = tmp_path / "ran"
    _plant(entry, marker)
    assert load(stockton) == expected
    assert not marker.exists()


def _forge(file: Path, payload: bytes) -> None:
    """Put in the cache, as the entry for `file`, `payload` sealed as `keep` seals: what anyone
    who can read the file can make."""
    secret = cache._key(file.read_bytes()).secret  # type: ignore[union-attr]
    sealed = cache._crypt(secret, payload)
    (entry,) = _entries()
    entry.write_bytes(hmac.digest(secret, sealed, "sha256") + sealed)


def _kept(file: Path) -> Any:
    """The JSON of the entry for `file`, opened as only the file's bytes allow."""
    (entry,) = _entries()
    secret = cache._key(file.read_bytes()).secret  # type: ignore[union-attr]
    return json.loads(cache._crypt(secret, entry.read_bytes()[32:]))


def _field(columns: list[Any], record: type, name: str) -> Any:
    """The column of a record's field in an entry's JSON: they go in the record's own order."""
    return columns[[f.name for f in fields(record) if f.init].index(name)]


def test_an_entry_forged_from_the_files_own_bytes_never_runs_code(stockton: Path, tmp_path: Path) -> None:
    """Its tag good (anyone who can read the file can make one): still only data is read."""
    expected = load(stockton)
    marker = tmp_path / "ran"
    _forge(stockton, pickle.dumps(_Planted(marker)))
    assert load(stockton) == expected
    assert not marker.exists()
    assert cache.recall(stockton.read_bytes()) == (expected.inspection, expected.framework)  # made again


@pytest.mark.parametrize(
    "forgery",
    [
        "a title that is a table",
        "an answer code that is no answer",
        "answer codes missing",
        "a case's id that is a number",
        "a case of a shared string that is not there",
        "a date-time that is a number",
        "a tag that names a type",
        "a record with a column too many",
    ],
)
def test_a_forged_entry_builds_nothing_but_the_models_records_or_nothing(stockton: Path, forgery: str) -> None:
    """What the types of the model cannot hold is refused whole, and the file is read instead."""
    expected = load(stockton)
    version, shared, columns, codes, inspection = _kept(stockton)
    case = _field(inspection, Inspection, "cases")[1]  # its columns, after how many cases there are
    if forgery == "a title that is a table":
        _field(inspection, Inspection, "title")[0] = {"not": "a title"}
    elif forgery == "an answer code that is no answer":
        codes = "4" + codes[1:]
    elif forgery == "answer codes missing":
        codes = codes[:-1]
    elif forgery == "a case's id that is a number":
        _field(case, Case, "id")[0] = 7
    elif forgery == "a case of a shared string that is not there":
        _field(case, Case, "sample")[0] = len(shared) + 1
    elif forgery == "a date-time that is a number":
        _field(_field(inspection, Inspection, "discretion")[1], Decision, "at")[0] = 20261120
    elif forgery == "a tag that names a type":
        _field(inspection, Inspection, "samples")[0] = {"court": ["builtins.exec", "print(1)"]}
    else:
        case.append(None)
    _forge(stockton, json.dumps([version, shared, columns, codes, inspection]).encode())
    assert load(stockton) == expected


_SCALARS = (
    st.text(max_size=12)
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.datetimes(timezones=st.none() | st.integers(-1439, 1439).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))))
    | st.dates()
    | st.times()
)
_KEYS = st.text(min_size=1, max_size=8).map(lambda key: f"x {key}")  # never a key the model knows
_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3), max_leaves=8
)
_EXTRA = st.dictionaries(_KEYS, _VALUES, max_size=3)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(_EXTRA, min_size=10, max_size=10), st.text(max_size=20))
def test_a_file_with_keys_of_every_kind_reads_from_the_cache_as_parsed(extras: list[dict[str, Any]], notes: str) -> None:
    """Dates, times, arrays, tables, any text, in every record's extra keys: an entry gives back
    the very model a parse gives, and it saves the same bytes."""
    sample = parse_text((SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")).inspection
    standard = next(s for s in sample.standards if s.key_questions and s.key_questions[0].prompts)
    case = next(c for c in sample.cases if c.sample == standard.sample)
    at = dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.timezone.utc)
    entry = ModerationEntry(case.id, next(iter(case.answers)), "yes", "no", "ann", at, extra=extras[4])
    question = replace(standard.key_questions[0], extra=extras[0])
    question = replace(question, prompts=(replace(question.prompts[0], extra=extras[1]), *question.prompts[1:]))
    inspection = replace(
        sample,
        standards=tuple(
            replace(s, key_questions=(question, *s.key_questions[1:]), extra=extras[2]) if s is standard else s
            for s in sample.standards
        ),
        cases=(
            replace(
                case, notes=notes, oversight="n/a", interviewed=False, moderated=Moderated("ann", at, extras[4]), extra=extras[3]
            ),
            *(c for c in sample.cases if c is not case),
        ),
        moderation=(entry,),
        discretion=tuple(replace(d, extra=extras[5]) for d in sample.discretion),
        inspection_extra=extras[6],
        extra={f"x{key}": value for key, value in extras[7].items() if isinstance(value, dict)},
        framework_overrides={"discretion": {"within_points": 2.5}} | extras[8],
        dip_sample=(
            SampleEntry(case.id, "qa", at, phase="fieldwork", method="2 per assessor", seed=7, extra=extras[9]),
            SampleEntry(case.id, "qa", at, withdrawn=True, reason=f"withdrawn: {notes}"),
        ),
        people={"ann": "inspector", "qa": "quality lead", "lead": "lead inspector"},
    )
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / "kinds.toml"
        file.write_text(dumps(inspection), encoding="utf-8")
        first = load(file)
        again = load(file)
        assert cache.recall(file.read_bytes()) is not None
    assert again == first
    assert dumps(again.inspection) == dumps(first.inspection)


def test_an_entry_whose_tag_does_not_match_is_never_unpickled(stockton: Path, tmp_path: Path) -> None:
    """Even one encrypted as the file's would be (its secret known, say): the tag decides."""
    expected = load(stockton)
    (entry,) = _entries()
    marker = tmp_path / "ran"
    secret = cache._key(stockton.read_bytes()).secret  # type: ignore[union-attr]
    entry.write_bytes(bytes(32) + cache._crypt(secret, pickle.dumps(_Planted(marker))))
    assert load(stockton) == expected
    assert not marker.exists()


@pytest.mark.parametrize("opened", ["directory", "entry"])
def test_an_entry_others_could_have_written_is_not_used(stockton: Path, opened: str) -> None:
    load(stockton)
    (entry,) = _entries()
    (entry.parent if opened == "directory" else entry).chmod(0o777 if opened == "directory" else 0o644)
    assert cache.recall(stockton.read_bytes()) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
@pytest.mark.parametrize("given", ["directory", "entry"])
def test_an_entry_another_user_owns_is_not_used(stockton: Path, given: str) -> None:
    load(stockton)
    (entry,) = _entries()
    os.chown(entry.parent if given == "directory" else entry, 65534, 65534)  # nobody
    assert cache.recall(stockton.read_bytes()) is None


def test_an_entry_made_for_other_bytes_is_not_taken_for_these(stockton: Path, tmp_path: Path) -> None:
    load(stockton)
    (stocktons,) = _entries()
    kept = stocktons.read_bytes()
    stocktons.unlink()
    other = tmp_path / "other.toml"
    other.write_text(stockton.read_text(encoding="utf-8").replace('title = "', 'title = "Other ', 1), encoding="utf-8")
    load(other)
    (others,) = _entries()
    others.write_bytes(kept)  # Stockton's entry, under the other file's name
    assert load(other).inspection.title.startswith("Other ")


@pytest.mark.parametrize("linked", ["directory", "entry"])
def test_a_link_is_not_followed(stockton: Path, tmp_path: Path, linked: str) -> None:
    load(stockton)
    (entry,) = _entries()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    if linked == "directory":
        entry.rename(elsewhere / entry.name)
        entry.parent.rmdir()
        entry.parent.symlink_to(elsewhere)
    else:
        entry.rename(elsewhere / entry.name)
        entry.symlink_to(elsewhere / entry.name)
    assert cache.recall(stockton.read_bytes()) is None


def test_a_damaged_entry_is_ignored_and_made_again(stockton: Path) -> None:
    expected = load(stockton)
    (entry,) = _entries()
    entry.write_bytes(entry.read_bytes()[:100])
    assert load(stockton) == expected
    assert cache.recall(stockton.read_bytes()) == (expected.inspection, expected.framework)


def test_a_refused_file_is_never_kept(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\n[inspection]\ntitle = "no framework"\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InspectionError):
            load(broken)
    assert _entries() == []


def test_turned_off_it_keeps_nothing(stockton: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATE_CACHE", "off")
    load(stockton)
    assert _entries() == []


def test_entries_unused_for_two_weeks_are_removed_and_nothing_else_is(stockton: Path, tmp_path: Path) -> None:
    load(stockton)
    (old,) = _entries()
    weeks_ago = time.time() - 15 * 24 * 3600
    os.utime(old, (weeks_ago, weeks_ago))
    foreign = old.parent / "notes.txt"
    foreign.write_text("not the cache's")
    os.utime(foreign, (weeks_ago, weeks_ago))
    other = tmp_path / "other.toml"
    other.write_text(stockton.read_text(encoding="utf-8").replace('title = "', 'title = "Other ', 1), encoding="utf-8")
    load(other)
    assert not old.exists() and foreign.exists() and len(_entries()) == 2


def test_only_the_newest_entries_are_kept(stockton: Path, tmp_path: Path) -> None:
    text = stockton.read_text(encoding="utf-8")
    for i in range(cache.KEPT + 3):
        copy = tmp_path / f"copy-{i}.toml"
        copy.write_text(text.replace('title = "', f'title = "{i} ', 1), encoding="utf-8")
        load(copy)
    assert len([e for e in _entries() if e.suffix == ".parsed"]) == cache.KEPT
    assert cache.recall(copy.read_bytes()) is not None


@pytest.mark.subprocess
def test_check_warns_the_same_about_a_hostile_file_read_again(tmp_path: Path, stockton: Path) -> None:
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(stockton.read_text(encoding="utf-8").replace('title = "', 'title = "\\u001b[2J', 1), encoding="utf-8")
    first, again = moderate("check", str(hostile)), moderate("check", str(hostile))
    assert "holds control characters (␛)" in first.stderr
    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)
    assert len(_entries()) == 1


@pytest.mark.subprocess
def test_an_import_keeps_no_entry_for_the_bytes_it_replaced_and_one_that_sets_nothing_keeps_it(
    stockton: Path, tmp_path: Path
) -> None:
    # The newest few entries are kept: one for bytes that no file holds after the import would
    # push out the entry of a file the user has open lately, and cost the import its writing.
    before = stockton.read_bytes()
    table = tmp_path / "answers.csv"
    table.write_text("case,2.1.1\nC01,n/a\n", encoding="utf-8")
    done = moderate("import", stockton, table, "--as", "jb")
    assert done.returncode == 0 and "1 answer set" in done.stdout, done.stderr
    after = stockton.read_bytes()
    assert after != before and _entries() == []
    done = moderate("import", stockton, table, "--as", "jb")  # as it is now: nothing set, the file kept
    assert done.returncode == 0 and "0 answers set" in done.stdout, done.stderr
    assert stockton.read_bytes() == after and cache.recall(after) is not None
