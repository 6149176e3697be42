"""Every query of the research export: whole columns of a clinic's records, as plain rows (no ORM objects: a
clinic's records at once), each scoped to the clinic. The service keeps the patients whose registry consent
stands; no free-text column is ever selected here, so none can reach an export by mistake."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from exohair.db.models import (
    AdverseEvent,
    Assessment,
    ChemoCourse,
    Patient,
    PlanVersion,
    ProductLot,
    Site,
    TherapySession,
)

Rows = Sequence[Row[*tuple[Any, ...]]]  # columns read by name (row.sex), as plain tuples


def patients(session: Session, clinic_id: uuid.UUID) -> Rows:
    query = (
        select(
            Patient.id, Patient.sex, Patient.date_of_birth, Site.name.label("site"), Patient.baseline_density_per_cm2,
            Patient.aga_stage, Patient.aga_family_history, Patient.conditions, Patient.anticoagulated,
        )
        .outerjoin(Site, Site.id == Patient.site_id)
        .where(Patient.clinic_id == clinic_id)
    )  # fmt: skip
    return session.execute(query).all()


def courses(session: Session, clinic_id: uuid.UUID) -> Rows:
    """Each course with its current plan's protocol and adjuncts and its number of plan versions."""
    versions = (
        select(PlanVersion.course_id, func.count().label("plan_versions"))
        .where(PlanVersion.clinic_id == clinic_id)
        .group_by(PlanVersion.course_id)
        .subquery()
    )
    query = (
        select(
            ChemoCourse.id, ChemoCourse.patient_id, ChemoCourse.regimen_id, ChemoCourse.custom_regimen,
            ChemoCourse.status, ChemoCourse.first_infusion, ChemoCourse.last_cytotoxic_infusion,
            ChemoCourse.end_of_chemo, PlanVersion.protocol_id, PlanVersion.protocol_version, PlanVersion.adjuncts,
            versions.c.plan_versions,
        )
        .outerjoin(PlanVersion, (PlanVersion.course_id == ChemoCourse.id) & PlanVersion.current.is_(True))
        .outerjoin(versions, versions.c.course_id == ChemoCourse.id)
        .where(ChemoCourse.clinic_id == clinic_id)
    )  # fmt: skip
    return session.execute(query).all()


def sessions(session: Session, clinic_id: uuid.UUID) -> Rows:
    query = (
        select(
            TherapySession.id, TherapySession.course_id, TherapySession.patient_id, TherapySession.key,
            TherapySession.kind, TherapySession.status, TherapySession.planned_on, TherapySession.performed_on,
            ProductLot.product, TherapySession.product_lot_id, TherapySession.dose_ml, TherapySession.dose_particles,
            TherapySession.dose_protein_ug, TherapySession.scalp_sites, TherapySession.gate_result,
            TherapySession.override_reason.is_not(None).label("overridden"),
        )
        .outerjoin(ProductLot, ProductLot.id == TherapySession.product_lot_id)
        .where(TherapySession.clinic_id == clinic_id)
    )  # fmt: skip
    return session.execute(query).all()


def assessments(session: Session, clinic_id: uuid.UUID) -> Rows:
    query = select(
        Assessment.id, Assessment.patient_id, Assessment.assessed_on, Assessment.source, Assessment.ctcae_grade,
        Assessment.dean_score, Assessment.distress, Assessment.head_cover, Assessment.measurements,
    ).where(Assessment.clinic_id == clinic_id)  # fmt: skip
    return session.execute(query).all()


def adverse_events(session: Session, clinic_id: uuid.UUID) -> Rows:
    query = select(
        AdverseEvent.id, AdverseEvent.patient_id, AdverseEvent.session_id, AdverseEvent.product_lot_id,
        AdverseEvent.onset_on, AdverseEvent.resolved_on, AdverseEvent.ctcae_term, AdverseEvent.grade,
        AdverseEvent.relatedness, AdverseEvent.serious,
    ).where(AdverseEvent.clinic_id == clinic_id)  # fmt: skip
    return session.execute(query).all()
