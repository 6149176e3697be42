"""The research export's formats, in a module of their own so the command line can offer them without loading
the export's dependencies (pandas, pyarrow) for every other command."""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    CSV = "csv"  # one CSV per table
    PARQUET = "parquet"  # one Parquet file per table, typed from the data dictionary
    REDCAP = "redcap"  # REDCap's data dictionary and a records file to import
