"""Clinics, accounts and API tokens. Services flush; the caller owns the transaction. Every write is audited,
and no password or token ever appears in an audit entry or a log line."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from exohair.db.models import ApiToken, Clinic, User
from exohair.domain.access import Role
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.accounts import repository
from exohair.features.accounts.repository import Credentials
from exohair.features.accounts.secrets import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    password_matches,
    password_needs_rehash,
    token_hash,
)
from exohair.features.audit.service import record_event

LAST_USED_GRANULARITY = timedelta(minutes=5)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def create_clinic(session: Session, name: str, *, at: datetime, timezone: str = "UTC", currency: str = "USD") -> Clinic:
    name = name.strip()
    if not name:
        raise InvalidInput("A clinic needs a name.", code="clinic_name_missing")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{timezone}' is not an IANA time zone such as Europe/London.", code="bad_timezone"
        ) from None
    if repository.clinic_named(session, name) is not None:
        raise Conflict(f"A clinic named '{name}' already exists.", code="clinic_exists")
    clinic = Clinic(name=name, timezone=timezone, currency=currency)
    session.add(clinic)
    session.flush()
    record_event(session, at=at, action="create", record_type="clinic", record_id=str(clinic.id), clinic_id=clinic.id)
    return clinic


def several_clinics(session: Session) -> bool:
    """Whether this database holds more than one clinic, so that signing in must say which (the sign-in page
    then asks, without listing their names)."""
    return len(repository.clinics(session)) > 1


def choose_clinic(session: Session, name: str | None) -> Clinic:
    """The named clinic, or the only one when there is exactly one (the embedded single-clinic case)."""
    if name is not None:
        found = repository.clinic_named(session, name)
        if found is None:
            raise NotFound(f"No clinic named '{name}'.", code="clinic_not_found")
        return found
    existing = repository.clinics(session)
    if len(existing) == 1:
        return existing[0]
    if not existing:
        raise NotFound("There is no clinic yet: create one with `exohair clinics create NAME`.", code="no_clinic")
    names = ", ".join(c.name for c in existing)
    raise InvalidInput(f"There are several clinics ({names}); say which with --clinic.", code="clinic_ambiguous")


def create_user(
    session: Session,
    clinic: Clinic,
    *,
    email: str,
    display_name: str,
    role: str,
    at: datetime,
    password: str | None = None,
    patient_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
) -> User:
    email = email.strip().lower()  # stored lower-case, so the unique constraint also catches case variants
    if not _EMAIL.match(email):
        raise InvalidInput(f"'{email}' is not an e-mail address.", code="bad_email")
    if role not in {r.value for r in Role}:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput(f"'{role}' is not a role; use one of {roles}.", code="bad_role")
    if (role == Role.PATIENT) != (patient_id is not None):
        raise InvalidInput(
            "A patient account must name its patient record, and only a patient account may.", code="patient_link"
        )
    if patient_id is not None and repository.patient_in_clinic(session, clinic.id, patient_id) is None:
        raise NotFound(f"No patient {patient_id} in {clinic.name}.", code="patient_not_found")
    if repository.user_by_email(session, clinic.id, email) is not None:
        raise Conflict(f"{clinic.name} already has an account for {email}.", code="user_exists")
    user = User(
        clinic_id=clinic.id, email=email, display_name=display_name.strip() or email, role=role, patient_id=patient_id
    )
    if password is not None:
        user.password_hash = checked_password_hash(password)
    session.add(user)
    session.flush()
    record_event(
        session,
        at=at,
        action="create",
        record_type="user",
        record_id=str(user.id),
        clinic_id=clinic.id,
        actor_id=actor_id,
        changes={"email": [None, email], "role": [None, role]},
    )
    return user


def find_user(session: Session, clinic: Clinic, email: str) -> User:
    user = repository.user_by_email(session, clinic.id, email)
    if user is None:
        raise NotFound(f"{clinic.name} has no account for {email}.", code="user_not_found")
    return user


def authenticate_password(session: Session, clinic: Clinic, email: str, password: str, *, at: datetime) -> User | None:
    """The active user with this e-mail and password, or None. The same None whether the account exists or not."""
    user = repository.user_by_email(session, clinic.id, email)
    if user is None or not user.active or user.password_hash is None:
        hash_password(password)  # spend the same time as a real check, so timing does not reveal accounts
        return None
    if not password_matches(user.password_hash, password):
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_event(
        session,
        at=at,
        action="login",
        record_type="user",
        record_id=str(user.id),
        clinic_id=clinic.id,
        actor_id=user.id,
    )
    return user


def create_token(
    session: Session, user: User, name: str, *, at: datetime, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned once and never stored."""
    plain = new_token()
    token = ApiToken(
        clinic_id=user.clinic_id,
        user_id=user.id,
        name=name.strip() or "token",
        prefix=plain[:12],
        token_hash=token_hash(plain),
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    record_event(
        session,
        at=at,
        action="create",
        record_type="api_token",
        record_id=str(token.id),
        clinic_id=user.clinic_id,
        actor_id=user.id,
        changes={"name": [None, token.name]},
    )
    return token, plain


def authenticate_token(session: Session, plain: str, *, at: datetime) -> User | None:
    """The active user a valid token belongs to, or None (unknown, revoked or expired token, or inactive user)."""
    found = token_holder(session, plain, at=at)
    return session.get_one(User, found.user_id) if found is not None else None


def token_holder(session: Session, plain: str, *, at: datetime) -> Credentials | None:
    """The valid token's credentials (its id, its active user's), or None. Requests sign out by the token's id."""
    found = repository.credentials(session, token_hash(plain))
    if found is None or not in_force(found, at):
        return None
    if use_to_note(found, at):
        repository.note_token_use(session, found.token_id, at)
    return found


def in_force(found: Credentials, at: datetime) -> bool:
    """Whether a token found by its hash signs a request in at `at`: not revoked or expired, its user active."""
    return found.revoked_at is None and (found.expires_at is None or found.expires_at > at) and found.active


def use_to_note(found: Credentials, at: datetime) -> bool:
    """Whether this use of the token must be written down (its last use, shown to its holder, is stale).

    Coarse on purpose: writing on every request would turn each read into a write (and a lock on SQLite)."""
    return found.last_used_at is None or at - found.last_used_at > LAST_USED_GRANULARITY


def revoke_token(
    session: Session, clinic: Clinic, prefix: str, *, at: datetime, actor_id: uuid.UUID | None = None
) -> ApiToken:
    found = [t for t in repository.tokens_with_prefix(session, clinic.id, prefix) if t.revoked_at is None]
    if not found:
        raise NotFound(f"No active token starting {prefix} in {clinic.name}.", code="token_not_found")
    token = found[0]
    token.revoked_at = at
    session.flush()
    record_event(
        session,
        at=at,
        action="revoke",
        record_type="api_token",
        record_id=str(token.id),
        clinic_id=clinic.id,
        actor_id=actor_id,
    )
    return token


def revoke_token_by_id(session: Session, user: User, token_id: uuid.UUID, *, at: datetime) -> None:
    """Revoke one of `user`'s own tokens (signing out revokes the web session's token)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.", code="token_not_found")
    if token.revoked_at is None:
        token.revoked_at = at
        session.flush()
        record_event(
            session, at=at, action="revoke", record_type="api_token", record_id=str(token.id),
            clinic_id=user.clinic_id, actor_id=user.id,
        )  # fmt: skip


def own_tokens(session: Session, user: User) -> list[ApiToken]:
    """`user`'s personal tokens, newest first (web sessions included, so a user can end one left open)."""
    return repository.tokens_of_user(session, user.id)


def checked_password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", code="weak_password")
    return hash_password(password)
