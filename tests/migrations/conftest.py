"""A fresh, empty database per test, on SQLite and (marked `postgres`) on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from exohair.db.engine import make_engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'exohair.sqlite3'}")
    else:
        engine = make_engine(os.environ["EXOHAIR_TEST_DATABASE_URL"])
        _empty_postgres(engine)  # the CI database is shared by runs: start from nothing
    yield engine
    if request.param == "postgres":
        _empty_postgres(engine)
    engine.dispose()


def _empty_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
