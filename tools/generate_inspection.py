"""Generate a large, realistic inspection for benchmarks and load tests.

Starts from the hmip-youth-2018 template (every standard, key question and prompt) and
adds invented cases, ~60% court and ~40% out-of-court, each with a label (disposal type)
and an inspector, answering every key question and every prompt of its sample: mostly
"yes", some "no" (weaker cases collect more), some "n/a" (mostly on "where applicable"
prompts), and a few percent left unanswered. Each key question agrees with its answered
prompts, as in real files (`moderate check` warns of next to none: of the key questions an
inspector's judgement left disagreeing, one in a thousand is kept so, so that the benchmark's
floor measures checking, not printing warnings). The judgement standards are rated, a few
cases are marked moderated, a handful of moderation log entries record answers that
moderation changed, and the ratings panel has one discretion decision.

The result is built with the core (`moderate.reading.parse_text`, `moderate.model`) and
written with `moderate.storage.save`, so it is a valid file in the canonical layout.
The same --cases and --seed always give the same bytes.

Usage: python tools/generate_inspection.py OUT.toml --cases 2000 [--seed 1]

Write generated files to a temporary directory or to bench/data/ (git-ignored), never
to sample_data/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from moderate.frameworks import template  # noqa: E402
from moderate.model import (  # noqa: E402
    UNANSWERED,
    Answer,
    Case,
    Decision,
    Inspection,
    Moderated,
    ModerationEntry,
)
from moderate.reading import parse_text  # noqa: E402
from moderate.rules import rate_inspection  # noqa: E402
from moderate.storage import save  # noqa: E402

FRAMEWORK = "hmip-youth-2018"
COURT_SHARE = 0.6
UNANSWERED_RATE = 0.02  # cells left blank at random
UNFINISHED_CASE_RATE = 0.01  # cases whose inspector stopped half-way through
DISAGREE_RATE = 0.001  # key questions left disagreeing with their prompts, as a few do in real files
INSPECTORS = ("ak", "jb", "mh", "rp", "sd", "tw", "lc", "ng")
LABELS = {
    "court": ("Referral order", "Youth rehabilitation order", "Detention and training order"),
    "oocd": ("Youth conditional caution", "Youth caution", "Community resolution", "Triage"),
}
LEAD = "lead"
FIELDWORK = dt.date(2026, 11, 16)
T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)


def _agreeing(answer: Answer, prompts: list[str], answers: dict[str, Answer], share: float) -> Answer:
    """The key question's answer made to agree with its answered prompts (`consistency.problem`):
    yes or no as they say where they all say one, and not n/a where one is answered yes or no."""
    said = {answers[p] for p in prompts if p in answers}
    if said in ({Answer.YES}, {Answer.NO}):
        return said.pop()
    if answer == Answer.NA and said & {Answer.YES, Answer.NO}:
        return Answer.YES if share >= 0.62 else Answer.NO
    return answer


def _quality(rng: random.Random) -> float:
    # Most cases are decent, a tail is weak: a beta skewed towards good practice.
    return rng.betavariate(5.0, 1.6)


def generate(cases: int, seed: int = 1) -> Inspection:
    """An inspection on the hmip-youth-2018 template with `cases` answered cases."""
    rng = random.Random(seed)
    base = parse_text(template(FRAMEWORK), f"the {FRAMEWORK} template")
    inspection, framework = base.inspection, base.framework

    # Standards: rate the judgement ones; give each case-based question a difficulty so
    # that the standards spread over the bands rather than all landing on one.
    bands = [band.rating for band in framework.bands]
    standards = []
    for standard in inspection.standards:
        if standard.is_judgement:
            standard = replace(standard, rating=rng.choice(bands[1:]))
        standards.append(standard)
    difficulty: dict[str, float] = {}
    applicable: dict[str, float] = {}
    questions_of: dict[str, list[tuple[str, list[str]]]] = {}
    for standard in standards:
        if not standard.sample:
            continue
        shift = rng.uniform(-0.12, 0.12)  # one standard weaker or stronger as a whole
        for kq in standard.key_questions:
            difficulty[kq.id] = shift + rng.uniform(-0.08, 0.08)
            for prompt in kq.prompts:
                difficulty[prompt.id] = shift + rng.uniform(-0.15, 0.15)
                # "Where applicable" prompts (victims, enforcement, ...) often do not apply.
                applicable[prompt.id] = 0.55 if "applicable" in prompt.text.lower() else rng.uniform(0.9, 1.0)
            questions_of.setdefault(standard.sample, []).append((kq.id, [p.id for p in kq.prompts]))

    court = round(cases * COURT_SHARE)
    plan = [("court", "C", court), ("oocd", "O", cases - court)]
    width = max(3, len(str(max(court, cases - court, 1))))
    new_cases: list[Case] = []
    for sample, prefix, count in plan:
        for i in range(1, count + 1):
            quality = _quality(rng)
            answers: dict[str, Answer] = {}
            unfinished = rng.random() < UNFINISHED_CASE_RATE
            sample_questions = questions_of.get(sample, [])
            stop_at = rng.randrange(len(sample_questions)) if unfinished and sample_questions else None
            for n, (kq, prompts) in enumerate(sample_questions):
                if stop_at is not None and n >= stop_at:
                    break
                given = []
                for prompt in prompts:
                    if rng.random() >= applicable[prompt]:
                        answer = Answer.NA
                    elif rng.random() < quality - difficulty[prompt] + 0.1:
                        answer = Answer.YES
                    else:
                        answer = Answer.NO
                    given.append(answer)
                    if rng.random() >= UNANSWERED_RATE:
                        answers[prompt] = answer
                # The key question follows its prompts, with the inspector's judgement as noise.
                relevant = [a for a in given if a != Answer.NA]
                share = sum(a == Answer.YES for a in relevant) / len(relevant) if relevant else quality
                if rng.random() < 0.01:
                    kq_answer = Answer.NA
                elif share + rng.uniform(-0.2, 0.2) - difficulty[kq] >= 0.62:
                    kq_answer = Answer.YES
                else:
                    kq_answer = Answer.NO
                if rng.random() >= UNANSWERED_RATE:
                    answers[kq] = kq_answer if rng.random() < DISAGREE_RATE else _agreeing(kq_answer, prompts, answers, share)
            # Answers in question order, as the canonical layout writes them.
            new_cases.append(
                Case(
                    id=f"{prefix}{i:0{width}}",
                    sample=sample,
                    label=rng.choice(LABELS[sample]),
                    inspector=rng.choice(INSPECTORS),
                    answers=answers,
                )
            )

    # A few cases moderated, and a handful of answers moderation changed (the case now
    # holds the "to" answer; the log says what it was before).
    minutes = 0
    moderation: list[ModerationEntry] = []
    answered_kqs = [(c_i, q) for c_i, case in enumerate(new_cases) for q in case.answers if q.count(".") == 2]
    picks = rng.sample(answered_kqs, min(8, len(answered_kqs)))
    picked_cases = set()
    for c_i, question in sorted(picks):
        case = new_cases[c_i]
        to = case.answers[question]
        from_ = rng.choice([a for a in (Answer.YES, Answer.NO, Answer.NA) if a != to] + [None])
        minutes += rng.randint(2, 40)
        at = T0 + dt.timedelta(minutes=minutes)
        moderation.append(
            ModerationEntry(
                case=case.id,
                question=question,
                from_=from_.value if from_ else UNANSWERED,
                to=to.value,
                by=rng.choice(INSPECTORS[:3]),
                at=at,
                reason=rng.choice([None, "Evidence in the case record supports this.", "Agreed at moderation meeting."]),
            )
        )
        picked_cases.add(c_i)
    moderated_cases = picked_cases | set(rng.sample(range(len(new_cases)), min(len(new_cases), max(1, cases // 50))))
    for c_i in sorted(moderated_cases):
        minutes += rng.randint(1, 10)
        new_cases[c_i] = replace(
            new_cases[c_i], moderated=Moderated(rng.choice(INSPECTORS[:3]), T0 + dt.timedelta(minutes=minutes))
        )

    inspection = replace(
        inspection,
        title=f"Generated Youth Justice Service ({cases} cases, seed {seed})",
        fieldwork_start=FIELDWORK,
        lead_inspector=LEAD,
        standards=tuple(standards),
        cases=tuple(new_cases),
        moderation=tuple(moderation),
    )

    # The panel's decision: on a case-based standard with a computed rating, one band
    # from it (up unless it is already at the top), against the rating it computes now.
    ratings = rate_inspection(inspection, framework)
    candidates = [r for r in ratings.standards.values() if r.computed is not None and r.kind != "judgement"]
    if candidates:
        chosen = next((r for r in candidates if r.discretion.eligible), candidates[0])
        position = bands.index(chosen.computed.rating)
        rating = bands[position + 1] if position + 1 < len(bands) else bands[position - 1]
        decision = Decision(
            chosen.id,
            chosen.computed.rating,
            rating,
            LEAD,
            T0 + dt.timedelta(days=1, hours=2),
            "Only one key question falls short, and narrowly; practice is otherwise strong.",
        )
        inspection = replace(inspection, discretion=(decision,))
    return inspection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write (a temp dir or bench/data/, never sample_data/)")
    parser.add_argument("--cases", type=int, default=2000, help="number of cases (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1): same seed, same file")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    if args.out.resolve().parent == (REPO / "sample_data").resolve():
        parser.error("refusing to write generated data into sample_data/")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = save(args.out, generate(args.cases, args.seed))
    print(f"{args.out}: {args.cases} cases, {len(text.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
