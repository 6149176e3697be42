"""Every query of adverse events and of the sessions and lots they point to. Each takes the clinic: no query
may cross clinics."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import AdverseEvent, Clinic, ProductLot, TherapySession


def in_clinic(session: Session, clinic_id: uuid.UUID, event_id: uuid.UUID) -> AdverseEvent | None:
    query = select(AdverseEvent).where(AdverseEvent.clinic_id == clinic_id, AdverseEvent.id == event_id)
    return session.scalars(query).first()


def for_patient(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, *, limit: int, offset: int
) -> list[AdverseEvent]:
    """Latest onset first."""
    query = (
        select(AdverseEvent)
        .where(AdverseEvent.clinic_id == clinic_id, AdverseEvent.patient_id == patient_id)
        .order_by(AdverseEvent.onset_on.desc(), AdverseEvent.created_at.desc(), AdverseEvent.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def for_lot(session: Session, clinic_id: uuid.UUID, lot_id: uuid.UUID) -> list[AdverseEvent]:
    """Every event traced to one product lot, in order of onset: what a lot recall or a per-lot report reads."""
    query = (
        select(AdverseEvent)
        .where(AdverseEvent.clinic_id == clinic_id, AdverseEvent.product_lot_id == lot_id)
        .order_by(AdverseEvent.onset_on, AdverseEvent.created_at, AdverseEvent.id)
    )
    return list(session.scalars(query))


def therapy_session(session: Session, clinic_id: uuid.UUID, session_id: uuid.UUID) -> TherapySession | None:
    query = select(TherapySession).where(TherapySession.clinic_id == clinic_id, TherapySession.id == session_id)
    return session.scalars(query).first()


def product_lot(session: Session, clinic_id: uuid.UUID, lot_id: uuid.UUID) -> ProductLot | None:
    query = select(ProductLot).where(ProductLot.clinic_id == clinic_id, ProductLot.id == lot_id)
    return session.scalars(query).first()


def clinic_timezone(session: Session, clinic_id: uuid.UUID) -> str:
    return session.scalars(select(Clinic.timezone).where(Clinic.id == clinic_id)).one()
