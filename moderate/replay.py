"""The record of a session's commands, as the journal writes it down, and its replay.

A record is one command as plain, JSON-ready data: `{"do": ..., its arguments, "by": ...,
"at": ...}`, made from what the session tells its listener (`record_of`). `replay` gives such
records back to a session, through its commands, as the users who gave them and at the
times they gave them; a `history` record carries the undo and redo stacks over a save.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

from .model import UNANSWERED, UNRATED, Answer, Moderated, ModerationEntry, in_log
from .session import Change, Decided, Done, Imported, Marked, Rated, Sampling, Seconded, Session, Step

Record = dict[str, Any]


def record_of(done: Done) -> Record:
    """What the journal writes for one command the session did."""
    step = done.step
    if isinstance(step, Seconded):
        said: Record = {"case": step.case}
        if step.question is not None:
            said.update(question=step.question, answer=_value(step.assessment.answers.get(step.question)))
    elif done.do in ("undo", "redo"):
        said = _step_key(step)
    elif done.do == "settle":
        said = _settled(step)
    elif isinstance(step, Imported):
        said = {"cells": _cells(step), "reason": step.entry.reason}
    elif isinstance(step, Change):
        if done.do == "review":
            said = {"case": step.case, "question": step.question, "answer": _value(step.new), "reason": step.entry.reason}
        elif done.do == "reason":
            said = {"case": step.case, "question": step.question, "reason": step.entry.reason or ""}
        else:
            said = {**_cell(step), "reason": step.entry.reason}
    elif isinstance(step, Marked):
        said = {"case": step.case}
    elif isinstance(step, Rated):
        said = {"standard": step.standard, "old": step.old, "new": step.new, "reason": step.entry.reason}
    elif isinstance(step, Sampling):
        first = step.entries[0]
        said = {"cases": [e.case for e in step.entries], "reason": first.reason}
        if not first.withdrawn:
            said.update(phase=first.phase, method=first.method, seed=first.seed)
    else:
        d = step.decision
        said = {"standard": d.standard, "computed": d.computed, "rating": d.rating, "reason": d.reason}
    return {"do": done.do, **said, "by": done.by, "at": done.at.isoformat()}


def history(session: Session) -> Record | None:
    """The session's undo and redo stacks as a record, for a journal started afresh after a
    save: replayed first, it lets an undo after the save still take back a change made before it."""
    undo, redo = session.history()
    if not undo and not redo:
        return None
    return {"do": "history", "undo": [_step_record(s) for s in undo], "redo": [_step_record(s) for s in redo]}


class ReplayError(ValueError):
    """A record that does not apply as it did when it was made: the file has changed since."""


def replay(session: Session, records: Iterable[Record]) -> None:
    """Re-apply recorded commands, each as the user who gave it and at the time it was given.

    Each record is first checked against the session (the answer it changed from, the change
    it undid, the computed rating it decided on), so that records replayed onto the file they
    were made on give exactly the session they came from, and onto a file changed since stop
    with a ReplayError at the first that does not fit. The listener is not told again.
    """
    user, clock, listener = session.user, session.clock, session.listener
    session.listen(None)
    try:
        for number, record in enumerate(records, 1):
            try:
                if record["do"] == "history":  # history is of steps saved already
                    session.restore_history([_step(s) for s in record["undo"]], [_step(s) for s in record["redo"]])
                    continue
                session.act_as(record["by"], _clock_at(dt.datetime.fromisoformat(record["at"])))
                problem = _REPLAY[record["do"]](session, record)
            except (KeyError, ValueError, TypeError) as error:
                problem = f"cannot be applied ({type(error).__name__}: {error})"
            if problem:
                raise ReplayError(f"record {number} ({record.get('do')}): {problem}")
    finally:
        session.act_as(user, clock)
        session.listen(listener)


# ---------------------------------------------------------------- steps as records


def _value(answer: Answer | None) -> str | None:
    return None if answer is None else answer.value


def _answer(value: str | None) -> Answer | None:
    return None if value is None else Answer(value)


def _cell(change: Change) -> Record:
    return {"case": change.case, "question": change.question, "old": _value(change.old), "new": _value(change.new)}


def _cells(imported: Imported) -> list[list[str | None]]:
    """An import's answers, each [case, question, old, new]: a list, not a record each, as there may be 100,000."""
    return [[case, question, _value(old), _value(new)] for case, question, old, new in imported.moves]


def _step_key(step: Step) -> Record:
    """What an undo or redo record says it took back or gave again (an answer's has no "step";
    a settlement's names the conflict it settled)."""
    if isinstance(step, Marked):
        return {"step": "moderated", "case": step.case}
    if isinstance(step, Sampling):
        return {"step": "withdraw" if step.entries[0].withdrawn else "sample", "cases": [e.case for e in step.entries]}
    if isinstance(step, Imported):
        return {"step": "import", "cells": _cells(step)}
    if isinstance(step, Change):
        key = _cell(step)
    elif isinstance(step, Rated):
        key = {"step": "rate", "standard": step.standard, "old": step.old, "new": step.new}
    else:
        key = {"step": "decide", "standard": step.decision.standard, "rating": step.decision.rating}
    return key if step.settles is None else {**key, "settles": step.settles}


def _settled(step: Step) -> Record:
    """A settlement of a merge conflict: which (its place, and what it is about), to what, and why."""
    assert isinstance(step, (Change, Rated, Decided)) and step.settles is not None
    about: Record
    if isinstance(step, Decided):
        about, value, reason = {"standard": step.decision.standard}, step.decision.rating, step.decision.reason
    elif isinstance(step, Rated):
        about, value, reason = {"standard": step.standard, "old": step.old}, step.new, step.entry.reason
    else:
        about, value, reason = _cell(step), in_log(step.new), step.entry.reason
    return {"conflict": step.settles, **about, "value": value, "reason": reason}


def _mark_record(mark: Moderated | None) -> Record | None:
    return None if mark is None else {"by": mark.by, "at": mark.at.isoformat()}


def _step_record(step: Step) -> Record:
    """A step in full, for the history record (decisions never: they leave the stacks when saved)."""
    if isinstance(step, Marked):
        return {**_step_key(step), "old": _mark_record(step.old), "new": _mark_record(step.new)}
    assert isinstance(step, (Change, Rated, Imported))
    entry = step.entry
    return {**_step_key(step), "by": entry.by, "at": entry.at.isoformat(), "reason": entry.reason}


def _mark(record: Record | None) -> Moderated | None:
    return None if record is None else Moderated(record["by"], dt.datetime.fromisoformat(record["at"]))


def _step(record: Record) -> Step:
    kind = record.get("step")
    if kind == "moderated":
        mark = _mark(record["new"])
        assert mark is not None
        return Marked(record["case"], _mark(record["old"]), mark)
    at = dt.datetime.fromisoformat(record["at"])
    if kind == "import":
        return _imported(record["cells"], record["by"], at, record["reason"])
    if kind == "rate":
        entry = ModerationEntry(
            "", "", record["old"] or UNRATED, record["new"], record["by"], at, record["reason"], standard=record["standard"]
        )
        return Rated(record["standard"], record["old"], record["new"], entry)
    old, new = _answer(record["old"]), _answer(record["new"])
    entry = ModerationEntry(record["case"], record["question"], in_log(old), in_log(new), record["by"], at, record["reason"])
    return Change(record["case"], record["question"], old, new, entry)


def _imported(cells: list[list[str]], by: str, at: dt.datetime, reason: str | None) -> Imported:
    return Imported.of(((case, question, _answer(old), _answer(new)) for case, question, old, new in cells), by, at, reason)


# ---------------------------------------------------------------- replaying each command


def _clock_at(at: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock stopped at the time a record was made."""
    return lambda: at


def _fits(step: Step | None, record: Record) -> bool:
    if step is None:
        return False
    key = _step_key(step)
    return record.get("step") == key.get("step") and all(record.get(k) == v for k, v in key.items())


def _replay_answer(session: Session, r: Record) -> str | None:
    if _value(session.answer(r["case"], r["question"])) != r["old"]:
        return f"{r['case']} {r['question']} is no longer {in_log(_answer(r['old']))}"
    session.set_answer(r["case"], r["question"], _answer(r["new"]), r["reason"])
    return None


def _replay_reason(session: Session, r: Record) -> str | None:
    change = session.last_change
    if change is None or (change.case, change.question) != (r["case"], r["question"]):
        return f"the last change is not to {r['case']} {r['question']}"
    session.give_reason(r["reason"])
    return None


def _replay_undo(session: Session, r: Record) -> str | None:
    if not _fits(session.next_undo, r):
        return f"the last change is not {_what(r)}"
    session.undo()
    return None


def _replay_redo(session: Session, r: Record) -> str | None:
    if not _fits(session.next_redo, r):
        return f"the change to redo is not {_what(r)}"
    session.redo()
    return None


def _what(r: Record) -> str:
    if "cells" in r:
        return f"the import of {len(r['cells'])} answers"
    return " ".join(str(r[k]) for k in ("case", "question", "standard") if k in r)


def _replay_import(session: Session, r: Record) -> str | None:
    for case, question, old, _ in r["cells"]:
        if _value(session.answer(case, question)) != old:
            return f"{case} {question} is no longer {in_log(_answer(old))}"
    session.set_answers(((case, question, _answer(new)) for case, question, _, new in r["cells"]), r["reason"])
    return None


def _replay_review(session: Session, r: Record) -> str | None:
    if _value(session.answer(r["case"], r["question"])) != r["answer"]:
        return f"{r['case']} {r['question']} is no longer {r['answer']}"
    session.review(r["case"], r["question"], r["reason"])
    return None


def _replay_moderated(session: Session, r: Record) -> str | None:
    session.mark_moderated(r["case"])
    return None


def _replay_decide(session: Session, r: Record) -> str | None:
    computed = session.ratings.standards[r["standard"]].computed
    if computed is None or computed.rating != r["computed"]:
        return f"{r['standard']} is no longer computed {r['computed']}"
    session.decide(r["standard"], r["rating"], r["reason"])
    return None


def _replay_settle(session: Session, r: Record) -> str | None:
    # By what it is about, not its place: a save since may have taken others out of the file.
    about = (r.get("case"), r.get("question"), r.get("standard"))
    settled = session.settled
    index = next(
        (i for i, c in enumerate(session.conflicts) if c and (c.case, c.question, c.field) == about and i not in settled), None
    )
    if index is None:
        return f"no merge conflict about {_what(r)} is left to settle"
    now = _value(session.answer(r["case"], r["question"])) if "case" in r else session.standards[r["standard"]].rating
    if "old" in r and now != r["old"]:
        return f"{_what(r)} is no longer {r['old'] or 'unanswered'}"
    session.settle(index, r["value"], r["reason"])
    return None


def _replay_rate(session: Session, r: Record) -> str | None:
    if session.standards[r["standard"]].rating != r["old"]:
        return f"{r['standard']} is no longer rated {r['old'] or UNANSWERED}"
    session.rate_judgement(r["standard"], r["new"], r.get("reason"))
    return None


def _replay_sample(session: Session, r: Record) -> str | None:
    step = session.choose_for_sample(r["cases"], r["phase"], r["method"], r["seed"], r["reason"]).step
    if not isinstance(step, Sampling) or [e.case for e in step.entries] != r["cases"]:
        return f"{', '.join(r['cases'])} are no longer all out of the dip sample"
    return None


def _replay_withdraw(session: Session, r: Record) -> str | None:
    (case,) = r["cases"]
    session.withdraw_from_sample(case, r["reason"])  # ValueError if it is no longer in the sample
    return None


def _replay_second(session: Session, r: Record) -> str | None:
    session.begin_second(r["case"])
    return None


def _replay_second_answer(session: Session, r: Record) -> str | None:
    session.answer_second(r["case"], r["question"], _answer(r["answer"]))  # ValueError if it is no longer under way
    return None


def _replay_second_finish(session: Session, r: Record) -> str | None:
    session.finish_second(r["case"])
    return None


_REPLAY: dict[str, Callable[[Session, Record], str | None]] = {
    "second": _replay_second,
    "second-answer": _replay_second_answer,
    "second-finish": _replay_second_finish,
    "answer": _replay_answer,
    "import": _replay_import,
    "reason": _replay_reason,
    "undo": _replay_undo,
    "redo": _replay_redo,
    "moderated": _replay_moderated,
    "decide": _replay_decide,
    "rate": _replay_rate,
    "review": _replay_review,
    "sample": _replay_sample,
    "withdraw": _replay_withdraw,
    "settle": _replay_settle,
}
