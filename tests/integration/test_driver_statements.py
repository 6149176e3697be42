"""SQLite: statements run on the driver's cursor read and write what SQLAlchemy's execution reads and writes.

DriverSelect (db/driver_statements.py) binds and converts with the columns' own types; here every kind of value the
plan read returns is compared with `connection.execute(...).first()`: UUIDs, UTC datetimes set and unset, dates,
JSON lists and a JSON object, JSON null, booleans, NULL columns of an outer join, and no row at all.
"""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from databases import sqlite_engine
from exohair.db import migrate
from exohair.db.driver_statements import DriverSelect, sqlite_driver
from exohair.db.engine import make_sessions
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.accounts.secrets import token_hash
from exohair.features.audit.service import audit_entry, commit_entries, try_commit_entries, verify_trail
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.features.plans import reads
from exohair.knowledge import shipped_knowledge
from personas import NOW, World

KNOWLEDGE = shipped_knowledge()


@pytest.fixture
def engine(tmp_path) -> Engine:  # SQLite only, as DriverSelect is
    found = sqlite_engine(tmp_path)
    migrate.upgrade(found)
    yield found
    found.dispose()


def test_every_row_the_plan_read_returns_comes_back_as_sqlalchemy_gives_it(engine):
    with make_sessions(engine)() as session:
        world = World(session)
        course = CourseIn(regimen="AC-T", first_infusion=NOW.date() + timedelta(days=14),
                          protocol="priming-in-cycle-regrowth", adjuncts=["minoxidil"])  # fmt: skip
        courses.start_course(session, world.actor(Role.COORDINATOR), world.ada.id, course, KNOWLEDGE, at=NOW)
        world.ada.conditions = ["hypertension"]
        clinician = world.users[("North", Role.CLINICIAN)]
        plain = {
            "fresh": accounts.create_token(session, clinician, "fresh", at=NOW)[1],
            "expiring": accounts.create_token(
                session, clinician, "expiring", at=NOW, expires_at=NOW + timedelta(days=1)
            )[1],
            "patient's": accounts.create_token(session, world.ada_user, "own", at=NOW)[1],
        }
        revoked, plain["revoked"] = accounts.create_token(session, clinician, "revoked", at=NOW)
        accounts.revoke_token_by_id(session, clinician, revoked.id, at=NOW)
        accounts.token_holder(session, plain["fresh"], at=NOW)  # notes its use: last_used_at set
        session.commit()
        patients = [world.ada.id, world.bea.id, world.cal.id, uuid.uuid4()]

    statement = reads._TOKEN_PLAN_READ
    on_driver = DriverSelect(statement, engine.dialect)
    compared = 0
    with engine.connect() as connection:
        for token in [*plain.values(), "exo_made-up"]:
            for patient in patients:
                params = {"hash": token_hash(token), "patient_id": patient}
                expected = connection.execute(statement, params).first()
                found = on_driver.first(connection, params)
                assert found == (tuple(expected) if expected is not None else None), (token, patient)
                if found is not None:
                    assert [type(v) for v in found] == [type(v) for v in expected]
                    compared += 1
    assert compared == 4 * 4
    with engine.connect() as connection:  # the values themselves, where each kind shows
        row = on_driver.first(connection, {"hash": token_hash(plain["expiring"]), "patient_id": world.ada.id})
    assert row is not None
    cut = reads._ENDS
    assert row[2] == NOW + timedelta(days=1)  # expires_at
    assert row[2].tzinfo is not None  # in UTC, as stored
    assert row[cut[0] + 4] == ["hypertension"]  # the patient's conditions (JSON)
    assert row[cut[1] + 3] is None  # custom_regimen: JSON null
    assert row[cut[2] + 4] == ["minoxidil"]  # the plan's adjuncts


def test_an_audit_entry_inserted_on_the_driver_is_stored_byte_for_byte_as_sqlalchemy_stores_it(tmp_path):
    """The plan lane's entries go in on SQLite's driver (try_commit_entries); the rest through SQLAlchemy
    (commit_entries). Both must store the same text in every column, or the chain's hashes would not verify."""
    entries = [
        audit_entry(at=NOW + timedelta(microseconds=123), action="read", record_type="plan_version",
                    record_id=str(uuid.uuid4()), clinic_id=uuid.uuid4(), actor_id=uuid.uuid4(), source="10.0.0.1",
                    changes={"patient_id": str(uuid.uuid4()), "moved": ["s1", "s2"], "n": 2}),
        audit_entry(at=NOW, action="read", record_type="patient", record_id=None, clinic_id=None, actor_id=None,
                    source="cli", changes=None),
    ]  # fmt: skip
    stored = []
    for name, commit in (("driver", _on_driver), ("sqlalchemy", _through_sqlalchemy)):
        (tmp_path / name).mkdir()
        engine = sqlite_engine(tmp_path / name)
        migrate.upgrade(engine)
        commit(engine, copy.deepcopy(entries))
        with engine.connect() as connection:
            stored.append(sqlite_driver(connection).execute("SELECT * FROM audit_entries ORDER BY seq").fetchall())
        with make_sessions(engine)() as session:
            assert verify_trail(session).intact
        engine.dispose()
    assert len(stored[0]) == 2
    assert stored[0] == stored[1]


def _on_driver(engine: Engine, entries: list[dict]) -> None:
    with engine.connect() as connection:
        assert try_commit_entries(connection, entries)


def _through_sqlalchemy(engine: Engine, entries: list[dict]) -> None:
    with engine.connect() as connection:
        commit_entries(connection, entries)
