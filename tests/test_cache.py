"""The cache of parsed inspections: the same model as a parse, only for the same bytes, and
never a file that anyone but the user could have written."""

from __future__ import annotations

import os
import pickle
import stat
import time
from pathlib import Path

import pytest

from helpers.cli import moderate
from moderate import cache
from moderate.reading import InspectionError, load
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


def test_check_warns_the_same_about_a_hostile_file_read_again(tmp_path: Path, stockton: Path) -> None:
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(stockton.read_text(encoding="utf-8").replace('title = "', 'title = "\\u001b[2J', 1), encoding="utf-8")
    first, again = moderate("check", str(hostile)), moderate("check", str(hostile))
    assert "holds control characters (␛)" in first.stderr
    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)
    assert len(_entries()) == 1
