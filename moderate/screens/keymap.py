"""The user's keymap (`[keymap]` binding id = keys), checked against the app's bindings.

A keymap with any problem (TOML syntax, a value that is not a string of keys, an unknown
binding id, two bindings on the same key where both are active) is not applied at all:
the app opens with its default keys and says what is wrong, with the file and line.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any, Iterable, Sequence

from textual.binding import Binding, BindingType

Scope = Sequence[Sequence[BindingType]]  # the BINDINGS active together (an app, a screen, its widgets)


def _bindings(scope: Scope) -> Iterable[Binding]:
    for bindings in scope:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id is not None:
                yield binding


def _line(text: str, binding_id: str) -> int:
    """The line that sets a binding id (1 if it cannot be told)."""
    pattern = re.compile(rf'^\s*["\']?{re.escape(binding_id)}["\']?\s*=')
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), 1)


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
        if binding_id not in known:
            problems.append(f"{where}: no binding {binding_id!r} (? lists every binding id)")
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
