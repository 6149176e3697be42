"""Every query of clearances. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.functions import first_of_each
from exohair.db.models import Clearance, Clinic


def in_clinic(session: Session, clinic_id: uuid.UUID, clearance_id: uuid.UUID) -> Clearance | None:
    query = select(Clearance).where(Clearance.clinic_id == clinic_id, Clearance.id == clearance_id)
    return session.scalars(query).first()


def for_patient(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, *, limit: int, offset: int
) -> list[Clearance]:
    """Latest request first."""
    query = (
        select(Clearance)
        .where(Clearance.clinic_id == clinic_id, Clearance.patient_id == patient_id)
        .order_by(Clearance.requested_at.desc(), Clearance.created_at.desc(), Clearance.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def pending_for_patient(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> Clearance | None:
    query = select(Clearance).where(
        Clearance.clinic_id == clinic_id, Clearance.patient_id == patient_id, Clearance.status == "requested"
    )
    return session.scalars(query.limit(1)).first()


def pending(session: Session, clinic_id: uuid.UUID, *, limit: int, offset: int) -> list[Clearance]:
    """Undecided requests, oldest first: the inbox is worked in the order patients have been waiting."""
    query = (
        select(Clearance)
        .where(Clearance.clinic_id == clinic_id, Clearance.status == "requested")
        .order_by(Clearance.requested_at, Clearance.created_at, Clearance.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def current(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> Clearance | None:
    """The oncologist's latest decision that can let a session go ahead or stop it: the most recently decided
    clearance that is signed or revoked. A revoked one is returned, not skipped, so that the gate blocks sessions
    from its revoked_on on instead of falling back to an older signature."""
    return current_each(session, clinic_id, [patient_id]).get(patient_id)


def current_each(
    session: Session, clinic_id: uuid.UUID, patient_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Clearance]:
    """`current` for several patients in one query (a worklist's page)."""
    query = (
        select(Clearance)
        .where(
            Clearance.clinic_id == clinic_id,
            Clearance.patient_id.in_(patient_ids),
            Clearance.status.in_(("signed", "revoked")),
        )
        .order_by(Clearance.patient_id, Clearance.decided_at.desc().nulls_last(), Clearance.created_at.desc(),
                  Clearance.id)
    )  # fmt: skip
    return first_of_each(session.scalars(query))


def clinic_timezone(session: Session, clinic_id: uuid.UUID) -> str:
    return session.scalars(select(Clinic.timezone).where(Clinic.id == clinic_id)).one()
