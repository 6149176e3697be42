"""The audit trail is append-only and tamper-evident, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

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
