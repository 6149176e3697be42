"""What the demo patients were quoted and how they pay: an estimate priced from the plan on file, then a
deposit and monthly instalments (a few pay up front, two are behind), all through the billing service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from exohair.db.models import PaymentPlanRecord
from exohair.domain.dates import add_months
from exohair.features.billing import service as billing
from exohair.features.billing.schemas import PaymentIn, PaymentPlanIn
from exohair.features.demo.roster import Billing
from exohair.features.demo.world import DemoWorld
from exohair.features.plans import service as plans

DEPOSIT_SHARE = Decimal("0.2")  # a fifth down, rounded down to whole hundreds: a demo figure, not advice
_METHODS = ("card", "card", "transfer", "transfer", "cash", "cheque")


def quote(world: DemoWorld, patient_id: uuid.UUID, billing_plan: Billing, *, at: datetime) -> PaymentPlanRecord | None:
    """Price the current plan and file the estimate; agree a payment plan (paying the deposit now) or take the
    whole expected cost up front, as the chart says. Returns the payment plan agreed, if any."""
    if billing_plan == "none":
        return None
    coordinator, clinic = world.coordinator, world.staff.clinic
    stored = plans.current_plan(world.session, coordinator, patient_id, world.knowledge, at=at)
    estimate = billing.save_estimate(
        world.session, coordinator, patient_id, stored.full.estimate, currency=clinic.currency,
        tariffs_version=billing.tariffs_version(world.knowledge), plan_version_id=stored.version.id, at=at,
    )  # fmt: skip
    agreed_on = world.clock.local_day(at)
    if billing_plan == "estimate":  # quoted, still deciding
        return None
    if billing_plan == "upfront":
        pay(world, patient_id, None, estimate.expected_cents, agreed_on, at=at)
        return None
    instalments = world.rng.choice((3, 6, 6, 10, 12))
    deposit = int(Decimal(estimate.expected_cents) * DEPOSIT_SHARE // 10_000 * 10_000)
    terms = PaymentPlanIn(
        estimate_id=estimate.id,
        deposit_cents=deposit,
        instalments=instalments,
        apr_percent=Decimal("9.9") if instalments >= 10 else Decimal(0),
        first_due_on=add_months(agreed_on, 1),
    )
    plan = billing.create_payment_plan(world.session, coordinator, patient_id, terms, currency=clinic.currency, at=at)
    if deposit:
        pay(world, patient_id, plan.id, deposit, agreed_on, at=at)
    return plan


def dues(plan: PaymentPlanRecord, before: date) -> list[tuple[date, int]]:
    """The instalments (not the deposit) falling due before `before`, as (due date, amount in cents)."""
    return [
        (date.fromisoformat(entry["due_on"]), int(entry["amount_cents"]))
        for entry in plan.schedule
        if entry["kind"] == "instalment" and date.fromisoformat(entry["due_on"]) < before
    ]


def pay(
    world: DemoWorld, patient_id: uuid.UUID, plan_id: uuid.UUID | None, amount_cents: int, on: date, *, at: datetime
) -> None:
    method = world.rng.choice(_METHODS)
    reference = None if method == "cash" else f"DEMO-{world.rng.randrange(100_000, 999_999)}"
    payment = PaymentIn(
        received_on=on, amount_cents=amount_cents, method=method, reference=reference, payment_plan_id=plan_id
    )
    billing.record_payment(world.session, world.coordinator, patient_id, payment, at=at)
