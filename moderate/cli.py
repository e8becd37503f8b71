"""The `moderate` command line."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import replace
from importlib import resources
from pathlib import Path

from .frameworks import PRESETS, template
from .merge import merge
from .model import Case, Inspection
from .reading import InspectionError, load, parse_text
from .rules import rate_inspection
from .storage import SaveError, save, save_merging, write_text
from .writing import comment_lines, dumps

REFUSED = 2  # the file (or the command) was refused; problems on stderr
CONFLICTS = 1  # merge-driver: merged, but with conflicts to settle (git then stops the merge)

COMMANDS = ("report", "check", "format", "new", "merge-driver")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moderate",
        description="Moderate the case judgements of an HMIP inspection, and run its ratings panel.",
        epilog="moderate FILE.toml opens the inspection in the app; bare 'moderate' opens a copy of a bundled sample.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    report = commands.add_parser("report", help="print the ratings of an inspection")
    report.add_argument("file", type=Path)
    report.add_argument("--format", choices=("text", "json", "markdown", "csv"), default="text",
                        help="text (default), json (the machine-readable report of format.md), "
                             "markdown (tables as the published reports print them) or csv (one row per question)")
    report.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")

    check = commands.add_parser("check", help="validate inspection files (exit 0 when all are valid, 2 if not)")
    check.add_argument("files", type=Path, nargs="+")

    fmt = commands.add_parser("format", help="rewrite a file in the canonical layout")
    fmt.add_argument("file", type=Path)
    fmt.add_argument("--drop-comments", action="store_true",
                     help="rewrite even though the file has comments, which the canonical layout drops")

    new = commands.add_parser("new", help="start a new inspection from a framework's template")
    new.add_argument("out", type=Path)
    new.add_argument("--framework", required=True, choices=sorted(PRESETS))
    new.add_argument("--cases", required=True, metavar="SAMPLE=N,...",
                     help="blank cases to create in each sample, e.g. court=8,oocd=12")
    new.add_argument("--title", default="New inspection")

    driver = commands.add_parser(
        "merge-driver", help="git's merge driver for inspection files (see the README)",
        description="Merge two versions of an inspection answer by answer; git runs it as "
                    "'moderate merge-driver %%O %%A %%B'. Writes the result to OURS; exit 0 when merged "
                    "cleanly, 1 on conflicts (listed in OURS under [[merge_conflicts]] and on stderr), "
                    "2 when a version is not a valid inspection.")
    driver.add_argument("base", type=Path, help="the common ancestor (%%O)")
    driver.add_argument("ours", type=Path, help="our version, replaced by the merge (%%A)")
    driver.add_argument("theirs", type=Path, help="their version (%%B)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        return _app(argv)
    args = _parser().parse_args(argv)
    try:
        commands = {"report": _report, "check": _check, "format": _format, "new": _new, "merge-driver": _merge_driver}
        return commands[args.command](args)
    except (InspectionError, SaveError) as error:
        print(error, file=sys.stderr)
        return REFUSED


def _app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="moderate", description="Open an inspection in the moderation app.",
                                     epilog=f"Other commands: {', '.join(COMMANDS)} (moderate COMMAND --help).")
    parser.add_argument("file", type=Path, nargs="?", help="the inspection (default: a copy of a bundled sample)")
    parser.add_argument("--as", dest="user", default=os.environ.get("USER") or getpass.getuser(),
                        help="who is moderating, for the moderation log (default: $USER)")
    parser.add_argument("--theme", help="a Textual theme, e.g. ansi-dark, textual-light, moderate-high-contrast")
    args = parser.parse_args(argv)
    path, note = (args.file, None) if args.file else _sample_copy()
    from .journal import JournalInUse  # the app's own imports load only for the app
    from .screens.app import ModerateApp

    try:
        app = ModerateApp(path, args.user, theme=args.theme, note=note)
    except InspectionError as error:
        print(error, file=sys.stderr)
        return REFUSED
    except JournalInUse as busy:
        print(f"moderate: {busy}", file=sys.stderr)
        return REFUSED
    app.run()
    return app.return_code or 0


def _sample_copy() -> tuple[Path, str]:
    """A private, writable copy of the Stockton-on-Tees sample: the installed package is never modified."""
    home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "moderate"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    copy = home / "stockton-on-tees-2021.toml"
    if not copy.exists():
        write_text(copy, resources.files("moderate.sample_data").joinpath(copy.name).read_text(encoding="utf-8"))
    return copy, f"This is your own copy of the bundled Stockton-on-Tees sample: {copy}"


def _report(args) -> int:
    loaded = load(args.file)
    ratings = rate_inspection(loaded.inspection, loaded.framework)
    from .report import as_csv, as_json, as_markdown, as_text  # tabulate: for reports only, not the app

    if args.format == "json":
        print(json.dumps(as_json(loaded.inspection, loaded.framework, ratings), indent=2, ensure_ascii=False))
    else:
        render = {"text": as_text, "markdown": as_markdown, "csv": as_csv}[args.format]
        sys.stdout.write(render(loaded.inspection, loaded.framework, ratings))
    return 0


def _check(args) -> int:
    status = 0
    for path in args.files:
        try:
            loaded = load(path)
        except InspectionError as error:
            print(error, file=sys.stderr)
            status = REFUSED
        else:
            inspection = loaded.inspection
            print(f"{path}: ok ({len(inspection.standards)} standards, {len(inspection.cases)} cases)")
    return status


def _format(args) -> int:
    loaded = load(args.file)
    comments = comment_lines(loaded.text)
    text = dumps(loaded.inspection)
    if text.encode("utf-8") == args.file.read_bytes():  # bytes: a byte-order mark is not canonical
        print(f"{args.file}: already in the canonical layout")
        return 0
    if comments and not args.drop_comments:
        lines = ", ".join(map(str, comments[:10])) + (", ..." if len(comments) > 10 else "")
        print(f"{args.file}: has comments (lines {lines}) that the canonical layout drops; "
              "nothing written. Run again with --drop-comments to rewrite it anyway.", file=sys.stderr)
        return REFUSED
    # Changing nothing, it merges cleanly with whatever someone saved meanwhile, which it keeps.
    save_merging(args.file, loaded.text, loaded.inspection)
    print(f"{args.file}: rewritten in the canonical layout")
    return 0


def _new(args) -> int:
    if args.out.exists():
        print(f"{args.out}: already exists; nothing written", file=sys.stderr)
        return REFUSED
    loaded = parse_text(template(args.framework), f"the {args.framework} template")
    base = loaded.inspection
    counts = {}
    for part in args.cases.split(","):
        sample, _, number = part.partition("=")
        if sample.strip() not in base.samples or not number.strip().isdigit():
            print(f"moderate new: --cases {part!r}: give SAMPLE=N with SAMPLE one of {', '.join(base.samples)}",
                  file=sys.stderr)
            return REFUSED
        counts[sample.strip()] = int(number)
    cases = tuple(Case(id=f"{sample}-{i:02}", sample=sample) for sample, n in counts.items() for i in range(1, n + 1))
    inspection = replace(base, title=args.title, cases=cases)
    save(args.out, inspection)
    print(f"{args.out}: new {args.framework} inspection with {len(cases)} blank cases")
    return 0


def _merge_driver(args) -> int:
    base, ours, theirs = (_version(path, side) for path, side in
                          ((args.base, "base"), (args.ours, "ours"), (args.theirs, "theirs")))
    merged = merge(base, ours, theirs)
    inspection = merged.inspection
    if merged.conflicts:
        # Kept in the file itself, so whoever settles them sees what each side had.
        table = [conflict.as_table() for conflict in merged.conflicts]
        inspection = replace(inspection, extra={**inspection.extra, "merge_conflicts": table})
        for conflict in merged.conflicts:
            print(f"moderate merge-driver: conflict: {conflict}", file=sys.stderr)
    write_text(args.ours, dumps(inspection))
    return CONFLICTS if merged.conflicts else 0


def _version(path: Path, side: str) -> Inspection:
    try:
        return load(path).inspection
    except InspectionError as error:  # git passes temporary names: say which version is broken
        raise InspectionError(f"{side} version {path}", error.problems) from None


if __name__ == "__main__":
    sys.exit(main())
