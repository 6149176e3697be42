"""/api/v1: money — file an estimate of the current plan, agree or cancel a payment plan, record a payment, and
the patient's billing summary. Amounts are integer cents with their currency; a rate is a decimal string.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from exohair.features.billing import service
from exohair.features.billing import summary as standing
from exohair.features.billing.schemas import PaymentIn, PaymentMethod, PaymentPlanIn
from exohair.features.input_model import InputModel
from exohair.web.deps import Signed

router = APIRouter(tags=["billing"])
APR_PLACES = Decimal("0.001")  # the column is NUMERIC(6, 3)


class EstimateLineOut(BaseModel):
    item: str
    quantity: int
    unit: str
    low_cents: int
    expected_cents: int
    high_cents: int
    basis: dict[str, Any] | None  # {source, evidence}: where the price comes from


class EstimateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    patient_id: uuid.UUID
    plan_version_id: uuid.UUID | None
    currency: str
    low_cents: int
    expected_cents: int
    high_cents: int
    lines: list[EstimateLineOut]
    tariffs_version: str
    made_at: datetime


class ScheduleEntryOut(BaseModel):
    number: int  # 0 is the deposit
    kind: Literal["deposit", "instalment"]
    due_on: date
    amount_cents: int
    principal_cents: int
    interest_cents: int
    balance_after_cents: int


class PaymentPlanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    estimate_id: uuid.UUID | None
    currency: str
    total_cents: int
    deposit_cents: int
    instalments: int
    apr_percent: Decimal
    first_due_on: date
    schedule: list[ScheduleEntryOut]
    status: Literal["active", "cancelled", "settled"]
    created_at: datetime
    updated_at: datetime

    @field_validator("apr_percent")
    @classmethod
    def _as_stored(cls, value: Decimal) -> Decimal:
        # A plan just agreed still holds the rate as typed ("9.9"); read back it is "9.900". One spelling for both.
        return value.quantize(APR_PLACES)


class PaymentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    patient_id: uuid.UUID
    payment_plan_id: uuid.UUID | None
    received_on: date
    amount_cents: int
    method: PaymentMethod
    reference: str | None
    recorded_by: uuid.UUID | None
    created_at: datetime


class DueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    due_on: date
    amount_cents: int
    covered_cents: int
    outstanding_cents: int


class BillingSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    patient_id: uuid.UUID
    currency: str
    latest_estimate: EstimateOut | None
    payment_plan: PaymentPlanOut | None
    schedule: list[DueOut]
    payments: list[PaymentOut]
    total_payable_cents: int
    paid_cents: int
    balance_cents: int
    next_due: DueOut | None
    overdue: list[DueOut]


class CancelPlanIn(InputModel):
    # The billing feature takes these as arguments, not a schema; the bound is its MAX_REASON.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: int = Field(ge=1, description="The payment plan version the user saw.")
    reason: str = Field(min_length=1, max_length=service.MAX_REASON)


@router.post(
    "/patients/{patient_id}/estimate",
    response_model=EstimateOut,
    status_code=201,
    summary="File the cost estimate of the patient's current plan, as the patient is told it",
)
def save_estimate(ctx: Signed, patient_id: uuid.UUID) -> EstimateOut:
    tariffs = service.tariffs_version(ctx.knowledge)
    row = service.estimate_current_plan(
        ctx.session, ctx.actor, patient_id, ctx.knowledge, tariffs_version=tariffs, at=ctx.at
    )
    return ctx.commit(EstimateOut.model_validate(row))


@router.post(
    "/patients/{patient_id}/payment-plans",
    response_model=PaymentPlanOut,
    status_code=201,
    summary="Agree a deposit and monthly instalments, for a total or for an estimate's expected cost",
)
def create_payment_plan(ctx: Signed, patient_id: uuid.UUID, data: PaymentPlanIn) -> PaymentPlanOut:
    # Priced in the tariffs' currency, the one estimates are filed in, so a plan for an estimate always matches.
    currency = ctx.knowledge.tariffs.currency
    plan = service.create_payment_plan(ctx.session, ctx.actor, patient_id, data, currency=currency, at=ctx.at)
    return ctx.commit(PaymentPlanOut.model_validate(plan))


@router.post(
    "/payment-plans/{plan_id}/cancel",
    response_model=PaymentPlanOut,
    summary="Cancel an active payment plan, saying why; payments made stay on file",
)
def cancel_payment_plan(ctx: Signed, plan_id: uuid.UUID, data: CancelPlanIn) -> PaymentPlanOut:
    plan = service.cancel_payment_plan(ctx.session, ctx.actor, plan_id, data.version, data.reason, at=ctx.at)
    return ctx.commit(PaymentPlanOut.model_validate(plan))


@router.post(
    "/patients/{patient_id}/payments",
    response_model=PaymentOut,
    status_code=201,
    summary="Record money received, toward the active plan or on its own",
)
def record_payment(ctx: Signed, patient_id: uuid.UUID, data: PaymentIn) -> PaymentOut:
    payment = service.record_payment(ctx.session, ctx.actor, patient_id, data, at=ctx.at)
    return ctx.commit(PaymentOut.model_validate(payment))


@router.get(
    "/patients/{patient_id}/billing",
    response_model=BillingSummaryOut,
    summary="Where the patient stands: latest estimate, active plan, payments, what is next and overdue",
)
def billing_summary(ctx: Signed, patient_id: uuid.UUID) -> BillingSummaryOut:
    summary = standing.billing_summary(ctx.session, ctx.actor, patient_id, at=ctx.at)
    return ctx.commit(BillingSummaryOut.model_validate(summary))
