"""Money: cost estimates, payment plans and payments received.

Revision ID: 8e41f3a9c6d2
Revises: 5c2d71e0b8a4
Created: 2026-11-24 14:33:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e41f3a9c6d2"
down_revision: str | None = "5c2d71e0b8a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cost_estimates",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("plan_version_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("low_cents", sa.Integer(), nullable=False),
        sa.Column("expected_cents", sa.Integer(), nullable=False),
        sa.Column("high_cents", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("tariffs_version", sa.String(length=40), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "low_cents <= expected_cents AND expected_cents <= high_cents", name=op.f("ck_cost_estimates_range")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_cost_estimates_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_cost_estimates_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name=op.f("fk_cost_estimates_plan_version_id_plan_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_estimates")),
    )
    op.create_index(op.f("ix_cost_estimates_clinic_id"), "cost_estimates", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_cost_estimates_patient_id"), "cost_estimates", ["patient_id"], unique=False)

    op.create_table(
        "payment_plans",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("estimate_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("deposit_cents", sa.Integer(), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=False),
        sa.Column("apr_percent", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('active', 'cancelled', 'settled')", name=op.f("ck_payment_plans_status")),
        sa.CheckConstraint(
            "total_cents >= 0 AND deposit_cents >= 0 AND deposit_cents <= total_cents",
            name=op.f("ck_payment_plans_amounts"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_payment_plans_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["estimate_id"],
            ["cost_estimates.id"],
            name=op.f("fk_payment_plans_estimate_id_cost_estimates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_payment_plans_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_plans")),
    )
    op.create_index(op.f("ix_payment_plans_clinic_id"), "payment_plans", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_payment_plans_patient_id"), "payment_plans", ["patient_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("payment_plan_id", sa.Uuid(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_payments_amount")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_payments_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_payments_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["payment_plan_id"],
            ["payment_plans.id"],
            name=op.f("fk_payments_payment_plan_id_payment_plans"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_payments_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_clinic_id"), "payments", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_payments_patient_id"), "payments", ["patient_id"], unique=False)
    op.create_index(op.f("ix_payments_payment_plan_id"), "payments", ["payment_plan_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_payments_payment_plan_id"), table_name="payments")
    op.drop_index(op.f("ix_payments_patient_id"), table_name="payments")
    op.drop_index(op.f("ix_payments_clinic_id"), table_name="payments")
    op.drop_table("payments")

    op.drop_index(op.f("ix_payment_plans_patient_id"), table_name="payment_plans")
    op.drop_index(op.f("ix_payment_plans_clinic_id"), table_name="payment_plans")
    op.drop_table("payment_plans")

    op.drop_index(op.f("ix_cost_estimates_patient_id"), table_name="cost_estimates")
    op.drop_index(op.f("ix_cost_estimates_clinic_id"), table_name="cost_estimates")
    op.drop_table("cost_estimates")
