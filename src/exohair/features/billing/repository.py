"""Every query behind billing. Each takes the clinic: no query may cross clinics."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exohair.db.models import Clinic, CostEstimate, PaymentPlanRecord, PaymentReceived, PlanVersion


def clinic(session: Session, clinic_id: uuid.UUID) -> Clinic:
    return session.get_one(Clinic, clinic_id)


def plan_version(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, version_id: uuid.UUID
) -> PlanVersion | None:
    query = select(PlanVersion).where(
        PlanVersion.clinic_id == clinic_id, PlanVersion.patient_id == patient_id, PlanVersion.id == version_id
    )
    return session.scalars(query).first()


def estimate(
    session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID, estimate_id: uuid.UUID
) -> CostEstimate | None:
    query = select(CostEstimate).where(
        CostEstimate.clinic_id == clinic_id, CostEstimate.patient_id == patient_id, CostEstimate.id == estimate_id
    )
    return session.scalars(query).first()


def latest_estimate(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> CostEstimate | None:
    query = (
        select(CostEstimate)
        .where(CostEstimate.clinic_id == clinic_id, CostEstimate.patient_id == patient_id)
        .order_by(CostEstimate.made_at.desc(), CostEstimate.created_at.desc(), CostEstimate.id)
    )
    return session.scalars(query).first()


def payment_plan(session: Session, clinic_id: uuid.UUID, plan_id: uuid.UUID) -> PaymentPlanRecord | None:
    query = select(PaymentPlanRecord).where(PaymentPlanRecord.clinic_id == clinic_id, PaymentPlanRecord.id == plan_id)
    return session.scalars(query).first()


def active_plan(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> PaymentPlanRecord | None:
    query = (
        select(PaymentPlanRecord)
        .where(
            PaymentPlanRecord.clinic_id == clinic_id,
            PaymentPlanRecord.patient_id == patient_id,
            PaymentPlanRecord.status == "active",
        )
        .order_by(PaymentPlanRecord.created_at.desc())
    )
    return session.scalars(query).first()


def payments_of(session: Session, clinic_id: uuid.UUID, patient_id: uuid.UUID) -> list[PaymentReceived]:
    query = (
        select(PaymentReceived)
        .where(PaymentReceived.clinic_id == clinic_id, PaymentReceived.patient_id == patient_id)
        .order_by(PaymentReceived.received_on, PaymentReceived.created_at, PaymentReceived.id)
    )
    return list(session.scalars(query))


def paid_toward(session: Session, clinic_id: uuid.UUID, plan_id: uuid.UUID) -> int:
    """Cents received toward one payment plan."""
    query = select(func.coalesce(func.sum(PaymentReceived.amount_cents), 0)).where(
        PaymentReceived.clinic_id == clinic_id, PaymentReceived.payment_plan_id == plan_id
    )
    return int(session.scalar(query) or 0)
