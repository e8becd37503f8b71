"""The presets speak HMIP's published words: every key question, prompt, statement and
organisational-delivery question as the reports (or, for 2025, the programme) print it."""

from __future__ import annotations

import re
import tomllib

import pytest

from conftest import REPORTS, moderate
from moderate.frameworks import template

# The reports written under each framework.
REPORTS_OF = {
    "hmip-youth-2018": ["stockton-on-tees-2021.txt"],
    "hmip-youth-2021": ["county-durham-2022.txt", "northumberland-2023.txt"],
}

# The 2025 programme as quoted in the issue: a stem and its two endings, joined.
ENDINGS = ("achieve positive change for the child?", "keep the child and the community safe?")
PUBLISHED_2025 = {
    **{f"2.1.{i}": f"Does assessing sufficiently analyse how to: {e}" for i, e in enumerate(ENDINGS, 1)},
    **{f"2.2.{i}": f"Does planning focus sufficiently on how to: {e}" for i, e in enumerate(ENDINGS, 1)},
    **{
        f"2.3.{i}": f"Does the delivery of well-focused, personalised and co-ordinated services: {e}"
        for i, e in enumerate(ENDINGS, 1)
    },
    "V1.1": "Is work with victims high-quality, individualised and responsive?",
    "V1.2": "Do organisational arrangements and activity drive a high-quality, individualised and responsive "
    "service for victims?",
}


def _normal(text: str) -> str:
    """Only apostrophes and whitespace are normalised: every other character must match."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip()


def _strings(preset: dict) -> list[tuple[str, str]]:
    """Every published string of a preset, as (where, text)."""
    found = []
    for standard in preset["standards"]:
        if "statement" in standard:
            found.append((f"{standard['id']} statement", standard["statement"]))
        found += [(f"{standard['id']} guidance", g) for g in standard.get("guidance", [])]
        for kq in standard.get("key_questions", []):
            found += [(q["id"], q["text"]) for q in (kq, *kq.get("prompts", []))]
    return found


@pytest.mark.parametrize("framework", sorted(REPORTS_OF))
def test_every_string_of_the_preset_is_printed_in_its_reports(framework):
    texts = []
    for name in REPORTS_OF[framework]:
        path = REPORTS / name
        assert path.exists(), f"published report missing: {path}"
        texts.append(_normal(path.read_text(encoding="utf-8")))
    strings = _strings(tomllib.loads(template(framework)))
    differ = [f"{where}: {text}" for where, text in strings if not any(_normal(text) in t for t in texts)]
    assert not differ, "not printed in " + ", ".join(REPORTS_OF[framework]) + ":\n" + "\n".join(differ)
    # Each key question of a case-based standard is printed in every report of the framework.
    key_questions = [kq["text"] for s in tomllib.loads(template(framework))["standards"] for kq in s.get("key_questions", [])]
    absent = [
        f"{name}: {text}"
        for name, t in zip(REPORTS_OF[framework], texts, strict=True)
        for text in key_questions
        if _normal(text) not in t
    ]
    assert not absent, "\n".join(absent)


def test_the_presets_carry_statements_and_the_2018_organisational_questions():
    for framework in REPORTS_OF:
        standards = tomllib.loads(template(framework))["standards"]
        assert all(s.get("statement") for s in standards), framework
    stockton = {s["id"]: s for s in tomllib.loads(template("hmip-youth-2018"))["standards"]}
    assert [len(stockton[i].get("guidance", [])) for i in ("1.1", "1.2", "1.3", "1.4")] == [3, 4, 3, 4]


def test_the_2025_key_questions_are_the_programmes_words():
    preset = tomllib.loads(template("hmip-youth-2025"))
    ours = {kq["id"]: kq["text"] for s in preset["standards"] for kq in s.get("key_questions", [])}
    assert ours == PUBLISHED_2025


def test_a_new_inspection_carries_the_statements_and_questions_through_a_save(tmp_path):
    out = tmp_path / "new.toml"
    done = moderate("new", str(out), "--framework", "hmip-youth-2018", "--cases", "court=2,oocd=2")
    assert done.returncode == 0, done.stderr
    standards = {s["id"]: s for s in tomllib.loads(out.read_text(encoding="utf-8"))["standards"]}
    assert (
        standards["1.2"]["guidance"][2]
        == "Does the oversight of work support high-quality delivery and professional development?"
    )
    assert standards["2.2"]["statement"].startswith("Planning is well informed, holistic and personalised")
    assert moderate("check", str(out)).returncode == 0
