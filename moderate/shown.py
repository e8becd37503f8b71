"""Text from a file, made safe to show: it is data, never instructions to the terminal or
to a spreadsheet.

A title holding ESC sequences could clear the screen, rename the terminal or make it type
replies into the app; a right-to-left override could make "C01" read as something else.
`shown` is the one place that turns every such character into a visible stand-in; the app
passes every string from a file through it, and every command's output passes through it
on its way out (`guarded_output`). A cell starting `=` would be run by the spreadsheet that
opens a table: every CSV the program writes keeps such cells as text (`spreadsheet_csv`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from functools import cache, partial
from operator import attrgetter
from typing import Any, Callable, Iterable, Iterator, TextIO

from .model import Inspection

# Bidirectional embeddings, overrides, isolates and marks: they reorder what is shown.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")  # line and paragraph separators: a line break in disguise


def _stand_in(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC is shown as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


# C0, DEL, C1, bidirectional controls and line separators: all that is never sent as it is.
_CONTROLS = frozenset(map(chr, (*range(0x20), *range(0x7F, 0xA0)))) | BIDI | _SEPARATORS
_TABLE = {ord(ch): _stand_in(ch) for ch in _CONTROLS}
_CONTROL = re.compile("[" + re.escape("".join(sorted(_CONTROLS))) + "]")  # one of them, found at C speed


def shown(text: str) -> str:
    """`text` with every control character made visible (ESC as ␛, U+202E as <U+202E>)."""
    # Each of them is unprintable: a text that is all printable, as nearly every one is, holds none.
    return text if text.isprintable() else text.translate(_TABLE)


_KEEPING_LINES = {code: stand_in for code, stand_in in _TABLE.items() if code != ord("\n")}


def shown_lines(text: str) -> str:
    """A multi-line text made safe, keeping its own line breaks (a report, a message)."""
    return text.translate(_KEEPING_LINES)


class _Shown(io.TextIOBase):
    """A text stream that shows what is written to it: line breaks kept, every other control made visible."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown_lines(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()


@contextmanager
def guarded_output() -> Iterator[None]:
    """Everything a command prints, to stdout or stderr, goes out through `shown`: whatever a
    file held (a name, an id, a reason) reaches the terminal as data, never as an escape."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Shown(out), _Shown(err)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = out, err


_IN_JSON = re.compile("[" + re.escape("".join(sorted(_CONTROLS - {"\n"}))) + "]")


def json_text(value: object) -> str:
    """JSON for the terminal: the same data, every control character written as a \\u escape
    (JSON escapes only those below U+0020 itself), so that nothing is left for the guard to alter."""
    return _IN_JSON.sub(lambda found: f"\\u{ord(found[0]):04x}", json.dumps(value, indent=2, ensure_ascii=False))


def controls(text: str) -> list[str]:
    """The control characters in `text`, as shown: ["␛", "<U+202E>"]."""
    if _CONTROL.search(text) is None:  # as nearly every text
        return []
    return list(dict.fromkeys(_stand_in(ch) for ch in text if ch in _CONTROLS))


# ---------------------------------------------------------------- look-alike ids

# Letters of other scripts drawn like Latin ones (Unicode's confusables, the common ones).
_LATIN_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТУХаеорсухіјѕԁɡΑΒΕΖΗΙΚΜΝΟΡΤΥΧονΙⅠ",
    "ABEKMHOPCTYXaeopcyxijsdgABEZHIKMNOPTYXovII",
)


def skeleton(identifier: str) -> str:
    """What an id looks like: two ids with one skeleton are told apart by no reader."""
    if identifier.isascii():  # as nearly every id: NFKC and the look-alikes leave ASCII as it is
        return identifier.casefold()
    return unicodedata.normalize("NFKC", identifier).translate(_LATIN_LOOKALIKES).casefold()


def scripts(identifier: str) -> set[str]:
    """The scripts of an id's letters: {"LATIN", "CYRILLIC"} for a Latin C and Cyrillic О."""
    if identifier.isascii():  # as nearly every id: its letters, if any, are Latin
        return {"LATIN"} if any(map(str.isalpha, identifier)) else set()
    return {unicodedata.name(ch, "UNKNOWN").split(" ")[0] for ch in identifier if ch.isalpha()}


def look_alikes(ids: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of different ids that read the same."""
    first: dict[str, str] = {}
    pairs = []
    for identifier in ids:
        seen = first.setdefault(skeleton(identifier), identifier)
        if seen != identifier:
            pairs.append((seen, identifier))
    return pairs


# ---------------------------------------------------------------- what a spreadsheet is given

# A cell a spreadsheet would run as a formula when it starts so: OWASP's list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# A character that may start a formula, anywhere in a table: in most tables of answers there is
# none, and their cells are then not looked at one by one (found at C speed).
_MAY_START = re.compile("[" + re.escape("".join(FORMULA_STARTS)) + "']")


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def spreadsheet_csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV table to open in a spreadsheet. Text that would start a formula (an id, a reason, a
    name from the file) is kept as text by a leading apostrophe, so opening the table runs nothing;
    `from_cell` takes it off again (one only: text that starts with apostrophes keeps them)."""
    table: list[list[object]] = [list(header), *map(list, rows)]
    text = _csv(table)
    if _MAY_START.search(text) is None:
        return text
    return _csv([[f"'{v}" if isinstance(v, str) and _formula_like(v) else v for v in row] for row in table])


def _csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def from_cell(text: str) -> str:
    """A cell of a table read back: what `spreadsheet_csv` was given."""
    return text[1:] if text.startswith("'") and _formula_like(text) else text


# ---------------------------------------------------------------- what `check` warns about

# The records' field names that the file spells otherwise.
_IN_FILE = {
    "title": "inspection.title",
    "lead_inspector": "inspection.lead_inspector",
    "framework": "inspection.framework",
    "inspection_extra": "inspection",
    "framework_overrides": "framework",
    "extra": "",
    "from_": "from",
}


def strings(value: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a record, with where it is in the file: ("cases[3].label", "...")."""
    if isinstance(value, str):
        yield where, value
    elif is_dataclass(value) and not isinstance(value, type):
        for field, name in _fields_in_file(type(value), not where):
            yield from strings(getattr(value, field), f"{where}.{name}".strip("."))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key, f"{where} key")
            yield from strings(item, f"{where}.{key}".lstrip("."))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from strings(item, f"{where}[{i}]")


@cache  # a record type's fields are asked for once a record: 2,000 times in a 2,000-case file
def _fields_in_file(record: type, top: bool) -> tuple[tuple[str, str], ...]:
    """A record's fields, each with its name in the file (at the top, or nested in another)."""
    return tuple(
        (f.name, _IN_FILE.get(f.name, f.name) if top or f.name in ("extra", "from_") else f.name) for f in fields(record)
    )


def _texts(value: Any, into: list[str]) -> None:
    """The strings `strings` finds, without their places: a large file's places took many times
    longer to make than the search, for nearly every file, whose strings hold no control."""
    of: type = type(value)
    _walk(of)(value, into)


@cache
def _walk(of: type) -> Callable[[Any, list[str]], None]:
    """How `_texts` goes through a value of this type, as `strings` does."""
    if issubclass(of, str):
        return _take
    if is_dataclass(of):
        read = attrgetter(*(name for name, _ in _fields_in_file(of, False)))
        return partial(_in_record, read if len(fields(of)) > 1 else lambda record: (read(record),))
    if issubclass(of, dict):
        return _in_table
    return _in_items if issubclass(of, (list, tuple)) else _in_nothing


def _take(text: str, into: list[str]) -> None:
    into.append(text)


def _in_record(read: Callable[[Any], tuple[Any, ...]], record: Any, into: list[str]) -> None:
    for item in read(record):  # its fields' values, read at once
        _texts(item, into)


def _in_table(table: dict[Any, Any], into: list[str]) -> None:
    for key, item in table.items():
        _texts(key, into)
        _texts(item, into)


def _in_items(items: list[Any] | tuple[Any, ...], into: list[str]) -> None:
    for item in items:
        _texts(item, into)


def _in_nothing(value: Any, into: list[str]) -> None:
    pass


def doubts(inspection: Inspection) -> list[str]:
    """What a reader could be misled by: control characters, ids that look alike or mix scripts."""
    texts: list[str] = []
    _texts(inspection, texts)
    found = (
        [
            f"{shown(where)}: holds control characters ({', '.join(controls(text))}); "
            f"shown as such, they are not sent to the terminal"
            for where, text in strings(inspection)
            if _CONTROL.search(text) is not None
        ]
        if _CONTROL.search("".join(texts)) is not None
        else []
    )
    questions = [kq.id for s in inspection.standards for kq in s.key_questions]
    questions += [p.id for s in inspection.standards for kq in s.key_questions for p in kq.prompts]
    for kind, ids in (
        ("case", [c.id for c in inspection.cases]),
        ("standard", [s.id for s in inspection.standards]),
        ("question", questions),
    ):
        for one, other in look_alikes(ids):
            found.append(
                f"{kind} ids {shown(one)!r} and {shown(other)!r} look alike but differ ({_spelled(one)} / {_spelled(other)})"
            )
        for identifier in ids:
            if identifier.startswith(FORMULA_STARTS):
                found.append(
                    f"{kind} id {shown(identifier)!r} starts with {identifier[0]!r}: a spreadsheet opening a table of it "
                    "would run it as a formula (moderate's own tables keep it as text, with an apostrophe before it)"
                )
            mixed = scripts(identifier)
            if len(mixed) > 1:
                found.append(
                    f"{kind} id {shown(identifier)!r} mixes scripts ({', '.join(sorted(mixed)).lower()}): "
                    "it may read as another id"
                )
    return found


def _spelled(identifier: str) -> str:
    return " ".join(f"U+{ord(ch):04X}" if not ch.isascii() else ch for ch in identifier)
