"""Every help text prints: the first thing a new user runs must never end in a traceback."""

from __future__ import annotations

import pytest

import re

from helpers.cli import moderate

from moderate import __version__

pytestmark = pytest.mark.subprocess


def _commands() -> list[str]:
    """The subcommands the top-level help lists, so that a new one is covered without a word here."""
    listed = re.findall(r"^    ([a-z][a-z-]+)", moderate("--help").stdout, flags=re.MULTILINE)
    assert "report" in listed and "merge-driver" in listed
    return listed


def test_every_command_prints_its_help_and_the_version():
    for command in ["", *_commands()]:
        done = moderate(*command.split(), "--help")
        assert (done.returncode, done.stderr) == (0, ""), command
        assert "usage: moderate" in done.stdout
        assert "%%" not in done.stdout  # argparse's escape, shown as it was typed
    done = moderate("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"moderate {__version__}")


def test_the_top_level_help_names_the_app_s_options():
    shown = moderate("--help").stdout
    assert "--as NAME" in shown and "--theme THEME" in shown


def test_the_merge_driver_s_help_shows_git_s_placeholders_as_git_wants_them():
    assert "moderate merge-driver %O %A %B" in " ".join(moderate("merge-driver", "--help").stdout.split())
