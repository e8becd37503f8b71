"""Writing an inspection back as TOML, in one canonical layout.

The layout is `spec/format.md`'s order: format, [inspection], [samples], [people] (ours),
[framework], [wording] (ours), [[standards]], [[cases]], [[moderation]], [[discretion]],
[[dip_sample]] (ours), then any tables we do not know.
Every array of tables is written as `[[...]]` sections (never inline, whatever its length)
and every answer on its own line, so that changing one answer changes one line and
appending to a log appends lines: clean `git diff`s. Values are formatted by tomli-w.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping  # not typing's: isinstance runs per value, and typing's is slow
from functools import lru_cache
from operator import attrgetter, getitem
from typing import Any, Iterable, Iterator

import tomli_w

from .model import (
    CODES,
    Answer,
    Answers,
    Case,
    Decision,
    Inspection,
    KeyQuestion,
    ModerationEntry,
    Questions,
    SampleEntry,
    Standard,
)
from .schema import BARE_KEY, ESCAPED

_BARE_KEY = re.compile(BARE_KEY + r"\Z")


class _Timestamp(dt.datetime):
    """Written as 2026-11-20T14:05:00Z rather than tomli-w's '2026-11-20 14:05:00+00:00'."""

    def __str__(self) -> str:
        text = self.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


def _timestamp(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return _Timestamp(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=value.tzinfo,
        fold=value.fold,
    )


@lru_cache(maxsize=4096)  # question ids recur in every case's answers
def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else tomli_w.dumps({"k": key})[4:-1]


def _is_table_array(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, Mapping) for v in value)


# A value's types that are never a table: most of a file's values, told apart at once (a
# `Mapping` check is slow, and a 10,000-case file has 100,000 values).
_PLAIN = (str, bool, int)


def _section(name: str, table: Mapping[str, Any], array: bool = False) -> Iterable[str]:
    """One table as `[name]` (or `[[name]]`), then its sub-tables, always as sections."""
    values = {
        k: v
        for k, v in table.items()
        if type(v) in _PLAIN or (v is not None and not isinstance(v, (Mapping, _Answers)) and not _is_table_array(v))
    }
    yield f"[[{name}]]\n" if array else f"[{name}]\n"
    yield _values(values)
    for key, value in table.items():
        if value is None or type(value) in _PLAIN:
            continue
        if isinstance(value, _Answers):
            yield f"\n[{name}.{_key(key)}]\n"
            yield value.lines
        elif isinstance(value, Mapping):
            yield "\n"
            yield from _section(f"{name}.{_key(key)}", value)
        elif _is_table_array(value):
            for item in value:
                yield "\n"
                yield from _section(f"{name}.{_key(key)}", item, array=True)


# What tomli-w escapes in a basic string: a string without any it writes as it is, in quotes.
_ESCAPED = re.compile(f"[{ESCAPED}]")


def _values(values: Mapping[str, Any]) -> str:
    """`tomli_w.dumps(values)`, made here where every value is a plain string (found at C speed),
    a boolean or an integer, as a case's are: tomli-w looks at each string a character at a time
    in Python, most of a large file's save."""
    lines = []
    for key, value in values.items():
        if type(value) is str and _ESCAPED.search(value) is None:
            lines.append(f'{_key(key)} = "{value}"\n')
        elif type(value) is bool:
            lines.append(f"{_key(key)} = {'true' if value else 'false'}\n")
        elif type(value) is int:
            lines.append(f"{_key(key)} = {value}\n")
        else:
            return tomli_w.dumps(values)
    return "".join(lines)


def _standard(standard: Standard) -> dict[str, Any]:
    return {
        "id": standard.id,
        "domain": standard.domain,
        "title": standard.title,
        "sample": standard.sample,
        "rating": standard.rating,
        "counts": None if standard.counts else False,
        "statement": standard.statement,
        "guidance": list(standard.guidance) or None,
        "rating_note": standard.rating_note,
        "head_note": standard.head_note,
        **standard.extra,
        "key_questions": [_key_question(kq) for kq in standard.key_questions] or None,
    }


def _key_question(kq: KeyQuestion) -> dict[str, Any]:
    return {
        "id": kq.id,
        "text": kq.text,
        "rating": kq.rating,
        "judgement": True if kq.judgement and kq.rating is None else None,
        "relevant_to": kq.relevant_to,
        "note": kq.note,
        "figure": None if kq.figure else False,  # true, the default, goes unsaid
        **kq.extra,
        "prompts": [{"id": p.id, "text": p.text, "note": p.note, **p.extra} for p in kq.prompts] or None,
    }


def _case_section(case: Case, order: _Order) -> Iterable[str]:
    """`_section("cases", _case(case, order), array=True)`, made at once for a case with none but
    its own keys, its answers and nothing under it (no moderation mark, no second assessment),
    as most of a large inspection's are: making and sorting out a dict for each was most of the
    time a large save took. Its lines are its id's, then those of the rest of its own
    values, which most cases share with others (`_Order.shared_lines`)."""
    if case.moderated is not None or case.second_assessments or case.extra:
        return _section("cases", _case(case, order), array=True)
    case_id, *rest = _OWN_VALUES(case)
    lines = _values({"id": case_id}), order.shared_lines(tuple(rest))
    return ("[[cases]]\n", *lines, "\n[cases.answers]\n", order.answers(case.answers).lines)


# A case's own keys, in the order they are written, and its values of them (None: not written).
_OWN = ("id", "sample", "label", "disposal", "inspector", "oversight", "interviewed", "notes")
_OWN_VALUES = attrgetter(*_OWN)


def _own(case: Case) -> dict[str, Any]:
    return dict(zip(_OWN, _OWN_VALUES(case), strict=True))


def _case(case: Case, order: _Order) -> dict[str, Any]:
    moderated = None
    if case.moderated is not None:
        moderated = {"by": case.moderated.by, "at": _timestamp(case.moderated.at), **case.moderated.extra}
    return {
        **_own(case),
        **case.extra,
        "moderated": moderated,
        "answers": order.answers(case.answers),
        "second_assessments": [
            {
                "by": second.by,
                "at": _timestamp(second.at),
                "finished": _timestamp(second.finished),
                **second.extra,
                "answers": order.answers(second.answers),
            }
            for second in case.second_assessments
        ]
        or None,
    }


class _Answers:
    """A case's answers as their lines, in question order: written without tomli-w's generality,
    since they are thousands of plain `"id" = "yes"` lines in a large inspection."""

    __slots__ = ("lines",)

    def __init__(self, lines: str):
        self.lines = lines


class _Order:
    """The file's question order, in which every case's answers are written."""

    def __init__(self, inspection: Inspection):
        self.of = question_order(inspection)
        self._lines: dict[int, tuple[tuple[str, ...], ...] | None] = {}  # by `Questions`, while they live
        self._shared: dict[tuple[str | bool | None, ...], str] = {}

    def shared_lines(self, rest: tuple[str | bool | None, ...]) -> str:
        """The lines of a case's own values after its id (`_OWN`): made once for each sample,
        label, assessor... that cases share, as a large inspection's cases have few such; not kept
        for a case with notes, which are its own."""
        lines = self._shared.get(rest)
        if lines is None:
            lines = _values({key: value for key, value in zip(_OWN[1:], rest, strict=True) if value is not None})
            if rest[-1] is None:  # no notes (the last of them)
                self._shared[rest] = lines
        return lines

    def answers(self, answers: Mapping[str, Answer]) -> _Answers:
        if isinstance(answers, Answers):  # as read from the file or imported: a byte a question
            lines = self._lines_of(answers.questions)
            if lines is not None:  # each question's line for each code, picked at C speed
                return _Answers("".join(map(getitem, lines, answers.codes)))
        # An answer to a question the file lacks (from a merge, say) goes last, for the reader to refuse.
        ordered = sorted(answers.items(), key=lambda item: self.of.get(item[0], len(self.of)))
        return _Answers("".join([_answer_line(question, answer) for question, answer in ordered]))

    def _lines_of(self, questions: Questions) -> tuple[tuple[str, ...], ...] | None:
        """For each of a sample's questions, its line for each answer code (none for 0), if the
        sample's questions are in the file's order; else None (its answers are sorted)."""
        if id(questions) not in self._lines:
            at = [self.of.get(question, -1) for question in questions.ids]
            ordered = -1 not in at and at == sorted(at)
            self._lines[id(questions)] = tuple(map(_by_code, questions.ids)) if ordered else None
        return self._lines[id(questions)]


def _by_code(question: str) -> tuple[str, ...]:
    """A question's line for each answer's code (`CODES`), none for 0 (unanswered)."""
    lines = [""] * (max(CODES.values()) + 1)
    for answer, code in CODES.items():
        lines[code] = _answer_line(question, answer)
    return tuple(lines)


@lru_cache(maxsize=4096)  # bounded: question ids come from the file
def _answer_line(question: str, answer: Answer) -> str:
    """One answer's line: made once for each question and answer, as 2,000 cases repeat them."""
    return f'{_key(question)} = "{answer.value}"\n'


def _moderation(entry: ModerationEntry) -> dict[str, Any]:
    named = {"standard": entry.standard} if entry.is_rating else {"case": entry.case, "question": entry.question}
    return {
        **named,
        "from": entry.from_,
        "to": entry.to,
        "by": entry.by,
        "at": _timestamp(entry.at),
        "reason": entry.reason,
        **entry.extra,
    }


def _decision(decision: Decision) -> dict[str, Any]:
    return {
        "standard": decision.standard,
        "computed": decision.computed,
        "rating": decision.rating,
        "by": decision.by,
        "at": _timestamp(decision.at),
        "reason": decision.reason,
        **decision.extra,
    }


def _sample_entry(entry: SampleEntry) -> dict[str, Any]:
    return {
        "case": entry.case,
        "withdrawn": True if entry.withdrawn else None,
        "phase": entry.phase,
        "method": entry.method,
        "seed": entry.seed,
        "reason": entry.reason,
        "by": entry.by,
        "at": _timestamp(entry.at),
        **entry.extra,
    }


def question_order(inspection: Inspection) -> dict[str, int]:
    ids = (q for s in inspection.standards for kq in s.key_questions for q in (kq.id, *(p.id for p in kq.prompts)))
    return {question: i for i, question in enumerate(ids)}


def dumps(inspection: Inspection, made: Made | None = None) -> str:
    """The whole file, canonical: loading it and writing it again gives the same text. `made`:
    each case's part of a file written before, to take where the case is the same record."""
    return "".join(pieces(inspection, made))


def pieces(inspection: Inspection, made: Made | None = None) -> Iterator[str]:
    """The text `dumps` gives, a section at a time, each made only as it is asked for: a save
    writes a large file as it is made, never holding the whole of it."""
    for i, section in enumerate(_sections(inspection, made)):
        if i:
            yield "\n"
        yield "".join(section)


class Made:
    """Each case's part of the last file written with it, by the case record it was made from
    (held, so that its id is its own): a file written again of the same questions takes the
    part of each case that is the very same record instead of making it again, as a merging
    save's process does, whose merge shares all but a few cases with the one before."""

    def __init__(self) -> None:
        self._of: dict[str, int] = {}  # the question order they were written in
        self._parts: dict[int, tuple[Case, str]] = {}

    def cases(self, cases: Iterable[Case], order: _Order) -> Iterator[Iterable[str]]:
        """Each case's part, taken or made; kept for the next file, and only these."""
        before, self._parts = (self._parts if order.of == self._of else {}), {}
        self._of = order.of
        for case in cases:
            kept = before.get(id(case))
            part = kept[1] if kept is not None else "".join(_case_section(case, order))
            self._parts[id(case)] = (case, part)
            yield (part,)


def _sections(inspection: Inspection, made: Made | None) -> Iterator[Iterable[str]]:
    order = _Order(inspection)
    top_values = {k: v for k, v in inspection.extra.items() if not isinstance(v, Mapping) and not _is_table_array(v)}
    top_tables = {k: v for k, v in inspection.extra.items() if k not in top_values}
    meta = {
        "title": inspection.title,
        "framework": inspection.framework,
        "fieldwork_start": inspection.fieldwork_start,
        "lead_inspector": inspection.lead_inspector,
        "reasons_required": inspection.reasons_required or None,  # false, the default, goes unsaid
        "service": inspection.service,
        **inspection.inspection_extra,
    }
    yield [tomli_w.dumps({"format": inspection.format, **top_values})]
    yield _section("inspection", meta)
    yield _section("samples", inspection.samples)
    if inspection.people:
        yield _section("people", inspection.people)
    if inspection.framework_overrides:
        # Short and rarely edited: tomli-w's own layout (inline band lists) reads best.
        yield [tomli_w.dumps({"framework": inspection.framework_overrides})]
    if inspection.wording:  # tomli-w's layout: no empty [wording.samples] above its samples' tables
        yield [tomli_w.dumps({"wording": inspection.wording})]
    yield from (_section("standards", _standard(s), array=True) for s in inspection.standards)
    yield from (_case_section(c, order) for c in inspection.cases) if made is None else made.cases(inspection.cases, order)
    yield from (_section("moderation", _moderation(m), array=True) for m in inspection.moderation)
    yield from (_section("discretion", _decision(d), array=True) for d in inspection.discretion)
    yield from (_section("dip_sample", _sample_entry(e), array=True) for e in inspection.dip_sample)
    for key, value in top_tables.items():
        if isinstance(value, Mapping):
            yield _section(_key(key), value)
        else:
            yield from (_section(_key(key), item, array=True) for item in value)


# Strings (in which '#' is text) and comments, in TOML's four string forms; a regular
# expression, as a Python loop over every character took half a second on a large file.
_STRING_OR_COMMENT = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""+'  # multi-line basic (may end in up to two more quotes)
    r"|'''(?:[^']|'(?!''))*'''+"  # multi-line literal
    r'|"(?:[^"\\\n]|\\.)*"'  # basic
    r"|'[^'\n]*'"  # literal
    r"|#[^\n]*",  # a comment
    re.DOTALL,
)


def comment_lines(text: str) -> list[int]:
    """The numbers of the lines that carry a TOML comment, which a rewrite will drop."""
    lines, line, last = [], 1, 0
    for match in _STRING_OR_COMMENT.finditer(text):
        if match.group().startswith("#"):
            line += text.count("\n", last, match.start())
            last = match.start()
            lines.append(line)
    return lines
