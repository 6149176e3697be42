"""A research table as Parquet, typed from its data dictionary (so an empty table has the same schema as a full
one): text as strings, whole numbers as int64, measurements as float64, dates as date32, flags as booleans."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq

from exohair.interop.research.columns import ColumnType, Table

_ARROW: dict[ColumnType, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def table_parquet(table: Table) -> bytes:
    schema = pa.schema([pa.field(c.name, _ARROW[c.type], nullable=True) for c in table.columns])
    arrays = [pa.array([row.get(c.name) for row in table.rows], type=_ARROW[c.type]) for c in table.columns]
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), out)
    return out.getvalue()
