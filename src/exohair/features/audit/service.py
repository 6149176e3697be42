"""Recording and verifying the audit trail. Services flush; the caller owns the transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, SessionTransaction

from exohair.db.driver_statements import sqlite_driver
from exohair.db.models import AuditEntry
from exohair.domain.audit import GENESIS, AuditFacts, ChainReport, entry_hash, verify_chain
from exohair.features.audit import repository

_PENDING = "exohair.audit.pending"


def record_event(
    session: Session,
    *,
    at: datetime,
    action: str,
    record_type: str,
    record_id: str | None = None,
    clinic_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    source: str = "cli",
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Queue one entry on the session; it is linked into the chain and inserted when the session commits.

    Linking at commit keeps the chain's lock for an instant instead of a whole request (concurrent requests
    would otherwise queue behind one another), and a rollback discards the entry with the change it described.
    """
    session.connection()  # begin the transaction now, so that its rollback also discards this entry
    entry = audit_entry(
        at=at, action=action, record_type=record_type, record_id=record_id, clinic_id=clinic_id, actor_id=actor_id,
        source=source, changes=changes,
    )  # fmt: skip
    session.info.setdefault(_PENDING, []).append(entry)


def audit_entry(
    *,
    at: datetime,
    action: str,
    record_type: str,
    record_id: str | None,
    clinic_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    source: str,
    changes: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """One entry's column values before it is linked into the chain (`seal_pending` adds seq and the hashes)."""
    # Stored exactly as hashed: JSON-native values, and the instant in UTC at microsecond precision.
    plain = json.loads(json.dumps(changes, default=str)) if changes is not None else None
    return {
        "at": at.astimezone(UTC),
        "clinic_id": clinic_id,
        "actor_id": actor_id,
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "source": source,
        "changes": plain,
    }


def pending_entries(session: Session) -> bool:
    """Whether entries are queued on `session`, waiting for its commit."""
    return bool(session.info.get(_PENDING))


def take_pending(session: Session) -> list[dict[str, Any]]:
    """Remove the queued entries from `session` (its commit will not seal them) and hand them over."""
    taken: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    return taken


def queue_entries(session: Session, entries: list[dict[str, Any]]) -> None:
    """Queue entries on this session, to be sealed at its commit (entries built by charts.audit_chart, or taken
    from other sessions by the read audit appender, see reads.py)."""
    session.connection()  # begin the transaction now, so that its rollback also discards these entries
    session.info.setdefault(_PENDING, []).extend(entries)


@contextmanager
def dry_run(session: Session) -> Iterator[None]:
    """Run a use case for its answer only: everything it wrote, audit entries included, is rolled back.

    Used for previews ("which sessions would move?"); the preview itself changes nothing, so it audits nothing.
    """
    pending = list(session.info.get(_PENDING, []))
    savepoint = session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        session.info[_PENDING] = pending
        session.expire_all()  # rows the rolled-back work touched are reloaded on next use


@contextmanager
def undo_on_error(session: Session) -> Iterator[None]:
    """Run one step so that, if it raises, what it wrote is undone, its queued audit entries with it; the caller
    decides whether the error stops everything (an import that accepts a partial result carries on)."""
    pending = list(session.info.get(_PENDING, []))
    savepoint = session.begin_nested()
    try:
        yield
    except BaseException:
        savepoint.rollback()
        session.info[_PENDING] = pending
        raise
    savepoint.commit()


def seal_pending(session: Session) -> int:
    """Link the queued entries to the head of the chain and insert them. Runs before every commit.

    Between taking the lock and committing, the work is kept to the head's read, the hashes and one INSERT
    (a plain insert of the rows, not the ORM's unit of work): every appender queues behind it."""
    pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if not pending:
        return 0
    repository.lock_for_append(session)
    link_entries(session.connection(), pending)
    return len(pending)


def link_entries(connection: Connection, entries: list[dict[str, Any]]) -> None:
    """Link `entries` to the head of the chain, in order, and insert them. The caller holds the append lock."""
    chain_onto(entries, repository.head(connection))
    repository.append(connection, entries)


def chain_onto(entries: list[dict[str, Any]], head: tuple[int, str] | None) -> None:
    """Give `entries` their places after `head` (None: the chain is empty): seq, previous hash and hash."""
    seq, previous = head if head is not None else (0, GENESIS)
    for values in entries:
        seq += 1
        values["seq"], values["previous_hash"] = seq, previous
        values["hash"] = previous = entry_hash(_facts_of(values), values["previous_hash"])


def commit_entries(connection: Connection, entries: list[dict[str, Any]]) -> None:
    """Link `entries` into the chain and commit them on `connection`, whose transaction has written nothing.

    For entries whose request wrote nothing (the read audit appender, reads.py; the plan lane): no ORM session,
    whose bookkeeping around one INSERT cost more than the INSERT (benchmarks/api_cost.py)."""
    held = repository.take_append_lock(connection)
    try:
        link_entries(connection, entries)
        connection.commit()
    finally:
        if held is not None:
            connection.rollback()  # a no-op after the commit; after an error it frees SQLite's write lock first
            held.release()


def try_commit_entries(connection: Connection, entries: list[dict[str, Any]]) -> bool:
    """SQLite: `commit_entries` without waiting for anyone (for a caller on the event loop, the plan lane); False,
    having written nothing, if another appender or a writer holds a lock, and the caller waits in a thread."""
    held = repository.try_append_lock(connection)
    if held is None:
        return False
    # All of it on the driver's connection, where the lock took SQLite's write lock: the head, the INSERT and the
    # commit each cost more through SQLAlchemy than in SQLite (db/driver_statements.py).
    driver = sqlite_driver(connection)
    try:
        chain_onto(entries, repository.head(connection))
        repository.append_on_driver(connection, entries)
        driver.commit()
    except BaseException:
        driver.rollback()  # frees SQLite's write lock before the next appender goes
        raise
    finally:
        held.release()
    return True


async def commit_entries_on_loop(
    connection: psycopg.AsyncConnection[Any], dialect: Dialect, entries: list[dict[str, Any]]
) -> None:
    """PostgreSQL: `commit_entries` on psycopg's async connection, for the appender on a worker's event loop
    (features/audit/loop_appender.py): the advisory lock, the head, the INSERT, one transaction."""
    async with connection.transaction():
        await repository.lock_on_loop(connection)
        chain_onto(entries, await repository.head_on_loop(connection, dialect))
        await repository.append_on_loop(connection, dialect, entries)


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    seal_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _release_after_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed, rolled back or closed
        repository.release_append_lock(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # Every rollback of the outermost transaction, even one that never reached the database.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def verify_trail(session: Session) -> ChainReport:
    return verify_chain((_facts(e), e.previous_hash, e.hash) for e in repository.in_order(session))


def _facts(entry: AuditEntry) -> AuditFacts:
    return AuditFacts(
        entry.seq,
        entry.at,
        str(entry.clinic_id) if entry.clinic_id else None,
        str(entry.actor_id) if entry.actor_id else None,
        entry.action,
        entry.record_type,
        entry.record_id,
        entry.source,
        entry.changes,
    )


def _facts_of(values: Mapping[str, Any]) -> AuditFacts:
    """The same facts as `_facts`, from the column values of an entry not yet inserted."""
    return AuditFacts(
        values["seq"],
        values["at"],
        str(values["clinic_id"]) if values["clinic_id"] else None,
        str(values["actor_id"]) if values["actor_id"] else None,
        values["action"],
        values["record_type"],
        values["record_id"],
        values["source"],
        values["changes"],
    )
