"""Every query of consent records. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.functions import first_of_each
from exohair.db.models import ConsentRecord


def in_clinic(session: Session, clinic_id: uuid.UUID, consent_id: uuid.UUID) -> ConsentRecord | None:
    query = select(ConsentRecord).where(ConsentRecord.clinic_id == clinic_id, ConsentRecord.id == consent_id)
    return session.scalars(query).first()


def for_patient(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, *, limit: int, offset: int
) -> list[ConsentRecord]:
    """Latest signature first, every scope."""
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.clinic_id == clinic_id, ConsentRecord.patient_id == patient_id)
        .order_by(ConsentRecord.signed_at.desc(), ConsentRecord.created_at.desc(), ConsentRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def latest(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, scope: str) -> ConsentRecord | None:
    """The latest signed consent of this scope, withdrawn or not: a withdrawal of the latest one means there is
    no consent now, even if an older signature was never withdrawn (the patient's last word counts)."""
    return latest_each(session, clinic_id, [patient_id], scope).get(patient_id)


def latest_each(
    session: Session, clinic_id: uuid.UUID, patient_ids: Sequence[uuid.UUID], scope: str
) -> dict[uuid.UUID, ConsentRecord]:
    """`latest` for several patients in one query (a worklist's page)."""
    query = (
        select(ConsentRecord)
        .where(
            ConsentRecord.clinic_id == clinic_id,
            ConsentRecord.patient_id.in_(patient_ids),
            ConsentRecord.scope == scope,
        )
        .order_by(ConsentRecord.patient_id, ConsentRecord.signed_at.desc(), ConsentRecord.created_at.desc(),
                  ConsentRecord.id)
    )  # fmt: skip
    return first_of_each(session.scalars(query))
