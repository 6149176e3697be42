"""What every API route needs: a database session it owns, the signed-in actor, the time, the knowledge base.

Authentication: `Authorization: Bearer exo_...` (a personal token), or the web session cookie set by
POST /api/v1/auth/login (an HttpOnly, SameSite=Strict cookie holding a short-lived token of the same kind).
The request owns the transaction: a route calls `ctx.commit()` once its work is done, which also seals the
audit entries the services queued. A route that raises commits nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session, sessionmaker

from exohair.db.models import ApiToken, User
from exohair.domain.access import Actor, Role
from exohair.features.accounts.service import token_holder
from exohair.knowledge import Knowledge

SESSION_COOKIE = "exohair_session"
T = TypeVar("T")


def client_address(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]


def now(request: Request) -> datetime:
    """The request's instant; tests fix the app's clock so dates of care are reproducible."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def db_session(request: Request) -> Iterator[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        yield session  # closing rolls back anything the route did not commit


DbSession = Annotated[Session, Depends(db_session)]


def _presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE)


@dataclass
class Ctx:
    session: Session
    actor: Actor
    user: User
    token: ApiToken
    at: datetime
    knowledge: Knowledge

    def commit(self, result: T) -> T:
        """Commit the request's work (and its audit entries), then hand back what the route returns."""
        self.session.commit()
        return result


def signed_in(request: Request, session: DbSession) -> Ctx:
    plain = _presented_token(request)
    at = now(request)
    found = token_holder(session, plain, at=at) if plain else None
    if found is None:
        raise HTTPException(401, "Sign in, or send a valid personal token.", headers={"WWW-Authenticate": "Bearer"})
    token, user = found
    actor = Actor(user.id, user.clinic_id, Role(user.role), user.patient_id, client_address(request))
    return Ctx(session, actor, user, token, at, request.app.state.knowledge)


Signed = Annotated[Ctx, Depends(signed_in)]
