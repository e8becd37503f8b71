"""Three-way merge of an inspection: two people's saves of one file, or two git branches.

Answers merge one by one, so two moderators working on different answers never clash.
The moderation and discretion logs, and the dip sample's, are append-only: both sides' entries
are kept, theirs first, and no entry in a file is ever changed, reordered or dropped. Only a merging save's
own new entries, in no file yet, are made true of the merge (`_log`); in git's merge, where
every entry is in a commit, an answer whose log could not then end where the merge does is a
conflict (`_log_conflicts`).
Anything both sides changed differently is a `Conflict`; the merged inspection keeps ours
there until someone chooses (`choices`, in a save; in the file, after git's merge), so
nobody's answer is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cache
from operator import attrgetter
from typing import Any, Callable, Iterable, Literal, Mapping, TypeVar, get_args, get_type_hints

from .conflicts import KEY as CONFLICTS
from .conflicts import Conflict as Conflict  # re-exported: merging makes them
from .conflicts import tables as conflict_tables
from .model import (
    UNANSWERED,
    UNRATED,
    Answer,
    Case,
    Decision,
    Inspection,
    Moderated,
    ModerationEntry,
    SampleEntry,
    SecondAssessment,
    Standard,
)
from .reading import MAX_BYTES, InspectionError, parse_text, prescan
from .trail import breaks, held
from .writing import Made, dumps

Side = Literal["ours", "theirs"]
Author = tuple[str, dt.datetime]  # who saves ours, and when
Words = Callable[[Any, str], "str | None"]  # a value in words, told which side it is from
_Value = TypeVar("_Value")
_Entry = TypeVar("_Entry", ModerationEntry, Decision, SampleEntry)  # a record of an append-only log
_Record = TypeVar("_Record", Case, SecondAssessment)  # kept by its id (a case's) or its assessor (a second assessment's)


@dataclass(frozen=True, slots=True)
class Merged:
    inspection: Inspection  # with ours kept wherever there is a conflict
    conflicts: tuple[Conflict, ...] = ()
    text: str = ""  # the inspection in the canonical layout, as checked: what a save writes


def merge(
    base: Inspection,
    ours: Inspection,
    theirs: Inspection,
    choices: Mapping[Conflict, Side] | None = None,
    author: Author | None = None,
    saving: bool = False,
    made: Made | None = None,
) -> Merged:
    """Merge two inspections descended from `base`.

    `saving`: a merging save, of ours onto theirs on disk. Ours' entries beyond base are the
    save's own, not yet in any file, and are made true of the merge (`_log`; `author`, who
    saves and when, logs what else the merge needs logged). A conflict named in `choices` is
    settled for that side and not reported again; one that differs in any value is a new
    conflict. Otherwise it is git's merge of two committed versions: every entry of both is
    kept as it is, and there is nothing to choose (conflicts are settled in the merged file,
    where settling them is logged). `made`: the cases' parts of a file written before, for
    the text (`writing.Made`)."""
    if choices and not saving:
        raise ValueError("sides are chosen in a merging save only: git's merge leaves its conflicts in the file")
    m = _Merger(choices or {})
    scalars: dict[str, Any] = {
        name: m.pick(getattr(base, name), getattr(ours, name), getattr(theirs, name), "structure", _words, field=label)
        for name, label in _SCALARS.items()
    }
    mappings: dict[str, Any] = {
        name: m.mapping(label, *(_without_conflicts(side, name) for side in (base, ours, theirs)))
        for name, label in _MAPPINGS.items()
    }
    left = _conflicts_left(base, ours, theirs)
    if left:
        mappings["extra"][CONFLICTS] = left
    inspection = Inspection(
        **scalars,
        **mappings,
        standards=_standards(base.standards, ours.standards, theirs.standards, m),
        cases=_cases(base.cases, ours.cases, theirs.cases, m),
        discretion=_decisions(base.discretion, ours.discretion, theirs.discretion, m, saving),
        dip_sample=_appended(ours.dip_sample, theirs.dip_sample),
    )
    if saving:
        inspection = _reviewed_since(base, ours, theirs, inspection, m)
        inspection = replace(inspection, moderation=_log(base, ours, theirs, inspection, author))
    else:
        inspection = _log_conflicts(
            base, ours, theirs, replace(inspection, moderation=_appended(ours.moderation, theirs.moderation)), m
        )
    text, refusals = _checked(inspection, _same_shape(base, ours) and _same_shape(ours, theirs), made)
    return Merged(inspection, (*m.conflicts, *refusals), text)


_SCALARS = {
    "title": "inspection.title",
    "framework": "inspection.framework",
    "fieldwork_start": "inspection.fieldwork_start",
    "lead_inspector": "inspection.lead_inspector",
    "reasons_required": "inspection.reasons_required",
    "service": "inspection.service",
    "format": "format",
}
_MAPPINGS = {
    "samples": "samples",
    "people": "people",
    "framework_overrides": "framework",
    "wording": "wording",
    "inspection_extra": "inspection",
    "extra": "",
}


def _without_conflicts(inspection: Inspection, name: str) -> Mapping[str, Any]:
    mapping: Mapping[str, Any] = getattr(inspection, name)
    return {k: v for k, v in mapping.items() if k != CONFLICTS} if name == "extra" and CONFLICTS in mapping else mapping


def _conflicts_left(base: Inspection, ours: Inspection, theirs: Inspection) -> list[Any]:
    """The merge conflicts a file lists that neither side has settled (two people may settle
    different ones at once), and any either side newly lists."""
    was, mine, yours = (list(conflict_tables(side)) for side in (base, ours, theirs))
    return [t for t in mine if t in yours or t not in was] + [t for t in yours if t not in mine and t not in was]


class _Merger:
    """Three-way choices, collecting the conflicts that `choices` does not settle."""

    def __init__(self, choices: Mapping[Conflict, Side]):
        self.choices = choices
        self.conflicts: list[Conflict] = []

    def pick(self, base: _Value, ours: _Value, theirs: _Value, kind: str, words: Words, **where: str) -> _Value:
        if same(ours, theirs) or same(theirs, base):
            return ours
        if same(ours, base):
            return theirs
        conflict = Conflict(
            where.get("case"),
            where.get("question"),
            words(base, "base"),
            words(ours, "ours"),
            words(theirs, "theirs"),
            kind,
            where.get("field"),
        )
        return theirs if self.clash(conflict) == "theirs" else ours

    def clash(self, conflict: Conflict) -> Side | None:
        """The side chosen for a conflict; None (ours stands) when none was: then it is reported."""
        side = self.choices.get(conflict)
        if side is None:
            self.conflicts.append(conflict)
        return side

    def mapping(self, where: str, base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
        """Key by key (None: absent); ours' keys first, then theirs' new ones."""
        merged = {}
        for key in dict.fromkeys([*ours, *theirs, *base]):
            value = self.pick(
                base.get(key), ours.get(key), theirs.get(key), "structure", _words, field=f"{where}.{key}" if where else key
            )
            if value is not None:
                merged[key] = value
        return merged


def same(one: Any, other: Any) -> bool:
    """The same value as TOML has it. Python counts 1, 1.0 and true equal, 0.0 and -0.0, and
    two offsets of one instant; TOML has each as a value of its own, which keys the program
    does not know keep (`extra`): a change of one to another is a change. And a nan (which
    TOML allows there) is a nan."""
    if one is other:
        return True
    if is_dataclass(one) and type(one) is type(other):
        as_read = _as_read(one.__class__)
        if one == other:  # its own fields, of the kinds the program reads them as, are the same
            return all(_same_field(getattr(one, name), getattr(other, name)) for name in as_read)
        # unequal: the same still if only a nan (never equal to itself) tells them apart
        return all(
            _same_field(getattr(one, name), getattr(other, name))
            if name in as_read
            else getattr(one, name) == getattr(other, name)
            for name in _names(one.__class__)
        )
    if isinstance(one, Mapping) and isinstance(other, Mapping):
        return one.keys() == other.keys() and all(same(one[k], other[k]) for k in one)
    if isinstance(one, (list, tuple)) and isinstance(other, (list, tuple)):
        return len(one) == len(other) and all(map(same, one, other))
    if type(one) is not type(other):
        return False
    if isinstance(one, float):
        return one == other and math.copysign(1, one) == math.copysign(1, other) or math.isnan(one) and math.isnan(other)
    if isinstance(one, (dt.datetime, dt.time)):
        return bool(one == other) and one.utcoffset() == other.utcoffset()
    return bool(one == other)


def _same_field(mine: Any, yours: Any) -> bool:
    """A field that holds values as TOML read them (`_as_read`) compared as TOML has them: two
    empty (most records' unknown keys) at once."""
    return mine is yours or not mine and not yours or same(mine, yours)


_UNKNOWN_KEYS = ("extra", "inspection_extra")


@cache
def _as_read(record: type) -> frozenset[str]:
    """A record's fields that hold values as TOML read them: its unknown keys, and the records
    it holds (a standard's key questions, a case's mark). Its other fields are of the kinds the
    program reads them as: equal is the same there."""
    hints = get_type_hints(record)
    return frozenset(f.name for f in fields(record) if f.name in _UNKNOWN_KEYS or _names_a_record(hints[f.name]))


def _names_a_record(hint: Any) -> bool:
    return is_dataclass(hint) or any(map(_names_a_record, get_args(hint)))


@cache
def _names(record: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record))


def _words(value: Any, side: str) -> str | None:
    """A structure value in words: scalars as written, anything bigger only as changed or not."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (str, int, float)):
        return str(value)
    return {"base": "original", "ours": "changed", "theirs": "changed differently"}[side]


def _answer(value: Answer | None, side: str) -> str | None:
    return None if value is None else value.value


def _plain(value: str | None, side: str) -> str | None:
    return value


# ---------------------------------------------------------------- standards


def _shape(standards: tuple[Standard, ...]) -> tuple[Standard, ...]:
    """The standards without their ratings, which merge one by one."""
    return tuple(
        replace(s, rating=None, key_questions=tuple(replace(kq, rating=None) for kq in s.key_questions)) for s in standards
    )


def _ratings(standards: tuple[Standard, ...]) -> dict[tuple[str, str], str | None]:
    ratings = {}
    for s in standards:
        ratings["standard", s.id] = s.rating
        for kq in s.key_questions:
            ratings["question", kq.id] = kq.rating
    return ratings


def _standards(
    base: tuple[Standard, ...], ours: tuple[Standard, ...], theirs: tuple[Standard, ...], m: _Merger
) -> tuple[Standard, ...]:
    base_shape, our_shape, their_shape = (_shape(side) for side in (base, ours, theirs))
    # Which side's layout stands: compare the shapes, but keep that side's own records.
    layout = ours if m.pick(base_shape, our_shape, their_shape, "structure", _words, field="standards") is our_shape else theirs
    b, o, t = (_ratings(side) for side in (base, ours, theirs))

    def rated(kind: str, item_id: str) -> str | None:
        key = (kind, item_id)
        return m.pick(b.get(key), o.get(key), t.get(key), "rating", _plain, field=item_id)

    return tuple(
        replace(
            s,
            rating=rated("standard", s.id),
            key_questions=tuple(replace(kq, rating=rated("question", kq.id)) for kq in s.key_questions),
        )
        for s in layout
    )


# ---------------------------------------------------------------- cases


def _cases(base: tuple[Case, ...], ours: tuple[Case, ...], theirs: tuple[Case, ...], m: _Merger) -> tuple[Case, ...]:
    """By id: a case added on either side is kept; one deleted on a side stays deleted if the
    other left it as it was, and is a conflict if the other edited it. The merge then keeps the
    edited case, whichever side it is: its answers are what its log entries say, and work is
    never dropped before someone chooses."""
    base_cases = {c.id: c for c in base}
    our_cases = {c.id: c for c in ours}
    their_cases = {c.id: c for c in theirs}
    merged = []
    for case in ours:
        if case.id in their_cases:
            merged.append(_case(base_cases.get(case.id), case, their_cases[case.id], m))
        elif case.id not in base_cases:
            merged.append(case)  # added by us
        elif _deleted_by_one(f"cases.{case.id}", base_cases[case.id], case, None, m):
            merged.append(case)  # deleted by them but edited by us: kept until settled
    for case in theirs:
        if case.id in our_cases:
            continue
        if case.id not in base_cases:
            merged.append(case)  # added by them
        elif _deleted_by_one(f"cases.{case.id}", base_cases[case.id], None, case, m):
            merged.append(case)  # deleted by us but edited by them: kept until settled (or theirs chosen)
    return tuple(merged)


def _deleted_by_one(where: str, base: _Record, ours: _Record | None, theirs: _Record | None, m: _Merger) -> bool:
    """Whether to keep a case (or a second assessment) one side deleted: not if the other side
    left it alone; if the other edited it, a conflict, and kept unless the deletion is chosen."""
    kept = ours if ours is not None else theirs
    if kept is None or same(kept, base):
        return False
    side = m.clash(Conflict(None, None, "present", _presence(ours), _presence(theirs), "structure", where))
    return side is None or (ours if side == "ours" else theirs) is not None


def _presence(record: _Record | None) -> str:
    return "deleted" if record is None else "edited"


_CASE_FIELDS = ("sample", "label", "disposal", "inspector", "oversight", "interviewed", "notes")


def _case(base: Case | None, ours: Case, theirs: Case, m: _Merger) -> Case:
    if same(ours, theirs) or same(theirs, base):
        return ours
    if same(ours, base):
        return theirs
    where = f"cases.{ours.id}"
    answers = _answers(
        base.answers if base else {},
        ours.answers,
        theirs.answers,
        lambda question, b, o, t: m.pick(b, o, t, "answer", _answer, case=ours.id, question=question),
    )
    return replace(
        ours,
        **_picked(base, ours, theirs, _CASE_FIELDS, where, m),
        moderated=_moderated(base.moderated if base else None, ours.moderated, theirs.moderated),
        answers=answers,
        second_assessments=_second_assessments(base, ours, theirs, m),
        extra=m.mapping(where, base.extra if base else {}, ours.extra, theirs.extra),
    )


def _picked(base: _Record | None, ours: _Record, theirs: _Record, names: Iterable[str], where: str, m: _Merger) -> dict[str, Any]:
    """Plain fields merged one by one, each a conflict named `where.name` if both sides changed it."""
    return {
        name: m.pick(
            getattr(base, name, None), getattr(ours, name), getattr(theirs, name), "structure", _words, field=f"{where}.{name}"
        )
        for name in names
    }


def _answers(
    base: Mapping[str, Answer],
    ours: Mapping[str, Answer],
    theirs: Mapping[str, Answer],
    pick: Callable[[str, Answer | None, Answer | None, Answer | None], Answer | None],
) -> dict[str, Answer]:
    """Answers merged one by one, each as `pick` chooses (None: unanswered)."""
    answers = {}
    for question in dict.fromkeys([*ours, *theirs, *base]):
        answer = pick(question, base.get(question), ours.get(question), theirs.get(question))
        if answer is not None:
            answers[question] = answer
    return answers


def _second_assessments(base: Case | None, ours: Case, theirs: Case, m: _Merger) -> tuple[SecondAssessment, ...]:
    """By assessor: one added on either side is kept, ours first; one on both sides merges key by
    key and answer by answer; one deleted by hand on one side is gone if the other left it as it
    was, and a conflict if the other changed it (kept until settled), as a case is."""
    where = f"cases.{ours.id}.second_assessments"
    old = {second.by: second for second in base.second_assessments} if base else {}
    our = {second.by: second for second in ours.second_assessments}
    their = {second.by: second for second in theirs.second_assessments}
    merged = []
    for by in dict.fromkeys([*our, *their]):
        b, o, t = old.get(by), our.get(by), their.get(by)
        if o is not None and t is not None:
            merged.append(_second(b, o, t, m, f"{where}.{by}"))
            continue
        kept = o if o is not None else t
        if kept is not None and (b is None or _deleted_by_one(f"{where}.{by}", b, o, t, m)):
            merged.append(kept)  # added on one side, or deleted on one and edited on the other
    return tuple(merged)


def _second(
    base: SecondAssessment | None, ours: SecondAssessment, theirs: SecondAssessment, m: _Merger, where: str
) -> SecondAssessment:
    if same(ours, theirs) or same(theirs, base):
        return ours
    if same(ours, base):
        return theirs
    return replace(
        ours,
        **_picked(base, ours, theirs, ("at", "finished"), where, m),
        answers=_answers(
            base.answers if base else {},
            ours.answers,
            theirs.answers,
            lambda question, b, o, t: m.pick(b, o, t, "structure", _answer, field=f"{where}.answers.{question}"),
        ),
        extra=m.mapping(where, base.extra if base else {}, ours.extra, theirs.extra),
    )


def _moderated(base: Moderated | None, ours: Moderated | None, theirs: Moderated | None) -> Moderated | None:
    if same(ours, theirs) or same(theirs, base):
        return ours
    if same(ours, base):
        return theirs
    # Both reviewed the case since: the mark says when it was last reviewed, so the later stands.
    return max((ours, theirs), key=_when)


def _when(mark: Moderated | None) -> dt.datetime:
    if mark is None:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return mark.at if mark.at.tzinfo else mark.at.replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- the logs


def _record(entry: ModerationEntry | Decision | SampleEntry) -> tuple[Any, ...]:
    """A whole log record, hashable (its unknown keys in a stable order)."""
    return (*(getattr(entry, f.name) for f in fields(entry) if f.name != "extra"), repr(sorted(entry.extra.items())))


def _new(entries: Iterable[_Entry], known: Counter[tuple[Any, ...]]) -> list[_Entry]:
    """The entries not among `known`, counting repeats: a record logged twice is two entries."""
    known = Counter(known)
    fresh = []
    for entry in entries:
        key = _record(entry)
        if known[key]:
            known[key] -= 1
        else:
            fresh.append(entry)
    return fresh


def _split(base: tuple[_Entry, ...], ours: tuple[_Entry, ...], theirs: tuple[_Entry, ...]) -> tuple[list[_Entry], list[_Entry]]:
    known = Counter(map(_record, base))
    ours_new = _new(ours, known)
    return ours_new, _new(theirs, known + Counter(map(_record, ours_new)))


def _appended(ours: tuple[_Entry, ...], theirs: tuple[_Entry, ...]) -> tuple[_Entry, ...]:
    """Two sides' log as it is: theirs, then ours' entries it lacks, counting repeats: no entry
    of either side is lost, none doubled (git's merged moderation log, and the dip sample's,
    whose entries never clash, in any merge)."""
    return theirs + tuple(_new(ours, Counter(map(_record, theirs))))


def _log(
    base: Inspection, ours: Inspection, theirs: Inspection, merged: Inspection, author: Author | None
) -> tuple[ModerationEntry, ...]:
    """A merging save's log: theirs as it is (on disk), then ours' entries it lacks. Those of
    this save, in no file yet, are each made true of the merge (`spec/format.md`, "The
    moderation log"): where theirs changed the answer too, they are withdrawn if theirs stands
    (a conflict taken their way, or the same change on both sides), and where ours stands they
    start from theirs' value. An answer ours gave where ours saw none (data entry, so not
    logged) that moves one theirs' log speaks of is logged for `author`, so that the log still
    ends where the file does. An entry of the file as ours read it that theirs lacks is put
    back as it was."""
    values = [_Logged(side) for side in (base, theirs, merged)]
    in_theirs = Counter(map(_record, theirs.moderation))
    # Only what theirs lacks is put back: a record ours logged again since (a review redone
    # within the second it was saved) is this save's own, not the file's as ours read it.
    saved = Counter(map(_record, base.moderation)) - in_theirs
    started: set[tuple[str | None, str]] = set()
    kept = []
    for entry in _new(ours.moderation, in_theirs):
        record = _record(entry)
        if saved[record]:
            saved[record] -= 1
            kept.append(entry)
            continue
        key = entry.about
        was, theirs_now, now = (side.get(key) for side in values)
        if theirs_now != was:
            if now == theirs_now:
                continue
            if key not in started:
                started.add(key)
                moved = entry.from_ != entry.to
                entry = replace(entry, from_=_unlogged(theirs_now, entry))
                if moved and entry.from_ == entry.to:
                    continue
        kept.append(entry)
    if author is not None:
        on_disk, merged_values = values[1], values[2]
        about = {e.about for e in kept}
        # Only what a log speaks of can need an entry: looked up one by one, not every answer
        # of every case (a second and more at 2,000 cases, and in C, keys waiting behind it).
        spoken = {e.about for e in theirs.moderation} - about
        differ = [key for key in spoken if merged_values.get(key) != on_disk.get(key)]
        for key in sorted(differ, key=lambda key: _order(merged_values, on_disk, key)):
            case, item = key
            blank = UNRATED if case is None else UNANSWERED
            kept.append(
                ModerationEntry(
                    case or "",
                    item if case else "",
                    on_disk.get(key) or blank,
                    merged_values.get(key) or blank,
                    *author,
                    standard=None if case else item,
                )
            )
    return (*theirs.moderation, *kept)


def _reviewed_since(base: Inspection, ours: Inspection, theirs: Inspection, merged: Inspection, m: _Merger) -> Inspection:
    """An answer this save reviewed (agreed with, as it was) that theirs changed meanwhile: the
    review and theirs cannot both stand, so it is a conflict, as a change on both sides is. Ours
    stands unless theirs is chosen; taken their way, the review of an answer that no longer is
    goes (`_log`), by the moderator's choice, never unasked."""
    keep: dict[tuple[str | None, str], str] = {}
    for entry in _new(ours.moderation, Counter(map(_record, base.moderation))):
        about = entry.about
        if not entry.case or entry.from_ != entry.to or about in keep:
            continue
        was, mine, yours = (held(side, about) for side in (base, ours, theirs))
        if mine != entry.to or mine != was or yours == mine:  # changed here too (a conflict already), or not there
            continue
        conflict = Conflict(
            entry.case, entry.question, _answer_of(base, about), _answer_of(ours, about), _answer_of(theirs, about)
        )
        if m.clash(conflict) != "theirs":
            keep[about] = mine
    return replace(merged, cases=_answered_as(merged.cases, keep)) if keep else merged


def _log_conflicts(base: Inspection, ours: Inspection, theirs: Inspection, merged: Inspection, m: _Merger) -> Inspection:
    """Git's merge keeps every entry as it is: where the merged log then does not end at the
    merged answer (or judgement rating), though each side's did, both sides' entries cannot be
    true at once (a review on one side, a change on the other; a change made and taken back).
    That answer is a conflict, and ours is kept, as at any conflict: the log ends at ours'
    entry. Settling it in the file appends what makes the log true again."""
    already = {b.about for side in (ours, theirs) for b in breaks(side)}
    covered = {(c.case, c.question) if c.kind == "answer" else (None, c.field) for c in m.conflicts}
    deleted = {c.field.removeprefix("cases.") for c in m.conflicts if c.kind == "structure" and c.field}
    keep: dict[tuple[str | None, str], str] = {}
    for found in breaks(merged):
        about = found.about
        if about in already or about in covered or about[0] in deleted:
            continue
        case, item = about
        if case is None:
            was, mine, yours = (_rating_of(side, item) for side in (base, ours, theirs))
            m.clash(Conflict(None, None, was, mine, yours, "rating", item))
        else:
            was, mine, yours = (_answer_of(side, about) for side in (base, ours, theirs))
            m.clash(Conflict(case, item, was, mine, yours))
        keep[about] = held(ours, about)
    if not keep:
        return merged
    return replace(merged, standards=_rated_as(merged.standards, keep), cases=_answered_as(merged.cases, keep))


def _rating_of(inspection: Inspection, standard: str) -> str | None:
    rating = held(inspection, (None, standard))
    return None if rating == UNRATED else rating


def _answer_of(inspection: Inspection, about: tuple[str | None, str]) -> str | None:
    answer = held(inspection, about)
    return None if answer == UNANSWERED else answer


def _rated_as(standards: tuple[Standard, ...], keep: Mapping[tuple[str | None, str], str]) -> tuple[Standard, ...]:
    return tuple(
        replace(s, rating=None if keep[None, s.id] == UNRATED else keep[None, s.id]) if (None, s.id) in keep else s
        for s in standards
    )


def _answered_as(cases: tuple[Case, ...], keep: Mapping[tuple[str | None, str], str]) -> tuple[Case, ...]:
    kept = []
    for case in cases:
        mine = {item: value for (case_id, item), value in keep.items() if case_id == case.id}
        if mine:
            answers = {q: a for q, a in case.answers.items() if q not in mine}
            answers |= {q: Answer(v) for q, v in mine.items() if v != UNANSWERED}
            case = replace(case, answers=answers)
        kept.append(case)
    return tuple(kept)


def _order(merged: _Logged, on_disk: _Logged, key: tuple[str | None, str]) -> tuple[int, ...]:
    """The merge's answers and ratings in their order, then those only on disk."""
    place = merged.place(key)
    return (0, *place) if place else (1, *on_disk.place(key))


class _Logged:
    """Each answer and judgement rating as the log writes it (None: unanswered or unrated), one at a time."""

    def __init__(self, inspection: Inspection):
        self.ratings = {s.id: s.rating for s in inspection.standards if s.is_judgement and s.rating is not None}
        self.cases = {c.id: (i, c.answers) for i, c in enumerate(inspection.cases)}

    def get(self, key: tuple[str | None, str]) -> str | None:
        case, item = key
        if case is None:
            return self.ratings.get(item)
        answer = self.cases[case][1].get(item) if case in self.cases else None
        return None if answer is None else answer.value

    def place(self, key: tuple[str | None, str]) -> tuple[int, ...]:
        """Where the key stands among all of them (the ratings first, then each case's answers
        in order), if it has a value (else empty): the order entries are logged in."""
        if self.get(key) is None:
            return ()
        case, item = key
        if case is None:
            return (0, list(self.ratings).index(item))
        index, answers = self.cases[case]
        return (1, index, list(answers).index(item))


def _unlogged(value: str | None, entry: ModerationEntry) -> str:
    if value is not None:
        return value
    return UNRATED if entry.is_rating else UNANSWERED


def _decisions(
    base: tuple[Decision, ...], ours: tuple[Decision, ...], theirs: tuple[Decision, ...], m: _Merger, saving: bool
) -> tuple[Decision, ...]:
    """Both sides' decisions are kept, in order, ours appended after theirs; the last one on a
    standard stands. Both sides deciding a standard differently is a conflict. In a save,
    where theirs stands, ours' decisions on it (this save's, in no file yet) are withdrawn;
    in git's merge both sides' stay, ours standing, until the conflict is settled in the file."""
    ours_new, theirs_new = _split(base, ours, theirs)
    decided_by_them = {d.standard for d in theirs_new}
    withdrawn = set()
    for standard in dict.fromkeys(d.standard for d in ours_new if d.standard in decided_by_them):
        in_base, in_ours, in_theirs = (_standing(side, standard) for side in (base, ours, theirs))
        if not saving:
            if in_ours != in_theirs:
                m.clash(Conflict(None, None, in_base, in_ours, in_theirs, "decision", standard))
        elif m.pick(in_base, in_ours, in_theirs, "decision", _plain, field=standard) != in_ours:
            withdrawn.add(standard)
    unsaved = [d for d in ours_new if d.standard in withdrawn]
    kept = [d for d in _new(ours, Counter(map(_record, theirs))) if not any(d is u for u in unsaved)]
    return (*theirs, *kept)


def _standing(decisions: tuple[Decision, ...], standard: str) -> str | None:
    return next((d.rating for d in reversed(decisions) if d.standard == standard), None)


# ---------------------------------------------------------------- the result


def _checked(inspection: Inspection, shaped: bool, made: Made | None) -> tuple[str, tuple[Conflict, ...]]:
    """The merged file's text, and each rule it would break (an answer to a question the other
    side removed, say): never write a file the program would then refuse to open.

    When all three sides have one shape (`_same_shape`: a merge of two moderators' saves, which
    change only answers, marks, ratings and the logs), each part of the merge comes from a side
    that was whole on that shape, and is as sound as it was there: the text is not parsed again
    (at 2,000 cases, the second full parse of a merging save), only looked over as a reader does first."""
    text = dumps(inspection, made)
    try:
        # An ASCII text's length is its size in UTF-8: not encoded whole only to be measured.
        if shaped and (len(text) if text.isascii() else len(text.encode("utf-8"))) <= MAX_BYTES:
            prescan(text, "the merged inspection")
        else:
            parse_text(text, "the merged inspection")
    except InspectionError as error:
        return text, tuple(Conflict(None, None, None, None, None, kind="invalid", field=p) for p in error.problems)
    return text, ()


def _same_shape(one: Inspection, other: Inspection) -> bool:
    """Whether two inspections are alike but for what moderating changes: what the soundness
    of the rest rests on. A case's shape is looked at in place, not copied: at 50,000 cases
    the copies were a good part of a merging save."""
    if len(one.cases) != len(other.cases) or _outline(one) != _outline(other):
        return False
    return all(a is b or _case_shape(a) == _case_shape(b) for a, b in zip(one.cases, other.cases, strict=True))


def _outline(inspection: Inspection) -> Inspection:
    return replace(inspection, standards=_shape(inspection.standards), cases=(), moderation=(), discretion=(), dip_sample=())


# A case but for its answers, its mark as moderated and its second assessments.
_case_shape = attrgetter(*(f.name for f in fields(Case) if f.name not in ("answers", "moderated", "second_assessments")))
