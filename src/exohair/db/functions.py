"""SQL functions that SQLite and PostgreSQL spell differently, for queries that must run on both."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction


class iso_dates(GenericFunction[str]):
    """Aggregate: the group's dates as one comma-separated string of ISO dates ('' or NULL when none).

    Lets a query carry a short list of dates (a clinic's closed days) as one column of a row it returns anyway,
    instead of a round trip of its own. PostgreSQL formats explicitly, so the server's DateStyle cannot change it;
    SQLite stores dates as ISO text already.
    """

    type = String()
    inherit_cache = True


@compiles(iso_dates, "postgresql")
def _iso_dates_postgresql(element: iso_dates, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg(to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD'), ',')"


@compiles(iso_dates, "sqlite")
def _iso_dates_sqlite(element: iso_dates, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


def parse_iso_dates(joined: str | None) -> list[date]:
    return [date.fromisoformat(part) for part in joined.split(",")] if joined else []
