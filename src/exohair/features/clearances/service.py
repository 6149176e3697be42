"""Oncologist clearance: the clinic requests it; the oncologist signs or declines it, and may revoke a signature.

requested → signed | declined; signed → revoked. Every step is a versioned edit (two oncologists deciding the
same request cannot both win) and an audit entry. Staff of the clinic read clearances; a patient account does
not (no READ_CLINICAL), and the oncologist's inbox lists the requests of the actor's clinic only.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from exohair.db.models import Clearance, Patient
from exohair.domain.access import Actor, Permission, require
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.charts import audit_chart, audit_search, edit_versioned, open_chart, open_record
from exohair.features.clearances import repository
from exohair.features.clearances.schemas import ClearanceDecline, ClearanceRevoke, ClearanceSign
from exohair.features.patients import repository as patient_records

RECORD_TYPE = "clearance"
MAX_PAGE = 200
MAX_NOTE = 2000


def request_clearance(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, note: str | None = None
) -> Clearance:
    patient = open_chart(session, actor, patient_id, Permission.REQUEST_CLEARANCE)
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInput(f"The note is {len(note)} characters; the limit is {MAX_NOTE}.", code="note_too_long")
    # One open request at a time, so the oncologist never decides the same question twice.
    if repository.pending_for_patient(session, actor.clinic_id, patient.id) is not None:
        raise Conflict(
            "A clearance for this patient is already waiting for the oncologist. Wait for that decision.",
            code="clearance_pending",
        )
    clearance = Clearance(
        clinic_id=actor.clinic_id,
        patient_id=patient.id,
        status="requested",
        requested_at=at.astimezone(UTC),
        requested_by=actor.user_id,
    )
    session.add(clearance)
    session.flush()
    # The clearance table has no column for the request's note yet, so the trail is where it is kept.
    changes: dict[str, list[str | None]] = {"status": [None, "requested"]}
    if note is not None:
        changes["request_note"] = [None, note]
    audit_chart(session, actor, "create", RECORD_TYPE, clearance.id, patient_id=patient.id, at=at, changes=changes)
    return clearance


def sign_clearance(
    session: Session, actor: Actor, clearance_id: uuid.UUID, data: ClearanceSign, *, at: datetime
) -> Clearance:
    clearance = _find(session, actor, clearance_id)
    _expect_status(clearance, "requested", code="clearance_not_pending")
    today = _clinic_today(session, actor, at)
    if data.signed_on > today:
        raise InvalidInput(
            f"The signing date {data.signed_on.isoformat()} is after today ({today.isoformat()}).",
            code="signed_in_future",
        )
    values = {
        "status": "signed",
        "signed_on": data.signed_on,
        "expires_on": data.expires_on,
        "conditions": data.conditions,
        **_decided_by(actor, at),
    }
    return _decide(session, actor, clearance, data.version, values, "sign", at)


def decline_clearance(
    session: Session, actor: Actor, clearance_id: uuid.UUID, data: ClearanceDecline, *, at: datetime
) -> Clearance:
    clearance = _find(session, actor, clearance_id)
    _expect_status(clearance, "requested", code="clearance_not_pending")
    values = {"status": "declined", "decline_reason": data.reason, **_decided_by(actor, at)}
    return _decide(session, actor, clearance, data.version, values, "decline", at)


def revoke_clearance(
    session: Session, actor: Actor, clearance_id: uuid.UUID, data: ClearanceRevoke, *, at: datetime
) -> Clearance:
    """Withdraw a signed clearance from `revoked_on` on. decided_at keeps the signing instant: it orders the
    oncologist's decisions, and the revocation amends that decision rather than making a newer one."""
    clearance = _find(session, actor, clearance_id)
    _expect_status(clearance, "signed", code="clearance_not_signed")
    if clearance.signed_on is not None and data.revoked_on < clearance.signed_on:
        raise InvalidInput(
            f"A clearance signed on {clearance.signed_on.isoformat()} cannot be revoked from an earlier day.",
            code="revoked_before_signed",
        )
    values = {
        "status": "revoked",
        "revoked_on": data.revoked_on,
        "revoked_by": actor.user_id,
        "revoke_reason": data.reason,
    }
    return _decide(session, actor, clearance, data.version, values, "revoke", at)


def get_clearance(session: Session, actor: Actor, clearance_id: uuid.UUID, *, at: datetime) -> Clearance:
    found = repository.in_clinic(session, actor.clinic_id, clearance_id)
    missing = NotFound("No such clearance.", code="clearance_not_found")
    clearance = open_record(session, actor, found, Permission.READ_CLINICAL, missing=missing)
    audit_chart(session, actor, "read", RECORD_TYPE, clearance.id, patient_id=clearance.patient_id, at=at)
    return clearance


def list_clearances(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime, limit: int = 50, offset: int = 0
) -> list[Clearance]:
    """Every clearance of the patient, latest request first."""
    patient = open_chart(session, actor, patient_id, Permission.READ_CLINICAL)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    found = repository.for_patient(session, actor.clinic_id, patient.id, limit=limit, offset=offset)
    audit_search(session, actor, RECORD_TYPE, found, patient_id=patient.id, at=at)
    return found


def pending_clearances(
    session: Session, actor: Actor, *, at: datetime, limit: int = 50, offset: int = 0
) -> list[Clearance]:
    """The oncologist's inbox: undecided requests in the actor's clinic, longest waiting first."""
    require(actor, Permission.DECIDE_CLEARANCE)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    found = repository.pending(session, actor.clinic_id, limit=limit, offset=offset)
    # The inbox shows whose charts are waiting, so the entry names those patients.
    patients = list(dict.fromkeys(str(clearance.patient_id) for clearance in found))
    audit_chart(session, actor, "search", RECORD_TYPE, None, patient_id=None, at=at, changes={"disclosed": patients})
    return found


def clearance_inbox(
    session: Session, actor: Actor, *, at: datetime, limit: int = 50, offset: int = 0
) -> list[tuple[Clearance, Patient]]:
    """`pending_clearances` with each request's patient, for the oncologist's inbox page (same audit entry)."""
    found = pending_clearances(session, actor, at=at, limit=limit, offset=offset)
    people = patient_records.by_ids(session, actor.clinic_id, list({c.patient_id for c in found}))
    return [(clearance, people[clearance.patient_id]) for clearance in found]


def _find(session: Session, actor: Actor, clearance_id: uuid.UUID) -> Clearance:
    clearance = repository.in_clinic(session, actor.clinic_id, clearance_id)
    missing = NotFound("No such clearance.", code="clearance_not_found")
    return open_record(session, actor, clearance, Permission.DECIDE_CLEARANCE, missing=missing)


def _expect_status(clearance: Clearance, wanted: str, *, code: str) -> None:
    if clearance.status != wanted:
        raise Conflict(
            f"This clearance is {clearance.status}; only a {wanted} clearance can take this step. "
            "Reload it to see the decision on file.",
            code=code,
        )


def _decided_by(actor: Actor, at: datetime) -> dict[str, Any]:
    return {"oncologist_id": actor.user_id, "decided_at": at.astimezone(UTC)}


def _decide(
    session: Session,
    actor: Actor,
    clearance: Clearance,
    version: int,
    values: Mapping[str, Any],
    action: str,
    at: datetime,
) -> Clearance:
    diff = edit_versioned(session, clearance, version, values, what="clearance")
    audit_chart(session, actor, action, RECORD_TYPE, clearance.id, patient_id=clearance.patient_id, at=at, changes=diff)
    return clearance


def _clinic_today(session: Session, actor: Actor, at: datetime) -> date:
    """Dates of care are calendar dates in the clinic's time zone."""
    return at.astimezone(ZoneInfo(repository.clinic_timezone(session, actor.clinic_id))).date()
