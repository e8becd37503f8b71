"""A programme's own words for its reports (`[wording]`, an optional table of ours).

Each preset's template carries its programme's wording; an inspection file may carry its own
`[wording]` (`moderate new` copies the template's), and whatever it gives, key by key, stands
over its preset's. The words are templates: `{service}` and the like are filled in by the report.
"""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from typing import Any, Mapping

from .frameworks import template
from .schema import Checker, Table, key_name, listed, short, type_name

# Each template's placeholders; `discretion` says where the panel's discretion is told.
TEMPLATES: Mapping[str, frozenset[str]] = {
    "based_on": frozenset({"note", "standard"}),
    "rating_note": frozenset(),
    "not_counted": frozenset({"domain", "service"}),
    "discretion_up": frozenset({"Standard", "standard", "computed", "rating"}),
    "discretion_down": frozenset({"Standard", "standard", "computed", "rating"}),
    "interviews": frozenset({"interviews"}),
}
SAMPLE_TEMPLATES: Mapping[str, frozenset[str]] = {
    "cases": frozenset({"cases", "disposals", "service"}),
    "interviews": frozenset({"interviews", "interviewed_cases", "service"}),
}
PLACES = ("body", "footnote")  # `discretion`: a sentence after the table, or a footnote on the figure
KEYS = frozenset({*TEMPLATES, "discretion", "samples", "disposals"})


def _placeholders(text: str) -> set[str] | None:
    """The names a template fills in; None when its braces are not a template's. A name with a
    format ("{service:>99999999}") or a conversion ("{service!r}") keeps that with it, so that it
    is refused as unknown: a file's words are filled in, never formatted as it says."""
    try:
        return {
            name + (f":{spec}" if spec else "") + (f"!{conversion}" if conversion else "")
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        }
    except ValueError:
        return None


def _template(table: Table, key: str, where: str, known: frozenset[str], check: Checker) -> None:
    text = check.string(table, key, where)
    if text is None:
        return
    found = _placeholders(text)
    if found is None:
        check.problem(f"{where}.{key_name(key)}", "has an unmatched { or }: write {{ or }} for a brace itself")
    elif found - known:
        allowed = listed(sorted(known)) if known else "none"
        check.problem(f"{where}.{key_name(key)}", f"no such placeholder {listed(sorted(found - known))}: it may use {allowed}")


def check_wording(doc: Table, check: Checker) -> Table:
    """The file's `[wording]` table, each template and value checked (problems located)."""
    wording = check.table(doc, "wording", "")
    for key in wording:
        if key not in KEYS:
            check.problem(f"wording.{key_name(key)}", f"not a wording of ours; known: {listed(sorted(KEYS))}")
    for key, known in TEMPLATES.items():
        _template(wording, key, "wording", known, check)
    place = check.string(wording, "discretion", "wording")
    if place is not None and place not in PLACES:
        check.problem("wording.discretion", f"{short(place)} is not one of {listed(PLACES)}")
    for name, table in check.table(wording, "samples", "wording").items():
        where = f"wording.samples.{key_name(name)}"
        if not isinstance(table, dict):
            check.problem(where, f"expected a table, found {type_name(table)}")
            continue
        for key in table:
            if key not in SAMPLE_TEMPLATES:
                check.problem(f"{where}.{key_name(key)}", f"not a wording of ours; known: {listed(sorted(SAMPLE_TEMPLATES))}")
        for key, known in SAMPLE_TEMPLATES.items():
            _template(table, key, where, known, check)
    for name, plural in check.table(wording, "disposals", "wording").items():
        if not isinstance(plural, str):
            check.problem(f"wording.disposals.{key_name(name)}", f"expected a string, found {type_name(plural)}")
    return wording


@lru_cache(maxsize=8)
def _preset(framework: str) -> Mapping[str, Any]:
    wording: Mapping[str, Any] = tomllib.loads(template(framework)).get("wording", {})
    return wording


def of(framework: str, own: Mapping[str, Any]) -> dict[str, Any]:
    """The wording a report uses: the file's own, key by key, over its preset's."""
    preset = _preset(framework)
    merged = {**preset, **own, "disposals": {**preset.get("disposals", {}), **own.get("disposals", {})}}
    samples = {**preset.get("samples", {}), **own.get("samples", {})}
    merged["samples"] = {name: {**preset.get("samples", {}).get(name, {}), **said} for name, said in samples.items()}
    return merged


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(n: int) -> str:
    """A count as HMIP writes it in running text: words to nine, then figures ('seven', '13')."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'one case', 'nine cases', '12 community resolutions'."""
    return f"{number(n)} {noun if n == 1 else plural or noun + 's'}"


def listing(items: list[str]) -> str:
    """'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
