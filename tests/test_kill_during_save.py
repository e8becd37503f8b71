"""kill -9 in the middle of saves: the file is always one whole version, never a mix or a part."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from helpers.files import REPO, SAMPLES
from moderate.model import Answer
from moderate.reading import load, parse_bytes
from moderate.session import Session
from moderate.writing import dumps

pytestmark = pytest.mark.subprocess

KILLS = 250

# One process imports the save and forks a child per kill, each saving until killed: a fork
# costs a millisecond where a new interpreter cost a quarter of a second, 250 times over.
CHILD = """
import os, sys
from moderate.storage import write_text
path, a, b = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read()
for _ in sys.stdin:  # a line: one more save to kill
    pid = os.fork()
    if pid == 0:
        print(os.getpid(), flush=True)
        print("saving", flush=True)
        while True:
            write_text(path, a)
            write_text(path, b)
    os.waitpid(pid, 0)
    print("gone", flush=True)
"""


def _versions() -> tuple[str, str]:
    loaded = load(SAMPLES / "stockton-on-tees-2021.toml")
    session = Session(loaded.inspection, loaded.framework, "jb")
    for case, answers in list(session.answers.items()):
        for question, answer in list(answers.items()):
            if answer != Answer.NA:
                session.set_answer(
                    case,
                    question,
                    Answer.NO if answer == Answer.YES else Answer.YES,
                    reason="Re-read against the case file: " + "the plan says otherwise. " * 4,
                )
    return loaded.text, dumps(session.snapshot())


def test_the_file_is_always_one_whole_version_whatever_moment_the_save_is_killed(tmp_path):
    a, b = _versions()
    assert len(b) > 3 * len(a)  # a long write, so that kills land inside it too
    path = tmp_path / "inspection.toml"
    path.write_text(a)
    (tmp_path / "a").write_text(a)
    (tmp_path / "b").write_text(b)
    versions = {a.encode(): "A", b.encode(): "B"}
    parse_bytes(a.encode()), parse_bytes(b.encode())
    random.seed(20261123)
    seen, interrupted, started = {"A": 0, "B": 0}, 0, time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(tmp_path / "a"), str(tmp_path / "b")],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    for _ in range(KILLS):
        child.stdin.write(b"save\n")
        child.stdin.flush()
        saving = int(child.stdout.readline())
        assert child.stdout.readline() == b"saving\n"
        time.sleep(random.uniform(0, 0.015))
        os.kill(saving, signal.SIGKILL)
        assert child.stdout.readline() == b"gone\n"  # killed, and waited for
        data = path.read_bytes()
        assert data in versions, f"after a kill the file is neither version ({len(data)} bytes)"
        seen[versions[data]] += 1
        for temporary in tmp_path.glob(".inspection.toml.*.tmp"):  # a save cut short: its temporary file
            interrupted += 1
            temporary.unlink()
    child.stdin.close()
    assert child.wait(timeout=30) == 0
    child.stdout.close()
    print(
        f"\n{KILLS} kills in {time.monotonic() - started:.1f} s: file was A {seen['A']} times, B {seen['B']} times; "
        f"{interrupted} kills landed while a temporary file was being written"
    )
    assert seen["A"] and seen["B"] and interrupted
