"""`moderate sample` and the dip sample's log in the file, used as a quality lead would."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from helpers.cli import moderate
from helpers.files import SAMPLES, with_people
from helpers.ratings import moves_alone
from moderate.merge import merge
from moderate.model import FIELDWORK, POST_INSPECTION
from moderate.qa import in_sample, memberships
from moderate.reading import InspectionError, load, parse_text
from moderate.replay import record_of, replay
from moderate.rules import rate_inspection
from moderate.session import Session
from moderate.workspace import Workspace
from moderate.writing import dumps

NAMES = ["stockton-on-tees-2021", "county-durham-2022", "northumberland-2023"]


def copy(tmp_path: Path, name: str, as_name: str = "") -> Path:
    path = tmp_path / f"{as_name or name}.toml"
    path.write_bytes((SAMPLES / f"{name}.toml").read_bytes())
    return path


def sample(path: Path, *args: str) -> dict:
    result = moderate("sample", str(path), "--json", "--as", "qa", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.subprocess
def test_one_seed_on_two_copies_chooses_the_same_cases_and_records_how(tmp_path):
    one, two = copy(tmp_path, "county-durham-2022", "one"), copy(tmp_path, "county-durham-2022", "two")
    first, second = sample(one, "--per-inspector", "2", "--seed", "7"), sample(two, "--per-inspector", "2", "--seed", "7")
    assert first == second and first["seed"] == 7 and len(first["cases"]) == 10
    entries = load(one).inspection.dip_sample
    assert [e.case for e in entries] == first["cases"]
    assert {(e.by, e.phase, e.method, e.seed, e.withdrawn) for e in entries} == {
        ("qa", FIELDWORK, "2 per assessor, stratified, seed 7", 7, False)
    }
    assert [e.case for e in load(two).inspection.dip_sample] == first["cases"]
    other = sample(copy(tmp_path, "county-durham-2022", "three"), "--per-inspector", "2", "--seed", "8")
    assert other["cases"] != first["cases"]


@pytest.mark.subprocess
def test_without_a_seed_one_is_drawn_printed_and_recorded(tmp_path):
    path = copy(tmp_path, "stockton-on-tees-2021")
    result = moderate("sample", str(path), "--total", "4", "--as", "qa", "--phase", "post-inspection")
    assert result.returncode == 0, result.stderr
    entries = load(path).inspection.dip_sample
    seed = entries[0].seed
    assert seed is not None and {e.seed for e in entries} == {seed} and {e.phase for e in entries} == {POST_INSPECTION}
    assert f"4 cases chosen for the dip sample (post-inspection), seed {seed} (drawn: --seed {seed} draws the same again)" in (
        result.stdout
    )
    again = sample(copy(tmp_path, "stockton-on-tees-2021", "again"), "--total", "4", "--seed", str(seed))
    assert again["cases"] == [e.case for e in entries]


@pytest.mark.subprocess
@pytest.mark.parametrize("name", NAMES)
def test_every_assessor_with_at_least_k_cases_has_exactly_k_in_the_file(tmp_path, name):
    path = copy(tmp_path, name)
    sample(path, "--per-inspector", "3", "--seed", "1")
    inspection = load(path).inspection
    held = Counter(inspection.case(c).inspector for c in in_sample(inspection.dip_sample))
    have = Counter(c.inspector for c in inspection.cases if c.sample != "resettlement")
    assert held == {a: min(3, n) for a, n in have.items()}


@pytest.mark.subprocess
def test_sampling_again_adds_to_the_sample_and_never_replaces_it(tmp_path):
    path = copy(tmp_path, "county-durham-2022")
    sample(path, "--per-inspector", "1", "--seed", "3")
    before = load(path).inspection.dip_sample
    assert sample(path, "--per-inspector", "1", "--seed", "4")["cases"] == []  # each has one already
    more = sample(path, "--per-inspector", "2", "--seed", "4")
    after = load(path).inspection.dip_sample
    assert after[: len(before)] == before and len(more["cases"]) == 5
    assert not {e.case for e in before} & set(more["cases"])


@pytest.mark.subprocess
@pytest.mark.parametrize("name", NAMES)
def test_risk_adds_first_every_pivotal_case_of_a_flagged_standard(tmp_path, name):
    path = copy(tmp_path, name)
    loaded = load(path)
    ratings = rate_inspection(loaded.inspection, loaded.framework)
    pivotal = set()
    for standard in loaded.inspection.standards:
        if standard.is_case_based and ratings.standards[standard.id].discretion.eligible:
            pivotal |= {case for case, _, _ in moves_alone(loaded, standard.id)}
    assert pivotal
    chosen = sample(path, "--risk", "--per-inspector", "1", "--seed", "2")["cases"]
    assert set(chosen[: len(pivotal)]) == pivotal
    entries = load(path).inspection.dip_sample
    assert {e.case for e in entries if e.method.startswith("pivotal for ")} == pivotal
    assert all("(one changed answer would move the rating)" in e.method for e in entries if e.case in pivotal)


@pytest.mark.subprocess
def test_a_withdrawal_is_recorded_with_who_when_and_why_and_never_drawn_again(tmp_path):
    path = copy(tmp_path, "stockton-on-tees-2021")
    chosen = sample(path, "--per-inspector", "1", "--seed", "9")["cases"]
    workspace = Workspace.open(path, "qa")
    try:
        workspace.session.withdraw_from_sample(chosen[0], "Transferred out before fieldwork")
        assert workspace.save().saved
    finally:
        workspace.close(keep_unsaved=False)
    inspection = load(path).inspection
    withdrawal = inspection.dip_sample[-1]
    assert (withdrawal.case, withdrawal.withdrawn, withdrawal.reason, withdrawal.by) == (
        chosen[0],
        True,
        "Transferred out before fieldwork",
        "qa",
    )
    assert [e.case for e in inspection.dip_sample[:-1]] == chosen  # the choice stays, as chosen
    text = path.read_text(encoding="utf-8")
    assert f'case = "{chosen[0]}"\nwithdrawn = true\nreason = "Transferred out before fieldwork"\nby = "qa"\nat = ' in text
    assert chosen[0] not in in_sample(inspection.dip_sample)
    again = sample(path, "--per-inspector", "1", "--seed", "9")["cases"]
    assert len(again) == 1 and chosen[0] not in again  # its assessor topped up, with another case


def test_two_moderators_sampling_and_saving_at_once_lose_nothing(tmp_path):
    path = copy(tmp_path, "county-durham-2022")
    first, second = Workspace.open(path, "qa"), Workspace.open(path, "lead")
    try:
        first.session.choose_for_sample(["C01", "C02"], FIELDWORK, "by hand")
        second.session.choose_for_sample(["C02", "C03"], "post-inspection", "by hand")
        second.session.withdraw_from_sample("C03", "Not this one")
        assert first.save().saved
        outcome = second.save()  # merges the first's save
        assert outcome.saved
    finally:
        first.close(keep_unsaved=False)
        second.close(keep_unsaved=False)
    entries = load(path).inspection.dip_sample
    assert [(e.case, e.by, e.withdrawn) for e in entries] == [
        ("C01", "qa", False),
        ("C02", "qa", False),
        ("C02", "lead", False),
        ("C03", "lead", False),
        ("C03", "lead", True),
    ]
    assert list(in_sample(entries)) == ["C01", "C02"]


@pytest.mark.subprocess
def test_two_sample_commands_running_at_once_both_land(tmp_path):
    path = copy(tmp_path, "county-durham-2022")
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "moderate.cli", "sample", str(path), "--json", "--as", who, "--total", "6", "--seed", seed],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, seed in (("qa", "1"), ("lead", "2"))
    ]
    chosen = []
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        chosen.append(json.loads(out)["cases"])
    entries = load(path).inspection.dip_sample
    assert sorted(e.case for e in entries if e.by == "qa") == sorted(chosen[0])
    assert sorted(e.case for e in entries if e.by == "lead") == sorted(chosen[1])


def entry_key(entry):
    return (entry.case, entry.by, entry.at, entry.phase, entry.method, entry.seed, entry.withdrawn, entry.reason)


@pytest.mark.subprocess
def test_the_merge_driver_keeps_every_sample_entry_of_both_branches_once(tmp_path):
    base = copy(tmp_path, "stockton-on-tees-2021", "base")
    sample(base, "--per-inspector", "1", "--seed", "1")
    ours, theirs = tmp_path / "ours.toml", tmp_path / "theirs.toml"
    ours.write_bytes(base.read_bytes())
    theirs.write_bytes(base.read_bytes())
    sample(ours, "--per-inspector", "2", "--seed", "2")
    sample(theirs, "--per-inspector", "2", "--seed", "3")
    texts = [p.read_text(encoding="utf-8") for p in (base, ours, theirs)]
    result = moderate("merge-driver", str(base), str(ours), str(theirs))
    assert result.returncode == 0, result.stderr
    merged = load(ours).inspection.dip_sample
    sides = [parse_text(t).inspection.dip_sample for t in texts]
    base_, ours_, theirs_ = (Counter(map(entry_key, side)) for side in sides)
    assert len(ours_ - base_) == len(theirs_ - base_) == 3 and not (ours_ - base_) & (theirs_ - base_)
    assert Counter(map(entry_key, merged)) == base_ + (ours_ - base_) + (theirs_ - base_)
    assert merged[: len(sides[2])] == sides[2]
    both = merge(*(parse_text(t).inspection for t in texts))
    assert both.inspection.dip_sample == merged and not both.conflicts


@pytest.mark.subprocess
def test_the_dip_sample_reads_back_and_writes_canonically(tmp_path):
    path = copy(tmp_path, "stockton-on-tees-2021")
    sample(path, "--risk", "--seed", "4")
    text = path.read_text(encoding="utf-8")
    assert dumps(load(path).inspection) == text
    assert moderate("format", str(path)).stdout.endswith("already in the canonical layout\n")


BROKEN = [
    ('case = "C99"\nphase = "fieldwork"\nmethod = "by hand"', "dip_sample[0].case: no case 'C99' in this file"),
    (
        'case = "C01"\nphase = "later"\nmethod = "by hand"',
        "dip_sample[0].phase: 'later' is not one of 'fieldwork', 'post-inspection'",
    ),
    ('case = "C01"\nphase = "fieldwork"', "dip_sample[0]: 'method' is required"),
    ('case = "C01"\nphase = "fieldwork"\nmethod = "x"\nseed = -1', "dip_sample[0].seed: expected a whole number, 0 or more"),
    ('case = "C01"\nwithdrawn = true\nreason = "no"', "dip_sample[0].case: 'C01' is withdrawn, but no entry before it chose it"),
    ('case = "C01"\nwithdrawn = true', "dip_sample[0]: 'reason' is required"),
    ('case = "C01"\nwithdrawn = "yes"\nphase = "fieldwork"\nmethod = "x"', "dip_sample[0].withdrawn: expected true or false"),
]


@pytest.mark.parametrize("entry, problem", BROKEN)
def test_a_broken_dip_sample_entry_is_refused_where_it_is(entry, problem):
    text = (SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")
    with pytest.raises(InspectionError) as refused:
        parse_text(f'{text}\n[[dip_sample]]\n{entry}\nby = "qa"\nat = 2026-11-20T09:00:00Z\n')
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_a_case_chosen_or_withdrawn_twice_by_two_saves_reads_as_once(tmp_path):
    text = (SAMPLES / "stockton-on-tees-2021.toml").read_text(encoding="utf-8")
    entry = '\n[[dip_sample]]\ncase = "C01"\n{}\nby = "{}"\nat = 2026-11-20T09:00:00Z\n'
    chosen = entry.format('phase = "fieldwork"\nmethod = "by hand"', "qa")
    gone = entry.format('withdrawn = true\nreason = "no"', "qa")
    inspection = parse_text(text + chosen + chosen.replace("qa", "lead") + gone + gone.replace("qa", "lead")).inspection
    assert [(m.case, m.chosen.by, m.withdrawal and m.withdrawal.by) for m in memberships(inspection.dip_sample)] == [
        ("C01", "qa", "qa")
    ]


def test_sampling_is_journaled_undone_until_saved_and_replayed_after_a_crash(stockton):
    loaded = load(stockton)
    records: list[dict] = []
    session = Session(loaded.inspection, loaded.framework, "qa", listener=lambda done: records.append(record_of(done)))
    session.choose_for_sample(["C01", "C02"], FIELDWORK, "by hand", reason="looked odd")
    session.withdraw_from_sample("C02", "duplicate")
    session.undo()
    session.redo()
    assert str(session.unsaved) == "3 dip sample entries"
    again = Session(loaded.inspection, loaded.framework, "qa")
    replay(again, json.loads(json.dumps(records)))
    assert again.dip_sample == session.dip_sample
    session.undo()
    session.undo()
    assert list(session.dip_sample) == [] and not session.dirty


@pytest.mark.subprocess
def test_a_stranger_cannot_sample_a_file_that_names_its_people(stockton):
    with_people(stockton)
    result = moderate("sample", str(stockton), "--total", "3", "--as", "bob")
    assert result.returncode == 2 and "'bob' is not one of this inspection's people" in result.stderr
    assert load(stockton).inspection.dip_sample == ()
