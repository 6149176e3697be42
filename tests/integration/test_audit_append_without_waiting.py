"""SQLite: the plan lane commits its audit entry on the event loop only if nobody holds the append lock.

`try_commit_entries` must never wait: with the append queue held (by a thread of this process or by another
process) or SQLite's write lock held (a write transaction under way), it gives up at once, writes nothing, and
leaves the connection waiting as long as before for later writes. The lane then commits in a thread, which waits.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from databases import sqlite_engine
from exohair.db import migrate
from exohair.db.engine import SQLITE_BUSY_TIMEOUT_MS
from exohair.db.models import AuditEntry
from exohair.features.audit.queue import queue_for
from exohair.features.audit.service import audit_entry, commit_entries, try_commit_entries, verify_trail

AT = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path) -> Engine:  # SQLite only: PostgreSQL's appends wait in the read audit appender's thread
    found = sqlite_engine(tmp_path)
    migrate.upgrade(found)
    yield found
    found.dispose()


def _entry(record_id: str) -> dict:
    return audit_entry(
        at=AT, action="read", record_type="plan_version", record_id=record_id, clinic_id=uuid.uuid4(),
        actor_id=uuid.uuid4(), source="test", changes={"patient_id": "p"},
    )  # fmt: skip


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _try(engine: Engine, entries: list[dict]) -> bool:
    with engine.connect() as connection:
        return try_commit_entries(connection, entries)


def test_a_free_lock_commits_at_once_into_an_intact_chain(engine):
    assert _try(engine, [_entry("a")])
    assert _try(engine, [_entry("b"), _entry("c")])
    with engine.connect() as connection:
        connection.execute(select(1)).all()  # the lane's read first, on the same connection
        commit_entries(connection, [_entry("d")])
    with Session(engine) as session:
        report = verify_trail(session)
    assert (report.intact, report.count) == (True, 4)


def test_the_append_queue_held_elsewhere_means_no_wait_and_nothing_written(engine):
    queue = queue_for(engine.url.database)
    queue.acquire()  # as another appender of this process would, between its head read and its commit
    try:
        began = time.perf_counter()
        assert not _try(engine, [_entry("a")])
        assert time.perf_counter() - began < 0.5
    finally:
        queue.release()
    assert _count(engine) == 0
    assert _try(engine, [_entry("a")])  # and the queue was left free
    assert _count(engine) == 1


def test_a_write_under_way_means_no_wait_and_the_busy_timeout_is_restored(engine):
    with engine.connect() as writer:
        writer.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite's write lock, as a request that wrote holds it
        began = time.perf_counter()
        assert not _try(engine, [_entry("a")])
        assert time.perf_counter() - began < 0.5  # not the 5 s busy timeout
        writer.rollback()
    assert _count(engine) == 0
    with engine.connect() as connection:
        timeouts = {connection.exec_driver_sql("PRAGMA busy_timeout").scalar() for _ in range(3)}
    assert timeouts == {SQLITE_BUSY_TIMEOUT_MS}  # every pooled connection waits for writes as long as before
    assert _try(engine, [_entry("a")])
    assert not queue_for(engine.url.database)._threads.locked()
