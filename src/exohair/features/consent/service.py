"""Consent: record a signature, withdraw it, list a patient's consents — authorised, clinic-scoped, audited.

A patient account may record and withdraw consent for itself only (open_chart refuses any other chart); staff
record paper consents on the patient's behalf. A withdrawal is a new fact on the record, never a deletion.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from exohair.db.models import ConsentRecord
from exohair.domain.access import Actor, Permission
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.charts import audit_chart, audit_search, edit_versioned, open_chart, open_record
from exohair.features.consent import repository
from exohair.features.consent.schemas import ConsentIn

RECORD_TYPE = "consent"
MAX_PAGE = 200
# Devices' clocks disagree by minutes; a signature further in the future than that is a typed-in mistake.
CLOCK_SKEW = timedelta(minutes=5)


def record_consent(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: ConsentIn, *, at: datetime
) -> ConsentRecord:
    patient = open_chart(session, actor, patient_id, Permission.RECORD_CONSENT)
    if data.signed_at > at + CLOCK_SKEW:
        raise InvalidInput(
            f"The signature's time {data.signed_at.isoformat()} is in the future. Enter when the document was signed.",
            code="signed_in_future",
        )
    values = data.model_dump()
    consent = ConsentRecord(clinic_id=actor.clinic_id, patient_id=patient.id, recorded_by=actor.user_id, **values)
    session.add(consent)
    session.flush()
    changes = _created(values)
    audit_chart(session, actor, "create", RECORD_TYPE, consent.id, patient_id=patient.id, at=at, changes=changes)
    return consent


def withdraw_consent(
    session: Session, actor: Actor, consent_id: uuid.UUID, version: int, *, at: datetime
) -> ConsentRecord:
    """Mark the consent withdrawn as of `at`, if the actor saw its current version; a second withdrawal is a
    conflict rather than a silent no-op, so nobody believes they withdrew something that was already gone."""
    found = repository.in_clinic(session, actor.clinic_id, consent_id)
    missing = NotFound("No such consent.", code="consent_not_found")
    consent = open_record(session, actor, found, Permission.RECORD_CONSENT, missing=missing)
    if consent.withdrawn_at is not None:
        raise Conflict(
            f"This consent was already withdrawn on {consent.withdrawn_at.isoformat()}.", code="consent_withdrawn"
        )
    diff = edit_versioned(session, consent, version, {"withdrawn_at": at.astimezone(UTC)}, what="consent")
    audit_chart(session, actor, "withdraw", RECORD_TYPE, consent.id, patient_id=consent.patient_id, at=at, changes=diff)
    return consent


def get_consent(session: Session, actor: Actor, consent_id: uuid.UUID, *, at: datetime) -> ConsentRecord:
    found = repository.in_clinic(session, actor.clinic_id, consent_id)
    missing = NotFound("No such consent.", code="consent_not_found")
    consent = open_record(session, actor, found, Permission.READ_CONSENT, missing=missing)
    audit_chart(session, actor, "read", RECORD_TYPE, consent.id, patient_id=consent.patient_id, at=at)
    return consent


def list_consents(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, limit: int = 50, offset: int = 0
) -> list[ConsentRecord]:
    """Every consent of the patient, withdrawn ones included, latest signature first."""
    patient = open_chart(session, actor, patient_id, Permission.READ_CONSENT)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    found = repository.for_patient(session, actor.clinic_id, patient.id, limit=limit, offset=offset)
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found


def _created(values: Mapping[str, object]) -> dict[str, list[str | None]]:
    return {field: [None, str(value)] for field, value in values.items() if value is not None}
