"""Every query of clinics, users and tokens."""

from __future__ import annotations

import uuid

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


# Every authenticated request runs this one: built once, with a bound parameter.
_TOKEN_WITH_USER = (
    select(ApiToken, User, Clinic.knowledge_revision)
    .join(User, User.id == ApiToken.user_id)
    .join(Clinic, Clinic.id == User.clinic_id)
    .where(ApiToken.token_hash == bindparam("hash"))
)


def token_with_user(session: Session, token_hash: str) -> tuple[ApiToken, User, int] | None:
    """The token, its user, and the user's clinic's knowledge revision (see Clinic.knowledge_revision)."""
    row = session.execute(_TOKEN_WITH_USER, {"hash": token_hash}).first()
    return (row[0], row[1], row[2]) if row is not None else None


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
