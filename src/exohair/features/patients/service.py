"""Patient records: register, read, search, edit — scoped to the actor's clinic, authorised, and audited.

Every read and write of a patient record appends an audit entry in the same transaction. Outsiders learn
nothing about records they may not see: the answer is the same NotFound as for a record that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, Patient
from exohair.domain.access import Actor, Permission, Role, require
from exohair.domain.errors import Conflict
from exohair.features.audit.service import record_event
from exohair.features.charts import edit_versioned, open_chart
from exohair.features.clinic_settings.sites import checked_site
from exohair.features.patients import repository
from exohair.features.patients.schemas import PatientChanges, PatientIn

MAX_PAGE = 200


def register_patient(session: Session, actor: Actor, data: PatientIn, *, at: datetime) -> Patient:
    ensure_mrn_free(session, actor, data.mrn)
    checked_site(session, actor.clinic_id, data.site_id)
    patient = Patient(clinic_id=actor.clinic_id, **data.model_dump())
    session.add(patient)
    session.flush()
    changes = {field: [None, str(value)] for field, value in data.model_dump().items() if value is not None}
    _audit(session, actor, "create", patient.id, at, changes)
    return patient


def ensure_mrn_free(session: Session, actor: Actor, mrn: str) -> None:
    """Refuse an MRN this clinic has registered. Asked only by those who may register patients, of their clinic."""
    require(actor, Permission.WRITE_PATIENT)
    if repository.by_mrn(session, actor.clinic_id, mrn) is not None:
        raise Conflict(f"MRN {mrn} is already registered in this clinic.", code="mrn_exists")


def get_patient(session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime) -> Patient:
    patient = open_chart(session, actor, patient_id, Permission.READ_PATIENT)
    _audit(session, actor, "read", patient.id, at)
    return patient


def find_patients(
    session: Session,
    actor: Actor,
    text: str | None = None,
    *,
    at: datetime,
    limit: int = 50,
    offset: int = 0,
    status: str | None = None,
) -> list[Patient]:
    """Search by name or MRN, optionally by chemo status today (before / in / after / none).
    A patient account finds only itself."""
    require(actor, Permission.READ_PATIENT)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    if actor.role is Role.PATIENT:  # the same search, over the one record a patient may see
        own = repository.in_clinic(session, actor.clinic_id, actor.patient_id) if actor.patient_id else None
        found = [own] if own is not None and offset == 0 and _matches(own, text) else []
    else:
        today = at.astimezone(ZoneInfo(session.get_one(Clinic, actor.clinic_id).timezone)).date()
        found = repository.search(
            session, actor.clinic_id, text, limit=limit, offset=offset, status=status, today=today
        )
    # One entry for the search, naming every record it disclosed.
    _audit(session, actor, "search", None, at, {"disclosed": [str(p.id) for p in found]})
    return found


def edit_patient(
    session: Session, actor: Actor, patient_id: uuid.UUID, changes: PatientChanges, *, at: datetime
) -> Patient:
    """Apply `changes` if the editor saw the current version; otherwise refuse (409) and change nothing."""
    patient = open_chart(session, actor, patient_id, Permission.WRITE_PATIENT)
    values = changes.model_dump(exclude_unset=True, exclude={"version"})
    if "site_id" in values:
        checked_site(session, actor.clinic_id, values["site_id"])
    diff = edit_versioned(session, patient, changes.version, values, what="record")
    _audit(session, actor, "update", patient.id, at, diff)
    return patient


def _matches(patient: Patient, text: str | None) -> bool:
    wanted = (text or "").lower()
    return any(wanted in value.lower() for value in (patient.family_name, patient.given_name, patient.mrn))


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    patient_id: uuid.UUID | None,
    at: datetime,
    changes: Mapping[str, object] | None = None,
) -> None:
    record_event(
        session,
        at=at,
        action=action,
        record_type="patient",
        record_id=str(patient_id) if patient_id else None,
        clinic_id=actor.clinic_id,
        actor_id=actor.user_id,
        source=actor.source,
        changes=changes,
    )
