"""The researcher's de-identified export on the clinic's database: who is in it (registry consent standing), one
pseudonym per record across tables, every date shifted by its patient's own offset with intervals kept, nothing
identifying in any file of any format, a data dictionary for every column, and one audit entry of counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from exohair.db.models import AdverseEvent, Assessment, AuditEntry, ChemoCourse, TherapySession
from exohair.domain.access import Forbidden, Role
from exohair.domain.deidentify import pseudonym, record_pseudonym, shift_days
from exohair.features.analytics.repository import research_key
from exohair.features.analytics.service import research_registry
from exohair.features.research.dictionary import TABLES
from exohair.features.research.formats import ExportFormat
from exohair.features.research.service import operator_research_export, research_export
from personas import NOW
from research_world import KNOWLEDGE, build_research_world


@pytest.fixture
def research(db_session):
    return build_research_world(db_session)


def _export(db_session, research, export_format: ExportFormat = ExportFormat.CSV):
    researcher = research.world.actor(Role.RESEARCHER)
    return research_export(db_session, researcher, KNOWLEDGE, export_format, at=NOW)


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


def _key(db_session, research) -> bytes:
    return research_key(db_session, research.world.north.id)


def test_only_patients_whose_registry_consent_stands_are_exported(db_session, research):
    files = _export(db_session, research).files
    key = _key(db_session, research)
    expected = sorted(pseudonym(key, str(p.id)) for p in research.included)
    assert sorted(r["patient_key"] for r in _rows(files, "patients.csv")) == expected
    for table in TABLES:
        assert {r["patient_key"] for r in _rows(files, f"{table}.csv")} <= set(expected), table
    courses = _rows(files, "courses.csv")
    assert sorted(r["chemo_ended"] for r in courses) == ["false", "true"]  # Eve's is still to come: she is in it


def test_one_pseudonym_per_record_in_every_table_and_the_registry_csv(db_session, research):
    files = _export(db_session, research).files
    key = _key(db_session, research)
    ada = pseudonym(key, str(research.world.ada.id))
    registry = research_registry(db_session, research.world.actor(Role.RESEARCHER), KNOWLEDGE, at=NOW)
    assert list(registry["patient_key"]) == [ada]  # the registry's CSV: the same pseudonym (Eve's chemo is to come)
    sessions = _rows(files, "sessions.csv")
    course_keys = {r["course_key"] for r in _rows(files, "courses.csv")}
    assert {r["course_key"] for r in sessions} <= course_keys
    event = _rows(files, "adverse_events.csv")[0]
    performed = next(r for r in sessions if r["status"] == "performed")
    assert (event["patient_key"], event["session_key"], event["lot_key"]) == (
        ada, performed["session_key"], performed["lot_key"],
    )  # fmt: skip
    row = db_session.scalars(select(TherapySession).where(TherapySession.status == "performed")).one()
    assert performed["session_key"] == record_pseudonym(key, "S", str(row.id))
    assert str(row.id) not in files["sessions.csv"].decode()
    again = _export(db_session, research).files
    assert again["sessions.csv"] == files["sessions.csv"], "the same pseudonyms in every export"


def test_every_date_moves_by_its_patients_offset_so_intervals_are_kept(db_session, research):
    files = _export(db_session, research).files
    key = _key(db_session, research)
    ada = research.world.ada
    offset = shift_days(key, str(ada.id))
    assert offset != 0
    name = pseudonym(key, str(ada.id))
    true_dates: list[date] = []
    shifted_dates: list[date] = []
    course = db_session.scalars(select(ChemoCourse).where(ChemoCourse.patient_id == ada.id)).one()
    exported = next(r for r in _rows(files, "courses.csv") if r["patient_key"] == name)
    for column, true in (("first_infusion_shifted", course.first_infusion),
                         ("last_infusion_shifted", course.last_cytotoxic_infusion),
                         ("end_of_chemo_shifted", course.end_of_chemo)):  # fmt: skip
        true_dates.append(true)
        shifted_dates.append(date.fromisoformat(exported[column]))
    for row in db_session.scalars(select(Assessment).where(Assessment.patient_id == ada.id)):
        true_dates.append(row.assessed_on)
        shifted_dates.append(date.fromisoformat(_by_key(files, "assessments", "assessment_key", key, "A", row.id)
                                                ["assessed_on_shifted"]))  # fmt: skip
    event = db_session.scalars(select(AdverseEvent)).one()
    exported_event = _by_key(files, "adverse_events", "event_key", key, "E", event.id)
    true_dates += [event.onset_on, event.resolved_on]
    shifted_dates += [date.fromisoformat(exported_event["onset_on_shifted"]),
                      date.fromisoformat(exported_event["resolved_on_shifted"])]  # fmt: skip
    assert all((s - t).days == offset for s, t in zip(shifted_dates, true_dates, strict=True))
    # Every interval between two of her dates is exactly what it was.
    for i in range(len(true_dates)):
        for j in range(len(true_dates)):
            assert shifted_dates[i] - shifted_dates[j] == true_dates[i] - true_dates[j]


def _by_key(files, table: str, column: str, key: bytes, kind: str, record_id) -> dict[str, str]:
    wanted = record_pseudonym(key, kind, str(record_id))
    return next(r for r in _rows(files, f"{table}.csv") if r[column] == wanted)


def _texts(files: dict[str, bytes]) -> dict[str, str]:
    """Each file as text: Parquet read back (its bytes are compressed, so a search of them proves nothing)."""
    texts = {}
    for name, data in files.items():
        if name.endswith(".parquet"):
            table = pq.read_table(pa.BufferReader(data))
            texts[name] = table.to_pandas().to_csv(index=False) + str(table.schema.metadata or "")
        else:
            texts[name] = data.decode()
    return texts


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_no_name_mrn_date_of_birth_free_text_or_record_id_is_in_any_file(db_session, research, export_format):
    files = _export(db_session, research, export_format).files
    forbidden = {"Ada Able", "Eve Evans", "Ludwig", "cried", "phoned", "asked to go ahead", "LOT-4242"}
    for patient in research.everyone:
        forbidden |= {patient.family_name, patient.mrn, patient.date_of_birth.isoformat(), str(patient.id)}
    for name, text in _texts(files).items():  # as whole values: Cal's MRN S-1 is the start of many S- pseudonyms
        found = sorted(word for word in forbidden if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))
        assert not found, f"{name} holds {found}"
    for name, text in _texts(files).items():
        header = text.splitlines()[0] if name.endswith((".csv", ".parquet")) else ""
        assert not {"mrn", "family_name", "date_of_birth", "age_years", "notes"} & set(header.split(",")), name


def test_no_date_in_a_row_is_that_records_true_date(db_session, research):
    """A shifted date may by chance equal some real date of care of someone; a record's own never is."""
    files = _export(db_session, research).files
    key = _key(db_session, research)
    for row in db_session.scalars(select(TherapySession)):
        if row.patient_id not in {p.id for p in research.included}:
            continue
        exported = _by_key(files, "sessions", "session_key", key, "S", row.id)
        for column, true in (("planned_on_shifted", row.planned_on), ("performed_on_shifted", row.performed_on)):
            if true is not None:
                assert exported[column] not in ("", true.isoformat()), (column, exported)


def test_the_data_dictionary_describes_every_column_of_every_table(db_session, research):
    files = _export(db_session, research).files
    described = _rows(files, "data_dictionary.csv")
    assert list(described[0]) == ["table", "column", "type", "unit", "allowed_values", "range", "description",
                                  "de_identification"]  # fmt: skip
    for table in TABLES:
        header = files[f"{table}.csv"].decode().splitlines()[0].split(",")
        assert header == [r["column"] for r in described if r["table"] == table]
    for row in described:
        assert all(row[part] for part in ("description", "de_identification", "type")), row
        if row["type"] == "date":
            assert row["column"].endswith("_shifted"), row
            assert "shifted" in row["de_identification"], row
        if row["column"].endswith("_key"):
            assert row["de_identification"].startswith("pseudonym"), row
    units = {r["column"]: r["unit"] for r in described}
    assert (units["dose_ml"], units["density_per_cm2"], units["diameter_um"]) == ("mL", "hairs/cm²", "µm")


def test_parquet_holds_the_csv_values_typed_as_the_dictionary_says(db_session, research):
    as_csv = _export(db_session, research).files
    as_parquet = _export(db_session, research, ExportFormat.PARQUET).files
    arrow = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "date": pa.date32()}  # fmt: skip
    for table, columns in TABLES.items():
        read = pq.read_table(pa.BufferReader(as_parquet[f"{table}.parquet"]))
        assert [(f.name, f.type) for f in read.schema] == [(c.name, arrow[c.type]) for c in columns]
        rows = _rows(as_csv, f"{table}.csv")
        assert read.num_rows == len(rows)
        for column in columns:
            values = read.column(column.name).to_pylist()
            texts = [r[column.name] for r in rows]
            assert [_text(v) for v in values] == texts, (table, column.name)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    return value.isoformat() if isinstance(value, date) else str(value)


def test_each_export_is_one_audit_entry_of_counts_naming_no_one(db_session, research):
    before = db_session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    export = _export(db_session, research, ExportFormat.REDCAP)
    db_session.commit()
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.seq > before)).all()
    assert [(e.action, e.record_type, e.record_id) for e in entries] == [("export", "research_export", None)]
    assert entries[0].changes == {"format": "redcap", "patients": 2, "rows": export.rows}
    assert entries[0].actor_id == research.world.users[("North", Role.RESEARCHER)].id


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.PATIENT])
def test_only_the_researcher_may_export(db_session, research, role):
    with pytest.raises(Forbidden):
        research_export(db_session, research.world.actor(role), KNOWLEDGE, ExportFormat.CSV, at=NOW)


def test_the_command_lines_export_is_the_same_and_audited_as_the_command_lines(db_session, research):
    mine = _export(db_session, research).files
    theirs = operator_research_export(db_session, research.world.north.id, KNOWLEDGE, ExportFormat.CSV, at=NOW)
    assert theirs.files == mine
    db_session.commit()
    last = db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (last.record_type, last.source, last.actor_id) == ("research_export", "cli", None)


REDCAP_HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
    '"Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)",'
    '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?",'
    '"Field Annotation"'
)  # byte for byte as REDCap writes it (docs/research-exports.md cites a REDCap export)


def test_the_redcap_files_import_as_a_classic_project_with_repeating_instruments(db_session, research):
    files = _export(db_session, research, ExportFormat.REDCAP).files
    assert set(files) == {"redcap_data_dictionary.csv", "redcap_records.csv", "redcap_repeating_instruments.csv",
                          "data_dictionary.csv", "README.txt"}  # fmt: skip
    assert files["redcap_data_dictionary.csv"].decode().splitlines()[0] == REDCAP_HEADER
    dictionary = list(csv.reader(io.StringIO(files["redcap_data_dictionary.csv"].decode())))
    assert len(dictionary[0]) == 18
    fields = {row[0]: row for row in dictionary[1:]}
    assert dictionary[1][:2] == ["record_id", "patient"]  # the record id: first field of the first form
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,25}", name) for name in fields)
    assert {row[3] for row in fields.values()} <= {"text", "radio", "yesno"}
    assert {row[7] for row in fields.values()} <= {"", "integer", "number", "date_ymd"}
    assert fields["e_grade"][8:10] == ["1", "5"]
    assert fields["p_sex"][5] == "1, female | 2, male | 3, other | 4, unknown"

    records = list(csv.DictReader(io.StringIO(files["redcap_records.csv"].decode())))
    assert list(records[0])[:3] == ["record_id", "redcap_repeat_instrument", "redcap_repeat_instance"]
    assert set(list(records[0])[3:]) == set(fields) - {"record_id"}
    key = _key(db_session, research)
    own = [r for r in records if r["redcap_repeat_instrument"] == ""]
    assert sorted(r["record_id"] for r in own) == sorted(pseudonym(key, str(p.id)) for p in research.included)
    assert all(r["redcap_repeat_instance"] == "" for r in own)
    instances: dict[tuple[str, str], list[int]] = {}
    for r in records:
        if r["redcap_repeat_instrument"]:
            instances.setdefault((r["record_id"], r["redcap_repeat_instrument"]), []).append(
                int(r["redcap_repeat_instance"])
            )
            form = r["redcap_repeat_instrument"]
            others = [v for name, v in r.items() if v and name in fields and fields[name][1] not in (form, "patient")]
            assert not any(r[name] for name, row in fields.items() if row[1] == "patient" and name != "record_id")
            assert others == [], f"a {form} row fills another form's fields: {others}"
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in instances.values())
    for name, row in fields.items():
        if row[3] == "radio":
            codes = {choice.split(",")[0].strip() for choice in row[5].split("|")}
            assert {r[name] for r in records if r[name]} <= codes, name
        if row[3] == "yesno":
            assert {r[name] for r in records if r[name]} <= {"0", "1"}, name
        if row[7] == "date_ymd":
            assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[name]) for r in records if r[name]), name
    repeating = list(csv.reader(io.StringIO(files["redcap_repeating_instruments.csv"].decode())))
    assert [row[0] for row in repeating] == ["form_name", "course", "session", "assessment", "adverse_event"]
