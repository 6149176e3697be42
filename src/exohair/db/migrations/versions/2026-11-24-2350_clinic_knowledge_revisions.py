"""A clinic's own protocols.yaml, tariffs.yaml and consent.yaml, published from the admin pages; all kept.

Revision ID: ea1832ddcd96
Revises: 5c9a2e7f1b30
Created: 2026-11-24 23:50:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ea1832ddcd96"
down_revision: str | None = "5c9a2e7f1b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "knowledge_revisions",
        sa.Column("file_name", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("file_version", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("protocol_versions", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "file_name IN ('protocols.yaml', 'tariffs.yaml', 'consent.yaml')",
            name=op.f("ck_knowledge_revisions_file_name"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_knowledge_revisions_clinic_id_clinics"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_knowledge_revisions_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_revisions")),
        sa.UniqueConstraint(
            "clinic_id", "file_name", "number", name=op.f("uq_knowledge_revisions_clinic_id_file_name_number")
        ),
    )
    op.create_index(op.f("ix_knowledge_revisions_clinic_id"), "knowledge_revisions", ["clinic_id"], unique=False)
    with op.batch_alter_table("clinics") as batch:
        batch.add_column(sa.Column("knowledge_revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("clinics") as batch:
        batch.drop_column("knowledge_revision")
    op.drop_index(op.f("ix_knowledge_revisions_clinic_id"), table_name="knowledge_revisions")
    op.drop_table("knowledge_revisions")
