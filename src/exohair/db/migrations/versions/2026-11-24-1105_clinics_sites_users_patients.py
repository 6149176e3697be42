"""Clinics, sites, users and patients: the first tables of the system of record.

Revision ID: 72e4f07afd7c
Revises: (none)
Created: 2026-11-24 11:05:19.146283+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "72e4f07afd7c"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinics")),
    )
    op.create_table(
        "patients",
        sa.Column("mrn", sa.String(length=64), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("cancer_type", sa.String(length=200), nullable=False),
        sa.Column("cancer_stage", sa.String(length=20), nullable=True),
        sa.Column("baseline_density_per_cm2", sa.Float(), nullable=True),
        sa.Column("aga_stage", sa.String(length=40), nullable=True),
        sa.Column("aga_family_history", sa.Boolean(), nullable=False),
        sa.Column("hair_type", sa.String(length=60), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("sex IN ('female', 'male', 'other', 'unknown')", name=op.f("ck_patients_sex")),
        sa.CheckConstraint(
            "baseline_density_per_cm2 IS NULL OR baseline_density_per_cm2 > 0", name=op.f("ck_patients_density")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_patients_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("clinic_id", "mrn", name=op.f("uq_patients_clinic_id_mrn")),
    )
    op.create_index(op.f("ix_patients_clinic_id"), "patients", ["clinic_id"], unique=False)

    op.create_table(
        "sites",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_sites_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("clinic_id", "name", name=op.f("uq_sites_clinic_id_name")),
    )
    op.create_index(op.f("ix_sites_clinic_id"), "sites", ["clinic_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(role = 'patient') = (patient_id IS NOT NULL)", name=op.f("ck_users_patient_link")),
        sa.CheckConstraint(
            "role IN ('admin', 'coordinator', 'clinician', 'oncologist', 'patient', 'researcher')",
            name=op.f("ck_users_role"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_users_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_users_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("clinic_id", "email", name=op.f("uq_users_clinic_id_email")),
    )
    op.create_index(op.f("ix_users_clinic_id"), "users", ["clinic_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_clinic_id"), table_name="users")

    op.drop_table("users")
    op.drop_index(op.f("ix_sites_clinic_id"), table_name="sites")

    op.drop_table("sites")
    op.drop_index(op.f("ix_patients_clinic_id"), table_name="patients")

    op.drop_table("patients")
    op.drop_table("clinics")
