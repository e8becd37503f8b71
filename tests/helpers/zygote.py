"""The process each run of the command line is forked from (`helpers.cli.moderate`).

Started once by a test process, it starts Python and imports the core once (but for
`moderate.cli` itself, run afresh each time), then waits. For each run it is asked for, it
forks: the child takes the run's standard streams, working directory, environment and
arguments and runs `python -m moderate.cli` from there on, as a user's process would; its exit
status goes back to the asker. A run thus costs what the command costs, not the tenth of a
second of starting Python and importing that the suite's many hundred runs would otherwise
spend each.

    python zygote.py FD      # FD: its end of a SOCK_SEQPACKET socket pair

Asked: a JSON message {"argv", "cwd", "env"} with three descriptors (stdin, stdout, stderr).
Answered: {"pid": N} as the child starts, then {"status": S} (as `subprocess` gives it:
negative for a signal) when it has ended. The asker closing its end ends this process.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import runpy
import socket
import sys
import time

import moderate

# The core, but for the command line itself, which each run executes as `__main__` as `python -m`
# does; the screens (and Textual, which reads its settings from the environment as it is
# imported) are imported by a run that opens the app, as a user's would.
for module in pkgutil.walk_packages(moderate.__path__, "moderate."):
    if module.name != "moderate.cli" and not module.name.startswith("moderate.screens"):
        importlib.import_module(module.name)

asked = socket.socket(fileno=int(sys.argv[1]))
while True:
    message, descriptors, _, _ = socket.recv_fds(asked, 1 << 20, 3)
    if not message:
        break
    run = json.loads(message)
    pid = os.fork()
    if pid == 0:
        asked.close()
        for target, descriptor in enumerate(descriptors):
            os.dup2(descriptor, target)
        for descriptor in descriptors:
            if descriptor > 2:
                os.close(descriptor)
        os.chdir(run["cwd"])
        os.environ.clear()
        os.environ.update(run["env"])
        time.tzset()
        sys.path[0] = os.getcwd()  # as `python -m` puts it
        sys.argv = run["argv"]
        # What follows is the run itself: an exception or exit ends this child as it ends a
        # user's process (the traceback printed, the status Python gives, atexit run).
        runpy.run_module("moderate.cli", run_name="__main__", alter_sys=True)
        sys.exit(0)
    for descriptor in descriptors:
        os.close(descriptor)
    asked.send(json.dumps({"pid": pid}).encode())
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    asked.send(json.dumps({"status": code}).encode())
