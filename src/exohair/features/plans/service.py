"""Plan versions: make one from the course as it stands, read the current plan, list the history.

A plan is never edited in place. Starting a course, recording a delayed or skipped infusion, or changing the
protocol adds a version; sessions already performed keep their dates, planned ones move, and the version says
which moved. The plan is recomputed from its stored inputs (deterministic, see domain/planning.py), then the
session rows on file are laid over it, so a session moved or cancelled by hand shows as it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from exohair.db.models import ChemoCourse, Clinic, Patient, PlanVersion, TherapySession
from exohair.domain.access import Actor, Permission, require
from exohair.domain.closures import ClinicClosures
from exohair.domain.costing import price_plan
from exohair.domain.errors import NotFound
from exohair.domain.full_plan import FullPlan
from exohair.domain.planning import PlannedSession, TherapyPlan, plan_sessions
from exohair.domain.risk import estimate_cia_risk
from exohair.features.charts import audit_chart, open_chart, visible_chart
from exohair.features.clinic_settings.knowledge import protocol_at
from exohair.features.courses.regimens import course_regimen
from exohair.features.plans import inputs, reads, repository
from exohair.knowledge import Knowledge


@dataclass(frozen=True, slots=True)
class Move:
    key: str
    label: str
    before: str | None  # ISO dates; None: not planned before / no valid day now
    after: str | None


@dataclass(frozen=True, slots=True)
class Replanned:
    course: ChemoCourse
    version: PlanVersion
    moves: tuple[Move, ...]


@dataclass(frozen=True, slots=True)
class StoredPlan:
    course: ChemoCourse
    version: PlanVersion
    full: FullPlan


def make_version(
    session: Session,
    actor: Actor,
    knowledge: Knowledge,
    course: ChemoCourse,
    *,
    reason: str,
    at: datetime,
    protocol_id: str | None = None,
    adjunct_ids: list[str] | None = None,
) -> Replanned:
    """Plan `course` afresh and file it as the next version. The caller has checked the actor may do so."""
    clinic = session.get_one(Clinic, course.clinic_id)
    patient = session.get_one(Patient, course.patient_id)
    previous = repository.current_version(session, course.clinic_id, course.id)
    if protocol_id is not None or previous is None:  # a protocol chosen now: as the clinic has it now
        protocol = knowledge.protocol(protocol_id or "")
    else:  # re-anchoring keeps the version the plan was made (and cleared) with, whatever was published since
        protocol = protocol_at(session, knowledge, course.clinic_id, previous.protocol_id, previous.protocol_version)
    adjuncts = adjunct_ids if adjunct_ids is not None else (previous.adjuncts if previous else [])
    adjuncts = [knowledge.adjunct(a).id for a in dict.fromkeys(adjuncts)]
    today = inputs.clinic_today(clinic, at)
    rows = {r.key: r for r in repository.sessions_of_course(session, course.clinic_id, course.id)}
    plan = plan_sessions(
        inputs.course_calendar(session, knowledge, course),
        protocol,
        [knowledge.adjunct(a) for a in adjuncts],
        knowledge.gates,
        closures=inputs.clinic_closures(session, clinic),
        facts=inputs.patient_facts(patient, today),
        not_before=today,
        performed=inputs.performed(rows.values()),
    )
    moves = _apply(session, course, plan, rows, version_number=(previous.number + 1) if previous else 1)
    repository.replace_assessments_due(session, course, plan.assessments, from_day=today)
    if previous is not None:
        previous.current = False
    version = PlanVersion(
        clinic_id=course.clinic_id,
        patient_id=course.patient_id,
        course_id=course.id,
        number=(previous.number + 1) if previous else 1,
        current=True,
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        adjuncts=adjuncts,
        reason=reason,
        planned_from=today,
        sessions=[{"key": s.key, "kind": s.kind.value, "date": _iso(s.date)} for s in plan.sessions],
        moved=[{"key": m.key, "label": m.label, "before": m.before, "after": m.after} for m in moves],
        assessments=[{"label": a.label, "date": a.date.isoformat()} for a in plan.assessments],
        created_by=actor.user_id,
    )
    session.add(version)
    session.flush()
    audit_chart(
        session,
        actor,
        "create",
        "plan_version",
        version.id,
        patient_id=course.patient_id,
        at=at,
        changes={"number": version.number, "reason": reason, "moved": [m.key for m in moves]},
    )
    return Replanned(course, version, moves)


def _apply(
    session: Session, course: ChemoCourse, plan: TherapyPlan, rows: dict[str, TherapySession], *, version_number: int
) -> tuple[Move, ...]:
    """Bring the session rows in line with `plan`; performed and cancelled rows are history and stay as they are."""
    moves: list[Move] = []
    wanted = {s.key: s for s in plan.sessions}
    for planned in plan.sessions:
        row = rows.get(planned.key)
        if row is None:
            session.add(_new_row(course, planned))
            if version_number > 1:
                moves.append(Move(planned.key, planned.label, None, _iso(planned.date)))
        elif row.status == "planned" and row.planned_on != planned.date:
            moves.append(Move(row.key, row.label, _iso(row.planned_on), _iso(planned.date)))
            row.planned_on, row.label = planned.date, planned.label
    for key, row in rows.items():
        if key not in wanted and row.status == "planned":
            row.status = "cancelled"
            row.cancel_reason = f"No longer in the plan (version {version_number})."
            moves.append(Move(key, row.label, _iso(row.planned_on), None))
    session.flush()
    return tuple(sorted(moves, key=lambda m: (m.before or m.after or "", m.key)))


def _new_row(course: ChemoCourse, planned: PlannedSession) -> TherapySession:
    return TherapySession(
        clinic_id=course.clinic_id,
        patient_id=course.patient_id,
        course_id=course.id,
        key=planned.key,
        kind=planned.kind.value,
        label=planned.label,
        planned_on=planned.date,
        status="planned",
        scalp_sites=[],
    )


def current_plan(
    session: Session, actor: Actor, patient_id: uuid.UUID, knowledge: Knowledge, *, at: datetime
) -> StoredPlan:
    """The patient's current plan in full (calendar, risk, sessions, adjuncts, assessments, cost), audited.

    Opens the chart as `open_chart` does (same permission, same answer for a chart the actor may not see), but
    reads the patient together with everything the plan is rebuilt from, in one query."""
    require(actor, Permission.READ_PLAN)
    found = reads.plan_read(session, actor.clinic_id, patient_id)
    patient = visible_chart(actor, found.patient if found is not None else None)
    if found is None or found.course is None or found.version is None:
        raise NotFound("This patient has no therapy plan yet: start a chemo course first.", code="no_plan")
    course, version = found.course, found.version
    closures = ClinicClosures(frozenset(found.closed_weekdays), frozenset(found.closed_days))
    full = rebuild_from(
        session, knowledge, course, version, patient, closures=closures, sessions=found.sessions,
        infusions=found.infusions,
    )  # fmt: skip
    audit_chart(session, actor, "read", "plan_version", version.id, patient_id=patient.id, at=at)
    return StoredPlan(course, version, full)


def rebuild(
    session: Session,
    knowledge: Knowledge,
    course: ChemoCourse,
    version: PlanVersion,
    patient: Patient,
    *,
    closures: ClinicClosures,
) -> FullPlan:
    """Recompute `version` from its inputs and lay the session rows over it (moved by hand, performed, cancelled)."""
    sessions = repository.session_states(session, course.clinic_id, course.id)
    infusions = repository.infusion_changes(session, course.clinic_id, course.id)
    return rebuild_from(
        session, knowledge, course, version, patient, closures=closures, sessions=sessions, infusions=infusions
    )


def rebuild_from(
    session: Session,
    knowledge: Knowledge,
    course: inputs.CourseFacts,
    version: inputs.VersionFacts,
    patient: inputs.PatientRecord,
    *,
    closures: ClinicClosures,
    sessions: list[repository.SessionState],
    infusions: list[repository.InfusionChangeRow],
) -> FullPlan:
    """`rebuild`, from the course's session states and infusion records already read."""
    regimen = course_regimen(knowledge, course.regimen_id, course.custom_regimen)
    protocol = protocol_at(session, knowledge, course.clinic_id, version.protocol_id, version.protocol_version)
    calendar = inputs.calendar_of(knowledge, course, infusions)
    facts = inputs.patient_facts(patient, version.planned_from)
    rows = {r.key: r for r in sessions}
    plan = plan_sessions(
        calendar,
        protocol,
        [knowledge.adjunct(a) for a in version.adjuncts],
        knowledge.gates,
        closures=closures,
        facts=facts,
        not_before=version.planned_from,
        performed=inputs.performed(rows.values()),
    )
    laid: list[PlannedSession] = []
    for planned in plan.sessions:
        row = rows.get(planned.key)
        if row is None or row.status == "planned":
            laid.append(planned._replace(date=row.planned_on) if row is not None else planned)
        elif row.status == "performed":
            laid.append(planned._replace(date=row.performed_on, performed=True, problems=()))
        # cancelled: not part of what will happen, and it did not happen; it stays in the session list
    plan = TherapyPlan(plan.protocol_id, plan.protocol_version, tuple(laid), plan.adjuncts, plan.assessments)
    risk = estimate_cia_risk(regimen, calendar, facts, knowledge.risk_model)
    return FullPlan(regimen, protocol, course.first_infusion, calendar, plan, risk, price_plan(plan, knowledge.tariffs))


def list_versions(session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime) -> list[PlanVersion]:
    patient = open_chart(session, actor, patient_id, Permission.READ_PLAN)
    course = repository.active_course(session, actor.clinic_id, patient.id)
    found = repository.versions(session, actor.clinic_id, course.id) if course else []
    audit_chart(
        session, actor, "search", "plan_version", None, patient_id=patient.id, at=at,
        changes={"disclosed": [str(v.id) for v in found]},
    )  # fmt: skip
    return found


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
