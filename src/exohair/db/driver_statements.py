"""Statements compiled once for SQLite and run on the driver's own cursor, with SQLAlchemy's types doing the binding.

Executing a statement through SQLAlchemy costs more than SQLite takes to run it when the statement is a primary-key
lookup: building the execution context, the result's metadata, the row processors, the events. The plan read does
that on every request of the busiest route (features/plans/reads.py), where it was about 0.15 ms of a 1.3 ms read
(benchmarks/api_cost.py). Here the statement is compiled once; each run binds its parameters with the columns'
own bind processors, runs the SQL on the DBAPI cursor of the connection given, and converts each value with the
result processor SQLAlchemy itself would use for that column on SQLite (UUIDs, dates, JSON, booleans, the UTC
datetimes). So a row comes back as it would from `connection.execute(...).first()`; tests/integration compares
the two.

SQLite only: PostgreSQL's driver takes parameters by name and converts types itself, and its execution cost is
the database's, not SQLAlchemy's.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Select, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class _DriverStatement:
    """A statement compiled once for `dialect` (SQLite's), its parameters bound by their columns' types."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        if dialect.name != "sqlite":
            raise ValueError(f"driver statements run on SQLite's driver only, not {dialect.name}")
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self._sql = compiled.string
        # The values the statement carries itself (LIMIT 1, status = 'active'); the caller gives the others.
        self._defaults = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
        self._order = list(compiled.positiontup or [])
        binds = compiled.binds
        self._binders: dict[str, Callable[[Any], Any] | None] = {
            name: binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self._order
        }

    def _bound(self, params: Mapping[str, Any]) -> list[Any]:
        values = self._defaults | dict(params)
        bound = []
        for name in self._order:  # as SQLAlchemy binds: every value through its processor, None included
            value, binder = values[name], self._binders[name]
            bound.append(binder(value) if binder is not None else value)
        return bound


class DriverSelect(_DriverStatement):
    """One SELECT, to run with `first()`; each value converted by its column's type."""

    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        super().__init__(statement, dialect)
        self._converters = RowConverter(statement, dialect)

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row for `params` (by bind name), converted as SQLAlchemy converts it; None if there is none."""
        row = sqlite_driver(connection).execute(self._sql, self._bound(params)).fetchone()
        return self._converters(row) if row is not None else None


class RowConverter:
    """A driver's row of `statement` converted value by value as SQLAlchemy converts it for `dialect` (the result
    processors of the columns' types: UUIDs, UTC datetimes, JSON, booleans); also for loop_statements.py."""

    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        self._converters: list[Callable[[Any], Any] | None] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in statement.selected_columns
        ]

    def __call__(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            convert(value) if convert is not None else value
            for convert, value in zip(self._converters, row, strict=True)
        )


class DriverInsert(_DriverStatement):
    """One INSERT of every column of a table, to run with `execute()` inside a transaction the caller opened on the
    driver's connection (SQLAlchemy's Connection does not know of it: the caller commits on the driver too)."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        super().__init__(insert(table), dialect)

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        driver = sqlite_driver(connection)
        if len(rows) == 1:
            driver.execute(self._sql, self._bound(rows[0]))
        else:
            driver.executemany(self._sql, [self._bound(row) for row in rows])


def sqlite_driver(connection: Connection) -> sqlite3.Connection:
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


# Compiled once per dialect, kind and statement: the callers' statements are module constants.
_compiled: weakref.WeakKeyDictionary[Dialect, dict[tuple[object, object], object]] = weakref.WeakKeyDictionary()
S = TypeVar("S")


def compiled_once(kind: Callable[[Any, Dialect], S], source: object, dialect: Dialect) -> S:
    """`kind(source, dialect)`, made on first use and kept for `dialect`'s lifetime (also for loop_statements.py)."""
    made = _compiled.setdefault(dialect, {})
    found = made.get((kind, source))
    if found is None:
        found = made[(kind, source)] = kind(source, dialect)
    return cast(S, found)


def select_first(connection: Connection, statement: Select[*tuple[Any, ...]], params: Mapping[str, Any]) -> Any:
    """`connection.execute(statement, params).first()`, as a tuple, run on SQLite's driver (see DriverSelect)."""
    return compiled_once(DriverSelect, statement, connection.dialect).first(connection, params)


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (every column given) into `table` on SQLite's driver, in the caller's driver transaction."""
    compiled_once(DriverInsert, table, connection.dialect).execute(connection, rows)
