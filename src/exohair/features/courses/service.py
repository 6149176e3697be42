"""Start a chemo course (and its first plan), record delayed or skipped infusions (re-anchoring the plan), and
change the protocol. Recording an infusion can be previewed: the same computation, rolled back, so the user
sees which sessions would move before saving."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import ChemoCourse, InfusionRecord, PlanVersion
from exohair.domain.access import Actor, Permission, require
from exohair.domain.calendar import build_chemo_calendar, change_for_actual_date
from exohair.domain.errors import Conflict, NotFound
from exohair.features.audit.service import dry_run
from exohair.features.charts import audit_chart, audit_search, edit_versioned, expect_version, open_chart, open_record
from exohair.features.courses.regimens import course_regimen, requested_regimen
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn, PlanChangeIn
from exohair.features.plans import inputs, repository
from exohair.features.plans.service import Replanned, make_version
from exohair.knowledge import Knowledge


def start_course(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: CourseIn, knowledge: Knowledge, *, at: datetime
) -> Replanned:
    patient = open_chart(session, actor, patient_id, Permission.MANAGE_COURSE)
    if repository.active_course(session, actor.clinic_id, patient.id) is not None:
        raise Conflict("This patient already has an active chemo course; stop it before starting another.",
                       code="course_active")  # fmt: skip
    regimen = requested_regimen(knowledge, data)
    knowledge.protocol(data.protocol)  # unknown names fail before anything is written
    calendar = build_chemo_calendar(regimen, data.first_infusion)
    custom = None
    if data.custom_regimen is not None:  # stored with agents by id, so a renamed synonym cannot change it
        schedule = data.custom_regimen.schedule()
        agent_ids = tuple(dict.fromkeys(knowledge.agent(a).id for a in schedule.agent_ids))
        custom = replace(schedule, agent_ids=agent_ids).as_json()
    course = ChemoCourse(
        clinic_id=actor.clinic_id,
        patient_id=patient.id,
        regimen_id=regimen.id,
        custom_regimen=custom,
        first_infusion=data.first_infusion,
        end_of_chemo=calendar.end_of_chemo,
        last_cytotoxic_infusion=calendar.last_cytotoxic_infusion,
        status="active",
    )
    session.add(course)
    session.flush()
    audit_chart(
        session, actor, "create", "chemo_course", course.id, patient_id=patient.id, at=at,
        changes={"regimen_id": [None, regimen.id], "first_infusion": [None, data.first_infusion.isoformat()],
                 **({"custom_regimen": [None, regimen.name]} if custom else {})},
    )  # fmt: skip
    return make_version(
        session, actor, knowledge, course, reason="Course started.", at=at,
        protocol_id=data.protocol, adjunct_ids=data.adjuncts,
    )  # fmt: skip


def record_infusion(
    session: Session,
    actor: Actor,
    course_id: uuid.UUID,
    data: InfusionRecordIn,
    knowledge: Knowledge,
    *,
    at: datetime,
    preview: bool = False,
) -> Replanned:
    """Record what happened to one infusion, re-anchor the plan, and say which sessions moved.

    With `preview`, nothing is kept: the work runs inside a savepoint that is rolled back, audit entry included.
    """
    require(actor, Permission.MANAGE_COURSE)
    course = _course(session, actor, course_id)
    if not preview:
        return _record(session, actor, course, data, knowledge, at=at)
    with dry_run(session):
        result = _record(session, actor, course, data, knowledge, at=at)
        # A transient copy: the version the preview would have filed, never added to the session.
        shown = PlanVersion(**{c: getattr(result.version, c) for c in _SHOWN})
    return Replanned(course, shown, result.moves)


_SHOWN = ("number", "protocol_id", "protocol_version", "adjuncts", "reason", "planned_from", "sessions", "moved")


def _record(
    session: Session, actor: Actor, course: ChemoCourse, data: InfusionRecordIn, knowledge: Knowledge, *, at: datetime
) -> Replanned:
    if course.status != "active":
        raise Conflict("This course is stopped; its infusions can no longer change.", code="course_stopped")
    expect_version(course, data.version, what="chemo course")  # a stale record must not reach the table
    records = repository.infusion_records(session, course.clinic_id, course.id)
    delay = data.delay_days or 0
    if data.given_on is not None:
        # Measured against the calendar without any earlier record of this same infusion: it replaces that record.
        others = [r for r in records if (r.cycle, r.day) != (data.cycle, data.day)]
        regimen = course_regimen(knowledge, course.regimen_id, course.custom_regimen)
        calendar = build_chemo_calendar(regimen, course.first_infusion, inputs.infusion_changes(others))
        delay = change_for_actual_date(calendar, data.cycle, data.day, data.given_on).delay_days
    record = InfusionRecord(
        clinic_id=course.clinic_id,
        course_id=course.id,
        course_version=course.version,
        cycle=data.cycle,
        day=data.day,
        delay_days=delay,
        skipped=data.skipped,
        reason=data.reason,
        recorded_at=at,
        recorded_by=actor.user_id,
    )
    session.add(record)
    session.flush()
    calendar = inputs.course_calendar(session, knowledge, course)  # refuses unknown cycles, out-of-order dates
    edit_versioned(
        session, course, data.version,
        {"end_of_chemo": calendar.end_of_chemo, "last_cytotoxic_infusion": calendar.last_cytotoxic_infusion},
        what="chemo course",
    )  # fmt: skip
    course.updated_at = at  # the course's version moves with every record, even one that moves no end date
    session.flush()
    what = "skipped" if data.skipped else f"given {delay:+d} day(s) from plan"
    audit_chart(
        session, actor, "create", "infusion_record", record.id, patient_id=course.patient_id, at=at,
        changes={"cycle": data.cycle, "day": data.day, "delay_days": delay, "skipped": data.skipped},
    )  # fmt: skip
    return make_version(session, actor, knowledge, course, reason=f"Cycle {data.cycle} day {data.day} {what}.", at=at)


def change_plan(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: PlanChangeIn, knowledge: Knowledge, *, at: datetime
) -> Replanned:
    patient = open_chart(session, actor, patient_id, Permission.MANAGE_COURSE)
    course = repository.active_course(session, actor.clinic_id, patient.id)
    if course is None:
        raise NotFound("This patient has no active chemo course to plan around.", code="no_course")
    return make_version(
        session, actor, knowledge, course, reason=data.reason, at=at, protocol_id=data.protocol,
        adjunct_ids=data.adjuncts,
    )  # fmt: skip


def get_course(session: Session, actor: Actor, course_id: uuid.UUID, *, at: datetime) -> ChemoCourse:
    require(actor, Permission.READ_PLAN)
    course = _course(session, actor, course_id)
    audit_chart(session, actor, "read", "chemo_course", course.id, patient_id=course.patient_id, at=at)
    return course


def list_courses(session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime) -> list[ChemoCourse]:
    patient = open_chart(session, actor, patient_id, Permission.READ_PLAN)
    found = repository.courses_of(session, actor.clinic_id, patient.id)
    audit_search(session, actor, "chemo_course", found, patient_id=patient.id, at=at)
    return found


def _course(session: Session, actor: Actor, course_id: uuid.UUID) -> ChemoCourse:
    course = repository.course(session, actor.clinic_id, course_id)
    missing = NotFound("No such chemo course.", code="course_not_found")
    return open_record(session, actor, course, Permission.READ_PLAN, missing=missing)
