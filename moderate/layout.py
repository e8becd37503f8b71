"""Text laid out to a terminal's width: tables whose widest column wraps, and whose rows stack
one under another when even that will not fit (an 80-column SSH terminal, a projector)."""

from __future__ import annotations

import os
import textwrap
from typing import Any, Sequence

NARROWEST = 60  # below this a table's figures no longer fit beside any words: wrapping stops here
_GAP = 2  # tabulate's "simple" format puts two spaces between columns
_WRAPPED = 20  # the fewest characters a wrapped column is given before the rows stack instead


def width_of(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def indented(text: str, width: int, indent: int, hanging: int | None = None) -> list[str]:
    """`text` wrapped to `width`, its first line indented by `indent` spaces, the rest by `hanging`
    (by default the same)."""
    first, rest = " " * indent, " " * (indent if hanging is None else hanging)
    return textwrap.wrap(text, max(width, NARROWEST), initial_indent=first, subsequent_indent=rest) or [""]


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int, wrap: int, align: Sequence[str] | None = None
) -> list[str]:
    """A table no wider than `width`: column `wrap` (the one holding free text) wraps to what the
    others leave; if that is too little, each row becomes a line of its other cells with the
    text wrapped beneath it, indented."""
    from tabulate import tabulate  # here, not above: the grid clips with this module, and starts without tabulate

    width = max(width, NARROWEST)
    cells = [[str(v) for v in row] for row in rows]
    options: dict[str, Any] = {"headers": list(headers), "tablefmt": "simple", "disable_numparse": True}
    if align is not None:
        options["colalign"] = tuple(align)
    whole = tabulate(cells, **options)
    if width_of(whole) <= width:
        return whole.splitlines()
    others = [max([width_of(headers[i]), *(width_of(row[i]) for row in cells)]) for i in range(len(headers)) if i != wrap]
    room = width - sum(others) - _GAP * (len(headers) - 1)
    while room >= _WRAPPED:  # tabulate pads headers: narrow again by what still overflows
        narrowed = [[textwrap.fill(c, room) if i == wrap else c for i, c in enumerate(row)] for row in cells]
        header = textwrap.fill(headers[wrap], room)
        laid = tabulate(narrowed, **{**options, "headers": [header if i == wrap else h for i, h in enumerate(headers)]})
        if width_of(laid) <= width:
            return laid.splitlines()
        room -= width_of(laid) - width
    # Too narrow: the other columns as a table, each row's text wrapped beneath it.
    rest = [h for i, h in enumerate(headers) if i != wrap]
    kept = {**options, "headers": rest}
    if align is not None:
        kept["colalign"] = tuple(a for i, a in enumerate(align) if i != wrap)
    lines = tabulate([[c for i, c in enumerate(row) if i != wrap] for row in cells], **kept).splitlines()
    if width_of("\n".join(lines)) > width:  # not even those fit: each row's cells run on, wrapped
        lines = ["  ".join(rest), "", *("  ".join(c for i, c in enumerate(row) if i != wrap and c) for row in cells)]
    out = [lines[0].rstrip(), lines[1]] if lines[1] else indented(lines[0], width, 0, 2)
    for line, row in zip(lines[2:], cells, strict=True):
        out += indented(line.rstrip(), width, 0, 2)
        if row[wrap]:
            out += indented(row[wrap], width, 4)
    return out


def fitted(text: str, width: int) -> str:
    """Every line of `text` no wider than `width`: one that is (a long title, an id) wraps,
    indented as it was and its continuation two further; the rest stay as they are."""
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        out += textwrap.wrap(
            line.strip(), width, initial_indent=" " * indent, subsequent_indent=" " * (indent + 2), break_on_hyphens=False
        )
    return "\n".join(out)


WORDS_CUT_FROM = 30  # narrower, a part of a word tells more than the word before it ('Does the impl…')


def clipped(text: str, width: int, words: bool | None = None) -> str:
    """`text` in at most `width` characters: whole, or cut with `…`, at a word's end where one is
    near ('…boundary for…', never '…boundary for 'Outs'); no room, no text. `words`: whether to cut
    at a word's end (by default, from WORDS_CUT_FROM characters: the end of a long line's text)."""
    if len(text) <= width:
        return text
    if width <= 0:
        return ""
    cut = text[: width - 1]
    space = cut.rfind(" ")
    at_words = width >= WORDS_CUT_FROM if words is None else words
    if at_words and space > 0 and space >= width - 1 - min(8, max(width // 4, 4)):
        cut = cut[:space].rstrip()
    return cut + "…"


def abbreviations(texts: Sequence[str], width: int) -> dict[str, str]:
    """Each text in at most `width` characters, no two alike where that can be: whole where it fits,
    else its beginning and its end about a `…` ('children-10' in 8: 'child…10'), the end all that
    follows what the long ones have in common (ids made in a series differ at their ends)."""
    texts = list(dict.fromkeys(texts))
    long = [t for t in texts if len(t) > width]
    if not long or width < 3:
        return {t: clipped(t, width) for t in texts}
    whole = {t for t in texts if len(t) <= width}
    common = len(os.path.commonprefix(long))
    differing = max(1, min(width - 2, max(len(t) - common for t in long)))
    made: dict[str, str] = {}
    for tail in [*range(differing, width), *range(differing - 1, 0, -1)]:
        made = {t: t[: width - 1 - tail] + "…" + t[len(t) - tail :] for t in long}
        if len(set(made.values()) | whole) == len(texts):
            break
    return {t: made.get(t, t) for t in texts}
