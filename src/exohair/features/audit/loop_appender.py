"""The plan lane's read entries, committed to the chain in batches on the worker's event loop (PostgreSQL).

The same group commit as reads.ReadAuditAppender, which the routes' reads use from their threads, without the
threads: the lane reads on the event loop (web/plan_lane.py), so its entries are queued there and one task at a
time commits what has queued on a psycopg async connection of its own, while the loop goes on serving. Waking a
thread to commit and waking the loop again to answer cost each read more CPU than the INSERT it waited for
(docs/benchmarks.md). Each answer waits for its entries' batch at the audit gate, as a route's does.

One per worker and database, made when the app starts serving (web/app.py's lifespan) and closed when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import psycopg
from sqlalchemy import Engine

from exohair.db.loop_statements import connect, gone
from exohair.features.audit.reads import MAX_BATCH
from exohair.features.audit.service import commit_entries_on_loop

log = logging.getLogger(__name__)
CONNECTION_NAME = "exohair read audit"  # its application_name in pg_stat_activity


class LoopAuditAppender:
    """Queue entries with `submit` on the event loop; their future completes once they are committed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._queue: list[tuple[list[dict[str, Any]], asyncio.Future[None]]] = []
        self._committing: asyncio.Task[None] | None = None
        self._connection: psycopg.AsyncConnection[Any] | None = None

    def submit(self, entries: list[dict[str, Any]]) -> asyncio.Future[None]:
        """Queue `entries`; the future completes once they are committed (or fails with the reason they were not)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.append((entries, future))
        if self._committing is None or self._committing.done():
            self._committing = loop.create_task(self._commit_queued())
        return future

    async def close(self) -> None:
        """Commit what is queued, then close the connection (the app stops serving)."""
        if self._committing is not None:
            await self._committing
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _commit_queued(self) -> None:
        # Whatever queued while a batch was committing is the next batch: under load a batch holds the reads of
        # several requests, and one alone waits only for its own commit.
        while self._queue:
            batch: list[tuple[list[dict[str, Any]], asyncio.Future[None]]] = []
            count = 0
            while self._queue and (not batch or count + len(self._queue[0][0]) <= MAX_BATCH):
                batch.append(self._queue.pop(0))
                count += len(batch[-1][0])
            try:
                await self._commit([entry for entries, _ in batch for entry in entries])
            except Exception as error:  # every waiting request answers 503; the reason is logged, no patient data
                log.error("could not commit %d read audit entries: %s", count, type(error).__name__)
                await self._forget_connection()
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for _, future in batch:
                if not future.done():  # a request whose client went away may have cancelled its wait
                    future.set_result(None)

    async def _commit(self, entries: list[dict[str, Any]]) -> None:
        if self._connection is not None and gone(self._connection):  # ended by the server while idle
            await self._forget_connection()
        if self._connection is None:
            self._connection = await connect(self._engine, autocommit=True, name=CONNECTION_NAME)
        await commit_entries_on_loop(self._connection, self._engine.dialect, entries)

    async def _forget_connection(self) -> None:
        # After a failure the connection may be broken (the server restarted): the next batch opens a new one.
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(psycopg.Error):  # closing a broken connection may fail: it is dropped anyway
                await connection.close()
