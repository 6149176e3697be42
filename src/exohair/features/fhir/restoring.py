"""Writing what an import read: the patient (created, or updated by MRN), product lots, the sessions and hair
assessments already on file in the sending system. Each write is audited; services flush, never commit.

Sessions and assessments from another system are history, not care given here: a performed session is restored
as performed on its day with its lot, dose and sites, without running today's safety gate (its gate result says
it was imported) and without taking a vial from stock (the vial was used there).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from exohair.db.models import Assessment, Patient, ProductLot, TherapySession
from exohair.domain.access import Actor
from exohair.features.charts import audit_chart
from exohair.features.patients import repository as patients
from exohair.features.patients.schemas import PatientChanges, PatientIn
from exohair.features.patients.service import edit_patient, register_patient
from exohair.features.products import repository as products
from exohair.features.products.schemas import LotIn
from exohair.features.products.service import add_lot
from exohair.interop.fhir.import_read import ImportRead
from exohair.interop.fhir.read_care import AssessmentFacts, LotFacts, SessionFacts
from exohair.knowledge import Knowledge

IMPORTED = "Imported from a FHIR Bundle"


def upsert_patient(session: Session, actor: Actor, read: ImportRead, *, at: datetime) -> tuple[Patient, bool]:
    """The patient with the bundle's MRN, updated from it; or a new one. True when created."""
    facts = read.patient
    cancer = read.cancer.text if read.cancer else "Not named in the imported record"
    stage = read.cancer.stage if read.cancer else None
    found = patients.by_mrn(session, actor.clinic_id, facts.mrn)
    if found is None:
        data = PatientIn(mrn=facts.mrn, family_name=facts.family_name, given_name=facts.given_name,
                         date_of_birth=facts.date_of_birth, sex=facts.sex,
                         cancer_type=cancer, cancer_stage=stage)  # fmt: skip
        return register_patient(session, actor, data, at=at), True
    values: dict[str, Any] = {"family_name": facts.family_name, "given_name": facts.given_name}
    if read.cancer is not None:
        values |= {"cancer_type": cancer, "cancer_stage": stage}
    changed = {k: v for k, v in values.items() if getattr(found, k) != v}
    if changed:
        edit_patient(session, actor, found.id, PatientChanges(version=found.version, **changed), at=at)
    return found, False


def lot_for(session: Session, actor: Actor, facts: LotFacts, *, at: datetime) -> tuple[ProductLot, bool]:
    """The clinic's lot of that manufacturer, product and number; else a new one with no vials on hand."""
    found = products.by_identity(session, actor.clinic_id, facts.manufacturer, facts.product, facts.lot_number)
    if found is not None:
        return found, False
    data = LotIn(product=facts.product, source_cells=facts.source_cells, manufacturer=facts.manufacturer,
                 lot_number=facts.lot_number, expires_on=facts.expires_on, stock_on_hand=0,
                 notes=f"{IMPORTED}: the vials were used elsewhere; add the regulatory reference.")  # fmt: skip
    return add_lot(session, actor, data, at=at), True


def restore_session(
    session: Session, actor: Actor, row: TherapySession, facts: SessionFacts, lot: ProductLot | None, *, at: datetime
) -> None:
    """Lay the session as the other system had it over the row the plan made: its day, and whether it was
    performed (with lot, dose, sites) or cancelled (with the reason)."""
    before = {"status": row.status, "planned_on": row.planned_on.isoformat() if row.planned_on else None}
    if facts.status == "performed" and lot is not None:
        row.status, row.performed_on, row.product_lot_id = "performed", facts.day, lot.id
        row.dose_ml, row.scalp_sites, row.override_reason = facts.dose_ml, list(facts.sites), facts.override_reason
        row.gate_result = {"passed": None, "checked": [], "reasons": [], "imported": IMPORTED}
        row.planned_on = facts.day or row.planned_on  # the export gives the day it was done, not the day planned
        row.dose_particles = facts.dose_ml * lot.particles_per_ml if facts.dose_ml and lot.particles_per_ml else None
        row.dose_protein_ug = facts.dose_ml * lot.protein_ug_per_ml if facts.dose_ml and lot.protein_ug_per_ml \
            else None  # fmt: skip
    elif facts.status == "cancelled":
        row.status, row.cancel_reason = "cancelled", facts.cancel_reason or f"Cancelled ({IMPORTED.lower()})."
        row.planned_on = facts.day or row.planned_on
    else:
        row.planned_on = facts.day or row.planned_on
    session.flush()
    after = {"status": row.status, "planned_on": row.planned_on.isoformat() if row.planned_on else None}
    changes: dict[str, object] = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if facts.status == "performed" and lot is not None:
        changes |= {"performed_on": [None, facts.day.isoformat() if facts.day else None], "lot": lot.lot_number}
    audit_chart(session, actor, "import", "therapy_session", row.id, patient_id=row.patient_id, at=at,
                changes={**changes, "source": IMPORTED})  # fmt: skip


def add_assessment(
    session: Session, actor: Actor, patient: Patient, facts: AssessmentFacts, knowledge: Knowledge, *, at: datetime
) -> Assessment:
    values = facts.values
    knowledge.scales.check(dean=values.get("dean_score"), ctcae=values.get("ctcae_grade"),
                           distress=values.get("distress"))  # fmt: skip
    row = Assessment(clinic_id=actor.clinic_id, patient_id=patient.id, recorded_by=actor.user_id,
                     assessed_on=facts.assessed_on, source=facts.source, **values)  # fmt: skip
    session.add(row)
    session.flush()
    changes = {k: [None, str(v)] for k, v in values.items() if k != "notes" and v not in (None, [])}
    audit_chart(session, actor, "import", "assessment", row.id, patient_id=patient.id, at=at,
                changes={**changes, "assessed_on": facts.assessed_on.isoformat(), "source": IMPORTED})  # fmt: skip
    return row


def by_label(rows: list[TherapySession]) -> dict[tuple[str, str], TherapySession]:
    return {(row.kind, row.label): row for row in rows}
