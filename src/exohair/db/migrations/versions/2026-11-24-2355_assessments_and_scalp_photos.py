"""Hair outcomes: dated assessments (by a clinician or the patient), the assessment visits plans ask for, and
scalp photos kept outside the database.

Revision ID: 9e6bd898fecc
Revises: ea1832ddcd96
Created: 2026-11-24 23:55:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e6bd898fecc"
down_revision: str | None = "ea1832ddcd96"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("ctcae_grade", sa.Integer(), nullable=True),
        sa.Column("dean_score", sa.Integer(), nullable=True),
        sa.Column("distress", sa.Integer(), nullable=True),
        sa.Column("head_cover", sa.String(length=10), nullable=True),
        sa.Column("measurements", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("head_cover IN ('none', 'sometimes', 'always')", name=op.f("ck_assessments_head_cover")),
        sa.CheckConstraint("source IN ('clinician', 'patient')", name=op.f("ck_assessments_source")),
        sa.CheckConstraint("ctcae_grade BETWEEN 0 AND 2", name=op.f("ck_assessments_ctcae_grade")),
        sa.CheckConstraint("dean_score BETWEEN 0 AND 4", name=op.f("ck_assessments_dean_score")),
        sa.CheckConstraint("distress BETWEEN 0 AND 10", name=op.f("ck_assessments_distress")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_assessments_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_assessments_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_assessments_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index("ix_assessments_patient_day", ["patient_id", "assessed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "scalp_photos",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=True),
        sa.Column("view", sa.String(length=10), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("thumbnail_hash", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('clinician', 'patient')", name=op.f("ck_scalp_photos_source")),
        sa.CheckConstraint(
            "view IN ('vertex', 'frontal', 'left', 'right', 'occipital')", name=op.f("ck_scalp_photos_view")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_scalp_photos_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_scalp_photos_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_scalp_photos_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_scalp_photos_uploaded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scalp_photos")),
    )
    with op.batch_alter_table("scalp_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scalp_photos_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scalp_photos_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index("ix_scalp_photos_patient_view", ["patient_id", "view", "taken_on"], unique=False)

    op.create_table(
        "assessments_due",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_assessments_due_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["chemo_courses.id"],
            name=op.f("fk_assessments_due_course_id_chemo_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_assessments_due_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments_due")),
    )
    with op.batch_alter_table("assessments_due", schema=None) as batch_op:
        batch_op.create_index("ix_assessments_due_clinic_day", ["clinic_id", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_due_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_due_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_due_patient_id"), ["patient_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessments_due", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_due_patient_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_due_course_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_due_clinic_id"))
        batch_op.drop_index("ix_assessments_due_clinic_day")

    op.drop_table("assessments_due")
    with op.batch_alter_table("scalp_photos", schema=None) as batch_op:
        batch_op.drop_index("ix_scalp_photos_patient_view")
        batch_op.drop_index(batch_op.f("ix_scalp_photos_patient_id"))
        batch_op.drop_index(batch_op.f("ix_scalp_photos_clinic_id"))

    op.drop_table("scalp_photos")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_patient_id"))
        batch_op.drop_index("ix_assessments_patient_day")
        batch_op.drop_index(batch_op.f("ix_assessments_clinic_id"))

    op.drop_table("assessments")
