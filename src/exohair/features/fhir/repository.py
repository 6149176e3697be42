"""The queries of a patient's FHIR export: everything on file for her, scoped to her clinic."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import (
    AdverseEvent,
    Assessment,
    ChemoCourse,
    ConsentRecord,
    Patient,
    PlanVersion,
    ProductLot,
    QuestionnaireResponse,
    ScalpPhoto,
    TherapySession,
)

Row = TypeVar("Row")


def _of_patient(
    session: Session, model: type[Row], clinic_id: uuid.UUID, patient_id: uuid.UUID, *order: Any
) -> list[Row]:
    query = select(model).where(model.clinic_id == clinic_id, model.patient_id == patient_id)  # type: ignore[attr-defined]
    return list(session.scalars(query.order_by(*order)))


def courses(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[ChemoCourse]:
    return _of_patient(session, ChemoCourse, clinic_id, patient_id, ChemoCourse.first_infusion)


def current_versions(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> dict[uuid.UUID, PlanVersion]:
    rows = _of_patient(session, PlanVersion, clinic_id, patient_id, PlanVersion.number)
    return {row.course_id: row for row in rows if row.current}


def sessions(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[TherapySession]:
    return _of_patient(session, TherapySession, clinic_id, patient_id, TherapySession.planned_on)


def lots(session: Session, clinic_id: uuid.UUID, lot_ids: set[uuid.UUID]) -> Sequence[ProductLot]:
    if not lot_ids:
        return []
    return session.scalars(
        select(ProductLot).where(ProductLot.clinic_id == clinic_id, ProductLot.id.in_(lot_ids))
    ).all()


def assessments(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[Assessment]:
    return _of_patient(session, Assessment, clinic_id, patient_id, Assessment.assessed_on)


def adverse_events(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[AdverseEvent]:
    return _of_patient(session, AdverseEvent, clinic_id, patient_id, AdverseEvent.onset_on)


def consents(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[ConsentRecord]:
    return _of_patient(session, ConsentRecord, clinic_id, patient_id, ConsentRecord.signed_at)


def responses(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[QuestionnaireResponse]:
    return _of_patient(session, QuestionnaireResponse, clinic_id, patient_id, QuestionnaireResponse.answered_on)


def photos(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[ScalpPhoto]:
    return _of_patient(session, ScalpPhoto, clinic_id, patient_id, ScalpPhoto.taken_on)


def patients_of_clinic(session: Session, clinic_id: uuid.UUID) -> Sequence[uuid.UUID]:
    return session.scalars(select(Patient.id).where(Patient.clinic_id == clinic_id).order_by(Patient.id)).all()


def patients_after(session: Session, clinic_id: uuid.UUID, after: uuid.UUID | None, *, limit: int) -> list[uuid.UUID]:
    """The next `limit` patient ids of the clinic in id order after `after` (a page of a bulk export: keyset, so a
    patient added or removed meanwhile never shifts the pages)."""
    query = select(Patient.id).where(Patient.clinic_id == clinic_id)
    if after is not None:
        query = query.where(Patient.id > after)
    return list(session.scalars(query.order_by(Patient.id).limit(limit)))
