"""Every query of the audit trail, and the lock that keeps its appends in a single line."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, cast

import psycopg
from sqlalchemy import Connection, Table, insert, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from exohair.db.driver_statements import insert_rows, select_first, sqlite_driver
from exohair.db.engine import SQLITE_BUSY_TIMEOUT_MS
from exohair.db.loop_statements import loop_insert, loop_select
from exohair.db.models import AuditEntry
from exohair.features.audit.queue import AppendQueue, queue_for

# Any fixed 64-bit number: the key of the advisory lock that serialises appends on PostgreSQL.
APPEND_LOCK_KEY = 0x65786F68_61697221
_HELD = "exohair.audit.append_queue"  # session.info key: the queue this session's transaction is at the front of
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_HEAD = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
_APPEND = insert(cast(Table, AuditEntry.__table__))  # a plain Core insert: no ORM bookkeeping under the lock


def lock_for_append(session: Session) -> None:
    """Queue appenders one behind another for the rest of the session's transaction (see `take_append_lock`);
    released when the transaction ends (`release_append_lock`)."""
    held = take_append_lock(session.connection())
    if held is not None:
        session.info[_HELD] = held


def take_append_lock(connection: Connection) -> AppendQueue | None:
    """Queue appenders one behind another for the rest of the transaction. Without it two appends could read the
    same head and the second would fail its insert. Returns the queue to release when the transaction ends, if
    one was joined.

    PostgreSQL: an advisory lock. SQLite has a single writer, but Python's sqlite3 opens a transaction only at
    the first INSERT/UPDATE/DELETE, so a request that has only read so far would read the head outside any
    transaction, under no lock: such a request takes SQLite's write lock first (BEGIN IMMEDIATE), after waiting
    its turn in the database's AppendQueue (see queue.py). A transaction that has already written holds SQLite's
    write lock, and its reads see the latest head: it needs neither, and must not queue (it would wait for an
    appender that waits for it)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(_ADVISORY_LOCK, {"key": APPEND_LOCK_KEY})
    elif dialect == "sqlite" and not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        waiting = queue_for(connection.engine.url.database)
        waiting.acquire()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            waiting.release()
            raise
        return waiting
    return None


def try_append_lock(connection: Connection) -> AppendQueue | None:
    """SQLite: `take_append_lock` without waiting, for a caller on an event loop; None, holding nothing, if
    another appender has the queue or another writer SQLite's write lock (BEGIN IMMEDIATE with no busy wait)."""
    waiting = queue_for(connection.engine.url.database)
    if not waiting.try_acquire():
        return None
    # On the driver's connection: three statements that return nothing, each of which cost more through
    # SQLAlchemy's execution path than in SQLite. The transaction is the driver's: the caller goes on there and
    # commits or rolls back there (audit.service.try_commit_entries).
    driver = sqlite_driver(connection)
    try:
        driver.execute("PRAGMA busy_timeout=0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        finally:
            driver.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    except sqlite3.OperationalError:  # "database is locked": a write transaction is under way
        waiting.release()
        return None
    except BaseException:
        waiting.release()
        raise
    return waiting


def release_append_lock(session: Session) -> None:
    """Called when the session's transaction ends, committed or not."""
    held: AppendQueue | None = session.info.pop(_HELD, None)
    if held is not None:
        held.release()


def head(connection: Connection) -> tuple[int, str] | None:
    if connection.dialect.name == "sqlite":  # on the driver's cursor: SQLAlchemy's execution cost more than the lookup
        found = select_first(connection, _HEAD, {})
        return (found[0], found[1]) if found is not None else None
    row = connection.execute(_HEAD).first()  # Core: the ORM has nothing to add to two columns
    return (row.seq, row.hash) if row is not None else None


def append(connection: Connection, entries: Sequence[dict[str, Any]]) -> None:
    """Insert sealed entries (every column given); one on its own, as most are, without executemany's setup."""
    connection.execute(_APPEND, entries[0] if len(entries) == 1 else list(entries))


def append_on_driver(connection: Connection, entries: Sequence[dict[str, Any]]) -> None:
    """SQLite: `append` on the driver's connection, inside the transaction `try_append_lock` began there."""
    insert_rows(connection, cast(Table, AuditEntry.__table__), entries)


async def lock_on_loop(connection: psycopg.AsyncConnection[Any]) -> None:
    """PostgreSQL, on psycopg's async connection (the plan lane's appends): `take_append_lock`'s advisory lock."""
    await connection.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK_KEY,))


async def head_on_loop(connection: psycopg.AsyncConnection[Any], dialect: Dialect) -> tuple[int, str] | None:
    found = await loop_select(dialect, _HEAD).first(connection, {})
    return (found[0], found[1]) if found is not None else None


async def append_on_loop(
    connection: psycopg.AsyncConnection[Any], dialect: Dialect, entries: Sequence[dict[str, Any]]
) -> None:
    await loop_insert(dialect, cast(Table, AuditEntry.__table__)).execute(connection, entries)


def in_order(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry, oldest first, streamed in batches so verifying a long trail does not load it all."""
    return iter(session.scalars(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)))
