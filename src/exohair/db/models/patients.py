"""A patient: identity, cancer, and baseline hair — the facts intake records once."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Float, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, Versioned


class Patient(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "patients"
    __table_args__ = (
        UniqueConstraint("clinic_id", "mrn"),  # MRN is unique within a clinic, not across clinics
        # The Patients page lists a clinic's patients by name, a page at a time.
        Index("ix_patients_by_name", "clinic_id", "family_name", "given_name", "id"),
        CheckConstraint("sex IN ('female', 'male', 'other', 'unknown')", name="sex"),
        CheckConstraint("baseline_density_per_cm2 IS NULL OR baseline_density_per_cm2 > 0", name="density"),
    )

    mrn: Mapped[str] = mapped_column(String(64), nullable=False)
    family_name: Mapped[str] = mapped_column(String(200), nullable=False)
    given_name: Mapped[str] = mapped_column(String(200), nullable=False)
    date_of_birth: Mapped[date] = mapped_column(Date, nullable=False)
    sex: Mapped[str] = mapped_column(String(10), nullable=False)
    cancer_type: Mapped[str] = mapped_column(String(200), nullable=False)
    cancer_stage: Mapped[str | None] = mapped_column(String(20))
    # Baseline hair (clinical.md §4): density in hairs/cm², androgenetic alopecia stage (Ludwig/Sinclair/
    # Norwood as recorded), family history of pattern hair loss, hair type as the patient describes it.
    baseline_density_per_cm2: Mapped[float | None] = mapped_column(Float)
    aga_stage: Mapped[str | None] = mapped_column(String(40))
    aga_family_history: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    hair_type: Mapped[str | None] = mapped_column(String(60))
    # Condition codes that gate sessions or adjuncts (domain.patients.Condition), and whether a vitamin K
    # antagonist makes the INR gate apply.
    conditions: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    anticoagulated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Where she is treated, when the clinic has several sites: the registry compares its sites (a cohort, and a
    # confounder of the protocol comparisons). None until someone records it.
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
