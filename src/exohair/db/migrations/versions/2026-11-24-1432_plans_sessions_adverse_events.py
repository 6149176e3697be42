"""Plan versions, therapy sessions and adverse events (which point at sessions and product lots).

Revision ID: 5c2d71e0b8a4
Revises: 3af09007620c
Created: 2026-11-24 14:32:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c2d71e0b8a4"
down_revision: str | None = "3af09007620c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_versions",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("protocol_id", sa.String(length=60), nullable=False),
        sa.Column("protocol_version", sa.Integer(), nullable=False),
        sa.Column("adjuncts", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("planned_from", sa.Date(), nullable=False),
        sa.Column("sessions", sa.JSON(), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_plan_versions_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["chemo_courses.id"],
            name=op.f("fk_plan_versions_course_id_chemo_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_plan_versions_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_plan_versions_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_versions")),
        sa.UniqueConstraint("course_id", "number", name=op.f("uq_plan_versions_course_id_number")),
    )
    op.create_index(op.f("ix_plan_versions_clinic_id"), "plan_versions", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_plan_versions_course_id"), "plan_versions", ["course_id"], unique=False)
    op.create_index(op.f("ix_plan_versions_patient_id"), "plan_versions", ["patient_id"], unique=False)

    op.create_table(
        "therapy_sessions",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("performed_on", sa.Date(), nullable=True),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("operator_id", sa.Uuid(), nullable=True),
        sa.Column("product_lot_id", sa.Uuid(), nullable=True),
        sa.Column("dose_ml", sa.Float(), nullable=True),
        sa.Column("dose_particles", sa.Float(), nullable=True),
        sa.Column("dose_protein_ug", sa.Float(), nullable=True),
        sa.Column("scalp_sites", sa.JSON(), nullable=False),
        sa.Column("gate_result", sa.JSON(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status != 'cancelled' OR cancel_reason IS NOT NULL", name=op.f("ck_therapy_sessions_cancelled")
        ),
        sa.CheckConstraint(
            "status != 'performed' OR (performed_on IS NOT NULL AND product_lot_id IS NOT NULL)",
            name=op.f("ck_therapy_sessions_performed"),
        ),
        sa.CheckConstraint("status IN ('planned', 'performed', 'cancelled')", name=op.f("ck_therapy_sessions_status")),
        sa.CheckConstraint("dose_ml IS NULL OR dose_ml > 0", name=op.f("ck_therapy_sessions_dose")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_therapy_sessions_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["chemo_courses.id"],
            name=op.f("fk_therapy_sessions_course_id_chemo_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["users.id"], name=op.f("fk_therapy_sessions_operator_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_therapy_sessions_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["product_lot_id"],
            ["product_lots.id"],
            name=op.f("fk_therapy_sessions_product_lot_id_product_lots"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapy_sessions")),
        sa.UniqueConstraint("course_id", "key", name=op.f("uq_therapy_sessions_course_id_key")),
    )
    op.create_index(op.f("ix_therapy_sessions_clinic_id"), "therapy_sessions", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_therapy_sessions_course_id"), "therapy_sessions", ["course_id"], unique=False)
    op.create_index(op.f("ix_therapy_sessions_patient_id"), "therapy_sessions", ["patient_id"], unique=False)
    op.create_index(op.f("ix_therapy_sessions_planned_on"), "therapy_sessions", ["planned_on"], unique=False)
    op.create_index(op.f("ix_therapy_sessions_product_lot_id"), "therapy_sessions", ["product_lot_id"], unique=False)

    op.create_table(
        "adverse_events",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("product_lot_id", sa.Uuid(), nullable=True),
        sa.Column("onset_on", sa.Date(), nullable=False),
        sa.Column("ctcae_term", sa.String(length=200), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("relatedness", sa.String(length=10), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "relatedness IN ('unrelated', 'unlikely', 'possible', 'probable', 'definite')",
            name=op.f("ck_adverse_events_relatedness"),
        ),
        sa.CheckConstraint("grade BETWEEN 1 AND 5", name=op.f("ck_adverse_events_grade")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_adverse_events_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_adverse_events_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["product_lot_id"],
            ["product_lots.id"],
            name=op.f("fk_adverse_events_product_lot_id_product_lots"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"], ["users.id"], name=op.f("fk_adverse_events_reported_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_sessions.id"],
            name=op.f("fk_adverse_events_session_id_therapy_sessions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_events")),
    )
    op.create_index(op.f("ix_adverse_events_clinic_id"), "adverse_events", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_adverse_events_patient_id"), "adverse_events", ["patient_id"], unique=False)
    op.create_index(op.f("ix_adverse_events_product_lot_id"), "adverse_events", ["product_lot_id"], unique=False)
    op.create_index(op.f("ix_adverse_events_session_id"), "adverse_events", ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_adverse_events_session_id"), table_name="adverse_events")
    op.drop_index(op.f("ix_adverse_events_product_lot_id"), table_name="adverse_events")
    op.drop_index(op.f("ix_adverse_events_patient_id"), table_name="adverse_events")
    op.drop_index(op.f("ix_adverse_events_clinic_id"), table_name="adverse_events")
    op.drop_table("adverse_events")

    op.drop_index(op.f("ix_therapy_sessions_product_lot_id"), table_name="therapy_sessions")
    op.drop_index(op.f("ix_therapy_sessions_planned_on"), table_name="therapy_sessions")
    op.drop_index(op.f("ix_therapy_sessions_patient_id"), table_name="therapy_sessions")
    op.drop_index(op.f("ix_therapy_sessions_course_id"), table_name="therapy_sessions")
    op.drop_index(op.f("ix_therapy_sessions_clinic_id"), table_name="therapy_sessions")
    op.drop_table("therapy_sessions")

    op.drop_index(op.f("ix_plan_versions_patient_id"), table_name="plan_versions")
    op.drop_index(op.f("ix_plan_versions_course_id"), table_name="plan_versions")
    op.drop_index(op.f("ix_plan_versions_clinic_id"), table_name="plan_versions")
    op.drop_table("plan_versions")
