"""Every query of lab results. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.functions import first_of_each
from exohair.db.models import LabResult


def in_clinic(session: Session, clinic_id: uuid.UUID, lab_id: uuid.UUID) -> LabResult | None:
    return session.scalars(select(LabResult).where(LabResult.clinic_id == clinic_id, LabResult.id == lab_id)).first()


def for_patient(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, *, limit: int, offset: int
) -> list[LabResult]:
    """Newest sample first."""
    query = (
        select(LabResult)
        .where(LabResult.clinic_id == clinic_id, LabResult.patient_id == patient_id)
        .order_by(LabResult.taken_at.desc(), LabResult.created_at.desc(), LabResult.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def latest_before(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, at: datetime) -> LabResult | None:
    """The most recent sample drawn at or before `at`: the one a session on that day is judged by. A sample
    entered later but drawn earlier still counts by when it was drawn."""
    return latest_before_each(session, clinic_id, [patient_id], at).get(patient_id)


def latest_before_each(
    session: Session, clinic_id: uuid.UUID, patient_ids: Sequence[uuid.UUID], at: datetime
) -> dict[uuid.UUID, LabResult]:
    """`latest_before` for several patients in one query (a worklist's page)."""
    query = (
        select(LabResult)
        .where(LabResult.clinic_id == clinic_id, LabResult.patient_id.in_(patient_ids), LabResult.taken_at <= at)
        .order_by(LabResult.patient_id, LabResult.taken_at.desc(), LabResult.created_at.desc(), LabResult.id)
    )
    return first_of_each(session.scalars(query))
