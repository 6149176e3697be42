"""Every query of clinics, users and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from exohair.db.models import ApiToken, Clinic, Patient, User


def clinics(session: Session) -> list[Clinic]:
    return list(session.scalars(select(Clinic).order_by(Clinic.name)))


def clinic_named(session: Session, name: str) -> Clinic | None:
    return session.scalars(select(Clinic).where(func.lower(Clinic.name) == name.lower())).first()


def user_by_email(session: Session, clinic_id: uuid.UUID, email: str) -> User | None:
    query = select(User).where(User.clinic_id == clinic_id, func.lower(User.email) == email.lower())
    return session.scalars(query).first()


def patient_in_clinic(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> Patient | None:
    return session.scalars(select(Patient).where(Patient.clinic_id == clinic_id, Patient.id == patient_id)).first()


class Credentials(NamedTuple):
    """What checking a request's token needs of the token and its user: columns, not ORM objects."""

    token_id: uuid.UUID
    revoked_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    user_id: uuid.UUID
    clinic_id: uuid.UUID
    role: str
    patient_id: uuid.UUID | None
    active: bool
    display_name: str
    knowledge_revision: int  # of the user's clinic (see Clinic.knowledge_revision)


# Every authenticated request runs this one: built once, with a bound parameter. Columns rather than the two
# ORM objects: loading and identity-mapping a token and a user cost more than the query on SQLite, and most
# requests need only the ids and the role.
CREDENTIAL_COLUMNS = (
    ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at, User.id, User.clinic_id, User.role,
    User.patient_id, User.active, User.display_name, Clinic.knowledge_revision,
)  # fmt: skip
_CREDENTIALS = (
    select(*CREDENTIAL_COLUMNS)
    .join(User, User.id == ApiToken.user_id)
    .join(Clinic, Clinic.id == User.clinic_id)
    .where(ApiToken.token_hash == bindparam("hash"))
)  # fmt: skip


def credentials(session: Session, token_hash: str) -> Credentials | None:
    row = session.execute(_CREDENTIALS, {"hash": token_hash}).first()  # autoflushes: sees a user just deactivated
    return Credentials(*row) if row is not None else None


def note_token_use(session: Session, token_id: uuid.UUID, at: datetime) -> None:
    # Through the ORM object, so a copy of the token already loaded in this session shows the new value; it runs
    # once per token every few minutes (accounts.service.LAST_USED_GRANULARITY), so its cost does not matter.
    session.get_one(ApiToken, token_id).last_used_at = at
    session.flush()


def tokens_with_prefix(session: Session, clinic_id: uuid.UUID, prefix: str) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.clinic_id == clinic_id, ApiToken.prefix == prefix)
    return list(session.scalars(query))


def tokens_of_user(session: Session, user_id: uuid.UUID) -> list[ApiToken]:
    found = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
    return list(session.scalars(found))


def staff_of(session: Session, clinic_id: uuid.UUID) -> list[User]:
    """The clinic's staff accounts (not patients'), active ones first, by name."""
    query = (
        select(User)
        .where(User.clinic_id == clinic_id, User.role != "patient")
        .order_by(User.active.desc(), func.lower(User.display_name), User.email)
    )
    return list(session.scalars(query))


def active_admins(session: Session, clinic_id: uuid.UUID) -> int:
    query = select(func.count()).where(User.clinic_id == clinic_id, User.role == "admin", User.active.is_(True))
    return session.scalar(query) or 0
