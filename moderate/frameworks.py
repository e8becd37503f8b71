"""Framework presets (`spec/rules.md` §6): bands, overall thresholds and discretion settings.

A file's `[framework]` table may replace any of these values (`spec/format.md`), so that
an inspection can carry rules we have no preset for. The standards themselves always
come from the file; a preset's template (in `presets/`) is only where `moderate new`
starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
import tomllib
from typing import Any, Mapping


@dataclass(frozen=True, slots=True)
class Band:
    rating: str
    lower: Fraction  # a percentage at or above this falls in the band (a threshold, for overall)
    score: int = 0
    rank: int = 0  # its place among the bands, lowest 0: compared on every key press, unlike `lower`


@dataclass(frozen=True, slots=True)
class DiscretionSettings:
    within_points: Fraction = Fraction(5)  # (a) near a band boundary, inclusive
    one_case: bool = True  # (b) one case's answer would change the rating
    small_sample: int = 5  # (c) the lowest key question rests on this many cases or fewer


@dataclass(frozen=True, slots=True)
class Framework:
    name: str
    bands: tuple[Band, ...]  # ascending
    overall: tuple[Band, ...]  # ascending thresholds on the overall score
    discretion: DiscretionSettings = DiscretionSettings()
    # False where HMIP publishes nothing and the values are our assumption.
    verified: bool = True
    # How its published reports print: a key question's counts (relevant, 'Yes') or its
    # % 'Yes' only; domains numbered ("2. Court disposals") or not.
    printed_counts: bool = False
    numbered_domains: bool = True
    # Each band's lower bound as (numerator, denominator), highest band first, for band_of; and
    # each overall threshold's, for overall_for: compared in integers, on every key press.
    _bounds: tuple[tuple[int, int, Band], ...] = field(init=False, repr=False, compare=False)
    _thresholds: tuple[tuple[int, int, Band], ...] = field(init=False, repr=False, compare=False)
    _boundaries: tuple[tuple[Fraction, int, int], ...] = field(init=False, repr=False, compare=False)
    _top_score: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, bands in (("_bounds", self.bands), ("_thresholds", self.overall)):
            object.__setattr__(self, name, tuple((b.lower.numerator, b.lower.denominator, b) for b in reversed(bands)))
        object.__setattr__(self, "_boundaries", tuple((b.lower, b.lower.numerator, b.lower.denominator) for b in self.bands[1:]))
        object.__setattr__(self, "_top_score", max((band.score for band in self.bands), default=0))

    def band(self, rating: str) -> Band | None:
        return next((band for band in self.bands if band.rating == rating), None)

    def band_for(self, percent: Fraction) -> Band:
        """The band a percentage falls in; banding uses the exact fraction."""
        found = self.bands[0]
        for band in self.bands:
            if percent >= band.lower:
                found = band
        return found

    def band_of(self, yes: int, relevant: int) -> Band:
        """The band of yes / relevant (relevant > 0): exact, in integers, as it runs on every key press."""
        for numerator, denominator, band in self._bounds:
            if 100 * yes * denominator >= numerator * relevant:
                return band
        return self.bands[0]

    def overall_for(self, score: int) -> str:
        """The overall rating of a score: that of the highest threshold it reaches."""
        for numerator, denominator, threshold in self._thresholds:
            if score * denominator >= numerator:
                return threshold.rating
        return self.overall[0].rating

    @property
    def top_score(self) -> int:
        return self._top_score

    @property
    def boundaries(self) -> tuple[tuple[Fraction, int, int], ...]:
        """The lower bounds of every band but the lowest, each with its numerator and
        denominator: discretion compares percentages with them in integers, on every key press."""
        return self._boundaries


HMIP_BANDS = (
    Band("Inadequate", Fraction(0), 0, 0),
    Band("Requires improvement", Fraction(50), 1, 1),
    Band("Good", Fraction(65), 2, 2),
    Band("Outstanding", Fraction(80), 3, 3),
)

_OVERALL_36 = (
    Band("Inadequate", Fraction(0)),
    Band("Requires improvement", Fraction(7)),
    Band("Good", Fraction(19)),
    Band("Outstanding", Fraction(31)),
)

# HMIP publishes no thresholds for the 0-12 scale of 2025. Assumption: the 0-36 table
# scaled down (a published 6/12 is Requires improvement).
_OVERALL_12_ASSUMED = (
    Band("Inadequate", Fraction(0)),
    Band("Requires improvement", Fraction(3)),
    Band("Good", Fraction(7)),
    Band("Outstanding", Fraction(11)),
)

PRESETS: Mapping[str, Framework] = {
    "hmip-youth-2018": Framework("hmip-youth-2018", HMIP_BANDS, _OVERALL_36, printed_counts=True),
    "hmip-youth-2021": Framework("hmip-youth-2021", HMIP_BANDS, _OVERALL_36),
    "hmip-youth-2025": Framework("hmip-youth-2025", HMIP_BANDS, _OVERALL_12_ASSUMED, verified=False, numbered_domains=False),
}


def number(value: int | float) -> Fraction:
    """A TOML number as an exact fraction (49.5 is 99/2, not the nearest binary float)."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def resolve(name: str, overrides: Mapping[str, Any]) -> Framework:
    """The preset `name` with a file's already validated `[framework]` values applied."""
    framework = PRESETS[name]
    changes: dict[str, Any] = {}
    if "bands" in overrides:
        changes["bands"] = tuple(
            Band(b["rating"], number(b["from"]), b.get("score", i), i) for i, b in enumerate(overrides["bands"])
        )
    if "overall" in overrides:
        changes["overall"] = tuple(Band(t["rating"], number(t["from"])) for t in overrides["overall"])
    if "discretion" in overrides:
        given = overrides["discretion"]
        base = framework.discretion
        changes["discretion"] = DiscretionSettings(
            within_points=number(given.get("within_points", base.within_points)),
            one_case=given.get("one_case", base.one_case),
            small_sample=given.get("small_sample", base.small_sample),
        )
    return replace(framework, **changes) if changes else framework


def template(name: str) -> str:
    """The text of a preset's template inspection, from which `moderate new` starts."""
    from importlib import resources  # here: every command reads frameworks, and only `new` and reports a template

    return resources.files("moderate.presets").joinpath(f"{name}.toml").read_text(encoding="utf-8")


def template_samples(name: str) -> dict[str, str]:
    """The samples a preset's template declares (id -> what it is), as `moderate new` takes them."""
    samples: dict[str, str] = tomllib.loads(template(name)).get("samples", {})
    return samples
