"""The engine's results in the words people use, shared by the reports and the screens."""

from __future__ import annotations

import datetime as dt
import shlex
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .frameworks import Band, Framework
from .model import Answer, Case, ModerationEntry, SampleEntry
from .rules import DOWN, UP, Discretion, Figures, Overall, Sensitivity, StandardResult, whole_percent
from .trail import Break

if TYPE_CHECKING:  # named in signatures only: the app starts without the agreement figures' modules
    from .agreement import Count
    from .coefficients import Coefficient, Coefficients


def counted(number: int | str, noun: str, plural: str | None = None) -> str:
    """ "1 answer", "2 answers", "2.5 percentage points": a number and its noun, singular or
    plural (`plural` where it is not the noun and an s: "2 dip sample entries")."""
    if str(number) == "1":
        return f"{number} {noun}"
    return f"{number} {plural or noun + 's'}"


def review_summary(total: Count) -> str:
    """What the moderation log says of reviews, as its entries do: '6 answers reviewed: 3 changed,
    1 changed and changed back, 2 agreed with; 50% stand as first given.' An answer ann changed
    yes → no and bob no → yes is changed and changed back, never only 'reviewed'."""
    if not total.reviewed:
        return "No answer has been reviewed."
    parts = [f"{total.changed} changed"]
    if total.changed_back:
        parts.append(f"{total.changed_back} changed and changed back")
    if total.agreed:
        parts.append(f"{total.agreed} agreed with")
    return (
        f"{counted(total.reviewed, 'answer')} reviewed: {', '.join(parts)}; "
        f"{agreement_percent(total.agreement)} {'stands' if total.reviewed == 1 else 'stand'} as first given."
    )


def agreement_percent(agreement: Fraction | None) -> str:
    """An agreement rate as printed: '83%' (rounded half up), or '–' when nothing was reviewed."""
    if agreement is None:
        return "–"
    return f"{whole_percent(agreement * 100)}%"


def points(value: Fraction) -> str:
    """A distance in percentage points, to one decimal place where it has one."""
    tenths = whole_percent(abs(value) * 10)
    return f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def percent(figures: Figures) -> str:
    """'63%' (rounded half up); a key question with nothing relevant says why."""
    if figures.percent is not None:
        return f"{whole_percent(figures.percent)}%"
    return "not answered" if figures.unanswered else "no relevant cases"


def count(figures: Figures) -> str:
    """'5/8', with what is still unanswered."""
    text = f"{figures.yes}/{figures.relevant}"
    return f"{text} ({figures.unanswered} unanswered)" if figures.unanswered else text


def _points(value: Fraction) -> str:
    return counted(points(value), "percentage point")


def discretion_reasons(flag: Discretion, framework: Framework) -> list[str]:
    """Why the panel may use discretion, in HMIP's words: "2.5 percentage points below the 65%
    boundary for 'Good'", "one case from 'Good'". Discretion moves a rating one band, so a
    reason names only the computed band and the bands next to it ("one case from 'Good' or
    lower" where one case would drop an 'Outstanding' standard further)."""
    computed = flag.computed
    reasons = []
    for boundary, distance in flag.near:
        band = framework.band_for(boundary)  # the band the boundary opens
        where = f"the {points(boundary)}% boundary for {quoted(band.rating)}"
        if distance < 0 and (computed is None or band.rank == computed.rank + 1):
            reasons.append(f"{_points(distance)} below {where}")
        elif distance == 0:
            reasons.append(f"exactly on {where}")
        elif distance > 0 and (computed is None or band.rank == computed.rank):
            reasons.append(f"{_points(distance)} above {where}")
    for direction, further in ((UP, "higher"), (DOWN, "lower")):
        reached = [change.band for change in flag.one_case if change.direction == direction]
        if not reached:
            continue
        if computed is None:
            reasons += [f"one case from {quoted(band.rating)}" for band in dict.fromkeys(reached)]
            continue
        step = 1 if direction == UP else -1
        next_band = framework.bands[computed.rank + step]
        beyond = any(abs(band.rank - computed.rank) > 1 for band in reached)
        reasons.append(f"one case from {quoted(next_band.rating)}" + (f" or {further}" if beyond else ""))
    if flag.sample is not None:
        reasons.append(f"only {counted(flag.sample, 'relevant case')}")
    return reasons


ARROWS = {UP: "↑", DOWN: "↓"}
FLAGGED = "⚑"  # a standard flagged for discretion


def directions(flag: Discretion) -> str:
    return "".join(ARROWS[d] for d in flag.directions)


def reasons(flag: Discretion, framework: Framework) -> str:
    """Why the panel may use discretion, in one line; empty when it may not."""
    return "; ".join(discretion_reasons(flag, framework)) if flag.eligible else ""


def discretion(flag: Discretion, framework: Framework) -> str:
    """The one line that says which way the panel may move a rating, and why: '↑ 2.5 percentage
    points below the 65% boundary for 'Good'; one case from 'Good''. Empty when it may not."""
    return f"{directions(flag)} {reasons(flag, framework)}" if flag.eligible else ""


NOT_YET_RATED = "not yet rated"


def band_name(band: Band | None) -> str:
    """A band by its name; none yet says so."""
    return band.rating if band is not None else NOT_YET_RATED


def short_band(rating: str) -> str:
    """'Requires improvement' -> 'RI', 'Outstanding' -> 'Outst': band names in five cells."""
    parts = rating.split()
    if len(rating) <= 5:
        return rating
    return "".join(p[0].upper() for p in parts) if len(parts) > 1 else rating[:5]


def rating(result: StandardResult) -> str:
    """The final rating as shown: a standard with no rating yet says so."""
    if result.not_rated:
        return "Not rated"
    if result.final is None:
        return NOT_YET_RATED
    return result.final.rating + (" (provisional)" if result.provisional else "")


def _moves(moved: Sensitivity) -> list[tuple[str, int, str]]:
    """(direction, answers, band reached) for each way a computed rating can be moved."""
    ways = ((UP, moved.up, moved.up_to), (DOWN, moved.down, moved.down_to))
    return [(direction, n, band.rating) for direction, n, band in ways if n is not None and band is not None]


def sensitivity(moved: Sensitivity) -> str:
    """How few answers would move a computed rating, and to what: 'one case from Good; 2 cases
    from Requires improvement'. Empty when none would."""
    return "; ".join(f"{'one case' if n == 1 else counted(n, 'case')} from {band}" for _, n, band in _moves(moved))


def sensitivity_short(moved: Sensitivity) -> str:
    """The same in a table's cell: '↑1 Good · ↓2 RI'."""
    return " · ".join(f"{ARROWS[direction]}{n} {short_band(band)}" for direction, n, band in _moves(moved))


# A panel decision made against a computed rating that has moved since, and one standing on a
# standard that is no longer eligible for discretion: each to decide again.
STALE = "STALE"
NOT_ELIGIBLE = "NOT ELIGIBLE"


def decision_flag(result: StandardResult) -> str:
    """Beside a standard's rating, what is wrong with its panel decision; empty if nothing."""
    if result.stale and result.decision is not None:
        return f"{STALE} panel decision ({result.decision.rating})"
    if result.ineligible:
        return f"panel decision {NOT_ELIGIBLE} for discretion"
    return ""


def decision(result: StandardResult) -> tuple[str, str]:
    """A standard's panel decision in a table's cell, in full and short: ('Good (jb, 03 Nov)',
    'panel'), or saying what is wrong with it. Empty if there is none."""
    made = result.decision
    if made is None:
        return "", ""
    if result.stale:
        return f"{STALE} {made.rating} (made against {made.computed})", STALE
    if result.ineligible:
        return f"{NOT_ELIGIBLE} {made.rating} ({made.by})", "NOT ELIG"
    return f"{made.rating} ({made.by}, {day(made.at)})", "panel"


def decision_in_full(result: StandardResult) -> str:
    """A standard's panel decision in a sentence: who made it, when, against what, whether it
    stands, and why. Empty if there is none."""
    made = result.decision
    if made is None:
        return ""
    state = (
        f"{STALE}: the computed rating has moved since; decide again"
        if result.stale
        else "stands, though the standard is not eligible for discretion: decide again or keep the computed rating"
        if result.ineligible
        else "stands"
    )
    return f"Panel: {made.rating} against computed {made.computed}, by {made.by} at {when(made.at, zone=False)} ({state})" + (
        f". {made.reason}" if made.reason else ""
    )


def overall(result: Overall, which: bool = True) -> str:
    """The overall rating, saying when it is incomplete or provisional (and, with `which`, why)."""
    if result.rating is None:
        return f"incomplete ({', '.join(result.unrated)} {NOT_YET_RATED})" if which else "incomplete"
    if not result.complete:
        return result.rating + (
            f" (provisional: {', '.join(result.provisional)} not fully answered)" if which else " (provisional)"
        )
    return result.rating


BLIND = "Blind second assessment"


def status(result: Overall | None, *, unsaved: bool, saving: bool, unjournaled: bool, title: str, qa: str = "") -> str:
    """The app's top line: the overall score first (`None`: a blind second assessment, which shows
    no score), then what is not yet safe, then how far the dip sample has got (`qa_header`), then
    the title."""
    return (
        status_head(result)
        + " · ● unsaved" * unsaved
        + " · saving…" * saving
        + " · ⚠ NOT JOURNALED: save now" * unjournaled
        + f" · {qa}" * bool(qa)
        + f" — {title}"
    )


def status_head(result: Overall | None) -> str:
    """The top line's beginning, which the rest follows (`status`): the score, or that it is hidden."""
    return BLIND if result is None else f"Score {result.score}/{result.max} · {overall(result, which=False)}"


QUIT_TITLE = "Do you want to quit?"


def ordered(order: str | None) -> str:
    """How the cases are ordered, for the header: 'by assessor', 'by answer to 2.1.1'."""
    if order is None:
        return "as in the file"
    return "by assessor" if order == "inspector" else f"by answer to {order}"


def copied(what: str) -> str:
    return f"Copied {what} (a row to paste into a spreadsheet). q quits."


LOG_HINT = "type to filter · tab to move · enter: the entry in full · esc to close"


def log_entry_heading(case: str, question: str) -> str:
    return f"Moderation log: {case} {question}".rstrip()


def log_entry(at: str, by: str, what: str, reason: str) -> str:
    """One log entry in full, as Enter on its row shows it."""
    return f"{what}\nby {by}, {at}\n\nReason: {reason or '(none given)'}"


# What an undo or a redo did: 'Undone: C03 2.1.2 is yes again (it was no).'
NOTHING_TO_UNDO, NOTHING_TO_REDO = "Nothing to undo.", "Nothing to redo."


def undo_done(undone: bool, what: str) -> str:
    return f"{'Undone' if undone else 'Redone'}: {what}."


# What a step was, for `undo_done`: filled in with its case, question, answers, standard, rating.
STEP = {
    "answer": "{case} {question} is {now} again (it was {was})",
    "review": "the review of {case} {question} ({answer}, agreed)",
    "import": "the import of {answers}",
    "mark": "{case} marked moderated",
    "rating": "the rating of {standard} ({rating})",
    "decision": "the panel decision on {standard} ({rating})",
}


def on_a_standard(standard: str) -> str:
    """An answer key on a standard's line, where there is no answer to give."""
    return f"{standard} is a standard: it has no answer of its own; its key questions, below it, are answered."


KEYS_TITLE = "Keys here, and what they do (ctrl+p: every command by name)"
KEYS_HINT = "arrows, PgUp and PgDn scroll · esc or ? to close"

# A search (/) in the grid: n and N go from match to match, as in less and vim, until Esc or an answer.
SEARCHING = "Searching: n and N go to the next and previous match. Esc, or any answer, and n answers No again."
SEARCH_OVER = "Search over: n answers No again (\\ shows every question)."


def search_wrapped(step: int) -> str:
    return f"Search wrapped round to the {'first' if step > 0 else 'last'} match."


def how_to_quit(key: str) -> str:
    """ctrl+c, pressed out of habit: the key that quits."""
    return f"Press {key} to quit: it asks first if anything is unsaved."


def when(at: dt.datetime, zone: bool = True) -> str:
    """A time as people read it in a table: '2026-11-20 14:03 UTC' (without `zone`, '2026-11-20 14:03')."""
    if not zone:
        return at.strftime("%Y-%m-%d %H:%M")
    named = " UTC" if at.utcoffset() == dt.timedelta(0) else (at.strftime(" %z") if at.tzinfo else "")
    return at.strftime("%Y-%m-%d %H:%M") + named


def day(at: dt.datetime) -> str:
    """A day in a narrow cell: '03 Nov'."""
    return at.strftime("%d %b")


# An answer in one cell: yes, no, n/a, none yet. Beside it, changed here since opening, or by
# another moderator's save; on a case, marked moderated.
SYMBOLS = {Answer.YES: "✓", Answer.NO: "✗", Answer.NA: "–", None: "·"}
CHANGED_HERE, CHANGED_ELSEWHERE, MODERATED = "*", "◆", "✔"
REVIEWED = "="  # reviewed and agreed with (the key that records it), its log's last word on the answer
# After a key question's answer: it disagrees with the prompts answered under it (`consistency`),
# in plain ASCII, as no other mark of the grid is.
DOUBTFUL = "!"


def case_heading(case: Case) -> str:
    """A case as its heading names it: 'C01 · Referral order · inspector ak'."""
    return f"{case.id} · {case.label or 'no label'} · inspector {case.inspector or '?'}"


def subject(entry: ModerationEntry) -> str:
    """What an entry is about: 'C03 2.2.2', or '1.1 rating'."""
    return f"{entry.standard} rating" if entry.is_rating else f"{entry.case} {entry.question}"


def change(entry: ModerationEntry) -> str:
    """What an entry records: 'yes → no', or 'yes (agreed)' for a review that changed nothing."""
    return f"{entry.from_} (agreed)" if entry.from_ == entry.to else f"{entry.from_} → {entry.to}"


def log_break(found: Break) -> str:
    """A break of the log's invariant, located: 'C01 2.1.1: the log's last entry on it
    (moderation[3], by ann at 2026-11-20 14:03 UTC) says no; the file holds n/a' (entries
    counted from 0, as the reader locates them)."""
    last = found.last
    return (
        f"{subject(last)}: the log's last entry on it (moderation[{found.index}], by {last.by} at {when(last.at)}) "
        f"says {last.to}; the file holds {found.held}"
    )


LOG_BREAK_REMEDY = (
    "The moderation log must end where the file does. For each: open the file in the app and record what should "
    "stand (change the answer or rating, or review it with = where the file already holds it), giving the reason; "
    "or append a [[moderation]] entry from what the log says to what the file holds, with by, at and reason. "
    "Never edit or delete an entry."
)


def quoted(rating: str) -> str:
    """A rating as HMIP quotes it in running text: 'Good'."""
    return f"'{rating}'"


def assumed_thresholds(framework: Framework, maximum: int) -> str | None:
    """Says so when the overall thresholds are our assumption, not HMIP's."""
    if framework.verified:
        return None
    tops = [t.lower - 1 for t in framework.overall[1:]] + [Fraction(maximum)]
    ranges = ", ".join(f"{t.lower}–{top} {t.rating}" for t, top in zip(framework.overall, tops, strict=True))
    return f"HMIP publishes no overall thresholds for {framework.name}; these are assumed: {ranges}."


# ---------------------------------------------------------------- agreement of first and second answers

CI_METHOD = {
    name: f"Gwet's linearised variance (as irrCAC's {function}), ± Student's t with pairs − 1 degrees of freedom, cut to [−1, 1]"
    for name, function in (("kappa", "conger()"), ("ac1", "gwet()"), ("alpha", "krippendorff()"))
}

COEFFICIENT = {"kappa": "Cohen's κ", "ac1": "Gwet's AC1", "alpha": "Krippendorff's α"}
INTERVAL_METHOD = "95% intervals: Gwet's variance (as irrCAC), Student's t, cut to [−1, 1]"
BAR_LEGEND = "● the coefficient, ─ its 95% interval, ◂ the interval goes on below 0"


def coefficient_value(coefficient: Coefficient) -> str:
    """'0.79', '-0.48'; '–' for none."""
    return "–" if coefficient.value is None else f"{coefficient.value:.2f}"


def coefficient_interval(coefficient: Coefficient) -> str:
    """'0.70 to 0.88'; empty for none."""
    return "" if coefficient.ci95 is None else f"{coefficient.ci95[0]:.2f} to {coefficient.ci95[1]:.2f}"


AGREEMENT = "Agreement of first and second assessments"
NO_PAIRS = "no pairs yet"
NONE_NAMED = "(none named)"  # a case that names no inspector, in a row of its own
NO_ROLE = "(no role)"  # an assessor `[people]` gives no role
PAIR_IS = "A pair is a question answered both in a case's first assessment and in a finished second assessment of it."
# A coefficient not given, in a table's cell: too few pairs, or undefined (one answer only).
MISSING = {"too-few-pairs": "thin", "undefined": "undefined", "": "–"}


def pairs_percent(measured: Coefficients) -> str:
    """The share of pairs agreed: '85%' (rounded half up), '' when there are no pairs."""
    return "" if measured.percent is None else f"{whole_percent(measured.percent)}%"


def pairs_agreed(measured: Coefficients, sentence: bool = False) -> str:
    """'412 pairs, 350 agreed (85%)'; `sentence`: as a sentence of its own ('No pairs yet (…).')."""
    if measured.percent is None:
        said = NO_PAIRS
    else:
        said = f"{counted(measured.pairs, 'pair')}, {measured.agreed} agreed ({pairs_percent(measured)})"
    return f"{said[0].upper()}{said[1:]}." if sentence else said


def no_coefficient(coefficient: Coefficient, min_pairs: int) -> str:
    """Why a bar is not drawn, in a few words: 'thin: fewer than 10 pairs'."""
    if coefficient.missing == "too-few-pairs":
        return f"thin: fewer than {max(min_pairs, 2)} pairs"
    return "undefined: one answer only" if coefficient.missing == "undefined" else ""


def thin_legend(min_pairs: int) -> str:
    return f"thin: fewer than {max(min_pairs, 2)} pairs, too few for a coefficient (--min-pairs)"


def coefficient_note(coefficient: Coefficient, pairs: int, min_pairs: int) -> str | None:
    """Why a coefficient has no value, naming the setting when there are too few pairs; None when it has one."""
    if coefficient.missing == "too-few-pairs":
        return (
            f"not given: {counted(pairs, 'pair')}, fewer than the {max(min_pairs, 2)} a coefficient needs "
            f"(the minimum number of pairs, --min-pairs)"
        )
    if coefficient.missing == "undefined":
        return "undefined: both assessors gave one and the same answer throughout, so chance explains all agreement"
    return None


def samples_of(framework: str, samples: dict[str, str]) -> str:
    """A framework's samples for `moderate new --help`: 'hmip-youth-2025: children, victims'."""
    return f"{framework}: {', '.join(samples)}"


def unknown_sample(given: str, framework: str, samples: dict[str, str]) -> str:
    """`moderate new --cases` naming a sample the framework has not, or no number."""
    sample, _, number = given.partition("=")
    if sample.strip() in samples:
        return f"--cases {given!r}: give SAMPLE=N, N a whole number of cases"
    return (
        f"--cases {given!r}: {framework} has no sample {sample.strip()!r}; "
        f"its samples are {', '.join(samples)} (e.g. --cases {'=8,'.join(samples)}=8)"
    )


# ---------------------------------------------------------------- people and roles


def person(name: str, given: str | None) -> str:
    """A name and its role: 'ak (inspector)', or 'bob (not in [people])'."""
    return f"{name} ({given or 'not in [people]'})"


def unknown_person(name: str, people: Iterable[str]) -> str:
    return (
        f"{name!r} is not one of this inspection's people ([people]: {', '.join(people)}): "
        "give your name as it has it, with --as NAME"
    )


def not_lead_inspector(name: str, given: str | None, what: str) -> str:
    """Why the session refuses a panel decision or a judgement rating."""
    return f"A {what} is the lead inspector's to record, and {person(name, given)} is not the lead inspector."


def rated_by_other(where: str, standard: str, by: str, given: str | None, what: str) -> str:
    return f"{where}: the {what} on {standard} is by {person(by, given)}, not the lead inspector"


def not_in_people(where: str, name: str, given: str | None = None) -> str:
    if given is None:
        return f"{where}: {name!r} is not in [people]"
    return f"{where}: {name!r} is in [people] as {given}, not as lead inspector"


# ---------------------------------------------------------------- the dip sample


def sampling(entries: Sequence[SampleEntry]) -> str:
    """What a step of the dip sample's log did: 'C03, C05 chosen for the dip sample', 'C04 withdrawn from it'."""
    cases = ", ".join(entry.case for entry in entries)
    if entries and entries[0].withdrawn:
        return f"{cases} withdrawn from the dip sample"
    return f"{cases} chosen for the dip sample"


def sample_method(per_assessor: int | None, total: int | None, seed: int) -> str:
    """How a random dip sample was drawn, as its entries record it: '2 per assessor, stratified, seed 7'."""
    size = f"{per_assessor} per assessor" if per_assessor is not None else f"{total} in all"
    return f"{size}, stratified, seed {seed}"


def pivotal_method(standards: Sequence[str]) -> str:
    """Why a pivotal case was chosen, as its entry records it."""
    return f"pivotal for {', '.join(standards)} (one changed answer would move the rating)"


BY_HAND = "chosen by hand"


def sample_drawn(
    file: str, chosen: Mapping[str, Sequence[str]], seed: int, drawn: bool, phase: str, held: Mapping[str, int]
) -> str:
    """What `moderate sample` did: the cases chosen under each method, and the sample it leaves, by assessor."""
    count = sum(map(len, chosen.values()))
    seeded = f"seed {seed}" + (f" (drawn: --seed {seed} draws the same again)" if drawn else "")
    lines = [
        f"{file}: {counted(count, 'case')} chosen for the dip sample ({phase}), {seeded}"
        if count
        else f"{file}: no case to add to the dip sample ({seeded})"
    ]
    lines += [f"  {method}: {', '.join(cases)}" for method, cases in chosen.items()]
    by = ", ".join(f"{name or '(no assessor)'} {n}" for name, n in held.items())
    lines.append(f"The dip sample holds {counted(sum(held.values()), 'case')}" + (f": {by}." if by else "."))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- quality assurance

SAMPLED = "◎"  # beside a case's id: in the dip sample (a symbol, read without colour)

DOUBTS = {
    "yes-but-prompts-no": "answered yes, but every prompt answered under it is no",
    "no-but-prompts-yes": "answered no, but every prompt answered under it is yes",
    "n/a-but-prompts-answered": "answered n/a, but a prompt under it is answered yes or no",
}


def doubt(case: str, question: str, problem: str) -> str:
    """A key question whose answer disagrees with its prompts', for `check`: 'C03 2.2.2: answered yes, but ...'."""
    return f"{case} {question}: {DOUBTS[problem]} ({problem})"


def doubt_shown(question: str, problem: str, of_prompt: bool = False) -> str:
    """A key question in doubt, beneath the grid and in a case's detail, in a line of 80 columns:
    '! 3.2.3 answered no, but every prompt answered under it is yes'; on one of its prompts'
    rows, '! key question 3.2.3 …'."""
    return f"{DOUBTFUL} {'key question ' if of_prompt else ''}{question} {DOUBTS[problem]}"


DOUBTS_IN_CASE = "Key questions whose answer disagrees with their prompts (a doubt to check, not a refusal):"


def qa_summary(sampled: int, reviewed: int, withdrawn: int) -> str:
    """The dip sample in one line, for the reports."""
    if not sampled and not withdrawn:
        return "No case has been chosen for the dip sample."
    gone = f" ({withdrawn} withdrawn)" if withdrawn else ""
    return f"Dip sample: {counted(sampled, 'case')}{gone}, {reviewed} of them reviewed by quality assurance."


def withdrawal(case: str, by: str, at: dt.datetime, reason: str | None) -> str:
    return f"{case} withdrawn by {by}, {when(at)}: {reason or ''}".rstrip(": ")


def qa_header(sampled: int, reviewed: int, by_assessor: Iterable[tuple[str, int, int]]) -> str:
    """How far the dip sample's reviews have got, for the top of the screen: 'QA 4 of 9 reviewed · ak 2/3 · lb 1/3'."""
    if not sampled:
        return ""
    each = "".join(f" · {name or '(none)'} {done}/{of}" for name, done, of in by_assessor)
    return f"QA {reviewed} of {sampled} reviewed{each}"


def cases_of(n: int, who: str | None) -> str:
    """A table's head as the reports word it: 'Of the 8 cases inspected:', 'Of the 1 case with a
    youth conditional caution:' (`who`: the cases its questions are relevant to)."""
    return f"Of the {counted(n, 'case')} {who or 'inspected'}:"


def interviewed(n: int) -> str:
    """The case managers interviewed, where the programme's wording has no sentence for it."""
    return f"Case managers were interviewed in {counted(n, 'case')}."


def second_already(case: str, by: str, finished: dt.datetime | None) -> str:
    """Why a second assessment is not given again: it stands as it was given."""
    if finished is None:
        return f"{by}'s second assessment of case {case} is under way in the app: finish it there"
    return f"case {case} has {by}'s second assessment already (finished {when(finished)}): it is never rewritten"


def second_imported(by: str, cases: int, answers: int) -> str:
    return (
        f"{by}'s second assessment of {counted(cases, 'case')} imported ({counted(answers, 'answer')}), beside the first answers"
    )


def sample_added(case: str, assessor: str | None) -> str:
    return f"{case} ({assessor or 'no assessor'}) added to the dip sample, by hand: d again withdraws it, u takes it back."


def sample_withdraw_question(case: str) -> str:
    return f"Withdraw {case} from the dip sample: why? (it stays recorded as chosen, then withdrawn)"


def sample_kept(case: str) -> str:
    return f"{case} stays in the dip sample: nothing recorded."


def sample_withdrawn(case: str) -> str:
    return f"{case} withdrawn from the dip sample (u takes it back until saved)."


def marked(case: str, user: str, answered: str | None) -> str:
    """What `m` did; loud when the case marked is not the one just answered (the cursor moved on)."""
    if answered is not None and answered != case:
        return f"{case} marked moderated, NOT {answered}, the case you just answered: u takes the mark back."
    return f"{case} marked moderated by {user} (u takes it back)."


def in_dip_sample(method: str | None, by: str) -> str:
    """A sampled case, in its detail line: '◎ in the dip sample (2 per assessor, stratified, seed 7; qa)'."""
    return f"{SAMPLED} in the dip sample ({method}; {by})"


def sub_samples(sizes: Iterable[tuple[str, int]], cases: int) -> str:
    """The cases each key question's percentage rests on: 'Sub-samples: 2.2.1 8 of 8 cases · 2.2.3 6 of 8'."""
    return "Sub-samples: " + " · ".join(f"{question} {relevant} of {cases}" for question, relevant in sizes) + " cases relevant."


def sub_sample(relevant: int, cases: int) -> str:
    return f"{relevant} of {cases} cases relevant"


def pivotal_summary(cases: int, answers: int, assured: int) -> str:
    """What a flagged standard rests on: its pivotal cases, and their answers where a case has
    more than one (2.1.1 and 2.1.3 of C01): 'Rests on 7 pivotal cases, 12 answers in all (…), 2
    of those answers quality-assured'."""
    if answers == cases:
        return (
            f"Rests on {counted(cases, 'pivotal case')} (one changed answer would move the rating), "
            f"{assured} quality-assured: Enter lists them, to go to one."
        )
    return (
        f"Rests on {counted(cases, 'pivotal case')}, {answers} answers in all (one changed answer would move "
        f"the rating), {assured} of those answers quality-assured: Enter lists them, to go to one."
    )


PIVOTAL_TITLE = "Pivotal cases · enter goes to one · esc back"


def pivotal_case(case: str, assessor: str | None, question: str, direction: str, band: str, by: Sequence[str]) -> str:
    """One pivotal case, for the panel: 'C03 (ak) 2.2.2 no → yes: Good · quality-assured by qa'."""
    turned = "no → yes" if direction == UP else "yes → no"
    assured = f"quality-assured by {', '.join(by)}" if by else "NOT quality-assured"
    return f"{case} ({assessor or 'no assessor'}) {question} {turned}: {band} · {assured}"


def second_own(case: str, by: str) -> str:
    return f"{by} assessed case {case} first: a second assessment of it is someone else's"


def second_not_open(case: str, by: str, finished: bool) -> str:
    if finished:
        return f"{by}'s second assessment of case {case} is finished: it is never changed"
    return f"{by} has no second assessment of case {case} under way"


def seconds_unsaved(cases: Mapping[str, tuple[int, bool]]) -> str:
    """A journal's second assessments, for the offer to restore it: 'second assessments: C03 (12 answers, finished)'."""
    each = (f"{case} ({counted(n, 'answer')}{', finished' if done else ''})" for case, (n, done) in cases.items())
    return f"second assessments: {', '.join(each)}"


# ---------------------------------------------------------------- second assessments in the app

SECOND_COLUMN = "Your answer"
FORM_KEYS = "y yes · n no · a n/a · x clear (each moves down) · esc back"
FORM_REASON_REQUIRED = "This inspection asks a reason for every change: change a given answer in the grid."
BLIND_KEYS = "y yes · n no · a n/a · x clear (each moves down) · F finished · ctrl+s save · q quit"
RECONCILE_KEYS = "s take the second answer (a change, with a reason) · k keep the first (a review) · esc back"
AGREEMENT_KEYS = "↑↓ PgUp PgDn scroll · esc back"


def blind_heading(case: str, by: str) -> str:
    return (
        f"Second assessment of {case} by {by}, blind: the first answers, the figures and the flags are hidden "
        "until you say you have finished (F)."
    )


def blind_stay(case: str) -> str:
    return (
        f"You are assessing {case} blind. F when you have finished: the first answers are shown then. "
        "ctrl+s saves; q quits, and the app opens on this assessment again."
    )


def after_blind(cases: Sequence[str]) -> str:
    """When what a blind second assessment of `cases` holds back is shown."""
    return f"once you have finished your second assessment of {', '.join(cases)}"


def saved_by(names: Sequence[str]) -> str:
    """Whose save it was: "bob's save", "ak's and bob's saves", or "saved elsewhere" (no one named)."""
    if not names:
        return "saved elsewhere"
    owned = [f"{name}'s" for name in names]
    return (" and ".join([", ".join(owned[:-1]), owned[-1]]) if len(owned) > 1 else owned[0]) + (
        " saves" if len(owned) > 1 else " save"
    )


def reloaded(name: str, changed: int, blind: Sequence[str], by: Sequence[str] = ()) -> str:
    """Another's save taken in, and whose (`by`, as its log says): how many answers it changed, marked
    in the grid; over a blind second assessment (`blind`, its cases) not even how many, until it is finished."""
    if blind:
        return f"Reloaded {name}: {saved_by(by)}. What was changed is shown (marked {CHANGED_ELSEWHERE}) {after_blind(blind)}."
    return f"Reloaded {name}: {saved_by(by)}, {counted(changed, 'answer')} changed (marked {CHANGED_ELSEWHERE})."


def merged_in(changed: int, blind: Sequence[str]) -> str:
    """What a save says of others' saves it merged in, as `reloaded` does."""
    if not changed:
        return ""
    if blind:
        return f", with others' saves merged in: what they changed is shown (marked {CHANGED_ELSEWHERE}) {after_blind(blind)}"
    return f", with {counted(changed, 'answer')} saved by others merged in (marked {CHANGED_ELSEWHERE})"


def save_conflicts(count: int) -> str:
    """The merging save's question: what this save changed, or reviewed as it was, that a save by
    someone else changed meanwhile."""
    return (
        f"{counted(count, 'conflict')} with a save by someone else: it changed what you changed here, or reviewed "
        "as it was. Space or enter switches a line between keeping yours and taking theirs."
    )


def conflicts_after_blind(cases: Sequence[str]) -> str:
    """A save that meets another's changes to the same things, over a blind second assessment:
    settling them would show the case's answers or the ratings, so it waits."""
    return (
        "Not saved: someone else's save changed what you changed too, and settling that would show first answers or "
        f"ratings that your blind second assessment hides. Save again {after_blind(cases)} (F) to settle it. Your "
        "work is kept here and in the journal."
    )


def second_from_grid(case: str, by: str, path: Path) -> tuple[str, str]:
    """B on the grid, which has shown the case: the assessment begun here cannot be blind."""
    command = shlex.join(["moderate", str(path), "--as", by, "--second", case])
    return (
        f"Begin your second assessment of {case} here, not blind?",
        f"The grid has shown {case}'s first answers, figures and flags, and nothing can unshow them: an assessment "
        f"begun here is not blind to what you saw. For a blind one, quit (q) and open the file on the assessment, "
        f"which shows nothing of the case first:\n\n    {command}",
    )


def finish_second_question(case: str, given: int, asked: int) -> tuple[str, str]:
    return (
        f"Finished the second assessment of {case}?",
        f"You have answered {given} of its {counted(asked, 'question')}. Your answers are kept as they are, never "
        "changed again, and compared with the first assessor's; the first answers, the figures and the flags are "
        "shown from now on.",
    )


def second_finished(case: str, next_case: str | None = None) -> str:
    """A second assessment finished; `next_case`, another of the user's still under way, blind, shown now."""
    if next_case is not None:
        return (
            f"Second assessment of {case} finished. Your second assessment of {next_case} is under way too, and blind "
            "as this was: it is shown now, and the grid once you have finished it."
        )
    return f"Second assessment of {case} finished: R on its column sets the first and second answers side by side."


def reconcile_heading(case: str, second: str) -> str:
    return f"{case}: the first answers beside {second}'s second assessment, those that differ first"


def reconciled(now: Answer | None, second: Answer, kept: bool) -> str:
    """How a question stands in the reconciliation: the answer now agrees with the second, was kept, or differs."""
    if now == second:
        return "agree"
    return "kept" if kept else "DIFFER"


def reconcile_same(case: str, question: str) -> str:
    return f"{case} {question} already has the second assessor's answer."


def reconcile_unchanged(case: str, question: str) -> str:
    return f"{case} {question} left as it was: nothing recorded."


def reconcile_unanswered(case: str, question: str) -> str:
    return f"{case} {question} has no first answer to keep: take the second answer, or answer it in the grid."


def reconcile_keep_question(case: str, question: str, answer: str) -> str:
    return f"Keep {case} {question} as {answer}, reviewed against the second assessment. Why?"


def no_second(case: str) -> str:
    return f"Case {case} has no finished second assessment to set beside its first answers."


def agreement_heading(title: str) -> str:
    return f"Agreement · {title}"  # the screen's first line says of what: a narrow terminal cuts only the title


def second_refused(case: str, why: Exception) -> str:
    """--second CASE that cannot be: no such case, or the user's own."""
    return f"No second assessment of {case}: " + (f"no case {case} in this inspection" if isinstance(why, KeyError) else str(why))


# The merge conflicts view: every conflict git left in the file, settled or not.
NO_CONFLICTS = "No merge conflicts left in the file."
NOT_A_CONFLICT = "a table that is not a merge conflict"
ALL_CONFLICTS_SETTLED = "All the conflicts the app can settle are settled: save (ctrl+s) to take them out of the file."


def conflicts_heading(settled: int, total: int, by_hand: int) -> str:
    heading = f"Merge conflicts left by git: {settled} of {total} settled"
    if by_hand:
        heading += f", {by_hand} to settle by hand in the file"
    if settled and settled + by_hand == total:
        heading += "; ctrl+s saves them out of the file"
    return heading


def conflict_mark(settled: str | None, by_hand: bool) -> str:
    """Whether a conflict is settled (and to what) in words, never by colour alone."""
    if settled is not None:
        return f"[settled: {settled}] "
    return "[by hand] " if by_hand else "[to settle] "


def conflict_settled(value: str) -> str:
    return f"Settled to {value}: u takes it back."


def conflict_choices(base: str, ours: str, theirs: str) -> str:
    return f"o keeps ours ({ours}), t takes theirs ({theirs}), e another; each asks why. Base: {base}."


def settle_why(conflict: str, value: str) -> str:
    return f"Settle {conflict} as {value}: why?"


def merge_stopped(why: str) -> str:
    """A merging save whose merge was stopped (its process killed): nothing written, nothing lost."""
    return f"Not saved: {why}. Your work is still here and in the journal: save again."


def reading_stopped(name: str, why: str) -> str:
    """Someone else's save noticed, but its reading was stopped (its process killed): ours untouched."""
    return f"{name} was saved by someone else but could not be read ({why}). Your work is as it was; saving merges theirs."
