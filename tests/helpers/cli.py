"""The real command line, run as a user runs it: each run a process of its own, forked from one
that has started Python and imported the core already (`helpers.zygote`)."""

from __future__ import annotations

import io
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

_TIMEOUT = 120  # seconds: a hang fails the test
# What Python reads from the environment as it starts: a run whose environment differs from the
# zygote's in one of these is started afresh, as a user's would be.
_AT_START = ("PYTHON", "LC_", "LANG")


def moderate(
    *args: str | Path, cwd: Path | None = None, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `moderate ARGS...` and take what it printed; bounded, so that a hang fails the test."""
    argv = [sys.executable, "-m", "moderate.cli", *map(str, args)]
    if preexec_fn is not None or _Zygote.started_differently():
        return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=_TIMEOUT, preexec_fn=preexec_fn)
    return _Zygote.run(argv, cwd)


class _Zygote:
    """This test process's zygote, started at its first run and ended with it."""

    _lock = threading.Lock()
    _socket: socket.socket | None = None
    _environment: dict[str, str] = {}

    @classmethod
    def started_differently(cls) -> bool:
        if cls._socket is None:
            return False
        names = os.environ.keys() | cls._environment.keys()
        return any(name.startswith(_AT_START) and os.environ.get(name) != cls._environment.get(name) for name in names)

    @classmethod
    def run(cls, argv: list[str], cwd: Path | None) -> subprocess.CompletedProcess[str]:
        with cls._lock:
            asked = cls._socket or cls._start()
            out, out_end = os.pipe()
            err, err_end = os.pipe()
            try:
                request = {"argv": argv[2:], "cwd": str(cwd or Path.cwd()), "env": dict(os.environ)}
                socket.send_fds(asked, [json.dumps(request).encode()], [0, out_end, err_end])
            finally:
                os.close(out_end)
                os.close(err_end)
            return cls._wait(asked, argv, out, err)

    @classmethod
    def _start(cls) -> socket.socket:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("zygote.py")), str(theirs.fileno())],
            # Its exit is noticed by no one: it ends when this process's end of the pair closes.
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        cls._socket, cls._environment = ours, dict(os.environ)
        return ours

    @classmethod
    def _wait(cls, asked: socket.socket, argv: list[str], out: int, err: int) -> subprocess.CompletedProcess[str]:
        """What the run printed on each stream, read as it comes (a full pipe would stop it), and
        its status; the run killed if it has not ended in time."""
        said = {out: bytearray(), err: bytearray()}
        answers: dict[str, int] = {}
        deadline = time.monotonic() + _TIMEOUT
        try:
            with selectors.DefaultSelector() as waiting:
                for each in (out, err, asked):
                    waiting.register(each, selectors.EVENT_READ)
                while waiting.get_map():
                    ready = waiting.select(max(deadline - time.monotonic(), 0))
                    if not ready:
                        cls._kill(asked, answers)
                        raise subprocess.TimeoutExpired(argv, _TIMEOUT)
                    for key, _ in ready:
                        if key.fileobj is asked:
                            answers.update(cls._answer(asked))
                            if "status" in answers:
                                waiting.unregister(asked)
                        elif chunk := os.read(key.fd, 1 << 16):
                            said[key.fd] += chunk
                        else:
                            waiting.unregister(key.fd)
        finally:
            os.close(out)
            os.close(err)
        return subprocess.CompletedProcess(argv, answers["status"], _decoded(said[out]), _decoded(said[err]))

    @classmethod
    def _answer(cls, asked: socket.socket) -> dict[str, int]:
        message = asked.recv(1 << 16)
        if not message:
            cls._socket = None
            raise RuntimeError("the zygote the command line is forked from has ended")
        answer: dict[str, int] = json.loads(message)
        return answer

    @classmethod
    def _kill(cls, asked: socket.socket, answers: dict[str, int]) -> None:
        """The run killed, and its status taken, so that the next run's answers are its own."""
        while "pid" not in answers:
            answers.update(cls._answer(asked))
        os.kill(answers["pid"], signal.SIGKILL)
        while "status" not in answers:
            answers.update(cls._answer(asked))


def _decoded(data: bytearray) -> str:
    """As `subprocess.run(text=True)` decodes: the locale's encoding, universal newlines."""
    return io.TextIOWrapper(io.BytesIO(bytes(data))).read()


def second_assessed(path: Path, by: str = "qa", sample: str = "court") -> None:
    """`by`'s second assessment of a sample's cases, imported as a user would: the first answers
    with every other case's first three yes answered no, so that some pairs disagree."""
    answers = moderate("answers", path, "--sample", sample).stdout.splitlines()
    flipped = [answers[0]] + [line.replace("yes", "no", 3) if i % 2 else line for i, line in enumerate(answers[1:])]
    table = path.with_name(f"{path.stem}-second-{by}.csv")
    table.write_text("\n".join(flipped) + "\n", encoding="utf-8")
    done = moderate("import", path, table, "--second", "--as", by)
    assert done.returncode == 0, done.stderr
