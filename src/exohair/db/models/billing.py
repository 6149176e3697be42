"""Money: a cost estimate for a plan version, the payment plan agreed from it, and payments received.

All amounts are integer cents in the clinic's currency; there are no floats for money anywhere."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped, UTCDateTime, Versioned
from exohair.db.models.clinical import patient_fk


class CostEstimate(Identified, ClinicScoped, Timestamped, Base):
    __tablename__ = "cost_estimates"
    __table_args__ = (CheckConstraint("low_cents <= expected_cents AND expected_cents <= high_cents", name="range"),)

    patient_id: Mapped[uuid.UUID] = patient_fk()
    plan_version_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("plan_versions.id", ondelete="SET NULL"))
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    low_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    expected_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    high_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    tariffs_version: Mapped[str] = mapped_column(String(40), nullable=False)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class PaymentPlanRecord(Identified, ClinicScoped, Versioned, Timestamped, Base):
    __tablename__ = "payment_plans"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'cancelled', 'settled')", name="status"),
        CheckConstraint("total_cents >= 0 AND deposit_cents >= 0 AND deposit_cents <= total_cents", name="amounts"),
    )

    patient_id: Mapped[uuid.UUID] = patient_fk()
    estimate_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("cost_estimates.id", ondelete="SET NULL"))
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    deposit_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    instalments: Mapped[int] = mapped_column(Integer, nullable=False)
    apr_percent: Mapped[Any] = mapped_column(Numeric(6, 3), nullable=False)  # Decimal: never a float rate
    first_due_on: Mapped[date] = mapped_column(Date, nullable=False)
    schedule: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)  # [{number, due_on, amount_cents}]
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")


class PaymentReceived(Identified, ClinicScoped, Timestamped, Base):
    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount"),)

    patient_id: Mapped[uuid.UUID] = patient_fk()
    payment_plan_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("payment_plans.id", ondelete="RESTRICT"), index=True
    )
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    method: Mapped[str] = mapped_column(String(40), nullable=False)  # card, transfer, cash, ...
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
