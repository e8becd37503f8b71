"""Reading an inspection file (`spec/format.md`, format 1), refusing a broken one whole: the
public entry of the reader, which the rest of the program imports.

A file that breaks a rule gives an `InspectionError` listing every problem at once, each
located: line and column for TOML syntax, table, index and key for the rest. Nothing here
raises anything else, whatever the bytes. The work is in three modules, one job each, run in
this order: `limits` (bytes and sizes, before any parser), the TOML parser here (case by case
where it can), then `records` (building the model), which checks each value by `schema`.
"""

from __future__ import annotations

import itertools
import re
import threading
import tomllib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

try:  # the same parser as tomllib, compiled by mypyc: several times faster (the benchmark's parse rows)
    import tomli as compiled
except ImportError:  # no tomli installed: the standard library's pure-Python copy
    compiled = tomllib  # type: ignore[misc]

from . import cache, collector
from .frameworks import Framework
from .limits import MAX_BYTES as MAX_BYTES  # re-exported, as the names below: the reader's public face
from .limits import InspectionError as InspectionError
from .limits import decoded
from .limits import prescan as prescan
from .limits import read_file as read_file
from .model import Case, Inspection
from .records import ANSWERS as ANSWERS
from .records import from_document as from_document
from .records import question_samples
from .schema import BARE_KEY, ESCAPED, Table


@dataclass(frozen=True)
class Loaded:
    inspection: Inspection
    framework: Framework
    text: str


def load(path: str | Path) -> Loaded:
    """Read and validate one inspection file; a file read before, unchanged, from the cache."""
    loaded, keep = load_unkept(path)
    keep()
    return loaded


def load_unkept(path: str | Path) -> tuple[Loaded, Callable[[], None]]:
    """`load`, leaving the cache entry of a file parsed afresh to be written when the caller
    calls the second value (the app: once its first screen is up)."""
    data, name = read_file(path), str(path)
    with collector.paused():  # reading an entry makes as many records as parsing does
        kept = cache.recall(data)
    if kept is not None:
        return Loaded(kept[0], kept[1], decoded(data, name)), _nothing
    loaded = parse_bytes(data, name)
    return loaded, partial(cache.keep, data, loaded.inspection)


def _nothing() -> None:
    pass


def parse_bytes(data: bytes, name: str = "<inspection>", since: tuple[str, Inspection] | None = None) -> Loaded:
    """`data` read and checked whole. `since`: an earlier version of it, its text and what it
    read as; each case whose part of the text is that version's byte for byte is its record,
    not parsed again (`_unchanged`): the same result, at a fraction of a large file's parse."""
    return parse_text(decoded(data, name), name, since)


def parse_text(text: str, name: str = "<inspection>", since: tuple[str, Inspection] | None = None) -> Loaded:
    prescan(text, name)  # before any parser: they are slow, even quadratic, on hostile text
    with collector.paused():
        if since is not None:
            loaded = _parsed_since(text, name, *since)
            if loaded is not None:
                return loaded
        return _parsed(text, name)


def _parsed_since(text: str, name: str, before: str, read: Inspection) -> Loaded | None:
    """`_parsed(text, name)` taking the cases `before` had too from `read`, or None to parse it
    all: where the cases were read against other samples or questions, or anything is wrong
    (the whole parse then says what, in its own words)."""
    unchanged = _unchanged(text, before, read)
    if unchanged is None:
        return None
    try:
        loaded = _parsed(text, name, unchanged)
    except InspectionError:
        return None
    inspection = loaded.inspection
    if inspection.samples != read.samples or _questions(inspection) != _questions(read):
        return None
    return loaded


def _questions(inspection: Inspection) -> list[tuple[str, str | None]]:
    """What a case is read against: each question, in order, with its sample."""
    return list(question_samples(inspection.standards).items())


def _parsed(text: str, name: str, unchanged: Callable[[str], Case | None] | None = None) -> Loaded:
    # Compiled code never lets go of the GIL: a large parse in a thread beside the screen
    # would stop it for the whole parse. A save's and a reload's parse go to a child process
    # (apart.py); any parse still made off the main thread uses the pure-Python tomllib,
    # which yields to the screen as it goes (the benchmark's "Never frozen" rows).
    parser = compiled if threading.current_thread() is threading.main_thread() else tomllib
    by_case = _by_case(parser, text, unchanged)
    if by_case is not None:
        try:
            inspection, framework = from_document(by_case[0], name, by_case[1])
            return Loaded(inspection, framework, text)
        except _NotAlone:
            pass
    try:
        document = parser.loads(text)  # the whole text, the parser's own verdict and words
    except (tomllib.TOMLDecodeError, compiled.TOMLDecodeError) as e:
        raise InspectionError(name, [_syntax_message(text, e)]) from None
    except RecursionError:
        raise InspectionError(name, ["TOML syntax error: nested too deeply"]) from None
    inspection, framework = from_document(document, name)
    return Loaded(inspection, framework, text)


_CASE_HEADER = "\n[[cases]]\n"


class _NotAlone(Exception):
    """A part of the text that does not parse alone into cases only: the whole text is parsed."""


def _starts(text: str) -> list[int]:
    """Where each `[[cases]]` line that follows a line end starts."""
    starts = []
    at = text.find(_CASE_HEADER)
    while at >= 0:
        starts.append(at + 1)
        at = text.find(_CASE_HEADER, at + 1)
    return starts


def _by_case(
    parser: Any, text: str, unchanged: Callable[[str], Case | None] | None = None
) -> tuple[Table, Iterator[Table | Case]] | None:
    """The document without its cases, and the cases parsed one `[[cases]]` part at a time as
    they are read; None (or `_NotAlone` from the cases) to parse the whole text instead.

    Parsed whole, a 10,000-case document is a million short strings, freed once the model is
    built but leaving its memory resident in holes between the records that live on (the
    benchmark's memory per case at 10,000). Part by part, each case's strings are freed
    before the next is read. The head (all before the first `[[cases]]` line) and the tail
    (from the last one: the last case and the logs) are parsed first, each part between
    alone: a part that parses begins and ends at a statement boundary of the whole text (a
    part ending inside a string would not parse), so every `[[cases]]` line it splits at is a
    real header and the parts mean what the whole does. Anything unusual (an error, cases in
    the head, a table in two parts) parses the whole text, which gives its own verdict and words.
    A part that `unchanged` knows is its record, unparsed."""
    starts = _starts(text)
    if len(starts) < 2:
        return None  # nothing to gain
    try:
        document: Table = parser.loads(text[: starts[0]])
        tail: Table = parser.loads(text[starts[-1] :])
    except (ValueError, RecursionError):  # each parser's TOMLDecodeError is a ValueError
        return None
    last = tail.pop("cases", None)
    if "cases" in document or tail.keys() & document.keys() or not isinstance(last, list):
        return None
    document.update(tail)  # the tables after the last case (the logs)

    def cases() -> Iterator[Table | Case]:
        for start, end in itertools.pairwise(starts):
            known = unchanged and unchanged(text[start:end])
            if known:
                yield known
                continue
            try:
                part = _case_part(parser, text[start:end])
            except (ValueError, RecursionError):
                raise _NotAlone from None
            if part.keys() != {"cases"}:
                raise _NotAlone
            yield from part["cases"]
        yield from last

    return document, cases()


# In a part of the text between two `[[cases]]` lines, a line that may be any table's header but
# a case's own (a multi-line array's line too, which is as well taken for one).
_OTHER_HEADER = re.compile(r"\n[ \t]*\[(?!\[cases\]\]\n|\[?cases\.)")


def _unchanged(text: str, before: str, read: Inspection) -> Callable[[str], Case | None] | None:
    """The record in `read` (what `before` read as) of each part of `text` between two
    `[[cases]]` lines that is, byte for byte, such a part of `before`; None where that cannot
    be told safely. It can where `before` has no multi-line string (with none, each such line
    is a real header: no line end is inside a string) and each of its parts holds no header
    but its case's own: then each is one case, the same alone as in the whole text, and
    `before`'s parts are `read`'s cases in order, one each, with its last in the tail. In
    `text`, such a line inside a multi-line string is inside a string opened in a part that
    is parsed (none of `before`'s has one), which then does not parse alone: `_by_case` parses
    the whole text. The caller checks that the cases of `text` are read against the same
    samples and questions as `read`'s were."""
    if '"""' in before or "'''" in before:
        return None
    starts = _starts(before)
    if len(starts) < 2 or len(starts) != len(read.cases) or _OTHER_HEADER.search(before, starts[0] - 1, starts[-1]):
        return None
    parts = {
        before[start:end]: case for (start, end), case in zip(itertools.pairwise(starts), read.cases, strict=False)
    }  # the last case: in the tail
    return parts.get


_ANSWERS_HEADER = "\n[cases.answers]\n"
# An answer's line as a save writes it, the question id and the answer each a group.
_ANSWER_LINE = r'"([A-Za-z0-9._-]+)" = "(yes|no|n/a)"\n'
_ANSWER = re.compile(_ANSWER_LINE)
_ANSWER_LINES = re.compile(f"(?:{_ANSWER_LINE})+")


# A case's part as a save writes most: its own values, each a string with nothing to escape
# (no quote, backslash or control character but a tab) or a boolean, then its answers' table.
_VALUE = rf'"[^{ESCAPED}]*"|true|false'
_USUAL_CASE = re.compile(
    rf"\[\[cases\]\]\n((?:{BARE_KEY} = (?:{_VALUE})\n)*)"
    rf"\n\[cases\.answers\]\n((?:{_ANSWER_LINE})*)\n*\Z"
)
_OWN = re.compile(rf"({BARE_KEY}) = ({_VALUE})\n")


def _usual_case(part: str) -> Table | None:
    """`loads(part)` for a case's part as a save writes most, read by regular expressions at C
    speed: every line of it is a bare key and a plain value, a quoted question id and an answer,
    the table's header or blank, so it means what the parser would make of it, unless a key
    is given twice (None: the parser says so). None too for any other part."""
    usual = _USUAL_CASE.match(part)
    if usual is None:
        return None
    own = {key: value[1:-1] if value[0] == '"' else value == "true" for key, value in _OWN.findall(usual[1])}
    found = _ANSWER.findall(usual[2])
    answers = dict(found)
    if len(own) != usual[1].count("\n") or "answers" in own or len(answers) != len(found):
        return None
    own["answers"] = answers
    return {"cases": [own]}


def _case_part(parser: Any, part: str) -> Table:
    """`parser.loads(part)`, a `[[cases]]` part of the text: the usual case's read at C speed
    (`_usual_case`); any other's answers' lines as a save writes them (`"2.1.1" = "yes"`, most
    of a case) read by a regular expression, and the rest by the parser; the parser reads it
    all where anything is otherwise. With no multi-line string in the part, its
    `[cases.answers]` line is the table's header; its lines read here are keys of that table,
    which is to have no others: so the part means the same."""
    usual = _usual_case(part)
    if usual is not None:
        return usual
    at = part.find(_ANSWERS_HEADER)
    if at >= 0 and '"""' not in part and "'''" not in part:
        begin = at + len(_ANSWERS_HEADER)
        block = _ANSWER_LINES.match(part, begin)
        if block is not None:
            found = _ANSWER.findall(block.group())
            answers = dict(found)
            rest: Table = parser.loads(part[:begin] + part[block.end() :])
            cases = rest.get("cases")
            if len(answers) == len(found) and isinstance(cases, list) and len(cases) == 1 and cases[0].get("answers") == {}:
                cases[0]["answers"].update(answers)  # where the parser put the table, among the case's keys
                return rest
    parsed: Table = parser.loads(part)
    return parsed


def _syntax_message(text: str, error: ValueError) -> str:
    # Both parsers' messages end "(at line L, column C)" or "(at end of document)": read
    # from the message, the same file gets the same words whichever parser read it.
    message = str(error)
    if message.endswith(")") and "(at " in message:
        head, _, where = message.rpartition(" (at ")
        return f"{where[:-1]}: TOML syntax error: {head}"
    return f"TOML syntax error: {message}"
