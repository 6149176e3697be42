"""Questionnaire responses: answers to an instrument defined as data (instruments.yaml), with the instrument's id
and version they answered and the scores they gave. A clinic may now publish its own instruments.yaml.

Revision ID: 4ea808265796
Revises: 9e6bd898fecc
Created: 2026-11-25 09:10:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4ea808265796"
down_revision: str | None = "9e6bd898fecc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OLD_FILES = "file_name IN ('protocols.yaml', 'tariffs.yaml', 'consent.yaml')"
NEW_FILES = "file_name IN ('protocols.yaml', 'tariffs.yaml', 'consent.yaml', 'instruments.yaml')"


def _published_files(check: str) -> None:
    # SQLite cannot alter a CHECK constraint in place; batch mode copies the table with the new one.
    with op.batch_alter_table("knowledge_revisions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_knowledge_revisions_file_name"), type_="check")
        batch_op.create_check_constraint(op.f("ck_knowledge_revisions_file_name"), check)


def upgrade() -> None:
    _published_files(NEW_FILES)
    op.create_table(
        "questionnaire_responses",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("instrument_id", sa.String(length=80), nullable=False),
        sa.Column("instrument_version", sa.Integer(), nullable=False),
        sa.Column("instrument_title", sa.String(length=200), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('clinician', 'patient')", name=op.f("ck_questionnaire_responses_source")),
        sa.CheckConstraint("instrument_version > 0", name=op.f("ck_questionnaire_responses_instrument_version")),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_questionnaire_responses_clinic_id_clinics"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_questionnaire_responses_patient_id_patients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_questionnaire_responses_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
    )
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_responses_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questionnaire_responses_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index("ix_questionnaire_responses_patient_day", ["patient_id", "answered_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_questionnaire_responses_patient_day")
        batch_op.drop_index(batch_op.f("ix_questionnaire_responses_patient_id"))
        batch_op.drop_index(batch_op.f("ix_questionnaire_responses_clinic_id"))

    op.drop_table("questionnaire_responses")
    op.execute("DELETE FROM knowledge_revisions WHERE file_name = 'instruments.yaml'")
    _published_files(OLD_FILES)
