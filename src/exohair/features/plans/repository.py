"""Every query behind plans, courses and sessions. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import ChemoCourse, Clinic, ClosedDay, InfusionRecord, PlanVersion, TherapySession


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
    return list(session.scalars(select(ClosedDay.day).where(ClosedDay.clinic_id == clinic.id)))
