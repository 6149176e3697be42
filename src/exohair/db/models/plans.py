"""The therapy plan, with every earlier version kept, and its sessions: planned, performed or cancelled."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, UTCDateTime, Versioned


class PlanVersion(Identified, ClinicScoped, Timestamped, Base):
    """One version of a patient's therapy plan. Never edited: a change of course or protocol adds a version,
    so what the oncologist cleared and what the patient was told stay on file."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("patients.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chemo_courses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)  # 1, 2, ... per course
    current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    protocol_id: Mapped[str] = mapped_column(String(60), nullable=False)
    protocol_version: Mapped[int] = mapped_column(Integer, nullable=False)
    adjuncts: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    reason: Mapped[str] = mapped_column(Text, nullable=False)  # why this version exists
    # The first day this version could use (the clinic's today when it was made): with the inputs above it
    # reproduces the plan exactly, so the plan is recomputed rather than stored twice.
    planned_from: Mapped[date] = mapped_column(Date, nullable=False)
    # The sessions as this version placed them: [{key, kind, date}], and what moved from the version before.
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    moved: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # The assessment visits this version placed, [{label, date}]: a calendar app is told which visits moved or
    # were withdrawn (interop/ical.py). None for versions filed before this was kept.
    assessments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))


class TherapySession(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "therapy_sessions"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        # The Today page and date-range lists: a clinic's planned sessions between two dates.
        Index("ix_therapy_sessions_due", "clinic_id", "status", "planned_on"),
        CheckConstraint("status IN ('planned', 'performed', 'cancelled')", name="status"),
        CheckConstraint(
            "status != 'performed' OR (performed_on IS NOT NULL AND product_lot_id IS NOT NULL)", name="performed"
        ),
        CheckConstraint("status != 'cancelled' OR cancel_reason IS NOT NULL", name="cancelled"),
        CheckConstraint("dose_ml IS NULL OR dose_ml > 0", name="dose"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("patients.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chemo_courses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key: Mapped[str] = mapped_column(String(40), nullable=False)  # the planner's stable key, e.g. "in_cycle-c2"
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    label: Mapped[str] = mapped_column(String(120), nullable=False)
    planned_on: Mapped[date | None] = mapped_column(Date, index=True)  # None: the planner found no valid day
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="planned")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    performed_on: Mapped[date | None] = mapped_column(Date)
    performed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    operator_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    product_lot_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("product_lots.id", ondelete="RESTRICT"), index=True
    )
    dose_ml: Mapped[float | None] = mapped_column(Float)
    dose_particles: Mapped[float | None] = mapped_column(Float)  # only where the product states particles/mL
    dose_protein_ug: Mapped[float | None] = mapped_column(Float)  # only where the product states protein/mL
    scalp_sites: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # The gate as it stood when the session was performed: every reason, and the override that let it go ahead.
    gate_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    override_reason: Mapped[str | None] = mapped_column(Text)
