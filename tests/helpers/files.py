"""The files the tests read: the repository's samples, the published reports' copies, and
small inspections made to order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SAMPLES = REPO / "sample_data"
# HMIP's published reports and the figures transcribed from them, copied here so the tests
# never depend on a folder beside the clone; test_published checks the copies are exact.
REPORTS = REPO / "tests" / "data"
SHARED_REPORTS = REPO.parent / "shared" / "reports"
FIGURES = REPORTS / "published-figures.json"
PEOPLE = '[people]\nak = "inspector"\njb = "local assessor"\nmr = "inspector"\nqa = "quality lead"\nlead = "lead inspector"\n'


def published_reports() -> list[dict]:
    return json.loads(FIGURES.read_text(encoding="utf-8"))["reports"]


def inspection_text(
    answers: dict[str, list[str]], sample_size: int | None = None, extra: str = "", framework: str = "hmip-youth-2021"
) -> str:
    """A small inspection: one judgement standard (1.1, Good) and one case-based standard 2.1
    whose key questions are given as {question id: [answer per case, "" for unanswered]}."""
    size = sample_size or max(len(v) for v in answers.values())
    lines = [
        "format = 1",
        "",
        "[inspection]",
        'title = "Test"',
        f'framework = "{framework}"',
        "",
        "[samples]",
        'court = "Court disposals"',
        "",
        "[[standards]]",
        'id = "1.1"',
        'domain = "Organisational delivery"',
        'title = "Governance"',
        'rating = "Good"',
        "",
        "[[standards]]",
        'id = "2.1"',
        'domain = "Court disposals"',
        'title = "Assessment"',
        'sample = "court"',
        "",
    ]
    for question in answers:
        lines += ["[[standards.key_questions]]", f'id = "{question}"', f'text = "Question {question}?"', ""]
    for i in range(size):
        lines += ["[[cases]]", f'id = "C{i + 1:02}"', 'sample = "court"', "", "[cases.answers]"]
        for question, given in answers.items():
            if i < len(given) and given[i]:
                lines.append(f'"{question}" = "{given[i]}"')
        lines.append("")
    return "\n".join(lines) + extra


# TOML's 1, 1.0 and true are three values, as are two offsets of one instant; Python counts each
# pair equal. Keys the program does not know are carried as TOML read them, so a change of kind
# is a change like any other.
KINDS = {
    "flag": ("1", "true"),
    "weight": ("1", "1.0"),
    "zero": ("0.0", "-0.0"),
    "seen": ("2026-11-23T09:00:00Z", "2026-11-23T10:00:00+01:00"),
}


def with_unknown_keys(case_keys: dict[str, str], inspection_keys: dict[str, str]) -> str:
    """The small inspection with keys it does not know: in [inspection], and in case C02."""
    text = inspection_text({"2.1.1": ["yes", "yes", "no", "yes"]})
    text = text.replace('title = "Test"\n', 'title = "Test"\n' + "".join(f"{k} = {v}\n" for k, v in inspection_keys.items()))
    return text.replace('id = "C02"\n', 'id = "C02"\n' + "".join(f"{k} = {v}\n" for k, v in case_keys.items()))


def kinds_of(inspection) -> tuple[dict[str, str], dict[str, str]]:
    """The unknown keys' values in [inspection] and in case C02, each as its repr, which tells
    1, 1.0 and True apart, and an instant's offset."""
    case = next(c for c in inspection.cases if c.id == "C02")
    return {k: repr(v) for k, v in inspection.inspection_extra.items()}, {k: repr(v) for k, v in case.extra.items()}


def with_people(path: Path, people: str = PEOPLE) -> Path:
    """A sample (a copy: written in place) given a [people] table: roles for ak, jb, mr, qa and lead."""
    text = path.read_text(encoding="utf-8")
    marker = '[samples]\ncourt = "Court disposals"\noocd = "Out-of-court disposals"\n'
    assert marker in text
    path.write_text(text.replace(marker, f"{marker}\n{people}"), encoding="utf-8")
    return path


def generated(path: Path, cases: int) -> Path:
    """A large inspection made by the benchmark's generator, readable by its owner only."""
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_inspection.py"), str(path), "--cases", str(cases)],
        check=True,
        capture_output=True,
    )
    path.chmod(0o600)
    return path
