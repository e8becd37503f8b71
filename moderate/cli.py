"""The `moderate` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

# Each command imports what it uses, when it runs: a command (and --version, --help) starts
# without loading the app, or the other commands' modules.
if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from .model import Answer, Inspection
    from .reading import Loaded
    from .workspace import Workspace

REFUSED = 2  # the file (or the command) was refused; problems on stderr
CONFLICTS = 1  # merge-driver: merged, but with conflicts to settle (git then stops the merge)

SKIPPED = 1  # stats: counted, but some files could not be read (listed on stderr)

COMMANDS = ("report", "stats", "check", "format", "new", "answers", "import", "sample", "merge-driver")


def _parser(running: str | None = None) -> argparse.ArgumentParser:
    """The command line; `new`'s frameworks are read only when `new` is the command `running`."""
    from .model import FIELDWORK, PHASES

    parser = argparse.ArgumentParser(
        prog="moderate",
        usage="moderate [FILE.toml] [--as NAME] [--theme THEME]\n       moderate COMMAND ... (moderate COMMAND --help)",
        description="Moderate the case judgements of an HMIP inspection, and run its ratings panel.",
        epilog="moderate FILE.toml opens the inspection in the app; bare 'moderate' opens a copy of a bundled sample.",
    )
    _app_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="moderate")

    report = commands.add_parser("report", help="print the ratings of an inspection")
    report.add_argument("file", type=Path)
    report.add_argument(
        "--format",
        choices=("text", "json", "markdown", "csv"),
        default="text",
        help="text (default), json (the machine-readable report of format.md), "
        "markdown (tables as the published reports print them) or csv (one row per question)",
    )
    report.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")
    report.add_argument("--entries", action="store_true", help="with --format csv: the moderation log instead, one row per entry")

    stats = commands.add_parser(
        "stats",
        help="agreement and moderation over many inspections",
        description="Add up many inspections (files, or directories of .toml files): the agreement of first "
        "and second assessments (Cohen's kappa, Gwet's AC1, Krippendorff's alpha, each with its 95% interval) "
        "in all, by assessor and by question (framework and id), and how often moderation changed answers. "
        "Files that cannot be read are listed on stderr, with why, and skipped (exit 1). "
        "The cache of parsed files is left as it is.",
    )
    stats.add_argument("files", type=Path, nargs="+", metavar="FILE_OR_DIRECTORY")
    stats.add_argument("--format", choices=("text", "json", "markdown", "csv"), default="text")
    stats.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")
    stats.add_argument(
        "--by",
        choices=("question", "inspector", "moderator"),
        action="append",
        help="text: the moderation table(s) to print (default: question and inspector); may be repeated",
    )
    for command in (stats, report):
        _min_pairs(command)
        command.add_argument(
            "--coefficient",
            choices=("ac1", "kappa", "alpha"),
            default="ac1",
            help="text: the coefficient the agreement bars draw (default ac1, Gwet's AC1: stable where one answer dominates)",
        )
    report.add_argument(
        "--counts",
        action="store_true",
        help="markdown: print relevant cases, number 'Yes' and %% 'Yes' whatever the framework prints",
    )

    check = commands.add_parser("check", help="validate inspection files (exit 0 when all are valid, 2 if not)")
    check.add_argument("files", type=Path, nargs="+")

    fmt = commands.add_parser("format", help="rewrite a file in the canonical layout")
    fmt.add_argument("file", type=Path)
    fmt.add_argument(
        "--drop-comments", action="store_true", help="rewrite even though the file has comments, which the canonical layout drops"
    )

    frameworks = _frameworks() if running == "new" else {}
    new = commands.add_parser(
        "new",
        help="start a new inspection from a framework's template",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="the samples of each framework, for --cases:\n" + "\n".join(f"  {line}" for line in frameworks.values()),
    )
    new.add_argument("out", type=Path)
    new.add_argument("--framework", required=True, choices=list(frameworks))
    new.add_argument("--cases", metavar="SAMPLE=N,...", help="blank cases to create in each sample (below), e.g. court=8,oocd=12")
    new.add_argument(
        "--cases-from", type=Path, metavar="CASES.csv", help="cases from a table with the columns id,sample,label,inspector"
    )
    new.add_argument("--title", default="New inspection")
    new.add_argument("--lead", help="the lead inspector")
    new.add_argument("--fieldwork", type=_date, metavar="YYYY-MM-DD", help="the first day of fieldwork")

    answers = commands.add_parser("answers", help="print the answers as a CSV table, one row per case")
    answers.add_argument("file", type=Path)
    answers.add_argument("--sample", help="only this sample's cases and questions")
    answers.add_argument(
        "--readable",
        action="store_true",
        help="for the person filling it in: each case's label and assessor, and each question's words after its id "
        "(import reads it back)",
    )

    imports = commands.add_parser(
        "import",
        help="set answers from a CSV table (as 'answers' prints it, or case,question,answer)",
        description="Set the answers a CSV table gives; empty cells leave an answer as it is. Cells are separated "
        "by commas, semicolons or tabs; answers are yes (y, true), no (n, false) or n/a (na), in any case; a "
        "column that is no question (Notes) is passed over, saying so. The table is "
        "checked whole first: any problem (each located by row and column) refuses it all, "
        "exit 2, and the inspection is untouched. The save is the app's: locked, merging, logged.",
    )
    imports.add_argument("file", type=Path)
    imports.add_argument("table", type=Path)
    imports.add_argument("--as", dest="user", default=_user(), help="who is importing, for the moderation log")
    imports.add_argument(
        "--reason",
        help="the reason logged for every answer the import changes (required when the inspection has reasons_required)",
    )
    imports.add_argument(
        "--second",
        action="store_true",
        help="the table is the --as NAME's independent second assessment of its cases: kept beside the first "
        "answers, never in their place, and never rewritten",
    )

    sample = commands.add_parser(
        "sample",
        help="choose cases for the dip sample (quality assurance), stratified by assessor and sample",
        description="Add cases to the dip sample, chosen at random and stratified by assessor and by sample "
        "so that each is represented in proportion; reproducible: the same seed on the same file chooses the "
        "same cases. Cases already sampled count towards the size; withdrawn ones are never drawn again. "
        "Recorded in the file (who, when, phase, method, seed), append-only; saved as the app saves.",
    )
    sample.add_argument("file", type=Path)
    size = sample.add_mutually_exclusive_group()
    size.add_argument("--per-inspector", type=_count, metavar="K", help="K cases of each assessor (all of theirs if fewer)")
    size.add_argument("--total", type=_count, metavar="N", help="N cases in all, every assessor represented where N allows")
    sample.add_argument(
        "--seed", type=_count, metavar="S", help="the seed of the random draw (default: one drawn, printed and recorded)"
    )
    sample.add_argument(
        "--risk",
        action="store_true",
        help="first add the pivotal cases: those whose one changed answer would move a standard flagged for discretion",
    )
    sample.add_argument("--phase", choices=PHASES, default=FIELDWORK, help="when the sample is checked (default: fieldwork)")
    sample.add_argument("--as", dest="user", default=_user(), help="who is choosing, for the record")
    sample.add_argument("--json", action="store_true", help="print a JSON object: cases (the ids chosen) and seed")

    driver = commands.add_parser(
        "merge-driver",
        help="git's merge driver for inspection files (see the README)",
        description="Merge two versions of an inspection answer by answer; git runs it as "
        "'moderate merge-driver %O %A %B'. Writes the result to OURS; exit 0 when merged "
        "cleanly, 1 on conflicts (listed in OURS under [[merge_conflicts]] and on stderr), "
        "2 when a version is not a valid inspection.",
    )
    driver.add_argument("base", type=Path, help="the common ancestor (%%O)")
    driver.add_argument("ours", type=Path, help="our version, replaced by the merge (%%A)")
    driver.add_argument("theirs", type=Path, help="their version (%%B)")
    return parser


def _frameworks() -> dict[str, str]:
    """Each framework's name, with its samples worded for `new --help`."""
    from . import words
    from .frameworks import PRESETS, template_samples

    return {name: words.samples_of(name, template_samples(name)) for name in sorted(PRESETS)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        return _app(argv)
    from .shown import guarded_output

    with guarded_output():  # every command's words, and what it quotes from files, go out shown
        return _command(_parser(argv[0]).parse_args(argv))


def _command(args: argparse.Namespace) -> int:
    from .people import UnknownPerson
    from .reading import InspectionError

    try:
        commands = {
            "report": _report,
            "stats": _stats,
            "check": _check,
            "format": _format,
            "new": _new,
            "answers": _answers,
            "import": _import,
            "sample": _sample,
            "merge-driver": _merge_driver,
        }
        return commands[args.command](args)
    except InspectionError as error:
        print(error, file=sys.stderr)
        return REFUSED
    except UnknownPerson as stranger:
        print(f"moderate {args.command}: {args.file}: {stranger}", file=sys.stderr)
        return REFUSED
    except Exception as error:
        if not _save_refused(error):
            raise
        print(error, file=sys.stderr)
        return REFUSED


def _save_refused(error: Exception) -> bool:
    """A `storage.SaveError`: only a command that saves raises one, having imported storage, so a
    command that does not (check, report) never imports it for this."""
    storage = sys.modules.get(f"{__package__}.storage")
    return storage is not None and isinstance(error, storage.SaveError)


def _app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="moderate",
        description="Open an inspection in the moderation app.",
        epilog=f"Other commands: {', '.join(COMMANDS)} (moderate COMMAND --help).",
    )
    parser.add_argument("file", type=Path, nargs="?", help="the inspection (default: a copy of a bundled sample)")
    _app_options(parser)
    args = parser.parse_args(argv)
    from . import collector

    drawn = collector.held()  # start-up leaves little garbage: collected once the first screen is drawn
    # A save's thread parses and merges in Python beside the screen: every hand-over of the
    # GIL to a key (from the input thread, to the loop, back after each write) waited up to
    # the default 5 ms; at 1 ms a key answers sooner while the save runs.
    sys.setswitchinterval(0.001)
    path, note = (args.file, None) if args.file else _sample_copy()
    from .journal import JournalInUse
    from .people import UnknownPerson
    from .reading import InspectionError
    from .screens.app import ModerateApp
    from .screens.ascii import wanted
    from .shown import guarded_output
    from .workspace import Opening

    with guarded_output():  # the app draws its own screen, on the terminal itself, after this
        try:
            app = ModerateApp(
                Opening.of(path, args.user),
                theme=args.theme,
                note=note,
                drawn=drawn,
                second=args.second,
                ascii=wanted(args.ascii),
            )
        except InspectionError as error:
            print(error, file=sys.stderr)
            return REFUSED
        except JournalInUse as busy:
            print(f"moderate: {busy}", file=sys.stderr)
            return REFUSED
        except UnknownPerson as stranger:
            print(f"moderate: {path}: {stranger}", file=sys.stderr)
            return REFUSED
    app.run()
    return app.return_code or 0


def _app_options(parser: argparse.ArgumentParser) -> None:
    """The app's options, named in the top-level help as well as taken by the app."""
    parser.add_argument(
        "--as", dest="user", metavar="NAME", default=_user(), help="who is moderating, for the moderation log (default: $USER)"
    )
    parser.add_argument("--theme", help="a Textual theme, e.g. ansi-dark, textual-light, moderate-high-contrast")
    parser.add_argument(
        "--ascii",
        action="store_true",
        help="draw in ASCII only (y n - . for the answers), for a terminal whose font lacks the symbols; "
        "the default where TERM is linux or vt100",
    )
    parser.add_argument(
        "--second",
        metavar="CASE",
        help="begin (or go back to) your blind second assessment of CASE: its first answers, figures and flags "
        "are not shown until you finish it",
    )
    parser.add_argument("--version", action="version", version=f"moderate {__version__}")


def _min_pairs(command: argparse.ArgumentParser) -> None:
    from .coefficients import MIN_PAIRS

    command.add_argument(
        "--min-pairs",
        type=_at_least_two,
        default=MIN_PAIRS,
        metavar="N",
        help=f"the fewest first-against-second pairs a coefficient is given on (default {MIN_PAIRS}, at least 2)",
    )


def _at_least_two(text: str) -> int:
    if not text.isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of pairs, 2 or more")
    return int(text)


def _user() -> str:
    if os.environ.get("USER"):
        return os.environ["USER"]
    import getpass

    return getpass.getuser()


def _date(text: str) -> dt.date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give YYYY-MM-DD") from None


def _sample_copy() -> tuple[Path, str]:
    """A private, writable copy of the Stockton-on-Tees sample: the installed package is never modified."""
    from importlib import resources

    from .storage import write_text

    home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "moderate"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    copy = home / "stockton-on-tees-2021.toml"
    if not copy.exists():
        write_text(copy, resources.files("moderate.sample_data").joinpath(copy.name).read_text(encoding="utf-8"))
    return copy, f"This is your own copy of the bundled Stockton-on-Tees sample: {copy}"


def _report(args: argparse.Namespace) -> int:
    from .reading import load
    from .report import as_csv, as_json, as_markdown, as_text
    from .rules import rate_inspection
    from .shown import json_text

    loaded = load(args.file)
    ratings = rate_inspection(loaded.inspection, loaded.framework)

    if args.entries and args.format != "csv":
        print("moderate report: --entries goes with --format csv", file=sys.stderr)
        return REFUSED
    if args.entries:
        from .audit import entries_csv

        sys.stdout.write(entries_csv(loaded.inspection))
    elif args.format == "json":
        report = as_json(loaded.inspection, loaded.framework, ratings, args.min_pairs)
        print(json_text(report))
    else:
        if args.format == "markdown":
            text = as_markdown(loaded.inspection, loaded.framework, ratings, args.counts, args.min_pairs)
        elif args.format == "text":  # the terminal's width (COLUMNS first), 80 when it has none or less
            import shutil

            width = shutil.get_terminal_size().columns
            text = as_text(loaded.inspection, loaded.framework, ratings, width, args.min_pairs, args.coefficient)
        else:
            text = as_csv(loaded.inspection, loaded.framework, ratings)
        sys.stdout.write(text)
    return 0


def _stats(args: argparse.Namespace) -> int:
    from .shown import json_text
    from .stats import gathered, stats_csv, stats_json, stats_markdown, stats_text

    inspections = gathered(args.files)
    for error in inspections.skipped:
        print(f"moderate stats: skipped: {error}", file=sys.stderr)
    if args.format == "json":
        print(json_text(stats_json(inspections, args.min_pairs)))
    elif args.format == "markdown":
        sys.stdout.write(stats_markdown(inspections, args.min_pairs))
    elif args.format == "csv":
        sys.stdout.write(stats_csv(inspections, args.min_pairs))
    else:
        sys.stdout.write(stats_text(inspections, args.by or ("question", "inspector"), args.min_pairs, args.coefficient))
    return SKIPPED if inspections.skipped else 0


def _check(args: argparse.Namespace) -> int:
    from . import people, words
    from .conflicts import leftover_conflicts
    from .reading import InspectionError, load
    from .shown import doubts
    from .trail import breaks

    status = 0
    for path in args.files:
        try:
            loaded = load(path)
        except InspectionError as error:
            print(error, file=sys.stderr)
            status = REFUSED
            continue
        inspection = loaded.inspection
        # Until a merge's conflicts are settled the log may not end where the file does yet.
        left = leftover_conflicts(inspection)
        broken = [] if left else breaks(inspection)
        for problem in [left] if left else [f"the moderation log disagrees with the file: {words.log_break(b)}" for b in broken]:
            print(f"{path}: {problem}", file=sys.stderr)
        if broken:
            print(f"{path}: {words.LOG_BREAK_REMEDY}", file=sys.stderr)
        for doubt in (*doubts(inspection), *_ineligible(loaded), *people.warnings(inspection), *_inconsistent(inspection)):
            print(f"{path}: warning: {doubt}", file=sys.stderr)
        if left or broken:
            status = REFUSED
        else:
            print(f"{path}: ok ({len(inspection.standards)} standards, {len(inspection.cases)} cases)")
    return status


def _inconsistent(inspection: Inspection) -> list[str]:
    """Key questions whose answers disagree with their prompts' (`consistency`): doubts, not faults."""
    from . import words
    from .consistency import inconsistencies

    return [words.doubt(i.case, i.question, i.problem) for i in inconsistencies(inspection.standards, inspection.cases)]


def _ineligible(loaded: Loaded) -> list[str]:
    from .rules import rate_inspection

    ratings = rate_inspection(loaded.inspection, loaded.framework)
    return [
        f"discretion on {r.id} ({r.decision.computed} → {r.decision.rating}, by {r.decision.by}) stands, "
        "but the standard is not eligible for discretion: the panel's rating is shown as such"
        for r in ratings.standards.values()
        if r.ineligible and r.decision is not None
    ]


def _format(args: argparse.Namespace) -> int:
    from .reading import load, read_file
    from .storage import save_merging
    from .writing import comment_lines, dumps

    loaded = load(args.file)
    comments = comment_lines(loaded.text)
    text = dumps(loaded.inspection)
    if text.encode("utf-8") == read_file(args.file):  # bytes: a byte-order mark is not canonical
        print(f"{args.file}: already in the canonical layout")
        return 0
    if comments and not args.drop_comments:
        lines = ", ".join(map(str, comments[:10])) + (", ..." if len(comments) > 10 else "")
        print(
            f"{args.file}: has comments (lines {lines}) that the canonical layout drops; "
            "nothing written. Run again with --drop-comments to rewrite it anyway.",
            file=sys.stderr,
        )
        return REFUSED
    # Changing nothing, it merges cleanly with whatever someone saved meanwhile, which it keeps.
    save_merging(args.file, loaded.text, loaded.inspection)
    print(f"{args.file}: rewritten in the canonical layout")
    return 0


def _new(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from . import words
    from .answer_table import read_cases, read_table
    from .frameworks import template
    from .model import Case
    from .reading import parse_text
    from .storage import save
    from .writing import dumps

    if args.out.exists():
        print(f"{args.out}: already exists; nothing written", file=sys.stderr)
        return REFUSED
    if not args.cases and not args.cases_from:
        print("moderate new: give --cases SAMPLE=N,... or --cases-from CASES.csv (or both)", file=sys.stderr)
        return REFUSED
    loaded = parse_text(template(args.framework), f"the {args.framework} template")
    base = loaded.inspection
    cases = read_cases(read_table(args.cases_from), dict(base.samples), str(args.cases_from)) if args.cases_from else []
    counts = {}
    for part in (args.cases or "").split(",") if args.cases else ():
        sample, _, number = part.partition("=")
        if sample.strip() not in base.samples or not number.strip().isdigit():
            print(f"moderate new: {words.unknown_sample(part, args.framework, dict(base.samples))}", file=sys.stderr)
            return REFUSED
        counts[sample.strip()] = int(number)
    cases += [Case(id=f"{sample}-{i:02}", sample=sample) for sample, n in counts.items() for i in range(1, n + 1)]
    inspection = replace(base, title=args.title, cases=tuple(cases), lead_inspector=args.lead, fieldwork_start=args.fieldwork)
    parse_text(dumps(inspection), str(args.out))  # refuses what the reader would (a case id given twice)
    try:
        save(args.out, inspection)
    except OSError as error:  # no such directory, or not ours to write in
        print(f"{args.out}: cannot be written ({(error.strerror or str(error)).lower()}); nothing written", file=sys.stderr)
        return REFUSED
    print(f"{args.out}: new {args.framework} inspection with {len(cases)} cases")
    return 0


def _answers(args: argparse.Namespace) -> int:
    from .answer_table import write_answers
    from .reading import load

    inspection = load(args.file).inspection
    if args.sample is not None and args.sample not in inspection.samples:
        print(f"moderate answers: no sample {args.sample!r} (samples: {', '.join(inspection.samples)})", file=sys.stderr)
        return REFUSED
    sys.stdout.write(write_answers(inspection, args.sample, args.readable))
    return 0


def _import(args: argparse.Namespace) -> int:
    from . import collector
    from .answer_table import read_answers, read_table

    data = read_table(args.table)
    if args.second:
        return _import_second(args, data)
    workspace = _open(args, "import")
    if workspace is None:
        return REFUSED
    try:
        notes: list[str] = []
        with collector.paused():  # a table of 100,000 answers makes as many records, none in a cycle
            given = read_answers(data, workspace.loaded.inspection, str(args.table), notes)
            del data
            _passed_over(args.table, notes)
            return _set_answers(workspace, given, args)
    finally:
        workspace.close(keep_unsaved=False)  # nothing kept but what was saved: the table is still there


def _passed_over(table: Path, notes: list[str]) -> None:
    """What a table gives that is no answer (a Notes column), said once: passed over, never refused."""
    for note in notes:
        print(f"moderate import: {table}, {note}", file=sys.stderr)


def _open(args: argparse.Namespace, command: str) -> Workspace | None:
    """The file open as the app opens it (`--as`, its journal), to change and save; None, said
    why, when its user has unsaved work in it waiting."""
    from .journal import JournalInUse
    from .workspace import Workspace

    try:
        return Workspace.open(args.file, args.user)
    except JournalInUse as busy:
        print(f"moderate {command}: {busy}; open the file in the app to settle it first", file=sys.stderr)
        return None


def _set_answers(workspace: Workspace, given: dict[str, Mapping[str, Answer]], args: argparse.Namespace) -> int:
    from . import words
    from .importing import set_answers
    from .session import ReasonRequired

    session = workspace.session  # who imports, and when: the session is left as opened, as nothing goes on from the save
    told = sum(map(len, given.values()))
    try:
        done = set_answers(workspace.loaded.inspection, given, session.user, session.clock(), args.reason)
    except ReasonRequired as refused:
        print(f"moderate import: {args.file}: {refused}; give one with --reason. Nothing imported.", file=sys.stderr)
        return REFUSED
    given.clear()  # the table's answers are not kept through the save beside the file's
    if done.answers:
        outcome = workspace.save_last(done.inspection)
        if outcome.conflicts:
            print(
                f"moderate import: {args.file} was saved by someone else meanwhile, changing the same answers; "
                "nothing imported. Import again.",
                file=sys.stderr,
            )
            return REFUSED
    print(
        f"{args.file}: {words.counted(done.answers, 'answer')} set "
        f"({words.counted(done.first, 'first answer')}, {done.answers - done.first} changed), "
        f"{told - done.answers} as they were"
    )
    return 0


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, 0 or more")
    return int(text)


def _sample(args: argparse.Namespace) -> int:
    import secrets
    from collections import Counter

    from . import words
    from .dip_sample import Target
    from .qa import in_sample
    from .sampling import draw
    from .shown import json_text

    if args.per_inspector is None and args.total is None and not args.risk:
        print("moderate sample: give --per-inspector K, --total N or --risk (or --risk with either)", file=sys.stderr)
        return REFUSED
    target = None if args.per_inspector is None and args.total is None else Target(args.per_inspector, args.total)
    seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
    workspace = _open(args, "sample")
    if workspace is None:
        return REFUSED
    try:
        session = workspace.session
        session.listen(None)  # saved at once: the file is the record
        drawn = draw(session, target, seed, args.phase, args.risk)
        if drawn.cases and workspace.save().conflicts:
            print(f"moderate sample: {args.file}: the merged file would be refused; nothing chosen", file=sys.stderr)
            return REFUSED
        now = workspace.session
    finally:
        workspace.close(keep_unsaved=False)
    if args.json:
        print(json_text({"cases": list(drawn.cases), "seed": seed}))
    else:
        assessor = {case.id: case.inspector or "" for case in now.cases.values()}
        held = Counter(dict.fromkeys(assessor.values(), 0))  # every assessor, in file order
        held.update(assessor[case] for case in in_sample(now.dip_sample))
        groups = {words.pivotal_method(of): [c for c in drawn.pivotal if drawn.pivotal[c] == of] for of in drawn.pivotal.values()}
        if drawn.random and target is not None:
            groups[words.sample_method(target.per_assessor, target.total, seed)] = list(drawn.random)
        chosen = {method: [f"{c} ({assessor[c] or 'no assessor'})" for c in cases] for method, cases in groups.items()}
        text = words.sample_drawn(str(args.file), chosen, seed, args.seed is None, args.phase, held)
        sys.stdout.write(text)
    return 0


def _import_second(args: argparse.Namespace, data: bytes) -> int:
    """A second assessment from a table: saved as the app saves (locked, merging), nothing logged,
    since no answer of the case changes."""
    from dataclasses import replace

    from . import people, words
    from .answer_table import read_second_answers
    from .model import SecondAssessment
    from .reading import load
    from .session import now
    from .storage import save_merging

    if args.reason is not None:
        print("moderate import: --reason goes with changed answers; a second assessment changes none", file=sys.stderr)
        return REFUSED
    loaded = load(args.file)
    people.check_user(loaded.inspection, args.user)  # UnknownPerson, said as import says it
    notes: list[str] = []
    given = read_second_answers(data, loaded.inspection, str(args.table), args.user, notes)
    _passed_over(args.table, notes)
    if not given:
        print(f"moderate import: {args.table} gives no answers: nothing imported", file=sys.stderr)
        return REFUSED
    at = now()
    cases = tuple(
        replace(case, second_assessments=(*case.second_assessments, SecondAssessment(args.user, at, given[case.id], at)))
        if case.id in given
        else case
        for case in loaded.inspection.cases
    )
    saved = save_merging(args.file, loaded.text, replace(loaded.inspection, cases=cases), base=loaded.inspection)
    if saved.conflicts:
        print(
            f"moderate import: {args.file} was saved by someone else meanwhile, changing the same second assessments; "
            "nothing imported. Import again.",
            file=sys.stderr,
        )
        return REFUSED
    answers = sum(len(answers) for answers in given.values())
    print(f"{args.file}: {words.second_imported(args.user, len(given), answers)}")
    return 0


def _merge_driver(args: argparse.Namespace) -> int:
    from .conflicts import kept_in
    from .merge import merge
    from .storage import write_text
    from .writing import comment_lines, dumps

    base, ours, theirs = (
        _version(path, side) for path, side in ((args.base, "base"), (args.ours, "ours"), (args.theirs, "theirs"))
    )
    for side, loaded in (("ours", ours), ("theirs", theirs)):
        comments = comment_lines(loaded.text)
        if comments:  # as format does: the canonical layout would drop them, so git is left to merge by hand
            lines = ", ".join(map(str, comments[:10])) + (", ..." if len(comments) > 10 else "")
            print(
                f"moderate merge-driver: {side} has comments (lines {lines}) that a merged file would drop; "
                f"nothing written: merge this file by hand",
                file=sys.stderr,
            )
            return CONFLICTS
    merged = merge(base.inspection, ours.inspection, theirs.inspection)
    inspection = merged.inspection
    if merged.conflicts:
        inspection = kept_in(inspection, merged.conflicts)
        for conflict in merged.conflicts:
            print(f"moderate merge-driver: conflict: {conflict}", file=sys.stderr)
    write_text(args.ours, dumps(inspection))
    return CONFLICTS if merged.conflicts else 0


def _version(path: Path, side: str) -> Loaded:
    from .reading import InspectionError, load

    try:
        return load(path)
    except InspectionError as error:  # git passes temporary names: say which version is broken
        raise InspectionError(f"{side} version {path}", error.problems) from None


if __name__ == "__main__":
    sys.exit(main())
