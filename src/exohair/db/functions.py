"""Query helpers: SQL functions that SQLite and PostgreSQL spell differently, and picking a row per patient."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import Integer, String
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


class weekday_of(GenericFunction[int]):
    """A date's day of the week, 0 = Monday as Python's date.weekday(), in SQL: closed weekdays are counted in
    the database instead of reading every planned session's date."""

    type = Integer()
    inherit_cache = True


@compiles(weekday_of, "postgresql")
def _weekday_of_postgresql(element: weekday_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST(EXTRACT(ISODOW FROM {compiler.process(element.clauses, **kw)}) AS INTEGER) - 1)"


@compiles(weekday_of, "sqlite")
def _weekday_of_sqlite(element: weekday_of, compiler: SQLCompiler, **kw: Any) -> str:
    # strftime('%w') counts from Sunday = 0
    return f"((CAST(strftime('%w', {compiler.process(element.clauses, **kw)}) AS INTEGER) + 6) % 7)"


def parse_iso_dates(joined: str | None) -> list[date]:
    return [date.fromisoformat(part) for part in joined.split(",")] if joined else []


class _OfPatient(Protocol):
    patient_id: uuid.UUID


Row = TypeVar("Row", bound=_OfPatient)


def first_of_each(rows: Iterable[Row]) -> dict[uuid.UUID, Row]:
    """The first row of each patient, from rows ordered by patient and then by what "first" means: so that the
    batch reading of a page's patients picks exactly what the one-patient query picks."""
    found: dict[uuid.UUID, Row] = {}
    for row in rows:
        found.setdefault(row.patient_id, row)
    return found


class json_rows(GenericFunction[str]):
    """Aggregate: the group's rows as one JSON array of arrays, as text ('[]' or NULL when none).

    Lets a query carry a few child rows (a course's sessions, its infusion records) in a row it returns anyway,
    instead of a round trip each. Dates come out as ISO strings on both databases; booleans as true/false on
    PostgreSQL and 1/0 on SQLite; there is no order (sort in Python).
    """

    type = String()
    inherit_cache = True


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"
