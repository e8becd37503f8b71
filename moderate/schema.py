"""The schema of an inspection file: the keys each table knows, and the checks of a value.

`Checker` takes a value only when it is of the type the schema says, and otherwise notes a
problem located by table, index and key, so that a refusal lists every problem at once. The
checks here build nothing: `records` builds the model from what passes them.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from typing import Any, Callable, Iterable

from .shown import controls

Table = dict[str, Any]  # a TOML table as parsed: its values are checked here, one by one

_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
    dict: "a table",
    list: "an array",
    dt.datetime: "a date-time",
    dt.date: "a date",
    dt.time: "a time",
}


def type_name(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def key_name(key: str) -> str:
    if key.replace("_", "").replace("-", "").isalnum() and key.isascii():
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Checker:
    """Collects problems while turning TOML values into model records."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def value(
        self, table: Table, key: str, where: str, expected: str, test: Callable[[Any], bool], required: bool = False
    ) -> Any:
        """`table[key]` if it passes `test`; else a problem (when present or required) and None."""
        if key not in table:
            if required:
                self.problem(where, f"'{key}' is required ({expected})")
            return None
        value = table[key]
        if not test(value):
            self.problem(
                f"{where}.{key_name(key)}" if where else key_name(key),
                f"expected {expected}, found {type_name(value)} ({short(value)})",
            )
            return None
        return value

    # A string, a table or a boolean where one is wanted, as nearly every value of a file is, or
    # an optional key left out, is taken at once: these run several times for each case of
    # a large file. Anything else is looked at by `value`, which says what is wrong.

    def string(self, table: Table, key: str, where: str, required: bool = False) -> str | None:
        found = table.get(key)
        if (type(found) is str and (not required or found.strip())) or (found is None and not required and key not in table):
            return found
        value: str | None = self.value(table, key, where, "a string", lambda v: isinstance(v, str), required)
        if value is not None and required and not value.strip():
            self.problem(f"{where}.{key}", "must not be empty")
        return value

    def boolean(self, table: Table, key: str, where: str) -> bool | None:
        found = table.get(key)
        if type(found) is bool or (found is None and key not in table):
            return found
        value: bool | None = self.value(table, key, where, "true or false", lambda v: isinstance(v, bool))
        return value

    def timestamp(self, table: Table, key: str, where: str, required: bool = False) -> dt.datetime | None:
        value: dt.datetime | None = self.value(
            table, key, where, "a date-time such as 2026-11-20T14:05:00Z", lambda v: isinstance(v, dt.datetime), required
        )
        return value

    def tables(self, table: Table, key: str, where: str, required: bool = False) -> list[Table]:
        """An array of tables, skipping (and reporting) any element that is not a table."""
        value = self.value(table, key, where, "an array of tables", lambda v: isinstance(v, list), required)
        if value is None:
            return []
        prefix = f"{where}.{key}" if where else key
        good = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.problem(f"{prefix}[{i}]", f"expected a table, found {type_name(item)}")
        return good

    def table(self, table: Table, key: str, where: str, required: bool = False) -> Table:
        found = table.get(key)
        if type(found) is dict and found:
            return found
        if found is None and not required and key not in table:
            return {}
        return self.value(table, key, where, "a table", lambda v: isinstance(v, dict), required) or {}


def short(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_number(value: Any) -> bool:
    # TOML's inf and nan are floats, but no band boundary or point count
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# How a save writes a key and a string, which the reader's quick paths read back as they are:
# a bare key, and a basic string holding nothing TOML escapes (a quote, a backslash, a control
# character but a tab), given here as a character class's contents.
BARE_KEY = r"[A-Za-z0-9_-]+"
ESCAPED = r'\x00-\x08\x0a-\x1f\x7f"\\'

# The keys each table knows: any other is kept as it is, in the record's `extra`.
TOP_KEYS = frozenset(
    {
        "format",
        "inspection",
        "samples",
        "people",
        "framework",
        "wording",
        "standards",
        "cases",
        "moderation",
        "discretion",
        "dip_sample",
    }
)
INSPECTION_KEYS = frozenset({"title", "framework", "fieldwork_start", "lead_inspector", "reasons_required", "service"})
STANDARD_KEYS = frozenset(
    {"id", "domain", "title", "sample", "key_questions", "rating", "counts", "statement", "guidance", "rating_note", "head_note"}
)
KEY_QUESTION_KEYS = frozenset({"id", "text", "prompts", "rating", "judgement", "relevant_to", "note", "figure"})
PROMPT_KEYS = frozenset({"id", "text", "note"})
CASE_KEYS = frozenset(
    {
        "id",
        "sample",
        "label",
        "inspector",
        "moderated",
        "answers",
        "oversight",
        "interviewed",
        "notes",
        "disposal",
        "second_assessments",
    }
)
SECOND_KEYS = frozenset({"by", "at", "finished", "answers"})
MODERATED_KEYS = frozenset({"by", "at"})
MODERATION_KEYS = frozenset({"case", "question", "standard", "from", "to", "by", "at", "reason"})
DECISION_KEYS = frozenset({"standard", "computed", "rating", "by", "at", "reason"})
SAMPLE_KEYS = frozenset({"case", "phase", "method", "seed", "withdrawn", "reason", "by", "at"})


def check_overrides(overrides: Table, check: Checker) -> None:
    for key in ("bands", "overall"):
        entries = check.tables(overrides, key, "framework")
        if overrides.get(key) == []:
            check.problem(f"framework.{key}", "must list at least one band")
        previous = None
        for i, entry in enumerate(entries):
            where = f"framework.{key}[{i}]"
            check.string(entry, "rating", where, required=True)
            start = check.value(entry, "from", where, "a number", is_number, required=True)
            if key == "bands":
                check.value(entry, "score", where, "an integer", lambda v: isinstance(v, int) and not isinstance(v, bool))
            if start is not None:
                if previous is not None and start <= previous:
                    check.problem(f"{where}.from", f"{start} does not rise above the band before it ({previous})")
                if previous is None and start != 0:
                    check.problem(f"{where}.from", f"the lowest band must start from 0, not {start}")
                previous = start
    rules = check.table(overrides, "discretion", "framework")
    check.value(
        rules, "within_points", "framework.discretion", "a number of points, 0 or more", lambda v: is_number(v) and v >= 0
    )
    check.boolean(rules, "one_case", "framework.discretion")
    check.value(
        rules,
        "small_sample",
        "framework.discretion",
        "a whole number of cases, 0 or more",
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    )


def _plain_id(identifier: str | None, where: str, check: Checker) -> None:
    """Ids name columns, rows and log entries: a line break or control character in one would
    split or disguise it."""
    if identifier is not None and controls(identifier):
        check.problem(
            f"{where}.id", f"holds control characters ({', '.join(controls(identifier))}): ids are plain text on one line"
        )


def question_id(table: Table, where: str, seen: dict[str, str], check: Checker) -> str | None:
    qid = check.string(table, "id", where, required=True)
    if qid is not None:  # one string, whichever version of the file: their answers compare at once
        qid = sys.intern(qid)
    _plain_id(qid, where, check)
    if qid is not None:
        if qid in seen:
            check.problem(f"{where}.id", f"duplicate question id {qid!r} (also at {seen[qid]})")
        else:
            seen[qid] = where
    return qid


def unique_id(entry: Table, table: str, index: int, kind: str, seen: set[str], check: Checker) -> tuple[str | None, str]:
    """An entry's id, checked unique, and where it is for messages: 'cases[3] (C04)'."""
    where = f"{table}[{index}]"
    found = check.string(entry, "id", where, required=True)
    _plain_id(found, where, check)
    if found is not None:
        where = f"{where} ({found})"
        seen_id(found, where, kind, seen, check)
    return found, where


def seen_id(found: str, where: str, kind: str, seen: set[str], check: Checker) -> None:
    """An id noted as seen, and a problem if it was already."""
    if found in seen:
        check.problem(f"{where}.id", f"duplicate {kind} id {found!r}")
    seen.add(found)


def listed(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)
