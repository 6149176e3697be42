"""Every query of the audit trail, and the lock that keeps its appends in a single line."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from exohair.db.models import AuditEntry
from exohair.features.audit.queue import AppendQueue, queue_for

# Any fixed 64-bit number: the key of the advisory lock that serialises appends on PostgreSQL.
_APPEND_LOCK = 0x65786F68_61697221
_HELD = "exohair.audit.append_queue"  # session.info key: the queue this session's transaction is at the front of
_HEAD = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
_APPEND = insert(cast(Table, AuditEntry.__table__))  # a plain Core insert: no ORM bookkeeping under the lock


def lock_for_append(session: Session) -> None:
    """Queue appenders one behind another for the rest of the transaction. Without it two appends could read the
    same head and the second would fail its insert.

    PostgreSQL: an advisory lock. SQLite has a single writer, but Python's sqlite3 opens a transaction only at
    the first INSERT/UPDATE/DELETE, so a request that has only read so far would read the head outside any
    transaction, under no lock: such a request takes SQLite's write lock first (BEGIN IMMEDIATE), after waiting
    its turn in the database's AppendQueue (see queue.py; released when the transaction ends, see
    `release_append_lock`). A transaction that has already written holds SQLite's write lock, and its reads see
    the latest head: it needs neither, and must not queue (it would wait for an appender that waits for it)."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
    elif dialect == "sqlite" and not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        waiting = queue_for(connection.engine.url.database)
        waiting.acquire()
        session.info[_HELD] = waiting
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def release_append_lock(session: Session) -> None:
    """Called when the session's transaction ends, committed or not."""
    held: AppendQueue | None = session.info.pop(_HELD, None)
    if held is not None:
        held.release()


def head(session: Session) -> tuple[int, str] | None:
    row = session.connection().execute(_HEAD).first()  # Core: the ORM has nothing to add to two columns
    return (row.seq, row.hash) if row is not None else None


def append(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    """Insert sealed entries (every column given)."""
    session.connection().execute(_APPEND, list(entries))


def in_order(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry, oldest first, streamed in batches so verifying a long trail does not load it all."""
    return iter(session.scalars(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)))
