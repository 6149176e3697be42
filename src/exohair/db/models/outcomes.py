"""Hair outcomes: dated assessments (by a clinician or by the patient), standardised scalp photos and
questionnaire responses.

A photo's image lives outside the database, in the photo store, under the SHA-256 of its bytes; the row keeps
the hash, the view and what is needed to show it. Photos are shown only while the patient's photo consent
stands (features/photos)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, Versioned
from exohair.db.models.clinical import patient_fk


class Assessment(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("source IN ('clinician', 'patient')", name="source"),
        CheckConstraint("ctcae_grade BETWEEN 0 AND 2", name="ctcae_grade"),
        CheckConstraint("dean_score BETWEEN 0 AND 4", name="dean_score"),
        CheckConstraint("distress BETWEEN 0 AND 10", name="distress"),
        CheckConstraint("head_cover IN ('none', 'sometimes', 'always')", name="head_cover"),
        Index("ix_assessments_patient_day", "patient_id", "assessed_on"),
    )

    patient_id: Mapped[uuid.UUID] = patient_fk()
    assessed_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)  # who judged: a clinician or the patient
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    ctcae_grade: Mapped[int | None] = mapped_column(Integer)
    dean_score: Mapped[int | None] = mapped_column(Integer)
    distress: Mapped[int | None] = mapped_column(Integer)  # 0-10
    head_cover: Mapped[str | None] = mapped_column(String(10))
    # [{"site": "vertex", "density_per_cm2": 180.0, "diameter_um": 62.0}]: clinician measurements at named sites
    measurements: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    notes: Mapped[str | None] = mapped_column(Text)


class ScalpPhoto(Identified, ClinicScoped, Timestamped, Base):
    __tablename__ = "scalp_photos"
    __table_args__ = (
        CheckConstraint("view IN ('vertex', 'frontal', 'left', 'right', 'occipital')", name="view"),
        CheckConstraint("source IN ('clinician', 'patient')", name="source"),
        Index("ix_scalp_photos_patient_view", "patient_id", "view", "taken_on"),
    )

    patient_id: Mapped[uuid.UUID] = patient_fk()
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("assessments.id", ondelete="SET NULL"))
    view: Mapped[str] = mapped_column(String(10), nullable=False)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)  # SHA-256 hex of the stored JPEG
    thumbnail_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    byte_size: Mapped[int] = mapped_column(Integer, nullable=False)


class AssessmentDue(Identified, ClinicScoped, Base):
    """An assessment visit the plan asks for (the protocol's schedule in dates): what makes one overdue on Today.

    Rebuilt from each new plan version for the days from then on; the ones already due stay, so an assessment
    missed before a chemo delay is still reported after it."""

    __tablename__ = "assessments_due"
    __table_args__ = (Index("ix_assessments_due_clinic_day", "clinic_id", "due_on"),)

    patient_id: Mapped[uuid.UUID] = patient_fk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chemo_courses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    label: Mapped[str] = mapped_column(String(80), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)


class QuestionnaireResponse(Identified, ClinicScoped, Versioned, Timestamped, Base):
    """One set of answers to a questionnaire instrument, with the scores they gave when recorded.

    The instrument's id and version are kept, not a copy of its text: a clinic may publish a new version (or a
    licensed text it may not copy around), and the response still names the exact definition it answered. The
    scores are stored as computed then, so a later change of scoring never rewrites what the clinician saw."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        CheckConstraint("source IN ('clinician', 'patient')", name="source"),
        CheckConstraint("instrument_version > 0", name="instrument_version"),
        Index("ix_questionnaire_responses_patient_day", "patient_id", "answered_on"),
    )

    patient_id: Mapped[uuid.UUID] = patient_fk()
    instrument_id: Mapped[str] = mapped_column(String(80), nullable=False)
    instrument_version: Mapped[int] = mapped_column(Integer, nullable=False)
    instrument_title: Mapped[str] = mapped_column(String(200), nullable=False)  # as it read when answered
    answered_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)  # who answered: the patient, or a clinician
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    # {"shedding": "2", "covered": true, "note": "..."}: link id -> answer, answered items only
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # [{"id", "name", "value", "answered", "of", "band"}]: each score rule's result when recorded
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
