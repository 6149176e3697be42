"""Lab results: record, list, read and correct a patient's blood counts — authorised, clinic-scoped, audited.

Lab results are staff business: a patient account has no READ_CLINICAL, so the clinic discusses counts with
the patient rather than publishing them in the portal.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exohair.db.models import LabResult
from exohair.domain.access import Actor, Permission
from exohair.domain.errors import InvalidInput, NotFound
from exohair.features.charts import audit_chart, audit_search, edit_versioned, open_chart, open_record
from exohair.features.labs import repository
from exohair.features.labs.schemas import ANALYTES, LabsChanges, LabsIn

RECORD_TYPE = "lab_result"
MAX_PAGE = 200
# Clocks on analysers, phones and the server disagree by minutes; beyond that a future sample is a typo
# (a wrong day or AM/PM) that would let a stale count pass for a fresh one at the safety gate.
CLOCK_SKEW = timedelta(minutes=5)


def record_labs(session: Session, actor: Actor, patient_id: uuid.UUID, data: LabsIn, *, at: datetime) -> LabResult:
    patient = open_chart(session, actor, patient_id, Permission.RECORD_LABS)
    _check_taken_at(data.taken_at, at)
    values = data.model_dump()
    lab = LabResult(clinic_id=actor.clinic_id, patient_id=patient.id, entered_by=actor.user_id, **values)
    session.add(lab)
    session.flush()
    audit_chart(session, actor, "create", RECORD_TYPE, lab.id, patient_id=patient.id, at=at, changes=_created(values))
    return lab


def list_labs(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, limit: int = 50, offset: int = 0
) -> list[LabResult]:
    """The patient's results, newest sample first."""
    patient = open_chart(session, actor, patient_id, Permission.READ_CLINICAL)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    found = repository.for_patient(session, actor.clinic_id, patient.id, limit=limit, offset=offset)
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found


def get_labs(session: Session, actor: Actor, lab_id: uuid.UUID, *, at: datetime) -> LabResult:
    lab = _find(session, actor, lab_id, Permission.READ_CLINICAL)
    audit_chart(session, actor, "read", RECORD_TYPE, lab.id, patient_id=lab.patient_id, at=at)
    return lab


def edit_labs(session: Session, actor: Actor, lab_id: uuid.UUID, changes: LabsChanges, *, at: datetime) -> LabResult:
    """Correct a result if the editor saw its current version; otherwise refuse (409) and change nothing."""
    lab = _find(session, actor, lab_id, Permission.RECORD_LABS)
    values = changes.model_dump(exclude_unset=True, exclude={"version"})
    if "taken_at" in values:
        _check_taken_at(values["taken_at"], at)
    if all(values.get(name, getattr(lab, name)) is None for name in ANALYTES):
        raise InvalidInput(
            "A lab result needs at least one value, and this change would remove the last one. "
            "Enter the corrected value instead of removing it.",
            code="no_analytes",
        )
    diff = edit_versioned(session, lab, changes.version, values, what="lab result")
    audit_chart(session, actor, "update", RECORD_TYPE, lab.id, patient_id=lab.patient_id, at=at, changes=diff)
    return lab


def _find(session: Session, actor: Actor, lab_id: uuid.UUID, permission: Permission) -> LabResult:
    lab = repository.in_clinic(session, actor.clinic_id, lab_id)
    missing = NotFound("No such lab result.", code="lab_result_not_found")
    return open_record(session, actor, lab, permission, missing=missing)


def _check_taken_at(taken_at: datetime, at: datetime) -> None:
    if taken_at > at + CLOCK_SKEW:
        raise InvalidInput(
            f"The sample's time {taken_at.isoformat()} is in the future. Enter when the blood was drawn.",
            code="taken_in_future",
        )


def _created(values: Mapping[str, object]) -> dict[str, list[str | None]]:
    return {field: [None, str(value)] for field, value in values.items() if value is not None}
