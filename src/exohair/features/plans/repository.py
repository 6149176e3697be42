"""Every query behind plans, courses and sessions. Each takes the clinic: no query may cross clinics.

The queries of a plan read (`GET /patients/{id}/plan`, the busiest route) are built once, with bound parameters:
building a statement and its cache key on every call cost more than running it on SQLite (benchmarks/api.py).
They also load columns rather than ORM objects where the read only needs a few values of many rows, and run
those on the session's connection (the same transaction) rather than through the ORM, which has nothing to add.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from exohair.db.models import (
    AssessmentDue,
    ChemoCourse,
    Clinic,
    ClosedDay,
    InfusionRecord,
    PlanVersion,
    TherapySession,
)


class SessionState(NamedTuple):
    """What a plan read needs of a session row: where it stands, not its clinical record."""

    key: str
    kind: str
    status: str
    planned_on: date | None
    performed_on: date | None


class InfusionChangeRow(NamedTuple):
    cycle: int
    day: int
    delay_days: int
    skipped: bool


_SESSION_STATES = select(
    TherapySession.key, TherapySession.kind, TherapySession.status, TherapySession.planned_on,
    TherapySession.performed_on,
).where(
    TherapySession.clinic_id == bindparam("clinic_id"), TherapySession.course_id == bindparam("course_id")
)  # fmt: skip
_INFUSION_CHANGES = (
    select(InfusionRecord.cycle, InfusionRecord.day, InfusionRecord.delay_days, InfusionRecord.skipped)
    .where(InfusionRecord.clinic_id == bindparam("clinic_id"), InfusionRecord.course_id == bindparam("course_id"))
    .order_by(InfusionRecord.course_version)  # as infusion_records orders them
)
_CLOSED_DAYS = select(ClosedDay.day).where(ClosedDay.clinic_id == bindparam("clinic_id"))


def course(session: Session, clinic_id: uuid.UUID, course_id: uuid.UUID) -> ChemoCourse | None:
    query = select(ChemoCourse).where(ChemoCourse.clinic_id == clinic_id, ChemoCourse.id == course_id)
    return session.scalars(query).first()


def active_course(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> ChemoCourse | None:
    query = (
        select(ChemoCourse)
        .where(ChemoCourse.clinic_id == clinic_id, ChemoCourse.patient_id == patient_id, ChemoCourse.status == "active")
        .order_by(ChemoCourse.created_at.desc())
    )
    return session.scalars(query).first()


def courses_of(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[ChemoCourse]:
    query = select(ChemoCourse).where(ChemoCourse.clinic_id == clinic_id, ChemoCourse.patient_id == patient_id)
    return list(session.scalars(query.order_by(ChemoCourse.created_at.desc())))


def infusion_records(session: Session, clinic_id: uuid.UUID, course_id: uuid.UUID) -> list[InfusionRecord]:
    query = select(InfusionRecord).where(InfusionRecord.clinic_id == clinic_id, InfusionRecord.course_id == course_id)
    return list(session.scalars(query.order_by(InfusionRecord.course_version)))


def infusion_changes(session: Session, clinic_id: uuid.UUID, course_id: uuid.UUID) -> list[InfusionChangeRow]:
    """What `infusion_records` says about each infusion, in the same order, without loading the records."""
    params = {"clinic_id": clinic_id, "course_id": course_id}
    return [InfusionChangeRow(*row) for row in session.connection().execute(_INFUSION_CHANGES, params)]


def courses_with_changes(
    session: Session, clinic_id: uuid.UUID, course_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[ChemoCourse, list[InfusionChangeRow]]]:
    """Several courses and what `infusion_changes` says of each, in two queries (a worklist's page)."""
    if not course_ids:
        return {}
    found = session.scalars(
        select(ChemoCourse).where(ChemoCourse.clinic_id == clinic_id, ChemoCourse.id.in_(course_ids))
    )
    changes: dict[uuid.UUID, list[InfusionChangeRow]] = {}
    query = (
        select(InfusionRecord.course_id, InfusionRecord.cycle, InfusionRecord.day, InfusionRecord.delay_days,
               InfusionRecord.skipped)
        .where(InfusionRecord.clinic_id == clinic_id, InfusionRecord.course_id.in_(course_ids))
        .order_by(InfusionRecord.course_id, InfusionRecord.course_version)  # as infusion_records orders them
    )  # fmt: skip
    for course_id, cycle, day, delay_days, skipped in session.connection().execute(query):
        changes.setdefault(course_id, []).append(InfusionChangeRow(cycle, day, delay_days, skipped))
    return {course.id: (course, changes.get(course.id, [])) for course in found}


def current_version(session: Session, clinic_id: uuid.UUID, course_id: uuid.UUID) -> PlanVersion | None:
    query = select(PlanVersion).where(
        PlanVersion.clinic_id == clinic_id, PlanVersion.course_id == course_id, PlanVersion.current.is_(True)
    )
    return session.scalars(query).first()


def versions(session: Session, clinic_id: uuid.UUID, course_id: uuid.UUID) -> list[PlanVersion]:
    query = select(PlanVersion).where(PlanVersion.clinic_id == clinic_id, PlanVersion.course_id == course_id)
    return list(session.scalars(query.order_by(PlanVersion.number.desc())))


def sessions_of_course(session: Session, clinic_id: uuid.UUID, course_id: uuid.UUID) -> list[TherapySession]:
    query = select(TherapySession).where(TherapySession.clinic_id == clinic_id, TherapySession.course_id == course_id)
    return list(session.scalars(query))


def session_states(session: Session, clinic_id: uuid.UUID, course_id: uuid.UUID) -> list[SessionState]:
    params = {"clinic_id": clinic_id, "course_id": course_id}
    return [SessionState(*row) for row in session.connection().execute(_SESSION_STATES, params)]


def therapy_session(session: Session, clinic_id: uuid.UUID, session_id: uuid.UUID) -> TherapySession | None:
    query = select(TherapySession).where(TherapySession.clinic_id == clinic_id, TherapySession.id == session_id)
    return session.scalars(query).first()


def find_sessions(
    session: Session,
    clinic_id: uuid.UUID,
    *,
    patient_id: uuid.UUID | None,
    from_date: date | None,
    to_date: date | None,
    status: str | None,
    limit: int,
    offset: int,
) -> list[TherapySession]:
    query = select(TherapySession).where(TherapySession.clinic_id == clinic_id)
    if patient_id is not None:
        query = query.where(TherapySession.patient_id == patient_id)
    if from_date is not None:
        query = query.where(TherapySession.planned_on >= from_date)
    if to_date is not None:
        query = query.where(TherapySession.planned_on <= to_date)
    if status is not None:
        query = query.where(TherapySession.status == status)
    query = query.order_by(TherapySession.planned_on, TherapySession.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def closed_days(session: Session, clinic: Clinic) -> list[date]:
    return list(session.connection().scalars(_CLOSED_DAYS, {"clinic_id": clinic.id}))


def replace_assessments_due(
    session: Session, course: ChemoCourse, due: Iterable[tuple[date, str]], *, from_day: date
) -> None:
    """The course's assessment visits from `from_day` on become `due` (date, label); earlier ones stay as history."""
    session.execute(delete(AssessmentDue).where(AssessmentDue.course_id == course.id, AssessmentDue.due_on >= from_day))
    session.add_all(
        AssessmentDue(clinic_id=course.clinic_id, patient_id=course.patient_id, course_id=course.id, label=label,
                      due_on=day)
        for day, label in due
    )  # fmt: skip


def assessments_due(session: Session, course_id: uuid.UUID, *, before: date) -> list[AssessmentDue]:
    query = select(AssessmentDue).where(AssessmentDue.course_id == course_id, AssessmentDue.due_on < before)
    return list(session.scalars(query))
