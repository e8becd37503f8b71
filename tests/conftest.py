"""The fixtures every test may ask for; the helpers they import are in `helpers/`."""

from __future__ import annotations

import atexit
import os
import shutil
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In parallel (pytest -n), the slow tests go first: one started last would keep its
    worker busy long after the others had finished. Otherwise the order stays as written."""
    if hasattr(config, "workerinput"):  # an xdist worker: every worker sorts alike
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)
