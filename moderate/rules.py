"""The rating engine: `spec/rules.md`, as pure functions over immutable data.

§1 a key question's percentage  -> `Tally`, `percentage`, `whole_percent`, `rate_question`
§2 bands                       -> `Framework.band_for`
§3 a standard's rating          -> `rate_standard`
§4 professional discretion      -> `discretion`, `decision_options`, `standing_decision`
§5 the overall rating           -> `rate_overall`

Everything here works from per-question tallies, so that one changed answer costs one
tally and one standard, whatever the number of cases (see `session.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from .frameworks import Band, Framework
from .model import NOT_RATED, Answer, Answers, Decision, Inspection, KeyQuestion, Questions, Standard

# ---------------------------------------------------------------- §1 key questions


@dataclass(frozen=True, slots=True)
class Tally:
    """How one question was answered across its sample's cases."""

    yes: int = 0
    no: int = 0
    na: int = 0

    @property
    def relevant(self) -> int:
        return self.yes + self.no

    @property
    def answered(self) -> int:
        return self.yes + self.no + self.na

    def moved(self, old: Answer | None, new: Answer | None) -> Tally:
        """The tally after one case's answer changes from `old` to `new` (None: unanswered)."""
        return self.moved_all(((old, new),))

    def moved_all(self, moves: Iterable[tuple[Answer | None, Answer | None]]) -> Tally:
        """The tally after many cases' answers change, each from `old` to `new`: counted once."""
        counts = {Answer.YES: self.yes, Answer.NO: self.no, Answer.NA: self.na}
        for old, new in moves:
            if old is not None:
                counts[old] -= 1
            if new is not None:
                counts[new] += 1
        return Tally(counts[Answer.YES], counts[Answer.NO], counts[Answer.NA])


def percentage(yes: int, relevant: int) -> Fraction | None:
    """100 x yes / relevant, exact; None when no case is relevant."""
    return Fraction(100 * yes, relevant) if relevant else None


def whole_percent(percent: Fraction) -> int:
    """Rounded half up, as HMIP prints percentages (62.5 -> 63), unlike round()."""
    return int((percent + Fraction(1, 2)) // 1)


@dataclass(frozen=True, slots=True)
class Figures:
    """A key question's (or prompt's) figures. A judgement key question has only a band."""

    id: str
    yes: int = 0
    relevant: int = 0
    unanswered: int = 0
    band: Band | None = None
    judgement: bool = False

    @property
    def percent(self) -> Fraction | None:
        """Exact; made when shown, not on every key press (banding works in integers)."""
        return percentage(self.yes, self.relevant)

    @property
    def complete(self) -> bool:
        return self.band is not None if self.judgement else self.unanswered == 0


def rate_question(question_id: str, tally: Tally, sample_size: int, framework: Framework) -> Figures:
    relevant = tally.relevant
    return Figures(
        id=question_id,
        yes=tally.yes,
        relevant=relevant,
        unanswered=sample_size - tally.answered,
        band=framework.band_of(tally.yes, relevant) if relevant else None,
    )


def rate_judgement_question(kq: KeyQuestion, framework: Framework) -> Figures:
    return Figures(id=kq.id, band=framework.band(kq.rating) if kq.rating else None, judgement=True)


# ---------------------------------------------------------------- §4 discretion

NEAR_BOUNDARY, ONE_CASE, SMALL_SAMPLE = "near-boundary", "one-case", "small-sample"
UP, DOWN = "up", "down"


@dataclass(frozen=True, slots=True)
class OneCaseChange:
    """Changing one case's answer on `key_question` would move the rating to `band`."""

    key_question: str
    direction: str
    band: Band


@dataclass(frozen=True, slots=True)
class Discretion:
    reasons: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    # (a): the boundaries within reach, with lowest percent minus boundary (negative: below)
    near: tuple[tuple[Fraction, Fraction], ...] = ()
    # (b): every single answer change that would move the rating
    one_case: tuple[OneCaseChange, ...] = ()
    # (c): the relevant cases the smallest of the lowest key questions rests on
    sample: int | None = None
    # the computed rating the panel would move: its reasons name only bands one away
    computed: Band | None = None

    @property
    def eligible(self) -> bool:
        return bool(self.reasons)


def _lowest_band(figures: Iterable[Figures]) -> Band | None:
    bands = [f.band for f in figures if f.band is not None]
    return min(bands, key=lambda band: band.rank) if bands else None


def _lowest(figures: Iterable[Figures]) -> list[Figures]:
    """The case-based key question(s) with the lowest percentage, the first to move first.

    Ordered by yes / relevant as floats: division is correctly rounded, so equal fractions
    give equal floats, and two fractions with denominators under a million differ by far
    more than a float's precision. Exact, then, and much faster than Fraction on every key press.
    """
    case_based = [f for f in figures if not f.judgement and f.relevant]
    if not case_based:
        return []
    least = min(f.yes / f.relevant for f in case_based)
    # Of equal percentages, the one resting on the fewest cases first: one answer moves it most.
    return sorted((f for f in case_based if f.yes / f.relevant == least), key=lambda f: f.relevant)


def _near(f: Figures, boundaries: Iterable[tuple[Fraction, int, int]], points: Fraction) -> tuple[tuple[Fraction, Fraction], ...]:
    """The boundaries (each with its numerator and denominator) that 100 x yes / relevant is
    within `points` of, each with that percent minus the boundary: compared in integers, the
    distance made exact only for those near."""
    near = []
    within, per = points.numerator, points.denominator
    for boundary, numerator, denominator in boundaries:
        scale = f.relevant * denominator
        gap = 100 * f.yes * denominator - numerator * f.relevant  # (percent - boundary) x scale
        if abs(gap) * per <= within * scale:
            near.append((boundary, Fraction(gap, scale)))
    return tuple(near)


def discretion(figures: Sequence[Figures], lowest: Sequence[Figures], computed: Band, framework: Framework) -> Discretion:
    """Whether the ratings panel may move a case-based standard's rating, why, and which way
    (`lowest`: its lowest key question(s), as `_lowest` gives them)."""
    if not lowest:
        return Discretion()
    settings = framework.discretion
    reasons: list[str] = []
    directions: set[str] = set()

    near = _near(lowest[0], framework.boundaries, settings.within_points)
    if near:
        reasons.append(NEAR_BOUNDARY)
        directions.update(UP if distance < 0 else DOWN for _, distance in near)

    one_case: list[OneCaseChange] = []
    if settings.one_case:
        held = sorted((g.band for g in figures if g.band is not None), key=lambda band: band.rank)
        for f in figures:
            if f.judgement or not f.relevant:
                continue
            # the band the other key questions hold the standard to: the lowest but f's own
            rest = held[1:] if f.band is held[0] else held  # a framework's bands are its own objects
            others = rest[0] if rest else None
            for yes, direction in ((f.yes - 1, DOWN), (f.yes + 1, UP)):
                if not 0 <= yes <= f.relevant:
                    continue
                changed = framework.band_of(yes, f.relevant)
                band = changed if others is None or changed.rank < others.rank else others
                if band.rank != computed.rank:  # another band
                    one_case.append(OneCaseChange(f.id, direction, band))
        if one_case:
            reasons.append(ONE_CASE)
            directions.update(change.direction for change in one_case)

    sample = min(f.relevant for f in lowest)
    if sample <= settings.small_sample:
        reasons.append(SMALL_SAMPLE)
        # A rating resting on so few cases is open to doubt either way, as far as the bands go.
        if computed != framework.bands[-1]:
            directions.add(UP)
        if computed != framework.bands[0]:
            directions.add(DOWN)

    return Discretion(
        reasons=tuple(reasons),
        directions=tuple(d for d in (UP, DOWN) if d in directions),
        near=near,
        one_case=tuple(one_case),
        sample=sample if SMALL_SAMPLE in reasons else None,
        computed=computed,
    )


@dataclass(frozen=True, slots=True)
class Pivotal:
    """A case a standard's rating rests on, by (b): its answer to `key_question` changed (a
    `yes` to `no` going `down`, a `no` to `yes` going `up`) would move the computed rating to `band`."""

    case: str
    key_question: str
    direction: str
    band: Band


_TURNED = {DOWN: Answer.YES, UP: Answer.NO}  # the answer a one-case change turns, each way


def pivotal_cases(flag: Discretion, answers: Iterable[tuple[str, Mapping[str, Answer]]]) -> tuple[Pivotal, ...]:
    """The cases whose one changed answer would move a standard flagged for discretion: for
    each single answer change of (b), every case of its sample answering what that change
    turns. `answers`: the sample's cases as (id, its answers), in file order; the result is
    in that order too. None when (b) does not flag the standard."""
    if not flag.one_case:
        return ()
    return tuple(
        Pivotal(case, change.key_question, change.direction, change.band)
        for case, given in answers
        for change in flag.one_case
        if given.get(change.key_question) == _TURNED[change.direction]
    )


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """The fewest single answer changes that would move a computed rating up, or down, and the
    band the standard would then have (which may be past the next one: 4/5 to 3/5 goes from
    Outstanding to Requires improvement)."""

    up: int | None = None  # None: no answer change can raise it (top band, or a judgement holds it)
    up_to: Band | None = None
    down: int | None = None
    down_to: Band | None = None


def _cases_to_reach(lower: Fraction, figures: Figures) -> int | None:
    """No-to-yes changes that lift a key question to `lower` percent; None if it cannot get there."""
    needed = -(-lower * figures.relevant // 100) - figures.yes  # ceil(lower x relevant / 100) - yes
    needed = max(0, int(needed))
    return needed if needed <= figures.relevant - figures.yes else None


def _cases_to_fall(below: Fraction, figures: Figures) -> int | None:
    """Yes-to-no changes that take a key question below `below` percent; None if it cannot."""
    needed = int(figures.yes - below * figures.relevant / 100) + 1
    return needed if needed <= figures.yes else None


def _up(figures: Sequence[Figures], target: Band, framework: Framework) -> tuple[int, Band] | None:
    """Lift every key question below `target` to it: the changes, and the standard's band then."""
    changes = 0
    after: list[Band] = []
    for f in figures:
        if f.band is None:
            continue
        if f.band.rank >= target.rank:
            after.append(f.band)
            continue
        needed = None if f.judgement else _cases_to_reach(target.lower, f)
        if needed is None:
            return None
        changes += needed
        after.append(framework.band_of(f.yes + needed, f.relevant))
    return changes, min(after, key=lambda band: band.rank)


def _down(figures: Sequence[Figures], computed: Band, framework: Framework) -> tuple[int, Band] | None:
    """Take one key question below `computed`, the cheapest: the changes, and the standard's band then."""
    moves = []
    for f in figures:
        needed = None if f.judgement or not f.relevant else _cases_to_fall(computed.lower, f)
        if needed is not None:
            others = [g.band for g in figures if g is not f and g.band is not None]
            band = min([framework.band_of(f.yes - needed, f.relevant), *others], key=lambda b: b.rank)
            moves.append((needed, -band.rank, band))  # the fewest changes; of those, the nearest band
    if not moves:
        return None
    needed, _, band = min(moves, key=lambda move: move[:2])
    return needed, band


def sensitivity(figures: Sequence[Figures], computed: Band | None, framework: Framework) -> Sensitivity:
    """How sensitive a case-based standard's computed rating is to its answers (relevance unchanged)."""
    if computed is None or all(f.judgement for f in figures):
        return Sensitivity()  # nothing an answer could move
    bands = framework.bands
    position = bands.index(computed)
    up = _up(figures, bands[position + 1], framework) if position + 1 < len(bands) else None
    down = _down(figures, computed, framework) if position > 0 else None
    return Sensitivity(*(up or (None, None)), *(down or (None, None)))


def within_reach(computed: Band, directions: Iterable[str], framework: Framework) -> tuple[Band, ...]:
    """`computed` and the bands next to it in `directions`, lowest first: discretion moves a
    rating one band at most."""
    bands = framework.bands
    here = bands.index(computed)
    steps = {here, *(here + (1 if direction == UP else -1) for direction in directions)}
    return tuple(bands[i] for i in sorted(steps) if 0 <= i < len(bands))


def decision_options(result: StandardResult, framework: Framework) -> tuple[Band, ...]:
    """The ratings the panel may decide for a standard, lowest first: its computed rating
    kept, or one band in a direction its discretion flags. None for a judgement standard
    (rated directly) or one with no computed rating yet."""
    if result.kind == JUDGEMENT or result.computed is None:
        return ()
    return within_reach(result.computed, result.discretion.directions, framework)


def standing_decision(decisions: Iterable[Decision], standard_id: str) -> Decision | None:
    """The panel's latest decision on a standard: the log is append-only, the last one stands."""
    standing = None
    for decision in decisions:
        if decision.standard == standard_id:
            standing = decision
    return standing


# ---------------------------------------------------------------- §3 standards

JUDGEMENT, CASES, MIXED = "judgement", "cases", "mixed"


@dataclass(frozen=True, slots=True)
class StandardResult:
    id: str
    kind: str
    counts: bool
    key_questions: tuple[Figures, ...] = ()
    computed: Band | None = None  # from the rules alone
    not_rated: bool = False  # a judgement standard recorded as "Not rated"
    provisional: bool = False  # some case unanswered, or a judgement key question unrated
    lowest: tuple[str, ...] = ()  # ids of the lowest case-based key question(s)
    discretion: Discretion = Discretion()
    decision: Decision | None = None
    stale: bool = False  # the decision was made against another computed rating
    final: Band | None = None  # after a standing panel decision
    framework: Framework = field(kw_only=True, repr=False, compare=False)  # whose bands it was rated in

    @property
    def sensitivity(self) -> Sensitivity:
        """How firm the computed rating is, in answers: counted when something shows it (the
        panel, on a wide terminal), not on every key press."""
        return sensitivity(self.key_questions, self.computed, self.framework)

    @property
    def rated(self) -> bool:
        return self.final is not None or self.not_rated

    @property
    def ineligible(self) -> bool:
        """A standing panel decision on a standard the rules do not flag for discretion
        (made by hand in the file, or the answers moved since without moving the band)."""
        return self.decision is not None and not self.stale and not self.discretion.eligible


def kind_of(standard: Standard) -> str:
    if standard.is_judgement:
        return JUDGEMENT
    return CASES if all(not kq.judgement for kq in standard.key_questions) else MIXED


def rate_standard(
    standard: Standard,
    figures: Sequence[Figures],
    decision: Decision | None,
    framework: Framework,
) -> StandardResult:
    """A standard's rating: the band of its lowest key question, then any panel decision.

    `figures` are its key questions' figures, in order (empty for a judgement standard).
    """
    kind = kind_of(standard)
    if kind == JUDGEMENT:
        band = framework.band(standard.rating) if standard.rating else None
        return StandardResult(
            standard.id,
            kind,
            standard.counts,
            computed=band,
            final=band,
            not_rated=standard.rating == NOT_RATED,
            framework=framework,
        )

    computed = _lowest_band(figures)
    lowest = _lowest(figures)
    stale = decision is not None and (computed is None or decision.computed != computed.rating)
    final = computed
    if decision is not None and not stale:
        final = framework.band(decision.rating)
    return StandardResult(
        id=standard.id,
        kind=kind,
        counts=standard.counts,
        key_questions=tuple(figures),
        computed=computed,
        provisional=not all(f.complete for f in figures),
        lowest=tuple(f.id for f in lowest),
        discretion=discretion(figures, lowest, computed, framework) if computed else Discretion(),
        decision=decision,
        stale=stale,
        final=final,
        framework=framework,
    )


# ---------------------------------------------------------------- §5 overall


@dataclass(frozen=True, slots=True)
class Overall:
    score: int
    max: int
    rating: str | None  # None while a counting standard has no rating
    complete: bool
    unrated: tuple[str, ...]  # counting standards with no rating yet
    provisional: tuple[str, ...]  # counting standards whose rating may still move with answers


def rate_overall(results: Iterable[StandardResult], framework: Framework) -> Overall:
    """The plain sum of the counting standards' final scores.

    A counting standard recorded as "Not rated" is left out of the score and the maximum
    (HMIP publishes no rule for it; Northumberland's unrated 4.1 does not count anyway).
    """
    counting = [r for r in results if r.counts and not r.not_rated]
    score = sum(r.final.score for r in counting if r.final is not None)
    unrated = tuple(r.id for r in counting if r.final is None)
    provisional = tuple(r.id for r in counting if r.provisional)
    return Overall(
        score=score,
        max=framework.top_score * len(counting),
        rating=None if unrated else framework.overall_for(score),
        complete=not unrated and not provisional,
        unrated=unrated,
        provisional=provisional,
    )


# ---------------------------------------------------------------- a whole inspection


def tallies(inspection: Inspection) -> dict[str, Tally]:
    """Every question's tally, over the cases of its standard's sample."""
    sample_of = {
        question: standard.sample
        for standard in inspection.standards
        for kq in standard.key_questions
        for question in (kq.id, *(p.id for p in kq.prompts))
    }
    counts: dict[str, list[int]] = {q: [0, 0, 0] for q in sample_of}
    slot = {Answer.YES: 0, Answer.NO: 1, Answer.NA: 2}
    as_read: dict[Questions, list[Answers]] = {}  # counted a whole column at a time
    for case in inspection.cases:
        if isinstance(case.answers, Answers) and case.answers.questions.sample == case.sample:
            as_read.setdefault(case.answers.questions, []).append(case.answers)
            continue
        for question, answer in case.answers.items():
            if sample_of.get(question) == case.sample:
                counts[question][slot[answer]] += 1
    for questions, rows in as_read.items():
        for question, (yes, no, na) in Answers.counted(rows):
            if sample_of.get(question) == questions.sample:
                counts[question][0] += yes
                counts[question][1] += no
                counts[question][2] += na
    return {q: Tally(*c) for q, c in counts.items()}


def rate_key_questions(
    standard: Standard, tallies: Mapping[str, Tally], sample_size: int, framework: Framework
) -> tuple[Figures, ...]:
    return tuple(
        rate_judgement_question(kq, framework) if kq.judgement else rate_question(kq.id, tallies[kq.id], sample_size, framework)
        for kq in standard.key_questions
    )


@dataclass(frozen=True, slots=True)
class Ratings:
    standards: Mapping[str, StandardResult]  # in file order
    prompts: Mapping[str, Figures]
    overall: Overall


def rate_inspection(inspection: Inspection, framework: Framework, counts: Mapping[str, Tally] | None = None) -> Ratings:
    """Every rating of an inspection, computed from scratch (from `counts`, if already tallied)."""
    counts = tallies(inspection) if counts is None else counts
    standards: dict[str, StandardResult] = {}
    prompts: dict[str, Figures] = {}
    for standard in inspection.standards:
        size = len(inspection.cases_in(standard.sample)) if standard.sample else 0
        figures = rate_key_questions(standard, counts, size, framework)
        decision = standing_decision(inspection.discretion, standard.id)
        standards[standard.id] = rate_standard(standard, figures, decision, framework)
        for kq in standard.key_questions:
            for prompt in kq.prompts:
                prompts[prompt.id] = rate_question(prompt.id, counts[prompt.id], size, framework)
    return Ratings(standards, prompts, rate_overall(standards.values(), framework))
