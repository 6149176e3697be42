"""Signing in with a password, rate-limited, and signing out.

A web login is a short-lived personal token (the same hashed, revocable kind as API tokens) carried in an
HttpOnly cookie: signing out revokes it on the server, so a copied cookie stops working too.

Failed logins are counted per e-mail and per client address in the database, so the limit holds across
workers and restarts. Past the limit the answer is 429 whether or not the password is right, so guessing
gains nothing from trying on.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from exohair.db.models import LoginFailure, User
from exohair.domain.errors import DomainError, NotFound
from exohair.features.accounts.secrets import hash_password
from exohair.features.accounts.service import authenticate_password, choose_clinic, create_token, revoke_token_by_id
from exohair.features.audit.service import record_event

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_SOURCE = 20  # one address trying many accounts
WEB_SESSION_HOURS = 12


class LoginRefused(DomainError):
    code = "login_refused"
    http_status = 401


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    http_status = 429

    def __init__(self, retry_after_s: int) -> None:
        minutes = max(1, retry_after_s // 60)
        super().__init__(f"Too many failed sign-ins. Try again in about {minutes} minute(s).")
        self.retry_after_s = retry_after_s

    def extensions(self) -> dict[str, object]:
        return {"retry_after_s": self.retry_after_s}


def sign_in(
    session: Session, email: str, password: str, *, source: str, at: datetime, clinic: str | None = None
) -> tuple[User, str]:
    """The user and a new web-session token, or LoginRefused (the same for an unknown e-mail or a bad password)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    _check_rate(session, digest, source, at)
    try:
        found = choose_clinic(session, clinic)
    except NotFound:
        found = None
    if found is None:
        hash_password(password)  # the same time as a real check: timing does not reveal clinic names
        user = None
    else:
        user = authenticate_password(session, found, email, password, at=at)
    if user is None:
        session.add(LoginFailure(email_digest=digest, source=source[:64], at=at))
        record_event(session, at=at, action="login_failed", record_type="user", source=source[:64])
        session.flush()
        raise LoginRefused("The e-mail or password is not right.")
    # A successful sign-in clears this account's failures: the limit is for guessing, not for typos.
    session.execute(delete(LoginFailure).where(LoginFailure.email_digest == digest))
    _token, plain = create_token(
        session, user, "web session", at=at, expires_at=at + timedelta(hours=WEB_SESSION_HOURS)
    )
    return user, plain  # authenticate_password audited the login


def sign_out(session: Session, user: User, token_id: uuid.UUID, *, source: str, at: datetime) -> None:
    revoke_token_by_id(session, user, token_id, at=at)
    record_event(
        session, at=at, action="logout", record_type="user", record_id=str(user.id), clinic_id=user.clinic_id,
        actor_id=user.id, source=source[:64],
    )  # fmt: skip


def _check_rate(session: Session, digest: str, source: str, at: datetime) -> None:
    since = at - FAILURE_WINDOW
    recent = select(
        func.count().filter(LoginFailure.email_digest == digest),
        func.count().filter(LoginFailure.source == source[:64]),
        func.min(LoginFailure.at),
    ).where(LoginFailure.at > since, or_(LoginFailure.email_digest == digest, LoginFailure.source == source[:64]))
    by_email, by_source, oldest = session.execute(recent).one()
    if by_email >= MAX_FAILURES_PER_EMAIL or by_source >= MAX_FAILURES_PER_SOURCE:
        wait = int(((oldest or at) + FAILURE_WINDOW - at).total_seconds()) if oldest else 60
        raise TooManyAttempts(max(wait, 1))
