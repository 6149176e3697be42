"""The test databases: a SQLite file, or the PostgreSQL server CI points EXOHAIR_TEST_DATABASE_URL at."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

from exohair.db.engine import make_engine


def sqlite_engine(directory: Path) -> Engine:
    return make_engine(f"sqlite:///{directory / 'exohair.sqlite3'}")


def postgres_engine() -> Engine:
    """The CI database, emptied first: it is shared by every run."""
    engine = make_engine(postgres_url())
    empty_postgres(engine)
    return engine


def postgres_url() -> str:
    """EXOHAIR_TEST_DATABASE_URL, or under pytest-xdist a database of the worker's own beside it (`test_gw0`, ...):
    each test empties the database it uses, so two workers must never share one. Made on first use, by the
    same role, on the same server."""
    url = make_url(os.environ["EXOHAIR_TEST_DATABASE_URL"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{worker}")
    if own.database not in _made:
        server = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as connection:
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
                ).first()
                if exists is None:
                    connection.execute(text(f'CREATE DATABASE "{own.database}"'))
        finally:
            server.dispose()
        _made.add(str(own.database))
    return own.render_as_string(hide_password=False)


_made: set[str] = set()


def empty_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
