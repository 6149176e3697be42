"""The researcher's de-identified export (`exohair research export`, `/analytics/research.zip`): the research tables
as CSV, as Parquet, or in REDCap's layout, each with the data dictionary and a short README.

Only the researcher role may (Permission.READ_RESEARCH_DATA, as for the registry CSV), or the command line, whose
user holds the database itself. Every export is one audit entry, `export` of `research_export`, holding the
format and counts only: it names no patient, as none is named in the export either.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from exohair.db.models import Clinic
from exohair.domain.access import Actor, Permission, require
from exohair.features.analytics.repository import research_key
from exohair.features.audit.service import record_event
from exohair.features.plans.inputs import clinic_today
from exohair.features.research.formats import ExportFormat
from exohair.features.research.tables import research_tables
from exohair.interop.research.columns import Table, dictionary_csv, table_csv
from exohair.interop.research.parquet import table_parquet
from exohair.interop.research.redcap import Instrument, redcap_dictionary, redcap_records, redcap_repeating
from exohair.knowledge import Knowledge


@dataclass(frozen=True)
class ResearchExport:
    files: dict[str, bytes]  # file name -> contents
    as_of: date
    rows: dict[str, int]  # table -> rows

    @property
    def patients(self) -> int:
        return self.rows["patients"]

    def zipped(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                archive.writestr(name, data)
        return out.getvalue()


def research_export(
    session: Session, actor: Actor, knowledge: Knowledge, export_format: ExportFormat, *, at: datetime
) -> ResearchExport:
    require(actor, Permission.READ_RESEARCH_DATA)
    return _export(session, actor.clinic_id, knowledge, export_format, at=at, actor=actor)


def operator_research_export(
    session: Session, clinic_id: uuid.UUID, knowledge: Knowledge, export_format: ExportFormat, *, at: datetime
) -> ResearchExport:
    """The same for the command line; audited as the command line's."""
    return _export(session, clinic_id, knowledge, export_format, at=at, actor=None)


def _export(
    session: Session,
    clinic_id: uuid.UUID,
    knowledge: Knowledge,
    export_format: ExportFormat,
    *,
    at: datetime,
    actor: Actor | None,
) -> ResearchExport:
    today = clinic_today(session.get_one(Clinic, clinic_id), at)
    tables = research_tables(session, clinic_id, knowledge, key=research_key(session, clinic_id), today=today)
    rows = {name: len(table.rows) for name, table in tables.items()}
    files = _files(tables, export_format) | {
        "data_dictionary.csv": dictionary_csv(tables.values()),
        "README.txt": _readme(today, rows, export_format),
    }
    record_event(
        session, at=at, action="export", record_type="research_export", clinic_id=clinic_id,
        actor_id=actor.user_id if actor else None, source=actor.source if actor else "cli",
        changes={"format": export_format.value, "patients": rows["patients"], "rows": rows},
    )  # fmt: skip
    return ResearchExport(files, today, rows)


def _files(tables: dict[str, Table], export_format: ExportFormat) -> dict[str, bytes]:
    if export_format is ExportFormat.CSV:
        return {f"{name}.csv": table_csv(table) for name, table in tables.items()}
    if export_format is ExportFormat.PARQUET:
        return {f"{name}.parquet": table_parquet(table) for name, table in tables.items()}
    instruments = redcap_instruments(tables)
    return {
        "redcap_data_dictionary.csv": redcap_dictionary(instruments, record_label="Patient (pseudonymous id)"),
        "redcap_records.csv": redcap_records(instruments),
        "redcap_repeating_instruments.csv": redcap_repeating(instruments),
    }


def redcap_instruments(tables: dict[str, Table]) -> list[Instrument]:
    """One REDCap form per table, the patient's first (her own, not repeating), the others repeating."""
    return [
        Instrument("patient", "p_", tables["patients"], "patient_key"),
        Instrument("course", "c_", tables["courses"], "patient_key", "[c_regimen] [c_first_infusion_shifted]"),
        Instrument("session", "s_", tables["sessions"], "patient_key", "[s_protocol_step] [s_status]"),
        Instrument("assessment", "a_", tables["assessments"], "patient_key", "[a_assessed_on_shifted]"),
        Instrument("adverse_event", "e_", tables["adverse_events"], "patient_key", "[e_ctcae_term] [e_grade]"),
    ]


def _readme(today: date, rows: dict[str, int], export_format: ExportFormat) -> bytes:
    counts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in rows.items())
    return f"""exohair research export ({export_format.value}), made on {today.isoformat()}

{counts}.

Patients whose registry consent stands, de-identified: every id is a pseudonym drawn from the clinic's secret
research key (the same in every export, so exports link to each other and to no record); every date of a patient
is shifted by her own offset, so intervals within a patient are exact but no date is a real date of care; ages
are bands. No names, MRNs, dates of birth, exact ages, notes or other free text (the adverse events' CTCAE terms
are as the clinician typed them: review them before sharing). data_dictionary.csv describes every column.

Pseudonymised data are still personal data under the GDPR: keep this export as such.
Exosome scalp therapy is investigational; these records are observational and show no established effect.
""".encode()
