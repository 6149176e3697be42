"""Billing use cases: file an estimate, agree and cancel a payment plan, record a payment, summarise a patient.

Every use case opens the patient's chart first (role, clinic and a patient's own record only) and audits the
access. A patient has at most one active payment plan: a new plan replaces an old one only after the old one is
cancelled, so two schedules never claim the same money. A plan is settled when the payments toward it reach
what it asks for in all (deposit plus instalments, interest included).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from exohair.db.models import CostEstimate, PaymentPlanRecord, PaymentReceived
from exohair.domain.access import Actor, Permission, require
from exohair.domain.costing import Estimate, EstimateLine
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.domain.payments import PaymentPlan, plan_payments
from exohair.features.billing import repository
from exohair.features.billing.allocation import Due
from exohair.features.billing.schemas import MAX_AMOUNT_CENTS, PaymentIn, PaymentPlanIn
from exohair.features.charts import audit_chart, edit_versioned, open_chart, open_record
from exohair.features.plans import service as plans
from exohair.features.plans.inputs import clinic_today
from exohair.knowledge import Knowledge

_CURRENCY = re.compile(r"[A-Z]{3}")
TARIFFS_FILE = "tariffs.yaml"  # the knowledge file whose version an estimate was priced at


def tariffs_version(knowledge: Knowledge) -> str:
    """The version of the tariffs in force, filed with every estimate so it can be told what it was priced at."""
    return knowledge.versions[TARIFFS_FILE]


MAX_REASON = 500
MAX_TARIFFS_VERSION = 40  # the column's width


def estimate_current_plan(
    session: Session, actor: Actor, patient_id: uuid.UUID, knowledge: Knowledge, *, tariffs_version: str, at: datetime
) -> CostEstimate:
    """File the price of the patient's current plan at the tariffs in force: never figures a client sends."""
    require(actor, Permission.MANAGE_BILLING)  # before the plan is read, so a role without it learns nothing
    stored = plans.current_plan(session, actor, patient_id, knowledge, at=at)
    estimate = stored.full.estimate
    return save_estimate(
        session, actor, patient_id, estimate, currency=estimate.currency, tariffs_version=tariffs_version,
        plan_version_id=stored.version.id, at=at,
    )  # fmt: skip


def save_estimate(
    session: Session,
    actor: Actor,
    patient_id: uuid.UUID,
    estimate: Estimate,
    *,
    currency: str,
    tariffs_version: str,
    plan_version_id: uuid.UUID | None,
    at: datetime,
) -> CostEstimate:
    """File `estimate` (from `price_plan`) as what the patient was told, with the tariffs it was priced at."""
    require(actor, Permission.MANAGE_BILLING)
    patient = open_chart(session, actor, patient_id, Permission.MANAGE_BILLING)
    _check_estimate(estimate, currency, tariffs_version)
    version = plan_version_id and repository.plan_version(session, actor.clinic_id, patient.id, plan_version_id)
    if plan_version_id is not None and version is None:
        raise NotFound("No such plan version for this patient.", code="plan_version_not_found")
    row = CostEstimate(
        clinic_id=actor.clinic_id,
        patient_id=patient.id,
        plan_version_id=plan_version_id,
        currency=currency,
        low_cents=estimate.low_cents,
        expected_cents=estimate.expected_cents,
        high_cents=estimate.high_cents,
        lines=[_line_json(line) for line in estimate.lines],
        tariffs_version=tariffs_version,
        made_at=at,
    )
    session.add(row)
    session.flush()
    audit_chart(session, actor, "create", "cost_estimate", row.id, patient_id=patient.id, at=at, changes={
        "currency": currency, "low_cents": row.low_cents, "expected_cents": row.expected_cents,
        "high_cents": row.high_cents, "tariffs_version": tariffs_version, "plan_version_id": plan_version_id,
    })  # fmt: skip
    return row


def create_payment_plan(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: PaymentPlanIn, *, currency: str, at: datetime
) -> PaymentPlanRecord:
    """Agree a deposit and monthly instalments for a total, or for an estimate's expected cost."""
    require(actor, Permission.MANAGE_BILLING)
    patient = open_chart(session, actor, patient_id, Permission.MANAGE_BILLING)
    total_cents = data.total_cents
    if data.estimate_id is not None:
        estimate = repository.estimate(session, actor.clinic_id, patient.id, data.estimate_id)
        if estimate is None:
            raise NotFound("No such cost estimate for this patient.", code="estimate_not_found")
        if estimate.currency != currency:
            raise InvalidInput(
                f"estimate_id is in {estimate.currency}, not {currency}; price it again in {currency}.",
                code="estimate_currency_mismatch",
            )
        total_cents = estimate.expected_cents
    if not total_cents:
        raise InvalidInput(
            "estimate_id expects nothing to pay, so there is nothing to plan.", code="payment_total_zero"
        )
    active = repository.active_plan(session, actor.clinic_id, patient.id)
    if active is not None:
        raise Conflict(
            "This patient already has an active payment plan; cancel it before agreeing a new one.",
            code="payment_plan_active",
        )
    plan = plan_payments(  # its InvalidPaymentPlan (422, naming the argument) goes to the caller unchanged
        total_cents,
        currency=currency,
        instalments=data.instalments,
        deposit_cents=data.deposit_cents,
        apr_percent=data.apr_percent,
        first_due=data.first_due_on,
    )
    agreed_on = clinic_today(repository.clinic(session, actor.clinic_id), at)
    row = PaymentPlanRecord(
        clinic_id=actor.clinic_id,
        patient_id=patient.id,
        estimate_id=data.estimate_id,
        currency=currency,
        total_cents=plan.total_cents,
        deposit_cents=plan.deposit_cents,
        instalments=len(plan.instalments),
        apr_percent=plan.apr_percent,
        first_due_on=data.first_due_on,
        schedule=_schedule_json(plan, agreed_on),
        status="active",
    )
    session.add(row)
    session.flush()
    audit_chart(session, actor, "create", "payment_plan", row.id, patient_id=patient.id, at=at, changes={
        "total_cents": row.total_cents, "deposit_cents": row.deposit_cents, "instalments": row.instalments,
        "apr_percent": str(row.apr_percent), "total_payable_cents": plan.total_payable_cents,
        "estimate_id": data.estimate_id,
    })  # fmt: skip
    return row


def cancel_payment_plan(
    session: Session, actor: Actor, plan_id: uuid.UUID, version: int, reason: str, *, at: datetime
) -> PaymentPlanRecord:
    """End an active plan, saying why. Payments already made stay on file against it."""
    found = repository.payment_plan(session, actor.clinic_id, plan_id)
    missing = NotFound("No such payment plan.", code="payment_plan_not_found")
    plan = open_record(session, actor, found, Permission.MANAGE_BILLING, missing=missing)
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(f"reason is required, at most {MAX_REASON} characters: say why.", code="reason_missing")
    if plan.status != "active":
        raise Conflict(f"This payment plan is already {plan.status}.", code=f"payment_plan_{plan.status}")
    diff = edit_versioned(session, plan, version, {"status": "cancelled"}, what="payment plan")
    audit_chart(session, actor, "cancel", "payment_plan", plan.id, patient_id=plan.patient_id, at=at,
                changes={**diff, "reason": reason})  # fmt: skip
    return plan


def record_payment(
    session: Session, actor: Actor, patient_id: uuid.UUID, data: PaymentIn, *, at: datetime
) -> PaymentReceived:
    """Record money received; toward a plan, it may not exceed what the plan still asks for."""
    require(actor, Permission.MANAGE_BILLING)
    patient = open_chart(session, actor, patient_id, Permission.MANAGE_BILLING)
    today = clinic_today(repository.clinic(session, actor.clinic_id), at)
    if data.received_on > today:
        raise InvalidInput(
            f"received_on {data.received_on.isoformat()} is after today, {today.isoformat()}: record it when received.",
            code="payment_in_future",
        )
    plan = None
    if data.payment_plan_id is not None:
        plan = _plan(session, actor, data.payment_plan_id)
        if plan.patient_id != patient.id:  # another patient's plan is as unknown as a missing one
            raise NotFound("No such payment plan.", code="payment_plan_not_found")
        if plan.status != "active":
            raise Conflict(
                f"This payment plan is {plan.status}; record the payment without it or toward the active plan.",
                code=f"payment_plan_{plan.status}",
            )
        owed = total_payable_cents(plan) - repository.paid_toward(session, actor.clinic_id, plan.id)
        if data.amount_cents > owed:
            raise InvalidInput(
                f"amount_cents {data.amount_cents} is more than the {owed} still owed on this plan.",
                code="payment_exceeds_balance",
            )
    payment = PaymentReceived(
        clinic_id=actor.clinic_id, patient_id=patient.id, recorded_by=actor.user_id, **data.model_dump()
    )
    session.add(payment)
    session.flush()
    audit_chart(session, actor, "create", "payment", payment.id, patient_id=patient.id, at=at, changes={
        "amount_cents": payment.amount_cents, "received_on": payment.received_on.isoformat(),
        "method": payment.method, "payment_plan_id": payment.payment_plan_id,
    })  # fmt: skip
    if plan is not None and repository.paid_toward(session, actor.clinic_id, plan.id) >= total_payable_cents(plan):
        diff = edit_versioned(session, plan, plan.version, {"status": "settled"}, what="payment plan")
        audit_chart(session, actor, "update", "payment_plan", plan.id, patient_id=patient.id, at=at, changes=diff)
    return payment


def schedule_dues(plan: PaymentPlanRecord) -> list[Due]:
    """The stored schedule as plain values, in order: the deposit (if any), then the instalments."""
    return [Due(int(e["number"]), date.fromisoformat(e["due_on"]), int(e["amount_cents"])) for e in plan.schedule]


def total_payable_cents(plan: PaymentPlanRecord) -> int:
    """Deposit plus every instalment, interest included."""
    return sum(int(entry["amount_cents"]) for entry in plan.schedule)


def _plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> PaymentPlanRecord:
    plan = repository.payment_plan(session, actor.clinic_id, plan_id)
    if plan is None:
        raise NotFound("No such payment plan.", code="payment_plan_not_found")
    return plan


def _check_estimate(estimate: Estimate, currency: str, tariffs_version: str) -> None:
    if not _CURRENCY.fullmatch(currency):
        raise InvalidInput(
            f"currency must be an ISO 4217 code such as 'USD', not {currency!r}.", code="currency_invalid"
        )
    if estimate.currency != currency:
        raise InvalidInput(
            f"The estimate is in {estimate.currency}, not {currency}; price it in {currency}.",
            code="estimate_currency_mismatch",
        )
    if not 0 <= estimate.low_cents <= estimate.expected_cents <= estimate.high_cents:
        raise InvalidInput(
            "The estimate's low, expected and high costs are out of order.", code="estimate_range_invalid"
        )
    if estimate.high_cents > MAX_AMOUNT_CENTS:
        raise InvalidInput(f"The estimate's high cost is above {MAX_AMOUNT_CENTS} cents.", code="estimate_too_large")
    if not tariffs_version.strip() or len(tariffs_version) > MAX_TARIFFS_VERSION:
        raise InvalidInput(
            f"tariffs_version is required, at most {MAX_TARIFFS_VERSION} characters.", code="tariffs_version_invalid"
        )


def _line_json(line: EstimateLine) -> dict[str, Any]:
    basis = {"source": line.basis.source, "evidence": line.basis.evidence.value} if line.basis else None
    return {
        "item": line.item, "quantity": line.quantity, "unit": line.unit, "low_cents": line.low_cents,
        "expected_cents": line.expected_cents, "high_cents": line.high_cents, "basis": basis,
    }  # fmt: skip


def _schedule_json(plan: PaymentPlan, agreed_on: date) -> list[dict[str, Any]]:
    # The deposit is stored as entry 0, due the day the plan is agreed, so the schedule alone says what is payable
    # and the deposit is allocated before the first instalment.
    entries: list[dict[str, Any]] = []
    if plan.deposit_cents:
        entries.append({"number": 0, "kind": "deposit", "due_on": agreed_on.isoformat(),
                        "amount_cents": plan.deposit_cents, "principal_cents": plan.deposit_cents,
                        "interest_cents": 0, "balance_after_cents": plan.financed_cents})  # fmt: skip
    for i in plan.instalments:
        entries.append({"number": i.number, "kind": "instalment", "due_on": i.due.isoformat(),
                        "amount_cents": i.amount_cents, "principal_cents": i.principal_cents,
                        "interest_cents": i.interest_cents, "balance_after_cents": i.balance_after_cents})  # fmt: skip
    return entries
