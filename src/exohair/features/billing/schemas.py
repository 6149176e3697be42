"""What payment plans and payments accept. Money is integer cents; a rate is a Decimal; never floats."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from exohair.domain.payments import MAX_APR_PERCENT, MAX_INSTALMENTS
from exohair.features.input_model import InputModel

# Amounts are stored in 32-bit integer columns on PostgreSQL; ten million dollars is far above any treatment
# and far below 2**31 cents, so a mistyped amount is refused here rather than overflowing there.
MAX_AMOUNT_CENTS = 1_000_000_000

PaymentMethod = Literal["card", "transfer", "cash", "cheque", "other"]


class PaymentPlanIn(InputModel):
    """A plan for `total_cents`, or for the expected cost of the estimate `estimate_id`: one of the two."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    total_cents: int | None = Field(default=None, ge=1, le=MAX_AMOUNT_CENTS)
    estimate_id: uuid.UUID | None = None
    deposit_cents: int = Field(default=0, ge=0, le=MAX_AMOUNT_CENTS)
    instalments: int = Field(ge=1, le=MAX_INSTALMENTS)
    # Three decimals: the column is NUMERIC(6, 3), and the schedule must be the one the stored rate reproduces.
    apr_percent: Decimal = Field(default=Decimal(0), ge=0, le=MAX_APR_PERCENT, decimal_places=3)
    first_due_on: date

    @model_validator(mode="after")
    def _one_source_of_total(self) -> PaymentPlanIn:
        if (self.total_cents is None) == (self.estimate_id is None):
            raise ValueError("give exactly one of total_cents and estimate_id")
        return self


class PaymentIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    received_on: date
    amount_cents: int = Field(gt=0, le=MAX_AMOUNT_CENTS)
    method: PaymentMethod
    reference: str | None = Field(default=None, max_length=100, description="Card slip, transfer or cheque number.")
    payment_plan_id: uuid.UUID | None = None

    @field_validator("reference")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
