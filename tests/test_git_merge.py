"""Sharing an inspection through git, as the README sets it up, with real `git merge`: the
merge driver keeps every log entry of both branches byte for byte, and `moderate check` fails
on a file settled by hand whose log no longer ends where its answers do (issue 22, finding 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from helpers.cli import moderate
from helpers.files import SAMPLES
from moderate.reading import parse_text
from moderate.writing import dumps

pytestmark = pytest.mark.subprocess

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,  # nobody's own git settings change what the test sees
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}
FILE = "s.toml"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository holding a copy of the Stockton sample, the merge driver configured as the README says."""
    repo = tmp_path / "inspections"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / FILE).write_bytes((SAMPLES / "stockton-on-tees-2021.toml").read_bytes())
    (repo / ".gitattributes").write_text("*.toml merge=moderate\n")
    (repo / ".gitignore").write_text("*.bak\n.*.lock\n")
    git(repo, "config", "merge.moderate.name", "moderate: merge inspections answer by answer")
    git(repo, "config", "merge.moderate.driver", f"{sys.executable} -m moderate.cli merge-driver %O %A %B")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the inspection")
    return repo


def imported(repo: Path, branch: str, user: str, rows: str) -> None:
    """On a new branch from main: `moderate import` of a table of answers, as `user`, committed."""
    git(repo, "checkout", "-q", "-b", branch, "main")
    table = repo.parent / f"{branch}.csv"
    table.write_text("case,question,answer\n" + rows)
    result = moderate("import", str(repo / FILE), str(table), "--as", user, "--reason", f"{user}'s reading")
    assert result.returncode == 0, result.stderr
    git(repo, "commit", "-q", "-am", f"{user}'s moderation")


def tables(text: str, name: str) -> list[str]:
    """Each `[[name]]` table of a canonical file, as its text."""
    return ["[[" + part.rstrip("\n") for part in text.split("\n[[")[1:] if part.startswith(f"{name}]]")]


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return moderate("check", str(path))


def test_a_merge_with_a_conflict_keeps_both_branches_entries_byte_for_byte(repo):
    imported(repo, "A", "ann", "C01,2.1.1,no\nC02,2.1.2,no\n")
    imported(repo, "B", "ben", "C01,2.1.1,n/a\nC03,2.1.1,no\n")
    git(repo, "checkout", "-q", "A")
    merging = git(repo, "merge", "-q", "B", check=False)
    assert merging.returncode != 0  # git stops on the conflict, as it should
    merged = (repo / FILE).read_text()
    mine, yours = (git(repo, "show", f"{branch}:{FILE}").stdout for branch in ("A", "B"))
    entries = tables(merged, "moderation")
    for side in (mine, yours):
        assert tables(side, "moderation") and all(entry in entries for entry in tables(side, "moderation"))
        assert tables(side, "discretion") == tables(merged, "discretion")
    assert len(entries) == 4  # nothing added, nothing dropped
    assert 'from = "yes"\nto = "no"\nby = "ann"' in merged and 'from = "n/a"' not in merged
    (left,) = tables(merged, "merge_conflicts")
    assert 'case = "C01"\nquestion = "2.1.1"\nbase = "yes"\nours = "no"\ntheirs = "n/a"' in left
    # the answers that did not clash are merged; the clash keeps ours until settled
    answers = {c.id: c.answers for c in parse_text(merged).inspection.cases}
    assert (answers["C01"]["2.1.1"], answers["C02"]["2.1.2"], answers["C03"]["2.1.1"]) == ("no", "no", "no")
    assert check(repo / FILE).returncode == 2


def test_check_fails_on_a_conflict_settled_by_hand_until_the_log_says_so(repo):
    imported(repo, "A", "ann", "C01,2.1.1,no\n")
    imported(repo, "B", "ben", "C01,2.1.1,n/a\n")
    git(repo, "checkout", "-q", "A")
    git(repo, "merge", "-q", "B", check=False)
    # settled by hand as the README used to say: the answer set to theirs, the tables deleted
    text = (repo / FILE).read_text()
    text = text[: text.index("\n[[merge_conflicts]]")] + "\n"
    c01 = text.index('id = "C01"')
    answer = text.index('"2.1.1" = "no"', c01)
    (repo / FILE).write_text(text[:answer] + '"2.1.1" = "n/a"' + text[answer + len('"2.1.1" = "no"') :])
    result = check(repo / FILE)
    assert result.returncode == 2
    assert "C01 2.1.1: the log's last entry on it (moderation[1], by ann at " in result.stderr
    assert "says no; the file holds n/a" in result.stderr
    assert "append a [[moderation]] entry from what the log says to what the file holds" in result.stderr
    assert "ok (" not in result.stdout
    # an entry appended that says what the settling did: the log tells the truth again
    with (repo / FILE).open("a") as f:
        f.write(
            '\n[[moderation]]\ncase = "C01"\nquestion = "2.1.1"\nfrom = "no"\nto = "n/a"\nby = "lead"\n'
            'at = 2026-12-01T10:00:00Z\nreason = "merge settled: ben\'s reading stands"\n'
        )
    result = check(repo / FILE)
    assert result.returncode == 0, result.stderr


def test_a_case_deleted_on_one_branch_and_edited_on_the_other_keeps_the_edit_and_its_entry(repo):
    imported(repo, "B", "ben", "C02,2.1.1,no\n")
    git(repo, "checkout", "-q", "-b", "A", "main")
    inspection = parse_text((repo / FILE).read_text()).inspection
    (repo / FILE).write_text(dumps(replace(inspection, cases=tuple(c for c in inspection.cases if c.id != "C02"))))
    git(repo, "commit", "-q", "-am", "C02 was never in the sample")
    merging = git(repo, "merge", "-q", "B", check=False)
    assert merging.returncode != 0
    merged = (repo / FILE).read_text()
    (entry,) = tables(git(repo, "show", f"B:{FILE}").stdout, "moderation")
    assert tables(merged, "moderation") == [entry]
    (left,) = tables(merged, "merge_conflicts")
    assert 'field = "cases.C02"\nbase = "present"\nours = "deleted"\ntheirs = "edited"' in left
    # the edited case is kept until someone chooses: its entry is true of it
    assert parse_text(merged).inspection.case("C02").answers["2.1.1"] == "no"
    # settled as deleted, by hand: the entry now speaks of a case the file no longer has
    inspection = parse_text(merged).inspection
    settled = replace(
        inspection,
        cases=tuple(c for c in inspection.cases if c.id != "C02"),
        extra={k: v for k, v in inspection.extra.items() if k != "merge_conflicts"},
    )
    (repo / FILE).write_text(dumps(settled))
    result = check(repo / FILE)
    assert result.returncode == 2
    assert "C02 2.1.1: the log's last entry on it (moderation[0], by ben at " in result.stderr
    assert "says no; the file holds unanswered" in result.stderr
