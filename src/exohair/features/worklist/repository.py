"""Queries of the worklist. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exohair.db.models import Assessment, AssessmentDue, ChemoCourse, Patient, PlanVersion, TherapySession


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


def overdue_assessments(
    session: Session, clinic_id: uuid.UUID, today: date, *, since: date, done_within_days: int, limit: int
) -> tuple[list[tuple[AssessmentDue, Patient]], int]:
    """Assessment visits due from `since` to yesterday, of active courses, with no clinician's assessment of the
    patient from `done_within_days` before the due day on (one done a little early counts); the oldest first,
    and how many there are in all."""
    done = (
        select(Assessment.id)
        .where(
            Assessment.clinic_id == clinic_id,
            Assessment.patient_id == AssessmentDue.patient_id,
            Assessment.source == "clinician",
            Assessment.assessed_on >= AssessmentDue.due_on - timedelta(days=done_within_days),
        )
        .exists()
    )
    where = (
        AssessmentDue.clinic_id == clinic_id,
        AssessmentDue.due_on >= since,
        AssessmentDue.due_on < today,
        ChemoCourse.status == "active",
        ~done,
    )
    base = select(AssessmentDue, Patient).join(Patient, Patient.id == AssessmentDue.patient_id)
    base = base.join(ChemoCourse, ChemoCourse.id == AssessmentDue.course_id).where(*where)
    rows = session.execute(base.order_by(AssessmentDue.due_on, Patient.family_name, AssessmentDue.id).limit(limit))
    count_query = (
        select(func.count())
        .select_from(AssessmentDue)
        .join(ChemoCourse, ChemoCourse.id == AssessmentDue.course_id)
        .where(*where)
    )
    return [(row[0], row[1]) for row in rows], session.scalar(count_query) or 0
