"""Broken inspection files are refused whole: exit 2, every problem listed and located, no traceback.

Each text file in `broken/` starts with `# expect: <fragment>` lines, one per problem the
reader must print (all of them, at once), and may add `# absent: <fragment>` lines for
knock-on messages it must not print. Files that cannot carry a comment (empty, binary,
not UTF-8) have their fragments in `UNCOMMENTED` below; the rest (directory, missing,
huge, unreadable, too deeply nested) are made in a temporary directory by the tests.
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers.cli import moderate
from moderate.reading import InspectionError, load

BROKEN = Path(__file__).resolve().parent / "broken"

# name -> fragments, for files that cannot start with a comment
UNCOMMENTED: dict[str, list[str]] = {
    "empty.toml": ["is empty: an inspection file starts with 'format = 1'"],
    "whitespace-only.toml": ["is empty: an inspection file starts with 'format = 1'"],
    "binary-junk.toml": ["is binary, not a TOML inspection file"],
    "nul-byte.toml": ["is binary, not a TOML inspection file"],
    "invalid-utf8.toml": ["is not UTF-8 text (byte 38): not a TOML inspection file"],
}


def _expectations(path: Path) -> tuple[list[str], list[str]]:
    if path.name in UNCOMMENTED:
        return UNCOMMENTED[path.name], []
    expect, absent = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            expect.append(line.removeprefix("# expect: "))
        elif line.startswith("# absent: "):
            absent.append(line.removeprefix("# absent: "))
        else:
            break
    return expect, absent


CORPUS = sorted(BROKEN.iterdir())


def _bound_by_file_permissions() -> None:
    """In the child, before exec: root gives up the two capabilities that let it read any file,
    so that a chmod 000 file refuses it as it refuses every other user."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "root cannot give up reading every file")


def assert_refused(result: subprocess.CompletedProcess, path: Path, expect: list[str], absent=()) -> None:
    err = result.stderr
    assert result.returncode == 2, f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {err}"
    assert "Traceback" not in err, err
    assert str(path) in err, f"stderr does not name {path}:\n{err}"
    for fragment in expect:
        assert fragment in err, f"missing {fragment!r} in:\n{err}"
    for fragment in absent:
        assert fragment not in err, f"unwanted {fragment!r} in:\n{err}"
    # every problem line is located at the file
    for line in err.splitlines():
        assert line.startswith(f"{path}: "), f"line does not name the file: {line!r}"


# ---------------------------------------------------------------- the corpus


def test_corpus_is_big_enough_and_every_file_says_what_it_expects():
    assert len(CORPUS) >= 35
    for path in CORPUS:
        assert path.is_file(), path
        expect, _ = _expectations(path)
        assert expect, f"{path.name}: no '# expect:' line and not in UNCOMMENTED"
    assert set(UNCOMMENTED) <= {p.name for p in CORPUS}


def test_uncommented_files_are_what_they_say():
    data = {name: (BROKEN / name).read_bytes() for name in UNCOMMENTED}
    assert data["empty.toml"] == b""
    assert data["whitespace-only.toml"] and not data["whitespace-only.toml"].strip()
    assert b"\0" in data["binary-junk.toml"] and b"\0" in data["nul-byte.toml"]
    assert data["nul-byte.toml"].count(b"\0") == 1
    with pytest.raises(UnicodeDecodeError):
        data["invalid-utf8.toml"].decode("utf-8")
    assert b"\0" not in data["invalid-utf8.toml"]


@pytest.mark.subprocess
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_check_refuses(path):
    expect, absent = _expectations(path)
    result = moderate("check", path)
    assert_refused(result, path, expect, absent)
    if len(expect) > 1 and not path.name.startswith(("format-", "framework-unknown")):
        # one line per problem: nothing listed twice, nothing unlisted
        assert len(result.stderr.splitlines()) == len(expect), result.stderr


def _refusal(path: Path) -> str:
    with pytest.raises(InspectionError) as refused:
        load(path)
    return str(refused.value)


def test_a_save_or_reload_in_a_worker_thread_refuses_in_the_same_words():
    # Off the main thread another parser reads (one that lets the screen run meanwhile).
    files = [p for p in CORPUS if p.is_file()]
    on_main = [_refusal(p) for p in files]
    with ThreadPoolExecutor(1) as worker:
        in_worker = list(worker.map(_refusal, files))
    assert in_worker == on_main


@pytest.mark.subprocess
def test_check_lists_every_file_at_once():
    result = moderate("check", *CORPUS)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for path in CORPUS:
        assert str(path) in result.stderr, path
    assert result.stdout == ""


@pytest.mark.subprocess
def test_several_problems_are_all_listed():
    path = BROKEN / "several-problems.toml"
    expect, _ = _expectations(path)
    assert len(expect) >= 5
    result = moderate("check", path)
    assert_refused(result, path, expect)
    assert len(result.stderr.splitlines()) == len(expect)


SOME = [
    "answer-not-yes-no-na.toml",
    "syntax-unclosed-string.toml",
    "format-2.toml",
    "several-problems.toml",
    "standards-missing.toml",
    "discretion-moves-two-bands.toml",
    "binary-junk.toml",
    "invalid-utf8.toml",
    "empty.toml",
    "framework-bands-not-ascending.toml",
]


@pytest.mark.subprocess
@pytest.mark.parametrize("name", SOME)
@pytest.mark.parametrize("command", [("report",), ("report", "--json"), ("format",), ("format", "--drop-comments")], ids=" ".join)
def test_report_and_format_refuse_and_write_nothing(name, command, tmp_path):
    # on a copy, so that a faulty `format` cannot damage the corpus
    original = (BROKEN / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(original)
    before = sorted(os.listdir(tmp_path))
    result = moderate(command[0], path, *command[1:])
    assert_refused(result, path, _expectations(BROKEN / name)[0])
    assert result.stdout == ""
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == before  # no temporary or backup file left behind


# ---------------------------------------------------------------- files made here


@pytest.mark.subprocess
def test_directory(tmp_path):
    path = tmp_path / "inspection.toml"
    path.mkdir()
    assert_refused(moderate("check", path), path, ["is a directory, not an inspection file"])


@pytest.mark.subprocess
def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    assert_refused(moderate("check", path), path, ["no such file"])
    assert_refused(moderate("report", path), path, ["no such file"])
    assert_refused(moderate("format", path), path, ["no such file"])
    assert not path.exists()


@pytest.mark.subprocess
def test_missing_directory(tmp_path):
    path = tmp_path / "no" / "such" / "dir.toml"
    assert_refused(moderate("check", path), path, ["no such file"])


@pytest.mark.subprocess
def test_very_large_file(tmp_path):
    path = tmp_path / "huge.toml"
    with path.open("wb") as f:
        f.write(b"format = 1\n# ")
        f.truncate(65 * 1024 * 1024)  # sparse: mostly NUL bytes, but size is what is refused first
    assert_refused(moderate("check", path), path, ["is 65 MiB, over the limit of 64 MiB for an inspection file"])
    result = moderate("format", path)
    assert_refused(result, path, ["over the limit of 64 MiB"])
    assert path.stat().st_size == 65 * 1024 * 1024


@pytest.mark.subprocess
def test_large_text_file_just_over_the_limit(tmp_path):
    path = tmp_path / "long.toml"
    comment = b"# " + b"x" * 1022 + b"\n"
    with path.open("wb") as f:
        f.write(b"format = 1\n")
        f.write(comment * (64 * 1024 + 1))
    assert_refused(moderate("check", path), path, ["over the limit of 64 MiB"])


@pytest.mark.subprocess
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.toml"
    path.write_bytes((BROKEN / "answer-not-yes-no-na.toml").read_bytes())
    path.chmod(0)
    try:
        for command in ("check", "format"):
            assert_refused(
                moderate(command, path, preexec_fn=_bound_by_file_permissions), path, ["cannot be read: permission denied"]
            )
    finally:
        path.chmod(0o600)


@pytest.mark.subprocess
def test_nested_too_deeply(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("format = 1\nx = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    assert_refused(moderate("check", path), path, ["line 2, column 1: 100,004 characters long, over the limit of 65,536"])
    path.write_text("format = 1\nx = " + "[\n" * 50_000 + "]\n" * 50_000, encoding="utf-8")
    assert_refused(moderate("check", path), path, ["TOML syntax error"])


@pytest.mark.subprocess
def test_one_broken_among_good_files(tmp_path):
    good = tmp_path / "good.toml"
    text = (BROKEN / "answer-not-yes-no-na.toml").read_text(encoding="utf-8")
    good.write_text(text.replace('"perhaps"', '"yes"'), encoding="utf-8")
    bad = BROKEN / "answer-not-yes-no-na.toml"
    result = moderate("check", good, bad)
    assert result.returncode == 2
    assert f"{good}: ok" in result.stdout
    assert str(bad) in result.stderr and str(good) not in result.stderr
