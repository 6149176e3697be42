"""`exohair research export`: the demo clinic's research tables into a directory or a zip, in each format, with
the data dictionary; an earlier export is not overwritten without --force; every export is audited."""

from __future__ import annotations

import csv
import io
import zipfile

import pyarrow.parquet as pq
import pytest


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_tables_and_their_dictionary_into_a_directory(run, demo_database, tmp_path):
    target = tmp_path / "export"
    result = run("research", "export", "--out", str(target), env=demo_database)
    assert result.code == 0, result.stderr
    names = {p.name for p in target.iterdir()}
    tables = ("patients", "courses", "sessions", "assessments", "adverse_events")
    assert names == {f"{t}.csv" for t in tables} | {"data_dictionary.csv", "README.txt"}
    patients = _rows((target / "patients.csv").read_text(encoding="utf-8"))
    assert patients
    assert f"{len(patients)} patients" in result.shown
    assert all(p["patient_key"].startswith("R-") for p in patients)
    described = {(r["table"], r["column"]) for r in _rows((target / "data_dictionary.csv").read_text("utf-8"))}
    for table in tables:
        header = (target / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert {(table, column) for column in header} <= described
    assert run("audit", "verify", env=demo_database).code == 0


def test_an_earlier_export_is_kept_unless_forced(run, demo_database, tmp_path):
    assert run("research", "export", "--out", str(tmp_path), env=demo_database).code == 0
    before = (tmp_path / "patients.csv").read_bytes()
    (tmp_path / "patients.csv").write_bytes(b"kept")
    again = run("research", "export", "--out", str(tmp_path), env=demo_database)
    assert again.code != 0
    assert "Not replacing" in again.said
    assert "--force" in again.said
    assert (tmp_path / "patients.csv").read_bytes() == b"kept"
    assert run("research", "export", "--out", str(tmp_path), "--force", env=demo_database).code == 0
    assert (tmp_path / "patients.csv").read_bytes() == before


@pytest.mark.parametrize("export_format", ["parquet", "redcap"])
def test_parquet_and_redcap_into_a_zip(run, demo_database, tmp_path, export_format):
    target = tmp_path / "export.zip"
    result = run("research", "export", "--out", str(target), "--format", export_format, env=demo_database)
    assert result.code == 0, result.stderr
    archive = zipfile.ZipFile(target)
    if export_format == "parquet":
        sessions = pq.read_table(io.BytesIO(archive.read("sessions.parquet")))
        assert sessions.num_rows > 0
        assert str(sessions.schema.field("performed_on_shifted").type) == "date32[day]"
    else:
        records = _rows(archive.read("redcap_records.csv").decode())
        assert {r["redcap_repeat_instrument"] for r in records} == {"", "course", "session", "assessment",
                                                                    "adverse_event"}  # fmt: skip


def test_an_unknown_format_or_a_missing_parent_says_so(run, demo_database, tmp_path):
    unknown = run("research", "export", "--out", str(tmp_path), "--format", "xlsx", env=demo_database)
    assert unknown.code != 0
    assert "xlsx" in unknown.said
    missing = run("research", "export", "--out", str(tmp_path / "no" / "such.zip"), env=demo_database)
    assert missing.code != 0
    assert "is not a directory" in missing.said
