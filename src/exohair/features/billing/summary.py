"""Where a patient stands with the clinic: the latest estimate, the active plan, payments and what is overdue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.db.models import CostEstimate, PaymentPlanRecord, PaymentReceived
from exohair.domain.access import Actor, Permission, require
from exohair.features.billing import repository
from exohair.features.billing.allocation import AllocatedDue, allocate_payments
from exohair.features.billing.service import schedule_dues
from exohair.features.charts import audit_chart, open_chart
from exohair.features.plans.inputs import clinic_today


@dataclass(frozen=True, slots=True)
class BillingSummary:
    """Where a patient stands. Plan figures count the payments recorded toward the active plan; `payments`
    lists every payment on file, including any recorded without a plan."""

    patient_id: uuid.UUID
    currency: str
    latest_estimate: CostEstimate | None
    payment_plan: PaymentPlanRecord | None  # the active plan, if any
    schedule: tuple[AllocatedDue, ...]  # its deposit (number 0) and instalments, with what payments cover
    payments: tuple[PaymentReceived, ...]  # oldest first
    total_payable_cents: int
    paid_cents: int
    balance_cents: int
    next_due: AllocatedDue | None
    overdue: tuple[AllocatedDue, ...]  # as of the clinic's date


def billing_summary(session: Session, actor: Actor, patient_id: uuid.UUID, *, at: datetime) -> BillingSummary:
    """The latest estimate, the active plan and how far payments cover it, every payment, and what is overdue."""
    require(actor, Permission.READ_BILLING)
    patient = open_chart(session, actor, patient_id, Permission.READ_BILLING)
    clinic = repository.clinic(session, actor.clinic_id)
    estimate = repository.latest_estimate(session, actor.clinic_id, patient.id)
    plan = repository.active_plan(session, actor.clinic_id, patient.id)
    payments = tuple(repository.payments_of(session, actor.clinic_id, patient.id))
    paid = sum(p.amount_cents for p in payments if plan is not None and p.payment_plan_id == plan.id)
    allocation = allocate_payments(schedule_dues(plan) if plan is not None else [], paid)
    audit_chart(session, actor, "read", "billing", patient.id, patient_id=patient.id, at=at, changes={
        "disclosed": [str(r.id) for r in (estimate, plan, *payments) if r is not None],
    })  # fmt: skip
    return BillingSummary(
        patient_id=patient.id,
        currency=plan.currency if plan is not None else clinic.currency,
        latest_estimate=estimate,
        payment_plan=plan,
        schedule=allocation.dues,
        payments=payments,
        total_payable_cents=allocation.payable_cents,
        paid_cents=allocation.paid_cents,
        balance_cents=allocation.balance_cents,
        next_due=allocation.next_due,
        overdue=allocation.overdue(clinic_today(clinic, at)),
    )
