"""What an undo or a redo did, said in words wherever it is pressed: the grid, the panel, the
merge conflicts view. Before, only "Nothing to redo." was ever said."""

from __future__ import annotations

from textual.widget import Widget

from .. import words
from ..model import in_log
from ..session import Change, Changed, Decided, Imported, Marked, Rated, Sampling
from .host import Host


def undo_or_redo(screen: Widget, host: Host, undone: bool) -> None:
    """Undo (or redo) the last change, say on `screen` what it was, and tell every screen."""
    changed = host.session.undo() if undone else host.session.redo()
    screen.notify(said(changed, undone))
    host.session_changed(changed)


def said(changed: Changed, undone: bool) -> str:
    """'Undone: C03 2.1.2 is yes again (it was no).', or that there was nothing to undo."""
    if not changed.done:
        return words.NOTHING_TO_UNDO if undone else words.NOTHING_TO_REDO
    step = changed.done[-1]
    if isinstance(step, Change):
        before, after = (step.new, step.old) if undone else (step.old, step.new)
        if step.old == step.new:
            what = words.STEP["review"].format(case=step.case, question=step.question, answer=in_log(step.new))
        else:
            now, was = in_log(after), in_log(before)
            what = words.STEP["answer"].format(case=step.case, question=step.question, now=now, was=was)
    elif isinstance(step, Imported):
        what = words.STEP["import"].format(answers=words.counted(len(step.moves), "answer"))
    elif isinstance(step, Marked):
        what = words.STEP["mark"].format(case=step.case)
    elif isinstance(step, Rated):
        what = words.STEP["rating"].format(standard=step.standard, rating=step.new)
    elif isinstance(step, Decided):
        what = words.STEP["decision"].format(standard=step.decision.standard, rating=step.decision.rating)
    elif isinstance(step, Sampling):
        what = words.sampling(step.entries)
    else:  # a blind second assessment's answer: never on the undo stack
        return ""
    return words.undo_done(undone, what)
