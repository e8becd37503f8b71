"""The limits an inspection file is held to before any parser sees it: its size, its bytes
(UTF-8 text, not UTF-16 or binary) and its lines, dotted keys and multi-line strings.

The parsers are slow, even quadratic, on text built for it, and a huge line is redrawn on
every key: such a file is refused here, whole, in time linear in its size. `InspectionError`,
the one refusal of every stage of reading, is raised here first.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import guard
from .shown import shown

BOM = b"\xef\xbb\xbf"
MAX_BYTES = 64 * 1024 * 1024  # far beyond any real inspection; refuses runaway files early
# Far beyond any real inspection, and refused before the TOML parser, which is slow (even
# quadratic) on keys of many parts, and before a huge title is redrawn on every key.
MAX_KEY_PARTS = 32
MAX_LINE = 64 * 1024
MAX_STRING = 64 * 1024


class InspectionError(Exception):
    """A file that cannot be used, with every problem found, one per line."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        # Shown, never raw: a message quotes the file, which may hold terminal escapes.
        super().__init__("\n".join(shown(f"{source}: {p}") for p in problems))


def read_file(path: str | Path) -> bytes:
    """An inspection file's bytes, through the guarded open: a named pipe, a device or a runaway
    size is refused (`InspectionError`) before anything is read."""
    name = str(path)
    try:
        return guard.read(path, MAX_BYTES, "an inspection file")
    except FileNotFoundError:
        raise InspectionError(name, ["no such file"]) from None
    except (guard.Refused, OSError) as error:  # a directory too: refused as "is a directory"
        raise InspectionError(name, [guard.why(error)]) from None


def decoded(data: bytes, name: str) -> str:
    if data.startswith(BOM):  # as Windows editors save UTF-8; TOML does not allow it, we read past it
        data = data[len(BOM) :]
    if not data or data.isspace():  # not data.strip(): a copy of the whole file
        raise InspectionError(name, ["is empty: an inspection file starts with 'format = 1'"])
    if b"\0" in data:
        wide = _wide_encoding(data)
        saying = f"is {wide}, not a TOML inspection file: save it as UTF-8" if wide else "is binary, not a TOML inspection file"
        raise InspectionError(name, [saying])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InspectionError(name, [f"is not UTF-8 text (byte {e.start + 1}): not a TOML inspection file"]) from None


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 text, by its byte-order mark or, without one, where its zero bytes fall."""
    for mark, encoding in (
        (b"\xff\xfe\0\0", "UTF-32 (little-endian)"),
        (b"\0\0\xfe\xff", "UTF-32 (big-endian)"),
        (b"\xff\xfe", "UTF-16 (little-endian)"),
        (b"\xfe\xff", "UTF-16 (big-endian)"),
    ):
        if data.startswith(mark):
            return f"{encoding} text"
    head = data[:256]
    for width, encoding in ((4, "UTF-32"), (2, "UTF-16")):
        for order, place in (("little-endian", 0), ("big-endian", width - 1)):
            units = [head[i : i + width] for i in range(0, len(head) - width + 1, width)]
            # text, as a TOML file starts: printable ASCII or line ends, each padded with zero bytes
            if len(units) >= 4 and all(
                u.count(0) == width - 1 and (32 <= u[place] < 127 or u[place] in b"\t\r\n") for u in units
            ):
                return f"{encoding} ({order}) text"
    return None


def prescan(text: str, name: str = "<inspection>") -> None:
    """Refuse, before any TOML parser sees it, a text built to be slow to parse or to show:
    lines, multi-line strings or dotted keys far beyond any real inspection. Linear in the
    text: a line is looked at closely only when it holds that many dots."""
    problems = []
    lines = text.split("\n") if _long_line(text) or _dotted_line(text) else []  # [] as nearly every file: none to look at
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            problems.append(f"line {number}, column 1: {len(line):,} characters long, over the limit of {MAX_LINE:,}")
        if line.count(".") >= MAX_KEY_PARTS:  # rare: only then look for the key itself
            parts = _key_parts(line)
            if abs(parts) > MAX_KEY_PARTS:
                problems.append(
                    f"line {number}, column 1: a dotted key of {'at least ' * (parts < 0)}"
                    f"{abs(parts):,} parts, over the limit of {MAX_KEY_PARTS}"
                )
    if '"""' in text or "'''" in text:
        for found in _MULTILINE_STRING.finditer(text):
            if len(found.group()) - 6 > MAX_STRING:
                start = found.start()
                problems.append(
                    f"line {_line_of(text, start)}, column {start - text.rfind(chr(10), 0, start)}: "
                    f"a string of {len(found.group()) - 6:,} characters, over the limit of {MAX_STRING:,}"
                )
    if problems:
        raise InspectionError(name, problems[:20])


def _long_line(text: str) -> bool:
    """Whether a line is over MAX_LINE: a stretch of MAX_LINE + 1 characters with no line end in
    it, looked for a stretch at a time from the last line end found (at C speed, no line copied)."""
    at = 0
    while at + MAX_LINE < len(text):
        end = text.rfind("\n", at, at + MAX_LINE + 1)
        if end < 0:
            return True
        at = end + 1
    return False


_NOT_DOT_OR_LINE_END = bytes(b for b in range(256) if b not in b".\n")


def _dotted_line(text: str) -> bool:
    """Whether a line holds MAX_KEY_PARTS dots: the dots and line ends alone, at C speed (each
    is one byte in UTF-8, whatever the rest of the text), hold that many dots in a row."""
    return b"." * MAX_KEY_PARTS in text.encode("utf-8", "surrogatepass").translate(None, _NOT_DOT_OR_LINE_END)


_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_DEEP_KEY = re.compile(f"[ \t]*\\[*[ \t]*{_PART}(?:[ \t]*\\.[ \t]*{_PART}){{{MAX_KEY_PARTS},}}")
_MULTILINE_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'')


def _key_parts(line: str) -> int:
    """How many parts the key on a line has (negative: at least that many, the rest unread)."""
    key, equals, _ = line.partition("=")
    if equals and '"' not in key and "'" not in key:  # a bare dotted key: counted at C speed
        return key.count(".") + 1
    deep = _DEEP_KEY.match(line, 0, MAX_LINE)  # a quoted or table key: looked at, within the line limit
    if deep is None:
        return 0
    parts = deep.group().count(".") + 1
    return -parts if deep.end() == min(len(line), MAX_LINE) < len(line) else parts


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
