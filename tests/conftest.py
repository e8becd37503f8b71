"""The fixtures every test may ask for; the helpers they import are in `helpers/`."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from helpers.files import SAMPLES


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported: what one reads or runs at import (a load, a copy of
    the environment for its processes) never touches the settings or cache of whoever runs them."""
    home = Path(tempfile.mkdtemp(prefix="moderate-tests-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(home / name.lower())
    # The processes the tests start (the command line, the app, a merge's child) read their
    # modules' bytecode as an installed program does (pip compiles it): with
    # PYTHONDONTWRITEBYTECODE set, as here, every one compiled every module it imports again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # This process too keeps, from here on, the bytecode it compiles and pytest's rewrite of
    # each test module's asserts: without them, each worker of `pytest -n` spent about 3 s of
    # CPU rewriting and compiling before its first test.
    sys.dont_write_bytecode = False


@pytest.fixture(autouse=True)
def own_settings(tmp_path_factory, monkeypatch) -> None:
    """Every test starts with no saved settings (theme, keymap, cursor advance) and no copy of
    the sample: what a user of this machine saved must never change what a test sees."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))


@pytest.fixture
def stockton(tmp_path) -> Path:
    """A copy of the Stockton-on-Tees sample to moderate."""
    path = tmp_path / "stockton.toml"
    path.write_bytes((SAMPLES / "stockton-on-tees-2021.toml").read_bytes())
    return path


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers for each core the suite may use, and one more. Its tests wait
    about half their time (the pilot waits for the app to idle after each key; terminals and
    the processes the tests start; the soak's minute): fewer workers leave the cores idle,
    more gain nothing."""
    return 2 * len(os.sched_getaffinity(0)) + 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In parallel (pytest -n), where each worker is handed one test as it starts another
    (`--maxschedchunk=1`), the slow tests start first, the slowest kinds (the soak, with its
    terminals and processes; then those that start processes) before the rest, and each is
    followed by a quick one: the test a worker holds next waits behind the one it runs, and
    must not be slow too. Otherwise the order stays as written."""
    if not hasattr(config, "workerinput"):  # not an xdist worker (every worker orders alike)
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    quick = [item for item in items if not item.get_closest_marker("slow")]
    slow.sort(key=lambda item: -sum(item.get_closest_marker(kind) is not None for kind in ("terminal", "subprocess")))
    items[:] = [*(item for pair in zip(slow, quick, strict=False) for item in pair), *slow[len(quick) :], *quick[len(slow) :]]
