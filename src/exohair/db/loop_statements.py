"""PostgreSQL statements run on psycopg's own async connection, on a worker's event loop, with SQLAlchemy's types
doing the binding: for the plan read's fast lane and its audit appends (web/plan_lane.py).

On PostgreSQL the lane read in a thread (psycopg's sync driver blocks) and handed its audit entry to another
thread: per read, two hops between threads, a pool checkout with its ping, and BEGIN and COMMIT around a single
SELECT, each a round trip that costs the worker and the server CPU. On 2 cores shared by both workers and
PostgreSQL, that held the lane to 766 reads a second; without it, 1,410 (docs/benchmarks.md). Here a statement is
compiled once for the psycopg dialect; each run binds its parameters (by name) with the columns' own bind
processors and converts each value read with the result processor SQLAlchemy would use for that column, so a row
comes back as `connection.execute(...).first()` would bring it, and a row written is stored as SQLAlchemy would
store it (tests/integration/test_loop_statements.py compares both).
"""

from __future__ import annotations

import select
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import Engine, Select, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from exohair.db.driver_statements import RowConverter, compiled_once


class _LoopStatement:
    """A statement compiled once for PostgreSQL through psycopg, its parameters bound by their columns' types."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        if dialect.name != "postgresql":
            raise ValueError(f"loop statements run on PostgreSQL's psycopg only, not {dialect.name}")
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        named = compiled.bind_names.items()
        # The values the statement carries itself (LIMIT 1, status = 'active'); the caller gives the others.
        self._defaults = {name: bind.value for bind, name in named if not bind.required}
        processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect) for bind, name in named}
        self._binders: dict[str, Callable[[Any], Any]] = {n: p for n, p in processors.items() if p is not None}

    def bound(self, params: Mapping[str, Any]) -> dict[str, Any]:
        values = self._defaults | dict(params)
        for name, binder in self._binders.items():  # as SQLAlchemy binds: None included
            values[name] = binder(values[name])
        return values


class LoopSelect(_LoopStatement):
    """One SELECT, to run with `first()`; each value converted by its column's type."""

    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        super().__init__(statement, dialect)
        self._converters = RowConverter(statement, dialect)

    async def first(
        self, connection: psycopg.AsyncConnection[Any], params: Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        """The first row for `params` (by bind name), converted as SQLAlchemy converts it; None if there is none."""
        cursor = await connection.execute(self.sql, self.bound(params))
        row = await cursor.fetchone()
        return self._converters(row) if row is not None else None


class LoopInsert(_LoopStatement):
    """One INSERT of every column of a table, in the caller's transaction on `connection`."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        super().__init__(insert(table), dialect)

    async def execute(self, connection: psycopg.AsyncConnection[Any], rows: Sequence[Mapping[str, Any]]) -> None:
        async with connection.cursor() as cursor:
            if len(rows) == 1:
                await cursor.execute(self.sql, self.bound(rows[0]))
            else:
                await cursor.executemany(self.sql, [self.bound(row) for row in rows])


async def connect(engine: Engine, *, autocommit: bool, name: str) -> psycopg.AsyncConnection[Any]:
    """A psycopg async connection to `engine`'s database, made with the arguments the engine's own would get.
    `name` is its application_name (what pg_stat_activity shows), unless the database URL sets one."""
    args, options = engine.dialect.create_connect_args(engine.url)
    options.setdefault("application_name", name)
    return await psycopg.AsyncConnection.connect(*args, autocommit=autocommit, **options)


def gone(connection: psycopg.AsyncConnection[Any]) -> bool:
    """Whether an idle connection is no longer usable, without a round trip: the pool's ping costs one per use.

    The server says nothing to an idle connection unless it is ending it (an administrator's
    pg_terminate_backend, a restart, an idle timeout): then it sends the reason and closes the socket. So a socket
    with something to read, checked without waiting, means the connection is gone."""
    if connection.closed:
        return True
    waiting = select.poll()  # not select.select: a busy server's descriptors pass FD_SETSIZE (1024)
    waiting.register(connection.fileno(), select.POLLIN)
    return bool(waiting.poll(0))


def loop_select(dialect: Dialect, statement: Select[*tuple[Any, ...]]) -> LoopSelect:
    return compiled_once(LoopSelect, statement, dialect)


def loop_insert(dialect: Dialect, table: Table) -> LoopInsert:
    return compiled_once(LoopInsert, table, dialect)
