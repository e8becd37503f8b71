"""A program in a real pseudo-terminal, as over SSH: the one driver the tests and the benchmark share.

The pilot of Textual's tests runs the app without a terminal; what it cannot see (what is
written to the terminal, a hang-up, a terminal that closes, the bytes a key costs, the time
it takes) needs a real one. Every byte the program writes is read, kept and timed as it
arrives, so that it never blocks on a full terminal.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from pathlib import Path


# A control sequence (CSI: cursor moves, colours) or a lone escape: what sits between two runs of
# text a screen shows side by side when the program writes only the cells that changed.
_CONTROLS = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


class NotShown(AssertionError):
    """What was waited for never showed in time: a failure in a test, an error in the benchmark."""


class PseudoTerminal:
    """`argv` run in a pseudo-terminal of `width`×`height`, in a session of its own.

    `controlling`: the terminal is the program's controlling terminal, as over SSH (closing
    it hangs the program up); else only its standard input and output, so that closing it
    sends no hang-up and the program must notice the terminal gone by itself."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        width: int = 80,
        height: int = 24,
        cwd: Path | str | None = None,
        controlling: bool = True,
    ) -> None:
        self.started = time.monotonic()
        master, device = pty.openpty()
        fcntl.ioctl(device, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        pid = os.fork()
        if pid == 0:  # the child: only what is safe between fork and exec
            try:
                os.close(master)
                os.setsid()
                if controlling:
                    fcntl.ioctl(device, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(device, fd)
                if device > 2:
                    os.close(device)
                if cwd is not None:
                    os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        os.close(device)
        self.pid, self.fd = pid, master
        self.total = 0
        self.output = bytearray()
        self.arrivals: list[tuple[float, int]] = []  # (time, bytes read so far)
        self.status: int | None = None  # os.waitpid's, once the program has ended and been waited for

    # ------------------------------------------------------------ reading

    def chunk(self, timeout: float) -> bytes | None:
        """What arrives within `timeout` (b"" if nothing), None once the program has gone."""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return None
        if chunk:
            self.total += len(chunk)
            self.output += chunk
            self.arrivals.append((time.monotonic(), self.total))
        return chunk or None

    def read(self, seconds: float) -> None:
        """Read for `seconds` (less if the program ends)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.chunk(left) is None:
                return

    def shown(self, needle: bytes, since: int = 0) -> bool:
        """Whether `needle` has been written since byte `since`, as the screen shows text:
        control sequences between its runs left out (see `read_until`)."""
        return needle in _CONTROLS.sub(b"", self.output[since:])

    def read_until(self, needle: bytes, seconds: float = 15) -> bytes:
        """What is written from now until `needle` has been (NotShown after `seconds`): its text
        as the screen shows it, control sequences between its runs left out (a notice over the
        grid is written a cell at a time, each run after a cursor move)."""
        mark = len(self.output)
        deadline = time.monotonic() + seconds
        while not self.shown(needle, mark):
            if time.monotonic() >= deadline:
                raise NotShown(f"{needle!r} never appeared")
            if self.chunk(min(0.2, max(deadline - time.monotonic(), 0))) is None:
                raise NotShown(f"{needle!r} never appeared: the program has ended")
        return bytes(self.output[mark:])

    def settle(self, quiet: float, limit: float = 30.0, first: float | None = None, least: int = 1) -> float | None:
        """Read until at least `least` bytes have come (waiting up to `first` s for each read)
        and then nothing for `quiet` s; the time the last byte arrived, None if nothing came."""
        last = None
        before = self.total
        end = time.monotonic() + limit
        while time.monotonic() < end:
            waiting = first if first is not None and self.total - before < least else quiet
            if not self.chunk(waiting):
                break
            last = time.monotonic()
        return last

    # ------------------------------------------------------------ writing

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def press(self, key: bytes, quiet: float = 0.25) -> tuple[float, int, float, float]:
        """Write `key`; (seconds to the last byte it caused, bytes, sent at, settled at)."""
        before = self.total
        sent = time.monotonic()
        self.write(key)
        last = self.settle(quiet, first=5.0)
        if last is None:
            raise RuntimeError(f"the key {key!r} changed nothing on the screen")
        return last - sent, self.total - before, sent, last

    # ------------------------------------------------------------ the program

    def memory(self) -> tuple[int, int]:
        """(resident, peak) bytes of the program: VmRSS and VmHWM."""
        with open(f"/proc/{self.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024

    def signal(self, number: int) -> None:
        if self.status is None:
            os.kill(self.pid, number)

    def ended(self) -> bool:
        """Whether the program has ended (waited for, without blocking)."""
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None

    def wait(self, timeout: float) -> int:
        """The program's exit code once it ends (as subprocess gives it: -N for signal N),
        reading what it writes meanwhile; TimeoutError if it is still running after `timeout`."""
        deadline = time.monotonic() + timeout
        while not self.ended():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.pid} still running after {timeout} s")
            if self.fd < 0 or self.chunk(0.05) is None:  # nothing more to read: it is ending
                time.sleep(0.05)
        while self.fd >= 0 and self.chunk(0):  # what it wrote last, still on its way
            pass
        assert self.status is not None
        return os.waitstatus_to_exitcode(self.status)

    def let_go(self) -> None:
        """Close our side of the terminal: to the program, the terminal is gone."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def close(self) -> None:
        """End the program (SIGTERM, SIGKILL after 5 s), and close the terminal."""
        try:
            self.signal(signal.SIGTERM)
            self.wait(5)
        except ProcessLookupError:
            pass
        except TimeoutError:
            self.signal(signal.SIGKILL)
            _, self.status = os.waitpid(self.pid, 0)
        self.let_go()
