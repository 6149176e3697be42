"""A patient's portal account, opened from their chart by the staff who look after their record.

The account is tied to the patient record (users.patient_id), so it sees that patient's plan, calendar, costs
and consent only. Staff with the right to write the patient record open it (with a first password the patient
changes) and may suspend or restore it; each step is audited on the patient's chart.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exohair.db.models import Clinic, User
from exohair.domain.access import Actor, Permission
from exohair.domain.errors import Conflict
from exohair.features.accounts.service import create_user
from exohair.features.charts import audit_chart, open_chart


def portal_account(session: Session, actor: Actor, patient_id: uuid.UUID) -> User | None:
    """The patient's account, or None. Read with the chart (whose visit is audited), by staff who may read it."""
    patient = open_chart(session, actor, patient_id, Permission.READ_PATIENT)
    query = select(User).where(User.clinic_id == actor.clinic_id, User.patient_id == patient.id)
    return session.scalars(query).first()


def open_portal_account(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, email: str, password: str, at: datetime
) -> User:
    patient = open_chart(session, actor, patient_id, Permission.WRITE_PATIENT)
    if portal_account(session, actor, patient.id) is not None:
        raise Conflict("This patient already has a portal account.", code="portal_account_exists")
    clinic = session.get_one(Clinic, actor.clinic_id)
    user = create_user(
        session, clinic, email=email, display_name=f"{patient.given_name} {patient.family_name}", role="patient",
        password=password, patient_id=patient.id, at=at, actor_id=actor.user_id,
    )  # fmt: skip
    audit_chart(session, actor, "create", "portal_account", user.id, patient_id=patient.id, at=at,
                changes={"email": [None, user.email]})  # fmt: skip
    return user


def set_portal_access(
    session: Session, actor: Actor, patient_id: uuid.UUID, *, active: bool, seen_version: int, at: datetime
) -> User:
    """Suspend (the account is signed out at once) or restore the patient's portal account."""
    patient = open_chart(session, actor, patient_id, Permission.WRITE_PATIENT)
    user = portal_account(session, actor, patient.id)
    if user is None:
        raise Conflict("This patient has no portal account.", code="no_portal_account")
    if user.version != seen_version:
        raise Conflict("The portal account was changed after you opened the chart; look again.", code="stale_edit")
    if user.active != active:
        before, user.active = user.active, active
        session.flush()
        audit_chart(session, actor, "update", "portal_account", user.id, patient_id=patient.id, at=at,
                    changes={"active": [before, active]})  # fmt: skip
    return user
