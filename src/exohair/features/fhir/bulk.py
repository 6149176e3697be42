"""The clinic's records as FHIR NDJSON through the API (`GET /api/v1/fhir/export`), a page of patients at a time,
so a large clinic is never held in memory whole: each page is read, audited and committed in its own
transaction, then sent.

Who may: the roles that keep the records (coordinator, clinician; Permission.EXPORT_CLINIC), and only when they
may also read everything a patient's export holds. The oncologist reads charts to clear patients, one at a
time, and may export one patient's episode (`$everything`), but not the whole clinic: a copy of every record is
records management (an EHR feed, a move to another system), not one patient's care.

Each patient whose records were read is one audit entry (`export`, the count of each resource type sent for
her), as the command line's `exohair fhir export --all` writes. The entry is committed before her resources
leave, so an export cut off half way has audited at least what was sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import Patient
from exohair.domain.access import Actor, Permission, require
from exohair.domain.errors import InvalidInput
from exohair.features.fhir import repository
from exohair.features.fhir.service import EXPORT_NEEDS, audit_export, clinic_closures, patient_resources
from exohair.interop.fhir.chart import Resource
from exohair.knowledge import Knowledge

# Every resource type the export writes (docs/fhir.md): what `_type` may name.
RESOURCE_TYPES = (
    "Patient", "Condition", "MedicationRequest", "MedicationAdministration", "CarePlan", "Procedure", "Medication",
    "AdverseEvent", "Observation", "QuestionnaireResponse", "Media", "Consent",
)  # fmt: skip
PAGE_PATIENTS = 50  # patients per transaction: small enough to hold, large enough that commits do not dominate


@dataclass
class BulkExport:
    """Where an export stands between pages: the last patient sent, and the product lots already listed (a lot
    used for many patients is one Medication, listed once)."""

    clinic_id: uuid.UUID
    types: frozenset[str]
    after: uuid.UUID | None = None
    lots_sent: set[str] = field(default_factory=set)
    patients: int = 0
    done: bool = False


def start_bulk_export(actor: Actor, types: Iterable[str] | None = None) -> BulkExport:
    """Check the actor may export the clinic, and the resource types asked for (`_type`); nothing is read yet."""
    require(actor, Permission.EXPORT_CLINIC)
    for permission in EXPORT_NEEDS:
        require(actor, permission)
    wanted = frozenset(types) if types is not None else frozenset(RESOURCE_TYPES)
    unknown = sorted(wanted - set(RESOURCE_TYPES))
    if unknown or not wanted:
        raise InvalidInput(
            f"Unknown resource type(s) {', '.join(unknown) or '(none given)'}; "
            f"the export has {', '.join(RESOURCE_TYPES)}.",
            code="unknown_resource_type",
        )
    return BulkExport(actor.clinic_id, wanted)


def next_page(
    session: Session, actor: Actor, export: BulkExport, knowledge: Knowledge, *, at: datetime
) -> list[Resource]:
    """The resources of the next page of patients, audited; sets `export.done` after the last page. The caller
    commits before sending them."""
    ids = repository.patients_after(session, export.clinic_id, export.after, limit=PAGE_PATIENTS)
    if not ids:
        export.done = True
        return []
    closures = clinic_closures(session, export.clinic_id)
    sent: list[Resource] = []
    for patient_id in ids:
        patient = session.get_one(Patient, patient_id)
        mine = [r for r in patient_resources(session, patient, knowledge, closures, at=at) if _send(r, export)]
        audit_export(session, actor, patient, mine, at=at)
        sent += mine
    export.after, export.patients = ids[-1], export.patients + len(ids)
    return sent


def _send(resource: Resource, export: BulkExport) -> bool:
    kind = resource["resourceType"]
    if kind not in export.types:
        return False
    if kind == "Medication":
        if resource["id"] in export.lots_sent:
            return False
        export.lots_sent.add(resource["id"])
    return True
