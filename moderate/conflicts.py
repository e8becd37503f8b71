"""What a merge could not decide: a `Conflict`, and those git's merge leaves in the file
(`[[merge_conflicts]]`) until someone settles them, in the app (`Session.settle`) or by hand."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Collection, Iterable, Mapping, Sequence

from . import words
from .model import Inspection

KEY = "merge_conflicts"  # the file's array of tables, one for each conflict git's merge left
KINDS = ("answer", "rating", "decision", "structure", "invalid")
_ABSENT = {"answer": "unanswered", "rating": "no rating", "decision": "no decision"}  # else "absent"


@dataclass(frozen=True, slots=True)
class Conflict:
    """One thing both sides changed differently. Values are in words; None is unanswered
    (an answer), no rating, no decision, or absent (anything else)."""

    case: str | None
    question: str | None
    base: str | None
    ours: str | None
    theirs: str | None
    kind: str = "answer"  # one of KINDS
    # rating: the standard or key question rated; decision: the standard; structure: the
    # field, e.g. "inspection.title"; invalid: the rule the merged file would break
    field: str | None = None

    def __str__(self) -> str:
        if self.kind == "invalid":
            return f"the merged inspection would be refused: {self.field}"
        where = {
            "answer": f"{self.case} {self.question}",
            "rating": f"{self.field} rating",
            "decision": f"{self.field} panel decision",
        }.get(self.kind, self.field)
        base, ours, theirs = self.words()
        return f"{where}: base {base}, ours {ours}, theirs {theirs}"

    def shows_blind(self, cases: Collection[str]) -> bool:
        """Whether settling it shows what a blind second assessment of `cases` hides: an answer of
        one of them, or a rating or panel decision (the figures, flags and score), or a rule broken."""
        return self.case in cases if self.kind == "answer" else self.kind != "structure"

    def words(self) -> tuple[str, str, str]:
        absent = _ABSENT.get(self.kind, "absent")
        base, ours, theirs = (absent if v is None else v for v in (self.base, self.ours, self.theirs))
        return base, ours, theirs

    def as_table(self) -> dict[str, str | None]:
        """The conflict as a TOML table (None values are left out by the writer)."""
        base, ours, theirs = self.words()
        return {
            "kind": self.kind,
            "case": self.case,
            "question": self.question,
            "field": self.field,
            "base": base,
            "ours": ours,
            "theirs": theirs,
        }

    @classmethod
    def from_table(cls, table: Any) -> Conflict | None:
        """A conflict as `as_table` wrote it, or None for a table that does not read as one."""
        if not isinstance(table, Mapping) or table.get("kind", "answer") not in KINDS:
            return None
        kind = table.get("kind", "answer")
        values = {key: table.get(key) for key in ("case", "question", "field", "base", "ours", "theirs")}
        if any(value is not None and not isinstance(value, str) for value in values.values()):
            return None
        absent = _ABSENT.get(kind, "absent")
        base, ours, theirs = (None if values[side] == absent else values[side] for side in ("base", "ours", "theirs"))
        return cls(values["case"], values["question"], base, ours, theirs, kind, values["field"])


def kept_in(inspection: Inspection, conflicts: Iterable[Conflict]) -> Inspection:
    """The inspection with `conflicts` (if any) listed in it, so that whoever settles them sees what each side had."""
    listed = [conflict.as_table() for conflict in conflicts]
    return replace(inspection, extra={**inspection.extra, KEY: listed}) if listed else inspection


def tables(inspection: Inspection) -> tuple[Any, ...]:
    """The file's `[[merge_conflicts]]` tables, as written."""
    left = inspection.extra.get(KEY)
    if not left:
        return ()
    return tuple(left) if isinstance(left, list) else (left,)


def leftover_conflicts(inspection: Inspection, in_app: bool = False, blind: Sequence[str] = ()) -> str | None:
    """What a git merge left to settle in the file, if anything: `[[merge_conflicts]]`, and how
    to settle them (`in_app`: said in the app, where C on the grid lists them, once the user's
    blind second assessments of `blind` are finished)."""
    left = tables(inspection)
    if not left:
        return None
    said = f"{words.counted(len(left), 'merge conflict')} left to settle ([[merge_conflicts]])"
    if in_app and blind:
        return f"{said}: C on the grid lists them {words.after_blind(blind)}, to settle each, saying why"
    if in_app:
        return f"{said}: C lists them, to settle each as ours, theirs or another answer, saying why"
    return (
        f"{said}: open the file in the app and press C to settle them, or settle each by hand: set what stands, "
        "append a [[moderation]] entry for each answer you change, and delete the [[merge_conflicts]] tables"
    )
