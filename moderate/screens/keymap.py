"""The user's keymap (`[keymap]` binding id = keys), checked against the app's bindings.

A keymap with any problem (TOML syntax, a value that is not a string of keys, an unknown
binding id, two bindings on the same key where both are active) is not applied at all:
the app opens with its default keys and says what is wrong, with the file and line.

Which bindings are active together is read from the screens themselves (`scopes`): every
screen and dialog of the program, each with the app's bindings and its widgets' (a screen
names the widgets of ours inside it that have keys of their own, in `WIDGETS_WITH_KEYS`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import tomllib
from typing import Any, Iterable, Iterator, Sequence

from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

Scope = Sequence[Sequence[BindingType]]  # the BINDINGS active together (an app, a screen, its widgets)


def scopes(app: type[DOMNode]) -> list[Scope]:
    """One scope for each screen and dialog of the app's package, its modules imported first
    (so that a screen imported only when first shown is found too)."""
    package = app.__module__.rpartition(".")[0]
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__, package + "."):
        importlib.import_module(module.name)
    ours = sorted((s for s in _subclasses(Screen) if s.__module__.startswith(package + ".")), key=lambda s: s.__qualname__)
    return [[_own(app), _own(screen), *(_own(w) for w in getattr(screen, "WIDGETS_WITH_KEYS", ()))] for screen in ours]


def _subclasses(cls: type[Any]) -> Iterator[type[Any]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _own(cls: type[DOMNode]) -> list[BindingType]:
    """A class's bindings and those it inherits from classes of its package (not Textual's own)."""
    package = cls.__module__.partition(".")[0]
    return [b for c in cls.__mro__ if c.__module__.startswith(package + ".") for b in c.__dict__.get("BINDINGS", ())]


def _bindings(scope: Scope) -> Iterable[Binding]:
    for bindings in scope:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id is not None:
                yield binding


def _line(text: str, binding_id: str) -> int:
    """The line that sets a binding id, written whole in quotes ("answer.yes") or dotted, each
    part bare or quoted (answer.yes, which TOML reads as tables); 1 if it cannot be told."""
    whole = "|".join(f"{quote}{re.escape(binding_id)}{quote}" for quote in "\"'")
    dotted = r"\s*\.\s*".join(
        rf"""(?:{re.escape(part)}|"{re.escape(part)}"|'{re.escape(part)}')""" for part in binding_id.split(".")
    )
    pattern = re.compile(rf"^\s*(?:{whole}|{dotted})\s*=")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), 1)


def _dotted(name: str, value: Any) -> Iterator[str]:
    """The dotted names under a table: answer.yes for {"answer": {"yes": "1"}}."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _dotted(f"{name}.{key}", inner)
    else:
        yield name


def _keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",")]


def check_keymap(text: str, scopes: Sequence[Scope]) -> tuple[dict[str, str], list[str]]:
    """The keymap to apply (empty when anything is wrong) and its problems, each 'line N: ...'."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        where = f"line {found[1]}, column {found[2]}" if found else "line 1"
        message = re.sub(r" \(at line .*\)$", "", str(error))
        return {}, [f"{where}: TOML syntax error: {message}"]
    table: Any = document.get("keymap", {})
    if not isinstance(table, dict):
        return {}, [f'line {_line(text, "keymap")}: keymap must be a table: [keymap] then lines of "id" = "keys"']
    known = {binding.id for scope in scopes for binding in _bindings(scope)}
    problems = []
    for binding_id, keys in table.items():
        where = f"line {_line(text, binding_id)}"
        if isinstance(keys, dict):  # answer.yes = "1": its dots read as tables
            problems += [
                f'line {_line(text, name)}: {name}: a binding id is written in quotes, "{name}" = "keys" '
                "(without them, TOML reads its dots as tables)"
                for name in _dotted(binding_id, keys)
            ]
        elif binding_id not in known:
            problems.append(
                f'{where}: no binding {binding_id!r} (the command palette (ctrl+p) lists every binding id under "Binding ids")'
            )
        elif not isinstance(keys, str) or not all(_keys(keys)):
            problems.append(f'{where}: {binding_id!r} = {keys!r}: give the keys as a string, such as "1" or "1,ctrl+1"')
    if not problems:
        problems = _clashes(text, table, scopes)
    return ({} if problems else dict(table)), problems


def _clashes(text: str, keymap: dict[str, str], scopes: Sequence[Scope]) -> list[str]:
    problems = []
    for scope in scopes:
        owner: dict[str, str] = {}
        for binding in _bindings(scope):
            assert binding.id is not None
            for key in _keys(keymap.get(binding.id, binding.key)):
                other = owner.setdefault(key, binding.id)
                if other != binding.id and (binding.id in keymap or other in keymap):
                    mapped = binding.id if binding.id in keymap else other
                    problem = f"line {_line(text, mapped)}: {key!r} is the key of both {other!r} and {binding.id!r}"
                    if problem not in problems:
                        problems.append(problem)
    return problems
