"""A research table's columns as its data dictionary describes them, and the tables themselves as written.

Each column says what it holds (type, unit, allowed values, range) and how it was de-identified; the CSV and
Parquet writers and the REDCap layout are all driven by the same description, so a column cannot be exported
without being documented.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

ColumnType = Literal["string", "integer", "number", "boolean", "date"]
Row = Mapping[str, Any]

DICTIONARY_HEADER = (
    "table", "column", "type", "unit", "allowed_values", "range", "description", "de_identification",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Column:
    table: str
    name: str
    type: ColumnType
    description: str
    deidentification: str = "as recorded"
    unit: str = ""
    allowed: tuple[str, ...] = ()  # a coded column's values; a "+"-joined list column's possible members
    range: tuple[int, int] | None = None  # an integer scale's lowest and highest value
    many: bool = False  # several allowed values joined by "+" (adjuncts, scalp sites, conditions)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: Sequence[Row]

    def values(self, row: Row) -> list[Any]:
        return [row.get(column.name) for column in self.columns]


def cell(value: Any) -> str:
    """One value as CSV text: ISO dates, true/false, empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def table_csv(table: Table) -> bytes:
    return csv_bytes([c.name for c in table.columns], (table.values(row) for row in table.rows))


def dictionary_csv(tables: Iterable[Table]) -> bytes:
    """Every column of every table: name, table, type, unit, allowed values, range, description, de-identification."""
    rows = []
    for table in tables:
        for c in table.columns:
            scale = f"{c.range[0]}..{c.range[1]}" if c.range else ""
            allowed = ("several of: " if c.many else "") + " | ".join(c.allowed) if c.allowed else ""
            rows.append((table.name, c.name, c.type, c.unit, allowed, scale, c.description, c.deidentification))
    return csv_bytes(DICTIONARY_HEADER, rows)
