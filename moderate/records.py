"""Building the model's records (`Inspection`, its standards, cases and logs) from a parsed
TOML document, checking each value against the schema as it goes.

Every problem is collected, and the document refused whole (`InspectionError`) if there is
one: a record is never built from a value that did not pass.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from .frameworks import PRESETS, Framework, resolve
from .limits import InspectionError
from .model import (
    FORMAT,
    NOT_RATED,
    UNANSWERED,
    UNRATED,
    Answer,
    Answers,
    Case,
    CODES,
    Decision,
    Inspection,
    KeyQuestion,
    Moderated,
    ModerationEntry,
    Prompt,
    Questions,
    PHASES,
    ROLES,
    SampleEntry,
    SecondAssessment,
    Standard,
)
from .rules import DOWN, UP, within_reach
from .schema import (
    CASE_KEYS,
    DECISION_KEYS,
    SAMPLE_KEYS,
    INSPECTION_KEYS,
    KEY_QUESTION_KEYS,
    MODERATED_KEYS,
    MODERATION_KEYS,
    PROMPT_KEYS,
    SECOND_KEYS,
    STANDARD_KEYS,
    TOP_KEYS,
    Checker,
    Table,
    check_overrides,
    key_name,
    listed,
    question_id,
    short,
    type_name,
    seen_id,
    unique_id,
)
from .shown import controls
from .wording import check_wording

ANSWERS = {answer.value: answer for answer in Answer}
CODE = {answer.value: code for answer, code in CODES.items()}  # the byte `Answers` keeps for each

_NO_TIME = dt.datetime.min.replace(tzinfo=dt.timezone.utc)  # in a record of a file being refused only


def _extra(table: Table, known: frozenset[str]) -> Mapping[str, Any]:
    return {k: v for k, v in table.items() if k not in known} or _NOTHING  # one shared empty table, not one a case


_NOTHING: Mapping[str, Any] = MappingProxyType({})


def from_document(
    doc: Table, name: str = "<inspection>", case_tables: Iterable[Table | Case] | None = None
) -> tuple[Inspection, Framework]:
    """Validate a parsed TOML document and build the inspection and its framework; `case_tables`:
    its `[[cases]]` tables as they are read, when `doc` has none of its own (see `reading._by_case`),
    or the record of a case read before against the same samples and questions."""
    check = Checker()
    version = doc.get("format")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
        raise InspectionError(
            name, [f"is format {version}; this version of moderate reads format {FORMAT} only: upgrade moderate to open it"]
        )
    if "format" not in doc:
        check.problem("", f"'format' is required: the file must start with 'format = {FORMAT}'")
    elif version != FORMAT or not isinstance(version, int) or isinstance(version, bool):
        check.problem("format", f"expected {FORMAT}, found {short(version)}")

    meta = check.table(doc, "inspection", "", required=True)
    present = isinstance(doc.get("inspection"), dict)  # a missing or wrong table is one problem, not three
    title = check.string(meta, "title", "inspection", required=present)
    framework_name = check.string(meta, "framework", "inspection", required=present)
    if framework_name is not None and framework_name not in PRESETS:
        check.problem("inspection.framework", f"unknown framework {framework_name!r}; known: {', '.join(PRESETS)}")
        framework_name = None
    fieldwork = check.value(
        meta,
        "fieldwork_start",
        "inspection",
        "a date such as 2026-11-20",
        lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
    )
    lead = check.string(meta, "lead_inspector", "inspection")
    reasons_required = check.boolean(meta, "reasons_required", "inspection")
    service = check.string(meta, "service", "inspection")

    samples = _named(doc, "samples", check)
    people = _named(doc, "people", check, ROLES)

    wording = check_wording(doc, check)
    overrides = check.table(doc, "framework", "")
    before = len(check.problems)
    check_overrides(overrides, check)
    overrides_ok = len(check.problems) == before and ("framework" not in doc or isinstance(doc["framework"], dict))
    framework = resolve(framework_name, overrides) if framework_name and overrides_ok else None
    band_names = [b.rating for b in framework.bands] if framework else None

    standards = _standards(doc, samples, band_names, check)
    questions: dict[str, str | None] | None = question_samples(standards)
    if not isinstance(doc.get("standards"), list) or not standards:
        questions = None  # already reported; calling every answer unknown would only bury that
    cases = _cases(check.tables(doc, "cases", "") if case_tables is None else case_tables, samples, questions, check)
    by_id = {s.id: s for s in standards}
    moderation = _moderation(doc, by_id, band_names, check)
    decisions = _decisions(doc, by_id, framework, check)
    dip_sample = _dip_sample(doc, {c.id for c in cases}, check)

    if check.problems:
        raise InspectionError(name, check.problems)
    # No problems: so each required value was there and of its type.
    assert title is not None and framework_name is not None and framework is not None
    inspection = Inspection(
        title=title,
        framework=framework_name,
        samples=samples,
        standards=tuple(standards),
        cases=tuple(cases),
        moderation=tuple(moderation),
        discretion=tuple(decisions),
        dip_sample=tuple(dip_sample),
        fieldwork_start=fieldwork,
        lead_inspector=lead,
        reasons_required=bool(reasons_required),
        people=people,
        service=service,
        wording=wording,
        framework_overrides=overrides,
        inspection_extra=_extra(meta, INSPECTION_KEYS),
        extra=_extra(doc, TOP_KEYS),
    )
    return inspection, framework


def _named(doc: Table, key: str, check: Checker, choices: tuple[str, ...] | None = None) -> Table:
    """A table of names, each given a string (one of `choices`, if any): `[samples]`, `[people]`."""
    names = check.table(doc, key, "")
    for name, value in names.items():
        where = f"{key}.{key_name(name)}"
        if controls(name):
            check.problem(where, f"holds control characters ({', '.join(controls(name))}): ids are plain text on one line")
        if not isinstance(value, str):
            check.problem(where, f"expected a string, found {type_name(value)}")
        elif choices is not None and value not in choices:
            check.problem(where, f"{short(value)} is not one of {listed(choices)}")
    return names


def _standards(doc: Table, samples: Table, band_names: list[str] | None, check: Checker) -> list[Standard]:
    entries = check.tables(doc, "standards", "", required=True)
    if "standards" in doc and isinstance(doc["standards"], list) and not doc["standards"]:
        check.problem("standards", "at least one standard is required")
    seen_standards: set[str] = set()
    seen_questions: dict[str, str] = {}
    standards = []
    for i, entry in enumerate(entries):
        sid, where = unique_id(entry, "standards", i, "standard", seen_standards, check)
        title = check.string(entry, "title", where, required=True)
        domain = check.string(entry, "domain", where) or ""
        sample = check.string(entry, "sample", where)
        counts = check.boolean(entry, "counts", where)
        rating = check.string(entry, "rating", where)
        statement = check.string(entry, "statement", where)
        rating_note, head_note = check.string(entry, "rating_note", where), check.string(entry, "head_note", where)
        guidance = check.value(
            entry, "guidance", where, "an array of strings", lambda v: isinstance(v, list) and all(isinstance(g, str) for g in v)
        )
        key_questions = _key_questions(entry, where, band_names, seen_questions, check)
        case_based = any(not kq.judgement for kq in key_questions)
        if case_based and sample is None and "sample" not in entry:
            check.problem(where, "a case-based standard needs 'sample', one of [samples]")
        if sample is not None and sample not in samples:
            check.problem(f"{where}.sample", f"{sample!r} is not declared in [samples]")
        if rating is not None:
            if key_questions:
                check.problem(f"{where}.rating", "a standard with key questions takes its rating from them")
            elif band_names is not None and rating not in (*band_names, NOT_RATED):
                check.problem(f"{where}.rating", f"{rating!r} is not one of {listed([*band_names, NOT_RATED])}")
        standards.append(
            Standard(
                id=sid or "",
                domain=domain,
                title=title or "",
                sample=sample,
                key_questions=tuple(key_questions),
                rating=rating,
                counts=True if counts is None else counts,
                statement=statement,
                guidance=tuple(guidance or ()),
                rating_note=rating_note,
                head_note=head_note,
                extra=_extra(entry, STANDARD_KEYS),
            )
        )
    return standards


def _key_questions(
    entry: Table, where: str, band_names: list[str] | None, seen: dict[str, str], check: Checker
) -> list[KeyQuestion]:
    result = []
    for j, kq in enumerate(check.tables(entry, "key_questions", where)):
        here = f"{where}.key_questions[{j}]"
        qid = question_id(kq, here, seen, check)
        text = check.string(kq, "text", here, required=True)
        rating = check.string(kq, "rating", here)
        judgement = check.boolean(kq, "judgement", here)
        if rating is not None and band_names is not None and rating not in band_names:
            check.problem(f"{here}.rating", f"{rating!r} is not one of {listed(band_names)}")
        prompts = []
        for k, prompt in enumerate(check.tables(kq, "prompts", here)):
            there = f"{here}.prompts[{k}]"
            pid = question_id(prompt, there, seen, check)
            ptext = check.string(prompt, "text", there, required=True)
            prompts.append(Prompt(pid or "", ptext or "", check.string(prompt, "note", there), _extra(prompt, PROMPT_KEYS)))
        result.append(
            KeyQuestion(
                id=qid or "",
                text=text or "",
                prompts=tuple(prompts),
                judgement=bool(judgement) or rating is not None,
                rating=rating,
                relevant_to=check.string(kq, "relevant_to", here),
                note=check.string(kq, "note", here),
                figure=check.boolean(kq, "figure", here) is not False,
                extra=_extra(kq, KEY_QUESTION_KEYS),
            )
        )
    return result


def question_samples(standards: Iterable[Standard]) -> dict[str, str | None]:
    """Each question, in the file's order, and the sample whose cases answer it: an answer counts
    only in a case of that sample (None: a judgement's, no case's)."""
    return {q: s.sample for s in standards for kq in s.key_questions for q in (kq.id, *(p.id for p in kq.prompts))}


def _cases(
    entries: Iterable[Table | Case], samples: Table, questions: dict[str, str | None] | None, check: Checker
) -> list[Case]:
    by_sample: dict[str | None, list[str]] = {}
    for question, owner in (questions or {}).items():
        by_sample.setdefault(owner, []).append(question)
    columns = {sample: Questions(tuple(ids), sample) for sample, ids in by_sample.items()}  # shared by the sample's cases
    seen: set[str] = set()
    shared: dict[str | None, str | None] = {}  # one copy of each sample, label and inspector, not one a case
    cases = []
    for i, entry in enumerate(entries):
        if isinstance(entry, Case):  # sound where it was read: only its id's place among these is new
            seen_id(entry.id, f"cases[{i}] ({entry.id})", "case", seen, check)
            cases.append(entry)
            continue
        cid, where = unique_id(entry, "cases", i, "case", seen, check)
        sample = check.string(entry, "sample", where, required=True)
        if sample is not None and sample not in samples:
            check.problem(f"{where}.sample", f"{sample!r} is not declared in [samples]")
        moderated = None
        marked = check.table(entry, "moderated", where)
        if isinstance(entry.get("moderated"), dict):
            by = check.string(marked, "by", f"{where}.moderated", required=True)
            at = check.timestamp(marked, "at", f"{where}.moderated", required=True)
            moderated = Moderated(by or "", at or _NO_TIME, _extra(marked, MODERATED_KEYS))
        given = check.table(entry, "answers", where)
        answers: Mapping[str, Answer]
        try:  # nearly every case is valid: one quick pass, and the slow loop only to say why not
            own = columns.get(sample) if questions is not None else None
            if own is None:
                answers = {question: ANSWERS[value] for question, value in given.items()}
                valid = questions is None or not answers
            else:
                codes = bytearray(len(own.ids))
                for question, value in given.items():
                    codes[own.index[question]] = CODE[value]
                answers, valid = Answers(own, bytes(codes)), True
        except (KeyError, TypeError):  # not a question of the sample, not a valid answer, or not even hashable
            valid = False
        if not valid:
            answers = _answers(given, f"{where}.answers", sample, samples, questions, check)
        oversight = check.string(entry, "oversight", where)
        label, inspector = check.string(entry, "label", where), check.string(entry, "inspector", where)
        if oversight is not None and oversight not in ANSWERS:
            check.problem(f"{where}.oversight", f"{short(oversight)} is not yes, no or n/a")
        seconds = (  # few cases have any: no call for each case that has none
            _second_assessments(entry, where, sample, samples, questions, inspector, columns.get(sample), check)
            if "second_assessments" in entry
            else ()
        )
        cases.append(
            Case(
                id=cid or "",
                sample=shared.setdefault(sample, sample) or "",
                label=shared.setdefault(label, label),
                inspector=shared.setdefault(inspector, inspector),
                moderated=moderated,
                answers=answers,
                extra=_extra(entry, CASE_KEYS),
                oversight=oversight,
                interviewed=check.boolean(entry, "interviewed", where),
                notes=check.string(entry, "notes", where),
                disposal=check.string(entry, "disposal", where),
                second_assessments=seconds,
            )
        )
    return cases


def _answers(
    given: Table, where: str, sample: str | None, samples: Table, questions: dict[str, str | None] | None, check: Checker
) -> dict[str, Answer]:
    """A case's answers (or a second assessor's), each checked: a question of the file, asked of the
    case's sample, answered yes, no or n/a. Problems are noted; the answers that pass are kept."""
    kept: dict[str, Answer] = {}
    for question, value in given.items():
        answer = ANSWERS.get(value) if isinstance(value, str) else None
        if questions is not None and question not in questions:
            check.problem(f"{where}.{key_name(question)}", "no such question in this file")
        elif answer is None:
            check.problem(f"{where}.{key_name(question)}", f"{short(value)} is not yes, no or n/a")
        elif (
            questions is not None
            and sample in samples
            and questions[question] != sample
            and (questions[question] is None or questions[question] in samples)
        ):  # else already reported
            owner = f"sample {questions[question]!r}" if questions[question] else "no sample (a judgement)"
            check.problem(
                f"{where}.{key_name(question)}",
                f"the question belongs to {owner}, not to this case's sample {sample!r}: the answer would count for nothing",
            )
        else:
            kept[question] = answer
    return kept


def _second_assessments(
    entry: Table,
    where: str,
    sample: str | None,
    samples: Table,
    questions: dict[str, str | None] | None,
    inspector: str | None,
    own: Questions | None,
    check: Checker,
) -> tuple[SecondAssessment, ...]:
    """`[[cases.second_assessments]]`: each by someone other than the case's assessor, one each."""
    seconds: list[SecondAssessment] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(check.tables(entry, "second_assessments", where)):
        at_where = f"{where}.second_assessments[{i}]"
        by = check.string(table, "by", at_where, required=True)
        at = check.timestamp(table, "at", at_where, required=True)
        finished = check.timestamp(table, "finished", at_where)
        if by is not None and by in seen:
            check.problem(
                f"{at_where}.by", f"{by!r} has a second assessment of this case already (second_assessments[{seen[by]}])"
            )
        elif by is not None and by == inspector:
            check.problem(f"{at_where}.by", f"{by!r} assessed this case first: a second assessment is someone else's")
        if by is not None:
            seen.setdefault(by, i)
        answers: Mapping[str, Answer] = _answers(
            check.table(table, "answers", at_where), f"{at_where}.answers", sample, samples, questions, check
        )
        if own is not None and all(question in own.index for question in answers):  # kept as a case's are
            codes = bytearray(len(own.ids))
            for question, answer in answers.items():
                codes[own.index[question]] = CODE[answer.value]
            answers = Answers(own, bytes(codes))
        seconds.append(SecondAssessment(by or "", at or _NO_TIME, answers, finished, _extra(table, SECOND_KEYS)))
    return tuple(seconds)


def _moderation(
    doc: Table, standards: dict[str, Standard], band_names: list[str] | None, check: Checker
) -> list[ModerationEntry]:
    entries = []
    for i, entry in enumerate(check.tables(doc, "moderation", "")):
        where = f"moderation[{i}]"
        standard = _rated_standard(entry, standards)
        if standard is None:
            keys: tuple[str, ...] = ("case", "question", "from", "to", "by")
            answers = (*ANSWERS, UNANSWERED)
            allowed: dict[str, tuple[str, ...]] = {"from": answers, "to": answers}
        else:
            keys = ("from", "to", "by")
            ratings = (*band_names, NOT_RATED, UNRATED) if band_names is not None else ()
            allowed = {"from": ratings, "to": ratings} if ratings else {}  # an unknown framework is already reported
        values = {key: check.string(entry, key, where, required=True) for key in keys}
        for key in ("from", "to"):
            if standard is not None and values[key] == UNANSWERED:
                values[key] = UNRATED  # how the older form said it
        for key, choices in allowed.items():
            if values[key] is not None and values[key] not in choices:
                check.problem(f"{where}.{key}", f"{values[key]!r} is not one of {listed(choices)}")
        entries.append(
            ModerationEntry(
                case=values.get("case") or "",
                question=values.get("question") or "",
                from_=values["from"] or "",
                to=values["to"] or "",
                by=values["by"] or "",
                at=check.timestamp(entry, "at", where, required=True) or _NO_TIME,
                reason=check.string(entry, "reason", where),
                standard=standard,
                extra=_extra(entry, MODERATION_KEYS),
            )
        )
        if standard is None and "standard" in entry:
            check.problem(f"{where}.standard", f"no judgement standard {short(entry['standard'])} in this file")
    return entries


def _rated_standard(entry: Table, standards: dict[str, Standard]) -> str | None:
    """The judgement standard a log entry rates: `standard = "1.1"`, or in the older form
    `case = ""` with the standard's id as the question. None for an answer's entry."""
    named = entry.get("standard", entry.get("question") if entry.get("case") == "" else None)
    if isinstance(named, str) and named in standards and standards[named].is_judgement:
        return named
    return None


def _decisions(doc: Table, standards: dict[str, Standard], framework: Framework | None, check: Checker) -> list[Decision]:
    decisions = []
    for i, entry in enumerate(check.tables(doc, "discretion", "")):
        where = f"discretion[{i}]"
        values = {key: check.string(entry, key, where, required=True) for key in ("standard", "computed", "rating", "by")}
        standard = standards.get(values["standard"] or "")
        if values["standard"] is not None and standard is None:
            check.problem(f"{where}.standard", f"no standard {values['standard']!r} in this file")
        elif standard is not None and not standard.is_case_based:
            check.problem(f"{where}.standard", f"{standard.id} is a judgement standard: the panel rates it directly")
        if framework is not None:
            bands = {}
            for key in ("computed", "rating"):
                value = values[key]
                band = framework.band(value) if value is not None else None
                if band is not None:
                    bands[key] = band
                elif value is not None:
                    check.problem(f"{where}.{key}", f"{value!r} is not one of {listed(b.rating for b in framework.bands)}")
            if len(bands) == 2 and bands["rating"] not in within_reach(bands["computed"], (UP, DOWN), framework):
                check.problem(
                    f"{where}.rating", f"moves {values['computed']!r} to {values['rating']!r}: discretion moves one band at most"
                )
        decisions.append(
            Decision(
                standard=values["standard"] or "",
                computed=values["computed"] or "",
                rating=values["rating"] or "",
                by=values["by"] or "",
                at=check.timestamp(entry, "at", where, required=True) or _NO_TIME,
                reason=check.string(entry, "reason", where),
                extra=_extra(entry, DECISION_KEYS),
            )
        )
    return decisions


def _dip_sample(doc: Table, cases: set[str], check: Checker) -> list[SampleEntry]:
    """The dip sample's log: each case chosen (in a phase, by a method) or withdrawn (saying why),
    a withdrawal only of a case chosen before it. A case chosen again while in the sample, or
    withdrawn again, is kept as said (two moderators' saves may both have done it) and changes nothing."""
    entries = []
    chosen: set[str] = set()
    for i, entry in enumerate(check.tables(doc, "dip_sample", "")):
        where = f"dip_sample[{i}]"
        case = check.string(entry, "case", where, required=True)
        withdrawn = bool(check.boolean(entry, "withdrawn", where))
        reason = check.string(entry, "reason", where, required=withdrawn)
        phase = method = seed = None
        if case is not None and case not in cases:
            check.problem(f"{where}.case", f"no case {case!r} in this file")
        if withdrawn:
            if case is not None and case not in chosen:
                check.problem(f"{where}.case", f"{case!r} is withdrawn, but no entry before it chose it")
            for key in ("phase", "method", "seed"):
                if key in entry:
                    check.problem(f"{where}.{key}", "a withdrawal has none: it is said of the case's choice")
        else:
            chosen.add(case or "")
            phase = check.string(entry, "phase", where, required=True)
            if phase is not None and phase not in PHASES:
                check.problem(f"{where}.phase", f"{phase!r} is not one of {listed(PHASES)}")
            method = check.string(entry, "method", where, required=True)
            seed = check.value(
                entry,
                "seed",
                where,
                "a whole number, 0 or more",
                lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            )
        entries.append(
            SampleEntry(
                case=case or "",
                by=check.string(entry, "by", where, required=True) or "",
                at=check.timestamp(entry, "at", where, required=True) or _NO_TIME,
                phase=phase,
                method=method,
                seed=seed,
                withdrawn=withdrawn,
                reason=reason,
                extra=_extra(entry, SAMPLE_KEYS),
            )
        )
    return entries
