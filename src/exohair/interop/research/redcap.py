"""The research tables in REDCap's layouts (docs/research-exports.md cites the sources):

- a data dictionary CSV with REDCap's 18 columns, headed exactly as REDCap writes them, one form per table;
- a records CSV for a classic project with repeating instruments: `record_id` (the patient's pseudonym), then
  `redcap_repeat_instrument` and `redcap_repeat_instance`, blank on the patient's own row and set on each row of
  a repeating form (courses, sessions, assessments, adverse events), which fills only its own form's fields;
- the repeating instruments, `form_name,custom_form_label`, as REDCap's API takes them for a classic project.

Variables are the table's columns behind a one-letter prefix per form (`s_status`, `e_grade`), so names stay
unique across forms and within REDCap's recommended 26 characters. Coded text becomes a radio field whose choices
are numbered in the dictionary's order (`1, female | 2, male | ...`) and the records hold the numbers; flags
become yesno (1/0); dates are text validated as date_ymd (YYYY-MM-DD); integer scales carry their range.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exohair.interop.research.columns import Column, Row, Table, csv_bytes

DICTIONARY_HEADER = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
)  # fmt: skip
RECORD_ID = "record_id"
REPEAT_COLUMNS = ("redcap_repeat_instrument", "redcap_repeat_instance")
# The header line byte for byte as REDCap writes it when it exports a data dictionary (quoted where REDCap quotes).
DICTIONARY_HEADER_LINE = ",".join(f'"{name}"' if name != "Identifier?" else name for name in DICTIONARY_HEADER)
MAX_NAME = 26  # REDCap's recommended maximum for a variable name
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VALIDATION = {"integer": "integer", "number": "number", "date": "date_ymd"}


@dataclass(frozen=True, slots=True)
class Instrument:
    """One table as a REDCap form: `form` its name, `prefix` its variables' prefix, `link` the column that holds
    the record id (the patient's pseudonym); the first instrument is the record's own, the others repeat."""

    form: str
    prefix: str
    table: Table
    link: str
    label: str = ""  # a repeating form's custom label, e.g. "[s_planned_on_shifted]"


def variable(instrument: Instrument, column: Column) -> str:
    name = f"{instrument.prefix}{column.name}"
    if len(name) > MAX_NAME or not _NAME.match(name):
        raise ValueError(f"{name!r} is not a REDCap variable name of at most {MAX_NAME} characters")
    return name


def _fields(instrument: Instrument) -> list[Column]:
    return [c for c in instrument.table.columns if c.name != instrument.link]


def _choices(column: Column) -> str:
    return " | ".join(f"{number}, {value}" for number, value in enumerate(column.allowed, start=1))


def _radio(column: Column) -> bool:
    return column.type == "string" and bool(column.allowed) and not column.many


def _dictionary_row(instrument: Instrument, column: Column) -> list[str]:
    row = [""] * len(DICTIONARY_HEADER)
    row[0], row[1], row[4] = variable(instrument, column), instrument.form, column.description
    if _radio(column):
        row[3], row[5] = "radio", _choices(column)
    elif column.type == "boolean":
        row[3] = "yesno"
    else:
        row[3] = "text"
        row[7] = _VALIDATION.get(column.type, "")
    if column.range is not None:
        row[8], row[9] = str(column.range[0]), str(column.range[1])
    row[6] = column.unit
    if column.many and column.allowed:
        row[6] = f"several of {', '.join(column.allowed)}, joined by +"
    row[17] = f"De-identification: {column.deidentification}"
    return row


def redcap_dictionary(instruments: Sequence[Instrument], *, record_label: str) -> bytes:
    first = instruments[0]
    rows = [[RECORD_ID, first.form, "", "text", record_label, *[""] * 12, "De-identification: pseudonym"]]
    rows += [_dictionary_row(instrument, column) for instrument in instruments for column in _fields(instrument)]
    body = csv_bytes(DICTIONARY_HEADER, rows).split(b"\n", 1)[1]
    return DICTIONARY_HEADER_LINE.encode() + b"\n" + body


def _coded(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if _radio(column):
        return column.allowed.index(str(value)) + 1
    if column.type == "boolean":
        return 1 if value else 0
    return value


def redcap_records(instruments: Sequence[Instrument]) -> bytes:
    """One row per patient (her own form), then one per row of each repeating form, numbered 1, 2, ... per patient
    in the table's order. Every row has every column; the ones of other forms are blank."""
    header = [RECORD_ID, *REPEAT_COLUMNS]
    header += [variable(i, c) for i in instruments for c in _fields(i)]
    position = {name: index for index, name in enumerate(header)}
    first, repeating = instruments[0], instruments[1:]
    rows_of: dict[str, list[list[Any]]] = defaultdict(list)
    for instrument in repeating:
        counts: dict[str, int] = defaultdict(int)
        for row in instrument.table.rows:
            record = str(row[instrument.link])
            counts[record] += 1
            rows_of[record].append(_line(header, position, instrument, row, record, counts[record]))
    lines: list[list[Any]] = []
    for row in first.table.rows:
        record = str(row[first.link])
        lines.append(_line(header, position, first, row, record, None))
        lines += rows_of.pop(record, [])
    if rows_of:
        raise ValueError(f"{len(rows_of)} record(s) have repeating rows but no row of their own")
    return csv_bytes(header, lines)


def _line(
    header: list[str], position: dict[str, int], instrument: Instrument, row: Row, record: str, instance: int | None
) -> list[Any]:
    line: list[Any] = [None] * len(header)
    line[0] = record
    if instance is not None:
        line[1], line[2] = instrument.form, instance
    for column in _fields(instrument):
        line[position[variable(instrument, column)]] = _coded(column, row.get(column.name))
    return line


def redcap_repeating(instruments: Sequence[Instrument]) -> bytes:
    return csv_bytes(("form_name", "custom_form_label"), ((i.form, i.label) for i in instruments[1:]))
