"""A SELECT compiled once for SQLite and run on the driver's own cursor, its values converted by SQLAlchemy's types.

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
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect


class DriverSelect:
    """One SELECT, compiled for `dialect` (SQLite's), to run with `first()`."""

    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        if dialect.name != "sqlite":
            raise ValueError(f"DriverSelect runs on SQLite's driver only, not {dialect.name}")
        compiled = statement.compile(dialect=dialect)
        self._sql = compiled.string
        # The values the statement carries itself (LIMIT 1, status = 'active'); the caller gives the others.
        self._defaults = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
        self._order = list(compiled.positiontup or [])
        binds = compiled.binds
        self._binders: dict[str, Callable[[Any], Any] | None] = {
            name: binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self._order
        }
        self._converters: list[Callable[[Any], Any] | None] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in statement.selected_columns
        ]

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row for `params` (by bind name), converted as SQLAlchemy converts it; None if there is none."""
        values = self._defaults | dict(params)
        bound = []
        for name in self._order:  # as SQLAlchemy binds: every value through its processor, None included
            value, binder = values[name], self._binders[name]
            bound.append(binder(value) if binder is not None else value)
        driver = connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        row = driver.execute(self._sql, bound).fetchone()
        if row is None:
            return None
        return tuple(
            convert(value) if convert is not None else value
            for convert, value in zip(self._converters, row, strict=True)
        )
