"""FHIR import: a Bundle (transaction or collection) holding a patient and her chemotherapy becomes her record, a
course on the regimen inferred from the drugs and dates (domain/regimen_inference.py), the delays and skips the
dates show, and — from an exohair export — the plan's protocol and adjuncts, the sessions and the assessments.

All or nothing: if any entry has an error, nothing is written (ImportRefused lists every issue) unless the caller
accepts a partial import, which then leaves out only the entries at fault. A preview runs the same work inside a
savepoint that is rolled back, audit entries included, and reports what would happen. Coordinators and clinicians
may import (Permission.IMPORT_RECORDS); admins keep no patient records.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session

from exohair.db.models import Clinic, Patient, ProductLot
from exohair.domain.access import Actor, Permission, require
from exohair.domain.errors import DomainError
from exohair.domain.import_issues import EntryIssue, ImportRefused, Severity, errors_of
from exohair.domain.regimen_inference import DoseDay, InferredRegimen, infer_regimen
from exohair.features.audit.service import dry_run, undo_on_error
from exohair.features.charts import audit_chart
from exohair.features.courses.schemas import CourseIn, CustomRegimenIn, InfusionRecordIn
from exohair.features.courses.service import record_infusion, start_course
from exohair.features.fhir import restoring
from exohair.features.fhir.import_report import ImportReport
from exohair.features.patients import repository as patients
from exohair.features.plans import repository as plans
from exohair.features.plans.inputs import clinic_today
from exohair.interop.fhir.drugs import DrugCatalogue
from exohair.interop.fhir.import_read import ImportRead, read_import
from exohair.knowledge import Knowledge


def import_bundle(
    session: Session, actor: Actor, data: object, knowledge: Knowledge, *, at: datetime,
    accept_partial: bool = False, preview: bool = False,
) -> ImportReport:  # fmt: skip
    require(actor, Permission.IMPORT_RECORDS)
    today = clinic_today(session.get_one(Clinic, actor.clinic_id), at)
    read = read_import(data, DrugCatalogue.of(knowledge.agents), today=today)
    report = ImportReport(preview, read.bundle_type, read.entry_count, read.patient.mrn, issues=list(read.issues))
    if read.drugs:
        report.inferred = _infer(read, knowledge, today, report)
    report.protocol, report.adjuncts = _plan_choice(read, knowledge, report)
    _same_person(session, actor, read, report)
    _refuse_unless_partial(report, accept_partial)
    if not preview:
        _write(session, actor, read, knowledge, report, at=at, accept_partial=accept_partial)
        return report
    with dry_run(session):
        _write(session, actor, read, knowledge, report, at=at, accept_partial=accept_partial)
    report.patient_id = None if report.patient_created else report.patient_id  # rolled back: no such row
    return report


def _infer(read: ImportRead, knowledge: Knowledge, today: date, report: ImportReport) -> InferredRegimen:
    administered = [d for d in read.drugs if not d.ordered]
    dated = administered or [d for d in read.drugs if d.on is not None]
    per_agent = Counter(d.agent.agent_id for d in dated)
    if not administered and dated and max(per_agent.values()) == 1:
        # One order per agent, dated where it starts (a course not begun, as exohair exports it): its earliest day
        # is the first infusion; the later starts are phases to come, not doses given.
        start = min(d.on for d in dated if d.on is not None)
        dated = [d for d in dated if d.on == start]
    days = [DoseDay(d.on, frozenset({d.agent.agent_id}), d.given) for d in dated if d.on is not None]
    stated = next((d.regimen for d in read.drugs if d.regimen), None)
    names = {a.id: a.name for a in knowledge.agents}
    inferred = infer_regimen(days, knowledge.regimens, as_of=today, names=names, stated=stated,
                             ordered=frozenset(d.agent.agent_id for d in read.drugs if d.ordered))  # fmt: skip
    if not administered and dated:
        inferred = replace(inferred, evidence=(*inferred.evidence, "Dose days read from the orders' dates: the "
                                               "bundle holds no administrations."))  # fmt: skip
    by_name = sorted({d.agent.said for d in read.drugs if d.agent.via == "name"})
    if by_name:
        inferred = replace(inferred, evidence=(*inferred.evidence, "Recognised by name only (no RxNorm or exohair "
                                               f"code we know): {', '.join(by_name)}."))  # fmt: skip
    in_regimens = {dose.agent_id for r in knowledge.regimens for phase in r.phases for dose in phase.agents}
    if not any(d.agent.agent_id in in_regimens for d in read.drugs):  # endocrine therapy alone: no chemotherapy
        only = ", ".join(sorted({d.agent.said for d in read.drugs}))
        message = f"No drug of a chemotherapy regimen in the bundle (only {only}): the record comes without a course."
        report.issues.append(EntryIssue(Severity.WARNING, None, "", message, "no_chemotherapy"))
    elif not inferred.matched:
        report.issues.append(EntryIssue(Severity.ERROR, None, "", "No regimen matched the chemotherapy: "
                                        + " ".join(inferred.evidence), "no_regimen"))  # fmt: skip
    elif inferred.confidence_label == "low":
        report.issues.append(EntryIssue(Severity.WARNING, None, "", f"The regimen was inferred with low confidence "
                                        f"({inferred.confidence:.2f}); check it against the oncology order.",
                                        "low_confidence"))  # fmt: skip
    return inferred


def _same_person(session: Session, actor: Actor, read: ImportRead, report: ImportReport) -> None:
    """An MRN on file with another birth date is another person, or a typing error: either way not an update. The
    answer does not say the birth date on file (nothing of that record is disclosed)."""
    found = patients.by_mrn(session, actor.clinic_id, read.patient.mrn)
    if found is not None and found.date_of_birth != read.patient.date_of_birth:
        entry = read.patient.entry
        report.issues.append(
            EntryIssue(
                Severity.ERROR,
                entry.index,
                entry.where,
                f"MRN {read.patient.mrn} is on file for a patient with another birth date than "
                f"{read.patient.date_of_birth.isoformat()}; check the MRN.",
                "mrn_mismatch",
            )
        )
        raise ImportRefused(report.issues[-1].message, report.issues, partial_possible=False)


def _plan_choice(read: ImportRead, knowledge: Knowledge, report: ImportReport) -> tuple[str, tuple[str, ...]]:
    if read.plan is None:
        protocol = knowledge.protocols[0]
        if read.drugs:
            report.issues.append(EntryIssue(Severity.WARNING, None, "", f"The bundle holds no exohair plan: the new "
                                            f"plan follows {protocol.name}; change it on the patient's plan.",
                                            "default_protocol"))  # fmt: skip
        return protocol.id, ()
    adjuncts = []
    entry = read.plan.entry
    try:
        protocol_id = knowledge.protocol(read.plan.protocol_id).id
    except DomainError as error:
        report.issues.append(EntryIssue(Severity.ERROR, entry.index, entry.where, error.message, "unknown_protocol"))
        protocol_id = knowledge.protocols[0].id
    for name in read.plan.adjuncts:
        try:
            adjuncts.append(knowledge.adjunct(name).id)
        except DomainError as error:
            report.issues.append(EntryIssue(Severity.ERROR, entry.index, entry.where, error.message, "unknown_adjunct"))
    return protocol_id, tuple(adjuncts)


def _refuse_unless_partial(report: ImportReport, accept_partial: bool) -> None:
    errors = errors_of(report.issues)
    if errors and not accept_partial:
        raise ImportRefused(f"Nothing was imported: {len(errors)} problem(s) in the bundle, the first: "
                            f"{errors[0].line()}", report.issues, partial_possible=True)  # fmt: skip


def _write(
    session: Session, actor: Actor, read: ImportRead, knowledge: Knowledge, report: ImportReport, *, at: datetime,
    accept_partial: bool,
) -> None:  # fmt: skip
    try:
        patient, report.patient_created = restoring.upsert_patient(session, actor, read, at=at)
    except ValidationError as invalid:  # the record's own limits (a name over 200 characters, born before 1900)
        entry = read.patient.entry
        first = invalid.errors()[0]
        message = f"The patient cannot be recorded: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}."
        issue = EntryIssue(Severity.ERROR, entry.index, entry.where, message, "patient_invalid")
        raise ImportRefused(message, [*report.issues, issue], partial_possible=False) from None
    report.patient_id = patient.id
    counts = {"patients": int(report.patient_created), "courses": 0, "infusion_records": 0, "sessions_restored": 0,
              "product_lots": 0, "assessments": 0}  # fmt: skip
    inferred = report.inferred
    if inferred is not None and inferred.matched:
        _course(session, actor, patient, read, knowledge, report, counts, at=at)
    for facts in read.assessments:
        try:
            with undo_on_error(session):
                restoring.add_assessment(session, actor, patient, facts, knowledge, at=at)
            counts["assessments"] += 1
        except DomainError as error:
            entry = facts.entries[0]
            report.issues.append(EntryIssue(Severity.ERROR, entry.index, entry.where, error.message, error.code))
    report.created = counts
    _refuse_unless_partial(report, accept_partial)
    audit_chart(session, actor, "import", "patient", patient.id, patient_id=patient.id, at=at, changes={
        "format": f"FHIR R4 Bundle ({read.bundle_type})", "entries": read.entry_count, "created": counts,
        "regimen": _regimen_id(inferred), "confidence": inferred.confidence if inferred else None,
        "issues": {s.value: sum(1 for i in report.issues if i.severity is s) for s in Severity}})  # fmt: skip


def _course(
    session: Session, actor: Actor, patient: Patient, read: ImportRead, knowledge: Knowledge, report: ImportReport,
    counts: dict[str, int], *, at: datetime,
) -> None:  # fmt: skip
    inferred = report.inferred
    assert inferred is not None
    assert inferred.first_infusion is not None
    existing = plans.active_course(session, actor.clinic_id, patient.id)
    if existing is not None:
        report.issues.append(EntryIssue(Severity.ERROR, None, "", f"The patient already has an active course "
                                        f"({existing.regimen_id} from {existing.first_infusion.isoformat()}), so the "
                                        "bundle's chemotherapy cannot start another; stop that course first.",
                                        "course_active"))  # fmt: skip
        return
    custom = inferred.custom
    data = CourseIn(
        regimen=inferred.fit.regimen_id if inferred.fit else None,
        custom_regimen=CustomRegimenIn(name=custom.name, cycle_days=custom.cycle_days, cycles=custom.cycles,
                                       infusion_days=list(custom.infusion_days), agents=list(custom.agent_ids))
        if custom else None,
        first_infusion=inferred.first_infusion, protocol=report.protocol or "", adjuncts=list(report.adjuncts),
    )  # fmt: skip
    try:
        with undo_on_error(session):
            course = start_course(session, actor, patient.id, data, knowledge, at=at).course
            for change in inferred.changes:
                what = (
                    InfusionRecordIn(
                        version=course.version,
                        cycle=change.cycle,
                        day=change.day,
                        skipped=True,
                        reason="Recorded as not given in the imported bundle.",
                    )
                    if change.skipped
                    else InfusionRecordIn(
                        version=course.version,
                        cycle=change.cycle,
                        day=change.day,
                        delay_days=change.delay_days,
                        reason="Read from the dates of the imported bundle.",
                    )
                )
                record_infusion(session, actor, course.id, what, knowledge, at=at)  # fmt: skip
                report.recorded.append(f"cycle {change.cycle} day {change.day} " + (
                    "skipped" if change.skipped else f"{change.delay_days:+d} days"))  # fmt: skip
    except DomainError as error:
        report.issues.append(EntryIssue(Severity.ERROR, None, "", f"The course could not be started: {error.message}",
                                        error.code))  # fmt: skip
        report.recorded.clear()
        return
    counts["courses"], counts["infusion_records"] = 1, len(report.recorded)
    if read.plan is not None:
        _sessions(session, actor, course.id, read, report, counts, at=at)


def _sessions(
    session: Session, actor: Actor, course_id: uuid.UUID, read: ImportRead, report: ImportReport,
    counts: dict[str, int], *, at: datetime,
) -> None:  # fmt: skip
    assert read.plan is not None
    rows = restoring.by_label(plans.sessions_of_course(session, actor.clinic_id, course_id))
    lots: dict[int, ProductLot] = {}
    for facts in read.plan.sessions:
        row = rows.get((facts.kind, facts.label))
        if row is None:
            report.issues.append(EntryIssue(Severity.WARNING, facts.entry.index, facts.entry.where, f"Session "
                                            f"'{facts.label}' is not in the plan this clinic made; not restored.",
                                            "session_not_in_plan"))  # fmt: skip
            continue
        lot = None
        if facts.lot is not None:
            if facts.lot.entry.index not in lots:
                lot, made = restoring.lot_for(session, actor, facts.lot, at=at)
                lots[facts.lot.entry.index] = lot
                counts["product_lots"] += int(made)
            lot = lots[facts.lot.entry.index]
        restoring.restore_session(session, actor, row, facts, lot, at=at)
        counts["sessions_restored"] += 1


def _regimen_id(inferred: InferredRegimen | None) -> str | None:
    if inferred is None or not inferred.matched:
        return None
    return inferred.fit.regimen_id if inferred.fit else "custom"
