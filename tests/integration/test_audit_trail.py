"""The audit trail is append-only and tamper-evident, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from concurrency import failures_in_threads
from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.domain.audit import GENESIS
from exohair.features.audit.service import record_event, verify_trail

AT = datetime(2027, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
CLINIC = uuid.uuid4()


@pytest.fixture
def sessions(engine):
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        for k, action in enumerate(("create", "read", "update")):
            record_event(
                session,
                at=AT + timedelta(minutes=k),
                action=action,
                record_type="patient",
                record_id="p-1",
                clinic_id=CLINIC,
                actor_id=uuid.uuid4(),
                source="127.0.0.1",
                changes={"cancer_stage": [None, "IIA"]} if action != "read" else None,
            )
    return sessions


def _tamper(session, statement: str) -> None:
    """What an attacker with database rights could do: switch off the append-only triggers, then edit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
    else:
        session.execute(text("DROP TRIGGER audit_entries_no_update"))
        session.execute(text("DROP TRIGGER audit_entries_no_delete"))
    session.execute(text(statement))


def test_an_untouched_trail_verifies(sessions):
    # Also proves entries are stored exactly as hashed: the instant (with microseconds) and the JSON changes
    # survive the round trip, or every entry would look edited.
    with sessions() as session:
        report = verify_trail(session)
        head = session.execute(text("SELECT hash, previous_hash FROM audit_entries WHERE seq = 3")).one()
        first_previous = session.execute(text("SELECT previous_hash FROM audit_entries WHERE seq = 1")).scalar()
    assert report.intact
    assert report.count == 3
    assert report.head_hash == head.hash
    assert first_previous == GENESIS


def test_the_database_refuses_to_update_or_delete_an_entry(sessions):
    for statement in ("UPDATE audit_entries SET action = 'read' WHERE seq = 1", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"), sessions.begin() as session:
            session.execute(text(statement))


def test_verify_catches_an_edited_entry(sessions):
    with sessions.begin() as session:
        _tamper(session, "UPDATE audit_entries SET record_id = 'p-2' WHERE seq = 2")
    with sessions() as session:
        report = verify_trail(session)
    assert not report.intact
    assert [(b.seq, "edited" in b.problem) for b in report.broken] == [(2, True)]


def test_verify_catches_a_deleted_entry(sessions):
    with sessions.begin() as session:
        _tamper(session, "DELETE FROM audit_entries WHERE seq = 2")
    with sessions() as session:
        report = verify_trail(session)
    assert [(b.seq, "deleted" in b.problem) for b in report.broken] == [(3, True)]


def test_an_entry_is_written_with_its_change_or_not_at_all(sessions):
    """A rolled-back transaction leaves no entry; entries reach the table only when their change commits."""
    with sessions() as session:
        record_event(session, at=AT, action="update", record_type="patient", record_id="p-1")
        session.rollback()
        session.commit()
        assert verify_trail(session).count == 3
    with sessions.begin() as session:
        record_event(session, at=AT, action="update", record_type="patient", record_id="p-1")
    with sessions() as session:
        assert verify_trail(session).count == 4


def test_concurrent_appends_queue_up_instead_of_forking_the_chain(sessions):
    """Requests commit their reads' entries at the same moment (found by benchmarks/api.py: on SQLite two appends
    read the same head outside any transaction, and the second failed its insert with a 500)."""
    threads, per_thread = 6, 25

    def append(worker: int) -> None:
        for k in range(per_thread):
            with sessions.begin() as session:
                record_event(session, at=AT, action="read", record_type="patient", record_id=f"p-{worker}-{k}")

    assert failures_in_threads(append, threads) == []
    with sessions() as session:
        report = verify_trail(session)
    assert report.intact
    assert report.count == 3 + threads * per_thread


_APPENDER = """
import sys
from datetime import UTC, datetime
from sqlalchemy import text
from exohair.db.engine import make_engine, make_sessions
from exohair.features.audit.service import record_event

url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
sessions = make_sessions(make_engine(url))
for k in range(count):
    with sessions.begin() as session:
        session.execute(text("SELECT 1"))  # a read first, as a plan read does
        record_event(session, at=datetime.now(UTC), action="read", record_type="patient", record_id=f"{name}-{k}")
"""


def test_appends_from_several_server_processes_form_one_chain(engine, sessions):
    """`exohair serve --workers 2` runs two processes on one database: their appends queue across processes too."""
    url = engine.url.render_as_string(hide_password=False)
    processes, per_process = 3, 40
    running = [
        subprocess.Popen([sys.executable, "-c", _APPENDER, url, f"w{n}", str(per_process)], stderr=subprocess.PIPE)
        for n in range(processes)
    ]
    errors = [process.communicate(timeout=120)[1].decode() for process in running]
    assert [process.returncode for process in running] == [0] * processes, errors
    with sessions() as session:
        report = verify_trail(session)
    assert report.intact
    assert report.count == 3 + processes * per_process
