"""A chemotherapy course (the regimen and its first infusion) and what actually happened to its infusions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, UTCDateTime, Versioned


class ChemoCourse(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "chemo_courses"
    __table_args__ = (CheckConstraint("status IN ('active', 'stopped')", name="status"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("patients.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    regimen_id: Mapped[str] = mapped_column(String(60), nullable=False)  # a knowledge-base regimen id, or "custom"
    # A regimen the catalogue does not hold, as domain.custom_regimens.CustomSchedule.as_json wrote it; null for
    # catalogue regimens. Kept with the course: the plan must be rebuilt from it for as long as the course exists.
    custom_regimen: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    first_infusion: Mapped[date] = mapped_column(Date, nullable=False)  # as planned: it identifies the course
    # Derived from the calendar and kept in step with every recorded change, so lists can filter patients by
    # "before / in / after chemo" in SQL instead of rebuilding thousands of calendars.
    end_of_chemo: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    last_cytotoxic_infusion: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    stop_reason: Mapped[str | None] = mapped_column(Text)


class InfusionRecord(Identified, ClinicScoped, Timestamped, Base):
    """One recorded change to a planned infusion: given late by `delay_days`, or skipped. Later records of the
    same infusion replace earlier ones in the calendar; all are kept as history."""

    __tablename__ = "infusion_records"
    __table_args__ = (
        CheckConstraint("cycle >= 1 AND day >= 1", name="position"),
        CheckConstraint("delay_days BETWEEN -365 AND 365", name="delay"),  # negative: given early
        CheckConstraint("NOT (skipped AND delay_days > 0)", name="skip_or_delay"),
        # Each record is made against one version of the course (stale ones are refused), so the course version
        # orders a course's records exactly, even two made in the same clock tick.
        UniqueConstraint("course_id", "course_version"),
    )

    course_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chemo_courses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    course_version: Mapped[int] = mapped_column(Integer, nullable=False)
    cycle: Mapped[int] = mapped_column(Integer, nullable=False)
    day: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    delay_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    skipped: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
