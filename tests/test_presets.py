"""The presets speak HMIP's published words: every key question, prompt, statement, footnote,
table head and report sentence as the reports (or, for 2025, the programme) print it."""

from __future__ import annotations

import re
import tomllib

import pytest

from helpers.cli import moderate
from helpers.files import REPORTS
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
    "2.2.1": f"Does planning focus sufficiently on how to: {ENDINGS[0]}",
    "2.2.2": "Does planning focus sufficiently on how to: keep the child and community safe?",  # no second "the"
    **{
        f"2.3.{i}": f"Does the delivery of well-focused, personalised and co-ordinated services: {e}"
        for i, e in enumerate(ENDINGS, 1)
    },
    "V1.1": "Is work with victims high-quality, individualised and responsive?",
    "V1.2": "Do organisational arrangements and activity drive a high-quality, individualised and responsive "
    "service for victims?",
}


# The 2025 programme's statements and victims footnote, as the issue quotes its reports.
PUBLISHED_2025_WORDS = [
    "Assessing is well-informed and personalised, effectively analysing how to achieve positive change and keep "
    "children and the community safe.",
    "Planning is well-informed, holistic and personalised, focusing on how to achieve positive change and keep "
    "children and communities safe.",
    "High-quality, well-focused, personalised and coordinated services are delivered, achieving positive change and "
    "keeping children and communities safe.",
    "Work with victims is high-quality, individualised and responsive driving positive outcomes and safety for victims.",
    "The rating for the victims' standard is derived from the scores from case inspection for V 1.1 and the "
    "qualitative evidence for V 1.2.",
]

# Wording no report of the programme prints, checked against the other programme's reports.
BORROWED = {
    ("hmip-youth-2018", "wording not_counted"),  # Stockton-on-Tees had no resettlement standard
    ("hmip-youth-2025", "wording based_on"),
    ("hmip-youth-2025", "wording rating_note"),
}
# Wording of ours, for what no report we hold prints: the panel lowering a rating in 2018's
# words, and the panel's discretion in a footnote (2021 and 2025 reports printed none).
OURS = {
    ("hmip-youth-2018", "wording discretion_down"),
    *((f, f"wording discretion_{d}") for f in ("hmip-youth-2021", "hmip-youth-2025") for d in ("up", "down")),
}


def _normal(text: str) -> str:
    """Only apostrophes and whitespace are normalised (and a link shown as its words): every
    other character must match."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip()


def _fragments(template: str) -> list[str]:
    """A wording's words between its placeholders ('{service}', '{cases}'), each to be found printed."""
    return [part.strip() for part in re.split(r"\{[A-Za-z_]+\}", template) if len(part.strip()) > 3]


def _strings(preset: dict) -> list[tuple[str, str]]:
    """Every published string of a preset, as (where, text): a wording as its fragments."""
    found = []
    for standard in preset["standards"]:
        for key in ("statement", "rating_note", "head_note"):
            if key in standard:
                found.append((f"{standard['id']} {key}", standard[key]))
        found += [(f"{standard['id']} guidance", g) for g in standard.get("guidance", [])]
        for kq in standard.get("key_questions", []):
            for q in (kq, *kq.get("prompts", [])):
                found.append((q["id"], q["text"]))
                found += [(f"{q['id']} note", q["note"])] if "note" in q else []
                found += [(f"{q['id']} relevant_to", f"{q['relevant_to']}:")] if "relevant_to" in q else []  # a head
    wording = preset.get("wording", {})
    for key, value in wording.items():
        if isinstance(value, str) and key != "discretion":
            found += [(f"wording {key}", fragment) for fragment in _fragments(value)]
    for sample, said in wording.get("samples", {}).items():
        found += [(f"wording {sample} {key}", f) for key, value in said.items() for f in _fragments(value)]
    return found


@pytest.mark.parametrize("framework", sorted(REPORTS_OF))
def test_every_string_of_the_preset_is_printed_in_its_reports(framework):
    texts = []
    for name in REPORTS_OF[framework]:
        path = REPORTS / name
        assert path.exists(), f"published report missing: {path}"
        texts.append(_normal(path.read_text(encoding="utf-8")))
    strings = _strings(tomllib.loads(template(framework)))
    everywhere = [_normal((REPORTS / n).read_text(encoding="utf-8")) for names in REPORTS_OF.values() for n in names]
    differ = [
        f"{where}: {text}"
        for where, text in strings
        if (framework, where) not in OURS
        and not any(_normal(text) in t for t in (everywhere if (framework, where) in BORROWED else texts))
    ]
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
    for framework in (*REPORTS_OF, "hmip-youth-2025"):
        standards = tomllib.loads(template(framework))["standards"]
        assert all(s.get("statement") for s in standards), framework
    stockton = {s["id"]: s for s in tomllib.loads(template("hmip-youth-2018"))["standards"]}
    assert [len(stockton[i].get("guidance", [])) for i in ("1.1", "1.2", "1.3", "1.4")] == [3, 4, 3, 4]


def test_the_2025_key_questions_are_the_programmes_words():
    preset = tomllib.loads(template("hmip-youth-2025"))
    ours = {kq["id"]: kq["text"] for s in preset["standards"] for kq in s.get("key_questions", [])}
    assert ours == PUBLISHED_2025
    words = [s[key] for s in preset["standards"] for key in ("statement", "rating_note") if key in s]
    assert words == PUBLISHED_2025_WORDS
    # the programme publishes no figure for V 1.1: its rating rests on V 1.2's judgement as well
    assert [kq["id"] for s in preset["standards"] for kq in s["key_questions"] if kq.get("figure") is False] == ["V1.1"]
    everywhere = [_normal((REPORTS / n).read_text(encoding="utf-8")) for names in REPORTS_OF.values() for n in names]
    for where, text in _strings(preset):
        if where.startswith("wording") and ("hmip-youth-2025", where) not in OURS:
            assert any(_normal(text) in t for t in everywhere), (where, text)


@pytest.mark.subprocess
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
