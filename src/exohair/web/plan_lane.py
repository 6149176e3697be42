"""The plan read's fast lane: `GET /api/v1/patients/{id}/plan` answered before the router, where it can be.

The plan is what the plan view, the portal and any integration poll, and the issue asks for 1,000 reads a
second on 2 cores with the token checked and the read audited. Served by its route, a read cost a worker about
3 ms of CPU; a quarter of that was FastAPI's routing and per-request dependency solving, and more went on ORM
sessions and objects around a read that needs a few columns (docs/benchmarks.md, "Where the 3.1 ms goes").

The lane takes a request for exactly that path (a canonical, lower-case id; no query string) that carries a
token, and hands it to the plan read for a token (features/plans/token_read.py), inside one of the worker's
database slots like any request (deps.db_slot): on the event loop on SQLite, in the threadpool on PostgreSQL
(`_answer` says why). That read answers only with a plan, built, audited and committed as the route would
(api/plans.plan_answer: the same bytes and headers). For
everything else (no or a bad token, no permission, a chart the actor may not see, no plan, any problem the route
would report) it returns None, having written nothing, and the lane passes the request on to the app unchanged:
the route gives the general answer. Refusals and errors keep one implementation.

It sits inside SecurityHeaders and AuditGate (web/app.py): its answers get the same headers, and on PostgreSQL
wait at the same gate for their audit entries' batch. An exception it does not expect reaches the same handler
a route's would (problems.install registers it for Exception).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from exohair.features.audit.reads import ReadAuditAppender
from exohair.features.audit.service import commit_entries, try_commit_entries
from exohair.features.plans.token_read import current_plan_for_token
from exohair.web.api.plans import plan_answer
from exohair.web.audit_gate import hold_answer_for
from exohair.web.deps import client_address, db_slot, now, presented_token

_PLAN = re.compile(r"/api/v1/patients/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/plan")


@dataclass(slots=True)
class LaneCounts:
    """How many plan reads the lane answered and how many it passed on to the route (app.state.plan_lane)."""

    served: int = 0
    passed: int = 0


class PlanLane:
    """A plain ASGI wrapper around the app (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _PLAN.fullmatch(scope["path"]) if scope["type"] == "http" and scope["method"] == "GET" else None
        if found is None or scope["query_string"]:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        plain = presented_token(request)
        answer = None
        if plain is not None:
            state = request.app.state
            async with db_slot(state.sessions):
                answer = await _answer(
                    scope, plain, uuid.UUID(found[1]), source=client_address(request), at=now(request)
                )
            counts: LaneCounts = state.plan_lane
            if answer is None:
                counts.passed += 1
            else:
                counts.served += 1
        if answer is None:
            await self.app(scope, receive, send)
        else:
            await answer(scope, receive, send)


async def _answer(scope: Scope, plain: str, patient_id: uuid.UUID, *, source: str, at: datetime) -> Response | None:
    """The plan's answer, or None for the route to answer.

    On SQLite the read runs on the event loop: a reader of a database in WAL mode never waits for a lock, and the
    hop to the threadpool and back cost 150-400 µs of CPU here, a tenth to a fifth of the whole read
    (benchmarks/api_cost.py). Its audit entry is committed there too if the append lock is free this instant
    (try_commit_entries), else in a thread, which may wait for it. PostgreSQL answers over the network, so there
    the read waits in a thread, and its entry goes to the read audit appender (web/app.py says why), as a route's
    would: the lane follows the app's choice, so an appender set on a SQLite app is used as well."""
    state = scope["app"].state
    engine: Engine | None = state.sessions.kw.get("bind")
    if engine is None:
        return None
    appender: ReadAuditAppender | None = state.read_audits
    if appender is not None:
        return await run_in_threadpool(_serve, scope, engine, appender, plain, patient_id, source=source, at=at)
    if engine.dialect.name != "sqlite":  # every PostgreSQL app has an appender (web/app.py); anything else: the route
        return None
    with engine.connect() as connection:  # the read, then the entry's transaction: one checkout for both
        read = current_plan_for_token(connection, plain, patient_id, state.knowledge, at=at, source=source)
        if read is None:
            return None
        if not try_commit_entries(connection, [read.audit_entry]):
            await run_in_threadpool(commit_entries, connection, [read.audit_entry])
    return plan_answer(read.full, read.knowledge, read.version.id, read.version.number)


def _serve(
    scope: Scope,
    engine: Engine,
    appender: ReadAuditAppender,
    plain: str,
    patient_id: uuid.UUID,
    *,
    source: str,
    at: datetime,
) -> Response | None:
    state = scope["app"].state
    with engine.connect() as connection:
        read = current_plan_for_token(connection, plain, patient_id, state.knowledge, at=at, source=source)
        # Ended by COMMIT, though it only read: psycopg forgets the connection's prepared statements when it sees
        # a ROLLBACK (one could have undone a PREPARE), which closing the connection would send, and PostgreSQL
        # would then plan this read afresh each time: 1.5 ms of its CPU per read instead of 0.2 (benchmarks/api.py).
        connection.commit()
    if read is None:
        return None
    # As a route's read does (deps.Ctx.commit): the answer waits at the audit gate for the entry's batch.
    hold_answer_for(scope, appender.submit([read.audit_entry]))
    return plan_answer(read.full, read.knowledge, read.version.id, read.version.number)
