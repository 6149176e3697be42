"""Alembic environment: migrates the database of EXOHAIR_DATABASE_URL, or the connection a caller passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import exohair.db.models  # noqa: F401  (registers every table on Base.metadata)
from exohair.config import get_settings
from exohair.db.base import Base
from exohair.db.engine import make_engine

config = context.config
target_metadata = Base.metadata


def _configure(**options: object) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, **options)  # type: ignore[arg-type]


def _run(connection: Connection) -> None:
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    if context.is_offline_mode():
        _configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with make_engine(url).connect() as connection:
        _run(connection)


run()
