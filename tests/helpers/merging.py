"""Two branches of one small inspection, and what git's merge driver leaves of them."""

from __future__ import annotations

from pathlib import Path

from moderate.cli import main
from moderate.model import Answer
from moderate.reading import parse_text
from moderate.session import Session
from moderate.writing import dumps

from .files import inspection_text

BASE = inspection_text({"2.1.1": ["yes", "yes", "no"], "2.1.2": ["no", "yes", "yes"]})


def branch(user: str, *commands) -> str:
    """The base with `commands` done on it by `user`, as a saved file's text."""
    loaded = parse_text(BASE)
    session = Session(loaded.inspection, loaded.framework, user)
    for command, *args in commands:
        if command == "set_answer":
            args[2] = Answer(args[2])
        getattr(session, command)(*args)
    return dumps(session.snapshot())


def merged(tmp_path: Path, ours: str, theirs: str) -> Path:
    """What git's merge driver leaves of two branches: the merged file, with its conflicts."""
    paths = []
    for name, text in (("base", dumps(parse_text(BASE).inspection)), ("ours", ours), ("theirs", theirs)):
        paths.append(tmp_path / f"{name}.toml")
        paths[-1].write_text(text, encoding="utf-8")
    assert main(["merge-driver", *map(str, paths)]) == 1
    return paths[1]
