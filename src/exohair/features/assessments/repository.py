"""Every query of assessments and scalp photos."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import Assessment, ScalpPhoto


def assessments_of(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, *, limit: int) -> list[Assessment]:
    """Latest first."""
    query = (
        select(Assessment)
        .where(Assessment.clinic_id == clinic_id, Assessment.patient_id == patient_id)
        .order_by(Assessment.assessed_on.desc(), Assessment.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def assessment_in_chart(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, assessment_id: uuid.UUID
) -> Assessment | None:
    query = select(Assessment).where(
        Assessment.clinic_id == clinic_id, Assessment.patient_id == patient_id, Assessment.id == assessment_id
    )
    return session.scalars(query).first()


def photos_of(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, *, view: str | None = None
) -> list[ScalpPhoto]:
    """Latest first; every view, or the one asked for."""
    query = (
        select(ScalpPhoto)
        .where(ScalpPhoto.clinic_id == clinic_id, ScalpPhoto.patient_id == patient_id)
        .order_by(ScalpPhoto.taken_on.desc(), ScalpPhoto.created_at.desc(), ScalpPhoto.id)
    )
    if view is not None:
        query = query.where(ScalpPhoto.view == view)
    return list(session.scalars(query))


def photo_in_clinic(session: Session, clinic_id: uuid.UUID, photo_id: uuid.UUID) -> ScalpPhoto | None:
    query = select(ScalpPhoto).where(ScalpPhoto.clinic_id == clinic_id, ScalpPhoto.id == photo_id)
    return session.scalars(query).first()
