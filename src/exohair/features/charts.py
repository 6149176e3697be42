"""Opening a patient's chart: the one gate every service passes before it reads or writes patient data.

`open_chart` checks the permission, the clinic and (for a patient account) that the chart is their own; the
answer for a chart the actor may not see is the same NotFound as for one that does not exist. `audit_chart`
records the access in the same transaction, naming the patient whose data was touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from exohair.db.base import Versioned
from exohair.db.models import Patient
from exohair.domain.access import Actor, Permission, may_see_patient, require
from exohair.domain.errors import Conflict, NotFound
from exohair.features.audit.service import audit_entry, queue_entries
from exohair.features.patients import repository

VersionedRow = TypeVar("VersionedRow", bound=Versioned)


def open_chart(session: Session, actor: Actor, patient_id: uuid.UUID, permission: Permission) -> Patient:
    require(actor, permission)
    return visible_chart(actor, repository.in_clinic(session, actor.clinic_id, patient_id))


class Chart(Protocol):
    """A patient row, or the columns of one that say whose chart it is."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def clinic_id(self) -> uuid.UUID: ...


ChartRow = TypeVar("ChartRow", bound=Chart)


def visible_chart(actor: Actor, patient: ChartRow | None) -> ChartRow:
    """`patient` (read from the actor's clinic) if the actor may see the chart, else the NotFound a made-up id
    gets. For a use case that reads the patient with more in one query; it checks the permission first."""
    if patient is None or not may_see_patient(actor, patient.clinic_id, patient.id):
        raise NotFound("No such patient.", code="patient_not_found")
    return patient


class PatientRecord(Protocol):
    patient_id: uuid.UUID


Record = TypeVar("Record", bound=PatientRecord)


def open_record(
    session: Session, actor: Actor, row: Record | None, permission: Permission, *, missing: NotFound
) -> Record:
    """`row` if it exists and the actor may open its patient's chart, otherwise `missing`: another patient's
    record gets exactly the answer of a record that does not exist, so a refusal reveals nothing."""
    require(actor, permission)  # first, so a role without it is refused the same way whatever the id
    if row is not None:
        try:
            open_chart(session, actor, row.patient_id, permission)
        except NotFound:
            row = None
    if row is None:
        raise missing
    return row


def audit_chart(
    session: Session,
    actor: Actor,
    action: str,
    record_type: str,
    record_id: uuid.UUID | None,
    *,
    patient_id: uuid.UUID | None,
    at: datetime,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """One audit entry. For a record inside a chart the patient is named in `changes`, so a search of the trail
    by patient finds every access to their data."""
    entry = chart_entry(actor, action, record_type, record_id, patient_id=patient_id, at=at, changes=changes)
    queue_entries(session, [entry])


def chart_entry(
    actor: Actor,
    action: str,
    record_type: str,
    record_id: uuid.UUID | None,
    *,
    patient_id: uuid.UUID | None,
    at: datetime,
    changes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The entry `audit_chart` queues, for a read that hands it to the audit appender itself (the plan lane)."""
    detail = dict(changes or {})
    if patient_id is not None and record_type != "patient":
        detail.setdefault("patient_id", str(patient_id))
    return audit_entry(
        at=at,
        action=action,
        record_type=record_type,
        record_id=str(record_id) if record_id else None,
        clinic_id=actor.clinic_id,
        actor_id=actor.user_id,
        source=actor.source,
        changes=detail or None,
    )


class HasId(Protocol):
    id: uuid.UUID


def audit_search(
    session: Session,
    actor: Actor,
    record_type: str,
    found: Sequence[HasId],
    *,
    patient_id: uuid.UUID | None,
    at: datetime,
) -> None:
    """One entry for a list or search, naming every record it disclosed (so the trail shows what was seen)."""
    disclosed = {"disclosed": [str(row.id) for row in found]}
    audit_chart(session, actor, "search", record_type, None, patient_id=patient_id, at=at, changes=disclosed)


def expect_version(row: VersionedRow, seen_version: int, *, what: str) -> None:
    """Refuse (409) an edit made from an older copy of `row`, before anything is written."""
    if row.version != seen_version:
        raise Conflict(
            f"This {what} changed since you opened it (you saw version {seen_version}, it is now at "
            f"{row.version}). Reload it and apply your edit again.",
            code="stale_edit",
        )


def edit_versioned(
    session: Session, row: VersionedRow, seen_version: int, values: Mapping[str, Any], *, what: str
) -> dict[str, list[str | None]]:
    """Apply `values` to `row` if the editor saw its current version, and return what changed as [before, after].

    A stale edit raises Conflict (409) and changes nothing; so does an edit that races this one to the database
    (the UPDATE carries `WHERE version = seen`).
    """
    expect_version(row, seen_version, what=what)
    diff: dict[str, list[str | None]] = {}
    for field, value in values.items():
        before = getattr(row, field)
        if before != value:
            diff[field] = [None if before is None else str(before), None if value is None else str(value)]
            setattr(row, field, value)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            f"Someone saved this {what} at the same moment. Reload it and apply your edit again.", code="stale_edit"
        ) from None
    return diff
