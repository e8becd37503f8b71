"""A merging save parses and merges in a child process: killed at any moment, it loses nothing,
the save says so, and the app's screen never waits on the compiled parser."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers.app import go_to, open_app
import processes
from helpers.files import KINDS, REPO, SAMPLES, kinds_of, with_unknown_keys
from helpers.screen import Notified, until
from moderate.merge import merge
from moderate.model import Answer
from moderate.reading import InspectionError, load, parse_text
from moderate.session import Session
from moderate.storage import MergeStopped, save_merging
from moderate.workspace import Workspace

pytestmark = pytest.mark.subprocess


def merging_children(parent: int) -> list[int]:
    """The merge processes `parent` has running now."""
    return processes.children(parent, b"moderate.apart")


def dead(pid: int) -> bool:
    """Gone, or a zombie: a waiting parent's next look finds it ended."""
    return processes.state(pid) in (None, "Z", "X")


class Killer:
    """Kills (SIGKILL) each merge process `parent` starts, as soon as it is seen, while armed.
    Before it is armed, the one kept waiting, if any, is killed and seen dead: a save then
    starts a process of its own, killed while Python starts and imports the merge."""

    def __init__(self, parent: int) -> None:
        self.parent, self.killed, self._stop = parent, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Killer:
        for pid in merging_children(self.parent):
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while not dead(pid):
                assert time.monotonic() < deadline, "a merge process outlived SIGKILL"
                time.sleep(0.002)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            for pid in merging_children(self.parent):
                try:
                    os.kill(pid, signal.SIGKILL)
                    self.killed += 1
                except ProcessLookupError:
                    pass
            time.sleep(0.002)


def their_save(path: Path, user: str, case: str, question: str, answer: Answer) -> None:
    """Someone else's save of one answer: a clean one (the file as they read it), no merge."""
    loaded = load(path)
    session = Session(loaded.inspection, loaded.framework, user)
    session.set_answer(case, question, answer)
    result = save_merging(path, loaded.text, session.snapshot(), base=loaded.inspection)
    assert result.saved and not result.merged


@pytest.fixture
def inspection(tmp_path):
    path = tmp_path / "stockton.toml"
    shutil.copy(SAMPLES / "stockton-on-tees-2021.toml", path)
    path.chmod(0o600)
    return path


def test_a_merge_killed_saves_nothing_and_the_next_save_merges_all_of_it(inspection):
    loaded = load(inspection)
    ours = Session(loaded.inspection, loaded.framework, "jb")
    ours.set_answer("C01", "2.1.1", Answer.NO)
    their_save(inspection, "ak", "C02", "2.1.2", Answer.NO)
    theirs = inspection.read_bytes()
    with Killer(os.getpid()) as killer, pytest.raises(MergeStopped, match="not saved, the file is as it was: the merge"):
        save_merging(inspection, loaded.text, ours.snapshot(), base=loaded.inspection)
    assert killer.killed
    assert inspection.read_bytes() == theirs  # untouched: neither written nor replaced
    assert not merging_children(os.getpid())
    result = save_merging(inspection, loaded.text, ours.snapshot(), base=loaded.inspection, timeout=5)  # the lock was let go
    assert result.saved and result.merged
    saved = load(inspection).inspection
    assert saved.case("C01").answers["2.1.1"] == Answer.NO and saved.case("C02").answers["2.1.2"] == Answer.NO
    assert [(e.by, e.case) for e in saved.moderation] == [("ak", "C02"), ("jb", "C01")]


def test_a_merge_in_its_own_process_writes_what_the_merge_itself_makes(inspection):
    loaded = load(inspection)
    ours = Session(loaded.inspection, loaded.framework, "jb")
    ours.set_answer("C01", "2.1.1", Answer.NO, reason="read again")
    snapshot = ours.snapshot()
    their_save(inspection, "ak", "C03", "2.1.1", Answer.NA)
    theirs = parse_text(inspection.read_text()).inspection
    author = ("jb", ours.clock())
    result = save_merging(inspection, loaded.text, snapshot, base=loaded.inspection, author=author)
    expected = merge(loaded.inspection, snapshot, theirs, author=author, saving=True)
    assert result.merged and not expected.conflicts
    assert inspection.read_text() == result.text == expected.text
    assert result.inspection == expected.inspection
    # What nobody changed comes back as the very records the app holds, not copies of them.
    assert all(a is b for a, b in zip(result.inspection.cases, snapshot.cases, strict=True) if a.id not in ("C01", "C03"))


async def test_the_app_says_a_killed_merge_did_not_save_and_keeps_the_work(inspection):
    told = Notified()
    async with open_app(inspection).run_test(size=(80, 24), message_hook=told) as pilot:
        await go_to(pilot, "2.1.1", "C01")
        await pilot.press("n")
        their_save(inspection, "ak", "C02", "2.1.2", Answer.NO)
        theirs = inspection.read_bytes()
        with Killer(os.getpid()):
            await pilot.press("ctrl+s")
            await until(pilot, lambda: any("the merge was stopped" in m for m in told))
            await until(pilot, lambda: not pilot.app.saver.saving)
        said = next(m for m in told if "the merge was stopped" in m)
        assert said.startswith("Not saved:") and "Your work is still here and in the journal: save again." in said
        assert inspection.read_bytes() == theirs
        assert pilot.app.session.dirty and pilot.app.session.answer("C01", "2.1.1") == Answer.NO
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not pilot.app.session.dirty)
    saved = load(inspection).inspection
    assert saved.case("C01").answers["2.1.1"] == Answer.NO and saved.case("C02").answers["2.1.2"] == Answer.NO


def test_each_of_a_run_of_merging_saves_writes_what_the_merge_itself_makes(inspection):
    # The process kept between saves holds the base it was sent and what it made of it; a
    # save whose base is one of them names it instead of sending it. Whatever the save before
    # did (a conflict, a broken file refused, a merge written), each writes what merging in
    # this process makes.
    loaded = load(inspection)
    text, base = loaded.text, loaded.inspection

    def saved_as_merged(ours: Session, choices: dict | None = None, author=None):
        theirs = parse_text(inspection.read_text()).inspection
        snapshot = ours.snapshot()
        expected = merge(base, snapshot, theirs, choices, author, saving=True)
        result = save_merging(inspection, text, snapshot, choices, base=base, author=author)
        assert result.merged and result.conflicts == expected.conflicts
        assert result.inspection == expected.inspection
        if not expected.conflicts:
            assert inspection.read_text() == result.text == expected.text
        return result

    ours = Session(base, loaded.framework, "jb")
    ours.set_answer("C01", "2.1.1", Answer.NO)
    their_save(inspection, "ak", "C01", "2.1.1", Answer.NA)
    conflicted = saved_as_merged(ours)  # the base sent
    assert [str(c) for c in conflicted.conflicts] == ["C01 2.1.1: base yes, ours no, theirs n/a"]
    written = saved_as_merged(ours, {conflicted.conflicts[0]: "ours"}, ("jb", ours.clock()))  # the base named
    text, base = written.text, written.inspection
    for case in ("C02", "C03"):  # each on the merge the one before wrote, named
        ours = Session(base, loaded.framework, "jb")
        ours.set_answer(case, "2.1.1", Answer.NO)
        their_save(inspection, "ak", case, "2.1.2", Answer.NO)
        written = saved_as_merged(ours)
        text, base = written.text, written.inspection
    good = inspection.read_bytes()
    inspection.write_text(inspection.read_text().replace("[inspection]", "[inspection", 1))
    with pytest.raises(InspectionError):
        save_merging(inspection, text, Session(base, loaded.framework, "jb").snapshot(), base=base)
    inspection.write_bytes(good)
    ours = Session(base, loaded.framework, "jb")
    ours.set_answer("C04", "2.1.1", Answer.NO)
    their_save(inspection, "ak", "C05", "2.1.2", Answer.NO)
    saved_as_merged(ours)  # after a refusal: the base sent again
    on_disk = load(inspection).inspection
    assert [on_disk.case(c).answers["2.1.1"] for c in ("C01", "C02", "C03", "C04")] == [Answer.NO] * 4


def test_a_kept_merge_process_killed_as_a_save_begins_costs_that_save_nothing(inspection):
    # Killed while it waits, the kept process may still look alive as the save hands it the
    # job: the job then goes whole to a new one (a merge process writes nothing, anywhere).
    loaded = load(inspection)
    text, base = loaded.text, loaded.inspection
    for case in ("C01", "C02", "C03", "C05", "C06"):
        their_save(inspection, "ak", case, "2.1.2", Answer.NO)
        for pid in merging_children(os.getpid()):
            os.kill(pid, signal.SIGKILL)
        ours = Session(base, loaded.framework, "jb")
        ours.set_answer(case, "2.2.1", Answer.NO)
        result = save_merging(inspection, text, ours.snapshot(), base=base)
        assert result.saved and result.merged
        text, base = result.text, result.inspection
    saved = load(inspection).inspection
    assert all(saved.case(c).answers["2.1.2"] == saved.case(c).answers["2.2.1"] == Answer.NO for c in ("C01", "C02", "C03"))


SAVER = """
import sys
from moderate.model import Answer
from moderate.reading import load
from moderate.session import Session
from moderate.storage import save_merging
path, base = sys.argv[1], sys.argv[2]
loaded = load(base)
session = Session(loaded.inspection, loaded.framework, "jb")
session.set_answer("C01", "2.1.1", Answer.NO)
print("saving", flush=True)
save_merging(path, loaded.text, session.snapshot(), base=loaded.inspection)
print("saved", flush=True)
"""


def test_the_merge_ends_with_the_app_killed_during_it_and_the_file_is_as_it_was(inspection, tmp_path):
    base = tmp_path / "base.toml"
    shutil.copy(inspection, base)
    their_save(inspection, "ak", "C02", "2.1.2", Answer.NO)
    theirs = inspection.read_bytes()
    app = subprocess.Popen([sys.executable, "-c", SAVER, str(inspection), str(base)], cwd=REPO, stdout=subprocess.PIPE)
    assert app.stdout is not None and app.stdout.readline() == b"saving\n"
    deadline = time.monotonic() + 30
    while not (children := merging_children(app.pid)):
        assert time.monotonic() < deadline, "no merge process was started"
        time.sleep(0.001)
    app.kill()
    app.wait()
    app.stdout.close()
    while Path(f"/proc/{children[0]}").exists() and Path(f"/proc/{children[0]}/cmdline").read_bytes():
        assert time.monotonic() < deadline, "the merge went on without the app"
        time.sleep(0.01)
    assert inspection.read_bytes() == theirs


SAVES = """
import sys, threading
from moderate.model import Answer
from moderate.reading import load
from moderate.session import Session
from moderate.storage import save_merging
path = sys.argv[1]
loaded = load(path)
text, inspection = loaded.text, loaded.inspection
print("read", flush=True)
for case in sys.argv[2:]:
    input()  # someone else has saved meanwhile
    session = Session(inspection, loaded.framework, "jb")
    session.set_answer(case, "2.1.1", Answer.NO)
    done = []  # each save in a thread of its own that then ends, as the app's saves are
    saving = threading.Thread(target=lambda: done.append(save_merging(path, text, session.snapshot(), base=inspection)))
    saving.start()
    saving.join()
    result = done[0]
    assert result.saved and result.merged
    text, inspection = result.text, result.inspection
    print("saved", flush=True)
input()
"""


def test_merging_saves_one_after_another_are_merged_by_one_process_that_ends_with_the_app(inspection):
    # Python's start and the merge's imports cost about a tenth of a second of CPU: paid once,
    # not by every merging save. A kept process killed while it waits costs a save nothing.
    app = subprocess.Popen(
        [sys.executable, "-c", SAVES, str(inspection), "C01", "C02", "C03"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert app.stdin is not None and app.stdout is not None and app.stdout.readline() == "read\n"

    def merged_after(case: str) -> list[int]:
        their_save(inspection, "ak", case, "2.1.2", Answer.NO)
        app.stdin.write("\n")
        app.stdin.flush()
        assert app.stdout.readline() == "saved\n"
        return merging_children(app.pid)

    first = merged_after("C02")
    assert len(first) == 1  # kept, waiting
    assert merged_after("C03") == first
    os.kill(first[0], signal.SIGKILL)
    third = merged_after("C05")
    assert len(third) == 1 and third != first
    app.stdin.write("\n")
    app.stdin.close()
    assert app.wait(timeout=30) == 0
    app.stdout.close()
    deadline = time.monotonic() + 30
    while Path(f"/proc/{third[0]}").exists() and Path(f"/proc/{third[0]}/cmdline").read_bytes():
        assert time.monotonic() < deadline, "the merge process outlived the app"
        time.sleep(0.01)
    saved = load(inspection).inspection
    assert all(saved.case(case).answers["2.1.1"] == Answer.NO for case in ("C01", "C02", "C03"))
    assert all(saved.case(case).answers["2.1.2"] == Answer.NO for case in ("C02", "C03", "C05"))


def test_a_merge_process_handed_what_it_cannot_read_says_so_and_takes_nothing_after_it_as_a_job():
    code = "import sys; sys.path.insert(0, sys.argv[1]); from moderate.apart import main; main()"
    frame = b"not a job"
    sent = (len(frame).to_bytes(8, "big") + frame) * 2
    done = subprocess.run([sys.executable, "-c", code, str(REPO), str(os.getpid())], input=sent, capture_output=True, timeout=60)
    assert done.returncode == 0
    length = int.from_bytes(done.stdout[:8], "big")
    kind, why = pickle.loads(done.stdout[8 : 8 + length])
    assert kind == "failed" and why.startswith("UnpicklingError")
    assert len(done.stdout) == 8 + length + 8  # its answer's two frames (the second empty), once


def test_a_merge_whose_process_says_much_on_stderr_still_saves(inspection, tmp_path):
    # An interpreter told to be verbose (as a developer's shell may have it) says far more on
    # stderr than a pipe holds before it has read what it is to merge: the save must not wait
    # on it for ever, holding the file's lock.
    base = tmp_path / "base.toml"
    shutil.copy(inspection, base)
    their_save(inspection, "ak", "C02", "2.1.2", Answer.NO)
    env = {**os.environ, "PYTHONVERBOSE": "2"}
    done = subprocess.run(
        [sys.executable, "-c", SAVER, str(inspection), str(base)], cwd=REPO, capture_output=True, env=env, timeout=120
    )
    assert done.returncode == 0 and done.stdout.endswith(b"saved\n"), done.stderr[-2000:]
    saved = load(inspection).inspection
    assert saved.case("C01").answers["2.1.1"] == Answer.NO and saved.case("C02").answers["2.1.2"] == Answer.NO


async def test_the_app_says_a_killed_reading_of_anothers_save_and_reloads_the_next(inspection):
    told = Notified()
    async with open_app(inspection).run_test(size=(80, 24), message_hook=told) as pilot:
        with Killer(os.getpid()) as killer:
            their_save(inspection, "ak", "C02", "2.1.2", Answer.NO)
            await until(pilot, lambda: any("could not be read" in m for m in told))
        assert killer.killed
        said = next(m for m in told if "could not be read" in m)
        assert "the reading of the file was stopped (killed by signal 9)" in said and "Your work is as it was" in said
        assert pilot.app.session.answer("C02", "2.1.2") == Answer.YES and not pilot.app.session.dirty
        their_save(inspection, "ak", "C03", "2.1.2", Answer.NO)
        await until(pilot, lambda: pilot.app.session.answer("C03", "2.1.2") == Answer.NO)
        assert pilot.app.session.answer("C02", "2.1.2") == Answer.NO  # theirs, all of it, once read


@pytest.mark.parametrize("key", list(KINDS))
def test_anothers_save_that_changed_only_a_values_kind_is_read_and_merged_as_they_wrote_it(key, tmp_path):
    was, now = KINDS[key]
    path = tmp_path / "kinds.toml"
    path.write_text(with_unknown_keys({key: was}, {key: was}))
    theirs = with_unknown_keys({key: now}, {key: now})
    as_they_wrote_it = kinds_of(parse_text(theirs).inspection)
    # Read by an app with nothing unsaved, which goes on from their save.
    workspace = Workspace.open(path, "jb")
    path.write_text(theirs)
    assert workspace.take(workspace.read_theirs(clean=True)) is not None
    assert kinds_of(workspace.loaded.inspection) == as_they_wrote_it
    workspace.close(keep_unsaved=False)
    # Merged into a save of ours made on the file as it was before theirs.
    path.write_text(with_unknown_keys({key: was}, {key: was}))
    loaded = load(path)
    ours = Session(loaded.inspection, loaded.framework, "jb")
    ours.set_answer("C01", "2.1.1", Answer.NO)
    path.write_text(theirs)
    assert save_merging(path, loaded.text, ours.snapshot(), base=loaded.inspection).merged
    assert kinds_of(load(path).inspection) == as_they_wrote_it
