"""Reading an inspection file (`spec/format.md`, format 1), refusing a broken one whole.

A file that breaks a rule gives an `InspectionError` listing every problem at once, each
located: line and column for TOML syntax, table, index and key for the rest. Nothing here
raises anything else, whatever the bytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import sys
import threading
import tomllib
from types import MappingProxyType
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

try:  # the same parser as tomllib, compiled by mypyc: 3-4x faster on an inspection
    import tomli as compiled
except ImportError:  # no tomli installed: the standard library's pure-Python copy
    compiled = tomllib  # type: ignore[misc]

from . import cache, collector, guard
from .shown import controls, shown
from .frameworks import PRESETS, Framework, resolve
from .model import (
    FORMAT,
    NOT_RATED,
    UNANSWERED,
    UNRATED,
    Answer,
    Answers,
    Case,
    CODES,
    Decision,
    Inspection,
    KeyQuestion,
    Moderated,
    ModerationEntry,
    Prompt,
    Questions,
    Standard,
)
from .rules import DOWN, UP, within_reach

BOM = b"\xef\xbb\xbf"
MAX_BYTES = 64 * 1024 * 1024  # far beyond any real inspection; refuses runaway files early
# Far beyond any real inspection, and refused before the TOML parser, which is slow (even
# quadratic) on keys of many parts, and before a huge title is redrawn on every key.
MAX_KEY_PARTS = 32
MAX_LINE = 64 * 1024
MAX_STRING = 64 * 1024
ANSWERS = {answer.value: answer for answer in Answer}
CODE = {answer.value: code for answer, code in CODES.items()}  # the byte `Answers` keeps for each
Table = dict[str, Any]  # a TOML table as parsed: its values are checked here, one by one
_NO_TIME = dt.datetime.min.replace(tzinfo=dt.timezone.utc)  # in a record of a file being refused only


class InspectionError(Exception):
    """A file that cannot be used, with every problem found, one per line."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        # Shown, never raw: a message quotes the file, which may hold terminal escapes.
        super().__init__("\n".join(shown(f"{source}: {p}") for p in problems))


@dataclass(frozen=True)
class Loaded:
    inspection: Inspection
    framework: Framework
    text: str


def load(path: str | Path) -> Loaded:
    """Read and validate one inspection file; a file read before, unchanged, from the cache."""
    data, name = read_file(path), str(path)
    with collector.paused():  # unpickling makes as many records as parsing does
        kept = cache.recall(data)
    if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], Inspection) and isinstance(kept[1], Framework):
        return Loaded(kept[0], kept[1], _text(data, name))
    loaded = parse_bytes(data, name)
    cache.keep(data, (loaded.inspection, loaded.framework))
    return loaded


def read_file(path: str | Path) -> bytes:
    """An inspection file's bytes, through the guarded open: a named pipe, a device or a runaway
    size is refused (`InspectionError`) before anything is read."""
    name = str(path)
    try:
        return guard.read(path, MAX_BYTES, "an inspection file")
    except guard.Refused as refused:
        raise InspectionError(name, [refused.reason]) from None
    except FileNotFoundError:
        raise InspectionError(name, ["no such file"]) from None
    except IsADirectoryError:
        raise InspectionError(name, ["is a directory, not an inspection file"]) from None
    except PermissionError:
        raise InspectionError(name, ["cannot be read: permission denied"]) from None
    except OSError as e:
        raise InspectionError(name, [f"cannot be read: {e.strerror or e}"]) from None


def parse_bytes(data: bytes, name: str = "<inspection>") -> Loaded:
    return parse_text(_text(data, name), name)


def _text(data: bytes, name: str) -> str:
    if data.startswith(BOM):  # as Windows editors save UTF-8; TOML does not allow it, we read past it
        data = data[len(BOM) :]
    if not data.strip():
        raise InspectionError(name, ["is empty: an inspection file starts with 'format = 1'"])
    if b"\0" in data:
        raise InspectionError(
            name,
            [
                f"is {_wide_encoding(data) or 'binary'}, not a TOML inspection file"
                + (": save it as UTF-8" if _wide_encoding(data) else "")
            ],
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InspectionError(name, [f"is not UTF-8 text (byte {e.start + 1}): not a TOML inspection file"]) from None


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 text, by its byte-order mark or, without one, where its zero bytes fall."""
    for mark, encoding in (
        (b"\xff\xfe\0\0", "UTF-32 (little-endian)"),
        (b"\0\0\xfe\xff", "UTF-32 (big-endian)"),
        (b"\xff\xfe", "UTF-16 (little-endian)"),
        (b"\xfe\xff", "UTF-16 (big-endian)"),
    ):
        if data.startswith(mark):
            return f"{encoding} text"
    head = data[:256]
    for width, encoding in ((4, "UTF-32"), (2, "UTF-16")):
        for order, place in (("little-endian", 0), ("big-endian", width - 1)):
            units = [head[i : i + width] for i in range(0, len(head) - width + 1, width)]
            # text, as a TOML file starts: printable ASCII or line ends, each padded with zero bytes
            if len(units) >= 4 and all(
                u.count(0) == width - 1 and (32 <= u[place] < 127 or u[place] in b"\t\r\n") for u in units
            ):
                return f"{encoding} ({order}) text"
    return None


def parse_text(text: str, name: str = "<inspection>") -> Loaded:
    prescan(text, name)  # before any parser: they are slow, even quadratic, on hostile text
    with collector.paused():
        return _parsed(text, name)


def _parsed(text: str, name: str) -> Loaded:
    # Compiled code never lets go of the GIL: a 2,000-case parse in a worker thread stopped
    # the screen for its whole 0.5-3 s. Off the main thread (a save or reload beside the
    # screen) the pure-Python tomllib parses, and yields to the screen every few ms.
    parser = compiled if threading.current_thread() is threading.main_thread() else tomllib
    by_case = _by_case(parser, text)
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


def _by_case(parser: Any, text: str) -> tuple[Table, Iterator[Table]] | None:
    """The document without its cases, and the cases parsed one `[[cases]]` part at a time as
    they are read; None (or `_NotAlone` from the cases) to parse the whole text instead.

    Parsed whole, a 10,000-case document is a million short strings, freed once the model is
    built but leaving its memory resident in holes between the records that live on (98
    arenas of 1 MiB for 18 MB of live objects). Part by part, each case's strings are freed
    before the next is read. The head (all before the first `[[cases]]` line) and the tail
    (from the last one: the last case and the logs) are parsed first, each part between
    alone: a part that parses begins and ends at a statement boundary of the whole text (a
    part ending inside a string would not parse), so every `[[cases]]` line it splits at is a
    real header and the parts mean what the whole does. Anything unusual (an error, cases in
    the head, a table in two parts) parses the whole text, which gives its own verdict and words."""
    starts = []
    at = text.find(_CASE_HEADER)
    while at >= 0:
        starts.append(at + 1)
        at = text.find(_CASE_HEADER, at + 1)
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

    def cases() -> Iterator[Table]:
        for start, end in itertools.pairwise(starts):
            try:
                part = parser.loads(text[start:end])
            except (ValueError, RecursionError):
                raise _NotAlone from None
            if part.keys() != {"cases"}:
                raise _NotAlone
            yield from part["cases"]
        yield from last

    return document, cases()


def prescan(text: str, name: str = "<inspection>") -> None:
    """Refuse, before any TOML parser sees it, a text built to be slow to parse or to show:
    lines, multi-line strings or dotted keys far beyond any real inspection. Linear in the
    text: a line is looked at closely only when it holds that many dots."""
    problems = []
    lines = text.split("\n")
    if max(map(len, lines)) <= MAX_LINE and max(map(str.count, lines, itertools.repeat("."))) < MAX_KEY_PARTS:
        lines = []  # as nearly every file: no line to look at closely (found at C speed)
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            problems.append(f"line {number}, column 1: {len(line):,} characters long, over the limit of {MAX_LINE:,}")
        if line.count(".") >= MAX_KEY_PARTS:  # rare: only then look for the key itself
            parts = _key_parts(line)
            if abs(parts) > MAX_KEY_PARTS:
                problems.append(
                    f"line {number}, column 1: a dotted key of {'at least ' * (parts < 0)}"
                    f"{abs(parts):,} parts, over the limit of {MAX_KEY_PARTS}"
                )
    if '"""' in text or "'''" in text:
        for found in _MULTILINE_STRING.finditer(text):
            if len(found.group()) - 6 > MAX_STRING:
                start = found.start()
                problems.append(
                    f"line {_line_of(text, start)}, column {start - text.rfind(chr(10), 0, start)}: "
                    f"a string of {len(found.group()) - 6:,} characters, over the limit of {MAX_STRING:,}"
                )
    if problems:
        raise InspectionError(name, problems[:20])


_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_DEEP_KEY = re.compile(f"[ \t]*\\[*[ \t]*{_PART}(?:[ \t]*\\.[ \t]*{_PART}){{{MAX_KEY_PARTS},}}")
_MULTILINE_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'')


def _key_parts(line: str) -> int:
    """How many parts the key on a line has (negative: at least that many, the rest unread)."""
    key, equals, _ = line.partition("=")
    if equals and '"' not in key and "'" not in key:  # a bare dotted key: counted at C speed
        return key.count(".") + 1
    deep = _DEEP_KEY.match(line, 0, MAX_LINE)  # a quoted or table key: looked at, within the line limit
    if deep is None:
        return 0
    parts = deep.group().count(".") + 1
    return -parts if deep.end() == min(len(line), MAX_LINE) < len(line) else parts


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _syntax_message(text: str, error: ValueError) -> str:
    # Both parsers' messages end "(at line L, column C)" or "(at end of document)": read
    # from the message, the same file gets the same words whichever parser read it.
    message = str(error)
    if message.endswith(")") and "(at " in message:
        head, _, where = message.rpartition(" (at ")
        return f"{where[:-1]}: TOML syntax error: {head}"
    return f"TOML syntax error: {message}"


# ---------------------------------------------------------------- checking values

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


def _type_name(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _key(key: str) -> str:
    if key.replace("_", "").replace("-", "").isalnum() and key.isascii():
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Checker:
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
                f"{where}.{_key(key)}" if where else _key(key),
                f"expected {expected}, found {_type_name(value)} ({_short(value)})",
            )
            return None
        return value

    def string(self, table: Table, key: str, where: str, required: bool = False) -> str | None:
        value: str | None = self.value(table, key, where, "a string", lambda v: isinstance(v, str), required)
        if value is not None and required and not value.strip():
            self.problem(f"{where}.{key}", "must not be empty")
        return value

    def boolean(self, table: Table, key: str, where: str) -> bool | None:
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
                self.problem(f"{prefix}[{i}]", f"expected a table, found {_type_name(item)}")
        return good

    def table(self, table: Table, key: str, where: str, required: bool = False) -> Table:
        return self.value(table, key, where, "a table", lambda v: isinstance(v, dict), required) or {}


def _short(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _extra(table: Table, known: frozenset[str]) -> Mapping[str, Any]:
    return {k: v for k, v in table.items() if k not in known} or _NOTHING  # one shared empty table, not one a case


_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _is_number(value: Any) -> bool:
    # TOML's inf and nan are floats, but no band boundary or point count
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# ---------------------------------------------------------------- the document

_TOP = frozenset({"format", "inspection", "samples", "framework", "standards", "cases", "moderation", "discretion"})
_INSPECTION = frozenset({"title", "framework", "fieldwork_start", "lead_inspector", "reasons_required"})
_STANDARD = frozenset({"id", "domain", "title", "sample", "key_questions", "rating", "counts", "statement", "guidance"})
_KEY_QUESTION = frozenset({"id", "text", "prompts", "rating", "judgement"})
_PROMPT = frozenset({"id", "text"})
_CASE = frozenset({"id", "sample", "label", "inspector", "moderated", "answers", "oversight", "interviewed", "notes"})
_MODERATED = frozenset({"by", "at"})
_MODERATION = frozenset({"case", "question", "standard", "from", "to", "by", "at", "reason"})
_DECISION = frozenset({"standard", "computed", "rating", "by", "at", "reason"})


def from_document(
    doc: Table, name: str = "<inspection>", case_tables: Iterable[Table] | None = None
) -> tuple[Inspection, Framework]:
    """Validate a parsed TOML document and build the inspection and its framework; `case_tables`:
    its `[[cases]]` tables as they are read, when `doc` has none of its own (see `_by_case`)."""
    check = _Checker()
    version = doc.get("format")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
        raise InspectionError(
            name, [f"is format {version}; this version of moderate reads format {FORMAT} only: upgrade moderate to open it"]
        )
    if "format" not in doc:
        check.problem("", f"'format' is required: the file must start with 'format = {FORMAT}'")
    elif version != FORMAT or not isinstance(version, int) or isinstance(version, bool):
        check.problem("format", f"expected {FORMAT}, found {_short(version)}")

    meta = check.table(doc, "inspection", "", required=True)
    present = isinstance(doc.get("inspection"), dict)  # a missing or wrong table is one problem, not three
    title = check.string(meta, "title", "inspection", required=present)
    framework_name = check.string(meta, "framework", "inspection", required=present)
    if framework_name is not None and framework_name not in PRESETS:
        check.problem("inspection.framework", f"unknown framework {framework_name!r}; known: {', '.join(PRESETS)}")
        framework_name = None
    fieldwork = check.value(
        meta,
        "fieldwork_start",
        "inspection",
        "a date such as 2026-11-20",
        lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
    )
    lead = check.string(meta, "lead_inspector", "inspection")
    reasons_required = check.boolean(meta, "reasons_required", "inspection")

    samples = check.table(doc, "samples", "")
    for sample_id, description in samples.items():
        if controls(sample_id):
            check.problem(
                f"samples.{_key(sample_id)}",
                f"holds control characters ({', '.join(controls(sample_id))}): ids are plain text on one line",
            )
        if not isinstance(description, str):
            check.problem(f"samples.{_key(sample_id)}", f"expected a string, found {_type_name(description)}")

    overrides = check.table(doc, "framework", "")
    before = len(check.problems)
    _check_overrides(overrides, check)
    overrides_ok = len(check.problems) == before and ("framework" not in doc or isinstance(doc["framework"], dict))
    framework = resolve(framework_name, overrides) if framework_name and overrides_ok else None
    band_names = [b.rating for b in framework.bands] if framework else None

    standards = _standards(doc, samples, band_names, check)
    # Each question's sample: an answer counts only in a case of that sample.
    questions: dict[str, str | None] | None = {
        q: s.sample for s in standards for kq in s.key_questions for q in (kq.id, *(p.id for p in kq.prompts))
    }
    if not isinstance(doc.get("standards"), list) or not standards:
        questions = None  # already reported; calling every answer unknown would only bury that
    cases = _cases(check.tables(doc, "cases", "") if case_tables is None else case_tables, samples, questions, check)
    by_id = {s.id: s for s in standards}
    moderation = _moderation(doc, by_id, band_names, check)
    decisions = _decisions(doc, by_id, framework, check)

    if check.problems:
        raise InspectionError(name, check.problems)
    # No problems: so each required value was there and of its type.
    assert title is not None and framework_name is not None and framework is not None
    inspection = Inspection(
        title=title,
        framework=framework_name,
        samples=samples,
        standards=tuple(standards),
        cases=tuple(cases),
        moderation=tuple(moderation),
        discretion=tuple(decisions),
        fieldwork_start=fieldwork,
        lead_inspector=lead,
        reasons_required=bool(reasons_required),
        framework_overrides=overrides,
        inspection_extra=_extra(meta, _INSPECTION),
        extra=_extra(doc, _TOP),
    )
    return inspection, framework


def _check_overrides(overrides: Table, check: _Checker) -> None:
    for key in ("bands", "overall"):
        entries = check.tables(overrides, key, "framework")
        if overrides.get(key) == []:
            check.problem(f"framework.{key}", "must list at least one band")
        previous = None
        for i, entry in enumerate(entries):
            where = f"framework.{key}[{i}]"
            check.string(entry, "rating", where, required=True)
            start = check.value(entry, "from", where, "a number", _is_number, required=True)
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
        rules, "within_points", "framework.discretion", "a number of points, 0 or more", lambda v: _is_number(v) and v >= 0
    )
    check.boolean(rules, "one_case", "framework.discretion")
    check.value(
        rules,
        "small_sample",
        "framework.discretion",
        "a whole number of cases, 0 or more",
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    )


def _standards(doc: Table, samples: Table, band_names: list[str] | None, check: _Checker) -> list[Standard]:
    entries = check.tables(doc, "standards", "", required=True)
    if "standards" in doc and isinstance(doc["standards"], list) and not doc["standards"]:
        check.problem("standards", "at least one standard is required")
    seen_standards: set[str] = set()
    seen_questions: dict[str, str] = {}
    standards = []
    for i, entry in enumerate(entries):
        sid, where = _unique_id(entry, "standards", i, "standard", seen_standards, check)
        title = check.string(entry, "title", where, required=True)
        domain = check.string(entry, "domain", where) or ""
        sample = check.string(entry, "sample", where)
        counts = check.boolean(entry, "counts", where)
        rating = check.string(entry, "rating", where)
        statement = check.string(entry, "statement", where)
        guidance = check.value(
            entry, "guidance", where, "an array of strings", lambda v: isinstance(v, list) and all(isinstance(g, str) for g in v)
        )
        key_questions = _key_questions(entry, where, band_names, seen_questions, check)
        case_based = any(not kq.judgement for kq in key_questions)
        if case_based and sample is None and "sample" not in entry:
            check.problem(where, "a case-based standard needs 'sample', one of [samples]")
        if sample is not None and sample not in samples:
            check.problem(f"{where}.sample", f"{sample!r} is not declared in [samples]")
        if rating is not None:
            if key_questions:
                check.problem(f"{where}.rating", "a standard with key questions takes its rating from them")
            elif band_names is not None and rating not in (*band_names, NOT_RATED):
                check.problem(f"{where}.rating", f"{rating!r} is not one of {_choices([*band_names, NOT_RATED])}")
        standards.append(
            Standard(
                id=sid or "",
                domain=domain,
                title=title or "",
                sample=sample,
                key_questions=tuple(key_questions),
                rating=rating,
                counts=True if counts is None else counts,
                statement=statement,
                guidance=tuple(guidance or ()),
                extra=_extra(entry, _STANDARD),
            )
        )
    return standards


def _key_questions(
    entry: Table, where: str, band_names: list[str] | None, seen: dict[str, str], check: _Checker
) -> list[KeyQuestion]:
    result = []
    for j, kq in enumerate(check.tables(entry, "key_questions", where)):
        here = f"{where}.key_questions[{j}]"
        qid = _question_id(kq, here, seen, check)
        text = check.string(kq, "text", here, required=True)
        rating = check.string(kq, "rating", here)
        judgement = check.boolean(kq, "judgement", here)
        if rating is not None and band_names is not None and rating not in band_names:
            check.problem(f"{here}.rating", f"{rating!r} is not one of {_choices(band_names)}")
        prompts = []
        for k, prompt in enumerate(check.tables(kq, "prompts", here)):
            there = f"{here}.prompts[{k}]"
            pid = _question_id(prompt, there, seen, check)
            ptext = check.string(prompt, "text", there, required=True)
            prompts.append(Prompt(pid or "", ptext or "", _extra(prompt, _PROMPT)))
        result.append(
            KeyQuestion(
                id=qid or "",
                text=text or "",
                prompts=tuple(prompts),
                judgement=bool(judgement) or rating is not None,
                rating=rating,
                extra=_extra(kq, _KEY_QUESTION),
            )
        )
    return result


def _plain_id(identifier: str | None, where: str, check: _Checker) -> None:
    """Ids name columns, rows and log entries: a line break or control character in one would
    split or disguise it."""
    if identifier is not None and controls(identifier):
        check.problem(
            f"{where}.id", f"holds control characters ({', '.join(controls(identifier))}): ids are plain text on one line"
        )


def _question_id(table: Table, where: str, seen: dict[str, str], check: _Checker) -> str | None:
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


def _unique_id(entry: Table, table: str, index: int, kind: str, seen: set[str], check: _Checker) -> tuple[str | None, str]:
    """An entry's id, checked unique, and where it is for messages: 'cases[3] (C04)'."""
    where = f"{table}[{index}]"
    found = check.string(entry, "id", where, required=True)
    _plain_id(found, where, check)
    if found is not None:
        where = f"{where} ({found})"
        if found in seen:
            check.problem(f"{where}.id", f"duplicate {kind} id {found!r}")
        seen.add(found)
    return found, where


def _cases(entries: Iterable[Table], samples: Table, questions: dict[str, str | None] | None, check: _Checker) -> list[Case]:
    by_sample: dict[str | None, list[str]] = {}
    for question, owner in (questions or {}).items():
        by_sample.setdefault(owner, []).append(question)
    columns = {sample: Questions(tuple(ids), sample) for sample, ids in by_sample.items()}  # shared by the sample's cases
    seen: set[str] = set()
    shared: dict[str | None, str | None] = {}  # one copy of each sample, label and inspector, not one a case
    cases = []
    for i, entry in enumerate(entries):
        cid, where = _unique_id(entry, "cases", i, "case", seen, check)
        sample = check.string(entry, "sample", where, required=True)
        if sample is not None and sample not in samples:
            check.problem(f"{where}.sample", f"{sample!r} is not declared in [samples]")
        moderated = None
        marked = check.table(entry, "moderated", where)
        if isinstance(entry.get("moderated"), dict):
            by = check.string(marked, "by", f"{where}.moderated", required=True)
            at = check.timestamp(marked, "at", f"{where}.moderated", required=True)
            moderated = Moderated(by or "", at or _NO_TIME, _extra(marked, _MODERATED))
        given = check.table(entry, "answers", where)
        answers: Mapping[str, Answer]
        try:  # nearly every case is valid: one quick pass, and the slow loop only to say why not
            own = columns.get(sample) if questions is not None else None
            if own is None:
                answers = {question: ANSWERS[value] for question, value in given.items()}
                valid = questions is None or not answers
            else:
                codes = bytearray(len(own.ids))
                for question, value in given.items():
                    codes[own.index[question]] = CODE[value]
                answers, valid = Answers(own, bytes(codes)), True
        except (KeyError, TypeError):  # not a question of the sample, not a valid answer, or not even hashable
            valid = False
        if not valid:
            kept: dict[str, Answer] = {}
            for question, value in given.items():
                answer = ANSWERS.get(value) if isinstance(value, str) else None
                if questions is not None and question not in questions:
                    check.problem(f"{where}.answers.{_key(question)}", "no such question in this file")
                elif answer is None:
                    check.problem(f"{where}.answers.{_key(question)}", f"{_short(value)} is not yes, no or n/a")
                elif (
                    questions is not None
                    and sample in samples
                    and questions[question] != sample
                    and (questions[question] is None or questions[question] in samples)
                ):  # else already reported
                    owner = f"sample {questions[question]!r}" if questions[question] else "no sample (a judgement)"
                    check.problem(
                        f"{where}.answers.{_key(question)}",
                        f"the question belongs to {owner}, not to this case's sample {sample!r}: "
                        "the answer would count for nothing",
                    )
                else:
                    kept[question] = answer
            answers = kept
        oversight = check.string(entry, "oversight", where)
        label, inspector = check.string(entry, "label", where), check.string(entry, "inspector", where)
        if oversight is not None and oversight not in ANSWERS:
            check.problem(f"{where}.oversight", f"{_short(oversight)} is not yes, no or n/a")
        cases.append(
            Case(
                id=cid or "",
                sample=shared.setdefault(sample, sample) or "",
                label=shared.setdefault(label, label),
                inspector=shared.setdefault(inspector, inspector),
                moderated=moderated,
                answers=answers,
                extra=_extra(entry, _CASE),
                oversight=oversight,
                interviewed=check.boolean(entry, "interviewed", where),
                notes=check.string(entry, "notes", where),
            )
        )
    return cases


def _moderation(
    doc: Table, standards: dict[str, Standard], band_names: list[str] | None, check: _Checker
) -> list[ModerationEntry]:
    entries = []
    for i, entry in enumerate(check.tables(doc, "moderation", "")):
        where = f"moderation[{i}]"
        standard = _rated_standard(entry, standards)
        if standard is None:
            keys: tuple[str, ...] = ("case", "question", "from", "to", "by")
            answers = (*ANSWERS, UNANSWERED)
            allowed: dict[str, tuple[str, ...]] = {"from": answers, "to": answers}
        else:
            keys = ("from", "to", "by")
            ratings = (*band_names, NOT_RATED, UNRATED) if band_names is not None else ()
            allowed = {"from": ratings, "to": ratings} if ratings else {}  # an unknown framework is already reported
        values = {key: check.string(entry, key, where, required=True) for key in keys}
        for key in ("from", "to"):
            if standard is not None and values[key] == UNANSWERED:
                values[key] = UNRATED  # how the older form said it
        for key, choices in allowed.items():
            if values[key] is not None and values[key] not in choices:
                check.problem(f"{where}.{key}", f"{values[key]!r} is not one of {_choices(choices)}")
        entries.append(
            ModerationEntry(
                case=values.get("case") or "",
                question=values.get("question") or "",
                from_=values["from"] or "",
                to=values["to"] or "",
                by=values["by"] or "",
                at=check.timestamp(entry, "at", where, required=True) or _NO_TIME,
                reason=check.string(entry, "reason", where),
                standard=standard,
                extra=_extra(entry, _MODERATION),
            )
        )
        if standard is None and "standard" in entry:
            check.problem(f"{where}.standard", f"no judgement standard {_short(entry['standard'])} in this file")
    return entries


def _rated_standard(entry: Table, standards: dict[str, Standard]) -> str | None:
    """The judgement standard a log entry rates: `standard = "1.1"`, or in the older form
    `case = ""` with the standard's id as the question. None for an answer's entry."""
    named = entry.get("standard", entry.get("question") if entry.get("case") == "" else None)
    if isinstance(named, str) and named in standards and standards[named].is_judgement:
        return named
    return None


def _decisions(doc: Table, standards: dict[str, Standard], framework: Framework | None, check: _Checker) -> list[Decision]:
    decisions = []
    for i, entry in enumerate(check.tables(doc, "discretion", "")):
        where = f"discretion[{i}]"
        values = {key: check.string(entry, key, where, required=True) for key in ("standard", "computed", "rating", "by")}
        standard = standards.get(values["standard"] or "")
        if values["standard"] is not None and standard is None:
            check.problem(f"{where}.standard", f"no standard {values['standard']!r} in this file")
        elif standard is not None and not standard.is_case_based:
            check.problem(f"{where}.standard", f"{standard.id} is a judgement standard: the panel rates it directly")
        if framework is not None:
            bands = {}
            for key in ("computed", "rating"):
                value = values[key]
                band = framework.band(value) if value is not None else None
                if band is not None:
                    bands[key] = band
                elif value is not None:
                    check.problem(f"{where}.{key}", f"{value!r} is not one of {_choices(b.rating for b in framework.bands)}")
            if len(bands) == 2 and bands["rating"] not in within_reach(bands["computed"], (UP, DOWN), framework):
                check.problem(
                    f"{where}.rating", f"moves {values['computed']!r} to {values['rating']!r}: discretion moves one band at most"
                )
        decisions.append(
            Decision(
                standard=values["standard"] or "",
                computed=values["computed"] or "",
                rating=values["rating"] or "",
                by=values["by"] or "",
                at=check.timestamp(entry, "at", where, required=True) or _NO_TIME,
                reason=check.string(entry, "reason", where),
                extra=_extra(entry, _DECISION),
            )
        )
    return decisions


def _choices(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)
