"""Clinical records: chemo courses and infusion records, labs, consent, oncologist clearance, product lots;
clinic closures and consent version; patient conditions; login failures.

Revision ID: 3af09007620c
Revises: bf1da1c883f1
Created: 2026-11-24 14:31:18+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3af09007620c"
down_revision: str | None = "bf1da1c883f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_email_digest_at", "login_failures", ["email_digest", "at"], unique=False)
    op.create_index("ix_login_failures_source_at", "login_failures", ["source", "at"], unique=False)

    op.create_table(
        "closed_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_closed_days_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_days")),
        sa.UniqueConstraint("clinic_id", "day", name=op.f("uq_closed_days_clinic_id_day")),
    )
    op.create_index(op.f("ix_closed_days_clinic_id"), "closed_days", ["clinic_id"], unique=False)

    op.create_table(
        "product_lots",
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("source_cells", sa.String(length=200), nullable=False),
        sa.Column("manufacturer", sa.String(length=200), nullable=False),
        sa.Column("lot_number", sa.String(length=100), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("regulatory_reference", sa.String(length=200), nullable=True),
        sa.Column("stock_on_hand", sa.Integer(), nullable=False),
        sa.Column("particles_per_ml", sa.Float(), nullable=True),
        sa.Column("protein_ug_per_ml", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stock_on_hand >= 0", name=op.f("ck_product_lots_stock")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_product_lots_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_lots")),
        sa.UniqueConstraint(
            "clinic_id",
            "manufacturer",
            "product",
            "lot_number",
            name=op.f("uq_product_lots_clinic_id_manufacturer_product_lot_number"),
        ),
    )
    op.create_index(op.f("ix_product_lots_clinic_id"), "product_lots", ["clinic_id"], unique=False)

    op.create_table(
        "chemo_courses",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("regimen_id", sa.String(length=60), nullable=False),
        sa.Column("first_infusion", sa.Date(), nullable=False),
        sa.Column("end_of_chemo", sa.Date(), nullable=False),
        sa.Column("last_cytotoxic_infusion", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('active', 'stopped')", name=op.f("ck_chemo_courses_status")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_chemo_courses_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_chemo_courses_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chemo_courses")),
    )
    op.create_index(op.f("ix_chemo_courses_clinic_id"), "chemo_courses", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_chemo_courses_end_of_chemo"), "chemo_courses", ["end_of_chemo"], unique=False)
    op.create_index(op.f("ix_chemo_courses_patient_id"), "chemo_courses", ["patient_id"], unique=False)

    op.create_table(
        "clearances",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("oncologist_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'signed', 'declined', 'revoked')", name=op.f("ck_clearances_status")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_clearances_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["oncologist_id"], ["users.id"], name=op.f("fk_clearances_oncologist_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_clearances_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_clearances_requested_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["users.id"], name=op.f("fk_clearances_revoked_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearances")),
    )
    op.create_index(op.f("ix_clearances_clinic_id"), "clearances", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_clearances_patient_id"), "clearances", ["patient_id"], unique=False)

    op.create_table(
        "consents",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("document_version", sa.String(length=40), nullable=False),
        sa.Column("signed_by", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("scope IN ('treatment', 'registry', 'photos')", name=op.f("ck_consents_scope")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_consents_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_consents_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_consents_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_clinic_id"), "consents", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_consents_patient_id"), "consents", ["patient_id"], unique=False)

    op.create_table(
        "infusion_records",
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("course_version", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("delay_days", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("NOT (skipped AND delay_days > 0)", name=op.f("ck_infusion_records_skip_or_delay")),
        sa.CheckConstraint("cycle >= 1 AND day >= 1", name=op.f("ck_infusion_records_position")),
        sa.CheckConstraint("delay_days BETWEEN -365 AND 365", name=op.f("ck_infusion_records_delay")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_infusion_records_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["chemo_courses.id"],
            name=op.f("fk_infusion_records_course_id_chemo_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_infusion_records_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_infusion_records")),
        sa.UniqueConstraint("course_id", "course_version", name=op.f("uq_infusion_records_course_id_course_version")),
    )
    op.create_index(op.f("ix_infusion_records_clinic_id"), "infusion_records", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_infusion_records_course_id"), "infusion_records", ["course_id"], unique=False)

    op.create_table(
        "lab_results",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anc_per_ul", sa.Float(), nullable=True),
        sa.Column("platelets_per_ul", sa.Float(), nullable=True),
        sa.Column("hb_g_dl", sa.Float(), nullable=True),
        sa.Column("inr", sa.Float(), nullable=True),
        sa.Column("entered_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(anc_per_ul IS NULL OR anc_per_ul >= 0) AND (platelets_per_ul IS NULL OR platelets_per_ul >= 0) AND (hb_g_dl IS NULL OR hb_g_dl >= 0) AND (inr IS NULL OR inr > 0)",  # noqa: E501
            name=op.f("ck_lab_results_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_lab_results_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_lab_results_entered_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_lab_results_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_results")),
    )
    op.create_index(op.f("ix_lab_results_clinic_id"), "lab_results", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_lab_results_patient_id"), "lab_results", ["patient_id"], unique=False)
    op.create_index(op.f("ix_lab_results_taken_at"), "lab_results", ["taken_at"], unique=False)

    with op.batch_alter_table("clinics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_weekdays", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("consent_document_version", sa.String(length=40), nullable=True))

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conditions", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("anticoagulated", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("anticoagulated")
        batch_op.drop_column("conditions")

    with op.batch_alter_table("clinics", schema=None) as batch_op:
        batch_op.drop_column("consent_document_version")
        batch_op.drop_column("closed_weekdays")

    op.drop_index(op.f("ix_lab_results_taken_at"), table_name="lab_results")
    op.drop_index(op.f("ix_lab_results_patient_id"), table_name="lab_results")
    op.drop_index(op.f("ix_lab_results_clinic_id"), table_name="lab_results")
    op.drop_table("lab_results")

    op.drop_index(op.f("ix_infusion_records_course_id"), table_name="infusion_records")
    op.drop_index(op.f("ix_infusion_records_clinic_id"), table_name="infusion_records")
    op.drop_table("infusion_records")

    op.drop_index(op.f("ix_consents_patient_id"), table_name="consents")
    op.drop_index(op.f("ix_consents_clinic_id"), table_name="consents")
    op.drop_table("consents")

    op.drop_index(op.f("ix_clearances_patient_id"), table_name="clearances")
    op.drop_index(op.f("ix_clearances_clinic_id"), table_name="clearances")
    op.drop_table("clearances")

    op.drop_index(op.f("ix_chemo_courses_patient_id"), table_name="chemo_courses")
    op.drop_index(op.f("ix_chemo_courses_end_of_chemo"), table_name="chemo_courses")
    op.drop_index(op.f("ix_chemo_courses_clinic_id"), table_name="chemo_courses")
    op.drop_table("chemo_courses")

    op.drop_index(op.f("ix_product_lots_clinic_id"), table_name="product_lots")
    op.drop_table("product_lots")

    op.drop_index(op.f("ix_closed_days_clinic_id"), table_name="closed_days")
    op.drop_table("closed_days")

    op.drop_index("ix_login_failures_source_at", table_name="login_failures")
    op.drop_index("ix_login_failures_email_digest_at", table_name="login_failures")
    op.drop_table("login_failures")
