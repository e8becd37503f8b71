"""Write the three sample inspections in sample_data/ from the published HMIP reports.

Reads ../shared/reports/published-figures.json (relative to the repo root) and the
preset templates in moderate/presets/, and writes sample_data/county-durham-2022.toml,
stockton-on-tees-2021.toml and northumberland-2023.toml. Each file has the standards,
key questions and prompts of its preset, the published ratings of the judgement
standards, and one pseudonymous [[cases]] entry per inspected case, answered so that
every key question (and every Stockton-on-Tees prompt) has exactly the published
number of "yes" and of relevant (yes + no) cases.

The cases themselves are invented: disposal types follow each report's description
of its sample; which cases answer "no" is drawn from a made-up quality score per case
(weaker cases collect more "no"s), and "n/a" goes where the report says a question
only applies to some cases. Deterministic: the same inputs always give the same files.

Usage: python tools/make_sample_data.py
"""

import json
import random
import tomllib
from datetime import date, datetime, timezone
from pathlib import Path

import sys

REPO = Path(__file__).resolve().parent.parent
FIGURES = REPO.parent / "shared" / "reports" / "published-figures.json"
PRESETS = REPO / "moderate" / "presets"
OUT = REPO / "sample_data"

sys.path.insert(0, str(REPO))
from moderate.reading import from_document  # noqa: E402  (validates, as any file we write)
from moderate.writing import dumps  # noqa: E402

RO, YRO, DTO = "Referral order", "Youth rehabilitation order", "Detention and training order"
YCC, YC = "Youth conditional caution", "Youth caution"
CR, TRIAGE, OTHER = "Community resolution", "Triage", "Other out-of-court disposal"

# Each disposal type as the reports count it (`disposal`, singular).
DISPOSAL = {
    RO: "community sentence",
    YRO: "community sentence",
    DTO: "custodial sentence",
    YCC: "youth conditional caution",
    YC: "youth caution",
    CR: "community resolution",
    TRIAGE: "triage case",
    OTHER: "other disposal",
}
RATING_NOTE_2021 = (
    "The rating for the standard is driven by the lowest score on each of the key questions, which is placed "
    "in a rating band, indicated in bold in the table. A more detailed explanation is available in the data annexe."
)

# Stockton-on-Tees prints sub-samples. The cases each question is relevant to, where
# that is fewer than the whole sample (any other question is relevant to every case):
_C = ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08"]
_VICTIM = ["C01", "C02", "C04", "C05", "C06", "C07"]  # court cases with an identifiable victim
_O_VICTIM = ["O01", "O02", "O03", "O04"]  # out-of-court cases with a victim
_SAFETY = ["O01", "O02", "O03", "O04"]  # safety and wellbeing concerns
_HARM = ["O01", "O02", "O04"]  # factors related to harm to others


def _each(questions, cases):
    return {q: cases for q in questions.split()}


STOCKTON_RELEVANT = {
    "2.1.1.d": ["C02", "C04", "C06", "C07"],  # structural barriers (footnote 9)
    **_each("2.1.1.f 2.2.1.e 2.2.3.c", _VICTIM),
    "2.2.3.b": [c for c in _C if c not in ("C05", "C08")],  # no other agency involved
    "2.3.1.g": ["C02"],  # enforcement needed once (footnote 16)
    "2.3.2.b": [c for c in _C if c != "C05"],
    "2.3.3.b": [c for c in _C if c != "C03"],  # C08: potential victims only
    "2.3.3.c": [c for c in _C if c != "C05"],
    # reviewing only where factors changed (footnote 18); nothing changed in C03
    **_each("2.4.1 2.4.1.a 2.4.1.b 2.4.1.c 2.4.1.d", ["C01", "C02", "C04", "C06", "C07"]),
    **_each("2.4.2 2.4.2.a 2.4.2.c", [c for c in _C if c != "C03"]),
    "2.4.2.b": ["C01", "C02", "C04", "C06", "C07"],  # two cases needed no agency input
    **_each("2.4.3 2.4.3.a 2.4.3.b 2.4.3.c", ["C02", "C04", "C06", "C07"]),
    "2.4.3.d": ["C02", "C04", "C06"],  # one case needed no adjustment
    "3.1.1.d": ["O01", "O02", "O03"],  # table prints 3 (footnote 20 says four)
    **_each("3.1.1.f 3.2.1.f", _O_VICTIM),
    **_each("3.1.3.b 3.3.2.b", _HARM),
    **_each("3.2.2 3.2.2.a 3.2.2.b 3.2.2.c 3.3.2 3.3.2.a", _SAFETY),
    **_each("3.2.3 3.2.3.a 3.2.3.b 3.2.3.c 3.2.3.d 3.3.3 3.3.3.a 3.3.3.b", _HARM),
    # O05 (triage) was decided without a YOT recommendation
    **_each("3.4.1.a 3.4.1.b 3.4.1.c 3.4.1.e 3.4.1.f", ["O01", "O02", "O03", "O04"]),
    **_each("3.4.2 3.4.2.a 3.4.2.b", ["O01"]),  # youth conditional caution only
}

# Per sample, each case as (disposal type, made-up quality of its work: 1 weak .. 9 strong).
SAMPLES = {
    "stockton-on-tees-2021": {
        "report": "stockton-on-tees-2021.txt",
        "framework": "hmip-youth-2018",
        "court": [(RO, 7), (YRO, 8), (RO, 9), (YRO, 4), (RO, 8), (DTO, 3), (YRO, 6), (RO, 9)],
        "oocd": [(YCC, 7), (YC, 8), (TRIAGE, 4), (TRIAGE, 6), (TRIAGE, 9)],
        "inspectors": ["ak", "jb", "mr"],
        "relevant": STOCKTON_RELEVANT,
        # "Management oversight was effective in every inspected case"; case managers
        # interviewed in all eight court cases and four of the five out-of-court ones.
        "oversight": 13,
        "interviewed": {"court": 8, "oocd": 4},
        "service": "YOS",
        # its out-of-court sample is "managed by the YOT", its court sample "by the YOS"
        "wording": {
            "samples": {
                "oocd": {
                    "cases": "We inspected {cases} managed by the YOT that had received an out-of-court disposal. "
                    "These consisted of {disposals}."
                }
            }
        },
        # footnotes on prompts that only this report prints
        "notes": {
            "2.1.1.d": "Structural barriers were identified in four of eight cases",
            "2.3.1.g": "Enforcement action was required in one out of eight cases",
            "3.1.1.d": "Structural barriers were identified in four cases",
        },
        "discretion": [
            {
                "standard": "2.2",
                "computed": "Requires improvement",
                "rating": "Good",
                "by": "lead",
                "at": datetime(2020, 9, 24, 16, 0, tzinfo=timezone.utc),
                "reason": "Only planning for the child's safety fell short (5 of 8), mainly on contingency "
                "arrangements; desistance planning met the standard in every case and planning "
                "to keep other people safe was good, so 'Good' better reflects the planning seen.",
            }
        ],
    },
    "county-durham-2022": {
        "report": "county-durham-2022.txt",
        "framework": "hmip-youth-2021",
        "court": [
            (RO, 8),
            (YRO, 5),
            (RO, 7),
            (YRO, 3),
            (RO, 9),
            (YRO, 6),
            (RO, 4),
            (YRO, 8),
            (RO, 7),
            (YRO, 2),
            (RO, 6),
            (YRO, 9),
            (RO, 5),
        ],
        "oocd": [(YCC, 4), (YCC, 6), (YC, 7), (YC, 3), (YC, 8)]
        + [(CR, q) for q in (9, 5, 2, 7, 4, 8, 3, 6, 5, 9, 2, 6)]
        + [(OTHER, 4), (OTHER, 7), (OTHER, 3)],
        "resettlement": [(DTO, 6), (DTO, 8), (DTO, 7)],  # three cases 'to illustrate' 4.1, not rated
        "inspectors": ["ak", "jb", "mr", "sp", "tw"],
        "oversight": 13,  # "management oversight was effective in only 13 out of 36 cases"
        "interviewed": {"court": 13, "oocd": 20, "resettlement": 3},  # "36 interviews with case managers"
        "service": "YJS",
        "wording": {
            "rating_note": RATING_NOTE_2021,
            "disposals": {"youth conditional caution": "youth conditional cautions – requiring statutory interventions"},
        },
        # 3.3's footnote alone points to the data "annex"
        "standards": {"3.3": {"rating_note": RATING_NOTE_2021.replace("data annexe", "data annex")}},
    },
    "northumberland-2023": {
        "report": "northumberland-2023.txt",
        "framework": "hmip-youth-2021",
        "court": [(RO, 8), (YRO, 6), (RO, 9), (YRO, 4), (RO, 7), (YRO, 9)],
        "oocd": [(YCC, 7), (YCC, 9), (CR, 8), (CR, 9), (CR, 5), (CR, 8), (CR, 9), (CR, 6), (CR, 9)],
        "inspectors": ["jb", "lh", "sp"],
        "interviewed": {"court": 6, "oocd": 9},  # "We also conducted 15 interviews with case managers."
        "service": "YJS",
        # its resettlement footnote alone names the "YOS"
        "wording": {"not_counted": "The rating for {domain} does not influence the overall YOS rating."},
        # 4.1 was not rated: the report prints neither its statement nor a rating
        "standards": {"4.1": {"statement": None}},
    },
}


def targets(report):
    """Question id -> (yes, relevant) as published."""
    out = {}
    for s in report["standards"]:
        for k in s["key_questions"]:
            kid = f"{s['id']}.{k['kq_index']}"
            out[kid] = (k["effective"]["yes"], k["effective"]["denominator"])
            for i, p in enumerate(k.get("prompt_group", {}).get("prompts", [])):
                out[f"{kid}.{chr(97 + i)}"] = (p["yes"], p["relevant"])
    return out


def answer(name, qid, pool, relevant, yes, parent=None):
    """Set case answers for one question: "no" to the weakest relevant cases
    (those already "no" on the parent key question first), "n/a" to the irrelevant."""
    rng = random.Random(f"{name}/{qid}")
    jitter = {c["id"]: rng.uniform(-2, 2) for c in pool}
    ranked = sorted(relevant, key=lambda c: (parent is not None and c["answers"][parent] != "no", c["quality"] + jitter[c["id"]]))
    nos = {c["id"] for c in ranked[: len(relevant) - yes]}
    rel = {c["id"] for c in relevant}
    for c in pool:
        c["answers"][qid] = "n/a" if c["id"] not in rel else "no" if c["id"] in nos else "yes"


def case_facts(name, spec, cases):
    """Management oversight sufficient in the published number of cases (the strongest ones),
    and the case managers interviewed in the published number per sample (the first ones)."""
    if "oversight" in spec:
        rng = random.Random(f"{name}/oversight")
        ranked = sorted(cases, key=lambda c: -(c["quality"] + rng.uniform(-2, 2)))
        effective = {c["id"] for c in ranked[: spec["oversight"]]}
        for c in cases:
            c["oversight"] = "yes" if c["id"] in effective else "no"
    for sample, n in spec.get("interviewed", {}).items():
        for i, c in enumerate(c for c in cases if c["sample"] == sample):
            c["interviewed"] = i < n


def build(name, spec, report):
    doc = tomllib.loads((PRESETS / f"{spec['framework']}.toml").read_text(encoding="utf-8"))
    doc["inspection"] = {
        "title": report["service"],
        "framework": spec["framework"],
        "fieldwork_start": date.fromisoformat(report["fieldwork_start"]),
        "lead_inspector": "lead",
        "service": spec["service"],
    }
    doc.pop("wording", None)  # the preset's stands for whatever the report does not word its own way
    if "wording" in spec:
        doc["wording"] = spec["wording"]
    published = {s["id"]: s for s in report["standards"]}
    cases = [
        {"id": f"{sample[0].upper()}{i:02d}", "sample": sample, "label": label, "disposal": DISPOSAL[label], "quality": quality}
        for sample in ("court", "oocd", "resettlement")
        for i, (label, quality) in enumerate(spec.get(sample, []), 1)
    ]
    for n, c in enumerate(cases):
        c.update(inspector=spec["inspectors"][n % len(spec["inspectors"])], answers={})
    case_facts(name, spec, cases)
    want = targets(report)
    chosen = spec.get("relevant", {})
    for st in doc["standards"]:
        for key, value in spec.get("standards", {}).get(st["id"], {}).items():
            if value is None:
                del st[key]
            else:
                st[key] = value
        for kq in st.get("key_questions", []):
            for q in [kq, *kq.get("prompts", [])]:
                if q["id"] in spec.get("notes", {}):
                    q["note"] = spec["notes"][q["id"]]
        if "key_questions" not in st:
            st["rating"] = published[st["id"]]["published_rating"]
            continue
        pool = [c for c in cases if c["sample"] == st["sample"]]
        for kq in st["key_questions"]:
            for q in [kq] + kq.get("prompts", []):
                parent = kq["id"] if q is not kq else None
                ids = chosen.get(q["id"])
                rel = pool if ids is None else [c for c in pool if c["id"] in ids]
                yes, n = want[q["id"]]
                assert len(rel) == n, (name, q["id"], len(rel), n)
                assert parent is None or all(c["answers"][parent] != "n/a" for c in rel), q["id"]
                answer(name, q["id"], pool, rel, yes, parent)
    for c in cases:
        del c["quality"]
    doc["cases"] = cases
    if spec.get("discretion"):
        doc["discretion"] = spec["discretion"]
    return doc


def main():
    figures = {r["file"]: r for r in json.loads(FIGURES.read_text(encoding="utf-8"))["reports"]}
    OUT.mkdir(exist_ok=True)
    for name, spec in SAMPLES.items():
        doc = build(name, spec, figures[spec["report"]])
        inspection, _ = from_document(doc, name)
        (OUT / f"{name}.toml").write_text(dumps(inspection), encoding="utf-8")
        print(f"wrote sample_data/{name}.toml: {len(doc['cases'])} cases")


if __name__ == "__main__":
    main()
