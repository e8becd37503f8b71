"""Agreement between a first and an independent second answer to the same questions, corrected
for chance (`spec/format.md`, "Quality assurance in the report").

A *pair* is one (case, question) answered by both assessors, each `yes`, `no` or `n/a`: three
nominal categories. Everything works from `Pairs`, the 3 × 3 table of how many pairs had each
first and each second answer, so that the pairs of many questions, assessors and files add up
as tables, never kept one by one.

Each coefficient is the spec's formula, computed exactly (fractions). Its 95% interval is the
coefficient ± Student's t (pairs − 1 degrees of freedom) × its standard error, from the
linearised variance that Gwet (2014) gives for each coefficient and irrCAC computes, cut to
[−1, 1]. A coefficient has no value where its formula divides by zero (one answer only, from
both assessors) or where it rests on fewer pairs than `min_pairs`, a setting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Literal

CATEGORIES = ("yes", "no", "n/a")
Q = len(CATEGORIES)

MIN_PAIRS = 10  # the fewest pairs a coefficient is given on, unless set otherwise (never below 2)

NAMES = ("kappa", "ac1", "alpha")  # Cohen's κ, Gwet's AC1, Krippendorff's α, as the report keys them

Missing = Literal["undefined", "too-few-pairs"]


@dataclass(frozen=True, slots=True)
class Pairs:
    """How many pairs had each first and each second answer: `counts[Q * first + second]`, by CATEGORIES."""

    counts: tuple[int, ...] = (0,) * (Q * Q)

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Pairs:
        counts = [0] * (Q * Q)
        for first, second in pairs:
            counts[Q * CATEGORIES.index(first) + CATEGORIES.index(second)] += 1
        return cls(tuple(counts))

    def __add__(self, other: Pairs) -> Pairs:
        return Pairs(tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)))

    def cells(self) -> Iterator[tuple[int, int, int]]:
        """(first, second, count) for every kind of pair there is, categories as indices."""
        for index, count in enumerate(self.counts):
            if count:
                yield index // Q, index % Q, count

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def agreed(self) -> int:
        return sum(self.counts[Q * k + k] for k in range(Q))


@dataclass(frozen=True, slots=True)
class Coefficient:
    """A coefficient with its 95% interval, or why it has none (`missing`)."""

    value: float | None
    ci95: tuple[float, float] | None = None
    missing: Missing | None = None


@dataclass(frozen=True, slots=True)
class Coefficients:
    """What a table of pairs says about agreement."""

    pairs: int
    agreed: int
    kappa: Coefficient
    ac1: Coefficient
    alpha: Coefficient
    min_pairs: int

    @property
    def percent(self) -> Fraction | None:
        """100 × agreed / pairs; None when there are no pairs."""
        return Fraction(100 * self.agreed, self.pairs) if self.pairs else None

    def named(self) -> Iterator[tuple[str, Coefficient]]:
        yield from zip(NAMES, (self.kappa, self.ac1, self.alpha), strict=True)


def measure(table: Pairs, min_pairs: int = MIN_PAIRS) -> Coefficients:
    """Cohen's κ, Gwet's AC1 and Krippendorff's α of a table of pairs, each with its interval."""
    n = table.total
    thin = n < max(min_pairs, 2)  # an interval needs two pairs at least, whatever the setting
    if thin:
        none = Coefficient(None, missing="too-few-pairs")
        return Coefficients(n, table.agreed, none, none, none, min_pairs)
    first = [Fraction(sum(table.counts[Q * k + j] for j in range(Q)), n) for k in range(Q)]
    second = [Fraction(sum(table.counts[Q * j + k] for j in range(Q)), n) for k in range(Q)]
    mean = [(a + b) / 2 for a, b in zip(first, second, strict=True)]  # πₖ: the two assessors' answers together
    observed = Fraction(table.agreed, n)

    zero = Fraction(0)

    # Cohen's κ: chance is each assessor answering as they did, independently.
    chance = sum((a * b for a, b in zip(first, second, strict=True)), zero)
    kappa = _chance_corrected(table, observed, chance, lambda i, j: (second[i] + first[j]) / 2)

    # Gwet's AC1: chance is a hard case's answer falling in any of the q categories.
    chance = sum((p * (1 - p) for p in mean), zero) / (Q - 1)
    ac1 = _chance_corrected(table, observed, chance, lambda i, j: (2 - mean[i] - mean[j]) / (2 * (Q - 1)))

    # Krippendorff's α = 1 − (n − 1)·D / Σₖ≠ₗ nₖ·nₗ over the 2 × pairs answers: the same
    # correction with chance Σπₖ², once the observed agreement is nudged by 1 / (2 × pairs).
    answers = 2 * n
    apart = sum((answers * p * answers * q for k, p in enumerate(mean) for j, q in enumerate(mean) if k != j), zero)
    chance = sum((p * p for p in mean), zero)  # 1 exactly when `apart` is 0
    alpha_value = 1 - (answers - 1) * 2 * (n - table.agreed) / apart if apart else None
    alpha = _chance_corrected(table, observed, chance, lambda i, j: (mean[i] + mean[j]) / 2, alpha_value)
    return Coefficients(n, table.agreed, kappa, ac1, alpha, min_pairs)


def _chance_corrected(
    table: Pairs,
    observed: Fraction,
    chance: Fraction,
    chance_of: Callable[[int, int], Fraction],
    reported: Fraction | None = None,
) -> Coefficient:
    """(observed − chance) / (1 − chance), or the `reported` value close to it, with Gwet's variance:
    each pair's own agreement, less twice its share of the chance agreement (`chance_of` its answers)."""
    if chance == 1:
        return Coefficient(None, missing="undefined")
    centre = (observed - chance) / (1 - chance)
    value = centre if reported is None else reported
    n = table.total
    spread = sum(
        count
        * ((int(i == j) - chance) / (1 - chance) - 2 * (1 - centre) * (chance_of(i, j) - chance) / (1 - chance) - centre) ** 2
        for i, j, count in table.cells()
    )
    half = student_t_975(n - 1) * math.sqrt(spread / (n * (n - 1)))
    estimate = float(value)
    return Coefficient(estimate, (min(estimate, max(-1.0, estimate - half)), max(estimate, min(1.0, estimate + half))))


@lru_cache(maxsize=512)
def student_t_975(df: int) -> float:
    """The 97.5th percentile of Student's t with `df` degrees of freedom (12.706 at 1, 1.960 in the limit)."""
    low, high = 1.9, 12.8  # brackets it for every df ≥ 1
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if _t_below(middle, df) < 0.975 else (low, middle)
    return (low + high) / 2


def _t_below(t: float, df: int) -> float:
    """P(T ≤ t) for t > 0: 1 − I_x(df/2, 1/2) / 2 with x = df / (df + t²)."""
    return 1 - _incomplete_beta(df / 2, 0.5, df / (df + t * t)) / 2


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz)."""
    if x in (0.0, 1.0):
        return x
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast only below this; use the symmetry
        return 1 - front * _beta_fraction(b, a, 1 - x) / b
    return front * _beta_fraction(a, b, x) / a


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d or tiny)
    result = d
    for m in range(1, 400):
        for step in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 / ((1 + step * d) or tiny)
            c = (1 + step / c) or tiny
            result *= c * d
        if abs(c * d - 1) < 1e-16:
            break
    return result
