"""The queries behind `demo load`: is the database ready and empty, and what did the demo put in it."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.orm import Session

from exohair.db.base import ClinicScoped
from exohair.db.models import (
    AdverseEvent,
    Assessment,
    ChemoCourse,
    Clearance,
    Clinic,
    InfusionRecord,
    LabResult,
    Patient,
    PaymentReceived,
    ProductLot,
    TherapySession,
)


def has_schema(session: Session) -> bool:
    """Whether the migrations have run (the clinics table exists)."""
    return inspect(session.connection()).has_table(Clinic.__tablename__)


def clinic_names(session: Session) -> list[str]:
    return list(session.scalars(select(Clinic.name).order_by(Clinic.name)))


def chemo_states(session: Session, clinic_id: uuid.UUID, today: date) -> Counter[str]:
    """Patients by where they stand in chemo today, as the patient search defines it (before / in / after),
    and those with no active course ("no course")."""
    patients = session.scalar(select(func.count()).select_from(Patient).where(Patient.clinic_id == clinic_id)) or 0
    spans = session.execute(
        select(ChemoCourse.first_infusion, ChemoCourse.end_of_chemo).where(
            ChemoCourse.clinic_id == clinic_id, ChemoCourse.status == "active"
        )
    ).all()
    states: Counter[str] = Counter()
    for first, end in spans:
        states["before" if first > today else "in" if end >= today else "after"] += 1
    states["no course"] = patients - len(spans)
    return states


def record_counts(session: Session, clinic_id: uuid.UUID) -> dict[str, int]:
    """How many records of each kind the clinic holds, for the summary printed after loading."""

    def count(model: type[ClinicScoped], *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(model.clinic_id == clinic_id, *where)
        return session.scalar(query) or 0

    counts = {
        "sessions performed": count(TherapySession, TherapySession.status == "performed"),
        "sessions planned": count(TherapySession, TherapySession.status == "planned"),
        "sessions cancelled": count(TherapySession, TherapySession.status == "cancelled"),
        "infusions delayed or skipped": count(InfusionRecord),
        "lab results": count(LabResult),
        "adverse events": count(AdverseEvent),
        "hair assessments": count(Assessment),
        "product lots": count(ProductLot),
        "payments": count(PaymentReceived),
    }
    for status, label in (("signed", "signed"), ("requested", "pending"), ("declined", "declined"),
                          ("revoked", "revoked")):  # fmt: skip
        counts[f"clearances {label}"] = count(Clearance, Clearance.status == status)
    return counts
