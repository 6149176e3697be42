"""SQLite: the plan lane's statement run on the driver's cursor gives the row SQLAlchemy's execution gives.

DriverSelect (db/driver_select.py) binds and converts with the columns' own types; here every kind of value the
plan read returns is compared with `connection.execute(...).first()`: UUIDs, UTC datetimes set and unset, dates,
JSON lists and a JSON object, JSON null, booleans, NULL columns of an outer join, and no row at all.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from databases import sqlite_engine
from exohair.db import migrate
from exohair.db.driver_select import DriverSelect
from exohair.db.engine import make_sessions
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.accounts.secrets import token_hash
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
