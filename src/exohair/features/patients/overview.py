"""One line per patient for the Patients page: where they stand in chemo today and what comes next.

Read for a page of patients at once (two queries, whatever the page's length) rather than per patient."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exohair.db.models import ChemoCourse, Clinic, Patient, TherapySession
from exohair.domain.access import Actor, Permission, require
from exohair.features.charts import audit_chart
from exohair.features.plans import inputs


@dataclass(frozen=True, slots=True)
class PatientLine:
    patient: Patient
    status: str  # before / in / after / none, as the search's status filter
    next_session: date | None
    next_label: str | None


def patient_lines(session: Session, actor: Actor, found: Sequence[Patient], *, at: datetime) -> list[PatientLine]:
    require(actor, Permission.READ_PLAN)
    today = inputs.clinic_today(session.get_one(Clinic, actor.clinic_id), at)
    ids = [p.id for p in found]
    courses = _active_courses(session, actor.clinic_id, ids)
    upcoming = _next_sessions(session, actor.clinic_id, ids, today)
    lines = []
    for patient in found:
        course = courses.get(patient.id)
        if course is None:
            status = "none"
        elif course[0] > today:
            status = "before"
        elif course[1] >= today:
            status = "in"
        else:
            status = "after"
        day, label = upcoming.get(patient.id, (None, None))
        lines.append(PatientLine(patient, status, day, label))
    if ids:
        audit_chart(session, actor, "search", "plan_overview", None, patient_id=None, at=at,
                    changes={"disclosed": [str(i) for i in ids]})  # fmt: skip
    return lines


def _active_courses(session: Session, clinic_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[date, date]]:
    if not ids:
        return {}
    query = select(ChemoCourse.patient_id, ChemoCourse.first_infusion, ChemoCourse.end_of_chemo).where(
        ChemoCourse.clinic_id == clinic_id, ChemoCourse.patient_id.in_(ids), ChemoCourse.status == "active"
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}


def _next_sessions(
    session: Session, clinic_id: uuid.UUID, ids: list[uuid.UUID], today: date
) -> dict[uuid.UUID, tuple[date, str]]:
    if not ids:
        return {}
    first = (
        select(TherapySession.patient_id, func.min(TherapySession.planned_on).label("day"))
        .where(
            TherapySession.clinic_id == clinic_id,
            TherapySession.patient_id.in_(ids),
            TherapySession.status == "planned",
            TherapySession.planned_on >= today,
        )
        .group_by(TherapySession.patient_id)
        .subquery()
    )
    query = (
        select(TherapySession.patient_id, TherapySession.planned_on, TherapySession.label)
        .join(first, (first.c.patient_id == TherapySession.patient_id) & (first.c.day == TherapySession.planned_on))
        .where(TherapySession.clinic_id == clinic_id, TherapySession.status == "planned")
    )
    found: dict[uuid.UUID, tuple[date, str]] = {}
    for patient_id, day, label in session.execute(query):
        if day is not None:
            found.setdefault(patient_id, (day, label))
    return found
