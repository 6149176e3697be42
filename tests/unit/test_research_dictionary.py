"""The research export's data dictionary: every column documented in docs/research-exports.md, pseudonymous keys
and shifted dates named as such, and no column of the kind the export must never hold."""

from __future__ import annotations

import re
from pathlib import Path

from exohair.features.research.dictionary import TABLES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "research-exports.md"


def test_the_docs_list_every_column_of_every_table_and_no_other():
    text = DOCS.read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        section = text.split(f"### `{table}`", 1)[1].split("###", 1)[0].split("## ", 1)[0]
        listed = re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M)
        assert listed == [c.name for c in columns], table


def test_keys_are_pseudonyms_dates_are_shifted_and_nothing_identifying_is_a_column():
    for columns in TABLES.values():
        for column in columns:
            if column.name.endswith("_key"):
                assert column.deidentification.startswith("pseudonym"), column
            if column.type == "date":
                assert column.name.endswith("_shifted"), column
                assert column.deidentification.startswith("shifted"), column
            assert not re.search(r"name$|mrn|birth|age_years|notes|reason", column.name), column
            assert column.description, column
