"""The audit entries of reads are committed in batches by one thread per process, before the answers leave."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from concurrency import failures_in_threads
from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.db.models import AuditEntry
from exohair.features.audit.reads import ReadAuditAppender, take_read_entries
from exohair.features.audit.service import pending_entries, record_event, verify_trail

AT = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
CLINIC = uuid.uuid4()


@pytest.fixture
def sessions(engine):
    migrate.upgrade(engine)
    return make_sessions(engine)


def _read(session: Session, record_id: str) -> None:
    session.execute(select(AuditEntry.seq).limit(1)).all()  # any read
    record_event(session, at=AT, action="read", record_type="patient", record_id=record_id, clinic_id=CLINIC)


def test_a_transaction_that_only_read_hands_its_entries_over(sessions):
    with sessions() as session:
        _read(session, "p-1")
        taken = take_read_entries(session)
        assert [e["record_id"] for e in taken or []] == ["p-1"]
        assert not pending_entries(session)  # its own commit will not seal them a second time
        session.commit()
        assert verify_trail(session).count == 0


def test_a_transaction_that_wrote_keeps_its_entries_to_commit_with_its_change(sessions):
    with sessions() as session:
        _read(session, "p-1")
        session.execute(text("UPDATE clinics SET name = name WHERE 1 = 0"))  # a write, even one that changed nothing
        assert take_read_entries(session) is None
        session.commit()
        assert verify_trail(session).count == 1


def test_a_write_in_an_earlier_transaction_does_not_count_against_the_next(sessions):
    """The mark lives on the pooled connection, which outlives the transaction: it must start clean each time."""
    with sessions() as session:
        session.execute(text("UPDATE clinics SET name = name WHERE 1 = 0"))
        session.commit()
        _read(session, "p-2")
        assert take_read_entries(session) is not None


def test_reads_from_many_threads_form_one_intact_chain_in_fewer_transactions(sessions, engine):
    appender = ReadAuditAppender(engine)
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    threads, per_thread = 8, 20

    def reader(worker: int) -> None:
        for k in range(per_thread):
            with sessions() as session:
                _read(session, f"p-{worker}-{k}")
                entries = take_read_entries(session)
                session.commit()
            assert entries is not None
            appender.submit(entries).result(timeout=60)  # as the audit gate waits before answering

    assert failures_in_threads(reader, threads) == []
    with sessions() as session:
        report = verify_trail(session)
        ids = set(session.scalars(select(AuditEntry.record_id)))
    assert report.intact
    assert report.count == threads * per_thread
    assert ids == {f"p-{w}-{k}" for w in range(threads) for k in range(per_thread)}
    # Each reader's transaction commits too; the appender's batches add fewer commits than there were reads.
    appender_commits = len(commits) - threads * per_thread
    assert 0 < appender_commits < threads * per_thread


def test_entries_that_could_not_be_committed_fail_every_waiting_request(tmp_path):
    from exohair.db.engine import make_engine

    broken = make_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}")  # never migrated: no audit_entries table
    appender = ReadAuditAppender(broken)
    entry = {"at": AT, "clinic_id": CLINIC, "actor_id": None, "action": "read", "record_type": "patient",
             "record_id": "p-1", "source": "test", "changes": None}  # fmt: skip
    waiting = [appender.submit([dict(entry)]) for _ in range(3)]
    for future in waiting:
        with pytest.raises(Exception, match="audit_entries"):
            future.result(timeout=60)
    broken.dispose()
