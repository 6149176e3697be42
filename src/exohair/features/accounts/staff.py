"""The admin's use cases for staff accounts: list, add, change role, deactivate and reactivate, set a password.

Patient accounts are not listed here: their names are patient data, which the admin role does not read. Two
rules keep a clinic from locking itself out: an admin cannot demote or deactivate themselves, and a clinic
always keeps at least one active admin.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic, User
from exohair.domain.access import Actor, Permission, Role, require
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.features.accounts import repository
from exohair.features.accounts.service import checked_password_hash, create_user
from exohair.features.audit.service import record_event

STAFF_ROLES = tuple(role for role in Role if role is not Role.PATIENT)


def list_staff(session: Session, actor: Actor) -> list[User]:
    require(actor, Permission.MANAGE_USERS)
    return repository.staff_of(session, actor.clinic_id)


def add_staff(
    session: Session, actor: Actor, *, email: str, display_name: str, role: str, password: str, at: datetime
) -> User:
    """A staff account that can sign in with `password` (to be changed by its owner)."""
    require(actor, Permission.MANAGE_USERS)
    if role == Role.PATIENT.value:
        raise InvalidInput(
            "Patient accounts are opened from the patient's chart, not here.", code="patient_account_here"
        )
    clinic = session.get_one(Clinic, actor.clinic_id)
    return create_user(
        session, clinic, email=email, display_name=display_name, role=role, password=password, at=at,
        actor_id=actor.user_id,
    )  # fmt: skip


def update_staff(
    session: Session, actor: Actor, user_id: uuid.UUID, *, role: str, active: bool, seen_version: int, at: datetime
) -> User:
    """Change a staff account's role or whether it may sign in. A stale edit (someone changed the account after
    it was shown) is refused with 409 and changes nothing."""
    require(actor, Permission.MANAGE_USERS)
    user = _staff(session, actor, user_id)
    if user.version != seen_version:
        raise Conflict(
            f"{user.email} was changed by someone else after you opened the page; nothing was saved. "
            "Look at it as it is now and try again.",
            code="stale_edit",
        )
    if role not in {r.value for r in STAFF_ROLES}:
        raise InvalidInput(f"'{role}' is not a staff role.", code="bad_role")
    if user.id == actor.user_id and (role != user.role or not active):
        raise InvalidInput(
            "You cannot change your own role or deactivate yourself: ask another admin.", code="own_account"
        )
    losing_admin = user.role == Role.ADMIN.value and user.active and (role != Role.ADMIN.value or not active)
    if losing_admin and repository.active_admins(session, actor.clinic_id) <= 1:
        raise InvalidInput("The clinic must keep at least one active admin.", code="last_admin")
    changes = {
        key: [before, after]
        for key, before, after in (("role", user.role, role), ("active", user.active, active))
        if before != after
    }
    if not changes:
        return user
    user.role, user.active = role, active
    session.flush()
    record_event(
        session, at=at, action="update", record_type="user", record_id=str(user.id), clinic_id=actor.clinic_id,
        actor_id=actor.user_id, source=actor.source, changes=changes,
    )  # fmt: skip
    return user


def set_password(session: Session, actor: Actor, user_id: uuid.UUID, password: str, *, at: datetime) -> User:
    """A new password for a staff account (one who forgot theirs). Their open sessions and tokens are ended."""
    require(actor, Permission.MANAGE_USERS)
    user = _staff(session, actor, user_id)
    user.password_hash = checked_password_hash(password)
    ended = 0
    for token in repository.tokens_of_user(session, user.id):
        if token.revoked_at is None:
            token.revoked_at = at
            ended += 1
    session.flush()
    record_event(
        session, at=at, action="set_password", record_type="user", record_id=str(user.id),
        clinic_id=actor.clinic_id, actor_id=actor.user_id, source=actor.source, changes={"tokens_ended": ended},
    )  # fmt: skip
    return user


def _staff(session: Session, actor: Actor, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    # Another clinic's account, or a patient's, answers as one that does not exist.
    if user is None or user.clinic_id != actor.clinic_id or user.role == Role.PATIENT.value:
        raise NotFound("No such staff account.", code="user_not_found")
    return user
