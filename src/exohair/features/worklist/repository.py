"""Queries of the worklist. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exohair.db.models import Patient, PlanVersion, TherapySession


def due_sessions(
    session: Session, clinic_id: uuid.UUID, first: date, last: date, *, limit: int, offset: int
) -> list[tuple[TherapySession, Patient]]:
    query = (
        select(TherapySession, Patient)
        .join(Patient, Patient.id == TherapySession.patient_id)
        .where(
            TherapySession.clinic_id == clinic_id,
            TherapySession.status == "planned",
            TherapySession.planned_on >= first,
            TherapySession.planned_on <= last,
        )
        .order_by(TherapySession.planned_on, Patient.family_name, Patient.given_name, TherapySession.id)
        .limit(limit)
        .offset(offset)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def due_per_day(session: Session, clinic_id: uuid.UUID, first: date, last: date) -> dict[date, int]:
    query = (
        select(TherapySession.planned_on, func.count())
        .where(
            TherapySession.clinic_id == clinic_id,
            TherapySession.status == "planned",
            TherapySession.planned_on >= first,
            TherapySession.planned_on <= last,
        )
        .group_by(TherapySession.planned_on)
    )
    return {day: count for day, count in session.execute(query) if day is not None}


def recently_moved(session: Session, clinic_id: uuid.UUID, *, limit: int) -> list[tuple[PlanVersion, Patient]]:
    """The latest plan versions that moved sessions (a delayed or skipped infusion, a changed protocol)."""
    query = (
        select(PlanVersion, Patient)
        .join(Patient, Patient.id == PlanVersion.patient_id)
        .where(PlanVersion.clinic_id == clinic_id, PlanVersion.number > 1, PlanVersion.current.is_(True))
        .order_by(PlanVersion.created_at.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in session.execute(query) if row[0].moved]
