"""The test databases: a SQLite file, or the PostgreSQL server CI points EXOHAIR_TEST_DATABASE_URL at."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, text

from exohair.db.engine import make_engine


def sqlite_engine(directory: Path) -> Engine:
    return make_engine(f"sqlite:///{directory / 'exohair.sqlite3'}")


def postgres_engine() -> Engine:
    """The CI database, emptied first: it is shared by every run."""
    engine = make_engine(os.environ["EXOHAIR_TEST_DATABASE_URL"])
    empty_postgres(engine)
    return engine


def empty_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
