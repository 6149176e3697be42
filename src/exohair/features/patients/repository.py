"""Every query of patients. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from exohair.db.models import Patient


def in_clinic(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> Patient | None:
    return session.scalars(select(Patient).where(Patient.clinic_id == clinic_id, Patient.id == patient_id)).first()


def by_mrn(session: Session, clinic_id: uuid.UUID, mrn: str) -> Patient | None:
    return session.scalars(select(Patient).where(Patient.clinic_id == clinic_id, Patient.mrn == mrn)).first()


def search(session: Session, clinic_id: uuid.UUID, text: str | None, *, limit: int, offset: int) -> list[Patient]:
    query = select(Patient).where(Patient.clinic_id == clinic_id)
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
