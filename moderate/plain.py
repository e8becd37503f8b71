"""An inspection as plain data and back: JSON that names no type and runs no code when read.

The cache keeps a parsed inspection in this form. Reading it back only decodes JSON and
builds the model's own records from their fields, each field checked to be of its type:
whatever the bytes, the result is an `Inspection` of the model's records or an error
(`ValueError`, `TypeError`, `KeyError`, `IndexError`), never a call of anything the bytes name.

What each field holds is read from the model's own types (a field added to a record is kept
with no change here). Records go as columns, one a field, so that thousands of cases are built by `map` over the
columns at C speed: a column of strings is checked at once by the set of its types, a
column that holds only its field's empty value (no notes, no extra keys) is one `null`, the
strings every case repeats (samples, labels, inspectors) are numbers into one table of them
(and so one string each again once read, as the parser shares them), and every case's
answers are one string of answer codes, cut back into each case's bytes. A TOML value the
model keeps as it is (`extra`, `samples`, `[framework]`) goes as JSON with its arrays,
dates and times tagged.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
import sys
import types
import typing
from dataclasses import fields, is_dataclass
from types import MappingProxyType
from collections.abc import Mapping  # not typing's: isinstance runs on every value
from typing import Any, Callable

from .frameworks import Framework, resolve
from .model import (
    Answer,
    Answers,
    Inspection,
    KeyQuestion,
    ModerationEntry,
    Prompt,
    Questions,
)

VERSION = 1  # of this form: an entry of another is never read (it is part of the cache's key)
_NOTHING: Mapping[str, Any] = MappingProxyType({})  # an empty `extra`: one shared, as the parser's
_NONE = type(None)
_DIGITS = bytes(b - 48 if b in b"0123" else 255 for b in range(256))  # 255: not an answer
_AS_DIGITS = bytes.maketrans(bytes(range(4)), b"0123")


def _kind(record: type, name: str, hint: Any) -> Any:
    """What a field holds, from its type in the model: "text", "flag", "number", "date",
    "date-time" (each with "?": or none), "texts" (a tuple of strings), "names" (strings by
    name), "table" (a TOML table as it is), "extra" (the same, one shared when empty),
    "answers", a record type (a tuple of those records) or `(type,)` (one such record or
    none); "shared" ("?") for a string many records repeat, "question" for a question id
    (interned, as the parser interns it). A type with no plain form stops the program at its
    start, never a silent cache miss: add its form here."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) and len(args) == 2 and _NONE in args:
        given = args[0] if args[1] is _NONE else args[1]
        if isinstance(given, type) and is_dataclass(given):
            return (_records(given),)
        inner = _kind(record, name, given)
        if inner in _OPTIONAL:
            return f"{inner}?"
    if hint in _SCALARS:
        if hint is str and name in _SHARED:
            return "shared"
        return "question" if hint is str and (record, name) in _QUESTION_IDS else _SCALARS[hint]
    origin = typing.get_origin(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return "texts" if args[0] is str else _records(args[0])
    if origin is Mapping and args[:1] == (str,):
        if args[1] is Answer or args[1] is str:
            return "answers" if args[1] is Answer else "names"
        return "extra" if name.endswith("extra") else "table"
    raise TypeError(f"{record.__name__}.{name}: no plain form for {hint}: add one to plain.py")


def _records(record: type) -> type:
    """`record`'s fields' kinds (and those of the records it holds) into _KINDS."""
    if record not in _KINDS:
        hints = typing.get_type_hints(record)
        _KINDS[record] = {f.name: _kind(record, f.name, hints[f.name]) for f in fields(record) if f.init}
    return record


_SCALARS = {str: "text", bool: "flag", int: "number", dt.datetime: "date-time", dt.date: "date"}
_OPTIONAL = {*_SCALARS.values(), "shared"}  # the kinds that may be "or none"
_SHARED = {"sample", "label", "inspector", "by"}  # repeated in record after record
_QUESTION_IDS = {(Prompt, "id"), (KeyQuestion, "id"), (ModerationEntry, "question")}
_KINDS: dict[type, dict[str, Any]] = {}  # each record's fields (in their order) and what they hold
_records(Inspection)
# A column of only this value (nearly always: no notes, no extra keys, not moderated) goes as null.
_EMPTY: dict[Any, Any] = {kind: None for kinds in _KINDS.values() for kind in kinds.values() if isinstance(kind, tuple)}
_EMPTY |= {f"{kind}?": None for kind in _OPTIONAL} | {"extra": _NOTHING}


def dumps(inspection: Inspection) -> bytes:
    """The inspection as JSON (ASCII) bytes, for `loads`."""
    shared: dict[str | None, int] = {None: 0}
    columns: dict[tuple[str | None, ...], int] = {}
    codes: list[str] = []
    writer = _Writer(shared, columns, codes)
    body = writer.records(Inspection, [inspection])
    document = [VERSION, list(shared)[1:], [[sample, list(ids)] for (sample, *ids) in columns], "".join(codes), body]
    return json.dumps(document, ensure_ascii=True, check_circular=False, separators=(",", ":")).encode("ascii")


def loads(data: bytes) -> tuple[Inspection, Framework]:
    """The inspection `dumps` wrote, and its framework; an error for anything else."""
    version, shared, columns, codes, body = json.loads(data)
    if version != VERSION:
        raise ValueError(f"form {version!r}, not {VERSION}")
    strings = [None, *_checked(shared, "text")]
    questions = []
    for sample, ids in columns:
        questions.append(Questions(tuple(map(sys.intern, _checked(ids, "text"))), _checked([sample], "text?")[0]))
    answers = codes.encode("ascii").translate(_DIGITS)
    if 255 in answers:
        raise ValueError("an answer code that is not 0-3")
    reader = _Reader(strings, questions, answers)
    (inspection,) = reader.records(Inspection, body, 1)
    if reader.at != len(answers):
        raise ValueError("answer codes left over")
    return inspection, resolve(inspection.framework, inspection.framework_overrides)


class _Writer:
    def __init__(self, shared: dict[str | None, int], columns: dict[tuple[str | None, ...], int], codes: list[str]):
        self.shared = shared
        self.columns = columns  # (sample, *question ids): its number
        self.codes = codes

    def records(self, kind: type, records: list[Any]) -> list[Any]:
        return [self.column(field, [getattr(r, name) for r in records]) for name, field in _KINDS[kind].items()]

    def column(self, kind: Any, values: list[Any]) -> Any:
        if kind in _EMPTY and all(v is _EMPTY[kind] or v == _EMPTY[kind] for v in values):
            return None
        if isinstance(kind, tuple):
            present = [v for v in values if v is not None]
            return [[v is not None for v in values], self.records(kind[0], present)]
        if isinstance(kind, type):
            return [[len(v) for v in values], self.records(kind, [r for v in values for r in v])]
        if kind.startswith("date"):
            return [None if v is None else v.isoformat() for v in values]
        if kind.startswith("shared"):
            return [self.shared.setdefault(v, len(self.shared)) for v in values]
        if kind == "texts":
            return [list(v) for v in values]
        if kind in ("extra", "table", "names"):
            return [_value(v) for v in values]
        if kind == "answers":
            return [self.answers(v) for v in values]
        return values

    def answers(self, answers: Mapping[str, Any]) -> int:
        """The number of the answers' columns (-1: none, a sample without questions), their
        codes appended to the one string of them all."""
        if not isinstance(answers, Answers):
            if answers:
                raise TypeError("answers not read from a file")  # a session's own: never kept
            return -1
        key = (answers.questions.sample, *answers.questions.ids)
        self.codes.append(answers.codes.translate(_AS_DIGITS).decode("ascii"))
        return self.columns.setdefault(key, len(self.columns))


class _Reader:
    def __init__(self, strings: list[str | None], questions: list[Questions], answers: bytes):
        self.strings = strings
        self.questions = questions
        self.answers = answers
        self.at = 0  # how far into `answers` the cases read so far took

    def records(self, kind: type, columns: Any, count: int) -> list[Any]:
        kinds = _KINDS[kind].values()
        if not isinstance(columns, list) or len(columns) != len(kinds):
            raise ValueError(f"{kind.__name__}: {len(kinds)} columns expected")
        built = [self.column(field, column, count) for field, column in zip(kinds, columns, strict=True)]
        return list(map(kind, *built))

    def column(self, kind: Any, values: Any, count: int) -> list[Any]:
        if values is None and kind in _EMPTY:
            return [_EMPTY[kind]] * count
        if isinstance(kind, (tuple, type)):
            counts, inner = values
            _checked(counts, "flag" if isinstance(kind, tuple) else "number")
            if len(counts) != count:
                raise ValueError("a column of the wrong length")
            records = iter(self.records(kind[0] if isinstance(kind, tuple) else kind, inner, sum(counts)))
            if isinstance(kind, tuple):
                return [next(records) if present else None for present in counts]
            return [tuple(itertools.islice(records, n)) for n in counts]
        if not isinstance(values, list) or len(values) != count:
            raise ValueError("a column of the wrong length")
        if kind == "shared" or kind == "shared?":
            strings = list(map(self.strings.__getitem__, _checked(values, "number")))
            if kind == "shared" and None in strings:
                raise TypeError("a string expected")
            return strings
        if kind == "answers":
            return self.case_answers(values)
        return _COLUMN[kind](values) if kind in _COLUMN else _checked(values, kind)

    def case_answers(self, numbers: list[Any]) -> list[Mapping[str, Any]]:
        """Each case's answers, by the number of its columns (-1: none): slices of the one
        string of codes, cut at C speed."""
        if -1 in _checked(numbers, "number"):  # a sample without questions, its cases' answers empty: rare
            return [{} if n == -1 else self.case_answers([n])[0] for n in numbers]
        columns = list(map(self.questions.__getitem__, numbers))
        ends = list(itertools.accumulate(map(len, map(_IDS, columns)), initial=self.at))
        self.at = ends[-1]
        if self.at > len(self.answers):
            raise ValueError("answer codes missing")
        return list(map(Answers, columns, map(self.answers.__getitem__, map(slice, ends, ends[1:]))))


_IDS = operator.attrgetter("ids")


def _value(value: Any) -> Any:
    """A TOML value as JSON: a table as an object; an array, a date or a time as a list
    [tag, ...]; a string, number or boolean as itself."""
    if isinstance(value, Mapping):
        return {key: _value(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return ["array", *map(_value, value)]
    if isinstance(value, (dt.date, dt.time)):  # a date-time is a date too
        tag = "date-time" if isinstance(value, dt.datetime) else "date" if isinstance(value, dt.date) else "time"
        return [tag, value.isoformat()]
    if isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"not a TOML value: {type(value).__name__}")


_FROM_TAG: dict[str, Callable[[str], Any]] = {
    "date-time": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
}


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("a table expected")
    return {key: _toml(v) for key, v in value.items()}


def _toml(value: Any) -> Any:
    if isinstance(value, dict):
        return _table(value)
    if isinstance(value, list):
        tag, *rest = value
        if tag == "array":
            return list(map(_toml, rest))
        (text,) = rest
        if not isinstance(text, str):
            raise TypeError("a date or time expected")
        return _FROM_TAG[tag](text)
    if isinstance(value, (str, int, float)):  # bool is an int; JSON's null is none of these
        return value
    raise TypeError(f"not a TOML value: {type(value).__name__}")


def _extra(value: Any) -> Mapping[str, Any]:
    return _table(value) or _NOTHING


# How a column of each kind that is not only checked is read back.
_COLUMN: dict[str, Callable[[Any], list[Any]]] = {
    "question": lambda values: list(map(sys.intern, _checked(values, "text"))),  # as the parser does
    "date-time": lambda values: list(map(dt.datetime.fromisoformat, _checked(values, "text"))),
    "date-time?": lambda values: [v if v is None else dt.datetime.fromisoformat(v) for v in _checked(values, "text?")],
    "date": lambda values: list(map(dt.date.fromisoformat, _checked(values, "text"))),
    "date?": lambda values: [v if v is None else dt.date.fromisoformat(v) for v in _checked(values, "text?")],
    "texts": lambda values: [tuple(_checked(v, "text")) for v in values],
    "extra": lambda values: list(map(_extra, values)),
    "table": lambda values: list(map(_table, values)),
    "names": lambda values: [dict(zip(v, _checked(list(v.values()), "text"), strict=True)) for v in map(_table, values)],
}
_TYPES: dict[str, set[type]] = {
    "text": {str},
    "text?": {str, _NONE},
    "flag": {bool},
    "flag?": {bool, _NONE},
    "number": {int},
    "number?": {int, _NONE},
}


def _checked(values: Any, kind: str) -> list[Any]:
    """`values`, a list whose every value is of the type `kind` says, checked at C speed."""
    if not isinstance(values, list) or not set(map(type, values)) <= _TYPES[kind]:
        raise TypeError(f"not all of type {kind}")
    return values
