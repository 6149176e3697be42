"""The plan read's fast lane: `GET /api/v1/patients/{id}/plan` answered before the router, where it can be.

The plan is what the plan view, the portal and any integration poll, and the issue asks for 1,000 reads a
second on 2 cores with the token checked and the read audited. Served by its route, a read cost a worker about
3 ms of CPU; a quarter of that was FastAPI's routing and per-request dependency solving, and more went on ORM
sessions and objects around a read that needs a few columns (docs/benchmarks.md, "Where the 3.1 ms goes").

The lane takes a request for exactly that path (a canonical, lower-case id; no query string) that carries a
token, and hands it to the plan read for a token (features/plans/token_read.py), inside one of the worker's
database slots like any request (deps.db_slot), on the event loop (`_answer` says how, for each database). That
read answers only with a plan, built, audited and committed as the route would
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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from exohair.db.loop_statements import connect, gone
from exohair.features.accounts.secrets import token_hash
from exohair.features.audit.loop_appender import LoopAuditAppender
from exohair.features.audit.reads import ReadAuditAppender
from exohair.features.audit.service import commit_entries, try_commit_entries
from exohair.features.plans.reads import token_plan_read_on_loop
from exohair.features.plans.token_read import current_plan_for_token, plan_of_read
from exohair.web.api.plans import plan_answer
from exohair.web.audit_gate import hold_answer_for
from exohair.web.deps import client_address, db_slot, now, presented_token

READER_NAME = "exohair plan lane"  # its read connections' application_name in pg_stat_activity
_PLAN = re.compile(r"/api/v1/patients/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/plan")


@dataclass(slots=True)
class LaneCounts:
    """How many plan reads the lane answered and how many it passed on to the route (app.state.plan_lane), and
    how many of those it answered were read on the event loop (PostgreSQL: `LoopDatabase`)."""

    served: int = 0
    passed: int = 0
    on_loop: int = 0


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
    (try_commit_entries), else in a thread, which may wait for it.

    On PostgreSQL, while the app serves (`lifespan`), the read is one statement on psycopg's async connection and
    its entry goes to an appender on the loop that commits entries in batches (`LoopDatabase`): in the threadpool,
    with the entry committed by the read audit appender's thread, a read cost the worker 1,688 µs of CPU instead
    of 911, and 766 reads a second instead of 1,410 (docs/benchmarks.md). Where it cannot be read there, it is read
    as a route's read is, in a thread, its entry given to the read audit appender (web/app.py says why); an app
    not started through its lifespan (benchmarks/api_cost.py drives one) reads that way too."""
    state = scope["app"].state
    engine: Engine | None = state.sessions.kw.get("bind")
    if engine is None:
        return None
    appender: ReadAuditAppender | None = state.read_audits
    on_loop: LoopDatabase | None = state.loop_database
    if on_loop is not None:
        answer = await _serve_on_loop(scope, on_loop, plain, patient_id, source=source, at=at)
        if answer is not _IN_A_THREAD:
            return answer
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


class LoopDatabase:
    """The lane's PostgreSQL side in one worker: connections to read on, on the event loop, and the appender of
    their audit entries (features/audit/loop_appender.py). Made when the app starts serving (`lifespan`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.appender = LoopAuditAppender(engine)
        self._idle: list[psycopg.AsyncConnection[Any]] = []  # at most one per database slot: the slot is held

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection in autocommit: the read is one statement, so one round trip, with no BEGIN or COMMIT."""
        connection = None
        while self._idle and connection is None:
            connection = self._idle.pop()
            if gone(connection):  # ended by the server while idle
                await connection.close()
                connection = None
        if connection is None:
            connection = await connect(self.engine, autocommit=True, name=READER_NAME)
        try:
            yield connection
        except BaseException:  # broken, or cancelled in the middle of a statement: not to be used again
            await connection.close()
            raise
        self._idle.append(connection)

    async def close(self) -> None:
        await self.appender.close()
        while self._idle:
            await self._idle.pop().close()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Each worker's lane reads PostgreSQL on its event loop while it serves (`LoopDatabase`); SQLite, or an app
    not started through its lifespan, reads as before. So does a PostgreSQL URL naming a driver other than psycopg
    (3), whose dialect compiles for another driver."""
    engine: Engine | None = app.state.sessions.kw.get("bind")
    if engine is None or (engine.dialect.name, engine.dialect.driver) != ("postgresql", "psycopg"):
        yield
        return
    app.state.loop_database = on_loop = LoopDatabase(engine)
    try:
        yield
    finally:
        app.state.loop_database = None
        await on_loop.close()


_IN_A_THREAD = Response()  # `_serve_on_loop`: read again in a thread, where a session can reach the database


async def _serve_on_loop(
    scope: Scope, on_loop: LoopDatabase, plain: str, patient_id: uuid.UUID, *, source: str, at: datetime
) -> Response | None:
    """PostgreSQL: the read and its audit entry on the event loop. Where the plan needs more than the row (the
    clinic's own knowledge not yet loaded in this worker, an earlier protocol version), or the connection broke,
    it answers `_IN_A_THREAD` and the read is made again as `_serve` makes it, on a connection of the pool."""
    state = scope["app"].state
    try:
        async with on_loop.reading() as connection:
            found = await token_plan_read_on_loop(connection, on_loop.engine.dialect, token_hash(plain), patient_id)
    except psycopg.OperationalError:
        return _IN_A_THREAD
    if found is None:
        return None
    try:
        with Session() as unbound:
            read = plan_of_read(found, unbound, state.knowledge, at=at, source=source)
    except UnboundExecutionError:
        return _IN_A_THREAD
    if read is None:
        return None
    hold_answer_for(scope, on_loop.appender.submit([read.audit_entry]))
    state.plan_lane.on_loop += 1
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
