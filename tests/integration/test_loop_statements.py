"""PostgreSQL: statements run on psycopg's async connection read and write what SQLAlchemy's execution does.

The plan lane reads and appends its audit entries on the event loop (db/loop_statements.py). Every kind of value
the plan read returns (tests/plan_read_cases.py) must come back as `connection.execute(...).first()` brings it,
and an audit entry appended there must be stored as SQLAlchemy stores it, or the chain would not verify.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from databases import empty_postgres, postgres_engine
from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.db.loop_statements import LoopSelect, connect
from exohair.features.audit.service import audit_entry, commit_entries, commit_entries_on_loop, verify_trail
from plan_read_cases import AUDIT_ENTRIES, STATEMENT, check_values, plan_read_cases

pytestmark = pytest.mark.postgres
SAID = "at, clinic_id, actor_id, action, record_type, record_id, source, changes"


@pytest.fixture
def engine() -> Iterator[Engine]:  # PostgreSQL only, as LoopSelect is
    found = postgres_engine()
    migrate.upgrade(found)
    yield found
    empty_postgres(found)
    found.dispose()


def test_every_row_the_plan_read_returns_comes_back_as_sqlalchemy_gives_it(engine):
    cases = plan_read_cases(engine)
    on_loop = LoopSelect(STATEMENT, engine.dialect)

    async def read_all() -> list[tuple | None]:
        connection = await connect(engine, autocommit=True, name="test")
        async with connection:
            return [await on_loop.first(connection, params) for params in [*cases.params, cases.showing]]

    found = asyncio.run(read_all())
    compared = 0
    with engine.connect() as connection:
        for params, row in zip(cases.params, found, strict=False):
            expected = connection.execute(STATEMENT, params).first()
            assert row == (tuple(expected) if expected is not None else None), params
            if row is not None:
                assert [type(v) for v in row] == [type(v) for v in expected]
                compared += 1
    assert compared == 4 * 4
    check_values(found[-1])


def test_an_audit_entry_appended_on_the_loop_is_stored_as_sqlalchemy_stores_it(engine):
    """The same entries, appended once each way into one chain: every column but the chain's own (seq and the
    hashes) holds the same text, and the chain verifies, so the hashes were made of what was stored."""
    entries = [audit_entry(**entry) for entry in AUDIT_ENTRIES]

    async def on_loop() -> None:
        connection = await connect(engine, autocommit=True, name="test")
        async with connection:
            await commit_entries_on_loop(connection, engine.dialect, copy.deepcopy(entries))

    asyncio.run(on_loop())
    with engine.connect() as connection:
        commit_entries(connection, copy.deepcopy(entries))
        columns = ", ".join(f"{c}::text" for c in SAID.split(", "))
        stored = connection.execute(text(f"SELECT seq, {columns} FROM audit_entries ORDER BY seq")).all()
    assert [row.seq for row in stored] == [1, 2, 3, 4]
    assert [tuple(row)[1:] for row in stored[:2]] == [tuple(row)[1:] for row in stored[2:]]
    with make_sessions(engine)() as session:
        assert verify_trail(session).intact


def test_a_failed_append_on_the_loop_writes_nothing(engine):
    """The lock, the head and the insert are one transaction: an entry that cannot be stored leaves no trace."""
    broken = audit_entry(**AUDIT_ENTRIES[0]) | {"action": "x" * 500}  # longer than the column allows

    async def on_loop() -> None:
        connection = await connect(engine, autocommit=True, name="test")
        async with connection:
            with pytest.raises(Exception, match="too long"):
                await commit_entries_on_loop(connection, engine.dialect, [audit_entry(**AUDIT_ENTRIES[1]), broken])
            await commit_entries_on_loop(connection, engine.dialect, [audit_entry(**AUDIT_ENTRIES[1])])

    asyncio.run(on_loop())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT seq FROM audit_entries")).scalars().all() == [1]
    with make_sessions(engine)() as session:
        assert verify_trail(session).intact
