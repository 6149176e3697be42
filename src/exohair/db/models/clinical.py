"""Clinical records kept beside the plan: blood counts, consent, oncologist clearance and adverse events."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, UTCDateTime, Versioned


def patient_fk() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, ForeignKey("patients.id", ondelete="RESTRICT"), nullable=False, index=True)


class LabResult(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "lab_results"
    __table_args__ = (
        CheckConstraint(
            "(anc_per_ul IS NULL OR anc_per_ul >= 0) AND (platelets_per_ul IS NULL OR platelets_per_ul >= 0) "
            "AND (hb_g_dl IS NULL OR hb_g_dl >= 0) AND (inr IS NULL OR inr > 0)",
            name="non_negative",
        ),
    )

    patient_id: Mapped[uuid.UUID] = patient_fk()
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    anc_per_ul: Mapped[float | None] = mapped_column(Float)  # absolute neutrophil count, cells/µL
    platelets_per_ul: Mapped[float | None] = mapped_column(Float)
    hb_g_dl: Mapped[float | None] = mapped_column(Float)
    inr: Mapped[float | None] = mapped_column(Float)
    entered_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))


class ConsentRecord(Identified, ClinicScoped, Versioned, Timestamped, Base):
    """A signed consent document. Scopes are separate on purpose: photos and the registry are never implied."""

    __tablename__ = "consents"
    __table_args__ = (CheckConstraint("scope IN ('treatment', 'registry', 'photos')", name="scope"),)

    patient_id: Mapped[uuid.UUID] = patient_fk()
    scope: Mapped[str] = mapped_column(String(20), nullable=False)
    document_version: Mapped[str] = mapped_column(String(40), nullable=False)
    signed_by: Mapped[str] = mapped_column(String(200), nullable=False)  # the patient, or their representative
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Clearance(Identified, ClinicScoped, Versioned, Timestamped, Base):
    """The oncologist's clearance: requested by the clinic, then signed (with conditions and expiry) or declined;
    a signed clearance can later be revoked, which blocks every session after it."""

    __tablename__ = "clearances"
    __table_args__ = (CheckConstraint("status IN ('requested', 'signed', 'declined', 'revoked')", name="status"),)

    patient_id: Mapped[uuid.UUID] = patient_fk()
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="requested")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    oncologist_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    conditions: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class AdverseEvent(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "adverse_events"
    __table_args__ = (
        CheckConstraint("grade BETWEEN 1 AND 5", name="grade"),
        CheckConstraint(
            "relatedness IN ('unrelated', 'unlikely', 'possible', 'probable', 'definite')", name="relatedness"
        ),
    )

    patient_id: Mapped[uuid.UUID] = patient_fk()
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("therapy_sessions.id", ondelete="RESTRICT"), index=True
    )
    product_lot_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("product_lots.id", ondelete="RESTRICT"), index=True
    )
    onset_on: Mapped[date] = mapped_column(Date, nullable=False)
    ctcae_term: Mapped[str] = mapped_column(String(200), nullable=False)  # CTCAE v5 term, e.g. "Scalp pain"
    grade: Mapped[int] = mapped_column(Integer, nullable=False)
    relatedness: Mapped[str] = mapped_column(String(10), nullable=False)  # to the exosome therapy
    serious: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
