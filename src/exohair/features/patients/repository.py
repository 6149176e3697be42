"""Every query of patients. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from exohair.db.models import ChemoCourse, Patient

# Every chart opening runs this one: built once with bound parameters (building it per call cost as much as
# running it on SQLite, benchmarks/api.py).
_IN_CLINIC = select(Patient).where(Patient.clinic_id == bindparam("clinic_id"), Patient.id == bindparam("patient_id"))


def in_clinic(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> Patient | None:
    return session.scalars(_IN_CLINIC, {"clinic_id": clinic_id, "patient_id": patient_id}).first()


def by_ids(session: Session, clinic_id: uuid.UUID, patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, Patient]:
    if not patient_ids:
        return {}
    query = select(Patient).where(Patient.clinic_id == clinic_id, Patient.id.in_(patient_ids))
    return {patient.id: patient for patient in session.scalars(query)}


def by_mrn(session: Session, clinic_id: uuid.UUID, mrn: str) -> Patient | None:
    return session.scalars(select(Patient).where(Patient.clinic_id == clinic_id, Patient.mrn == mrn)).first()


def search(
    session: Session,
    clinic_id: uuid.UUID,
    text: str | None,
    *,
    limit: int,
    offset: int,
    status: str | None = None,
    today: date | None = None,
) -> list[Patient]:
    """Patients matching `text` in a name or the MRN, and, given `status`, where they stand in chemo `today`:
    before the first infusion, in chemo (to the end of the last cycle), after it, or with no active course."""
    query = select(Patient).where(Patient.clinic_id == clinic_id)
    if status is not None and today is not None:
        course = aliased(ChemoCourse)
        query = query.outerjoin(
            course,
            and_(course.patient_id == Patient.id, course.clinic_id == clinic_id, course.status == "active"),
        )
        query = query.where(
            {
                "none": course.id.is_(None),
                "before": course.first_infusion > today,
                "in": and_(course.first_infusion <= today, course.end_of_chemo >= today),
                "after": course.end_of_chemo < today,
            }[status]
        )
    if text:
        like = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(Patient.family_name).like(like),
                func.lower(Patient.given_name).like(like),
                func.lower(Patient.mrn).like(like),
            )
        )
    query = query.order_by(Patient.family_name, Patient.given_name, Patient.id).limit(limit).offset(offset)
    return list(session.scalars(query))
