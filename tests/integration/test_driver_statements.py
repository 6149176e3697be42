"""SQLite: statements run on the driver's cursor read and write what SQLAlchemy's execution reads and writes.

DriverSelect (db/driver_statements.py) binds and converts with the columns' own types; here every kind of value the
plan read returns (tests/plan_read_cases.py) is compared with `connection.execute(...).first()`.
"""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import Engine

from databases import sqlite_engine
from exohair.db import migrate
from exohair.db.driver_statements import DriverSelect, sqlite_driver
from exohair.db.engine import make_sessions
from exohair.features.audit.service import audit_entry, commit_entries, try_commit_entries, verify_trail
from plan_read_cases import AUDIT_ENTRIES, STATEMENT, check_values, plan_read_cases


@pytest.fixture
def engine(tmp_path) -> Engine:  # SQLite only, as DriverSelect is
    found = sqlite_engine(tmp_path)
    migrate.upgrade(found)
    yield found
    found.dispose()


def test_every_row_the_plan_read_returns_comes_back_as_sqlalchemy_gives_it(engine):
    cases = plan_read_cases(engine)
    on_driver = DriverSelect(STATEMENT, engine.dialect)
    compared = 0
    with engine.connect() as connection:
        for params in cases.params:
            expected = connection.execute(STATEMENT, params).first()
            found = on_driver.first(connection, params)
            assert found == (tuple(expected) if expected is not None else None), params
            if found is not None:
                assert [type(v) for v in found] == [type(v) for v in expected]
                compared += 1
        assert compared == 4 * 4
        check_values(on_driver.first(connection, cases.showing))


def test_an_audit_entry_inserted_on_the_driver_is_stored_byte_for_byte_as_sqlalchemy_stores_it(tmp_path):
    """The plan lane's entries go in on SQLite's driver (try_commit_entries); the rest through SQLAlchemy
    (commit_entries). Both must store the same text in every column, or the chain's hashes would not verify."""
    entries = [audit_entry(**entry) for entry in AUDIT_ENTRIES]
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
