"""What every API route needs: a database session it owns, the signed-in actor, the time, the knowledge base.

Authentication: `Authorization: Bearer exo_...` (a personal token), or the web session cookie set by
POST /api/v1/auth/login (an HttpOnly, SameSite=Strict cookie holding a short-lived token of the same kind).
The request owns the transaction: a route calls `ctx.commit()` once its work is done, which also seals the
audit entries the services queued (or, for a request that only read, hands them to the process's appender and
holds the answer until they are committed: features/audit/reads.py, web/audit_gate.py). A route that raises
commits nothing.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from exohair.db.models import User
from exohair.domain.access import Actor, Role
from exohair.features.accounts.repository import Credentials
from exohair.features.accounts.service import token_holder
from exohair.features.audit.reads import ReadAuditAppender, take_read_entries
from exohair.features.clinic_settings.knowledge import clinic_knowledge
from exohair.knowledge import Knowledge
from exohair.web.audit_gate import hold_answer_for

SESSION_COOKIE = "exohair_session"
T = TypeVar("T")


def client_address(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]


def now(request: Request) -> datetime:
    """The request's instant; tests fix the app's clock so dates of care are reproducible."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


async def db_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request, closed after it; the request first waits for one of the worker's DB slots.

    Async on purpose, but it never blocks the event loop: making a session does no I/O (it connects on first
    use), and closing one whose work was committed does none either (the commit gave its connection back to the
    pool), so both run inline instead of costing a hop to the threadpool and back each (about 150 µs of CPU per
    hop here), as a sync dependency would. A session still in a transaction (the route did not commit, or
    raised) is closed in the threadpool, because closing it rolls back on the database.
    """
    sessions: sessionmaker[Session] = request.app.state.sessions
    async with _slots(sessions):
        session = sessions()
        try:
            yield session
        finally:
            if session.in_transaction():
                await run_in_threadpool(session.close)  # rolls back anything the route did not commit
            else:
                session.close()


def db_slots(dialect: str) -> int:
    """How many requests with a database session one worker runs at once; the others wait on the event loop.

    A worker runs Python on one core. On SQLite a request never waits for the network, so a second one in
    flight only takes the GIL from the first, and from whichever holds the audit trail's append lock that every
    request queues for: one at a time gave the most requests/s and the lowest 99th percentile (866 req/s, p99
    32 ms, against 757/38 with 2, 674/66 with 3, and 610/91 with no limit but the threadpool's 40 threads; 16
    connections on 2 workers, benchmarks/api.py). PostgreSQL answers over a socket, so a second request can use
    the CPU while the first waits; with the server on the same 2 cores, 1 slot (399 req/s) still beat 2 (355)
    and 4 (316), but a server on another machine leaves more time to overlap, so PostgreSQL gets 2. Raise it
    when routes that wait long on the database arrive.
    """
    return 1 if dialect == "sqlite" else 2


_slots_of_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _slots(sessions: sessionmaker[Session]) -> asyncio.Semaphore:
    # One semaphore per event loop: a worker has one; tests start several, one after another.
    loop = asyncio.get_running_loop()
    found = _slots_of_loop.get(loop)
    if found is None:
        bind = sessions.kw.get("bind")
        dialect = bind.dialect.name if bind is not None else ""
        found = _slots_of_loop[loop] = asyncio.Semaphore(db_slots(dialect))
    return found


def db_slot(sessions: sessionmaker[Session]) -> asyncio.Semaphore:
    """The worker's database slots, for work a route goes on doing after it has returned (a streamed answer opens
    a session per part, each inside a slot, so a long export takes turns with the other requests)."""
    return _slots(sessions)


# Closed as soon as the route returns (scope "function"), before the answer is sent: the slot goes to the next
# request while this one's answer waits at the audit gate for its read entries' batch, and an answer that streams
# on after the route returns (the FHIR bulk export) takes slots of its own a part at a time (`db_slot`) instead
# of holding one for its whole length.
DbSession = Annotated[Session, Depends(db_session, scope="function")]


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE)


class Ctx:
    """What a signed-in route works with: its database session, the actor, the instant, the knowledge base.

    The credentials are checked on first use of the session, the actor, the user or the token, in the route's
    own thread: checking them in a dependency of their own cost a second hop to the threadpool and back per
    request (`signed_in` is async so that it makes none). A route cannot reach the database or commit without
    the check, and the authorization matrix sends every route a request without credentials (401 expected).
    """

    __slots__ = ("_found", "_knowledge", "_request", "_session", "at")

    def __init__(self, request: Request, session: Session) -> None:
        self._request, self._session = request, session
        self._found: tuple[Credentials, Actor] | None = None
        self.at: datetime = now(request)
        self._knowledge: Knowledge | None = None

    def _signed(self) -> tuple[Credentials, Actor]:
        if self._found is None:
            plain = presented_token(self._request)
            found = token_holder(self._session, plain, at=self.at) if plain else None
            if found is None:
                raise unauthenticated()
            role, source = Role(found.role), client_address(self._request)
            self._found = (found, Actor(found.user_id, found.clinic_id, role, found.patient_id, source))
        return self._found

    @property
    def session(self) -> Session:
        self._signed()
        return self._session

    @property
    def actor(self) -> Actor:
        return self._signed()[1]

    @property
    def knowledge(self) -> Knowledge:
        """The knowledge the actor's clinic works with (its own protocols and tariffs where published); looked up
        on first use only, so routes that plan or price nothing pay nothing for it."""
        if self._knowledge is None:
            base: Knowledge = self._request.app.state.knowledge
            found, actor = self._signed()  # the token query reads the clinic's knowledge revision with it
            self._knowledge = clinic_knowledge(self._session, actor.clinic_id, base, found.knowledge_revision)
        return self._knowledge

    @property
    def display_name(self) -> str:
        """The signed-in user's name, as the pages greet them."""
        return self._signed()[0].display_name

    @property
    def token_id(self) -> uuid.UUID:
        return self._signed()[0].token_id

    @property
    def user(self) -> User:
        """The signed-in user's record, loaded on first use (most routes need only the actor)."""
        return self.session.get_one(User, self._signed()[0].user_id)

    def commit(self, result: T) -> T:
        """Commit the request's work and its audit entries, then hand back what the route returns.

        A request that wrote nothing commits its entries in the appender's next batch instead of a write
        transaction of its own, and its answer waits at the audit gate until they are in (see reads.py)."""
        session = self.session
        appender: ReadAuditAppender | None = getattr(self._request.app.state, "read_audits", None)
        entries = take_read_entries(session) if appender is not None else None
        session.commit()
        if entries and appender is not None:
            hold_answer_for(self._request.scope, appender.submit(entries))
        return result


async def signed_in(request: Request, session: DbSession) -> Ctx:
    # A request with no credentials at all is refused here, before its body is validated: 401, not 422. One with
    # credentials has them checked by the route (see Ctx); if they are wrong and the body is too, the body's 422
    # comes first, which discloses only what the published schema says.
    if presented_token(request) is None:
        raise unauthenticated()
    return Ctx(request, session)


def unauthenticated() -> HTTPException:
    return HTTPException(401, "Sign in, or send a valid personal token.", headers={"WWW-Authenticate": "Bearer"})


Signed = Annotated[Ctx, Depends(signed_in)]
