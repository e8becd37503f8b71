"""Several people on one inspection: saves that merge under a lock, git merges through our
driver, and saves that cannot be written."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
import time
import tomllib

import pytest

from helpers.files import inspection_text, REPO
from moderate.model import Answer
from moderate.reading import InspectionError, load, parse_text
from moderate.session import Session
from moderate.storage import SaveError, save, save_merging, warn_if_world_readable

CASES = 10
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

# One moderator, as a separate process: load the file, change one answer of `question`
# (a different case each round), save through save_merging; print what it set, as JSON.
WORKER = """
import json, os, sys, time
from moderate.model import Answer
from moderate.reading import load
from moderate.session import Session
from moderate.storage import save_merging

path, name, question, rounds, go = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
open(f"{go}.{name}", "w").close()  # started, and waiting
while not os.path.exists(go):
    time.sleep(0.001)
last, merged = {}, 0
for i in range(rounds):
    loaded = load(path)
    session = Session(loaded.inspection, loaded.framework, name)
    case = loaded.inspection.cases[i % len(loaded.inspection.cases)].id
    answer = next(a for a in Answer if a != session.answer(case, question))
    session.set_answer(case, question, answer, reason=f"{name} {i}")
    result = save_merging(path, loaded.text, session.snapshot())
    assert result.saved, result.conflicts
    merged += result.merged
    last[case] = answer.value
print(json.dumps({"last": last, "merged": merged}))
"""


def new_file(path, text: str):
    """A new inspection file, as the program writes one: canonical, owner-only."""
    save(path, parse_text(text).inspection)
    return path


@pytest.fixture
def inspection(tmp_path):
    return new_file(tmp_path / "inspection.toml", inspection_text({"2.1.1": ["yes"] * CASES, "2.1.2": ["no"] * CASES}))


def workers(tmp_path, path, jobs: dict[str, tuple[str, int]]) -> dict[str, dict]:
    """Run one worker process per name, all at once; what each one set."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    go = tmp_path / "go"
    running = {
        name: subprocess.Popen(
            [sys.executable, str(script), str(path), name, question, str(rounds), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for name, (question, rounds) in jobs.items()
    }
    deadline = time.monotonic() + 60  # all started and waiting, so that their saves interleave from the first
    while not all(go.with_name(f"go.{name}").exists() for name in jobs):
        assert time.monotonic() < deadline and all(p.poll() is None for p in running.values()), "a worker never started"
        time.sleep(0.01)
    go.touch()
    results = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results[name] = json.loads(out)
    return results


@pytest.mark.subprocess
@pytest.mark.slow  # two hundred saves, half of them or more merging in a child process
def test_two_processes_saving_the_same_file_lose_no_answer_and_no_log_entry(tmp_path, inspection):
    rounds = 100
    started = time.perf_counter()
    done = workers(tmp_path, inspection, {"jb": ("2.1.1", rounds), "ak": ("2.1.2", rounds)})
    elapsed = time.perf_counter() - started
    merges = sum(result["merged"] for result in done.values())
    print(f"{2 * rounds} saves by two processes in {elapsed:.1f}s, {merges} of them merged with the other's")
    assert merges >= 100  # the saves did interleave
    final = load(inspection).inspection
    for name, question in (("jb", "2.1.1"), ("ak", "2.1.2")):
        for case, answer in done[name]["last"].items():
            assert final.case(case).answers[question].value == answer, (name, case)
    reasons = [entry.reason for entry in final.moderation]
    assert sorted(reasons) == sorted(f"{name} {i}" for name in ("jb", "ak") for i in range(rounds))


@pytest.mark.subprocess
def test_the_same_answer_changed_by_two_processes_is_a_conflict_not_an_overwrite(tmp_path, inspection):
    loaded = load(inspection)
    ours = Session(loaded.inspection, loaded.framework, "jb")
    workers(tmp_path, inspection, {"ak": ("2.1.1", 1)})  # another process saves C01 2.1.1 meanwhile
    theirs_text = inspection.read_text()
    theirs = load(inspection).inspection.case("C01").answers["2.1.1"]
    ours.set_answer("C01", "2.1.1", next(a for a in Answer if a not in (Answer.YES, theirs)))
    result = save_merging(inspection, loaded.text, ours.snapshot())
    assert not result.saved and result.merged
    assert [str(c) for c in result.conflicts] == [
        f"C01 2.1.1: base yes, ours {ours.answer('C01', '2.1.1').value}, theirs {theirs.value}"
    ]
    assert inspection.read_text() == theirs_text == result.text  # nothing written
    settled = save_merging(inspection, loaded.text, ours.snapshot(), {result.conflicts[0]: "ours"})
    assert settled.saved
    on_disk = load(inspection).inspection
    assert on_disk.case("C01").answers["2.1.1"] == ours.answer("C01", "2.1.1")
    assert [(e.by, e.to) for e in on_disk.moderation] == [("ak", theirs.value), ("jb", ours.answer("C01", "2.1.1").value)]


def test_a_file_broken_by_hand_meanwhile_is_not_overwritten(inspection):
    loaded = load(inspection)
    session = Session(loaded.inspection, loaded.framework, "jb")
    session.set_answer("C01", "2.1.1", Answer.NO)
    inspection.write_text(loaded.text + "[[cases]\n")
    with pytest.raises(InspectionError, match="TOML syntax error"):
        save_merging(inspection, loaded.text, session.snapshot())
    assert inspection.read_text().endswith("[[cases]\n")


def test_a_save_keeps_the_previous_version_as_a_backup_with_the_files_permissions(inspection):
    inspection.chmod(0o640)
    first = inspection.read_text()
    loaded = load(inspection)
    session = Session(loaded.inspection, loaded.framework, "jb")
    session.set_answer("C01", "2.1.1", Answer.NO)
    result = save_merging(inspection, loaded.text, session.snapshot())
    backup = inspection.with_name("inspection.toml.bak")
    assert backup.read_text() == first and result.text == inspection.read_text() != first
    assert stat.S_IMODE(backup.stat().st_mode) == stat.S_IMODE(inspection.stat().st_mode) == 0o640
    lock = inspection.with_name(".inspection.toml.lock")
    assert lock.stat().st_mode & 0o007 == 0  # its group may lock it too; others never
    save_merging(inspection, result.text, session.snapshot())  # unchanged: the backup stays the one before
    assert backup.read_text() == first
    assert not list(inspection.parent.glob(".inspection.toml.*.tmp"))  # nor is a temporary file left beside it


def test_the_lock_and_backup_of_a_private_file_are_private(inspection):
    loaded = load(inspection)
    session = Session(loaded.inspection, loaded.framework, "jb")
    session.set_answer("C01", "2.1.1", Answer.NO)
    save_merging(inspection, loaded.text, session.snapshot())
    for name in ("inspection.toml", "inspection.toml.bak", ".inspection.toml.lock"):
        assert stat.S_IMODE(inspection.with_name(name).stat().st_mode) == 0o600, name


def test_a_world_readable_inspection_is_warned_about(inspection):
    assert warn_if_world_readable(inspection) is None
    inspection.chmod(0o644)
    assert "can be read by everyone on this server (mode 644)" in warn_if_world_readable(inspection)
    assert "chmod o-rwx" in warn_if_world_readable(inspection)


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@pytest.mark.subprocess
@pytest.mark.parametrize("how", ["read-only", "full"])
def test_a_save_that_cannot_be_written_says_why_and_leaves_the_file_intact(how, tmp_path):
    directory = tmp_path / "inspections"
    directory.mkdir()
    try:
        if os.geteuid() == 0:  # root writes anywhere: only a file system of its own can refuse
            if _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(directory)).returncode:
                pytest.skip("cannot mount a tmpfs here")
        elif how == "full":
            pytest.skip("filling a disk takes a tmpfs of its own, which only root can mount")
        path = new_file(directory / "inspection.toml", inspection_text({"2.1.1": ["yes", "no"]}))
        before = path.read_bytes()
        loaded = load(path)
        session = Session(loaded.inspection, loaded.framework, "jb")
        session.set_answer("C01", "2.1.1", Answer.NO)
        if how == "full":
            with open(directory / "filler", "wb", buffering=0) as filler, pytest.raises(OSError):
                while True:
                    filler.write(b"x" * 4096)
            expected = "No space left on device"
        elif os.geteuid() == 0:
            assert _mount("-o", "remount,ro", str(directory)).returncode == 0
            expected = "Read-only file system"
        else:
            directory.chmod(0o555)
            expected = "Permission denied"
        with pytest.raises(SaveError) as error:
            save_merging(path, loaded.text, session.snapshot())
        assert str(error.value).startswith(f"{path}: not saved, the file is as it was: {expected}")
        assert path.read_bytes() == before
        assert load(path).inspection == loaded.inspection
    finally:
        if os.path.ismount(directory):
            subprocess.run(["umount", str(directory)], check=True)
        directory.chmod(0o755)


# ---------------------------------------------------------------- git


def git(repo, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=ENV)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def moderate_on(repo, branch: str, user: str, changes, decide: tuple[str, str] | None = None) -> None:
    """On a new branch from main: a moderator's session, saved and committed."""
    git(repo, "checkout", "-q", "-b", branch, "main")
    path = repo / "inspection.toml"
    loaded = load(path)
    session = Session(loaded.inspection, loaded.framework, user)
    for case, question, answer in changes:
        session.set_answer(case, question, answer, reason=f"{user} on {case}")
    if decide:
        session.decide(*decide, reason=f"{user}'s panel")
    save_merging(path, loaded.text, session.snapshot())
    git(repo, "commit", "-q", "-am", f"{user} moderates")


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "merge.moderate.name", "moderate: merge inspections answer by answer")
    git(repo, "config", "merge.moderate.driver", f"{shlex.quote(sys.executable)} -m moderate.cli merge-driver %O %A %B")
    (repo / ".gitattributes").write_text("*.toml merge=moderate\n")
    (repo / ".gitignore").write_text("*.bak\n.*.lock\n")
    new_file(repo / "inspection.toml", inspection_text({"2.1.1": ["yes"] * 4, "2.1.2": ["no"] * 4}))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "inspection")
    return repo


@pytest.mark.subprocess
def test_git_merges_two_branches_answer_by_answer_keeping_both_logs(repo):
    moderate_on(repo, "jb", "jb", [("C01", "2.1.1", Answer.NO)])
    moderate_on(repo, "ak", "ak", [("C02", "2.1.2", Answer.YES)], decide=("2.1", "Requires improvement"))
    git(repo, "checkout", "-q", "jb")
    merged = git(repo, "merge", "--no-edit", "ak")
    assert "inspection.toml" in merged.stdout
    inspection = load(repo / "inspection.toml").inspection
    assert inspection.case("C01").answers["2.1.1"] == Answer.NO
    assert inspection.case("C02").answers["2.1.2"] == Answer.YES
    assert [e.reason for e in inspection.moderation] == ["ak on C02", "jb on C01"]  # theirs, then ours appended
    assert [d.reason for d in inspection.discretion] == ["ak's panel"]
    assert git(repo, "status", "--porcelain").stdout == ""


@pytest.mark.subprocess
def test_a_conflicting_git_merge_fails_and_leaves_a_readable_conflict(repo):
    moderate_on(repo, "jb", "jb", [("C01", "2.1.1", Answer.NO), ("C03", "2.1.2", Answer.NA)])
    moderate_on(repo, "ak", "ak", [("C01", "2.1.1", Answer.NA), ("C04", "2.1.2", Answer.YES)])
    git(repo, "checkout", "-q", "jb")
    merged = git(repo, "merge", "--no-edit", "ak", check=False)
    assert merged.returncode != 0
    assert "C01 2.1.1: base yes, ours no, theirs n/a" in merged.stderr + merged.stdout
    assert git(repo, "status", "--porcelain").stdout.startswith("UU inspection.toml")
    path = repo / "inspection.toml"
    assert tomllib.loads(path.read_text())["merge_conflicts"] == [
        {"kind": "answer", "case": "C01", "question": "2.1.1", "base": "yes", "ours": "no", "theirs": "n/a"}
    ]
    inspection = load(path).inspection  # still an inspection the program opens
    assert inspection.case("C01").answers["2.1.1"] == Answer.NO  # ours, until settled
    assert inspection.case("C03").answers["2.1.2"] == Answer.NA and inspection.case("C04").answers["2.1.2"] == Answer.YES
    assert [e.by for e in inspection.moderation] == ["ak", "ak", "jb", "jb"]


@pytest.mark.subprocess
def test_the_merge_driver_refuses_a_broken_version_with_its_place(tmp_path, inspection):
    broken = tmp_path / "theirs.toml"
    broken.write_text(inspection.read_text().replace('title = "Test"', "title = "))
    done = subprocess.run(
        [sys.executable, "-m", "moderate.cli", "merge-driver", str(inspection), str(inspection), str(broken)],
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"theirs version {broken}: line 4, column 9: TOML syntax error")
